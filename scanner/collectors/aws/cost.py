"""Actual and forecast spend from Cost Explorer, once per run (`--cost`).

Cost Explorer is global: one endpoint per partition (us-east-1 for `aws`), and called
from a management account it answers for every linked account of the organisation.
So it is read once per run from the caller's account, not per account x region.

What is read (every request is billed $0.01, so each one is counted):

- `GetCostAndUsage`, MONTHLY, metrics UnblendedCost and AmortizedCost, over the last
  `MONTHS` full months and the month to date (`partial`), in four groupings: the
  month's total (no group-by), by (SERVICE, LINKED_ACCOUNT), by REGION, and by the
  product tag (TAG:<key>). Cost Explorer allows at most two group-bys per request, and
  each grouping alone adds up to the month's total. Pages (`NextPageToken`) are each a
  request. Tag values come back as `Key$value`; an empty value is spend without the
  tag (product "").
- `GetCostForecast`, MONTHLY, UNBLENDED_COST, from today to the end of the month
  (`partial`) and the `FORECAST_MONTHS` months after it: records of kind `forecast`,
  grouped by nothing.

A request that fails (AccessDenied, Cost Explorer not enabled, DataUnavailable, ...) is
recorded as a CollectionError; a grouping is kept whole or not at all, and after the
first failed GetCostAndUsage the remaining groupings are not asked for (they would fail
alike, each one billed). The forecast is asked for regardless.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from scanner.collectors.aws.context import ServiceContext
from scanner.model import SpendDimension, SpendRecord

__all__ = [
    "FORECAST_MONTHS",
    "METRICS",
    "MONTHS",
    "PRICE_PER_CALL",
    "SOURCE",
    "Grouping",
    "Spend",
    "actual_period",
    "forecast_period",
    "forecast_records",
    "groupings",
    "read_spend",
    "records",
]

SOURCE = "aws-cost-explorer"
MONTHS = 12  # full months before the current one
FORECAST_MONTHS = 3  # whole months forecast after the current one
PRICE_PER_CALL = Decimal("0.01")  # USD per Cost Explorer API request
# Cost Explorer metric -> SpendRecord.metric
METRICS = {"UnblendedCost": "unblended", "AmortizedCost": "amortized"}


@dataclass(frozen=True)
class Grouping:
    """One way of splitting a month: record dimensions in the order of the group-bys."""

    dims: tuple[SpendDimension, ...]
    group_by: tuple[Mapping[str, str], ...]


def groupings(tag: str) -> list[Grouping]:
    """The GetCostAndUsage queries of a run: totals, (service, account), region, product."""
    return [
        Grouping((), ()),
        Grouping(
            ("service", "account"),
            (
                {"Type": "DIMENSION", "Key": "SERVICE"},
                {"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"},
            ),
        ),
        Grouping(("region",), ({"Type": "DIMENSION", "Key": "REGION"},)),
        Grouping(("product",), ({"Type": "TAG", "Key": tag},)),
    ]


def _month_start(day: date, months_ahead: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + months_ahead
    return date(index // 12, index % 12 + 1, 1)


def actual_period(today: date) -> dict[str, str]:
    """The last `MONTHS` full months and the month to date (End is exclusive: today)."""
    return {"Start": _month_start(today, -MONTHS).isoformat(), "End": today.isoformat()}


def forecast_period(today: date) -> dict[str, str]:
    """Today to the end of the month, and `FORECAST_MONTHS` whole months after it."""
    return {"Start": today.isoformat(), "End": _month_start(today, FORECAST_MONTHS + 1).isoformat()}


def _month(period: Mapping[str, Any]) -> tuple[str, bool]:
    """(YYYY-MM, partial) of a TimePeriod: partial unless it is the whole month."""
    start = date.fromisoformat(str(period["Start"]))
    end = date.fromisoformat(str(period["End"]))
    whole = start.day == 1 and end == _month_start(start, 1)
    return start.isoformat()[:7], not whole


def _dim_value(dim: SpendDimension, key: str) -> str:
    """A group key as a record value: a tag's `Key$value` becomes `value` ("" untagged)."""
    if dim == "product":
        return key.partition("$")[2]
    return key


