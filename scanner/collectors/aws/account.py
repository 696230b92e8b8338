"""The account itself: alias, password policy, root user, account-wide S3 block, support role.

Root facts come from the IAM credential report (its `<root_account>` row), checked
against the account summary; whether root's MFA is a hardware device is read from the
virtual MFA devices (root's virtual device is `...:mfa/root-account-mfa-device`). The
account-level S3 public access block comes from S3 Control, whose host botocore
prefixes with the account id (see `guard.strip_account_label` for custom endpoints).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext, missing_as
from scanner.collectors.aws.iam import credential_report, report_time
from scanner.collectors.aws.normalise import rel
from scanner.model import Relation, Resource

__all__ = ["collect", "fetch", "public_access_block", "to_resources"]

_PAB_KEYS = {
    "BlockPublicAcls": "block_public_acls",
    "IgnorePublicAcls": "ignore_public_acls",
    "BlockPublicPolicy": "block_public_policy",
    "RestrictPublicBuckets": "restrict_public_buckets",
}


def public_access_block(config: Mapping[str, Any] | None) -> dict[str, bool] | None:
    """A PublicAccessBlockConfiguration in catalog spelling (None when not configured)."""
    if config is None:
        return None
    return {ours: bool(config.get(theirs, False)) for theirs, ours in _PAB_KEYS.items()}


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw account-level payloads; a key is missing when its call failed."""
    iam = ctx.client("iam")
    raw: dict[str, Any] = {"account_id": ctx.account}
    aliases = ctx.attempt(iam.list_account_aliases)
    if aliases is not None:
        raw["alias"] = next(iter(aliases.get("AccountAliases") or []), None)
    policy = ctx.attempt(
        missing_as, ("NoSuchEntity",), {"PasswordPolicy": None}, iam.get_account_password_policy
    )
    if policy is not None:
        raw["password_policy"] = policy.get("PasswordPolicy")
    report = credential_report(ctx)
    if report is not None:
        raw["root_report"] = report.get("<root_account>")
    summary = ctx.attempt(iam.get_account_summary)
    if summary is not None:
        raw["summary"] = summary.get("SummaryMap") or {}
    devices = ctx.attempt(
        ctx.paginate,
        iam,
        "list_virtual_mfa_devices",
        "VirtualMFADevices",
        AssignmentStatus="Assigned",
    )
    if devices is not None:
        raw["virtual_mfa_serials"] = [str(d.get("SerialNumber", "")) for d in devices]
    pab = ctx.attempt(
        missing_as,
        ("NoSuchPublicAccessBlockConfiguration",),
        {"PublicAccessBlockConfiguration": None},
        ctx.client("s3control").get_public_access_block,
        AccountId=ctx.account,
    )
    if pab is not None:
        raw["s3_public_access_block"] = pab.get("PublicAccessBlockConfiguration")
    support = ctx.attempt(
        missing_as,
        ("NoSuchEntity",),
        [],
        ctx.paginate,
        iam,
        "list_entities_for_policy",
        "PolicyRoles",
        PolicyArn=f"arn:{ctx.partition}:iam::aws:policy/AWSSupportAccess",
        EntityFilter="Role",
    )
    if support is not None:
        raw["support_roles"] = [str(r.get("RoleName")) for r in support]
    organization = ctx.attempt(
        missing_as,
        ("AWSOrganizationsNotInUseException",),
        {"Organization": None},
        ctx.client("organizations").describe_organization,
    )
    if organization is not None:
        raw["organization"] = organization.get("Organization")
    return raw


def _root(raw: Mapping[str, Any]) -> dict[str, Any]:
    row: Mapping[str, str] | None = raw.get("root_report")
    summary: Mapping[str, Any] | None = raw.get("summary")
    has_keys: bool | None = None
    mfa: bool | None = None
    last_used: str | None = None
    if row:
        has_keys = (
            row.get("access_key_1_active") == "true" or row.get("access_key_2_active") == "true"
        )
        mfa = row.get("mfa_active") == "true"
        times = [
            report_time(row.get(k))
            for k in (
                "password_last_used",
                "access_key_1_last_used_date",
                "access_key_2_last_used_date",
            )
        ]
        last_used = max((t for t in times if t), default=None)
    elif summary is not None:
        has_keys = summary.get("AccountAccessKeysPresent") == 1
        mfa = summary.get("AccountMFAEnabled") == 1
    serials = raw.get("virtual_mfa_serials")
    if mfa is False:
        hardware: bool | None = False
    elif mfa is None or serials is None:
        hardware = None
    else:
        hardware = not any(s.endswith(":mfa/root-account-mfa-device") for s in serials)
    return {
        "has_access_keys": has_keys,
        "mfa_enabled": mfa,
        "hardware_mfa_enabled": hardware,
        "last_used_at": last_used,
    }


def _password_policy(policy: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if policy is None:
        return None
    return {
        "minimum_length": policy.get("MinimumPasswordLength"),
        "require_symbols": policy.get("RequireSymbols"),
        "require_numbers": policy.get("RequireNumbers"),
        "require_uppercase": policy.get("RequireUppercaseCharacters"),
        "require_lowercase": policy.get("RequireLowercaseCharacters"),
        "reuse_prevention": policy.get("PasswordReusePrevention"),
        "max_age_days": policy.get("MaxPasswordAge"),
        "allow_users_to_change": policy.get("AllowUsersToChangePassword"),
    }


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """The aws.account resource."""
    account = str(raw.get("account_id") or scope.account)
    organization: Mapping[str, Any] | None = raw.get("organization")
    relations: list[Relation] = []
    is_management: bool | None = None
    if "organization" in raw:
        is_management = bool(organization and organization.get("MasterAccountId") == account)
        if organization and organization.get("Arn"):
            relations.append(rel("member_of", str(organization["Arn"])))
    support_roles = raw.get("support_roles")
    alias = raw.get("alias")
    attributes = {
        "account_id": account,
        "alias": alias,
        "is_management_account": is_management,
        "password_policy": _password_policy(raw.get("password_policy")),
        "root": _root(raw),
        "s3_public_access_block": public_access_block(raw.get("s3_public_access_block")),
        "support_role_exists": None if support_roles is None else bool(support_roles),
    }
    raw_out = {k: v for k, v in raw.items() if k not in ("root_report",)}
    return [
        scope.resource(
            f"arn:{scope.partition}:account::{account}:account",
            "aws.account",
            str(alias or account),
            attributes,
            relations,
            raw=raw_out,
        )
    ]


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the aws.account resource (a global service)."""
    return to_resources(fetch(ctx), ctx.scope)
