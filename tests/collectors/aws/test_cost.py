"""Spend from Cost Explorer (`--cost`): what is asked, what is recorded, what it costs."""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from scanner.app import AwsOptions, CostOptions
from scanner.collectors.aws import CollectOptions, collect_aws, cost
from scanner.errors import ConfigError
from scanner.model import CostReport, SnapshotManifest, SpendRecord
from scanner.snapshot import open_snapshot

from .conftest import ACCOUNT, REGION, Moto, run_cli
from .estate import (
    COST_TAG,
    EC2_SERVICE,
    MEMBER,
    S3_SERVICE,
    seed_cost_estate,
)

# ---------------------------------------------------------------------- pure parts


def test_periods_are_twelve_full_months_the_month_to_date_and_a_forecast() -> None:
    assert cost.actual_period(date(2026, 1, 15)) == {"Start": "2025-01-01", "End": "2026-01-15"}
    assert cost.forecast_period(date(2026, 1, 15)) == {"Start": "2026-01-15", "End": "2026-05-01"}
    # on the 1st the month to date is empty: exactly twelve full months
    assert cost.actual_period(date(2026, 12, 1)) == {"Start": "2025-12-01", "End": "2026-12-01"}
    assert cost.forecast_period(date(2026, 11, 30)) == {"Start": "2026-11-30", "End": "2027-03-01"}


def test_group_keys_become_dimensions_and_a_short_period_is_partial() -> None:
    product = cost.groupings("Team")[3]
    assert product.group_by == ({"Type": "TAG", "Key": "Team"},)
    results = [
        {
            "TimePeriod": {"Start": "2026-11-01", "End": "2026-11-09"},
            "Total": {},
            "Groups": [
                {
                    "Keys": ["Team$web"],
                    "Metrics": {"UnblendedCost": {"Amount": "1.10", "Unit": "USD"}},
                },
                {
                    "Keys": ["Team$"],
                    "Metrics": {"AmortizedCost": {"Amount": "0.0000000001", "Unit": "USD"}},
                },
            ],
        }
    ]
    records = cost.records(product, results)
    assert [(r.month, r.partial, r.product, r.metric, r.amount) for r in records] == [
        ("2026-11", True, "web", "unblended", Decimal("1.10")),
        ("2026-11", True, "", "amortized", Decimal("0.0000000001")),
    ]
    assert all(r.grouped_by == ["product"] and r.account is None for r in records)
    pair = cost.groupings("Team")[1]
    one = {
        "Keys": ["Amazon EC2", "111122223333"],
        "Metrics": {"UnblendedCost": {"Amount": "2", "Unit": "EUR"}},
    }
    whole = {"TimePeriod": {"Start": "2026-10-01", "End": "2026-11-01"}, "Groups": [one]}
    (record,) = cost.records(pair, [whole])
    assert (record.service, record.account, record.grouped_by) == (
        "Amazon EC2",
        "111122223333",
        ["account", "service"],
    )
    assert (record.partial, record.currency) == (False, "EUR")


# ---------------------------------------------------------------------- collection


def _watch(calls: list[dict[str, Any]]) -> tuple[str, Callable[..., None]]:
    """A before-send handler that records every Cost Explorer request body and lets it go."""
    lock = threading.Lock()

    def handler(request: Any, **_: Any) -> None:
        target = request.headers.get("X-Amz-Target", b"")
        operation = (target.decode() if isinstance(target, bytes) else target).split(".")[-1]
        with lock:
            calls.append({"operation": operation, **json.loads(request.body)})

    return "before-send.cost-explorer", handler


def _collect(
    moto: Moto, out: Path, *handlers: tuple[str, Any], **options: Any
) -> tuple[SnapshotManifest, list[SpendRecord]]:
    defaults: dict[str, Any] = {
        "endpoint_url": moto.endpoint,
        "regions": (REGION,),
        "services": ("kms",),
        "max_attempts": 1,
        "cost": True,
        "cost_tag": COST_TAG,
        "handlers": handlers,
    }
    manifest = collect_aws(out, CollectOptions(**(defaults | options)))
    return manifest, list(open_snapshot(out).iter_spend())


def _sums(records: list[SpendRecord]) -> dict[tuple[str, str, tuple[str, ...]], Decimal]:
    """(month, metric, grouping) -> the grouping's sum."""
    sums: dict[tuple[str, str, tuple[str, ...]], Decimal] = defaultdict(Decimal)
    for r in records:
        if r.kind == "actual":
            sums[(r.month, r.metric, tuple(r.grouped_by))] += r.amount
    return sums


