"""Rule gcp_resourcemanager_project_storage_iam_changes_alerted: CIS GCP 2.10.

The benchmark asks for a log metric and alert on Cloud Storage IAM permission changes.

The check lives in `scanner.engine.monitoring.gcp_alert_gap`, shared by CIS 2.4-2.11.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.engine import Hit, RuleSpec, graph_rule
from scanner.engine.monitoring import gcp_alert_gap
from scanner.graph import ResourceGraph

__all__ = ["check"]


@graph_rule
def check(graph: ResourceGraph, spec: RuleSpec) -> Iterator[Hit]:
    """Yield a hit per project without the log metric and alert policy."""
    for project in graph.nodes_of_type(spec.resource_types):
        reason = gcp_alert_gap(graph, project, "storage_iam_changes")
        if reason is not None:
            yield Hit(resource_id=project, evidence={"reason": reason})
