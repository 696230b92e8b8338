"""CloudWatch Logs log groups: retention, encryption, size, and their metric filters.

Metric filters are attached to the log group they read (`metric_filters`), which is
what CIS monitoring controls look for (a filter on the CloudTrail log group plus an
alarm on its metric; alarms come from the `cloudwatch` service).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.normalise import encrypted_by
from scanner.model import Relation, Resource

__all__ = ["collect", "fetch", "log_group_arn", "to_resources"]


def log_group_arn(scope: Scope, name: str) -> str:
    """The ARN of a log group, without the `:*` DescribeLogGroups appends."""
    return scope.arn("logs", f"log-group:{name}")


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw log groups and metric filters of the region."""
    logs = ctx.client("logs")
    groups = ctx.paginate(logs, "describe_log_groups", "logGroups")
    filters = ctx.attempt(ctx.paginate, logs, "describe_metric_filters", "metricFilters")
    return {"log_groups": groups, "metric_filters": filters}


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.logs.log_group per log group."""
    filters: dict[str, list[dict[str, Any]]] = {}
    known_filters = raw.get("metric_filters") is not None
    for f in raw.get("metric_filters") or []:
        transformations = f.get("metricTransformations") or []
        filters.setdefault(str(f.get("logGroupName")), []).append(
            {
                "name": f.get("filterName"),
                "pattern": f.get("filterPattern"),
                "metrics": [
                    {"name": t.get("metricName"), "namespace": t.get("metricNamespace")}
                    for t in transformations
                ],
            }
        )
    out = []
    for group in raw.get("log_groups") or []:
        name = str(group["logGroupName"])
        key = scope.kms_key_arn(group.get("kmsKeyId"))
        relations: list[Relation] = encrypted_by(key)
        attributes = {
            "retention_days": group.get("retentionInDays"),
            "kms_key_id": key,
            "stored_bytes": group.get("storedBytes"),
            "metric_filters": filters.get(name, []) if known_filters else None,
        }
        out.append(
            scope.resource(
                log_group_arn(scope, name),
                "aws.logs.log_group",
                name,
                attributes,
                relations,
                raw=group,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's log groups."""
    return to_resources(fetch(ctx), ctx.scope)
