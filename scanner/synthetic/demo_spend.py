"""The demo's year of spend: what Northwind's clouds cost, with a story to find.

Twelve full months (2025-11 .. 2026-10) and the first day of 2026-11 (the snapshot is
taken on 2026-11-01), billed as the collectors write it: AWS in USD as Cost Explorer
answers (groupings (account, service), (region), (product) and the total, unblended and
amortized; a forecast for the rest of November and the three months after), GCP in EUR
from the billing export (one grouping by account, product, region and service; cost and
credits; no forecast, so November is projected at its run rate).

Every amount is a *stream* (account, service, region, product) at a base monthly price
that grows 1 % a month (AWS; GCP 0.5 %), rounded to the cent, so every grouping adds up
to the same month to the cent. The story, each part with a twin that is fine:

- checkout launched in 2026-10 and its spend doubled: the AWS services it runs on (EC2,
  RDS, DynamoDB, Lambda, load balancing) grew more than 30 % month over month; EC2 -
  Other, S3 and CloudWatch (mostly shared) did not;
- about 15 % of AWS spend carries no Product tag (the shared platform: NAT, CloudWatch,
  logs buckets); GCP's untagged share is about 4 %;
- checkout's November budget (`DEMO_CONFIG`: USD 12,000) is forecast to be exceeded,
  though only a day is spent; reporting's budget and the staging account's are not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from scanner.model import SpendDimension, SpendRecord
from scanner.synthetic.common import ANALYTICS_PROJECT, PROD_ACCOUNT, STAGING_ACCOUNT

__all__ = [
    "DEMO_CONFIG",
    "FULL_MONTHS",
    "LAUNCH_MONTH",
    "MONTH_IN_PROGRESS",
    "demo_spend",
]

FULL_MONTHS = tuple(
    f"{2025 + (10 + i) // 12}-{(10 + i) % 12 + 1:02d}" for i in range(12)
)  # 2025-11 .. 2026-10
MONTH_IN_PROGRESS = "2026-11"
LAUNCH_MONTH = "2026-10"
_LATER = ("2026-12", "2027-01", "2027-02")
_DAYS_IN_PROGRESS = 30  # November: the first day's spend is a 30th of the month

# The demo's `.pscan.yaml` (written beside the snapshot as fixtures/demo/pscan.yaml and
# applied by `pscan demo`): budgets, one about to be exceeded, and the default thresholds.
DEMO_CONFIG = f"""\
# The demo's settings, as a .pscan.yaml would hold them (applied by `pscan demo`).
cost:
  budgets:
    - {{product: checkout, monthly: 12000, currency: USD, warn_at_percent: 80}}
    - {{product: reporting, monthly: 2500, currency: USD}}
    - {{account: "{STAGING_ACCOUNT}", monthly: 3000, currency: USD}}
  growth_percent: 30
  untagged_percent: 10
