"""Capacity facts every collector writes the same way: metric summaries and quota percentages.

`summarise` turns the daily values of one metric into the `usage` entry the catalog
documents (`scanner.catalog.resource_type.USAGE`): average, 95th percentile and maximum
of the days that had data, and how many days that was. `used_percent` is the one
reading of a quota's `used_percent`. Both the AWS and the GCP collectors call these, so
a summary or a percentage can never mean two things.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = ["percentile", "summarise", "used_percent"]

DIGITS = 2  # summaries and percentages are rounded to two decimals


def percentile(values: Iterable[float], q: float) -> float | None:
    """The `q`-th percentile (0..100) of `values`, interpolated linearly between ranks.

    The same definition as numpy's default (`linear`) and
    `statistics.quantiles(method="inclusive")`: for 14 daily values the 95th percentile
    lies between the 13th and the 14th largest. None for no values.
    """
    ordered = sorted(values)
    if not ordered:
        return None
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarise(values: Iterable[float]) -> dict[str, float | int | None]:
    """`{average, p95, max, days}` of daily values (values null when there are none)."""
    days = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if not days:
        return {"average": None, "p95": None, "max": None, "days": 0}
    p95 = percentile(days, 95)
    assert p95 is not None  # there are values
    return {
        "average": round(sum(days) / len(days), DIGITS),
        "p95": round(p95, DIGITS),
        "max": round(max(days), DIGITS),
        "days": len(days),
    }


def used_percent(used: float | None, limit: float | None) -> float | None:
    """used / limit x 100, rounded; None when either is unknown or the limit is not positive."""
    if used is None or limit is None or limit <= 0:
        return None
    return round(used / limit * 100, DIGITS)