@pytest.fixture
def story(moto: Moto) -> dict[str, Any]:
    return seed_cost_estate(moto)


def test_spend_is_read_in_four_groupings_with_a_forecast(
    moto: Moto, story: dict[str, Any], tmp_path: Path
) -> None:
    calls: list[dict[str, Any]] = []
    manifest, records = _collect(moto, tmp_path / "s", story["forecast_handler"], _watch(calls))
    today: date = manifest.created_at.date()
    # what was asked, in order: 4 groupings (the second over two pages), then the forecast
    assert [c["operation"] for c in calls] == ["GetCostAndUsage"] * 5 + ["GetCostForecast"]
    for call in calls[:5]:
        assert call["TimePeriod"] == cost.actual_period(today)
        assert (call["Granularity"], call["Metrics"]) == (
            "MONTHLY",
            ["UnblendedCost", "AmortizedCost"],
        )
    assert [c.get("GroupBy") for c in calls[:5]] == [
        None,
        [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}],
        [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}],
        [{"Type": "DIMENSION", "Key": "REGION"}],
        [{"Type": "TAG", "Key": "Product"}],
    ]
    assert [c.get("NextPageToken") for c in calls[:5]] == [None, None, "page-2", None, None]
    assert calls[5] == {
        "operation": "GetCostForecast",
        "TimePeriod": cost.forecast_period(today),
        "Metric": "UNBLENDED_COST",
        "Granularity": "MONTHLY",
    }
    # every call is counted (each is billed $0.01)
    assert manifest.spend is not None
    assert (manifest.spend.api_calls, manifest.spend.records) == (6, len(records))
    assert manifest.spend.sources == ["aws-cost-explorer"]
    assert [e for e in manifest.errors if e.service == "ce"] == []
    assert manifest.resource_count >= 0 and "aws:123456789012:us-east-1" in manifest.scopes


def test_records_carry_the_seeded_figures_exactly(
    moto: Moto, story: dict[str, Any], tmp_path: Path
) -> None:
    _, records = _collect(moto, tmp_path / "s", story["forecast_handler"])
    actual = [r for r in records if r.kind == "actual"]
    months = story["months"]
    assert sorted({r.month for r in actual}) == months
    partial = {r.month for r in actual if r.partial}
    assert partial == ({months[-1]} if story["today"].day > 1 else set())
    assert {tuple(r.grouped_by) for r in actual} == {
        (),
        ("account", "service"),
        ("region",),
        ("product",),
    }
    full = months[0]

    def amount(metric: str, **dims: str) -> Decimal:
        (match,) = [
            r
            for r in actual
            if r.month == full
            and r.metric == metric
            and r.grouped_by == sorted(dims)
            and all(getattr(r, k) == v for k, v in dims.items())
        ]
        assert match.currency == "USD" and match.provider == "aws"
        return match.amount

    assert amount("unblended") == Decimal("1550.00") and amount("amortized") == Decimal("1570.00")
    assert amount("unblended", service=EC2_SERVICE, account=ACCOUNT) == Decimal("1200.50")
    assert amount("amortized", service=EC2_SERVICE, account=ACCOUNT) == Decimal("1220.50")
    assert amount("unblended", service=S3_SERVICE, account=MEMBER) == Decimal("4.15")
    assert amount("unblended", region="eu-west-1") == Decimal("304.40")
    assert amount("unblended", product="shop") == Decimal("900.00")
    assert amount("unblended", product="") == Decimal("150.00")  # "Product$": untagged
    # written as Cost Explorer wrote them: strings, all ten decimals kept
    line = next(r for r in actual if r.service == S3_SERVICE and r.account == ACCOUNT)
    assert line.model_dump(mode="json")["amount"] == "45.1000000000"


def test_each_grouping_adds_up_to_the_seeded_totals_to_the_cent(
    moto: Moto, story: dict[str, Any], tmp_path: Path
) -> None:
    _, records = _collect(moto, tmp_path / "s", story["forecast_handler"])
    sums = _sums(records)
    seeded = {
        (r["TimePeriod"]["Start"][:7], metric): Decimal(r["Total"][name]["Amount"])
        for r in story["answers"][0]["ResultsByTime"]
        for name, metric in cost.METRICS.items()
    }
    assert len(seeded) == 2 * len(story["months"])
    for (month, metric), total in seeded.items():
        for grouping in [(), ("account", "service"), ("region",), ("product",)]:
            assert sums[(month, metric, grouping)] == total, (month, metric, grouping)
    if story["today"].day > 1:  # the month to date: a fifth of a full month
        assert seeded[(story["months"][-1], "unblended")] == Decimal("310.00")


