"""AWS IAM mappers: managed policies, roles, users and groups, and what attaches to them;
IAM Access Analyzer analyzers.

Attachments, inline policies, access keys, login profiles and group memberships fold
into their role, user or group. A role's trust policy is read by
`scanner.policy.iam.trust_targets` into `trusts` relations, as the live collector reads it.
"""

from __future__ import annotations

from typing import Any

from scanner.collectors.terraform.builder import Builder, append_items, relations_to
from scanner.collectors.terraform.instances import Instance
from scanner.collectors.terraform.values import (
    all_blocks,
    as_int,
    created_default,
    is_known,
    json_document,
    list_of,
)
from scanner.model import UNKNOWN, Relation, Resource
from scanner.policy.iam import trust_targets

_EXTERNAL_ACCESS = ("ACCOUNT", "ORGANIZATION")

__all__ = [
    "access_analyzer",
    "fold_access_key",
    "fold_group_membership",
    "fold_inline_policy",
    "fold_login_profile",
    "fold_policy_attachment",
    "iam_group",
    "iam_policy",
    "iam_role",
    "iam_user",
]


def iam_policy(b: Builder, inst: Instance) -> Resource:
    """aws_iam_policy -> aws.iam.policy."""
    v = inst.values
    attrs = {
        "is_aws_managed": False,
        "document": json_document(v.get("policy")),
        # Attachments made outside this plan are invisible; those in the plan are counted
        # by fold_policy_attachment.
        "attachment_count": UNKNOWN,
    }
    return b.resource(inst, "aws.iam.policy", attrs, name=v.get("name"), region="global")


def _trusts(document: Any) -> list[Relation]:
    """`trusts` relations, read by `scanner.policy.iam.trust_targets` as the live collector does."""
    if not is_known(document):
        return []
    return [
        Relation(
            type="trusts",
            target=node,
            properties={"condition_keys": keys} if keys else {},
        )
        for node, keys in trust_targets(document).items()
    ]


def iam_role(b: Builder, inst: Instance) -> Resource:
    """aws_iam_role -> aws.iam.role, with a `trusts` relation per trusted principal."""
    v = inst.values
    trust = json_document(v.get("assume_role_policy"))
    inline = all_blocks(v, "inline_policy")
    attrs = {
        "created_at": None,
        "trust_policy": trust,
        "attached_policies": created_default(inst, list_of(v.get("managed_policy_arns")), []),
        "inline_policies": [
            {"name": p.get("name"), "document": json_document(p.get("policy"))}
            for p in inline
            if isinstance(p, dict) and p.get("name")
        ]
        if isinstance(inline, list)
        else ([] if inst.is_create else UNKNOWN),
        "last_used_at": None,
        "is_service_linked": str(v.get("path") or "").startswith("/aws-service-role/"),
        "max_session_duration": as_int(v.get("max_session_duration"), 3600),
    }
    relations = _trusts(trust)
    return b.resource(
        inst, "aws.iam.role", attrs, name=v.get("name"), relations=relations, region="global"
    )


def iam_user(b: Builder, inst: Instance) -> Resource:
    """aws_iam_user -> aws.iam.user; a new user has no password, keys, policies or groups."""
    v = inst.values
    attrs = {
        "created_at": None,
        "password_enabled": False if inst.is_create else UNKNOWN,
        "password_last_used_at": None,
        "mfa_enabled": False if inst.is_create else UNKNOWN,
        "access_keys": [] if inst.is_create else [UNKNOWN],
        "attached_policies": [] if inst.is_create else [UNKNOWN],
        "inline_policies": [] if inst.is_create else [UNKNOWN],
        "groups": [] if inst.is_create else [UNKNOWN],
    }
    return b.resource(inst, "aws.iam.user", attrs, name=v.get("name"), region="global")


def iam_group(b: Builder, inst: Instance) -> Resource:
    """aws_iam_group -> aws.iam.group."""
    attrs = {
        "attached_policies": [] if inst.is_create else [UNKNOWN],
        "inline_policies": [] if inst.is_create else [UNKNOWN],
        "member_count": 0 if inst.is_create else UNKNOWN,
    }
    return b.resource(inst, "aws.iam.group", attrs, name=inst.values.get("name"), region="global")


def fold_policy_attachment(b: Builder, inst: Instance, principal: Resource) -> None:
    """aws_iam_{role,user,group}_policy_attachment -> `attached_policies`, `has_policy`."""
    arn = inst.values.get("policy_arn", UNKNOWN)
    targets = b.link(inst, "policy_arn", ("aws_iam_policy",), "aws.iam.policy")
    append_items(principal, "attached_policies", [arn])
    principal.relations.extend(relations_to("has_policy", targets))
    for target in targets:
        policy = b.resources.get(target)
        if policy is not None:
            count = policy.attributes.get("attachment_count")
            policy.attributes["attachment_count"] = (count if isinstance(count, int) else 0) + 1


def fold_inline_policy(b: Builder, inst: Instance, principal: Resource) -> None:
    """aws_iam_{role,user}_policy -> one entry of `inline_policies`."""
    policy = {
        "name": inst.values.get("name"),
        "document": json_document(inst.values.get("policy")),
    }
    append_items(principal, "inline_policies", [policy])


def fold_access_key(b: Builder, inst: Instance, user: Resource) -> None:
    """aws_iam_access_key -> one entry of the user's `access_keys`."""
    key = {
        "id": inst.values.get("id", UNKNOWN),
        "status": inst.values.get("status") or "Active",
        "created_at": None,
        "last_used_at": None,
    }
    append_items(user, "access_keys", [key])


def fold_login_profile(b: Builder, inst: Instance, user: Resource) -> None:
    """aws_iam_user_login_profile -> the user has a console password."""
    user.attributes["password_enabled"] = True


def fold_group_membership(b: Builder, inst: Instance, user: Resource) -> None:
    """aws_iam_user_group_membership -> the user's `groups`."""
    groups = list_of(inst.values.get("groups"))
    append_items(user, "groups", groups if isinstance(groups, list) else [UNKNOWN])


def access_analyzer(b: Builder, inst: Instance) -> Resource:
    """aws_accessanalyzer_analyzer -> aws.accessanalyzer.analyzer (findings come after apply)."""
    v = inst.values
    kind = v.get("type") or "ACCOUNT"
    external = kind in _EXTERNAL_ACCESS if is_known(kind) else UNKNOWN
    findings = UNKNOWN if external is not False else None
    attrs = {
        "analyzer_type": kind,
        "status": "ACTIVE" if inst.is_create else UNKNOWN,
        "external_access": external,
        "active_findings": findings,
        "public_findings": findings,
        "created_at": None,
    }
    return b.resource(inst, "aws.accessanalyzer.analyzer", attrs, name=v.get("analyzer_name"))
