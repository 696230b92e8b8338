"""Rule gcp_resourcemanager_project_no_api_keys: CIS GCP 1.12, API keys only where needed.

A graph rule because keys are resources of their own, matched to their project by the
`account` field (the project id).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from scanner.engine import Hit, RuleSpec, graph_rule
from scanner.graph import ResourceGraph

__all__ = ["check"]


@graph_rule
def check(graph: ResourceGraph, spec: RuleSpec) -> Iterator[Hit]:
    """Yield a hit per project that holds API keys."""
    keys: dict[str, list[str]] = defaultdict(list)
    for key in graph.nodes_of_type(["gcp.apikeys.key"]):
        node = graph.node(key)
        keys[str(node.get("account"))].append(str(node.get("name") or key))
    for project in graph.nodes_of_type(spec.resource_types):
        names = sorted(keys.get(str(graph.field(project, "account")), []))
        if names:
            yield Hit(
                resource_id=project,
                evidence={"count": len(names), "keys": ", ".join(names[:10])},
            )