def test_the_forecast_is_one_record_per_month(
    moto: Moto, story: dict[str, Any], tmp_path: Path
) -> None:
    _, records = _collect(moto, tmp_path / "s", story["forecast_handler"])
    forecast = [r for r in records if r.kind == "forecast"]
    today: date = story["today"]
    this_month = today.isoformat()[:7]
    first = forecast[0]
    assert (first.month, first.partial, first.amount) == (
        this_month,
        today.day != 1,
        Decimal("1240.00"),
    )
    assert [r.amount for r in forecast[1:]] == [
        Decimal(v) for v in ("1600.00", "1650.00", "1700.00")
    ]
    assert [r.partial for r in forecast[1:]] == [False] * 3
    assert len({r.month for r in forecast}) == 4 and forecast[1].month > this_month
    assert all(r.grouped_by == [] and r.metric == "unblended" for r in forecast)


def _fails(operation: str, code: str, after: int = 0) -> tuple[tuple[str, Any], list[str]]:
    """A handler answering `operation` with the error `code` once `after` calls passed."""
    seen: list[str] = []

    def handler(request: Any, **_: Any) -> AWSResponse | None:
        seen.append(request.url)
        if len(seen) <= after:
            return None
        body = json.dumps({"__type": code, "message": f"{code} from the test"}).encode()
        headers = {"content-type": "application/x-amz-json-1.1"}
        return AWSResponse(request.url, 400, headers, _Raw(body))

    return (f"before-send.cost-explorer.{operation}", handler), seen


class _Raw:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        yield self.data


def test_access_denied_is_recorded_and_the_run_goes_on(
    moto: Moto, story: dict[str, Any], tmp_path: Path
) -> None:
    moto.client("kms").create_key(Description="still collected")
    denied, seen = _fails("GetCostAndUsage", "AccessDeniedException")
    manifest, records = _collect(moto, tmp_path / "s", denied, story["forecast_handler"])
    assert len(seen) == 1  # the other groupings are not asked for: they would fail alike
    ce = [e for e in manifest.errors if e.service == "ce"]
    assert [(e.account, e.region, e.operation, e.code) for e in ce] == [
        (ACCOUNT, "global", "GetCostAndUsage", "AccessDeniedException")
    ]
    assert manifest.resource_count == 1  # the key
    assert manifest.spend is not None and manifest.spend.api_calls == 2
    assert {r.kind for r in records} == {"forecast"}  # asked regardless


def test_a_grouping_that_fails_half_way_is_left_out_whole(
    moto: Moto, story: dict[str, Any], tmp_path: Path
) -> None:
    # the totals and page 1 of (service, account) pass, page 2 fails
    denied, _ = _fails("GetCostAndUsage", "AccessDeniedException", after=2)
    manifest, records = _collect(moto, tmp_path / "s", denied, story["forecast_handler"])
    assert {tuple(r.grouped_by) for r in records if r.kind == "actual"} == {()}
    assert manifest.spend is not None and manifest.spend.api_calls == 4


def test_without_cost_no_cost_explorer_call_is_made(moto: Moto, tmp_path: Path) -> None:
    seed_cost_estate(moto)
    services: list[str] = []
    manifest = collect_aws(
        tmp_path / "s",
        CollectOptions(
            endpoint_url=moto.endpoint,
            regions=(REGION,),
            services=("kms",),
            max_attempts=1,
            on_api_call=lambda service, _op: services.append(service),
        ),
    )
    assert services and "ce" not in services
    assert manifest.spend is None


def test_no_forecast_data_is_an_error_and_the_spend_is_kept(
    moto: Moto, story: dict[str, Any], tmp_path: Path
) -> None:
    unavailable, _ = _fails("GetCostForecast", "DataUnavailableException")
    manifest, records = _collect(moto, tmp_path / "s", unavailable)
    ce = [(e.operation, e.code) for e in manifest.errors if e.service == "ce"]
    assert ce == [("GetCostForecast", "DataUnavailableException")]
    assert {r.kind for r in records} == {"actual"}
    assert manifest.spend is not None and manifest.spend.records == len(records) > 0


# ---------------------------------------------------------------------- options and CLI


