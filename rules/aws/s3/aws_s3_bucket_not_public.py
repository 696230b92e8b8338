"""Rule aws_s3_bucket_not_public: no bucket is public now, after Block Public Access.

A graph rule because the account-level Block Public Access settings live on the
`aws.account` node of the bucket's account. The collector's `is_public_by_acl` and
`is_public_by_policy` are used when present; a Terraform plan, which has neither,
is judged from `acl_grants` and `policy` directly.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scanner.engine import Hit, RuleSpec, graph_rule
from scanner.graph import ResourceGraph
from scanner.policy.iam import is_public_statement, statements

__all__ = ["check"]

_PUBLIC_GRANTEES = ("allusers", "authenticatedusers")


def _flag(block: Any, name: str) -> bool:
    return isinstance(block, Mapping) and block.get(name) is True


def _public_acl(attributes: Mapping[str, Any]) -> str | None:
    grants = [
        g
        for g in attributes.get("acl_grants") or []
        if isinstance(g, Mapping) and str(g.get("grantee", "")).lower().endswith(_PUBLIC_GRANTEES)
    ]
    if grants:
        first = grants[0]
        return f"its ACL grants {first.get('permission')} to {first.get('grantee')}"
    if attributes.get("is_public_by_acl") is True:
        return "its ACL grants access to AllUsers or AuthenticatedUsers"
    return None


def _public_policy(attributes: Mapping[str, Any]) -> str | None:
    for index, statement in enumerate(statements(attributes.get("policy"))):
        if is_public_statement(statement):
            label = statement.get("Sid") or f"statement {index}"
            actions = statement.get("Action") or statement.get("NotAction")
            return f"its bucket policy ({label}) allows Principal * to {actions}"
    if attributes.get("is_public_by_policy") is True:
        return "its bucket policy allows Principal * without a limiting condition"
    return None


@graph_rule
def check(graph: ResourceGraph, spec: RuleSpec) -> Iterator[Hit]:
    """Yield a hit per bucket that is public after bucket and account blocks."""
    account_blocks: dict[str, Any] = {}
    for account in graph.nodes_of_type(["aws.account"]):
        node = graph.node(account)
        account_blocks[str(node.get("account"))] = (node.get("attributes") or {}).get(
            "s3_public_access_block"
        )
    for bucket in graph.nodes_of_type(spec.resource_types):
        view = graph.resource_view(bucket)
        attributes = view["attributes"]
        own = attributes.get("public_access_block")
        shared = account_blocks.get(str(view["account"]))
        reasons = []
        acl = _public_acl(attributes)
        if acl and not (_flag(own, "ignore_public_acls") or _flag(shared, "ignore_public_acls")):
            reasons.append(f"{acl} and IgnorePublicAcls is off")
        policy = _public_policy(attributes)
        if policy and not (
            _flag(own, "restrict_public_buckets") or _flag(shared, "restrict_public_buckets")
        ):
            reasons.append(f"{policy} and RestrictPublicBuckets is off")
        if reasons:
            yield Hit(
                resource_id=bucket,
                evidence={
                    "reason": "; ".join(reasons),
                    "bucket_block": own,
                    "account_block": shared,
                },
            )
