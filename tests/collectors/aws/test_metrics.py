"""Usage metrics: CloudWatch GetMetricData on the moto server, batched, summarised, counted."""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from scanner.collectors.aws.context import (
    AccountClients,
    AccountState,
    CollectOptions,
    MetricsCounter,
    Scope,
    ServiceContext,
)
from scanner.collectors.aws.metrics import (
    BATCH,
    DIMENSIONS,
    METRICS,
    Query,
    daily_values,
    window,
)
from scanner.collectors.usage import summarise

from .conftest import ACCOUNT, REGION, Moto
from .estate import (
    BUSY_CPU,
    DB_FREE_BYTES,
    IDLE_CPU,
    VCPU_IN_USE,
    put_daily,
    quota_handler,
    seed_capacity_estate,
    vcpu_quota_answer,
)
from .test_collect import library_collect, resources

ROOT = Path(__file__).resolve().parents[3]
NULL = {"average": None, "p95": None, "max": None, "days": 0}


def _named(out: Path, rtype: str, name: str) -> dict[str, Any]:
    [found] = [r for r in resources(out) if r["type"] == rtype and r["name"] == name]
    return found


def _recorder() -> tuple[list[int], tuple[str, Any]]:
    """A before-call handler recording how many queries each GetMetricData call carried."""
    sizes: list[int] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        sizes.append(len(params["MetricDataQueries"]))

    return sizes, ("before-parameter-build.cloudwatch.GetMetricData", record)


# ---------------------------------------------------------------------- summaries
def test_summary_of_daily_values() -> None:
    assert summarise([]) == NULL
    assert summarise([4.0]) == {"average": 4.0, "p95": 4.0, "max": 4.0, "days": 1}
    # sorted 80 85 86 88 90 92 95: rank 0.95 x 6 = 5.7, between 92 and 95
    assert summarise(BUSY_CPU) == {"average": 88.0, "p95": 94.1, "max": 95.0, "days": 7}


def test_window_is_whole_days_ending_at_midnight() -> None:
    from datetime import UTC, datetime

    start, end = window(14, datetime(2026, 3, 15, 17, 30, tzinfo=UTC))
    assert (start, end) == (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 15, tzinfo=UTC))


def test_collected_usage_summarises_the_seeded_metrics(moto: Moto, tmp_path: Path) -> None:
    made = seed_capacity_estate(moto)
    # 10, 20, ..., 70 units per second, as two datapoints a day whose Sum is a day's units
    units = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0]
    put_daily(
        moto,
        "AWS/DynamoDB",
        "ConsumedReadCapacityUnits",
        {"TableName": "orders"},
        [u * 86_400 for u in units],
        per_day=2,
    )
    sizes, record = _recorder()
    manifest, out = library_collect(
        moto,
        tmp_path,
        services=("ec2", "rds", "dynamodb", "servicequotas"),
        metrics=True,
        metrics_days=7,
        handlers=(record, quota_handler({"ec2": vcpu_quota_answer()})),
    )
    busy = _named(out, "aws.ec2.instance", "busy")["attributes"]
    assert busy["usage"]["cpu_percent"] == summarise(BUSY_CPU)
    assert busy["usage"]["network_in_bytes"] == NULL  # asked, no data
    assert "cpu_credit_balance" not in busy["usage"]  # m5 is not burstable
    assert busy["vcpus"] == 2
    idle = _named(out, "aws.ec2.instance", "idle")["attributes"]
    assert idle["usage"]["cpu_percent"] == summarise(IDLE_CPU)
    assert summarise(IDLE_CPU) == {"average": 1.64, "p95": 2.7, "max": 3.0, "days": 7}
    assert idle["usage"]["cpu_credit_balance"] == NULL
    assert made["idle"] in _named(out, "aws.ec2.instance", "idle")["id"]

    db = _named(out, "aws.rds.instance", "tight-db")["attributes"]
    assert db["usage"]["free_storage_bytes"] == summarise(DB_FREE_BYTES)
    assert db["usage"]["free_storage_bytes"]["max"] == 6.0e9
    assert db["max_allocated_storage_gb"] is None
    table = _named(out, "aws.dynamodb.table", "orders")["attributes"]
    assert table["usage"]["consumed_read_units"] == {
        "average": 40.0,
        "p95": 67.0,
        "max": 70.0,
        "days": 7,
    }
    assert (table["read_capacity_units"], table["write_capacity_units"]) == (100, 50)

    subnet = _named(out, "aws.ec2.subnet", "almost-full")["attributes"]
    assert (subnet["total_ip_count"], subnet["available_ip_count"]) == (11, 2)
    assert subnet["used_ip_percent"] == 81.82

    [vcpu] = [
        r
        for r in resources(out)
        if r["type"] == "aws.servicequotas.quota" and r["attributes"]["quota_code"] == "L-1216C47A"
    ]
    assert vcpu["id"] == f"arn:aws:servicequotas:{REGION}:{ACCOUNT}:ec2/L-1216C47A"
    assert {k: vcpu["attributes"][k] for k in ("limit", "used", "used_percent", "unit")} == {
        "limit": 32.0,
        "used": VCPU_IN_USE[-1],
        "used_percent": 93.75,
        "unit": "vCPU",
    }
    assert manifest.metrics is not None
    assert manifest.metrics.window_days == 7
    assert (manifest.metrics.queries, manifest.metrics.api_calls) == (sum(sizes), len(sizes))
    assert [e.operation for e in manifest.errors if e.operation == "GetMetricData"] == []


