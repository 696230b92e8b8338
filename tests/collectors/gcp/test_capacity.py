"""--metrics on GCP: Compute quotas and Cloud Monitoring usage, end to end through the fakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from scanner.collectors.gcp import metrics
from scanner.collectors.gcp.collect import CapacityOptions, collect_gcp
from scanner.collectors.gcp.metrics import METRICS, Metric
from scanner.model import MetricsInfo
from scanner.snapshot import open_snapshot
from tests.collectors.gcp.capacity_estate import (
    DAYS,
    EXPECTED_USAGE,
    PROJECT,
    REGION,
    UNTIL,
    collect_capacity_estate,
    export_lines,
    write_export,
)
from tests.collectors.gcp.conftest import ORG_SCOPE, assert_user_error, run
from tests.collectors.gcp.fake_cai import FakeCloudAsset
from tests.collectors.gcp.fake_compute import FakeCompute, quota
from tests.collectors.gcp.fake_monitoring import FakeMonitoring

Apis = tuple[FakeCompute, FakeMonitoring]
Q = f"//compute.googleapis.com/projects/{PROJECT}"
# distinct (metric type, aligner, reducer): instance_group/size serves node pools and autoscalers
QUERIES = len({m.query for m in METRICS})


def _resources(snapshot: Path) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in open_snapshot(snapshot).iter_resources()}


def test_quotas_and_usage_end_to_end(tmp_path: Path, capacity_apis: Apis) -> None:
    compute, monitoring = capacity_apis
    manifest = collect_capacity_estate(tmp_path / "snap", compute, monitoring)
    assert manifest.errors == []
    resources = _resources(tmp_path / "snap")
    quotas = {rid: r for rid, r in resources.items() if r["type"] == "gcp.compute.quota"}
    # every global quota; regional ones only where the project uses something
    assert sorted(quotas) == sorted(
        [f"{Q}/quotas/NETWORKS", f"{Q}/quotas/FIREWALLS"]
        + [f"{Q}/regions/{REGION}/quotas/{m}" for m in ("CPUS", "IN_USE_ADDRESSES", "SSD_TOTAL_GB")]
    )
    cpus = quotas[f"{Q}/regions/{REGION}/quotas/CPUS"]
    assert cpus["attributes"] == {
        "metric": "CPUS",
        "limit": 100,
        "used": 92,
        "used_percent": 92.0,
        "unit": "vCPU",
        "scope": "region",
    }
    assert (cpus["account"], cpus["region"], cpus["name"]) == (PROJECT, REGION, "CPUS")
    network = quotas[f"{Q}/quotas/NETWORKS"]
    assert (network["region"], network["attributes"]["scope"]) == ("global", "project")
    assert quotas[f"{Q}/regions/{REGION}/quotas/SSD_TOTAL_GB"]["attributes"]["unit"] == "GB"
    for rid, usage in EXPECTED_USAGE.items():
        assert resources[rid]["attributes"]["usage"] == usage, rid
    # one query per metric type (and aligner) in the project, more calls for the pages
    assert manifest.metrics == MetricsInfo(
        window_days=DAYS, queries=QUERIES, api_calls=len(monitoring.requests)
    )
    assert len(monitoring.requests) > QUERIES  # 2 series a page: paged


def test_the_requests_say_what_the_docs_say(tmp_path: Path, capacity_apis: Apis) -> None:
    compute, monitoring = capacity_apis
    collect_capacity_estate(tmp_path / "snap", compute, monitoring)
    end = datetime(2026, 11, 26, tzinfo=UTC)
    asked: dict[str, tuple[str, str, list[str]]] = {}
    for recorded in monitoring.requests:
        request = recorded.request
        assert request.name == f"projects/{PROJECT}"
        assert request.interval.end_time == end
        assert request.interval.start_time == end - timedelta(days=DAYS)
        assert request.aggregation.alignment_period == timedelta(days=1)
        assert "authorization" not in recorded.metadata  # plaintext: never a token
        aggregation = request.aggregation
        asked[request.filter] = (
            aggregation.per_series_aligner.name,
            aggregation.cross_series_reducer.name,
            list(aggregation.group_by_fields),
        )
    expected = {
        f'metric.type = "{m.metric_type}" AND resource.type = "{m.resource_type}"'
        f' AND resource.labels.project_id = "{PROJECT}"': (m.aligner, m.reducer)
        for m in METRICS
    }
    assert {f: a[:2] for f, a in asked.items()} == expected
    run_count = next(a for f, a in asked.items() if "container/instance_count" in f)
    assert run_count[2] == ["resource.project_id", "resource.location", "resource.service_name"]
    assert [r.path for r in compute.requests] == [
        f"/compute/v1/projects/{PROJECT}",
        f"/compute/v1/projects/{PROJECT}/regions",
        f"/compute/v1/projects/{PROJECT}/regions",  # 3 regions, 2 a page
    ]


@pytest.mark.parametrize(
    ("change", "metric"),
    [
        ({"aligner": "ALIGN_MAX"}, "disk_percent"),  # the daily max, not the mean
        ({"reducer": "REDUCE_MAX"}, "instance_count"),  # revisions not added
        ({"metric_type": "cloudsql.googleapis.com/database/disk/bytes_used"}, "disk_percent"),
    ],
)
def test_a_wrong_request_gives_other_numbers(
    tmp_path: Path, capacity_apis: Apis, monkeypatch: pytest.MonkeyPatch, change: dict[str, str],
    metric: str,
) -> None:  # fmt: skip
    """The fake computes from raw samples, so the end-to-end check above catches a wrong query."""
    target = next(m for m in METRICS if m.name == metric and m.rtype in _TYPES_OF[metric])
    wrong = Metric(**{**target.__dict__, **change})
    monkeypatch.setattr(metrics, "METRICS", tuple(wrong if m is target else m for m in METRICS))
    compute, monitoring = capacity_apis
    collect_capacity_estate(tmp_path / "snap", compute, monitoring)
    resources = _resources(tmp_path / "snap")
    rid = next(r for r in EXPECTED_USAGE if metric in EXPECTED_USAGE[r])
    assert resources[rid]["attributes"]["usage"][metric] != EXPECTED_USAGE[rid][metric]


_TYPES_OF = {"disk_percent": {"gcp.sql.instance"}, "instance_count": {"gcp.run.service"}}


def test_refusals_are_recorded_and_the_run_goes_on(tmp_path: Path, capacity_apis: Apis) -> None:
    compute, monitoring = capacity_apis
    compute.disable(PROJECT)
    monitoring.deny(PROJECT)
    manifest = collect_capacity_estate(tmp_path / "snap", compute, monitoring)
    errors = {(e.service, e.operation, e.code) for e in manifest.errors}
    assert errors == {
        ("compute", "projects.get", "PERMISSION_DENIED"),
        (
            "monitoring",
            "timeSeries.list(cloudfunctions.googleapis.com/function/instance_count)",
            "PERMISSION_DENIED",
        ),
    }
    compute_error = next(e for e in manifest.errors if e.service == "compute")
    assert "Compute Engine API has not been used" in compute_error.message
    assert compute_error.account == PROJECT
    # one refused call per API and project: the others would be refused too
    assert (len(compute.requests), len(monitoring.requests)) == (1, 1)
    resources = _resources(tmp_path / "snap")
    assert not any(r["type"] == "gcp.compute.quota" for r in resources.values())
    assert all(resources[rid]["attributes"]["usage"] is None for rid in EXPECTED_USAGE)
    assert manifest.metrics == MetricsInfo(window_days=DAYS, queries=1, api_calls=1)


def test_without_metrics_no_call_is_made(tmp_path: Path, capacity_apis: Apis) -> None:
    compute, monitoring = capacity_apis
    export = write_export(tmp_path / "export")
    manifest, counts = collect_gcp(tmp_path / "snap", export_files=[export])
    assert (compute.requests, monitoring.requests) == ([], [])
    assert manifest.metrics is None
    assert "gcp.compute.quota" not in counts
    resources = _resources(tmp_path / "snap")
    assert all(resources[rid]["attributes"]["usage"] is None for rid in EXPECTED_USAGE)


def test_export_files_without_credentials_say_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "no-such-key.json"))
    export = write_export(tmp_path / "export")
    metrics = CapacityOptions(days=7)
    manifest, counts = collect_gcp(tmp_path / "snap", export_files=[export], metrics=metrics)
    assert {(e.service, e.code) for e in manifest.errors} == {
        ("compute", "NoCredentials"),
        ("monitoring", "NoCredentials"),
    }
    assert all("not collected (--metrics)" in e.message for e in manifest.errors)
    assert sum(counts.values()) == len(export_lines())  # the assets are collected all the same
    assert manifest.metrics == MetricsInfo(window_days=7)


def test_a_transient_error_is_retried(capacity_apis: Apis) -> None:
    from scanner.collectors.gcp.api import make_retry
    from scanner.collectors.gcp.metrics import MetricsReader, make_monitoring_client

    _compute, monitoring = capacity_apis
    monitoring.fail_next(1)
    client = make_monitoring_client(monitoring.url, None)
    reader = MetricsReader(
        client, DAYS, now=UNTIL, retry=make_retry(initial=0.01, maximum=0.02, timeout=5)
    )
    reader.read([PROJECT], ["pubsub.googleapis.com/Subscription"])
    assert reader.errors == []
    assert [r.status for r in monitoring.requests][:2] == ["UNAVAILABLE", "OK"]
    assert reader.queries == 2  # oldest_unacked_message_age, num_undelivered_messages


def test_the_cli_collects_quotas_and_metrics(tmp_path: Path, capacity_apis: Apis) -> None:
    compute, monitoring = capacity_apis
    export = write_export(tmp_path / "export")
    out = tmp_path / "snap"
    args = ["--compute-endpoint", compute.url, "--monitoring-endpoint", monitoring.url]
    result = run("collect", "gcp", "--export-file", str(export), "--metrics", *args, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"metrics: {QUERIES} queries over 14 days" in result.output
    quotas = [r for r in _resources(out).values() if r["type"] == "gcp.compute.quota"]
    assert len(quotas) == 5


def test_an_endpoint_without_metrics_is_a_usage_error(tmp_path: Path) -> None:
    export = write_export(tmp_path / "export")
    result = run(
        "collect", "gcp", "--export-file", str(export), "--monitoring-endpoint",
        "http://127.0.0.1:1", "-o", str(tmp_path / "snap"),
    )  # fmt: skip
    assert_user_error(result, "--monitoring-endpoint", "--metrics")


def test_the_projects_listed_by_the_cloud_asset_api_are_read(
    tmp_path: Path, fake: FakeCloudAsset
) -> None:
    zero = {
        "global": [quota("NETWORKS", 15, 1)],
        "regions": {"europe-west1": [quota("CPUS", 24, 4)]},
    }
    compute = FakeCompute({"acme-prod": zero, "acme-dev": zero}).start()
    monitoring = FakeMonitoring(projects={"acme-prod", "acme-dev"}).start()
    try:
        out = tmp_path / "snap"
        endpoints = ["--compute-endpoint", compute.url, "--monitoring-endpoint", monitoring.url]
        result = run(
            "collect", "gcp", "--scope", ORG_SCOPE, "--endpoint", fake.url, "--metrics",
            *endpoints, "-o", str(out),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    finally:
        compute.stop()
        monitoring.stop()
    assert {r.request.name for r in monitoring.requests} == {
        "projects/acme-dev",
        "projects/acme-prod",
    }
    resources = _resources(out)
    quotas = sorted(rid for rid, r in resources.items() if r["type"] == "gcp.compute.quota")
    assert quotas == [
        f"//compute.googleapis.com/projects/{p}/{q}"
        for p in ("acme-dev", "acme-prod")
        for q in ("quotas/NETWORKS", "regions/europe-west1/quotas/CPUS")
    ]
    # read, but no series: every metric of the type with 0 days
    web = resources[
        "//compute.googleapis.com/projects/acme-prod/zones/europe-west1-b/instances/web-1"
    ]
    assert web["attributes"]["usage"] == {
        "cpu_percent": {"average": None, "p95": None, "max": None, "days": 0}
    }
    assert open_snapshot(out).manifest.errors == []
