"""Log-based alerting the CIS benchmarks ask for: metric filters (AWS) and log metrics (GCP).

CIS AWS Foundations section 4 and CIS GCP Foundations 2.4-2.11 each ask for the same
shape of control: a filter over the audit log that catches one kind of change, a metric
fed by it, and an alarm (alert policy) on that metric that notifies someone. One Python
graph rule per control calls into this module, so the reading of filters lives here once:

- AWS (`aws_alarm_gap`): an active multi-region trail that records management events
  sends them to a CloudWatch Logs group; a metric filter on that group has a pattern
  covering every term the control lists; a CloudWatch alarm in the same account and
  region watches the filter's metric and has an alarm action.
- GCP (`gcp_alert_gap`): an enabled log-based metric in the project has a filter covering
  every term; an enabled alert policy in the project has a condition on that metric
  (`metric.type="logging.googleapis.com/user/NAME"`).

Patterns are compared after removing white space, quotes and case, so spacing, quoting
and operand order do not matter; each required term must appear. A term list is what
the benchmark's recommended filter tests (event names, services, method names). A
verdict that depends on data the snapshot does not hold (a log group that was not
collected, metric filters null) is undecided: the gap functions then return None.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.graph import ResourceGraph

__all__ = [
    "AWS_ALARMS",
    "AWS_MONITORING_TYPES",
    "GCP_ALERTS",
    "GCP_MONITORING_TYPES",
    "AlertSpec",
    "aws_alarm_gap",
    "gcp_alert_gap",
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


# ------------------------------------------------------------------------------ AWS
def _qualifying_trails(graph: ResourceGraph, account: str) -> list[str]:
    out = []
    for trail in graph.nodes_of_type(["aws.cloudtrail.trail"]):
        node = graph.node(trail)
        attrs = _attrs(graph, trail)
        if node.get("account") != account and attrs.get("is_organization_trail") is not True:
            continue
        if (
            attrs.get("is_multi_region") is True
            and attrs.get("is_logging") is not False
            and attrs.get("include_management_events") is not False
        ):
            out.append(trail)
    return out


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
        attrs = _attrs(graph, alarm)
        if attrs.get("actions_enabled") is False or not attrs.get("alarm_actions"):
            continue
        key = (str(node.get("account")), str(node.get("region")), str(attrs.get("metric_name")))
        index[key].append(alarm)
    return index


def aws_alarm_gap(graph: ResourceGraph, account_node: str, control: str) -> str | None:
    """Why the account lacks the control's metric filter and alarm; None when it has them
    or when the snapshot cannot tell (log group or its metric filters not collected)."""
    spec = AWS_ALARMS[control]
    account = str(graph.node(account_node).get("account"))
    trails = _qualifying_trails(graph, account)
    if not trails:
        return "no active multi-region CloudTrail trail records its management events"
    with_logs = [t for t in trails if _attrs(graph, t).get("cloudwatch_logs_group_arn")]
    if not with_logs:
        names = ", ".join(sorted(str(graph.node(t).get("name")) for t in trails))
        return f"trail {names} sends no events to CloudWatch Logs"
    alarms = _alarm_index(graph)
    undecided = False
    reasons: list[str] = []
    for trail in with_logs:
        groups = _log_groups_of(graph, trail)
        if not groups:
            undecided = True  # the trail's log group is not in the snapshot
            continue
        for group in groups:
            filters = _attrs(graph, group).get("metric_filters")
            if filters is None:
                undecided = True
                continue
            matching = [
                f
                for f in filters
                if isinstance(f, Mapping) and pattern_covers(f.get("pattern"), spec)
            ]
            group_name = graph.node(group).get("name") or group
            if not matching:
                reasons.append(f"no metric filter on {group_name} matches {spec.title}")
                continue
            node = graph.node(group)
            for metric_filter in matching:
                for metric in metric_filter.get("metrics") or []:
                    key = (
                        str(node.get("account")),
                        str(node.get("region")),
                        str(metric.get("name")),
                    )
                    if alarms.get(key):
                        return None
            names = ", ".join(str(f.get("name")) for f in matching)
            reasons.append(f"metric filter {names} on {group_name} has no alarm with an action")
    if undecided:  # some log group could not be judged: it may hold the alarm
        return None
    return "; ".join(reasons)


# ------------------------------------------------------------------------------ GCP
def _metric_names(graph: ResourceGraph, metric: str) -> list[str]:
    attrs = _attrs(graph, metric)
    names = [str(graph.node(metric).get("name") or "")]
    metric_type = str(attrs.get("metric_type") or "")
    if metric_type:
        names.append(metric_type.rsplit("/", 1)[-1])
    return [n.lower() for n in names if n]


def gcp_alert_gap(graph: ResourceGraph, project_node: str, control: str) -> str | None:
    """Why the project lacks the control's log metric and alert policy, or None."""
    spec = GCP_ALERTS[control]
    project = str(graph.node(project_node).get("account"))
    metrics = [
        m
        for m in graph.nodes_of_type(["gcp.logging.metric"])
        if graph.node(m).get("account") == project
        and _attrs(graph, m).get("disabled") is not True
        and pattern_covers(_attrs(graph, m).get("filter"), spec)
    ]
    if not metrics:
        return f"no enabled log-based metric of the project covers {spec.title}"
    policies: Sequence[str] = [
        p
        for p in graph.nodes_of_type(["gcp.monitoring.alert_policy"])
        if graph.node(p).get("account") == project and _attrs(graph, p).get("enabled") is not False
    ]
    wanted = {
        f"metric.type=logging.googleapis.com/user/{name}"
        for m in metrics
        for name in _metric_names(graph, m)
    }
    for policy in policies:
        for condition in _attrs(graph, policy).get("condition_filters") or []:
            text = normalise_filter(condition)
            if any(w in text for w in wanted):
                return None
    names = ", ".join(sorted(str(graph.node(m).get("name")) for m in metrics))
    return f"log-based metric {names} has no enabled alert policy"
