"""Log-based alerting the CIS benchmarks ask for: metric filters (AWS) and log metrics (GCP).

CIS AWS Foundations section 4 and CIS GCP Foundations 2.4-2.11 each ask for the same
shape of control: a filter over the audit log that catches one kind of change, a metric
fed by it, and an alarm (alert policy) on that metric that notifies someone. Two shared
checks (`aws_alarm`, `gcp_alert`; registered in `scanner.engine.shared`) decide every
such control; each rule's YAML names the check and its control with
`params: {alert: KEY}`, a key of `AWS_ALARMS` or `GCP_ALERTS`:

- AWS (`aws_alarm_verdict`): an active multi-region trail that records management events
  sends them to a CloudWatch Logs group; a metric filter on that group has a pattern
  covering every term the control lists; a CloudWatch alarm in the same account and
  region watches the filter's metric and has an alarm action.
- GCP (`gcp_alert_verdict`): an enabled log-based metric in the project has a filter
  covering every term; an enabled alert policy in the project has a condition on that
  metric (`metric.type="logging.googleapis.com/user/NAME"`).

Patterns are compared after removing white space, quotes and case, so spacing, quoting
and operand order do not matter; each required term must appear. A term list is what
the benchmark's recommended filter tests (event names, services, method names).

Verdicts are three-valued. One complete chain passes. A link the snapshot does not hold
(a trail's log group or its metric filters not collected, whether a trail is logging
not collected, a metric's filter or a policy's conditions unknown) makes the verdict
undecided, with the reason, unless another chain passes; a Terraform plan's
"known after apply" counts as not seen. Only a chain that is broken in what *was* seen
fails: no multi-region trail at all, a trail without CloudWatch Logs, filters that miss
a term, a metric without an alarm action. A snapshot taken without CloudTrail or
CloudWatch (e.g. `--services iam`) has no trails or alarms to show, and fails like the
CloudTrail rules fail it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, field_validator

from scanner.engine.python_rules import Hit, Pass, Undecided, Verdict, graph_rule
from scanner.graph import ResourceGraph
from scanner.model import is_unknown

if TYPE_CHECKING:
    from scanner.engine.spec import RuleSpec

__all__ = [
    "AWS_ALARMS",
    "AWS_MONITORING_TYPES",
    "GCP_ALERTS",
    "GCP_MONITORING_TYPES",
    "AlertParams",
    "AlertSpec",
    "AwsAlarmParams",
    "GcpAlertParams",
    "aws_alarm",
    "aws_alarm_verdict",
    "gcp_alert",
    "gcp_alert_verdict",
    "normalise_filter",
    "pattern_covers",
]

AWS_MONITORING_TYPES = ["aws.cloudtrail.trail", "aws.logs.log_group", "aws.cloudwatch.alarm"]
GCP_MONITORING_TYPES = ["gcp.logging.metric", "gcp.monitoring.alert_policy"]


@dataclass(frozen=True)
class AlertSpec:
    """What one control's filter must test: every term (normalised) must appear."""

    title: str
    terms: tuple[str, ...]


def _events(*names: str) -> tuple[str, ...]:
    return tuple(f"$.eventname={n}" for n in names)


