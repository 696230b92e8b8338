"""Rule aws_s3_bucket_access_logging_enabled: buckets log access, except the log buckets.

A graph rule because whether a bucket is an access-log destination depends on the other
buckets: their `logging_target` (a bucket name) and their `logs_to` relations.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.engine import Hit, RuleSpec, graph_rule
from scanner.graph import ResourceGraph

__all__ = ["check"]


@graph_rule
def check(graph: ResourceGraph, spec: RuleSpec) -> Iterator[Hit]:
    """Yield a hit per bucket that writes no access logs and receives none."""
    buckets = list(graph.nodes_of_type(spec.resource_types))
    destinations: set[str] = set()
    for bucket in buckets:
        target = (graph.node(bucket).get("attributes") or {}).get("logging_target")
        if target:
            destinations.add(str(target))
        destinations.update(graph.neighbours(bucket, "logs_to", type="aws.s3.bucket"))
    for bucket in buckets:
        node = graph.node(bucket)
        if (node.get("attributes") or {}).get("logging_target"):
            continue
        if bucket in destinations or str(node.get("name")) in destinations:
            continue
        yield Hit(resource_id=bucket)
