"""The cost report's most expensive resources: kept bounded while resources stream by,
and the same whether one pass takes them all or parts are merged in order."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from scanner.cost import monthly_estimate
from scanner.cost.report import Costs
from scanner.engine import load_rules
from scanner.engine.spec import PriceTable
from scanner.synthetic.builders import resource

NOW = datetime(2026, 12, 1, tzinfo=UTC)
SIZES = (5, 10, 20, 50, 100, 200, 500)


@pytest.fixture(scope="module")
def prices() -> PriceTable:
    table = load_rules().prices
    assert table is not None
    return table


def _volumes(count: int, seed: int) -> list[dict[str, Any]]:
    """gp3 volumes of a few sizes (many ties in price), ids in no order."""
    rng = random.Random(seed)
    ids = rng.sample(range(10 * count), count)
    return [
        resource(
            f"vol-{n:05d}",
            "aws.ec2.volume",
            attributes={"volume_type": "gp3", "size_gb": rng.choice(SIZES)},
        )
        for n in ids
    ]


def _expected(
    resources: list[dict[str, Any]], prices: PriceTable, top: int
) -> list[tuple[str, Decimal]]:
    """Every estimate sorted by value (highest first), then by id: the first `top`."""
    values = [(monthly_estimate(r, prices), r["id"]) for r in resources]
    ranked = sorted(((v, rid) for v, rid in values if v), key=lambda x: (-x[0], x[1]))
    return [(rid, v) for v, rid in ranked[:top]]


def _top(costs: Costs) -> list[tuple[str, Decimal]]:
    report = costs.report([], NOW)
    assert report is not None
    return [(item.resource.id, item.monthly) for item in report.top_resources]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_top_resources_are_the_most_expensive_ties_by_id(prices: PriceTable, seed: int) -> None:
    resources = _volumes(1000, seed)
    costs = Costs(prices, top=7)
    for r in resources:
        costs.add(r)
    assert _top(costs) == _expected(resources, prices, 7)


def test_top_resources_merged_in_parts_are_one_pass(prices: PriceTable) -> None:
    resources = _volumes(1500, 4)
    parts = [Costs(prices, top=7) for _ in range(3)]
    for n, r in enumerate(resources):
        parts[n * 3 // len(resources)].add(r)
    first = parts[0]
    for later in parts[1:]:
        first.merge(later)
    assert _top(first) == _expected(resources, prices, 7)
    whole = Costs(prices, top=7)
    for r in resources:
        whole.add(r)
    assert _top(whole) == _top(first)
    assert whole.report([], NOW).estimated_monthly == first.report([], NOW).estimated_monthly  # type: ignore[union-attr]
