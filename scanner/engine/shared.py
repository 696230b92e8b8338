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

from dataclasses import dataclass

from pydantic import BaseModel

from scanner.engine import monitoring
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
}
