"""AWS Organizations: the organisation, its OUs, member accounts and service control policies.

Collected from the management account only (other accounts cannot list the
organisation): in a member account the service returns nothing. OUs and accounts are
`member_of` their parent (root or OU); every target of a service control policy has a
`has_policy` relation to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext, missing_as
from scanner.collectors.aws.normalise import iso, rel, tags_of
from scanner.model import Relation, Resource
from scanner.policy.iam import parse_document

__all__ = ["collect", "fetch", "to_resources"]


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw organisation payloads, or {} when this account is not the management account."""
    org = ctx.client("organizations")
    not_in_use: dict[str, Any] = {}
    response = missing_as(
        ("AWSOrganizationsNotInUseException",), not_in_use, org.describe_organization
    )
    described = response.get("Organization")
    if not described or described.get("MasterAccountId") != ctx.account:
        return {}
    raw: dict[str, Any] = {"organization": described}
    roots = ctx.paginate(org, "list_roots", "Roots")
    raw["roots"] = roots
    units: list[dict[str, Any]] = []
    accounts: list[dict[str, Any]] = []
    parents = [(str(r["Id"]), str(r["Arn"])) for r in roots]
    while parents:
        parent_id, parent_arn = parents.pop()
        children = ctx.attempt(
            ctx.paginate,
            org,
            "list_organizational_units_for_parent",
            "OrganizationalUnits",
            ParentId=parent_id,
        )
        for unit in children or []:
            units.append({**unit, "ParentArn": parent_arn})
            parents.append((str(unit["Id"]), str(unit["Arn"])))
        members = ctx.attempt(
            ctx.paginate, org, "list_accounts_for_parent", "Accounts", ParentId=parent_id
        )
        accounts += [{**a, "ParentArn": parent_arn} for a in members or []]
    raw["units"] = units
    raw["accounts"] = accounts
    policies = []
    if "SERVICE_CONTROL_POLICY" in _enabled_policy_types(roots):
        # unreadable policies are an error; the units and accounts read stand
        summaries = ctx.attempt(
            ctx.paginate, org, "list_policies", "Policies", Filter="SERVICE_CONTROL_POLICY"
        )
        for summary in summaries or []:
            policy = ctx.attempt(org.describe_policy, PolicyId=summary["Id"])
            targets = ctx.attempt(
                ctx.paginate, org, "list_targets_for_policy", "Targets", PolicyId=summary["Id"]
            )
            policies.append(
                {
                    "summary": summary,
                    "content": ((policy or {}).get("Policy") or {}).get("Content"),
                    "targets": targets,
                }
            )
    raw["policies"] = policies
    return raw


def _enabled_policy_types(roots: list[dict[str, Any]]) -> set[str]:
    """The policy types enabled on any root (e.g. SERVICE_CONTROL_POLICY)."""
    return {
        str(p.get("Type"))
        for r in roots
        for p in r.get("PolicyTypes") or []
        if p.get("Status") == "ENABLED"
    }


def _policies(raw: Mapping[str, Any], scope: Scope) -> tuple[list[Resource], dict[str, list[str]]]:
    """The service control policies, and target id -> the ARNs of the policies on it."""
    policies_of: dict[str, list[str]] = {}
    out: list[Resource] = []
    for item in raw.get("policies") or []:
        summary = item["summary"]
        targets = item.get("targets")
        for target in targets or []:
            policies_of.setdefault(str(target.get("TargetId")), []).append(str(summary["Arn"]))
        attributes = {
            "policy_type": summary.get("Type"),
            "is_aws_managed": bool(summary.get("AwsManaged")),
            "document": parse_document(item.get("content")),
            "target_ids": None if targets is None else [t.get("TargetId") for t in targets],
        }
        out.append(
            scope.resource(
                str(summary["Arn"]),
                "aws.organizations.policy",
                str(summary.get("Name")),
                attributes,
                raw=summary,
            )
        )
    return out, policies_of


def _organization(
    organization: Mapping[str, Any],
    roots: list[dict[str, Any]],
    policies_of: dict[str, list[str]],
    scope: Scope,
) -> Resource:
    """The organisation; the policies attached to its roots are its `has_policy` relations."""
    attributes = {
        "master_account_id": organization.get("MasterAccountId"),
        "feature_set": organization.get("FeatureSet"),
        "enabled_policy_types": sorted(_enabled_policy_types(roots)),
        "root_ids": [r.get("Id") for r in roots],
    }
    return scope.resource(
        str(organization["Arn"]),
        "aws.organizations.organization",
        str(organization.get("Id")),
        attributes,
        [rel("has_policy", p) for r in roots for p in policies_of.get(str(r.get("Id")), [])],
        raw=organization,
    )


def _placed(item: Mapping[str, Any], policies_of: dict[str, list[str]]) -> list[Relation]:
    """An OU's or account's relations: `member_of` its parent, `has_policy` its policies."""
    relations = [rel("member_of", str(item["ParentArn"]))]
    relations += [rel("has_policy", p) for p in policies_of.get(str(item["Id"]), [])]
    return relations


def _account(
    member: Mapping[str, Any], policies_of: dict[str, list[str]], scope: Scope
) -> Resource:
    """One member account."""
    attributes = {
        "account_id": member.get("Id"),
        "email": member.get("Email"),
        "status": member.get("Status"),
        "joined_method": member.get("JoinedMethod"),
        "joined_at": iso(member.get("JoinedTimestamp")),
    }
    return scope.resource(
        str(member["Arn"]),
        "aws.organizations.account",
        str(member.get("Name") or member.get("Id")),
        attributes,
        _placed(member, policies_of),
        tags=tags_of(member.get("Tags")),
        raw=member,
    )


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """The organisation, its OUs, member accounts and service control policies."""
    organization = raw.get("organization")
    if not organization:
        return []
    out, policies_of = _policies(raw, scope)
    out.append(_organization(organization, raw.get("roots") or [], policies_of, scope))
    out += [
        scope.resource(
            str(unit["Arn"]),
            "aws.organizations.ou",
            str(unit.get("Name")),
            {"ou_id": unit.get("Id")},
            _placed(unit, policies_of),
            raw=unit,
        )
        for unit in raw.get("units") or []
    ]
    out += [_account(member, policies_of, scope) for member in raw.get("accounts") or []]
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the organisation (management account only; a global service)."""
    return to_resources(fetch(ctx), ctx.scope)
