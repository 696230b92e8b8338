"""Spend per currency: figures against sums computed by hand, to the cent."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D
from typing import Any

from scanner.cost import spend_by_currency
from scanner.model import CurrencyCost, SpendRecord

NOW = datetime(2026, 11, 11, tzinfo=UTC)  # 10 days of November have passed


def rec(month: str, amount: str, grouped_by: tuple[str, ...] = (), **fields: Any) -> SpendRecord:
    provider = fields.pop("provider", "aws")
    return SpendRecord.model_validate(
        {
            "provider": provider,
            "source": "test",
            "month": month,
            "grouped_by": sorted(grouped_by),
            "metric": fields.pop("metric", "unblended" if provider == "aws" else "cost"),
            "amount": amount,
            "currency": fields.pop("currency", "USD"),
            **fields,
        }
    )


def aws_month(
    month: str, ec2: str, rds: str, untagged: str, partial: bool = False
) -> list[SpendRecord]:
    """One AWS month in three groupings: (account, service), (product), and the total."""
    total = D(ec2) + D(rds)
    tagged = total - D(untagged)
    return [
        rec(month, ec2, ("account", "service"), account="1", service="EC2", partial=partial),
        rec(month, rds, ("account", "service"), account="1", service="RDS", partial=partial),
        rec(month, str(tagged), ("product",), product="shop", partial=partial),
        rec(month, untagged, ("product",), product="", partial=partial),
        rec(month, str(total), (), partial=partial),
        rec(month, str(total * D("0.9")), (), metric="amortized", partial=partial),
    ]


def usd(records: list[SpendRecord]) -> CurrencyCost:
    (cur,) = [c for c in spend_by_currency(records, NOW) if c.currency == "USD"]
    return cur


def test_months_and_breakdowns_count_each_grouping_once() -> None:
    records = [
        *aws_month("2026-09", "100.10", "50.05", "15.02"),
        *aws_month("2026-10", "200.20", "60.00", "52.04"),
        *aws_month("2026-11", "33.33", "10.00", "4.33", partial=True),
    ]
    cur = usd(records)
    assert [(m.month, m.net, m.partial) for m in cur.months] == [
        ("2026-09", D("150.15"), False),
        ("2026-10", D("260.20"), False),
        ("2026-11", D("43.33"), True),
    ]
    assert cur.months[1].amortized == D("234.180")
    assert cur.current_month == "2026-11" and cur.last_month == "2026-10"
    assert cur.month_to_date == D("43.33")
    ec2 = next(line for line in cur.by_service if line.name == "EC2")
    assert (ec2.total, ec2.last_month, ec2.previous_month) == (
        D("300.30"),
        D("200.20"),
        D("100.10"),
    )
    assert ec2.change == D("100.10") and ec2.change_percent == 100.0
    assert ec2.month_to_date == D("33.33")
    (account,) = cur.by_account
    assert account.total == D("410.35")  # (account, service) summed over services
    assert {line.name: line.total for line in cur.by_product} == {
        "shop": D("343.29"),
        "(untagged)": D("67.06"),
    }
    assert cur.untagged == D("52.04") and cur.untagged_percent == 20.0
    assert [line.name for line in cur.movers] == ["EC2", "RDS"]
    assert cur.by_region == []  # no grouping by region: nothing invented


def test_forecast_is_to_date_plus_the_providers_rest_else_the_run_rate() -> None:
    records = [
        *aws_month("2026-10", "100.00", "0", "0"),
        *aws_month("2026-11", "30.00", "0", "0", partial=True),
        rec("2026-11", "75.50", (), kind="forecast"),
        rec("2026-12", "120.00", (), kind="forecast"),
    ]
    cur = usd(records)
    assert cur.forecast == D("105.50") and cur.forecast_basis == "aws forecast"
    assert [(m.month, m.net) for m in cur.forecast_months] == [("2026-12", D("120.00"))]
    gcp = [
        rec("2026-11", "20.00", ("service",), service="BigQuery", provider="gcp", partial=True),
        rec(
            "2026-11",
            "-2.00",
            ("service",),
            service="BigQuery",
            provider="gcp",
            partial=True,
            metric="credits",
        ),
    ]
    # 18.00 net in 10 days of 30: 54.00 at the run rate
    cur = usd([*records, *gcp])
    assert cur.month_to_date == D("48.00")
    assert cur.forecast == D("105.50") + D("54.00")
    assert cur.forecast_basis == "aws forecast, gcp run rate"


def test_gcp_net_is_cost_plus_credits_and_currencies_stay_apart() -> None:
    records = [
        rec(
            "2026-10",
            "100.00",
            ("account", "product", "region", "service"),
            provider="gcp",
            account="p",
            product="a",
            region="eu",
            service="GCE",
            currency="EUR",
        ),
        rec(
            "2026-10",
            "-12.34",
            ("account", "product", "region", "service"),
            provider="gcp",
            account="p",
            product="a",
            region="eu",
            service="GCE",
            currency="EUR",
            metric="credits",
        ),
        rec("2026-10", "7.00", (), currency="USD"),
    ]
    eur, usd_ = spend_by_currency(records, NOW)
    assert (eur.currency, usd_.currency) == ("EUR", "USD")
    assert eur.months[0].net == D("87.66") and eur.months[0].credits == D("-12.34")
    assert [line.total for line in eur.by_region] == [D("87.66")]
    assert usd_.months[0].net == D("7.00")
    assert eur.current_month is None and eur.forecast is None


def test_no_spend_gives_no_currency() -> None:
    assert spend_by_currency([], NOW) == []