def _amounts(
    metrics: Mapping[str, Any], base: dict[str, Any], kind: str = "actual"
) -> Iterable[SpendRecord]:
    for name, metric in METRICS.items():
        value = metrics.get(name)
        if value and value.get("Amount") is not None:
            yield SpendRecord(
                **base,
                kind=kind,
                metric=metric,
                amount=Decimal(str(value["Amount"])),
                currency=str(value.get("Unit") or "USD"),
            )


def records(grouping: Grouping, results: Iterable[Mapping[str, Any]]) -> list[SpendRecord]:
    """The spend records of one grouping's `ResultsByTime` (every page's, in order)."""
    out: list[SpendRecord] = []
    for result in results:
        month, partial = _month(result["TimePeriod"])
        base: dict[str, Any] = {
            "provider": "aws",
            "source": SOURCE,
            "month": month,
            "partial": partial,
            "grouped_by": sorted(grouping.dims),
        }
        if not grouping.dims:
            out += _amounts(result.get("Total") or {}, base)
            continue
        for group in result.get("Groups") or []:
            keys = [str(k) for k in group.get("Keys") or []]
            dims: dict[str, str] = {
                d: _dim_value(d, k) for d, k in zip(grouping.dims, keys, strict=False)
            }
            out += _amounts(group.get("Metrics") or {}, {**base, **dims})
    return out


def forecast_records(response: Mapping[str, Any]) -> list[SpendRecord]:
    """One `forecast` record per month of a GetCostForecast answer (its mean value)."""
    currency = str((response.get("Total") or {}).get("Unit") or "USD")
    out: list[SpendRecord] = []
    for result in response.get("ForecastResultsByTime") or []:
        month, partial = _month(result["TimePeriod"])
        out.append(
            SpendRecord(
                provider="aws",
                source=SOURCE,
                kind="forecast",
                month=month,
                partial=partial,
                grouped_by=[],
                metric="unblended",
                amount=Decimal(str(result["MeanValue"])),
                currency=currency,
            )
        )
    return out


@dataclass
class Spend:
    """What a run read: the records, and how many (billed) requests it took."""

    records: list[SpendRecord] = field(default_factory=list)
    api_calls: int = 0


def _results(
    ctx: ServiceContext, client: Any, spend: Spend, request: Mapping[str, Any]
) -> list[dict[str, Any]] | None:
    """Every `ResultsByTime` of a GetCostAndUsage query over its pages; None on a failure."""
    results: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        spend.api_calls += 1
        page = ctx.attempt(
            client.get_cost_and_usage, **request, **({"NextPageToken": token} if token else {})
        )
        if page is None:
            return None
        results += page.get("ResultsByTime") or []
        token = page.get("NextPageToken")
        if not token:
            return results


def read_spend(ctx: ServiceContext, tag: str, today: date) -> Spend:
    """Read spend and the forecast for the caller's account (and its linked accounts)."""
    client = ctx.client("ce")
    spend = Spend()
    for grouping in groupings(tag):
        request: dict[str, Any] = {
            "TimePeriod": actual_period(today),
            "Granularity": "MONTHLY",
            "Metrics": list(METRICS),
        }
        if grouping.group_by:
            request["GroupBy"] = [dict(g) for g in grouping.group_by]
        results = _results(ctx, client, spend, request)
        if results is None:
            break
        spend.records += records(grouping, results)
    spend.api_calls += 1
    forecast = ctx.attempt(
        client.get_cost_forecast,
        TimePeriod=forecast_period(today),
        Metric="UNBLENDED_COST",
        Granularity="MONTHLY",
    )
    if forecast is not None:
        spend.records += forecast_records(forecast)
    return spend
