"""A small GCP estate with capacity problems, collected end to end with `--metrics`.

One project, `cap-prod` (number 400000000001), region europe-west1, read from Cloud
Asset export lines, with its Compute quotas served by the local Compute fake and 14
days of usage by the local Monitoring fake (`UNTIL` is the end of the window). Each
problem has a compliant twin:

- CPUS regional quota nearly exhausted, 92 of 100 vCPU (92 %):
  `//compute.googleapis.com/projects/cap-prod/regions/europe-west1/quotas/CPUS`;
  twin `.../regions/europe-west1/quotas/SSD_TOTAL_GB` (500 of 2048 GB). Global quotas
  NETWORKS and FIREWALLS; us-central1 and asia-east1 have nothing in use (not kept).
- an autoscaler at its maximum, max_replicas 10 and its group at 10 every day:
  `//compute.googleapis.com/projects/cap-prod/zones/europe-west1-b/autoscalers/web-as`;
  twin `.../autoscalers/api-as` (group at 3 of 10).
- a Cloud SQL disk almost full (daily mean 90 % rising to 95.2 %), auto-resize off:
  `//cloudsql.googleapis.com/projects/cap-prod/instances/orders-db`; twin
  `.../instances/reports-db` (40 %, auto-resize on).
- a Cloud Run service at max instances (maxScale 10, 8 + 2 instances in two revisions):
  `//run.googleapis.com/projects/cap-prod/locations/europe-west1/services/checkout`;
  twin `.../services/catalog` (maxScale 50, peak 5).
- a subscription with an ageing backlog, the oldest unacked message 2,000 s old rising
  to 392,000 s (4.5 days; retention 7 days):
  `//pubsub.googleapis.com/projects/cap-prod/subscriptions/orders-sub`; twin
  `.../subscriptions/payments-sub` (30 s).

Also, for the other metrics: a VM `web-1` (cpu 30 % rising to 43 %), a GKE node pool
over two zonal instance groups (5 nodes at peak), a 2nd gen function (3 instances of
max 5). `EXPECTED_USAGE` holds the summaries these give; `collect_capacity_estate`
collects the estate into a snapshot (rules tests can scan it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scanner.collectors.gcp.collect import CapacityOptions, collect_gcp
from scanner.model import SnapshotManifest
from tests.collectors.gcp.fake_compute import FakeCompute, quota
from tests.collectors.gcp.fake_monitoring import FakeMonitoring, FakeSeries, day_samples

__all__ = [
    "DAYS",
    "EXPECTED_USAGE",
    "PROJECT",
    "REGION",
    "UNTIL",
    "capacity_fakes",
    "collect_capacity_estate",
    "compute_quotas",
    "export_lines",
    "series",
    "write_export",
]

PROJECT = "cap-prod"
NUMBER = "400000000001"
REGION = "europe-west1"
ZONE = f"{REGION}-b"
DAYS = 14
UNTIL = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # the window: Nov 12 00:00 - Nov 26 00:00
_COMPUTE = f"https://www.googleapis.com/compute/v1/projects/{PROJECT}"
_ANCESTORS = [f"projects/{NUMBER}", "organizations/999000000001"]


def _line(name: str, asset_type: str, data: dict[str, Any], location: str) -> dict[str, Any]:
    return {
        "name": name,
        "asset_type": asset_type,
        "resource": {"version": "v1", "data": data, "location": location},
        "ancestors": _ANCESTORS,
        "update_time": "2026-11-25T08:00:00Z",
    }


def _autoscaler(name: str, group: str, recommended: int) -> dict[str, Any]:
    return _line(
        f"//compute.googleapis.com/projects/{PROJECT}/zones/{ZONE}/autoscalers/{name}",
        "compute.googleapis.com/Autoscaler",
        {
            "name": name,
            "zone": f"{_COMPUTE}/zones/{ZONE}",
            "target": f"{_COMPUTE}/zones/{ZONE}/instanceGroupManagers/{group}",
            "autoscalingPolicy": {"minNumReplicas": 2, "maxNumReplicas": 10, "mode": "ON"},
            "recommendedSize": recommended,
        },
        ZONE,
    )


def _sql(name: str, auto_resize: bool) -> dict[str, Any]:
    return _line(
        f"//cloudsql.googleapis.com/projects/{PROJECT}/instances/{name}",
        "sqladmin.googleapis.com/Instance",
        {
            "name": name,
            "region": REGION,
            "databaseVersion": "POSTGRES_15",
            "state": "RUNNABLE",
            "settings": {
                "tier": "db-custom-2-7680",
                "dataDiskSizeGb": "100",
                "storageAutoResize": auto_resize,
                "storageAutoResizeLimit": "0",
            },
        },
        REGION,
    )


def _run(name: str, max_scale: int) -> dict[str, Any]:
    return _line(
        f"//run.googleapis.com/projects/{PROJECT}/locations/{REGION}/services/{name}",
        "run.googleapis.com/Service",
        {
            "apiVersion": "serving.knative.dev/v1",
            "kind": "Service",
            "metadata": {
                "name": name,
                "namespace": NUMBER,
                "labels": {"cloud.googleapis.com/location": REGION},
                "annotations": {"run.googleapis.com/ingress": "all"},
            },
            "spec": {
                "template": {
                    "metadata": {
                        "annotations": {"autoscaling.knative.dev/maxScale": str(max_scale)}
                    },
                    "spec": {
                        "containers": [{"image": f"europe-docker.pkg.dev/{PROJECT}/a/{name}"}]
                    },
                }
            },
        },
        REGION,
    )


def _subscription(name: str) -> dict[str, Any]:
    return _line(
        f"//pubsub.googleapis.com/projects/{PROJECT}/subscriptions/{name}",
        "pubsub.googleapis.com/Subscription",
        {
            "name": f"projects/{PROJECT}/subscriptions/{name}",
            "topic": f"projects/{PROJECT}/topics/orders",
            "ackDeadlineSeconds": 30,
            "messageRetentionDuration": "604800s",
        },
        "global",
    )


def export_lines() -> list[dict[str, Any]]:
    """The estate's Cloud Asset resource lines (`gcloud asset export` shape)."""
    pool = f"//container.googleapis.com/projects/{PROJECT}/locations/{REGION}/clusters/c1"
    return [
        _line(
            f"//cloudresourcemanager.googleapis.com/projects/{NUMBER}",
            "cloudresourcemanager.googleapis.com/Project",
            {"projectNumber": NUMBER, "projectId": PROJECT, "lifecycleState": "ACTIVE"},
            "global",
        ),
        _line(
            f"//compute.googleapis.com/projects/{PROJECT}/zones/{ZONE}/instances/web-1",
            "compute.googleapis.com/Instance",
            {"name": "web-1", "zone": f"{_COMPUTE}/zones/{ZONE}", "status": "RUNNING"},
            ZONE,
        ),
        _autoscaler("web-as", "web-mig", 10),
        _autoscaler("api-as", "api-mig", 3),
        _sql("orders-db", auto_resize=False),
        _sql("reports-db", auto_resize=True),
        _run("checkout", 10),
        _run("catalog", 50),
        _line(
            f"//pubsub.googleapis.com/projects/{PROJECT}/topics/orders",
            "pubsub.googleapis.com/Topic",
            {"name": f"projects/{PROJECT}/topics/orders"},
            "global",
        ),
        _subscription("orders-sub"),
        _subscription("payments-sub"),
        _line(
            f"{pool}/nodePools/pool-1",
            "container.googleapis.com/NodePool",
            {
                "name": "pool-1",
                "locations": [f"{REGION}-b", f"{REGION}-c"],
                "instanceGroupUrls": [
                    f"{_COMPUTE}/zones/{REGION}-{z}/instanceGroupManagers/gke-c1-pool-1-{z}-grp"
                    for z in ("b", "c")
                ],
                "autoscaling": {"enabled": True, "minNodeCount": 1, "maxNodeCount": 3},
                "config": {"machineType": "e2-standard-4"},
            },
            REGION,
        ),
        _line(
            f"//cloudfunctions.googleapis.com/projects/{PROJECT}/locations/{REGION}/functions/resize",
            "cloudfunctions.googleapis.com/Function",
            {
                "name": f"projects/{PROJECT}/locations/{REGION}/functions/resize",
                "buildConfig": {"runtime": "python312"},
                "serviceConfig": {"maxInstanceCount": 5},
            },
            REGION,
        ),
    ]