# CIS AWS Foundations v3.0.0 / v5.0.0 section 4: the terms of each recommended pattern.
AWS_ALARMS: dict[str, AlertSpec] = {
    "unauthorized_api_calls": AlertSpec(
        "unauthorized API calls",
        ("$.errorcode=*unauthorizedoperation", "$.errorcode=accessdenied*"),
    ),
    "console_sign_in_without_mfa": AlertSpec(
        "console sign-in without MFA",
        ("$.eventname=consolelogin", "$.additionaleventdata.mfaused!=yes"),
    ),
    "root_usage": AlertSpec(
        "use of the root user",
        (
            "$.useridentity.type=root",
            "$.useridentity.invokedbynotexists",
            "$.eventtype!=awsserviceevent",
        ),
    ),
    "iam_policy_changes": AlertSpec(
        "IAM policy changes",
        _events(
            "deletegrouppolicy",
            "deleterolepolicy",
            "deleteuserpolicy",
            "putgrouppolicy",
            "putrolepolicy",
            "putuserpolicy",
            "createpolicy",
            "deletepolicy",
            "createpolicyversion",
            "deletepolicyversion",
            "attachrolepolicy",
            "detachrolepolicy",
            "attachuserpolicy",
            "detachuserpolicy",
            "attachgrouppolicy",
            "detachgrouppolicy",
        ),
    ),
    "cloudtrail_changes": AlertSpec(
        "CloudTrail configuration changes",
        _events("createtrail", "updatetrail", "deletetrail", "startlogging", "stoplogging"),
    ),
    "console_authentication_failures": AlertSpec(
        "console authentication failures",
        ("$.eventname=consolelogin", "$.errormessage=failedauthentication"),
    ),
    "cmk_disable_or_deletion": AlertSpec(
        "disabling or scheduled deletion of customer managed KMS keys",
        ("$.eventsource=kms.amazonaws.com", *_events("disablekey", "schedulekeydeletion")),
    ),
    "s3_bucket_policy_changes": AlertSpec(
        "S3 bucket policy changes",
        (
            "$.eventsource=s3.amazonaws.com",
            *_events(
                "putbucketacl",
                "putbucketpolicy",
                "putbucketcors",
                "putbucketlifecycle",
                "putbucketreplication",
                "deletebucketpolicy",
                "deletebucketcors",
                "deletebucketlifecycle",
                "deletebucketreplication",
            ),
        ),
    ),
    "config_changes": AlertSpec(
        "AWS Config configuration changes",
        (
            "$.eventsource=config.amazonaws.com",
            *_events(
                "stopconfigurationrecorder",
                "deletedeliverychannel",
                "putdeliverychannel",
                "putconfigurationrecorder",
            ),
        ),
    ),
    "security_group_changes": AlertSpec(
        "security group changes",
        _events(
            "authorizesecuritygroupingress",
            "authorizesecuritygroupegress",
            "revokesecuritygroupingress",
            "revokesecuritygroupegress",
            "createsecuritygroup",
            "deletesecuritygroup",
        ),
    ),
    "nacl_changes": AlertSpec(
        "network ACL changes",
        _events(
            "createnetworkacl",
            "createnetworkaclentry",
            "deletenetworkacl",
            "deletenetworkaclentry",
            "replacenetworkaclentry",
            "replacenetworkaclassociation",
        ),
    ),
    "network_gateway_changes": AlertSpec(
        "network gateway changes",
        _events(
            "createcustomergateway",
            "deletecustomergateway",
            "attachinternetgateway",
            "createinternetgateway",
            "deleteinternetgateway",
            "detachinternetgateway",
        ),
    ),
    "route_table_changes": AlertSpec(
        "route table changes",
        _events(
            "createroute",
            "createroutetable",
            "replaceroute",
            "replaceroutetableassociation",
            "deleteroutetable",
            "deleteroute",
            "disassociateroutetable",
        ),
    ),
    "vpc_changes": AlertSpec(
        "VPC changes",
        _events(
            "createvpc",
            "deletevpc",
            "modifyvpcattribute",
            "acceptvpcpeeringconnection",
            "createvpcpeeringconnection",
            "deletevpcpeeringconnection",
            "rejectvpcpeeringconnection",
            "attachclassiclinkvpc",
            "detachclassiclinkvpc",
            "disablevpcclassiclink",
            "enablevpcclassiclink",
        ),
    ),
    "organizations_changes": AlertSpec(
        "AWS Organizations changes",
        (
            "$.eventsource=organizations.amazonaws.com",
            *_events(
                "accepthandshake",
                "attachpolicy",
                "createaccount",
                "createorganizationalunit",
                "createpolicy",
                "declinehandshake",
                "deleteorganization",
                "deleteorganizationalunit",
                "deletepolicy",
                "detachpolicy",
                "disablepolicytype",
                "enablepolicytype",
                "inviteaccounttoorganization",
                "leaveorganization",
                "moveaccount",
                "removeaccountfromorganization",
                "updatepolicy",
                "updateorganizationalunit",
            ),
        ),
    ),
}

