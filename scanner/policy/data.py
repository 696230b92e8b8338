"""Data stores: which hold sensitive data, and which S3 buckets are public.

Sensitive data. No collector can see what a bucket or table holds, so pscan reads the
owner's marking: a tag (AWS) or label (GCP) named `DataClassification` whose value is
`confidential` or `restricted` (`SENSITIVE_CLASSES`). The key is compared without case,
`-` or `_` (GCP label keys are lower case: `data-classification`, `dataclassification`
and `data_classification` all count), the value without case. A store without the tag is
not judged sensitive.

Public S3 buckets (`s3_public_reasons`): public by ACL when a grant goes to AllUsers or
AuthenticatedUsers and IgnorePublicAcls is off, public by policy when the bucket policy
allows any principal (`scanner.policy.iam.is_public_statement`) and
RestrictPublicBuckets is off; each Block Public Access flag counts when it is on at
bucket or at account level. The collector's `is_public_by_acl` / `is_public_by_policy`
are used when the ACL grants or the policy are absent (a Terraform plan has neither).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scanner.policy.iam import is_public_statement, statements

__all__ = [
    "SENSITIVE_CLASSES",
    "SENSITIVE_TAG",
    "account_public_access_blocks",
    "s3_public_reasons",
    "sensitivity",
]

SENSITIVE_TAG = "DataClassification"
SENSITIVE_CLASSES = frozenset({"confidential", "restricted"})
_TAG_KEY = SENSITIVE_TAG.lower()
_PUBLIC_GRANTEES = ("allusers", "authenticatedusers")


def sensitivity(tags: Mapping[str, Any] | None) -> str | None:
    """The sensitive class a store's tags or labels mark it with (`confidential`, ...)."""
    for key, value in (tags or {}).items():
        if str(key).lower().replace("-", "").replace("_", "") != _TAG_KEY:
            continue
        text = str(value).strip().lower()
        if text in SENSITIVE_CLASSES:
            return text
    return None


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


def s3_public_reasons(attributes: Mapping[str, Any], account_block: Any) -> list[str]:
    """Why a bucket is public after bucket- and account-level Block Public Access ([]: not).

    `account_block` is the account's `s3_public_access_block` (None when unknown or unset).
    """
    own = attributes.get("public_access_block")
    reasons = []
    acl = _public_acl(attributes)
    if acl and not (_flag(own, "ignore_public_acls") or _flag(account_block, "ignore_public_acls")):
        reasons.append(f"{acl} and IgnorePublicAcls is off")
    policy = _public_policy(attributes)
    if policy and not (
        _flag(own, "restrict_public_buckets") or _flag(account_block, "restrict_public_buckets")
    ):
        reasons.append(f"{policy} and RestrictPublicBuckets is off")
    return reasons


def account_public_access_blocks(accounts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Account id -> the account's S3 public access block, from `aws.account` resources
    (or graph nodes of them); the second argument `s3_public_reasons` takes."""
    return {
        str(a.get("account")): (a.get("attributes") or {}).get("s3_public_access_block")
        for a in accounts
    }