def write_export(folder: Path) -> Path:
    """Write the export lines to `folder/cap-resource.ndjson`; the file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "cap-resource.ndjson"
    path.write_text("".join(json.dumps(line) + "\n" for line in export_lines()), encoding="utf-8")
    return path


def compute_quotas() -> dict[str, dict[str, Any]]:
    """The Compute fake's projects: global quotas, and regions (one with nothing in use)."""
    return {
        PROJECT: {
            "global": [quota("NETWORKS", 15, 2), quota("FIREWALLS", 200, 14)],
            "regions": {
                REGION: [
                    quota("CPUS", 100, 92),
                    quota("IN_USE_ADDRESSES", 69, 3),
                    quota("SSD_TOTAL_GB", 2048, 500),
                ],
                "us-central1": [quota("CPUS", 24, 0), quota("SSD_TOTAL_GB", 500, 0)],
                "asia-east1": [quota("CPUS", 24, 0)],
            },
        }
    }


def _ramp(start: float, step: float, spread: float) -> list[list[float]]:
    """DAYS days of three samples each around start + i x step (day mean = that value)."""
    return [
        [start + i * step - spread, start + i * step, start + i * step + spread]
        for i in range(DAYS)
    ]


def _same(*values: float) -> list[list[float]]:
    return [list(values)] * DAYS


