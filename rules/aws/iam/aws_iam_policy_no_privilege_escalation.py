"""Rule aws_iam_policy_no_privilege_escalation: no IAM self-escalation on every resource."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scanner.engine import Hit, RuleSpec, resource_rule
from scanner.policy.iam import admin_statements, allows

__all__ = ["check"]

ESCALATION_ACTIONS = (
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:PassRole",
)


@resource_rule
def check(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Hit]:
    """Yield one hit when an attached policy allows an escalation action on `*`."""
    attributes: Mapping[str, Any] = resource.get("attributes") or {}
    if attributes.get("attachment_count") == 0:
        return
    document = attributes.get("document")
    if admin_statements(document):  # reported by aws_iam_policy_no_full_admin
        return
    found = [action for action in ESCALATION_ACTIONS if allows(document, action, "*")]
    if found:
        yield Hit(evidence={"actions": ", ".join(found)})
