"""IAM: users, groups, roles, managed policies and server certificates of an account.

Most of it comes from one paginated call, GetAccountAuthorizationDetails; console and
MFA facts per user come from the credential report (shared with the `account` service),
access keys from ListAccessKeys and GetAccessKeyLastUsed, and role session limits from
ListRoles, which the authorization details leave out. AWS-managed policies that are
attached to nothing grant nothing and are left out (an account has over a thousand).
"""

from __future__ import annotations

import csv
import io
import logging
import time
from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext, missing_is_none
from scanner.collectors.aws.normalise import iso, rel, tags_of, trusted_principals
from scanner.model import Relation, Resource
from scanner.policy.iam import parse_document

__all__ = [
    "collect",
    "credential_report",
    "fetch",
    "instance_profile_roles",
    "parse_credential_report",
    "report_time",
    "to_resources",
]

logger = logging.getLogger(__name__)

# The credential report is built asynchronously (usually in seconds): poll with waits
# growing from 0.1 s to 2 s, about 30 s in all.
_REPORT_WAITS = (0.1, 0.2, 0.4, 0.8, 1.5, *([2.0] * 13))


def parse_credential_report(content: bytes | str | None) -> dict[str, dict[str, str]]:
    """The credential report CSV as rows keyed by user name (`<root_account>` for root)."""
    if not content:
        return {}
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    return {row["user"]: row for row in csv.DictReader(io.StringIO(text)) if row.get("user")}


def report_time(value: str | None) -> str | None:
    """A credential report cell as an ISO time; None for N/A, no_information, not_supported."""
    if not value or value in ("N/A", "no_information", "not_supported"):
        return None
    return iso(value)


def _fetch_report(iam: Any) -> bytes | None:
    for wait in _REPORT_WAITS:
        state = iam.generate_credential_report().get("State")
        if state == "COMPLETE":
            break
        time.sleep(wait)
    report = missing_is_none(
        ("ReportNotPresent", "ReportInProgress", "ReportExpired"), iam.get_credential_report
    )
    if report is None:
        logger.warning("IAM credential report not ready after %.0f s", sum(_REPORT_WAITS))
        return None
    content = report.get("Content")
    return content if isinstance(content, bytes) else None


def credential_report(ctx: ServiceContext) -> dict[str, dict[str, str]] | None:
    """The account's credential report, fetched once per account; None when unreadable."""

    def _compute() -> dict[str, dict[str, str]] | None:
        content = ctx.attempt(_fetch_report, ctx.client("iam"))
        return None if content is None else parse_credential_report(content)

    return ctx.state.memo("iam:credential_report", _compute)


