"""Rule aws_iam_role_service_trust_scoped_to_source: service roles resist confused deputies.

A resource rule on the role's own trust policy. A service principal's grant passes when
its statement tests a source condition key (aws:SourceAccount, aws:SourceArn,
aws:SourceOrgID, aws:SourceOrgPaths). Compute services that run your code with a role
handed to them through iam:PassRole are skipped: PassRole cannot cross accounts, so
another customer cannot make them use this role (the false positives discussed in
prowler-cloud/prowler#2810).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scanner.engine import Hit, RuleSpec, resource_rule
from scanner.policy.iam import trust_grants

__all__ = ["check"]

SOURCE_KEYS = ("aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths")
# Services that assume a role passed to your own compute (instance profiles, functions,
# tasks, pods): the role is chosen by you through iam:PassRole, in your own account.
PASSED_ROLE_SERVICES = frozenset(
    {
        "ec2.amazonaws.com",
        "lambda.amazonaws.com",
        "edgelambda.amazonaws.com",
        "ecs-tasks.amazonaws.com",
        "eks-fargate-pods.amazonaws.com",
        "pods.eks.amazonaws.com",
    }
)


@resource_rule
def check(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Hit]:
    """Yield one hit for the first service grant without a source condition."""
    attributes: Mapping[str, Any] = resource.get("attributes") or {}
    if attributes.get("is_service_linked") is True:
        return
    for grant in trust_grants(attributes.get("trust_policy")):
        if grant.kind != "Service" or grant.value.lower() in PASSED_ROLE_SERVICES:
            continue
        if not grant.has_condition(*SOURCE_KEYS):
            yield Hit(evidence={"service": grant.value, "statement_index": grant.statement_index})
            return
