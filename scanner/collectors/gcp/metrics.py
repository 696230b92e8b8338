"""Utilisation (`usage`) from Cloud Monitoring `timeSeries.list`, aligned per day.

`METRICS` is the one table of what is read: per pscan type, each metric's name, the
Cloud Monitoring metric type, its monitored-resource type, the per-series aligner over
one day (86,400 s), the scale (x100 for ratios) and, where one resource has several
series (revisions, instance states), the cross-series reducer. docs/capacity.md shows
the same table; a test keeps the two equal.

For each project collected there is one `timeSeries.list` query per (metric type,
aligner, reducer) the selected types need (plus one call per further page), over the
last `days` whole UTC days, filtered to the project's own series
(`resource.labels.project_id`; a scoping project would otherwise return its monitored
projects' series too). Each series names the resource it measures through its
monitored-resource labels (`MONITORED`): a Cloud SQL series' `database_id`
`project:instance` is the instance `//cloudsql.googleapis.com/projects/P/instances/I`,
an instance group's `location` and `instance_group_name` are the managed instance group
that an autoscaler targets or that holds a node pool's nodes. Series that name the same
resource are added per day (a node pool's zonal groups), then the daily values are
summarised (`scanner.collectors.usage.summarise`).

A query that fails (permission denied, the Monitoring API not enabled) is recorded as a
collection error; the metrics it would have given are left out of `usage`, so rules
that need them are undecided. The transport is gRPC: google-cloud-monitoring has no
REST transport for the metric service.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from google.api_core import retry as gretry
from google.api_core.client_options import ClientOptions
from google.auth.credentials import Credentials
from google.cloud import monitoring_v3

from scanner.collectors.gcp.api import API_ERRORS, error_details, make_retry
from scanner.collectors.gcp.common import region_of
from scanner.collectors.usage import summarise
from scanner.model import CollectionError, MetricsInfo, Resource

__all__ = [
    "ASSET_TYPES",
    "METRICS",
    "MONITORED",
    "Metric",
    "MetricsReader",
    "close_monitoring_client",
    "make_monitoring_client",
]

logger = logging.getLogger(__name__)

DAY = 86400
# Errors that say the whole project is out of reach (not one metric): stop querying it.
_PROJECT_REFUSED = frozenset({"PERMISSION_DENIED", "NOT_FOUND", "UNAUTHENTICATED"})
_PAGE_SIZE = 10000


@dataclass(frozen=True)
class Metric:
    """One metric of one pscan type."""

    rtype: str  # pscan type
    name: str  # key in `usage`
    metric_type: str  # Cloud Monitoring metric type
    resource_type: str  # its monitored-resource type (a key of MONITORED)
    aligner: str  # per-series aligner over one day
    scale: float = 1.0
    reducer: str = "REDUCE_NONE"  # cross-series, grouped by the labels naming the resource

    @property
    def query(self) -> tuple[str, str, str, str]:
        """What one timeSeries.list query asks for; metrics sharing it share the call."""
        return (self.metric_type, self.resource_type, self.aligner, self.reducer)


_GCE = "compute.googleapis.com/instance"
_SQL = "cloudsql.googleapis.com/database"
_GROUP_SIZE = "compute.googleapis.com/instance_group/size"
_PUBSUB = "pubsub.googleapis.com/subscription"

METRICS: tuple[Metric, ...] = (
    Metric("gcp.compute.instance", "cpu_percent", f"{_GCE}/cpu/utilization", "gce_instance",
           "ALIGN_MEAN", 100),
    Metric("gcp.sql.instance", "cpu_percent", f"{_SQL}/cpu/utilization", "cloudsql_database",
           "ALIGN_MEAN", 100),
    Metric("gcp.sql.instance", "disk_percent", f"{_SQL}/disk/utilization", "cloudsql_database",
           "ALIGN_MEAN", 100),
    Metric("gcp.sql.instance", "memory_percent", f"{_SQL}/memory/utilization",
           "cloudsql_database", "ALIGN_MEAN", 100),
    Metric("gcp.sql.instance", "connections", f"{_SQL}/network/connections",
           "cloudsql_database", "ALIGN_MAX"),
    Metric("gcp.container.node_pool", "node_count", _GROUP_SIZE, "gce_instance_group",
           "ALIGN_MAX"),
    Metric("gcp.compute.autoscaler", "group_size", _GROUP_SIZE, "gce_instance_group",
           "ALIGN_MAX"),
    Metric("gcp.run.service", "instance_count", "run.googleapis.com/container/instance_count",
           "cloud_run_revision", "ALIGN_MAX", reducer="REDUCE_SUM"),
    Metric("gcp.run.service", "request_count", "run.googleapis.com/request_count",
           "cloud_run_revision", "ALIGN_SUM", reducer="REDUCE_SUM"),
    Metric("gcp.cloudfunctions.function", "instance_count",
           "cloudfunctions.googleapis.com/function/instance_count", "cloud_function",
           "ALIGN_MAX", reducer="REDUCE_SUM"),
    Metric("gcp.pubsub.subscription", "oldest_unacked_age_s",
           f"{_PUBSUB}/oldest_unacked_message_age", "pubsub_subscription", "ALIGN_MAX"),
    Metric("gcp.pubsub.subscription", "undelivered_messages",
           f"{_PUBSUB}/num_undelivered_messages", "pubsub_subscription", "ALIGN_MAX"),
)  # fmt: skip

# The Cloud Asset types a pscan type comes from: a query is made only when they are selected.
ASSET_TYPES: dict[str, tuple[str, ...]] = {
    "gcp.compute.instance": ("compute.googleapis.com/Instance",),
    "gcp.sql.instance": ("sqladmin.googleapis.com/Instance",),
    "gcp.container.node_pool": ("container.googleapis.com/NodePool",),
    "gcp.compute.autoscaler": ("compute.googleapis.com/Autoscaler",),
    "gcp.run.service": ("run.googleapis.com/Service",),
    "gcp.cloudfunctions.function": (
        "cloudfunctions.googleapis.com/CloudFunction",
        "cloudfunctions.googleapis.com/Function",
    ),
    "gcp.pubsub.subscription": ("pubsub.googleapis.com/Subscription",),
}

Labels = Mapping[str, str]


def _instance_group(labels: Labels) -> str:
    location = labels["resource.location"]
    kind = "regions" if region_of(location) == location else "zones"
    return (
        f"//compute.googleapis.com/projects/{labels['resource.project_id']}/{kind}/{location}"
        f"/instanceGroupManagers/{labels['resource.instance_group_name']}"
    )


def _sql_instance(labels: Labels) -> str:
    project, _, instance = labels["resource.database_id"].rpartition(":")
    return f"//cloudsql.googleapis.com/projects/{project}/instances/{instance}"


# Monitored-resource type -> (the labels naming what a series measures, that resource's id).
MONITORED: dict[str, tuple[tuple[str, ...], Callable[[Labels], str]]] = {
    "gce_instance": (
        ("resource.project_id", "resource.zone", "metric.instance_name"),
        lambda x: (
            f"//compute.googleapis.com/projects/{x['resource.project_id']}"
            f"/zones/{x['resource.zone']}/instances/{x['metric.instance_name']}"
        ),
    ),
    "cloudsql_database": (("resource.project_id", "resource.database_id"), _sql_instance),
    "gce_instance_group": (
        ("resource.project_id", "resource.location", "resource.instance_group_name"),
        _instance_group,
    ),
    "cloud_run_revision": (
        ("resource.project_id", "resource.location", "resource.service_name"),
        lambda x: (
            f"//run.googleapis.com/projects/{x['resource.project_id']}"
            f"/locations/{x['resource.location']}/services/{x['resource.service_name']}"
        ),
    ),
    "cloud_function": (
        ("resource.project_id", "resource.region", "resource.function_name"),
        lambda x: (
            f"//cloudfunctions.googleapis.com/projects/{x['resource.project_id']}"
            f"/locations/{x['resource.region']}/functions/{x['resource.function_name']}"
        ),
    ),
    "pubsub_subscription": (
        ("resource.project_id", "resource.subscription_id"),
        lambda x: (
            f"//pubsub.googleapis.com/projects/{x['resource.project_id']}"
            f"/subscriptions/{x['resource.subscription_id']}"
        ),
    ),
}


def _measured_ids(resource: Resource) -> list[str]:
    """Ids of what a resource's series measure: itself, or the instance groups behind it."""
    attributes = resource.attributes
    if resource.type == "gcp.compute.autoscaler":
        return [attributes["target"]] if attributes.get("target") else []
    if resource.type == "gcp.container.node_pool":
        return [str(g) for g in attributes.get("instance_groups") or ()]
    return [resource.id]


