"""Rule aws_account_security_audit_role_exists: a role exists for security reviews.

A graph rule because roles are resources of their own, matched to their account by the
`account` field.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.engine import Hit, RuleSpec, graph_rule
from scanner.graph import ResourceGraph
from scanner.policy.iam import as_list

__all__ = ["check"]

_SECURITY_AUDIT = "arn:aws:iam::aws:policy/SecurityAudit"


@graph_rule
def check(graph: ResourceGraph, spec: RuleSpec) -> Iterator[Hit]:
    """Yield a hit per account where no role holds the SecurityAudit policy."""
    audited: set[str] = set()
    for role in graph.nodes_of_type(["aws.iam.role"]):
        attributes = graph.node(role).get("attributes") or {}
        if _SECURITY_AUDIT in as_list(attributes.get("attached_policies")):
            audited.add(str(graph.field(role, "account")))
    for account in graph.nodes_of_type(spec.resource_types):
        if str(graph.field(account, "account")) not in audited:
            yield Hit(resource_id=account, evidence={"policy": "SecurityAudit"})
