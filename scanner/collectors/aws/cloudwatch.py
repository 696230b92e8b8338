"""CloudWatch metric alarms: what they watch and whether they notify anyone.

Together with the log groups' metric filters (the `logs` service) they show whether
the CIS monitoring controls (a filter on the trail's log group, an alarm on its metric,
an SNS action) are in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.normalise import iso
from scanner.model import Resource

__all__ = ["collect", "fetch", "to_resources"]


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw metric alarms of the region."""
    cloudwatch = ctx.client("cloudwatch")
    return {"alarms": ctx.paginate(cloudwatch, "describe_alarms", "MetricAlarms")}


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.cloudwatch.alarm per metric alarm."""
    out = []
    for alarm in raw.get("alarms") or []:
        attributes = {
            "metric_name": alarm.get("MetricName"),
            "namespace": alarm.get("Namespace"),
            "actions_enabled": alarm.get("ActionsEnabled"),
            "alarm_actions": list(alarm.get("AlarmActions") or []),
            "state": alarm.get("StateValue"),
            "comparison": alarm.get("ComparisonOperator"),
            "threshold": alarm.get("Threshold"),
            "updated_at": iso(alarm.get("AlarmConfigurationUpdatedTimestamp")),
        }
        out.append(
            scope.resource(
                str(
                    alarm.get("AlarmArn") or scope.arn("cloudwatch", f"alarm:{alarm['AlarmName']}")
                ),
                "aws.cloudwatch.alarm",
                str(alarm["AlarmName"]),
                attributes,
                raw=alarm,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's metric alarms."""
    return to_resources(fetch(ctx), ctx.scope)