# CIS GCP Foundations v2.0.0 / v3.0.0 2.4-2.11: the terms of each recommended filter.
GCP_ALERTS: dict[str, AlertSpec] = {
    "project_ownership_changes": AlertSpec(
        "project ownership assignments and changes",
        (
            "protopayload.servicename=cloudresourcemanager.googleapis.com",
            "projectownership",
            "projectownerinvitee",
            "protopayload.servicedata.policydelta.bindingdeltas.action=remove",
            "protopayload.servicedata.policydelta.bindingdeltas.action=add",
            "protopayload.servicedata.policydelta.bindingdeltas.role=roles/owner",
        ),
    ),
    "audit_config_changes": AlertSpec(
        "audit configuration changes",
        (
            "protopayload.methodname=setiampolicy",
            "protopayload.servicedata.policydelta.auditconfigdeltas:*",
        ),
    ),
    "custom_role_changes": AlertSpec(
        "custom role changes",
        (
            "resource.type=iam_role",
            "google.iam.admin.v1.createrole",
            "google.iam.admin.v1.deleterole",
            "google.iam.admin.v1.updaterole",
        ),
    ),
    "firewall_rule_changes": AlertSpec(
        "VPC firewall rule changes",
        (
            "resource.type=gce_firewall_rule",
            "compute.firewalls.patch",
            "compute.firewalls.insert",
            "compute.firewalls.delete",
        ),
    ),
    "route_changes": AlertSpec(
        "VPC route changes",
        ("resource.type=gce_route", "compute.routes.delete", "compute.routes.insert"),
    ),
    "network_changes": AlertSpec(
        "VPC network changes",
        (
            "resource.type=gce_network",
            "compute.networks.insert",
            "compute.networks.patch",
            "compute.networks.delete",
            "compute.networks.removepeering",
            "compute.networks.addpeering",
        ),
    ),
    "storage_iam_changes": AlertSpec(
        "Cloud Storage IAM permission changes",
        ("resource.type=gcs_bucket", "protopayload.methodname=storage.setiampermissions"),
    ),
    "sql_config_changes": AlertSpec(
        "Cloud SQL instance configuration changes",
        ("protopayload.methodname=cloudsql.instances.update",),
    ),
}

_NOISE = re.compile(r"[\s\"'`]+")


def normalise_filter(text: Any) -> str:
    """A filter or pattern with white space and quotes removed, lower-cased."""
    return _NOISE.sub("", str(text or "")).lower()


def pattern_covers(pattern: Any, spec: AlertSpec) -> bool:
    """True when the filter pattern tests every term of the control."""
    text = normalise_filter(pattern)
    # GCP filters may use ":" (has) where the benchmark writes "=" for method names.
    loose = text.replace(":", "=")
    return bool(text) and all(t in text or t.replace(":", "=") in loose for t in spec.terms)


def _attrs(graph: ResourceGraph, node_id: str) -> Mapping[str, Any]:
    attrs: Mapping[str, Any] = graph.node(node_id).get("attributes") or {}
    return attrs


# ------------------------------------------------------------------------------ shared
def _unseen(value: Any, *, plural: bool = False) -> str:
    """How a value the verdict needs is missing: not collected, or a plan's unknown."""
    if is_unknown(value):
        return "are known only after apply" if plural else "is known only after apply"
    return "were not collected" if plural else "was not collected"


def _name(graph: ResourceGraph, node_id: str) -> str:
    return str(graph.field(node_id, "name") or node_id)


# ------------------------------------------------------------------------------ AWS
_TRAIL_FLAGS = (
    ("is_multi_region", "records every region"),
    ("is_logging", "is logging"),
    ("include_management_events", "records management events"),
)


def _trail_nodes(graph: ResourceGraph) -> list[tuple[str, dict[str, Any]]]:
    """Every trail of the graph with its data, unpacked once for all the accounts."""
    return [(trail, graph.node(trail)) for trail in graph.nodes_of_type(["aws.cloudtrail.trail"])]


def _trails(
    trails: list[tuple[str, dict[str, Any]]], account: str
) -> tuple[list[str], dict[str, str]]:
    """Trails of the account that qualify, and those that may: trail -> what is not known."""
    sure: list[str] = []
    maybe: dict[str, str] = {}
    for trail, node in trails:
        attrs = node.get("attributes") or {}
        if node.get("account") != account and attrs.get("is_organization_trail") is not True:
            continue
        values = [(attrs.get(key), label) for key, label in _TRAIL_FLAGS]
        if any(value is not True and not _is_missing(value) for value, _ in values):
            continue  # known not to qualify (false)
        missing = [(value, label) for value, label in values if _is_missing(value)]
        if not missing:
            sure.append(trail)
            continue
        what = " and ".join(label for _, label in missing)
        how = _unseen(next((v for v, _ in missing if is_unknown(v)), None))
        maybe[trail] = f"whether trail {node.get('name') or trail} {what} {how}"
    return sure, maybe


def _is_missing(value: Any) -> bool:
    return value is None or is_unknown(value)


def _log_groups_of(graph: ResourceGraph, trail: str) -> list[str]:
    groups = graph.neighbours(trail, "logs_to", type="aws.logs.log_group")
    arn = str(_attrs(graph, trail).get("cloudwatch_logs_group_arn") or "").removesuffix(":*")
    if arn and arn in graph and arn not in groups:
        groups.append(arn)
    return groups


