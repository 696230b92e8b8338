"""Usage metrics from CloudWatch: what is read per type, batched GetMetricData, daily summaries.

`METRICS` is the one table of the metrics pscan reads (docs/capacity.md shows it; a test
keeps the two equal): per resource type, the usage name, the CloudWatch namespace,
metric and statistic, read with `DIMENSIONS[type]` built from the resource. After each
service run the orchestrator calls `add_usage`: without `--metrics` every resource of a
type in the table gets `usage: null`; with it, one query per resource and metric asks for
daily values (Period 86,400 s) over the window (`--metrics-days`, whole UTC days ending
at today's midnight), and `usage` maps each metric to `summarise` of those values.

`daily_values` is the one way to call GetMetricData: queries are sent 500 to a call (the
API's maximum), pages are followed with NextToken, and queries and calls are counted on
the run's `MetricsCounter` (the manifest's `metrics`). GetMetricData is billed per metric
requested, so a failure (AccessDenied, throttling after retries) is recorded once and
the run's remaining queries are not sent; their resources keep `usage: null`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from scanner.collectors.aws.context import ServiceContext, expected_errors
from scanner.collectors.usage import summarise
from scanner.model import Resource

__all__ = [
    "BATCH",
    "DIMENSIONS",
    "METRICS",
    "MetricSpec",
    "Query",
    "add_usage",
    "daily_values",
    "window",
]

BATCH = 500  # MetricDataQueries per GetMetricData call: the API's maximum
DAY = 86_400


@dataclass(frozen=True)
class MetricSpec:
    """One usage metric of a type: its name in `usage` and the CloudWatch series behind it."""

    name: str
    namespace: str
    metric: str
    stat: str
    per_second: bool = False  # a daily Sum divided by 86,400 (DynamoDB consumed units)
    when: Callable[[Resource], bool] | None = None  # only for resources it is true for


@dataclass(frozen=True)
class Query:
    """One CloudWatch series at one statistic."""

    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    stat: str


def _is_burstable(resource: Resource) -> bool:
    return str(resource.attributes.get("instance_type") or "").startswith("t")


def _spec(name: str, namespace: str, metric: str, stat: str, **kwargs: Any) -> MetricSpec:
    return MetricSpec(name, namespace, metric, stat, **kwargs)


_EC2, _EBS, _RDS, _DDB = "AWS/EC2", "AWS/EBS", "AWS/RDS", "AWS/DynamoDB"
_LAMBDA, _ALB, _ECS, _SQS = "AWS/Lambda", "AWS/ApplicationELB", "AWS/ECS", "AWS/SQS"

# type -> the usage metrics of its resources (docs/capacity.md, "AWS metrics").
METRICS: dict[str, tuple[MetricSpec, ...]] = {
    "aws.ec2.instance": (
        _spec("cpu_percent", _EC2, "CPUUtilization", "Average"),
        _spec("network_in_bytes", _EC2, "NetworkIn", "Sum"),
        _spec("network_out_bytes", _EC2, "NetworkOut", "Sum"),
        _spec("cpu_credit_balance", _EC2, "CPUCreditBalance", "Minimum", when=_is_burstable),
    ),
    "aws.autoscaling.group": (_spec("cpu_percent", _EC2, "CPUUtilization", "Average"),),
    "aws.ec2.volume": (
        _spec("burst_balance_percent", _EBS, "BurstBalance", "Minimum"),
        _spec("read_ops", _EBS, "VolumeReadOps", "Sum"),
        _spec("write_ops", _EBS, "VolumeWriteOps", "Sum"),
    ),
    "aws.rds.instance": (
        _spec("cpu_percent", _RDS, "CPUUtilization", "Average"),
        _spec("free_storage_bytes", _RDS, "FreeStorageSpace", "Minimum"),
        _spec("connections", _RDS, "DatabaseConnections", "Maximum"),
        _spec("read_iops", _RDS, "ReadIOPS", "Average"),
        _spec("write_iops", _RDS, "WriteIOPS", "Average"),
        _spec("freeable_memory_bytes", _RDS, "FreeableMemory", "Minimum"),
    ),
    "aws.rds.cluster": (
        _spec("cpu_percent", _RDS, "CPUUtilization", "Average"),
        _spec("connections", _RDS, "DatabaseConnections", "Maximum"),
    ),
    "aws.dynamodb.table": (
        _spec("consumed_read_units", _DDB, "ConsumedReadCapacityUnits", "Sum", per_second=True),
        _spec("consumed_write_units", _DDB, "ConsumedWriteCapacityUnits", "Sum", per_second=True),
        _spec("read_throttle_events", _DDB, "ReadThrottleEvents", "Sum"),
        _spec("write_throttle_events", _DDB, "WriteThrottleEvents", "Sum"),
    ),
    "aws.lambda.function": (
        _spec("concurrent_executions", _LAMBDA, "ConcurrentExecutions", "Maximum"),
        _spec("invocations", _LAMBDA, "Invocations", "Sum"),
        _spec("throttles", _LAMBDA, "Throttles", "Sum"),
        _spec("errors", _LAMBDA, "Errors", "Sum"),
        _spec("duration_ms", _LAMBDA, "Duration", "Maximum"),
    ),
    "aws.elbv2.load_balancer": (
        _spec("request_count", _ALB, "RequestCount", "Sum"),
        _spec("elb_5xx_count", _ALB, "HTTPCode_ELB_5XX_Count", "Sum"),
        _spec("target_5xx_count", _ALB, "HTTPCode_Target_5XX_Count", "Sum"),
        _spec("target_response_time_s", _ALB, "TargetResponseTime", "Average"),
    ),
    "aws.ecs.service": (
        _spec("cpu_percent", _ECS, "CPUUtilization", "Average"),
        _spec("memory_percent", _ECS, "MemoryUtilization", "Average"),
    ),
    "aws.sqs.queue": (
        _spec("oldest_message_age_s", _SQS, "ApproximateAgeOfOldestMessage", "Maximum"),
        _spec("messages_visible", _SQS, "ApproximateNumberOfMessagesVisible", "Maximum"),
    ),
}


def _after(text: str, marker: str) -> str | None:
    return text.split(marker, 1)[1] if marker in text else None


def _load_balancer(resource: Resource) -> dict[str, str] | None:
    # AWS/ApplicationELB names a balancer by the tail of its ARN: app/<name>/<id>
    if resource.attributes.get("lb_type") != "application":
        return None
    tail = _after(resource.id, ":loadbalancer/")
    return {"LoadBalancer": tail} if tail else None


def _ecs_service(resource: Resource) -> dict[str, str] | None:
    clusters = [r.target for r in resource.relations if r.type == "member_of"]
    cluster = _after(clusters[0], ":cluster/") if clusters else None
    return {"ClusterName": cluster, "ServiceName": resource.name} if cluster else None


def _by_id_tail(key: str) -> Callable[[Resource], dict[str, str] | None]:
    return lambda r: {key: r.id.rsplit("/", 1)[-1]}


def _by_name(key: str) -> Callable[[Resource], dict[str, str] | None]:
    return lambda r: {key: r.name}


# type -> the CloudWatch dimensions of a resource; None when it has no such metrics
# (network and gateway load balancers publish under other namespaces).
DIMENSIONS: dict[str, Callable[[Resource], dict[str, str] | None]] = {
    "aws.ec2.instance": _by_id_tail("InstanceId"),
    "aws.autoscaling.group": _by_name("AutoScalingGroupName"),
    "aws.ec2.volume": _by_id_tail("VolumeId"),
    "aws.rds.instance": _by_name("DBInstanceIdentifier"),
    "aws.rds.cluster": _by_name("DBClusterIdentifier"),
    "aws.dynamodb.table": _by_name("TableName"),
    "aws.lambda.function": _by_name("FunctionName"),
    "aws.elbv2.load_balancer": _load_balancer,
    "aws.ecs.service": _ecs_service,
    "aws.sqs.queue": _by_name("QueueName"),
}


def window(days: int, now: datetime | None = None) -> tuple[datetime, datetime]:
    """(start, end) of the metrics window: `days` whole UTC days ending at today's midnight."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    end = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return end - timedelta(days=days), end