def _in_project(rid: str, project: str) -> str:
    """`rid` with its project segment spelt as the project id (names may use the number)."""
    head, sep, rest = rid.partition("/projects/")
    if not sep:
        return rid
    return f"{head}/projects/{project}/{rest.partition('/')[2]}"


def _value(point: Any) -> float | None:
    value = point.value
    if "double_value" in value:
        return float(value.double_value)
    if "int64_value" in value:
        return float(value.int64_value)
    return None


def make_monitoring_client(
    endpoint: str | None, credentials: Credentials | None
) -> monitoring_v3.MetricServiceClient:
    """A MetricServiceClient (gRPC). `http://host:port` is a plaintext channel, no credentials."""
    if endpoint and endpoint.startswith("http://"):
        import grpc
        from google.cloud.monitoring_v3.services.metric_service.transports import (
            MetricServiceGrpcTransport,
        )

        channel = grpc.insecure_channel(endpoint.removeprefix("http://").rstrip("/"))
        return monitoring_v3.MetricServiceClient(
            transport=MetricServiceGrpcTransport(channel=channel)
        )
    host = endpoint.removeprefix("https://").rstrip("/") if endpoint else None
    return monitoring_v3.MetricServiceClient(
        credentials=credentials, client_options=ClientOptions(api_endpoint=host) if host else None
    )


