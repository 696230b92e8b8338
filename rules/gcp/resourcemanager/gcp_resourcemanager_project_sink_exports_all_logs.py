"""Rule gcp_resourcemanager_project_sink_exports_all_logs: some sink exports every log entry.

A graph rule, because the verdict on a project depends on other resources: the log
sinks of the same project (matched by `account`, the project id). A project passes when
at least one of its sinks is a sink someone configured (not one of the built-in
`_Default` / `_Required` sinks) and has no filter, so it exports every entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from scanner.engine import Hit, RuleSpec, graph_rule
from scanner.graph import ResourceGraph

__all__ = ["check"]

_PROJECT = "gcp.resourcemanager.project"
_SINK = "gcp.logging.sink"


@graph_rule
def check(graph: ResourceGraph, spec: RuleSpec) -> Iterator[Hit]:
    """Yield a hit for each project with no configured, unfiltered sink."""
    sinks_by_project: dict[str, list[str]] = defaultdict(list)
    exporting: set[str] = set()
    for sink_id in graph.nodes_of_type([_SINK]):
        view = graph.resource_view(sink_id)
        attributes = view["attributes"]
        if attributes.get("is_default") is True:
            continue
        project = str(view["account"])
        sinks_by_project[project].append(str(view["name"] or sink_id))
        if not attributes.get("filter"):  # absent or "" means every entry
            exporting.add(project)
    for project_id in graph.nodes_of_type([_PROJECT]):
        project = str(graph.field(project_id, "account") or "")
        if project in exporting:
            continue
        filtered = sorted(sinks_by_project.get(project, []))
        yield Hit(
            resource_id=project_id,
            evidence={
                "configured_sinks": filtered,
                "reason": (
                    f"its {len(filtered)} configured sink(s) all have a filter"
                    if filtered
                    else "it has no sink besides the built-in _Default and _Required"
                ),
            },
        )
