"""Rule aws_account_vpc_changes_alarm: CIS AWS 4.14.

The benchmark asks for an alarm on VPC changes.

The whole check (trail, log group, metric filter pattern, alarm) is in
`scanner.engine.monitoring.aws_alarm_gap`, shared by the CIS section 4 rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.engine import Hit, RuleSpec, graph_rule
from scanner.engine.monitoring import aws_alarm_gap
from scanner.graph import ResourceGraph

__all__ = ["check"]


@graph_rule
def check(graph: ResourceGraph, spec: RuleSpec) -> Iterator[Hit]:
    """Yield a hit per account without the metric filter and alarm."""
    for account in graph.nodes_of_type(spec.resource_types):
        reason = aws_alarm_gap(graph, account, "vpc_changes")
        if reason is not None:
            yield Hit(resource_id=account, evidence={"reason": reason})