def _alarm_index(graph: ResourceGraph) -> dict[tuple[str, str, str], list[str]]:
    """(account, region, metric name) -> alarms with an enabled action on it."""
    index: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for alarm in graph.nodes_of_type(["aws.cloudwatch.alarm"]):
        node = graph.node(alarm)
        attrs = node.get("attributes") or {}
        if attrs.get("actions_enabled") is False or not attrs.get("alarm_actions"):
            continue
        key = (str(node.get("account")), str(node.get("region")), str(attrs.get("metric_name")))
        index[key].append(alarm)
    return index


@dataclass
class _Chain:
    """What the walk from an account's trails to an alarm found."""

    gaps: list[str]  # links seen to be broken
    unseen: list[str]  # links the snapshot does not hold


def _group_has_alarm(
    graph: ResourceGraph,
    group: str,
    spec: AlertSpec,
    alarms: Mapping[tuple[str, str, str], list[str]],
    chain: _Chain,
) -> bool:
    """True when a filter of the group covers the control and an alarm watches its metric."""
    filters = _attrs(graph, group).get("metric_filters")
    group_name = _name(graph, group)
    if filters is None or is_unknown(filters):
        chain.unseen.append(
            f"metric filters of log group {group_name} {_unseen(filters, plural=True)}"
        )
        return False
    matching = [
        f for f in filters if isinstance(f, Mapping) and pattern_covers(f.get("pattern"), spec)
    ]
    if not matching:
        chain.gaps.append(f"no metric filter on {group_name} matches {spec.title}")
        return False
    node = graph.node(group)
    for metric_filter in matching:
        for metric in metric_filter.get("metrics") or []:
            key = (str(node.get("account")), str(node.get("region")), str(metric.get("name")))
            if alarms.get(key):
                return True
    names = ", ".join(str(f.get("name")) for f in matching)
    chain.gaps.append(f"metric filter {names} on {group_name} has no alarm with an action")
    return False


@dataclass
class _AwsMonitoring:
    """What every account's verdict reads: the trails, and the alarms by metric."""

    trails: list[tuple[str, dict[str, Any]]]
    alarms: dict[tuple[str, str, str], list[str]]

    @classmethod
    def of(cls, graph: ResourceGraph) -> _AwsMonitoring:
        return cls(trails=_trail_nodes(graph), alarms=_alarm_index(graph))


def aws_alarm_verdict(graph: ResourceGraph, account_node: str, alert: str) -> Verdict:
    """Whether the account has the metric filter and alarm of the CIS control `alert`.

    Hit (evidence `reason`) when a link of every chain is seen to be missing; Pass when one
    chain is complete; Undecided when no chain passes and a link was not collected.
    The graph's trails and alarms are read once for all the accounts and rules.
    """
    spec = AWS_ALARMS[alert]
    seen = graph.fact("monitoring.aws", lambda: _AwsMonitoring.of(graph))
    account = str(graph.field(account_node, "account"))
    sure, maybe = _trails(seen.trails, account)
    if not sure and not maybe:
        reason = "no active multi-region CloudTrail trail records its management events"
        return Hit(resource_id=account_node, evidence={"reason": reason})
    chain = _Chain(gaps=[], unseen=[])
    alarms = seen.alarms
    for trail in [*sure, *maybe]:
        arn = _attrs(graph, trail).get("cloudwatch_logs_group_arn")
        if not arn:
            chain.gaps.append(f"trail {_name(graph, trail)} sends no events to CloudWatch Logs")
            continue
        if is_unknown(arn):
            chain.unseen.append(f"the log group of trail {_name(graph, trail)} {_unseen(arn)}")
            continue
        groups = _log_groups_of(graph, trail)
        if not groups:
            group = str(arn).removesuffix(":*").rsplit(":", 1)[-1]
            chain.unseen.append(
                f"log group {group} of trail {_name(graph, trail)} was not collected"
            )
        for group in groups:
            if not _group_has_alarm(graph, group, spec, alarms, chain):
                continue
            if trail not in maybe:
                return Pass(resource_id=account_node)
            chain.unseen.append(maybe[trail])  # a complete chain on a trail that may not log
    if chain.unseen:
        return Undecided(account_node, "; ".join(dict.fromkeys(chain.unseen)))
    return Hit(resource_id=account_node, evidence={"reason": "; ".join(chain.gaps)})


