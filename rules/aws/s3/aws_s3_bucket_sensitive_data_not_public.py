"""Rule aws_s3_bucket_sensitive_data_not_public: a bucket marked sensitive is not public.

A toxic combination: public (`scanner.policy.data.s3_public_reasons`, the reading
`aws_s3_bucket_not_public` uses) and tagged sensitive (`scanner.policy.data.sensitivity`).
A graph rule because the account-level Block Public Access lives on the `aws.account`.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.engine import Hit, RuleSpec, graph_rule
from scanner.graph import ResourceGraph
from scanner.policy.data import account_public_access_blocks, s3_public_reasons, sensitivity

__all__ = ["check"]


@graph_rule
def check(graph: ResourceGraph, spec: RuleSpec) -> Iterator[Hit]:
    """Yield a hit per bucket tagged confidential or restricted that is public."""
    account_blocks = account_public_access_blocks(
        graph.node(a) for a in graph.nodes_of_type(["aws.account"])
    )
    for bucket in graph.nodes_of_type(spec.resource_types):
        view = graph.resource_view(bucket)
        label = sensitivity(view["tags"])
        if label is None:
            continue
        reasons = s3_public_reasons(view["attributes"], account_blocks.get(str(view["account"])))
        if reasons:
            yield Hit(
                resource_id=bucket,
                evidence={"classification": label, "reason": "; ".join(reasons)},
                path=["internet", bucket],
            )
