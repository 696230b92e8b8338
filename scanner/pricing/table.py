"""Rebuild `rules/prices.yaml` from quotes, and write it back with its comments.

Only the keys and type rows the table already has are produced: a key no source prices
keeps its old value and is listed as not updated. Some keys are derived from quotes:
savings (gp2 -> gp3, older generation -> current) are differences of two list prices,
and GCP machine types and Cloud SQL tiers are vCPUs x the family's vCPU rate + GiB x its
memory rate, as Google prices them.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from scanner.engine.spec import PriceSource, PriceTable
from scanner.pricing.aws import RDS_POSTGRES
from scanner.pricing.gcp import COMPUTE_CORE, COMPUTE_RAM, SQL_RAM, SQL_VCPU
from scanner.pricing.sheet import PriceSheet, Quote, lowest

__all__ = ["PriceUpdate", "render_table", "update_table"]

Slot = tuple[str, str | None]

# savings keys: (key, (minuend slot, subtrahend slot))
_DIFFERENCES: dict[str, tuple[Slot, Slot]] = {
    "aws.ebs.gp2_to_gp3_savings_gb_month": (
        ("aws.ebs.gp2_gb_month", None),
        ("aws.ebs.gp3_gb_month", None),
    ),
    "aws.ec2.older_generation_savings_month": (
        ("aws.ec2.instance_month", "m4.large"),
        ("aws.ec2.instance_month", "m6a.large"),
    ),
    "aws.rds.older_generation_savings_month": (
        (RDS_POSTGRES, "db.m4.large"),
        (RDS_POSTGRES, "db.m6g.large"),
    ),
}

# Shared-core E2 machines are billed as a fraction of a vCPU (Google's pricing page).
_SHARED_CORE = {"e2-micro": (0.25, 1.0), "e2-small": (0.5, 2.0), "e2-medium": (1.0, 4.0)}
_MEMORY_PER_VCPU = {"standard": 4.0, "highmem": 8.0, "highcpu": 1.0}
_N1_MEMORY_PER_VCPU = {"standard": 3.75, "highmem": 6.5, "highcpu": 0.9}
_MACHINE = re.compile(
    r"^(?P<family>[a-z][a-z0-9]*)-(?P<kind>standard|highmem|highcpu)-(?P<cpus>\d+)$"
)
_SQL_CUSTOM = re.compile(r"^db-custom-(?P<cpus>\d+)-(?P<mb>\d+)$")
_SQL_N1 = re.compile(r"^db-n1-(?P<kind>standard|highmem)-(?P<cpus>\d+)$")


@dataclass
class PriceUpdate:
    """The rebuilt table and what changed."""

    table: PriceTable
    notes: dict[Slot, str] = field(default_factory=dict)  # comment of each updated entry
    updated: list[Slot] = field(default_factory=list)
    changed: list[tuple[Slot, float, float]] = field(default_factory=list)
    not_updated: list[Slot] = field(default_factory=list)  # kept at their old value
    warnings: list[str] = field(default_factory=list)


def update_table(old: PriceTable, sheets: Iterable[PriceSheet]) -> PriceUpdate:
    """The table with every key and type row the sheets price set to the new price."""
    sheets = list(sheets)
    candidates: dict[Slot, list[Quote]] = defaultdict(list)
    for quote in (quote for sheet in sheets for quote in sheet.quotes):
        candidates[(quote.key, quote.row)].append(quote)
    chosen, warnings = lowest(candidates, "sources")
    quotes = {(quote.key, quote.row): quote for quote in chosen}
    _derive(old, quotes)
    warnings = [w for sheet in sheets for w in sheet.warnings] + warnings
    update = PriceUpdate(table=old.model_copy(deep=True), warnings=warnings)
    for key, value in old.prices.items():
        _apply(update, (key, None), value, quotes)
    for name, rows in old.type_prices.items():
        for row, value in rows.items():
            _apply(update, (name, row), value, quotes)
    # one source per service (a catalog comes in pages: the first names it); services
    # not read this time keep their old entry, as their prices were kept too
    read: dict[tuple[str, str], PriceSource] = {}
    for source in (sheet.source for sheet in sheets if sheet.quotes):
        known = read.setdefault((source.provider, source.service), source.model_copy())
        known.published = max(known.published, source.published)
    kept = [s for s in old.sources if (s.provider, s.service) not in read]
    update.table.sources = [read[k] for k in sorted(read)] + kept
    dates = [s.published[:10] for s in read.values() if s.published]
    update.table.as_of = max(dates) if dates else old.as_of
    return update


def _apply(update: PriceUpdate, slot: Slot, old: float, quotes: dict[Slot, Quote]) -> None:
    quote = quotes.get(slot)
    if quote is None:
        update.not_updated.append(slot)
        return
    new = quote.monthly
    key, row = slot
    if row is None:
        update.table.prices[key] = new
    else:
        update.table.type_prices[key][row] = new
    update.notes[slot] = f"{quote.note}: {quote.listed}"
    update.updated.append(slot)
    if new != old:
        update.changed.append((slot, old, new))


def _derive(old: PriceTable, quotes: dict[Slot, Quote]) -> None:
    """Add the quotes that are computed from others (savings, machine shapes)."""
    for key, (high, low) in _DIFFERENCES.items():
        if high in quotes and low in quotes and quotes[high].unit == quotes[low].unit:
            a, b = quotes[high], quotes[low]
            note = f"{a.row or a.key} {a.listed} minus {b.row or b.key} {b.listed}"
            quotes[(key, None)] = Quote(key, None, a.rate - b.rate, a.unit, note)
    for row in old.type_prices.get("gcp.compute.instance_month", {}):
        shape = _machine_shape(row)
        if shape is not None:
            family, cpus, memory = shape
            _compose(
                quotes,
                ("gcp.compute.instance_month", row),
                (COMPUTE_CORE, family),
                (COMPUTE_RAM, family),
                cpus,
                memory,
            )
    for row in old.type_prices.get("gcp.sql.instance_month", {}):
        tier = _sql_shape(row)
        if tier is not None:
            slot = ("gcp.sql.instance_month", row)
            _compose(quotes, slot, (SQL_VCPU, None), (SQL_RAM, None), *tier)


def _compose(
    quotes: dict[Slot, Quote], slot: Slot, core: Slot, ram: Slot, cpus: float, memory: float
) -> None:
    if core not in quotes or ram not in quotes:
        return
    c, r = quotes[core], quotes[ram]
    rate = c.rate * Decimal(str(cpus)) + r.rate * Decimal(str(memory))
    note = f"{cpus:g} vCPU x {c.listed} + {memory:g} GiB x {r.listed}"
    quotes[slot] = Quote(slot[0], slot[1], rate, "hour", note)


def _machine_shape(name: str) -> tuple[str, float, float] | None:
    """(family, vCPUs billed, GiB) of a predefined machine type, None if not per-vCPU priced."""
    if name in _SHARED_CORE:
        return ("e2", *_SHARED_CORE[name])
    match = _MACHINE.match(name)
    if match is None:
        return None
    family, cpus = match["family"], int(match["cpus"])
    per_vcpu = _N1_MEMORY_PER_VCPU if family == "n1" else _MEMORY_PER_VCPU
    return (family, float(cpus), cpus * per_vcpu[match["kind"]])


def _sql_shape(tier: str) -> tuple[float, float] | None:
    """(vCPUs, GiB) of a Cloud SQL tier priced per vCPU and GiB."""
    if custom := _SQL_CUSTOM.match(tier):
        return (float(custom["cpus"]), int(custom["mb"]) / 1024)
    if legacy := _SQL_N1.match(tier):
        cpus = int(legacy["cpus"])
        return (float(cpus), cpus * _N1_MEMORY_PER_VCPU[legacy["kind"]])
    return None


# ---- writing the table back -------------------------------------------------------

_HEADER = """\
# List prices used for the monthly estimates of cost rules (`cost.price` keys).
# USD per unit per month; hourly prices are converted at 720 hours a month.
# Estimates, not bills: no discounts, free tiers, taxes or usage-based charges.
"""
_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
_KEY_LINE = re.compile(r"^( *)([^:#\s][^:#]*):")


def _comments(text: str) -> tuple[str, dict[tuple[str, ...], list[str]]]:
    """The file's leading comment block, and the comment lines above each entry."""
    lines = text.splitlines()
    header_end = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    header = "".join(f"{line}\n" for line in lines[:header_end])
    found: dict[tuple[str, ...], list[str]] = {}
    pending: list[str] = []
    section, table = "", ""
    for line in lines[header_end:]:
        stripped = line.strip()
        if stripped.startswith("#"):
            pending.append(stripped)
            continue
        match = _KEY_LINE.match(line)
        if match is None or stripped.startswith("-"):
            pending = []
            continue
        indent, name = len(match[1]), match[2].strip().strip("\"'")
        path: tuple[str, ...]
        if indent == 0:
            section, path = name, (name,)
        elif indent == 2:
            table, path = name, (section, name)
        else:
            path = (section, table, name)
        if pending:
            found[path] = pending
            pending = []
    return header, found