def instance_profile_roles(ctx: ServiceContext, profile_arn: str) -> list[str]:
    """ARNs of the roles in an instance profile (looked up once per account)."""
    name = profile_arn.rsplit("/", 1)[-1]

    def _compute() -> list[str]:
        response = ctx.attempt(
            missing_is_none,
            ("NoSuchEntity",),
            ctx.client("iam").get_instance_profile,
            InstanceProfileName=name,
        )
        if not response:
            return []
        return [str(r["Arn"]) for r in response["InstanceProfile"].get("Roles", [])]

    return ctx.state.memo(f"iam:instance_profile:{name}", _compute)


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw IAM payloads: authorization details, roles, access keys, certificates, report."""
    iam = ctx.client("iam")
    details: dict[str, list[dict[str, Any]]] = {
        "UserDetailList": [],
        "GroupDetailList": [],
        "RoleDetailList": [],
        "Policies": [],
    }
    for page in ctx.pages(iam, "get_account_authorization_details"):
        for field, items in details.items():
            items.extend(page.get(field) or [])
    raw: dict[str, Any] = dict(details)
    roles = ctx.attempt(ctx.paginate, iam, "list_roles", "Roles")
    raw["max_session_duration"] = {
        r["Arn"]: r.get("MaxSessionDuration") for r in roles or [] if "Arn" in r
    }
    access_keys: dict[str, list[dict[str, Any]]] = {}
    for user in details["UserDetailList"]:
        name = user["UserName"]
        keys = ctx.attempt(
            ctx.paginate, iam, "list_access_keys", "AccessKeyMetadata", UserName=name
        )
        if keys is None:
            continue
        for key in keys:
            used = ctx.attempt(iam.get_access_key_last_used, AccessKeyId=key["AccessKeyId"])
            if used is not None:
                key = {**key, "LastUsedDate": used.get("AccessKeyLastUsed", {}).get("LastUsedDate")}
            access_keys[name] = [*access_keys.get(name, []), key]
        access_keys.setdefault(name, [])
    raw["access_keys"] = access_keys
    report = credential_report(ctx)
    raw["credential_report"] = report
    if report is None:  # fall back to one call per user for MFA
        raw["mfa_devices"] = {
            u["UserName"]: ctx.attempt(
                ctx.paginate, iam, "list_mfa_devices", "MFADevices", UserName=u["UserName"]
            )
            for u in details["UserDetailList"]
        }
    raw["server_certificates"] = (
        ctx.attempt(ctx.paginate, iam, "list_server_certificates", "ServerCertificateMetadataList")
        or []
    )
    return raw


def _inline(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [
        {"name": p.get("PolicyName"), "document": parse_document(p.get("PolicyDocument"))}
        for p in items or []
    ]


def _attached(items: list[dict[str, Any]] | None) -> list[str]:
    return [str(p["PolicyArn"]) for p in items or [] if p.get("PolicyArn")]


def _default_document(policy: Mapping[str, Any]) -> dict[str, Any] | None:
    for version in policy.get("PolicyVersionList") or []:
        if version.get("IsDefaultVersion"):
            return parse_document(version.get("Document"))
    return None


def _user(
    raw: Mapping[str, Any], user: dict[str, Any], group_arns: Mapping[str, str], scope: Scope
) -> Resource:
    name = str(user["UserName"])
    report: Mapping[str, Any] | None = raw.get("credential_report")
    row: Mapping[str, str] = (report or {}).get(name, {})
    keys = (raw.get("access_keys") or {}).get(name)
    access_keys = (
        None
        if keys is None
        else [
            {
                "id": k.get("AccessKeyId"),
                "status": k.get("Status"),
                "created_at": iso(k.get("CreateDate")),
                "last_used_at": iso(k.get("LastUsedDate")),
            }
            for k in keys
        ]
    )
    if report is not None:
        password_enabled: bool | None = row.get("password_enabled") == "true" if row else None
        password_last_used = report_time(row.get("password_last_used")) if row else None
        mfa_enabled: bool | None = row.get("mfa_active") == "true" if row else None
    else:
        password_enabled, password_last_used = None, None
        devices = (raw.get("mfa_devices") or {}).get(name)
        mfa_enabled = None if devices is None else bool(devices)
    attached = _attached(user.get("AttachedManagedPolicies"))
    groups = [str(g) for g in user.get("GroupList") or []]
    attributes = {
        "created_at": iso(user.get("CreateDate")),
        "password_enabled": password_enabled,
        "password_last_used_at": password_last_used,
        "mfa_enabled": mfa_enabled,
        "access_keys": access_keys,
        "attached_policies": attached,
        "inline_policies": _inline(user.get("UserPolicyList")),
        "groups": groups,
    }
    relations = [
        rel("member_of", group_arns.get(g) or scope.arn("iam", f"group/{g}", region=""))
        for g in groups
    ]
    relations += [rel("has_policy", p) for p in attached]
    return scope.resource(
        str(user["Arn"]),
        "aws.iam.user",
        name,
        attributes,
        relations,
        tags=tags_of(user.get("Tags")),
        raw=user,
    )


def _group(group: dict[str, Any], members: int, scope: Scope) -> Resource:
    attached = _attached(group.get("AttachedManagedPolicies"))
    attributes = {
        "attached_policies": attached,
        "inline_policies": _inline(group.get("GroupPolicyList")),
        "member_count": members,
    }
    relations = [rel("has_policy", p) for p in attached]
    return scope.resource(
        str(group["Arn"]),
        "aws.iam.group",
        str(group["GroupName"]),
        attributes,
        relations,
        raw=group,
    )


def _role(role: dict[str, Any], max_session: Mapping[str, Any], scope: Scope) -> Resource:
    arn = str(role["Arn"])
    trust = parse_document(role.get("AssumeRolePolicyDocument"))
    attached = _attached(role.get("AttachedManagedPolicies"))
    attributes = {
        "created_at": iso(role.get("CreateDate")),
        "trust_policy": trust,
        "attached_policies": attached,
        "inline_policies": _inline(role.get("RolePolicyList")),
        "last_used_at": iso((role.get("RoleLastUsed") or {}).get("LastUsedDate")),
        "is_service_linked": str(role.get("Path", "")).startswith("/aws-service-role/"),
        "max_session_duration": max_session.get(arn),
        "instance_profiles": [
            str(p["Arn"]) for p in role.get("InstanceProfileList") or [] if p.get("Arn")
        ],
    }
    relations: list[Relation] = trusted_principals(trust)
    relations += [rel("has_policy", p) for p in attached]
    return scope.resource(
        arn,
        "aws.iam.role",
        str(role["RoleName"]),
        attributes,
        relations,
        tags=tags_of(role.get("Tags")),
        raw=role,
    )


def _policy(policy: dict[str, Any], scope: Scope) -> Resource:
    arn = str(policy["Arn"])
    attributes = {
        "is_aws_managed": ":iam::aws:policy/" in arn,
        "document": _default_document(policy),
        "attachment_count": policy.get("AttachmentCount"),
    }
    return scope.resource(
        arn,
        "aws.iam.policy",
        str(policy.get("PolicyName") or arn.rsplit("/", 1)[-1]),
        attributes,
        tags=tags_of(policy.get("Tags")),
        raw={k: v for k, v in policy.items() if k != "PolicyVersionList"},
    )


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """IAM users, groups, roles, managed policies and server certificates."""
    users = raw.get("UserDetailList") or []
    members: dict[str, int] = {}
    for user in users:
        for group in user.get("GroupList") or []:
            members[group] = members.get(group, 0) + 1
    groups = raw.get("GroupDetailList") or []
    group_arns = {str(g["GroupName"]): str(g["Arn"]) for g in groups}
    out = [_user(raw, u, group_arns, scope) for u in users]
    out += [_group(g, members.get(g["GroupName"], 0), scope) for g in groups]
    max_session = raw.get("max_session_duration") or {}
    out += [_role(r, max_session, scope) for r in raw.get("RoleDetailList") or []]
    out += [
        _policy(p, scope)
        for p in raw.get("Policies") or []
        if not (":iam::aws:policy/" in str(p.get("Arn")) and p.get("AttachmentCount") == 0)
    ]
    for cert in raw.get("server_certificates") or []:
        out.append(
            scope.resource(
                str(cert["Arn"]),
                "aws.iam.server_certificate",
                str(cert.get("ServerCertificateName", "")),
                {
                    "expires_at": iso(cert.get("Expiration")),
                    "uploaded_at": iso(cert.get("UploadDate")),
                },
                raw=cert,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect IAM for the account (a global service)."""
    return to_resources(fetch(ctx), ctx.scope)