"""

_EC2 = "Amazon Elastic Compute Cloud - Compute"
_EC2_OTHER = "EC2 - Other"
_RDS = "Amazon Relational Database Service"
_DDB = "Amazon DynamoDB"
_LAMBDA = "AWS Lambda"
_ELB = "Amazon Elastic Load Balancing"
_S3 = "Amazon Simple Storage Service"
_CW = "AmazonCloudWatch"

# (account, service, region, product, base USD a month); "" is no Product tag
_AWS: tuple[tuple[str, str, str, str, str], ...] = (
    (PROD_ACCOUNT, _EC2, "eu-west-1", "checkout", "2400.00"),
    (PROD_ACCOUNT, _RDS, "eu-west-1", "checkout", "1100.00"),
    (PROD_ACCOUNT, _DDB, "eu-west-1", "checkout", "300.00"),
    (PROD_ACCOUNT, _LAMBDA, "eu-west-1", "checkout", "90.00"),
    (PROD_ACCOUNT, _EC2_OTHER, "eu-west-1", "checkout", "260.00"),
    (PROD_ACCOUNT, _ELB, "eu-west-1", "checkout", "150.00"),
    (PROD_ACCOUNT, _EC2, "us-east-1", "checkout", "300.00"),
    (PROD_ACCOUNT, _RDS, "us-east-1", "checkout", "250.00"),
    (PROD_ACCOUNT, _EC2, "eu-west-1", "reporting", "800.00"),
    (PROD_ACCOUNT, _RDS, "eu-west-1", "reporting", "600.00"),
    (PROD_ACCOUNT, _S3, "eu-west-1", "reporting", "120.00"),
    (PROD_ACCOUNT, _LAMBDA, "eu-west-1", "promotions", "60.00"),
    (PROD_ACCOUNT, _DDB, "eu-west-1", "promotions", "80.00"),
    (PROD_ACCOUNT, _S3, "eu-west-1", "promotions", "40.00"),
    (PROD_ACCOUNT, _EC2_OTHER, "eu-west-1", "", "1000.00"),
    (PROD_ACCOUNT, _CW, "eu-west-1", "", "420.00"),
    (PROD_ACCOUNT, _S3, "eu-west-1", "", "260.00"),
    (PROD_ACCOUNT, _ELB, "eu-west-1", "", "160.00"),
    (STAGING_ACCOUNT, _EC2, "eu-west-1", "checkout", "500.00"),
    (STAGING_ACCOUNT, _RDS, "eu-west-1", "checkout", "200.00"),
    (STAGING_ACCOUNT, _EC2, "eu-west-1", "reporting", "150.00"),
    (STAGING_ACCOUNT, _EC2_OTHER, "eu-west-1", "", "300.00"),
    (STAGING_ACCOUNT, _CW, "eu-west-1", "", "145.00"),
)
# Compute Savings Plans cover EC2: its amortized cost is 92 % of the unblended.
_AMORTIZED_SHARE = {_EC2: Decimal("0.92")}

# (service, region, product, base EUR cost a month, credits as a share of cost)
_GCP: tuple[tuple[str, str, str, str, str], ...] = (
    ("Compute Engine", "europe-west1", "analytics", "1800.00", "-0.10"),
    ("BigQuery", "eu", "analytics", "950.00", "0"),
    ("Cloud SQL", "europe-west1", "analytics", "380.00", "0"),
    ("Cloud SQL", "europe-west1", "reports", "420.00", "0"),
    ("Cloud Run", "europe-west1", "reports", "140.00", "0"),
    ("Cloud Storage", "eu", "analytics", "210.00", "0"),
    ("Networking", "global", "", "95.00", "0"),
    ("Cloud Monitoring", "global", "", "60.00", "0"),
)

_CENT = Decimal("0.01")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _index(month: str) -> int:
    year, mon = (int(p) for p in month.split("-"))
    return (year - 2025) * 12 + mon - 11  # 2025-11 is month 0


def _aws_amount(base: str, product: str, month: str) -> Decimal:
    factor = 1 + Decimal("0.01") * _index(month)
    if product == "checkout" and month >= LAUNCH_MONTH:
        factor *= 2
    return _cents(Decimal(base) * factor)


def _gcp_amount(base: str, month: str) -> Decimal:
    return _cents(Decimal(base) * (1 + Decimal("0.005") * _index(month)))


def _aws_month(month: str, day_only: bool) -> dict[tuple[str, str, str, str], Decimal]:
    out = {}
    for account, service, region, product, base in _AWS:
        amount = _aws_amount(base, product, month)
        out[(account, service, region, product)] = (
            _cents(amount / _DAYS_IN_PROGRESS) if day_only else amount
        )
    return out


def _aws_records(month: str, partial: bool) -> Iterator[SpendRecord]:
    streams = _aws_month(month, partial)
    groupings: tuple[tuple[SpendDimension, ...], ...] = (
        ("account", "service"),
        ("region",),
        ("product",),
        (),
    )
    for grouping in groupings:
        sums: dict[tuple[str, ...], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for (account, service, region, product), amount in streams.items():
            values = {"account": account, "service": service, "region": region}
            values["product"] = product
            key = tuple(values[d] for d in grouping)
            sums[key]["unblended"] += amount
            sums[key]["amortized"] += _cents(amount * _AMORTIZED_SHARE.get(service, Decimal(1)))
        for key, metrics in sorted(sums.items()):
            for metric, amount in sorted(metrics.items()):
                yield SpendRecord(
                    provider="aws",
                    source="aws-cost-explorer",
                    month=month,
                    partial=partial,
                    grouped_by=sorted(grouping),
                    metric=metric,
                    amount=amount,
                    currency="USD",
                    **dict(zip(grouping, key, strict=True)),
                )


def _aws_forecasts() -> Iterator[SpendRecord]:
    to_date = sum(_aws_month(MONTH_IN_PROGRESS, True).values(), Decimal(0))
    whole = sum(_aws_month(MONTH_IN_PROGRESS, False).values(), Decimal(0))
    rest = [(MONTH_IN_PROGRESS, whole - to_date)]
    rest += [(m, sum(_aws_month(m, False).values(), Decimal(0))) for m in _LATER]
    for month, amount in rest:
        yield SpendRecord(
            provider="aws",
            source="aws-cost-explorer",
            kind="forecast",
            month=month,
            grouped_by=[],
            metric="unblended",
            amount=amount,
            currency="USD",
        )


def _gcp_records(month: str, partial: bool) -> Iterator[SpendRecord]:
    for service, region, product, base, credit_share in _GCP:
        cost = _gcp_amount(base, month)
        if partial:
            cost = _cents(cost / _DAYS_IN_PROGRESS)
        credits = _cents(cost * Decimal(credit_share))
        for metric, amount in (("cost", cost), ("credits", credits)):
            if metric == "credits" and not amount:
                continue
            yield SpendRecord(
                provider="gcp",
                source="gcp-billing-file",
                month=month,
                partial=partial,
                grouped_by=["account", "product", "region", "service"],
                account=ANALYTICS_PROJECT,
                service=service,
                region=region,
                product=product,
                metric=metric,
                amount=amount,
                currency="EUR",
            )


def demo_spend() -> list[SpendRecord]:
    """Every spend record of the demo snapshot, in a fixed order."""
    out: list[SpendRecord] = []
    for month in (*FULL_MONTHS, MONTH_IN_PROGRESS):
        partial = month == MONTH_IN_PROGRESS
        out.extend(_aws_records(month, partial))
        out.extend(_gcp_records(month, partial))
    out.extend(_aws_forecasts())
    return out
