"""Metric summaries and quota percentages, shared by the collectors."""

from __future__ import annotations

import statistics

import pytest

from scanner.collectors.usage import percentile, summarise, used_percent


def test_a_summary_of_daily_values() -> None:
    days = [float(v) for v in range(30, 44)]  # 14 days: 30 .. 43
    assert summarise(days) == {"average": 36.5, "p95": 42.35, "max": 43.0, "days": 14}


def test_the_percentile_is_the_inclusive_quantile() -> None:
    values = [3.0, 1.0, 4.0, 1.5, 9.0, 2.6, 5.0]
    assert percentile(values, 95) == pytest.approx(
        statistics.quantiles(values, n=100, method="inclusive")[94]
    )
    assert (percentile([7.0], 95), percentile([], 95)) == (7.0, None)


def test_no_data_is_zero_days_and_nulls() -> None:
    empty = {"average": None, "p95": None, "max": None, "days": 0}
    assert summarise([]) == empty
    assert summarise([float("nan")]) == empty


@pytest.mark.parametrize(
    ("used", "limit", "percent"),
    [(92, 100, 92.0), (1, 3, 33.33), (5, 0, None), (None, 10, None), (3, None, None)],
)
def test_used_percent(used: float | None, limit: float | None, percent: float | None) -> None:
    assert used_percent(used, limit) == percent
