"""Actual spend of a snapshot, per currency: months, breakdowns, movers, untagged share.

Spend records (`scanner.model.SpendRecord`) arrive in groupings: each grouping alone adds
up to its month (Cost Explorer answers by (service, account), by region, by product tag,
...). So, per provider and month:

- the month's total is the grouping `[]` when there is one, else the smallest grouping;
- a breakdown by a dimension sums the smallest grouping that contains the dimension
  (a grouping by (account, service) gives both the services and the accounts), so no
  amount is counted twice.

Net spend is AWS `unblended`, and GCP `cost` + `credits` (credits are negative and
shown apart, never dropped); AWS `amortized` is shown beside it. Amounts are exact
decimals and are summed only within one currency.

The month in progress is the newest month with `partial` actual records. Its forecast
is month to date + the provider's forecast for the rest of the month (a `forecast`
record of that month, e.g. Cost Explorer's GetCostForecast from today to the month's
end); a provider without one is projected at its run rate: month to date / days
elapsed x days in the month (at least one day elapsed). Forecast records of later
months are listed as they are.

Month over month compares the last two full months; the untagged share is the last
full month's spend with an empty product (`""`) over the spend of the providers that
grouped it by product.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from scanner.cost.amounts import cents
from scanner.headroom import UNTAGGED, product_name
from scanner.model import CostLine, CurrencyCost, MonthCost, SpendDimension, SpendRecord

__all__ = ["DIMENSIONS", "MOVERS", "REPORT_MONTHS", "spend_by_currency"]

DIMENSIONS: tuple[SpendDimension, ...] = ("service", "account", "region", "product")
REPORT_MONTHS = 12  # full months in the report
MOVERS = 5  # services listed as the biggest movers

_ZERO = Decimal(0)
_Grouping = tuple[str, ...]
_Values = tuple[tuple[str, str], ...]  # (dimension, value) of a record's grouping


@dataclass
class _Cell:
    """The amounts of one grouping's value in one month, by metric."""

    metrics: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def net(self, provider: str) -> Decimal:
        m = self.metrics
        if provider == "aws":
            return m.get("unblended", _ZERO)
        return m.get("cost", _ZERO) + m.get("credits", _ZERO)


# (kind, provider, month) -> grouping -> values -> cell
_Table = dict[tuple[str, str, str], dict[_Grouping, dict[_Values, _Cell]]]


@dataclass
class _Currency:
    table: _Table = field(default_factory=dict)
    partial: set[str] = field(default_factory=set)
    providers: set[str] = field(default_factory=set)


def _read(records: Iterable[SpendRecord]) -> dict[str, _Currency]:
    out: dict[str, _Currency] = {}
    for r in records:
        cur = out.setdefault(r.currency, _Currency())
        cur.providers.add(r.provider)
        if r.partial and r.kind == "actual":
            cur.partial.add(r.month)
        grouping = tuple(sorted(r.grouped_by))
        values = tuple((d, _value(r, d)) for d in grouping)
        groups = cur.table.setdefault((r.kind, r.provider, r.month), {})
        cell = groups.setdefault(grouping, {}).setdefault(values, _Cell())
        cell.metrics[r.metric] += r.amount
    return out


def _value(record: SpendRecord, dim: str) -> str:
    value = str(getattr(record, dim) or "")
    return product_name(value) if dim == "product" and value else value


def _smallest(groups: Iterable[_Grouping], dim: str | None = None) -> _Grouping | None:
    fitting = [g for g in groups if dim is None or dim in g]
    return min(fitting, key=lambda g: (len(g), g)) if fitting else None


def _month_cells(
    cur: _Currency, kind: str, month: str, dim: str | None = None
) -> list[tuple[str, dict[_Values, _Cell]]]:
    """(provider, cells of its chosen grouping) for one month."""
    out = []
    for (k, provider, m), groups in sorted(cur.table.items()):
        if k != kind or m != month:
            continue
        grouping = () if dim is None and () in groups else _smallest(groups, dim)
        if grouping is not None:
            out.append((provider, groups[grouping]))
    return out


def _month(cur: _Currency, kind: str, month: str) -> MonthCost | None:
    cells = _month_cells(cur, kind, month)
    if not cells:
        return None
    net, amortized, credits = _ZERO, None, None
    for provider, by_value in cells:
        for cell in by_value.values():
            net += cell.net(provider)
            if provider == "aws":
                amortized = (amortized or _ZERO) + cell.metrics.get("amortized", _ZERO)
            else:
                credits = (credits or _ZERO) + cell.metrics.get("credits", _ZERO)
    return MonthCost(
        month=month,
        partial=month in cur.partial,
        net=net,
        amortized=amortized,
        credits=credits,
    )


def _net_by(cur: _Currency, month: str, dim: str) -> dict[str, tuple[Decimal, set[str]]]:
    """The month's net spend by the dimension's value, and the providers of each value."""
    out: dict[str, tuple[Decimal, set[str]]] = {}
    for provider, by_value in _month_cells(cur, "actual", month, dim):
        for values, cell in by_value.items():
            name = dict(values)[dim]
            if dim == "product" and not name:
                name = UNTAGGED
            amount, providers = out.get(name, (_ZERO, set()))
            out[name] = (amount + cell.net(provider), providers | {provider})
    return out


