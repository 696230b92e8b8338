"""Budget, growth and untagged-spend findings, each with a twin that passes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from pydantic import ValidationError

from scanner.cost import Budget, CostSettings, cost_findings, spend_by_currency
from scanner.model import CostReport, Severity, SpendRecord

NOW = datetime(2026, 11, 11, tzinfo=UTC)


def rec(month: str, amount: str, dims: dict[str, str], partial: bool = False) -> SpendRecord:
    return SpendRecord(
        provider="aws",
        source="test",
        month=month,
        partial=partial,
        grouped_by=sorted(dims),
        metric="unblended",
        amount=D(amount),
        currency="USD",
        **dims,
    )


def report() -> CostReport:
    """shop doubles in 2026-10 (EC2 grows 100 %), RDS is flat; a tenth is untagged."""
    records = []
    for month, ec2, rds, partial in (
        ("2026-09", "1000.00", "500.00", False),
        ("2026-10", "2000.00", "510.00", False),
        ("2026-11", "700.00", "170.00", True),
    ):
        records += [
            rec(month, ec2, {"service": "EC2"}, partial),
            rec(month, rds, {"service": "RDS"}, partial),
        ]
        total = D(ec2) + D(rds)
        untagged = (total / 10).quantize(D("0.01"))
        records += [
            rec(month, str(total - untagged - D("100")), {"product": "shop"}, partial),
            rec(month, "100.00", {"product": "blog"}, partial),
            rec(month, str(untagged), {"product": ""}, partial),
            rec(month, str(total), {"account": "111122223333"}, partial),
        ]
    return CostReport(has_billing=True, currencies=spend_by_currency(records, NOW))


def findings(**settings: object) -> dict[str, tuple[Severity, str]]:
    found = cost_findings(report(), CostSettings.model_validate(settings))
    return {f.resource.id: (f.severity, f.message) for f in found}


def test_budgets_judge_month_to_date_and_forecast() -> None:
    # shop: 870.00 to date of 870.00 spent overall; forecast 870 x 3 (10 of 30 days) = 2610.00
    cur = report().currencies[0]
    assert cur.forecast == D("2610.00")
    shop = next(line for line in cur.by_product if line.name == "shop")
    assert shop.month_to_date == D("683.00")  # 870 - 87 untagged - 100 blog
    found = findings(
        budgets=[
            {"product": "shop", "monthly": 600},  # spent: over
            {"product": "blog", "monthly": 250},  # 100 to date, forecast 300: over
            {"account": 111122223333, "monthly": 3000},  # forecast 2610 = 87 %: warning
            {"product": "shop", "monthly": 5000, "currency": "EUR"},  # no EUR spend
        ],
        growth_percent=1000,
        untagged_percent=50,
    )
    assert found["cost:product:shop"][0] is Severity.HIGH
    assert (
        "USD 683.00 spent in 2026-11 to date: over the USD 600.00 monthly budget"
        in (found["cost:product:shop"][1])
    )
    assert found["cost:product:blog"][0] is Severity.MEDIUM
    assert "forecast USD 300.00 for 2026-11" in found["cost:product:blog"][1]
    assert found["cost:account:111122223333"][0] is Severity.LOW
    assert len(found) == 3


def test_budgets_with_room_pass() -> None:
    found = findings(
        budgets=[{"product": "shop", "monthly": 5000}, {"product": "blog", "monthly": 1000}],
        growth_percent=1000,
        untagged_percent=50,
    )
    assert found == {}


def test_growth_above_the_threshold_only() -> None:
    found = findings(untagged_percent=50)  # default 30 %
    assert set(found) == {"cost:service:EC2"}  # +100 %; RDS +2 % passes
    assert (
        "EC2 grew 100.0 % month over month: USD 1,000.00 in 2026-09 -> USD 2,000.00"
        in (found["cost:service:EC2"][1])
    )
    assert findings(growth_percent=150, untagged_percent=50) == {}


def test_untagged_share_above_the_threshold_only() -> None:
    found = findings(growth_percent=1000, untagged_percent=9.5)
    assert found["cost:untagged:USD"] == (
        Severity.LOW,
        "USD 251.00 of 2026-10's spend (10.0 %) has no product tag; threshold 9.5 %",
    )
    assert findings(growth_percent=1000) == {}  # default 10 %: 10.0 % is not above it


def test_no_spend_no_findings() -> None:
    assert cost_findings(None, CostSettings()) == []
    assert cost_findings(CostReport(has_billing=False), CostSettings(untagged_percent=0)) == []


@pytest.mark.parametrize(
    "budget",
    [
        {"monthly": 10},  # neither product nor account
        {"product": "a", "account": "b", "monthly": 10},
        {"product": "a", "monthly": 0},
        {"product": "a", "monthly": 10, "currency": "usd"},
        {"product": "a", "monthly": 10, "warn_at_percent": 120},
        {"product": "a", "monthly": 10, "limit": 5},
    ],
)
def test_bad_budgets_are_refused(budget: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Budget.model_validate(budget)