def test_without_metrics_usage_is_null_and_no_metric_is_asked(moto: Moto, tmp_path: Path) -> None:
    seed_capacity_estate(moto)
    calls: Counter[tuple[str, str]] = Counter()
    manifest, out = library_collect(
        moto,
        tmp_path,
        services=("ec2", "rds", "dynamodb", "servicequotas"),
        on_api_call=lambda service, operation: calls.update([(service, operation)]),
    )
    assert calls[("cloudwatch", "GetMetricData")] == 0
    assert calls[("ec2", "DescribeInstances")] == 1  # the counter does see calls
    typed = [r for r in resources(out) if r["type"] in METRICS]
    assert {r["type"] for r in typed} >= {"aws.ec2.instance", "aws.rds.instance"}
    assert all(r["attributes"]["usage"] is None for r in typed)
    assert manifest.metrics is None
    quotas = [r for r in resources(out) if r["type"] == "aws.servicequotas.quota"]
    assert quotas and all(
        q["attributes"]["used"] is None
        for q in quotas
        if q["attributes"]["quota_code"] == "ConcurrentExecutions"
    )


def test_access_denied_on_metrics_is_recorded_and_collection_goes_on(
    moto: Moto, tmp_path: Path
) -> None:
    seed_capacity_estate(moto)

    def deny(**_: Any) -> None:
        error = {"Code": "AccessDenied", "Message": "not authorized to GetMetricData"}
        raise ClientError(
            {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 403}}, "GetMetricData"
        )

    manifest, out = library_collect(
        moto,
        tmp_path,
        services=("ec2", "dynamodb"),
        metrics=True,
        handlers=(("before-call.cloudwatch.GetMetricData", deny),),
    )
    denied = {(e.service, e.operation, e.code) for e in manifest.errors}
    assert denied == {
        ("ec2", "GetMetricData", "AccessDenied"),
        ("dynamodb", "GetMetricData", "AccessDenied"),
    }
    busy = _named(out, "aws.ec2.instance", "busy")["attributes"]
    assert busy["usage"] is None  # unknown, not "idle"
    assert busy["vcpus"] == 2  # the rest was collected
    assert _named(out, "aws.dynamodb.table", "orders")["attributes"]["usage"] is None


# ---------------------------------------------------------------------- batching
def _context(moto: Moto, days: int = 7) -> ServiceContext:
    options = CollectOptions(
        endpoint_url=moto.endpoint, metrics=True, metrics_days=days, max_attempts=1
    )
    return ServiceContext(
        service="test",
        scope=Scope(account=ACCOUNT, region=REGION),
        clients=AccountClients(boto3.Session(region_name=REGION), options),
        state=AccountState(),
        metrics=MetricsCounter(),
    )


