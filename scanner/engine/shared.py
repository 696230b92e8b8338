"""Shared checks: one Python rule function that several YAML rules name with `check:`.

When rules differ only in a value (the CIS alarm controls differ only in the event
pattern they ask for), their logic is written once, here, and each rule's YAML names it
and gives its value:

```yaml
check: monitoring.aws_alarm
params: {alert: iam_policy_changes}
```

Registration is explicit: `SHARED_CHECKS` is a dict literal, so a reader sees every
shared check in one place and importing a module registers nothing. Each entry says
what its `params` must look like (a pydantic model, checked when the rule loads), which
resource types it judges, and what the graph must keep for it, so its rules do not
repeat `graph_types` and `graph_relations`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from scanner.catalog import TYPES
from scanner.engine import attack, capacity, grants, monitoring, standards, zones
from scanner.engine.python_rules import GraphRuleFn, ResourceRuleFn

__all__ = ["SHARED_CHECKS", "SharedCheck"]


@dataclass(frozen=True)
class SharedCheck:
    """A Python check rules can name; `fn` is tagged with @graph_rule or @resource_rule."""

    fn: GraphRuleFn | ResourceRuleFn
    params: type[BaseModel]
    resource_types: tuple[str, ...]
    summary: str
    graph_types: tuple[str, ...] = ()
    graph_relations: tuple[str, ...] | None = None  # None: the graph keeps every relation
    # With `judges`, a rule whose params make it False judges nothing: it is not run and
    # its stats stay zero (not applicable), e.g. a standards rule with no standard declared.
    judges: Callable[[Mapping[str, Any]], bool] | None = None


_QUOTA_TYPES = ("aws.servicequotas.quota", "gcp.compute.quota")
# Types with a `usage` attribute (docs/capacity.md).
_USAGE_TYPES = tuple(sorted(t for t, rt in TYPES.items() if "usage" in rt.attributes))
# Types whose limits are attributes alone (no metric needed).
_LIMITED_TYPES = ("aws.ec2.subnet",)

SHARED_CHECKS: dict[str, SharedCheck] = {
    "monitoring.aws_alarm": SharedCheck(
        fn=monitoring.aws_alarm,
        params=monitoring.AwsAlarmParams,
        resource_types=("aws.account",),
        summary="CIS AWS section 4: a metric filter on the trail's log group and an alarm"
        " with an action on its metric (`alert`: a key of monitoring.AWS_ALARMS)",
        graph_types=tuple(monitoring.AWS_MONITORING_TYPES),
        graph_relations=("logs_to",),  # trail -> log group
    ),
    "monitoring.gcp_alert": SharedCheck(
        fn=monitoring.gcp_alert,
        params=monitoring.GcpAlertParams,
        resource_types=("gcp.resourcemanager.project",),
        summary="CIS GCP 2.4-2.11: a log-based metric and an enabled alert policy on it"
        " (`alert`: a key of monitoring.GCP_ALERTS)",
        graph_types=tuple(monitoring.GCP_MONITORING_TYPES),
        graph_relations=(),  # reads attributes only
    ),
    # ------------------------------------------------------------------ attack paths
    "attack.path_to_admin": SharedCheck(
        fn=attack.path_to_admin,
        params=attack.NoParams,
        resource_types=attack.ADMIN_PATH_TYPES,
        summary="a principal that is not an administrator can become one through"
        ' "can become" steps (docs/attack-paths.md)',
        graph_types=attack.GRAPH_TYPES,
        graph_relations=("runs_as",),
    ),
    "attack.exposed_workload": SharedCheck(
        fn=attack.exposed_workload,
        params=attack.NoParams,
        resource_types=attack.EXPOSED_WORKLOAD_TYPES,
        summary="an internet-reachable workload runs as an identity that can become an"
        " administrator or read a data store marked sensitive",
        graph_types=attack.GRAPH_TYPES,
        graph_relations=attack.GRAPH_RELATIONS,
    ),
    # ------------------------------------------------------------------ IAM
    "iam.policy_grants": SharedCheck(
        fn=grants.policy_grants,
        params=grants.GrantParams,
        resource_types=grants.GRANT_TYPES,
        summary="a customer managed or inline policy allows `action` on every resource"
        " (`literal`: the statement names that very pattern, e.g. `kms:*`)",
    ),
    # ------------------------------------------------------------------ network
    "network.multiple_azs": SharedCheck(
        fn=zones.multiple_azs,
        params=zones.ZonesParams,
        resource_types=zones.ZONED_TYPES,
        summary="the resource's subnets (a VPC's: the subnets in it) are in two or more"
        " Availability Zones",
        graph_types=(zones.SUBNET,),
        graph_relations=("in_subnet", "in_vpc"),
    ),
    # ------------------------------------------------------------------ capacity
    "capacity.quota": SharedCheck(
        fn=capacity.quota,
        params=capacity.QuotaParams,
        resource_types=_QUOTA_TYPES,
        summary="a quota's used / limit at or above `at_least_percent` (and below"
        " `below_percent`), optionally only `quota_codes`",
    ),
    "capacity.metric_threshold": SharedCheck(
        fn=capacity.metric_threshold,
        params=capacity.MetricParams,
        resource_types=_USAGE_TYPES,
        summary="a statistic (`stat`) of one of `metrics` is `above` or `below` a threshold,"
        " with at least `min_days` of data",
    ),
    "capacity.metric_ratio": SharedCheck(
        fn=capacity.metric_ratio,
        params=capacity.RatioParams,
        resource_types=_USAGE_TYPES,
        summary="the `numerator` metrics as a percentage of the `denominator` metric"
        " above `above_percent`",
    ),
    "capacity.used_fraction": SharedCheck(
        fn=capacity.used_fraction,
        params=capacity.UsedFractionParams,
        resource_types=_USAGE_TYPES + _LIMITED_TYPES,
        summary="a metric statistic or an attribute as a percentage of a limit (product of"
        " `limit` attributes) at or above `at_least_percent` or below `below_percent`",
    ),
    "capacity.db_connections": SharedCheck(
        fn=capacity.db_connections,
        params=capacity.DbConnectionsParams,
        resource_types=("aws.rds.instance", "gcp.sql.instance"),
        summary="peak connections at or above `at_least_percent` of the engine's default"
        " max_connections (RDS) or the tier's limit or max_connections flag (Cloud SQL)",
    ),
    "capacity.downsize": SharedCheck(
        fn=capacity.downsize,
        params=capacity.DownsizeParams,
        resource_types=("aws.ec2.instance", "aws.rds.instance"),
        summary="a metric below `below` (and not below `idle_below`) on a type that has a"
        " size half as large in its family",
    ),
    "capacity.asg_at_max": SharedCheck(
        fn=capacity.asg_at_max,
        params=capacity.AsgAtMaxParams,
        resource_types=("aws.autoscaling.group",),
        summary="an Auto Scaling group whose desired capacity is its maximum (min < max),"
        " optionally with CPU above `cpu_above`",
    ),
    "capacity.asg_vcpu_quota": SharedCheck(
        fn=capacity.asg_vcpu_quota,
        params=capacity.AsgQuotaParams,
        resource_types=("aws.autoscaling.group",),
        summary="(max_size - desired) x vCPUs per instance exceeds the free part of the"
        " account-region's vCPU quota for the group's instance family",
        graph_types=("aws.servicequotas.quota",),
        graph_relations=(),  # joins by account and region, not by edges
    ),
    # ------------------------------------------------------------------ standards
    # Each judges only when its params declare a standard (docs/standards.md).
    "standards.region": SharedCheck(
        fn=standards.region,
        params=standards.AllowedParams,
        resource_types=standards.REQUEST_TYPES,
        summary="the resource's region matches an `allowed` glob (global resources pass)",
        judges=standards.declared,
    ),
    "standards.service": SharedCheck(
        fn=standards.service,
        params=standards.AllowedParams,
        resource_types=standards.REQUEST_TYPES,
        summary="the resource's type matches an `allowed` glob or its technology is named",
        judges=standards.declared,
    ),
    "standards.instance_type": SharedCheck(
        fn=standards.instance_type,
        params=standards.AllowedParams,
        resource_types=tuple(standards.INSTANCE_TYPE_ATTRIBUTE),
        summary="the instance type, class, machine type or tier matches an `allowed` glob",
        judges=standards.declared,
    ),
    "standards.database_engine": SharedCheck(
        fn=standards.database_engine,
        params=standards.EnginesParams,
        resource_types=standards.DATABASE_TYPES,
        summary="the database engine is one of `engines`, at least its `min_version`",
        judges=standards.declared,
    ),
    "standards.required_tags": SharedCheck(
        fn=standards.required_tags,
        params=standards.TagsParams,
        resource_types=standards.REQUEST_TYPES,
        summary="every key of `tags` is present with an allowed value (list) or matching"
        " value (regex)",
        judges=standards.declared,
    ),
    "standards.database_private_subnet": SharedCheck(
        fn=standards.database_private_subnet,
        params=standards.EnforcedParams,
        resource_types=("aws.rds.instance", "aws.rds.cluster"),
        summary="no subnet of the database has a route to the internet (when `enforced`)",
        graph_types=("aws.ec2.subnet",),
        graph_relations=("in_subnet",),
        judges=standards.declared,
    ),
    "standards.database_private_ip": SharedCheck(
        fn=standards.database_private_ip,
        params=standards.EnforcedParams,
        resource_types=("gcp.sql.instance",),
        summary="a Cloud SQL instance has no public IP (when `enforced`)",
        judges=standards.declared,
    ),
    "standards.entry_behind_waf": SharedCheck(
        fn=standards.entry_behind_waf,
        params=standards.EnforcedParams,
        resource_types=standards.ENTRY_TYPES,
        summary="an internet-facing entry has a WAF web ACL or Cloud Armor policy"
        " (when `enforced`)",
        judges=standards.declared,
    ),
    "standards.compute_not_public": SharedCheck(
        fn=standards.compute_not_public,
        params=standards.EnforcedParams,
        resource_types=("aws.ec2.instance", "gcp.compute.instance"),
        summary="an instance has no public IP address (when `enforced`)",
        judges=standards.declared,
    ),
}