def _request(query: Query, qid: str) -> dict[str, Any]:
    return {
        "Id": qid,
        "MetricStat": {
            "Metric": {
                "Namespace": query.namespace,
                "MetricName": query.metric,
                "Dimensions": [{"Name": k, "Value": v} for k, v in query.dimensions],
            },
            "Period": DAY,
            "Stat": query.stat,
        },
        "ReturnData": True,
    }


def _batch(
    ctx: ServiceContext, client: Any, queries: Sequence[Query], start: datetime, end: datetime
) -> list[list[tuple[datetime, float]]]:
    """One batch (at most BATCH queries) over every page; raises what the API raises."""
    assert ctx.metrics is not None
    points: dict[str, dict[datetime, float]] = {f"q{i}": {} for i in range(len(queries))}
    kwargs: dict[str, Any] = {
        "MetricDataQueries": [_request(q, f"q{i}") for i, q in enumerate(queries)],
        "StartTime": start,
        "EndTime": end,
        "ScanBy": "TimestampAscending",
    }
    ctx.metrics.add(queries=len(queries))
    while True:
        ctx.metrics.add(api_calls=1)
        page = client.get_metric_data(**kwargs)
        for result in page.get("MetricDataResults") or []:
            series = points.setdefault(str(result.get("Id")), {})
            series.update(
                zip(result.get("Timestamps") or [], result.get("Values") or [], strict=True)
            )
        token = page.get("NextToken")
        if not token:
            break
        kwargs["NextToken"] = token
    return [sorted(points[f"q{i}"].items()) for i in range(len(queries))]


