"""Rule aws_s3_bucket_not_public: no bucket is public now, after Block Public Access.

A graph rule because the account-level Block Public Access settings live on the
`aws.account` node of the bucket's account. What "public" means is decided by
`scanner.policy.data.s3_public_reasons` (shared with the toxic-combination rule
`aws_s3_bucket_sensitive_data_not_public`).
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.engine import Hit, RuleSpec, graph_rule
from scanner.graph import ResourceGraph
from scanner.policy.data import account_public_access_blocks, s3_public_reasons

__all__ = ["check"]


@graph_rule
def check(graph: ResourceGraph, spec: RuleSpec) -> Iterator[Hit]:
    """Yield a hit per bucket that is public after bucket and account blocks."""
    account_blocks = account_public_access_blocks(
        graph.node(a) for a in graph.nodes_of_type(["aws.account"])
    )
    for bucket in graph.nodes_of_type(spec.resource_types):
        view = graph.resource_view(bucket)
        attributes = view["attributes"]
        shared = account_blocks.get(str(view["account"]))
        reasons = s3_public_reasons(attributes, shared)
        if reasons:
            yield Hit(
                resource_id=bucket,
                evidence={
                    "reason": "; ".join(reasons),
                    "bucket_block": attributes.get("public_access_block"),
                    "account_block": shared,
                },
            )
