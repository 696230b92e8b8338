"""`pscan architecture adr new`: a MADR record scaffolded with the facts it is about.

What the record is about is either given (`--type` globs, `--tag KEY=GLOB`) or read
from its title: a technology in use whose name appears in the title as a word
("Amazon RDS", or "RDS" without the vendor's name), or whose engine or runtime does
("postgres" in "Use PostgreSQL for orders"). When an engine or runtime is named, only
the resources running it match; otherwise every resource of the named technology does.

The facts, taken from the snapshots given: how many resources match, where (cloud,
account/project, region), of which kinds and products, and their list price per month
(`scanner.cost.monthly_estimate` over `rules/prices.yaml`: the same estimates as
`pscan cost`, never priced anew). The record's `governs` front matter is filled in from
the given patterns, or from the matched resources' types.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import yaml

from scanner.architecture.decisions import Governs, technologies_of
from scanner.catalog.tiers import placement
from scanner.cost import money, monthly_estimate
from scanner.engine.spec import PriceTable
from scanner.headroom import product_of

__all__ = ["RecordFacts", "gather_facts", "named_technologies", "scaffold", "slug"]

_VENDOR = re.compile(r"^(?:Amazon|AWS|Google Cloud|Google)\s+")
_ENGINE = re.compile(r"[_\d.\-]")


def slug(title: str) -> str:
    """A file-name form of a title: `Use PostgreSQL for orders` -> `use-postgresql-for-orders`."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].rstrip("-") or "decision"


def _says(title: str, term: str) -> bool:
    return len(term) >= 2 and re.search(rf"\b{re.escape(term)}", title, re.IGNORECASE) is not None


def named_technologies(title: str, technologies: Iterable[str]) -> list[str]:
    """The technologies in use that the title names (engines and runtimes win)."""
    bases, details = [], []
    for tech in sorted(set(technologies)):
        base, _, detail = tech.partition(": ")
        if detail:
            engine = _ENGINE.split(detail)[0]
            if len(engine) >= 3 and _says(title, engine):
                details.append(tech)
        elif _says(title, base) or _says(title, _VENDOR.sub("", base)):
            bases.append(tech)
    return details or bases


@dataclass
class RecordFacts:
    """What a record is about, as the snapshots show it."""

    matched_by: str
    governs: Governs | None
    resources: int = 0
    where: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # provider, acct, region
    types: Counter[str] = field(default_factory=Counter)
    products: Counter[str] = field(default_factory=Counter)
    monthly: Decimal = Decimal(0)
    priced: int = 0
    currency: str = "USD"
    price_basis: str = ""


def gather_facts(
    title: str,
    resources: Sequence[Mapping[str, Any]],
    prices: PriceTable | None,
    product_tags: Sequence[str],
    given: Governs | None = None,
) -> RecordFacts:
    """The resources a new record is about (`given`, else the title's technologies)."""
    if given is not None:
        facts = RecordFacts("the given --type/--tag patterns", given)
        matched = [r for r in resources if given.covers(r)]
    else:
        named = set(named_technologies(title, (t for r in resources for t in technologies_of(r))))
        matched = [r for r in resources if named & set(technologies_of(r))]
        types = sorted({str(r["type"]) for r in matched})
        facts = RecordFacts(
            f"the title ({', '.join(sorted(named))})" if named else "the title (nothing in use)",
            Governs(types=types) if types else None,
        )
    keys = [k.lower() for k in product_tags]
    for r in matched:
        facts.resources += 1
        facts.where[
            (str(r.get("provider")), str(r.get("account") or ""), str(r.get("region")))
        ] += 1
        facts.types[str(r["type"])] += 1
        facts.products[product_of(r.get("tags"), keys)] += 1
        estimate = monthly_estimate(r, prices) if prices is not None else None
        if estimate is not None:
            facts.monthly += estimate
            facts.priced += 1
    if prices is not None:
        facts.currency, facts.price_basis = prices.currency, f"list prices as of {prices.as_of}"
    return facts


def _kinds(types: Counter[str]) -> list[str]:
    """`3 RDS instances`, `1 Cloud SQL instance`, by type."""
    out = []
    for rtype, n in sorted(types.items()):
        where = placement(rtype)
        out.append(f"{n} {where.label if n == 1 else where.plural}")
    return out


def _front_matter(today: date, governs: Governs | None) -> list[str]:
    lines = ["---", "status: proposed", f"date: {today.isoformat()}"]
    if governs is not None:
        data = {"governs": governs.model_dump(exclude_defaults=True)}
        lines += yaml.safe_dump(data, sort_keys=True, default_flow_style=False).splitlines()
    else:
        lines += [
            "# governs: what this decision is about (pscan architecture reads it), e.g.",
            "# governs:",
            "#   types: [aws.rds.*]",
            "#   tags: {Product: checkout}",
        ]
    return [*lines, "---"]


def _facts_lines(facts: RecordFacts | None, sources: Sequence[str]) -> list[str]:
    if facts is None:
        return ["No snapshot was given: describe what is in use, where, and what it costs."]
    shown = ", ".join(f"`{s}`" for s in sources)
    if not facts.resources:
        return [f"Nothing in {shown} matches {facts.matched_by}."]
    lines = [
        f"Facts from pscan ({shown}), matched by {facts.matched_by}:",
        "",
        f"- In use: {facts.resources} resources: " + ", ".join(_kinds(facts.types)),
        "- Products: " + ", ".join(f"{p} ({n})" for p, n in sorted(facts.products.items())),
    ]
    if facts.priced:
        lines.append(
            f"- Cost: {money(facts.monthly, facts.currency)} a month at {facts.price_basis}"
            f" ({facts.priced} of {facts.resources} resources priced)"
        )
    else:
        lines.append("- Cost: none of these resources has a list price in rules/prices.yaml")
    lines += ["", "| Cloud | Account / project | Region | Resources |", "|---|---|---|---:|"]
    lines += [f"| {p} | {a} | {r} | {n} |" for (p, a, r), n in sorted(facts.where.items())]
    return lines


def scaffold(
    number: int,
    title: str,
    today: date,
    facts: RecordFacts | None,
    sources: Sequence[str] = (),
    governs: Governs | None = None,
) -> str:
    """The MADR text of a new record, pre-filled with the facts."""
    chosen = governs or (facts.governs if facts is not None else None)
    clean = " ".join(title.split())
    lines = [
        *_front_matter(today, chosen),
        "",
        f"# {number}. {clean}",
        "",
        "## Context and Problem Statement",
        "",
        *_facts_lines(facts, sources),
        "",
        "What problem does this decision solve, and what forces are at play?",
        "",
        "## Considered Options",
        "",
        "- Option 1",
        "- Option 2",
        "",
        "## Decision Outcome",
        "",
        'Chosen option: "Option 1", because ...',
        "",
        "### Consequences",
        "",
        "- Good, because ...",
        "- Bad, because ...",
    ]
    return "\n".join(lines) + "\n"