class AlertParams(BaseModel):
    """`params:` of a monitoring rule: which control's alert it asks for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    alert: str


class AwsAlarmParams(AlertParams):
    """`params: {alert: KEY}` of `monitoring.aws_alarm`, KEY one of AWS_ALARMS."""

    @field_validator("alert")
    @classmethod
    def _known(cls, value: str) -> str:
        return _known_key(value, AWS_ALARMS)


class GcpAlertParams(AlertParams):
    """`params: {alert: KEY}` of `monitoring.gcp_alert`, KEY one of GCP_ALERTS."""

    @field_validator("alert")
    @classmethod
    def _known(cls, value: str) -> str:
        return _known_key(value, GCP_ALERTS)


def _known_key(value: str, table: Mapping[str, AlertSpec]) -> str:
    if value not in table:
        msg = f"unknown alert {value!r} (use one of: {', '.join(sorted(table))})"
        raise ValueError(msg)
    return value


@graph_rule
def aws_alarm(graph: ResourceGraph, spec: RuleSpec) -> Iterator[Verdict]:
    """Shared check `monitoring.aws_alarm`: one verdict per account (`params: {alert: KEY}`)."""
    alert = AwsAlarmParams.model_validate(spec.params).alert
    for account in graph.nodes_of_type(spec.resource_types):
        yield aws_alarm_verdict(graph, account, alert)


# ------------------------------------------------------------------------------ GCP
def _metric_names(graph: ResourceGraph, metric: str) -> list[str]:
    attrs = _attrs(graph, metric)
    names = [str(graph.field(metric, "name") or "")]
    metric_type = str(attrs.get("metric_type") or "")
    if metric_type:
        names.append(metric_type.rsplit("/", 1)[-1])
    return [n.lower() for n in names if n]


_GCP_MONITORING_TYPES = ("gcp.logging.metric", "gcp.monitoring.alert_policy")


def _by_project(graph: ResourceGraph) -> dict[tuple[str, str], list[str]]:
    """(type, project) -> the log-based metrics and alert policies of the project."""
    index: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rtype in _GCP_MONITORING_TYPES:
        for node in graph.nodes_of_type([rtype]):
            index[rtype, str(graph.field(node, "account"))].append(node)
    return index


def gcp_alert_verdict(graph: ResourceGraph, project_node: str, alert: str) -> Verdict:
    """Whether the project has the log metric and alert policy of the CIS control `alert`.

    Hit (evidence `reason`) when no metric covers the control or no enabled policy watches
    one; Pass when one does; Undecided when neither is sure because a metric's filter or a
    policy's conditions are not known. The metrics and policies are indexed by project
    once for all the projects and rules.
    """
    spec = GCP_ALERTS[alert]
    project = str(graph.field(project_node, "account"))
    by_project = graph.fact("monitoring.gcp", lambda: _by_project(graph))
    unseen: list[str] = []
    metrics: list[str] = []
    for metric in by_project.get(("gcp.logging.metric", project), ()):
        attrs = _attrs(graph, metric)
        if attrs.get("disabled") is True:
            continue
        text = attrs.get("filter")
        if text is None or is_unknown(text):
            unseen.append(f"the filter of log-based metric {_name(graph, metric)} {_unseen(text)}")
        elif pattern_covers(text, spec):
            metrics.append(metric)
    if not metrics:
        if unseen:
            return Undecided(project_node, "; ".join(unseen))
        reason = f"no enabled log-based metric of the project covers {spec.title}"
        return Hit(resource_id=project_node, evidence={"reason": reason})
    wanted = {
        f"metric.type=logging.googleapis.com/user/{name}"
        for m in metrics
        for name in _metric_names(graph, m)
    }
    for policy in by_project.get(("gcp.monitoring.alert_policy", project), ()):
        attrs = _attrs(graph, policy)
        if attrs.get("enabled") is False:
            continue
        conditions = attrs.get("condition_filters")
        if conditions is None or is_unknown(conditions):
            how = _unseen(conditions, plural=True)
            unseen.append(f"the conditions of alert policy {_name(graph, policy)} {how}")
            continue
        for condition in conditions:
            text = normalise_filter(condition)
            if any(w in text for w in wanted):
                return Pass(resource_id=project_node)
    if unseen:
        return Undecided(project_node, "; ".join(unseen))
    names = ", ".join(sorted(_name(graph, m) for m in metrics))
    reason = f"log-based metric {names} has no enabled alert policy"
    return Hit(resource_id=project_node, evidence={"reason": reason})


@graph_rule
def gcp_alert(graph: ResourceGraph, spec: RuleSpec) -> Iterator[Verdict]:
    """Shared check `monitoring.gcp_alert`: one verdict per project (`params: {alert: KEY}`)."""
    alert = GcpAlertParams.model_validate(spec.params).alert
    for project in graph.nodes_of_type(spec.resource_types):
        yield gcp_alert_verdict(graph, project, alert)