@pytest.mark.parametrize("count", [1, BATCH, BATCH + 1, 2 * BATCH + 201])
def test_queries_are_sent_500_to_a_call(moto: Moto, count: int) -> None:
    put_daily(moto, "AWS/SQS", "ApproximateAgeOfOldestMessage", {"QueueName": "q-0"}, [5.0, 9.0])
    ctx = _context(moto)
    sizes, (event, record) = _recorder()
    ctx.client("cloudwatch").meta.events.register(event, record)
    queries = [
        Query("AWS/SQS", "ApproximateAgeOfOldestMessage", (("QueueName", f"q-{i}"),), "Maximum")
        for i in range(count)
    ]
    series = daily_values(ctx, queries)
    assert len(sizes) == math.ceil(count / BATCH)
    assert sizes == [min(BATCH, count - i) for i in range(0, count, BATCH)]
    assert ctx.metrics is not None
    assert (ctx.metrics.queries, ctx.metrics.api_calls) == (count, len(sizes))
    assert [v for _, v in series[0] or []] == [5.0, 9.0]
    assert all(s == [] for s in series[1:])


def test_pages_are_followed_and_merged(moto: Moto) -> None:
    ctx = _context(moto)
    client = ctx.client("cloudwatch")
    start, end = window(7)
    query = Query("AWS/Lambda", "Invocations", (("FunctionName", "f"),), "Sum")
    with Stubber(client) as stub:
        for page, token in (([1.0], "next"), ([2.0], None)):
            response: dict[str, Any] = {
                "MetricDataResults": [
                    {
                        "Id": "q0",
                        "Timestamps": [start if token else end - timedelta(days=1)],
                        "Values": page,
                        "StatusCode": "PartialData" if token else "Complete",
                    }
                ]
            }
            if token:
                response["NextToken"] = token
            stub.add_response("get_metric_data", response)
        [series] = daily_values(ctx, [query])
    assert [v for _, v in series or []] == [1.0, 2.0]
    assert ctx.metrics is not None
    assert (ctx.metrics.queries, ctx.metrics.api_calls) == (1, 2)


# ---------------------------------------------------------------------- the contract
def _docs_rows() -> dict[tuple[str, str], tuple[str, str, str]]:
    """(type, metric) -> (namespace, CloudWatch metric, statistic) from docs/capacity.md."""
    text = (ROOT / "docs" / "capacity.md").read_text(encoding="utf-8")
    section = text.split("### AWS metrics", 1)[1].split("\n### ", 1)[0]
    rows: dict[tuple[str, str], tuple[str, str, str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not cells[0].startswith("`aws."):
            continue
        rtype, metric, namespace, name, stat = (re.sub(r"[`*]", "", c) for c in cells)
        rows[(rtype, metric)] = (namespace, name, stat.split()[0])
    return rows


def test_the_docs_table_is_the_metrics_table() -> None:
    in_code = {
        (rtype, spec.name): (spec.namespace, spec.metric, spec.stat)
        for rtype, specs in METRICS.items()
        for spec in specs
    }
    assert _docs_rows() == in_code
    assert set(DIMENSIONS) == set(METRICS)


def test_the_cli_reports_the_metric_queries(moto: Moto, collect: Any) -> None:
    moto.client("sqs").create_queue(QueueName="jobs")
    put_daily(moto, "AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": "jobs"}, [3.0])
    snap = collect("--services", "sqs", "--regions", REGION, "--metrics", "--metrics-days", "3")
    assert "metrics: 2 queries over 3 days in 1 billed API calls" in snap.result.output
    assert snap.manifest["metrics"] == {"window_days": 3, "queries": 2, "api_calls": 1}
    usage = snap.named("aws.sqs.queue", "jobs")["attributes"]["usage"]
    assert usage["messages_visible"] == {"average": 3.0, "p95": 3.0, "max": 3.0, "days": 1}
    assert usage["oldest_message_age_s"] == NULL
