"""scanner.engine.monitoring: CIS metric filters and log-based alerts."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.engine.monitoring import (
    AWS_ALARMS,
    GCP_ALERTS,
    aws_alarm_gap,
    gcp_alert_gap,
    normalise_filter,
    pattern_covers,
)
from scanner.graph import ResourceGraph

ROOT = (
    '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS'
    ' && $.eventType != "AwsServiceEvent" }'
)


def test_normalise_filter() -> None:
    assert normalise_filter(' { $.eventName = "X" } ') == "{$.eventname=x}"
    assert normalise_filter(None) == ""


def test_pattern_covers_ignores_spacing_quotes_and_order() -> None:
    spec = AWS_ALARMS["cloudtrail_changes"]
    pattern = (
        "{($.eventName=StopLogging)||($.eventName = 'StartLogging')||($.eventName=DeleteTrail)"
        '||($.eventName="UpdateTrail")||($.eventName=CreateTrail)}'
    )
    assert pattern_covers(pattern, spec)
    assert not pattern_covers("{($.eventName=StopLogging)}", spec)
    assert not pattern_covers("", spec)
    assert pattern_covers(ROOT, AWS_ALARMS["root_usage"])


def test_gcp_filter_accepts_has_operator_for_method_names() -> None:
    spec = GCP_ALERTS["audit_config_changes"]
    assert pattern_covers(
        'protoPayload.methodName="SetIamPolicy" AND '
        "protoPayload.serviceData.policyDelta.auditConfigDeltas:*",
        spec,
    )
    assert pattern_covers(
        'protoPayload.methodName:"cloudsql.instances.update"', GCP_ALERTS["sql_config_changes"]
    )


def _aws(filters: Any, *, alarm_actions: list[str] | None = None) -> ResourceGraph:
    resources: list[dict[str, Any]] = [
        {"id": "acct", "type": "aws.account", "account": "1", "region": "global"},
        {
            "id": "trail",
            "type": "aws.cloudtrail.trail",
            "name": "main",
            "account": "1",
            "region": "eu-west-1",
            "attributes": {
                "is_multi_region": True,
                "is_logging": True,
                "cloudwatch_logs_group_arn": "arn:aws:logs:eu-west-1:1:log-group:ct:*",
            },
        },
        {
            "id": "arn:aws:logs:eu-west-1:1:log-group:ct",
            "type": "aws.logs.log_group",
            "name": "ct",
            "account": "1",
            "region": "eu-west-1",
            "attributes": {"metric_filters": filters},
        },
    ]
    if alarm_actions is not None:
        resources.append(
            {
                "id": "alarm",
                "type": "aws.cloudwatch.alarm",
                "account": "1",
                "region": "eu-west-1",
                "attributes": {"metric_name": "root", "alarm_actions": alarm_actions},
            }
        )
    keep = ["aws.account", "aws.cloudtrail.trail", "aws.logs.log_group", "aws.cloudwatch.alarm"]
    return ResourceGraph.build(resources, keep)


def test_aws_alarm_gap() -> None:
    good = [{"name": "root", "pattern": ROOT, "metrics": [{"name": "root", "namespace": "CIS"}]}]
    assert (
        aws_alarm_gap(_aws(good, alarm_actions=["arn:aws:sns:eu-west-1:1:t"]), "acct", "root_usage")
        is None
    )
    gap = aws_alarm_gap(_aws(good, alarm_actions=[]), "acct", "root_usage")
    assert gap is not None and "no alarm" in gap
    assert aws_alarm_gap(_aws([]), "acct", "root_usage") == (
        "no metric filter on ct matches use of the root user"
    )
    assert aws_alarm_gap(_aws(None), "acct", "root_usage") is None  # not collected: undecided


def test_aws_alarm_gap_without_a_multi_region_trail() -> None:
    graph = ResourceGraph.build(
        [{"id": "acct", "type": "aws.account", "account": "1"}], ["aws.account"]
    )
    assert aws_alarm_gap(graph, "acct", "vpc_changes") == (
        "no active multi-region CloudTrail trail records its management events"
    )


@pytest.mark.parametrize("enabled", [True, False])
def test_gcp_alert_gap(enabled: bool) -> None:
    graph = ResourceGraph.build(
        [
            {"id": "p", "type": "gcp.resourcemanager.project", "account": "acme"},
            {
                "id": "m",
                "type": "gcp.logging.metric",
                "name": "sql-changes",
                "account": "acme",
                "attributes": {"filter": 'protoPayload.methodName="cloudsql.instances.update"'},
            },
            {
                "id": "a",
                "type": "gcp.monitoring.alert_policy",
                "account": "acme",
                "attributes": {
                    "enabled": enabled,
                    "condition_filters": ['metric.type="logging.googleapis.com/user/sql-changes"'],
                },
            },
        ],
        ["gcp.resourcemanager.project", "gcp.logging.metric", "gcp.monitoring.alert_policy"],
    )
    gap = gcp_alert_gap(graph, "p", "sql_config_changes")
    assert (gap is None) is enabled
