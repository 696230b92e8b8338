"""scanner.engine.monitoring: CIS metric filters and log-based alerts, three-valued."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from scanner.engine import Hit, Pass, RuleSet, Undecided, build_document, evaluate, load_rules
from scanner.engine.monitoring import (
    AWS_ALARMS,
    GCP_ALERTS,
    aws_alarm_verdict,
    gcp_alert_verdict,
    normalise_filter,
    pattern_covers,
)
from scanner.graph import ResourceGraph
from scanner.model import UNKNOWN
from tests.engine.conftest import monitoring_estate

NOW = datetime(2026, 11, 1, tzinfo=UTC)
ROOT = (
    '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS'
    ' && $.eventType != "AwsServiceEvent" }'
)
AWS_TYPES = ["aws.account", "aws.cloudtrail.trail", "aws.logs.log_group", "aws.cloudwatch.alarm"]
GOOD = [{"name": "root", "pattern": ROOT, "metrics": [{"name": "root", "namespace": "CIS"}]}]
TOPIC = ["arn:aws:sns:eu-west-1:1:t"]


@pytest.fixture(scope="module")
def builtin() -> RuleSet:
    return load_rules()


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


def _aws(filters: Any, **kwargs: Any) -> ResourceGraph:
    return ResourceGraph.build(monitoring_estate(filters, **kwargs), AWS_TYPES)


def test_aws_alarm_verdicts() -> None:
    assert aws_alarm_verdict(_aws(GOOD, alarm_actions=TOPIC), "acct", "root_usage") == Pass("acct")
    gap = aws_alarm_verdict(_aws(GOOD, alarm_actions=[]), "acct", "root_usage")
    assert isinstance(gap, Hit) and "no alarm" in gap.evidence["reason"]
    assert aws_alarm_verdict(_aws([]), "acct", "root_usage") == Hit(
        resource_id="acct",
        evidence={"reason": "no metric filter on ct matches use of the root user"},
    )


@pytest.mark.parametrize(
    ("graph", "reason"),
    [
        (_aws(None), "metric filters of log group ct were not collected"),
        (_aws(UNKNOWN), "metric filters of log group ct are known only after apply"),
        (
            ResourceGraph.build(monitoring_estate(GOOD)[:2], AWS_TYPES),
            "log group ct of trail main was not collected",
        ),
        (
            _aws(GOOD, alarm_actions=TOPIC, is_logging=None),
            "whether trail main is logging was not collected",
        ),
        (
            _aws(GOOD, alarm_actions=TOPIC, cloudwatch_logs_group_arn=UNKNOWN),
            "the log group of trail main is known only after apply",
        ),
    ],
)
def test_aws_alarm_is_undecided_when_a_link_was_not_seen(graph: ResourceGraph, reason: str) -> None:
    assert aws_alarm_verdict(graph, "acct", "root_usage") == Undecided("acct", reason)


def test_aws_alarm_fails_without_a_multi_region_trail() -> None:
    graph = ResourceGraph.build(
        [{"id": "acct", "type": "aws.account", "account": "1"}], ["aws.account"]
    )
    assert aws_alarm_verdict(graph, "acct", "vpc_changes") == Hit(
        resource_id="acct",
        evidence={
            "reason": "no active multi-region CloudTrail trail records its management events"
        },
    )
    single = _aws(GOOD, alarm_actions=TOPIC, is_multi_region=False)
    assert isinstance(aws_alarm_verdict(single, "acct", "root_usage"), Hit)


def test_account_without_collected_metric_filters_is_not_judged_for_cis_aws_4(
    builtin: RuleSet,
) -> None:
    """The issue's case: filters not collected used to pass every CIS AWS 4.x control."""
    alarm_rules = [r for r in builtin.rules.values() if r.spec.check == "monitoring.aws_alarm"]
    assert len(alarm_rules) == len(AWS_ALARMS)
    ruleset = builtin.select(ids=[r.id for r in alarm_rules])
    outcome = evaluate(ruleset, monitoring_estate(None, alarm_actions=TOPIC), now=NOW)
    assert outcome.findings == []
    for rule in alarm_rules:
        stats = outcome.stats[rule.id]
        assert (stats.evaluated, stats.failed, stats.undecided) == (0, 0, 1)
        assert stats.undecided_examples[0].reason == (
            "metric filters of log group ct were not collected"
        )
    doc = build_document(outcome, ruleset, frameworks=["cis-aws-foundations-3.0"])
    section4 = [c for c in doc.frameworks[0].controls if set(c.rules) & {r.id for r in alarm_rules}]
    assert len(section4) >= 14
    assert {c.status for c in section4} == {"not_judged"}
    assert all(c.undecided == 1 and c.undecided_examples for c in section4)


