"""Rule aws_account_backup_plan_exists: the account backs something up with AWS Backup.

A graph rule because plans are resources of their own, matched to their account by the
`account` field. A plan in any region counts.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.engine import Hit, RuleSpec, graph_rule
from scanner.graph import ResourceGraph

__all__ = ["check"]


@graph_rule
def check(graph: ResourceGraph, spec: RuleSpec) -> Iterator[Hit]:
    """Yield a hit per account without any backup plan."""
    accounts = {str(graph.field(p, "account")) for p in graph.nodes_of_type(["aws.backup.plan"])}
    for account in graph.nodes_of_type(spec.resource_types):
        if str(graph.field(account, "account")) not in accounts:
            yield Hit(resource_id=account, evidence={"plans": 0})