def series() -> list[FakeSeries]:
    """The Monitoring fake's raw samples over the DAYS days before UNTIL."""
    res = {"project_id": PROJECT}
    group = {**res, "location": ZONE}
    run = {**res, "location": REGION}
    orders = {**res, "database_id": f"{PROJECT}:orders-db", "region": REGION}
    reports = {**res, "database_id": f"{PROJECT}:reports-db", "region": REGION}

    def s(
        metric_type: str, rtype: str, labels: dict[str, str], days: list[list[float]], **kw: Any
    ) -> FakeSeries:
        return FakeSeries(metric_type, rtype, labels, day_samples(UNTIL, days), **kw)

    size, age = "compute.googleapis.com/instance_group/size", "pubsub.googleapis.com/subscription"
    sql, run_count = (
        "cloudsql.googleapis.com/database",
        "run.googleapis.com/container/instance_count",
    )
    return [
        s("compute.googleapis.com/instance/cpu/utilization", "gce_instance",
          {**res, "zone": ZONE, "instance_id": "1001"}, _ramp(0.30, 0.01, 0.2),
          metric={"instance_name": "web-1"}),
        s(f"{sql}/disk/utilization", "cloudsql_database", orders, _ramp(0.90, 0.004, 0.01)),
        s(f"{sql}/disk/utilization", "cloudsql_database", reports, _same(0.39, 0.40, 0.41)),
        s(f"{sql}/network/connections", "cloudsql_database", orders, _same(10, 50, 30),
          value_type="INT64"),
        s(size, "gce_instance_group", {**group, "instance_group_name": "web-mig"},
          _same(8, 10, 9), value_type="INT64"),
        s(size, "gce_instance_group", {**group, "instance_group_name": "api-mig"},
          _same(3, 3, 3), value_type="INT64"),
        s(size, "gce_instance_group", {**group, "instance_group_name": "gke-c1-pool-1-b-grp"},
          _same(2, 3, 2), value_type="INT64"),
        s(size, "gce_instance_group",
          {**res, "location": f"{REGION}-c", "instance_group_name": "gke-c1-pool-1-c-grp"},
          _same(2, 2, 2), value_type="INT64"),
        s(run_count, "cloud_run_revision",
          {**run, "service_name": "checkout", "revision_name": "checkout-1"},
          _same(4, 8, 5), metric={"state": "active"}, value_type="INT64"),
        s(run_count, "cloud_run_revision",
          {**run, "service_name": "checkout", "revision_name": "checkout-2"},
          _same(0, 2, 1), metric={"state": "active"}, value_type="INT64"),
        s(run_count, "cloud_run_revision",
          {**run, "service_name": "catalog", "revision_name": "catalog-1"},
          _same(1, 5, 2), metric={"state": "active"}, value_type="INT64"),
        s("run.googleapis.com/request_count", "cloud_run_revision",
          {**run, "service_name": "checkout", "revision_name": "checkout-1"},
          _same(100, 200, 300), metric={"response_code_class": "2xx"}, kind="DELTA",
          value_type="INT64"),
        s("run.googleapis.com/request_count", "cloud_run_revision",
          {**run, "service_name": "checkout", "revision_name": "checkout-1"},
          _same(1, 2, 3), metric={"response_code_class": "5xx"}, kind="DELTA",
          value_type="INT64"),
        s("cloudfunctions.googleapis.com/function/instance_count", "cloud_function",
          {**res, "region": REGION, "function_name": "resize"}, _same(1, 3, 2),
          metric={"state": "active"}, value_type="INT64"),
        s(f"{age}/oldest_unacked_message_age", "pubsub_subscription",
          {**res, "subscription_id": "orders-sub"},
          [[i * 30000, i * 30000 + 1000, i * 30000 + 2000] for i in range(DAYS)],
          value_type="INT64"),
        s(f"{age}/num_undelivered_messages", "pubsub_subscription",
          {**res, "subscription_id": "orders-sub"},
          [[i * 1000, i * 1000 + 500, i * 1000 + 100] for i in range(DAYS)], value_type="INT64"),
        s(f"{age}/oldest_unacked_message_age", "pubsub_subscription",
          {**res, "subscription_id": "payments-sub"}, _same(20, 30, 25), value_type="INT64"),
    ]  # fmt: skip