def daily_values(
    ctx: ServiceContext, queries: Sequence[Query]
) -> list[list[tuple[datetime, float]] | None]:
    """Each query's (day, value) pairs, oldest first; None for queries that were not answered.

    Needs metrics on (`ctx.metrics`). Errors are recorded on `ctx`; after the first, the
    remaining batches are not sent.
    """
    assert ctx.metrics is not None, "daily_values needs --metrics"
    out: list[list[tuple[datetime, float]] | None] = [None] * len(queries)
    if not queries:
        return out
    client = ctx.client("cloudwatch")
    start, end = window(ctx.clients.options.metrics_days)
    for offset in range(0, len(queries), BATCH):
        chunk = queries[offset : offset + BATCH]
        answered: list[list[tuple[datetime, float]]] | None = None
        with expected_errors(ctx, "GetMetricData"):
            answered = _batch(ctx, client, chunk, start, end)
        if answered is None:
            break
        out[offset : offset + len(chunk)] = answered
    return out


def _plan(resources: Iterable[Resource]) -> list[tuple[Resource, MetricSpec, Query]]:
    plan = []
    for resource in resources:
        specs = METRICS.get(resource.type)
        if specs is None:
            continue
        dimensions = DIMENSIONS[resource.type](resource)
        resource.attributes["usage"] = None if dimensions is None else {}
        if dimensions is None:
            continue
        dims = tuple(dimensions.items())
        plan += [
            (resource, s, Query(s.namespace, s.metric, dims, s.stat))
            for s in specs
            if s.when is None or s.when(resource)
        ]
    return plan


def add_usage(ctx: ServiceContext, resources: list[Resource]) -> None:
    """Set `usage` on every resource of a type in METRICS (null unless metrics are on)."""
    if ctx.metrics is None:
        for resource in resources:
            if resource.type in METRICS:
                resource.attributes["usage"] = None
        return
    plan = _plan(resources)
    if not plan:
        return
    series = daily_values(ctx, [query for _, _, query in plan])
    unanswered: set[str] = set()
    for (resource, spec, _), values in zip(plan, series, strict=True):
        if values is None:
            unanswered.add(resource.id)
            continue
        daily = [v / DAY if spec.per_second else v for _, v in values]
        resource.attributes["usage"][spec.name] = summarise(daily)
    for resource in resources:
        if resource.id in unanswered:
            resource.attributes["usage"] = None  # unknown, not "no usage"
