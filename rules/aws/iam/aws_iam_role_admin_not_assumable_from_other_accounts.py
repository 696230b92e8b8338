"""Rule aws_iam_role_admin_not_assumable_from_other_accounts: no foreign path to admin.

A graph rule because the verdict needs other resources: the customer managed policies
attached to the role (their documents are on `aws.iam.policy` nodes, looked up by ARN).
The trust side is read from the role's own trust policy, so every principal kind counts,
including ones the collector did not emit as `trusts` relations.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scanner.engine import Hit, RuleSpec, graph_rule
from scanner.graph import ResourceGraph
from scanner.policy.iam import admin_statements, as_list, trust_grants

__all__ = ["check"]

_ADMIN_MANAGED = "arn:aws:iam::aws:policy/AdministratorAccess"


def _admin_via(graph: ResourceGraph, attributes: Mapping[str, Any]) -> str | None:
    for arn in as_list(attributes.get("attached_policies")):
        if arn == _ADMIN_MANAGED:
            return "AdministratorAccess"
        if arn in graph:
            document = (graph.node(arn).get("attributes") or {}).get("document")
            if admin_statements(document):
                return f"policy {graph.field(arn, 'name') or arn}"
    for inline in as_list(attributes.get("inline_policies")):
        if isinstance(inline, Mapping) and admin_statements(inline.get("document")):
            return f"inline policy {inline.get('name')}"
    return None


@graph_rule
def check(graph: ResourceGraph, spec: RuleSpec) -> Iterator[Hit]:
    """Yield a hit per administrator role that another account can assume."""
    for role in graph.nodes_of_type(spec.resource_types):
        view = graph.resource_view(role)
        attributes = view["attributes"]
        own = str(view["account"])
        foreign = [
            g
            for g in trust_grants(attributes.get("trust_policy"))
            if g.is_wildcard or (g.account is not None and g.account != own)
        ]
        if not foreign:
            continue
        admin_via = _admin_via(graph, attributes)
        if admin_via is None:
            continue
        trusted = foreign[0].value
        principal_node = f"principal:aws:account:{foreign[0].account or '*'}"
        path = [principal_node, role] if principal_node in graph else []
        yield Hit(
            resource_id=role,
            evidence={"admin_via": admin_via, "trusted": trusted},
            path=path,
        )
