"""The shared check `iam.policy_grants`: a policy grants one action on every resource.

Rules that differ only in the action (full access to CloudTrail or KMS, Marketplace
subscriptions, assuming any role) name this check with `params: {action, literal}`.
It judges a customer managed policy's default version (AWS managed policies and
policies known to be unattached are skipped: they are not the customer's to fix, or
grant nothing yet) and the inline policies of users, groups and non-service-linked
roles. The statements are read by `scanner.policy.iam.grants_on_every_resource`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from scanner.engine.python_rules import Hit, resource_rule
from scanner.engine.spec import RuleSpec
from scanner.policy.iam import documents_of, grants_on_every_resource

__all__ = ["GRANT_TYPES", "GrantParams", "policy_grants"]

GRANT_TYPES = ("aws.iam.policy", "aws.iam.user", "aws.iam.group", "aws.iam.role")


class GrantParams(BaseModel):
    """`params: {action, literal}` of `iam.policy_grants`."""

    model_config = ConfigDict(extra="forbid")

    action: str = Field(pattern=r"^[a-z0-9-]+:[A-Za-z0-9*]+$")
    # True: the statement must name `action` itself (`kms:*`); False: any pattern covering
    # it counts, short of the administrator `*` (judged by the full-admin rules).
    literal: bool = False


def _skipped(resource: Mapping[str, Any]) -> bool:
    attributes: Mapping[str, Any] = resource.get("attributes") or {}
    if resource.get("type") == "aws.iam.policy":
        return attributes.get("is_aws_managed") is True or attributes.get("attachment_count") == 0
    return attributes.get("is_service_linked") is True


@resource_rule
def policy_grants(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Hit]:
    """Shared check `iam.policy_grants`: one hit for the first statement granting it."""
    params = GrantParams.model_validate(spec.params)
    if _skipped(resource):
        return
    for name, document in documents_of(resource):
        found = grants_on_every_resource(document, params.action, literal=params.literal)
        if found:
            index, statement = found[0]
            yield Hit(
                evidence={
                    "policy": name,
                    "statement_index": index,
                    "sid": statement.get("Sid"),
                    "action": params.action,
                }
            )
            return