def close_monitoring_client(client: monitoring_v3.MetricServiceClient) -> None:
    """Close the client's channel."""
    client.transport.close()  # type: ignore[no-untyped-call]


class MetricsReader:
    """Reads daily series per project and answers each resource's `usage`."""

    def __init__(
        self,
        client: monitoring_v3.MetricServiceClient,
        days: int,
        *,
        now: datetime | None = None,
        retry: gretry.Retry | None = None,
    ) -> None:
        self.client = client
        self.days = days
        self.end = (now or datetime.now(UTC)).replace(hour=0, minute=0, second=0, microsecond=0)
        self.start = self.end - timedelta(days=days)
        self.retry = retry if retry is not None else make_retry()
        self.errors: list[CollectionError] = []
        self.queries = 0
        self.api_calls = 0
        # query -> resource id -> day (end of its interval, epoch s) -> value, summed
        self._series: dict[tuple[str, str, str, str], dict[str, dict[int, float]]] = {}
        self._read: set[tuple[str, tuple[str, str, str, str]]] = set()  # (project, query)

    @property
    def info(self) -> MetricsInfo:
        """What was asked of Cloud Monitoring, for the manifest."""
        return MetricsInfo(window_days=self.days, queries=self.queries, api_calls=self.api_calls)

    def read(self, projects: Iterable[str], asset_types: Iterable[str]) -> None:
        """Query every metric the selected asset types need, in every project."""
        selected = set(asset_types)
        queries = sorted({m.query for m in METRICS if selected & set(ASSET_TYPES.get(m.rtype, ()))})
        for project in projects:
            for query in queries:
                if not self._query(project, query):
                    break  # denied or unknown: the project's other queries would be too

    def usage(self, resource: Resource) -> dict[str, Any] | None:
        """The resource's `usage`: a summary per metric read in its project; None if none was."""
        out: dict[str, Any] = {}
        ids = [_in_project(i, resource.account) for i in _measured_ids(resource)]
        for metric in METRICS:
            if metric.rtype != resource.type or (resource.account, metric.query) not in self._read:
                continue
            series = self._series.get(metric.query, {})
            daily: dict[int, float] = {}
            for rid in ids:
                for day, value in series.get(rid, {}).items():
                    daily[day] = daily.get(day, 0.0) + value
            out[metric.name] = summarise(v * metric.scale for v in daily.values())
        return out or None

    def _request(self, project: str, query: tuple[str, str, str, str]) -> dict[str, Any]:
        metric_type, resource_type, aligner, reducer = query
        aggregation: dict[str, Any] = {
            "alignment_period": timedelta(seconds=DAY),
            "per_series_aligner": aligner,  # enums by name
        }
        if reducer != "REDUCE_NONE":
            aggregation["cross_series_reducer"] = reducer
            # the form of Google's samples: `resource.zone` for the resource label zone
            aggregation["group_by_fields"] = list(MONITORED[resource_type][0])
        return {
            "name": f"projects/{project}",
            "filter": f'metric.type = "{metric_type}" AND resource.type = "{resource_type}"'
            f' AND resource.labels.project_id = "{project}"',
            "interval": {"start_time": self.start, "end_time": self.end},
            "aggregation": aggregation,
            "view": monitoring_v3.ListTimeSeriesRequest.TimeSeriesView.FULL,
            "page_size": _PAGE_SIZE,
        }

    def _query(self, project: str, query: tuple[str, str, str, str]) -> bool:
        """Read one query's series into the index; False when the project refused it."""
        labels, name_of = MONITORED[query[1]]
        into = self._series.setdefault(query, {})
        self.queries += 1
        calls = 0
        try:
            pager = self.client.list_time_series(
                request=self._request(project, query), retry=self.retry
            )
            for page in pager.pages:
                calls += 1
                for series in page.time_series:
                    found = {f"resource.{k}": v for k, v in series.resource.labels.items()}
                    found.update({f"metric.{k}": v for k, v in series.metric.labels.items()})
                    if not all(label in found for label in labels):
                        continue
                    daily = into.setdefault(name_of(found), {})
                    for point in series.points:
                        value = _value(point)
                        if value is not None:
                            day = int(point.interval.end_time.timestamp())
                            daily[day] = daily.get(day, 0.0) + value
        except API_ERRORS as exc:
            self.api_calls += calls + 1
            code = self._record(project, query[0], exc)
            return code not in _PROJECT_REFUSED
        self.api_calls += calls
        self._read.add((project, query))
        logger.info("%s: %s: %d pages", project, query[0], calls)
        return True

    def _record(self, project: str, metric_type: str, exc: BaseException) -> str:
        code, message = error_details(exc)
        logger.warning("%s: timeSeries.list %s failed: %s %s", project, metric_type, code, message)
        self.errors.append(
            CollectionError(
                provider="gcp",
                account=project,
                region="global",
                service="monitoring",
                operation=f"timeSeries.list({metric_type})",
                code=code,
                message=message,
            )
        )
        return code
