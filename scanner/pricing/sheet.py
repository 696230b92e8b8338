"""What a price source yields: quotes for the keys of `rules/prices.yaml`, read with
one-line errors that name the file and the field.

A `Quote` is one list price for one key (`aws.ebs.gp3_gb_month`) or one row of a type
table (`aws.ec2.instance_month` / `t3.micro`), in the unit the source lists it (per hour
or per GB-month); `Quote.monthly` converts it by the table's convention: 720 hours a
month, cents for hourly prices, GB-month prices as listed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from scanner.engine.spec import PriceSource
from scanner.errors import ConfigError

__all__ = [
    "HOURS_PER_MONTH",
    "PriceSheet",
    "Quote",
    "field_of",
    "lowest",
    "number_of",
    "read_json",
]

HOURS_PER_MONTH = Decimal(720)

Unit = Literal["hour", "GB-month"]


@dataclass(frozen=True)
class Quote:
    """One list price: a key of `prices`, or a row of a `type_prices` table."""

    key: str
    row: str | None
    rate: Decimal
    unit: Unit
    note: str  # where it came from: the SKU and the listed price

    @property
    def monthly(self) -> float:
        """The table's monthly figure: hourly x 720 to the cent; GB-month as listed."""
        if self.unit == "hour":
            return float((self.rate * HOURS_PER_MONTH).quantize(Decimal("0.01")))
        return float(self.rate.quantize(Decimal("0.000001")).normalize())

    @property
    def listed(self) -> str:
        """The price as the source lists it, for comments: `$0.0416/h`, `$0.08/GB-month`."""
        per = "h" if self.unit == "hour" else "GB-month"
        return f"${self.rate.normalize():f}/{per}"


@dataclass
class PriceSheet:
    """The quotes one offer file or catalog gave, with where it came from."""

    source: PriceSource
    quotes: list[Quote] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, candidates: Mapping[tuple[str, str | None], Iterable[Quote]]) -> None:
        """Keep one quote per key/row (see `lowest`)."""
        quotes, warnings = lowest(candidates, self.source.origin)
        self.quotes.extend(quotes)
        self.warnings.extend(warnings)


def lowest(
    candidates: Mapping[tuple[str, str | None], Iterable[Quote]], where: str
) -> tuple[list[Quote], list[str]]:
    """One quote per key/row: when SKUs disagree, the lowest, with a warning naming all."""
    chosen, warnings = [], []
    for (key, row), quotes in candidates.items():
        ordered = sorted(quotes, key=lambda q: q.rate)
        if len({q.rate for q in ordered}) > 1:
            name = key if row is None else f"{key} {row}"
            seen = ", ".join(f"{q.listed} ({q.note})" for q in ordered)
            warnings.append(f"{where}: {name}: several prices match, took the lowest: {seen}")
        chosen.append(ordered[0])
    return chosen, warnings


def read_json(path: Path) -> Any:
    """Parse a JSON file; unreadable or invalid JSON raises ConfigError naming file:line."""
    try:
        with path.open("rb") as fh:
            return json.load(fh)
    except OSError as exc:
        msg = f"{path}: cannot read ({exc.strerror or exc})"
        raise ConfigError(msg) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f"{path}:{exc.lineno}" if isinstance(exc, json.JSONDecodeError) else str(path)
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
        msg = f"{where}: invalid JSON ({reason})"
        raise ConfigError(msg) from None


_KINDS: dict[type, str] = {dict: "an object", list: "a list", str: "a string"}


def field_of(path: Path, data: Any, where: tuple[str | int, ...], key: str, kind: type) -> Any:
    """`data[key]`, which must exist and be of `kind`; else ConfigError naming the field."""
    dotted = ".".join(str(part) for part in (*where, key))
    if not isinstance(data, dict) or key not in data:
        msg = f"{path}: field {dotted}: missing (is this the right kind of file?)"
        raise ConfigError(msg)
    value = data[key]
    if not isinstance(value, kind):
        msg = f"{path}: field {dotted}: expected {_KINDS[kind]}, got {type(value).__name__}"
        raise ConfigError(msg)
    return value


def number_of(path: Path, value: Any, dotted: str) -> Decimal:
    """A price written as a string or number, as an exact Decimal (>= 0)."""
    try:
        readable = isinstance(value, str | int | float) and not isinstance(value, bool)
        number = Decimal(str(value)) if readable else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0:
        msg = f"{path}: field {dotted}: not a price ({value!r})"
        raise ConfigError(msg)
    return number