def _percent(part: Decimal, whole: Decimal) -> float | None:
    return None if whole == 0 else round(float(part / whole * 100), 1)


def _lines(cur: _Currency, dim: str, full: list[str], current: str | None) -> list[CostLine]:
    months = [*full, *([current] if current else [])]
    series: dict[str, dict[str, Decimal]] = defaultdict(dict)
    providers: dict[str, set[str]] = defaultdict(set)
    for month in months:
        for name, (amount, seen) in _net_by(cur, month, dim).items():
            series[name][month] = amount
            providers[name] |= seen
    last = full[-1] if full else None
    previous = full[-2] if len(full) > 1 else None
    lines = []
    for name, by_month in series.items():
        last_amount = by_month.get(last, _ZERO) if last else _ZERO
        previous_amount = by_month.get(previous, _ZERO) if previous else _ZERO
        lines.append(
            CostLine(
                name=name,
                provider=", ".join(sorted(providers[name])),
                months=by_month,
                total=sum((by_month.get(m, _ZERO) for m in full), _ZERO),
                last_month=last_amount,
                previous_month=previous_amount,
                month_to_date=by_month.get(current, _ZERO) if current else _ZERO,
                change=last_amount - previous_amount,
                change_percent=_percent(last_amount - previous_amount, previous_amount),
            )
        )
    lines.sort(key=lambda line: (-line.total, -line.month_to_date, line.name))
    return lines


def _days(month: str) -> int:
    year, mon = (int(p) for p in month.split("-"))
    return calendar.monthrange(year, mon)[1]


def _forecast(cur: _Currency, current: str, now: datetime) -> tuple[Decimal, str]:
    """The month in progress at its end, and how it was reached."""
    total, bases = _ZERO, set()
    year, mon = (int(p) for p in current.split("-"))
    days = _days(current)
    elapsed = (
        now - now.replace(year=year, month=mon, day=1, hour=0, minute=0, second=0, microsecond=0)
    ).total_seconds() / 86400
    elapsed = min(float(days), max(1.0, elapsed))
    actual = dict(_month_cells(cur, "actual", current))
    ahead = dict(_month_cells(cur, "forecast", current))
    for provider in sorted(set(actual) | set(ahead)):
        to_date = sum((c.net(provider) for c in actual.get(provider, {}).values()), _ZERO)
        if provider in ahead:
            rest = sum((c.net(provider) for c in ahead[provider].values()), _ZERO)
            total += to_date + rest
            bases.add(f"{provider} forecast")
        else:
            total += cents(to_date * Decimal(days) / Decimal(str(round(elapsed, 6))))
            bases.add(f"{provider} run rate")
    return total, ", ".join(sorted(bases))


def _untagged(cur: _Currency, month: str) -> tuple[Decimal | None, float | None]:
    by_product = _net_by(cur, month, "product")
    if not by_product:
        return None, None
    whole = sum((amount for amount, _ in by_product.values()), _ZERO)
    untagged = by_product.get(UNTAGGED, (_ZERO, set()))[0]
    return untagged, _percent(untagged, whole)


def _currency(code: str, cur: _Currency, now: datetime) -> CurrencyCost:
    actual = sorted({m for (k, _, m) in cur.table if k == "actual"})
    current = max(cur.partial) if cur.partial else None
    full = [m for m in actual if m not in cur.partial and (current is None or m < current)]
    full = full[-REPORT_MONTHS:]
    months = [mc for m in full if (mc := _month(cur, "actual", m)) is not None]
    report = CurrencyCost(currency=code, providers=sorted(cur.providers), months=months)
    if current is not None:
        now_month = _month(cur, "actual", current)
        if now_month is not None:
            report.months.append(now_month)
            report.month_to_date = now_month.net
        report.current_month = current
        report.forecast, report.forecast_basis = _forecast(cur, current, now)
    later = sorted({m for (k, _, m) in cur.table if k == "forecast" and m > (current or "")})
    report.forecast_months = [mc for m in later if (mc := _month(cur, "forecast", m))]
    report.last_month = full[-1] if full else None
    report.by_service = _lines(cur, "service", full, current)
    report.by_account = _lines(cur, "account", full, current)
    report.by_region = _lines(cur, "region", full, current)
    report.by_product = _lines(cur, "product", full, current)
    movers = [line for line in report.by_service if line.change != 0]
    movers.sort(key=lambda line: (-abs(line.change), line.name))
    report.movers = movers[:MOVERS]
    if full:
        report.untagged, report.untagged_percent = _untagged(cur, full[-1])
    return report


def spend_by_currency(records: Iterable[SpendRecord], now: datetime) -> list[CurrencyCost]:
    """The spend of the records per currency (sorted by currency code); `now` is the
    snapshot's time, for the run rate of the month in progress."""
    return [_currency(code, cur, now) for code, cur in sorted(_read(records).items())]