def _summary(average: float, p95: float, most: float) -> dict[str, Any]:
    return {"average": average, "p95": p95, "max": most, "days": DAYS}


_NONE = {"average": None, "p95": None, "max": None, "days": 0}
P = f"projects/{PROJECT}"

# The usage each resource gets: daily values aligned as docs/capacity.md says, summarised.
EXPECTED_USAGE: dict[str, dict[str, Any]] = {
    # daily mean 0.30 + 0.01 i (x100): 30..43
    f"//compute.googleapis.com/{P}/zones/{ZONE}/instances/web-1": {
        "cpu_percent": _summary(36.5, 42.35, 43.0)
    },
    f"//cloudsql.googleapis.com/{P}/instances/orders-db": {
        "cpu_percent": _NONE,
        "disk_percent": _summary(92.6, 94.94, 95.2),  # daily mean 0.90 + 0.004 i
        "memory_percent": _NONE,
        "connections": _summary(50.0, 50.0, 50.0),  # daily max of 10, 50, 30
    },
    f"//cloudsql.googleapis.com/{P}/instances/reports-db": {
        "cpu_percent": _NONE,
        "disk_percent": _summary(40.0, 40.0, 40.0),
        "memory_percent": _NONE,
        "connections": _NONE,
    },
    f"//compute.googleapis.com/{P}/zones/{ZONE}/autoscalers/web-as": {
        "group_size": _summary(10.0, 10.0, 10.0)
    },
    f"//compute.googleapis.com/{P}/zones/{ZONE}/autoscalers/api-as": {
        "group_size": _summary(3.0, 3.0, 3.0)
    },
    # per revision daily max (8 and 2), summed
    f"//run.googleapis.com/{P}/locations/{REGION}/services/checkout": {
        "instance_count": _summary(10.0, 10.0, 10.0),
        "request_count": _summary(606.0, 606.0, 606.0),  # daily sums 600 + 6
    },
    f"//run.googleapis.com/{P}/locations/{REGION}/services/catalog": {
        "instance_count": _summary(5.0, 5.0, 5.0),
        "request_count": _NONE,
    },
    f"//pubsub.googleapis.com/{P}/subscriptions/orders-sub": {
        # daily max 30000 i + 2000: 2000 .. 392000 s
        "oldest_unacked_age_s": _summary(197000.0, 372500.0, 392000.0),
        "undelivered_messages": _summary(7000.0, 12850.0, 13500.0),
    },
    f"//pubsub.googleapis.com/{P}/subscriptions/payments-sub": {
        "oldest_unacked_age_s": _summary(30.0, 30.0, 30.0),
        "undelivered_messages": _NONE,
    },
    # two zonal groups, daily max 3 and 2, added
    f"//container.googleapis.com/{P}/locations/{REGION}/clusters/c1/nodePools/pool-1": {
        "node_count": _summary(5.0, 5.0, 5.0)
    },
    f"//cloudfunctions.googleapis.com/{P}/locations/{REGION}/functions/resize": {
        "instance_count": _summary(3.0, 3.0, 3.0)
    },
}


@contextmanager
def capacity_fakes() -> Iterator[tuple[FakeCompute, FakeMonitoring]]:
    """The Compute and Monitoring fakes serving the estate, started and stopped."""
    compute = FakeCompute(compute_quotas(), max_page_size=2).start()
    monitoring = FakeMonitoring(series(), max_page_size=2).start()
    try:
        yield compute, monitoring
    finally:
        compute.stop()
        monitoring.stop()


def collect_capacity_estate(
    output: Path, compute: FakeCompute, monitoring: FakeMonitoring, days: int = DAYS
) -> SnapshotManifest:
    """Collect the estate with `--metrics` through the fakes into a snapshot at `output`."""
    export = write_export(output.parent / f"{output.name}-export")
    manifest, _counts = collect_gcp(
        output,
        export_files=[export],
        metrics=CapacityOptions(days, compute.url, monitoring.url, now=UNTIL),
    )
    return manifest