@pytest.mark.library_output("moto")  # moto does not serve GetCostForecast (yet)
def test_the_cli_collects_spend_and_prints_the_billed_calls(
    moto: Moto, story: dict[str, Any], collect: Any
) -> None:
    snap = collect("--services", "kms", "--regions", REGION, "--cost")
    manifest = snap.manifest
    assert manifest["spend"]["api_calls"] == 6
    records = manifest["spend"]["records"]
    assert f"spend: {records:,} records from 6 billed Cost Explorer calls ($0.01 each)" in (
        snap.result.output
    )
    # moto does not serve GetCostForecast: that one call is a recorded error
    assert [(e["service"], e["operation"]) for e in snap.errors()] == [("ce", "GetCostForecast")]


def test_the_cli_without_cost_prints_no_spend(moto: Moto, collect: Any) -> None:
    snap = collect("--services", "kms", "--regions", REGION)
    assert "spend" not in snap.result.output and snap.manifest.get("spend") is None


def test_the_cost_tag_is_the_flag_else_the_config_else_product(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    on = CostOptions(enabled=True)
    assert AwsOptions(cost=on).collect_options().cost_tag == "Product"
    (tmp_path / ".pscan.yaml").write_text("capacity:\n  product_tag: [App, Team]\n")
    assert AwsOptions(cost=on).collect_options().cost_tag == "App"
    flagged = CostOptions(enabled=True, tag="Team")
    assert AwsOptions(cost=flagged).collect_options().cost_tag == "Team"
    assert AwsOptions().collect_options().cost is False
    with pytest.raises(ConfigError, match=r"--cost-tag .*use it with --cost"):
        AwsOptions(cost=CostOptions(tag="Team")).collect_options()
    with pytest.raises(ConfigError, match="--cost-tag: give a tag key"):
        AwsOptions(cost=CostOptions(enabled=True, tag=" ")).collect_options()


def test_scan_takes_the_cost_options_with_aws_only(tmp_path: Path) -> None:
    result = run_cli("scan", str(tmp_path), "--cost")
    assert result.exit_code == 2 and "use them with --aws" in result.output
    result = run_cli("collect", "aws", "--cost-tag", "Team", "-o", str(tmp_path / "s"))
    assert result.exit_code == 2 and "--cost-tag" in result.output


def test_scan_aws_groups_spend_by_the_configs_product_tag(
    moto: Moto, story: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tags: list[str] = []
    groupings = cost.groupings

    def watched(tag: str) -> list[cost.Grouping]:
        tags.append(tag)
        return groupings(tag)

    monkeypatch.setattr(cost, "groupings", watched)
    config = tmp_path / "pscan.yaml"
    config.write_text("capacity:\n  product_tag: Team\n")
    result = run_cli(
        "scan",
        "--aws",
        "--endpoint-url",
        moto.endpoint,
        "--max-attempts",
        "1",
        "--regions",
        REGION,
        "--services",
        "kms",
        "--cost",
        "--config",
        str(config),
        "--snapshots-dir",
        str(tmp_path / "snaps"),
        "--fail-on",
        "none",
        "-o",
        str(tmp_path / "f.json"),
    )
    assert result.exit_code == 0, result.output
    assert tags == ["Team"]
    assert "billed Cost Explorer calls" in result.output


def test_the_cost_report_equals_the_seeded_spend_to_the_cent(
    moto: Moto, story: dict[str, Any], tmp_path: Path
) -> None:
    """Cost Explorer answers (seeded in moto) -> snapshot -> `pscan cost`: the same cents."""
    _collect(moto, tmp_path / "s", story["forecast_handler"])
    result = run_cli("cost", str(tmp_path / "s"), "--format", "json", "--no-config")
    assert result.exit_code == 0, result.output
    report = CostReport.model_validate_json(result.output)
    [usd] = report.currencies
    assert usd.currency == "USD"
    full = [m for m in usd.months if not m.partial]
    assert len(full) == 12
    assert {m.net for m in full} == {Decimal("1550.00")}
    assert {m.amortized for m in full} == {Decimal("1570.00")}
    by_service = {line.name: line.last_month for line in usd.by_service}
    assert by_service == {
        next(k for k in by_service if "Compute" in k or "EC2" in k): Decimal("1500.75"),
        next(k for k in by_service if "Storage" in k or "S3" in k): Decimal("49.25"),
    }
    by_product = {line.name: line.last_month for line in usd.by_product}
    assert by_product == {
        "shop": Decimal("900.00"),
        "search": Decimal("500.00"),
        "(untagged)": Decimal("150.00"),
    }
    assert usd.untagged_percent == pytest.approx(9.7, abs=0.05)  # 150 / 1550