def _gcp(metric: dict[str, Any], policy: dict[str, Any]) -> ResourceGraph:
    return ResourceGraph.build(
        [
            {"id": "p", "type": "gcp.resourcemanager.project", "account": "acme"},
            {
                "id": "m",
                "type": "gcp.logging.metric",
                "name": "sql-changes",
                "account": "acme",
                "attributes": metric,
            },
            {
                "id": "a",
                "type": "gcp.monitoring.alert_policy",
                "name": "sql",
                "account": "acme",
                "attributes": policy,
            },
        ],
        ["gcp.resourcemanager.project", "gcp.logging.metric", "gcp.monitoring.alert_policy"],
    )


SQL_FILTER = 'protoPayload.methodName="cloudsql.instances.update"'
SQL_CONDITION = ['metric.type="logging.googleapis.com/user/sql-changes"']


@pytest.mark.parametrize(
    ("metric", "policy", "expected"),
    [
        ({"filter": SQL_FILTER}, {"enabled": True, "condition_filters": SQL_CONDITION}, Pass("p")),
        (
            {"filter": SQL_FILTER},
            {"enabled": False, "condition_filters": SQL_CONDITION},
            Hit(
                resource_id="p",
                evidence={"reason": "log-based metric sql-changes has no enabled alert policy"},
            ),
        ),
        (
            {"filter": None},
            {"enabled": True, "condition_filters": SQL_CONDITION},
            Undecided("p", "the filter of log-based metric sql-changes was not collected"),
        ),
        (
            {"filter": SQL_FILTER},
            {"enabled": True, "condition_filters": UNKNOWN},
            Undecided("p", "the conditions of alert policy sql are known only after apply"),
        ),
    ],
)
def test_gcp_alert_verdicts(
    metric: dict[str, Any], policy: dict[str, Any], expected: Hit | Pass | Undecided
) -> None:
    assert gcp_alert_verdict(_gcp(metric, policy), "p", "sql_config_changes") == expected


def test_every_monitoring_rule_names_a_known_alert_and_its_remediation_covers_it(
    builtin: RuleSet,
) -> None:
    """The 23 CIS rules are YAML naming a shared check; their fix text is the real filter."""
    tables = {"monitoring.aws_alarm": AWS_ALARMS, "monitoring.gcp_alert": GCP_ALERTS}
    seen: dict[str, set[str]] = {name: set() for name in tables}
    for rule in builtin.rules.values():
        if rule.spec.check not in tables:
            continue
        assert rule.spec.path is not None and not rule.spec.path.with_suffix(".py").exists()
        spec = tables[rule.spec.check][rule.spec.params["alert"]]
        seen[rule.spec.check].add(rule.spec.params["alert"])
        fix = rule.spec.remediation
        assert pattern_covers(fix.cli, spec), rule.id
        assert pattern_covers(fix.terraform.replace('\\"', '"'), spec), rule.id
        ids = {str(r["id"]) for case in rule.cases for r in case.resources}
        assert {
            i.split("-", 1)[0] for i in ids if i.startswith(("pass-", "fail-", "undecided-"))
        } == {
            "pass",
            "fail",
            "undecided",
        }, rule.id
    assert seen == {name: set(table) for name, table in tables.items()}


def _rule_of(builtin: RuleSet, check: str, alert: str) -> RuleSet:
    ids = [
        r.id
        for r in builtin.rules.values()
        if r.spec.check == check and (r.spec.params or {}).get("alert") == alert
    ]
    assert len(ids) == 1
    return builtin.select(ids=ids)


def test_each_account_and_project_is_judged_by_its_own_trails_and_metrics(
    builtin: RuleSet,
) -> None:
    """The trails, alarms and metrics are read once per rule run, for every account."""
    aws = monitoring_estate(GOOD, alarm_actions=TOPIC)
    aws.append({"id": "acct-2", "type": "aws.account", "provider": "aws", "account": "2"})
    outcome = evaluate(_rule_of(builtin, "monitoring.aws_alarm", "root_usage"), aws, now=NOW)
    assert [f.resource.id for f in outcome.findings] == ["acct-2"]  # account 1's trail only
    assert next(iter(outcome.stats.values())).evaluated == 2

    gcp: list[dict[str, Any]] = [
        {"id": n, "type": "gcp.resourcemanager.project", "provider": "gcp", "account": n}
        for n in ("acme", "other")
    ]
    gcp += [
        {
            "id": "m",
            "type": "gcp.logging.metric",
            "provider": "gcp",
            "name": "sql-changes",
            "account": "acme",
            "attributes": {"filter": SQL_FILTER},
        },
        {
            "id": "a",
            "type": "gcp.monitoring.alert_policy",
            "provider": "gcp",
            "name": "sql",
            "account": "acme",
            "attributes": {"enabled": True, "condition_filters": SQL_CONDITION},
        },
    ]
    outcome = evaluate(
        _rule_of(builtin, "monitoring.gcp_alert", "sql_config_changes"), gcp, now=NOW
    )
    assert [f.resource.id for f in outcome.findings] == ["other"]
    assert next(iter(outcome.stats.values())).evaluated == 2