def _key(name: str) -> str:
    return name if _PLAIN_KEY.match(name) else json.dumps(name)


def render_table(update: PriceUpdate, old_text: str) -> str:
    """YAML of the updated table: the old header, fresh notes, old notes kept elsewhere."""
    header, comments = _comments(old_text)
    table = update.table
    out = [header or _HEADER]

    def note(path: tuple[str, ...], indent: str, slot: Slot | None = None) -> None:
        fresh = update.notes.get(slot) if slot else None
        for line in [f"# {fresh}"] if fresh else comments.get(path, []):
            out.append(f"{indent}{line}\n")

    out.append(f"as_of: {json.dumps(table.as_of)}\n")
    out.append(f"currency: {table.currency}\n")
    out.append(f"region_basis: {json.dumps(table.region_basis)}\n")
    if table.sources:
        out.append("# what `pscan prices update` read (docs/cost.md)\nsources:\n")
        for source in table.sources:
            fields = ", ".join(f"{k}: {json.dumps(v)}" for k, v in source.model_dump().items())
            out.append(f"  - {{{fields}}}\n")
    note(("prices",), "")
    out.append("prices:\n")
    for key, value in table.prices.items():
        note(("prices", key), "  ", (key, None))
        out.append(f"  {_key(key)}: {value!r}\n")
    if table.type_prices:
        note(("type_prices",), "")
        out.append("type_prices:\n")
    for name, rows in table.type_prices.items():
        note(("type_prices", name), "  ")
        out.append(f"  {_key(name)}:\n")
        for row, value in rows.items():
            out.append(f"    {_key(row)}: {value!r}\n")
    return "".join(out)
