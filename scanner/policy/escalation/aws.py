"""AWS "can become" steps: users, groups and roles, their policies and trust policies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scanner.policy.data import sensitivity
from scanner.policy.escalation.catalog import (
    ADMIN_EDGE,
    READ_EDGE,
    Derivation,
    Step,
    admin_node,
    attributes_of,
    runs_as,
)
from scanner.policy.iam import Grants, admin_statements, as_list, statements, trust_targets

__all__ = ["AwsSteps", "aws_admin_reason"]


_AWS_ADMIN_MANAGED = ":iam::aws:policy/AdministratorAccess"

# Service principal -> (method, alternative sets of actions besides iam:PassRole).
_PASS_ROLE: dict[str, tuple[str, tuple[tuple[str, ...], ...]]] = {
    "ec2.amazonaws.com": ("aws_pass_role_ec2", (("ec2:RunInstances",),)),
    "lambda.amazonaws.com": (
        "aws_pass_role_lambda",
        (("lambda:CreateFunction", "lambda:InvokeFunction"),),
    ),
    "glue.amazonaws.com": (
        "aws_pass_role_glue",
        (("glue:CreateDevEndpoint",), ("glue:CreateJob", "glue:StartJobRun")),
    ),
    "cloudformation.amazonaws.com": (
        "aws_pass_role_cloudformation",
        (("cloudformation:CreateStack",),),
    ),
    "ecs-tasks.amazonaws.com": (
        "aws_pass_role_ecs",
        (
            ("ecs:RegisterTaskDefinition", "ecs:RunTask"),
            ("ecs:RegisterTaskDefinition", "ecs:CreateService"),
        ),
    ),
}

# Policy-writing methods per kind of principal they write to.
# how a trust policy names every principal of one account (the account id follows)
_ACCOUNT_KEY = "principal:aws:account:"

_WRITE_POLICY = {
    "aws.iam.user": (("aws_attach_user_policy", "iam:AttachUserPolicy"),
                     ("aws_put_user_policy", "iam:PutUserPolicy")),
    "aws.iam.group": (("aws_attach_group_policy", "iam:AttachGroupPolicy"),
                      ("aws_put_group_policy", "iam:PutGroupPolicy")),
    "aws.iam.role": (("aws_attach_role_policy", "iam:AttachRolePolicy"),
                     ("aws_put_role_policy", "iam:PutRolePolicy")),
}  # fmt: skip


def aws_admin_reason(documents: Iterable[Any], attached: Iterable[str] = ()) -> str | None:
    """Why policies (documents, attached managed policy ARNs) grant administrator rights."""
    for document in documents:
        found = admin_statements(document)
        if found:
            return found[0][2]
    for arn in attached:
        if str(arn).endswith(_AWS_ADMIN_MANAGED):
            return "AWS managed policy AdministratorAccess attached"
    return None


@dataclass
class _Principal:
    """An AWS user, group or role with the policy documents that apply to it."""

    resource: Mapping[str, Any]
    document: dict[str, Any]  # every statement of every policy that applies, in one
    groups: list[str]  # group ids (users)
    attached: list[str]  # managed policy ARNs of itself and its groups
    missing: list[str]  # attached policy ARNs whose document is not in the snapshot
    grants: Grants  # the document read once, for the many questions asked of it

    @property
    def id(self) -> str:
        return str(self.resource["id"])

    @property
    def type(self) -> str:
        return str(self.resource["type"])

    @property
    def account(self) -> str:
        return str(self.resource.get("account", ""))

    def allows(self, action: str, resource: str) -> bool:
        return self.grants.allows(action, resource)

    def may(self, action: str) -> bool:
        """The action is allowed on some resource, and not denied on all of them."""
        return self.grants.may_allow(action) and not self.grants.denies(action, "*")


# callers allowed sts:AssumeRole by account, each with its place in the list of them
_ByAccount = dict[str, list[tuple[int, "_Principal"]]]


class AwsSteps:
    """Derives the AWS steps of an estate into a Derivation (`derive()`)."""

    def __init__(self, by_type: Mapping[str, list[Mapping[str, Any]]], out: Derivation) -> None:
        self.out = out
        self.policies = {str(p["id"]): p for p in by_type.get("aws.iam.policy", ())}
        groups = by_type.get("aws.iam.group", ())
        self.group_ids = {(str(g.get("account", "")), str(g.get("name", ""))): g for g in groups}
        self.principals: list[_Principal] = []
        # statements read once for all the principals (managed policies are shared)
        self._read: dict[int, tuple[Mapping[str, Any], Any]] = {}
        self._grants: dict[tuple[int, ...], Grants] = {}  # the same statements: one Grants
        for rtype in ("aws.iam.user", "aws.iam.group", "aws.iam.role"):
            self.principals += [self._principal(r) for r in by_type.get(rtype, ())]
        self.by_id = {p.id: p for p in self.principals}
        self.trusts = {
            p.id: trust_targets(attributes_of(p.resource).get("trust_policy"))
            for p in self.principals
            if p.type == "aws.iam.role"
        }
        self.functions = by_type.get("aws.lambda.function", ())
        self.stores = [
            s
            for t in ("aws.s3.bucket", "aws.dynamodb.table")
            for s in by_type.get(t, ())
            if sensitivity(s.get("tags")) is not None
        ]
        self.admins: set[str] = set()

    def _own(self, resource: Mapping[str, Any]) -> tuple[list[Any], list[str], list[str]]:
        """(documents, attached ARNs, missing ARNs) of one principal's own policies."""
        attributes = attributes_of(resource)
        documents: list[Any] = [
            p.get("document") for p in as_list(attributes.get("inline_policies"))
            if isinstance(p, Mapping)
        ]  # fmt: skip
        attached = [str(a) for a in as_list(attributes.get("attached_policies"))]
        missing = []
        for arn in attached:
            document = attributes_of(self.policies.get(arn, {})).get("document")
            if document is None:
                if not arn.endswith(_AWS_ADMIN_MANAGED):
                    missing.append(arn)
            else:
                documents.append(document)
        return documents, attached, missing

    def _principal(self, resource: Mapping[str, Any]) -> _Principal:
        documents, attached, missing = self._own(resource)
        groups = []
        if resource.get("type") == "aws.iam.user":
            account = str(resource.get("account", ""))
            for name in as_list(attributes_of(resource).get("groups")):
                group = self.group_ids.get((account, str(name)))
                if group is None:
                    continue
                groups.append(str(group["id"]))
                more, more_attached, more_missing = self._own(group)
                documents += more
                attached += more_attached
                missing += more_missing
        merged = {
            "Version": "2012-10-17",
            "Statement": [s for document in documents for s in statements(document)],
        }
        grants = Grants(merged, self._read).shared(self._grants)
        return _Principal(resource, merged, groups, attached, missing, grants)

    def derive(self) -> None:
        for principal in self.principals:
            reason = aws_admin_reason([principal.document], principal.attached)
            if reason is not None:
                self.admins.add(principal.id)
                self.add(principal.id, admin_node("aws", principal.account), ADMIN_EDGE, (),
                         detail=reason)  # fmt: skip
            elif principal.missing:
                self.out.unknown[principal.id] = (
                    "attached policies not in the snapshot: " + ", ".join(principal.missing)
                )
        assumable = self._assume_role()
        for principal in self.principals:
            if principal.id in self.admins:
                continue  # an admin's further steps lead nowhere new
            self._pass_role(principal)
            self._write_policies(principal, assumable.get(principal.id, []))
            self._other_principals(principal)
            self._functions(principal)
            self._reads(principal)

    def add(
        self,
        source: str,
        target: str,
        method: str,
        permissions: tuple[str, ...],
        *,
        via: str = "",
        detail: str = "",
    ) -> None:
        self.out.steps.append(Step(source, target, method, permissions, via, detail))

    def _assume_role(self) -> dict[str, list[str]]:
        """`aws_assume_role` steps; returns the roles each principal can assume.

        A role's trust policy names callers by ARN (looked up directly) or by account or
        `*` (then only callers whose own policies allow sts:AssumeRole are tried), so an
        estate of many roles and users costs far less than roles x callers.
        """
        assumable: dict[str, list[str]] = {}
        callers = [p for p in self.principals if p.type != "aws.iam.group"]
        with_sts = [c for c in callers if c.may("sts:AssumeRole")]
        by_account: _ByAccount = {}
        for index, caller in enumerate(with_sts):
            by_account.setdefault(caller.account, []).append((index, caller))
        for role in self.principals:
            if role.type != "aws.iam.role":
                continue
            trusted = self.trusts[role.id]
            if not trusted:
                continue
            named = [self.by_id[n] for n in trusted if n in self.by_id]
            callers_in = self._trusted_callers(trusted, with_sts, by_account)
            candidates = {c.id: c for c in [*named, *callers_in]}
            for caller in candidates.values():
                if caller.id == role.id or caller.type == "aws.iam.group":
                    continue
                keys = trusted.get(caller.id)
                explicit_local = keys is not None and caller.account == role.account
                if keys is None:
                    keys = trusted.get(_ACCOUNT_KEY + caller.account)
                    if keys is None:
                        keys = trusted.get("principal:aws:*")
                if keys is None:
                    continue
                if not explicit_local and not caller.allows("sts:AssumeRole", role.id):
                    continue
                detail = f"trust conditions: {', '.join(keys)}" if keys else ""
                self.add(caller.id, role.id, "aws_assume_role", ("sts:AssumeRole",),
                         via=role.id, detail=detail)  # fmt: skip
                assumable.setdefault(caller.id, []).append(role.id)
        return assumable

    @staticmethod
    def _trusted_callers(
        trusted: Mapping[str, Any], with_sts: list[_Principal], by_account: _ByAccount
    ) -> list[_Principal]:
        """The callers of `with_sts` a trust policy may let in by account or `*`, in their
        order there: a caller of another account cannot match, so it is not tried."""
        if "principal:aws:*" in trusted:
            return with_sts
        found: list[tuple[int, _Principal]] = []
        for key in trusted:
            if key.startswith(_ACCOUNT_KEY):
                found += by_account.get(key.removeprefix(_ACCOUNT_KEY), ())
        if len(found) > 1:
            found.sort(key=lambda pair: pair[0])
        return [caller for _, caller in found]

    def _pass_role(self, principal: _Principal) -> None:
        if principal.type == "aws.iam.group" or not principal.may("iam:PassRole"):
            return
        for role in self.principals:
            if role.type != "aws.iam.role" or role.id == principal.id:
                continue
            trusted = self.trusts[role.id]
            for service, (method, alternatives) in _PASS_ROLE.items():
                if f"principal:aws:service:{service}" not in trusted:
                    continue
                if not principal.allows("iam:PassRole", role.id):
                    break
                actions = next((a for a in alternatives if all(principal.may(x) for x in a)), None)
                if actions is None:
                    continue
                if method == "aws_pass_role_ec2" and not attributes_of(role.resource).get(
                    "instance_profiles"
                ):
                    continue  # no instance profile holds the role, so no instance can run as it
                self.add(principal.id, role.id, method, ("iam:PassRole", *actions), via=service)

    def _write_policies(self, principal: _Principal, assumable: list[str]) -> None:
        """Policy-writing steps on itself, its groups and the roles it can assume."""
        admin = admin_node("aws", principal.account)
        targets = [principal.id, *principal.groups, *assumable]
        for target_id in dict.fromkeys(targets):
            target = self.by_id.get(target_id)
            if target is None or target.account != principal.account:
                continue
            for method, action in _WRITE_POLICY[target.type]:
                if principal.allows(action, target.id):
                    self.add(principal.id, admin, method, (action,), via=target.id)
            for arn in as_list(attributes_of(target.resource).get("attached_policies")):
                if ":iam::aws:policy/" in str(arn):
                    continue  # AWS managed policies cannot get new versions
                for method, action in (
                    ("aws_create_policy_version", "iam:CreatePolicyVersion"),
                    ("aws_set_default_policy_version", "iam:SetDefaultPolicyVersion"),
                ):
                    if principal.allows(action, str(arn)):
                        self.add(principal.id, admin, method, (action,), via=str(arn))

    def _other_principals(self, principal: _Principal) -> None:
        """Steps onto other users (credentials), groups (membership) and roles (trust)."""
        if not any(principal.may(a) for a in _ON_OTHERS):
            return  # most principals: no need to look at every other one
        for other in self.principals:
            if other.id == principal.id or other.account != principal.account:
                continue
            if other.type == "aws.iam.role":
                if principal.allows("iam:UpdateAssumeRolePolicy", other.id):
                    self.add(principal.id, other.id, "aws_update_assume_role_policy",
                             ("iam:UpdateAssumeRolePolicy",), via=other.id)  # fmt: skip
            elif other.type == "aws.iam.group":
                if (
                    principal.type == "aws.iam.user"
                    and other.id not in principal.groups
                    and principal.allows("iam:AddUserToGroup", other.id)
                ):
                    self.add(principal.id, other.id, "aws_add_user_to_group",
                             ("iam:AddUserToGroup",), via=other.id)  # fmt: skip
            else:
                self._user_credentials(principal, other)

    def _user_credentials(self, principal: _Principal, user: _Principal) -> None:
        password = attributes_of(user.resource).get("password_enabled")
        for method, action, applies in (
            ("aws_create_access_key", "iam:CreateAccessKey", True),
            ("aws_create_login_profile", "iam:CreateLoginProfile", password is not True),
            ("aws_update_login_profile", "iam:UpdateLoginProfile", password is not False),
        ):
            if applies and principal.allows(action, user.id):
                self.add(principal.id, user.id, method, (action,), via=user.id)

    def _functions(self, principal: _Principal) -> None:
        if principal.type == "aws.iam.group" or not principal.may("lambda:UpdateFunctionCode"):
            return
        for function in self.functions:
            fid = str(function["id"])
            if not principal.allows("lambda:UpdateFunctionCode", fid):
                continue
            for role in runs_as(function):
                if role != principal.id:
                    self.add(principal.id, role, "aws_update_function_code",
                             ("lambda:UpdateFunctionCode",), via=fid)  # fmt: skip

    def _reads(self, principal: _Principal) -> None:
        if principal.type == "aws.iam.group":
            return
        for store in self.stores:
            sid = str(store["id"])
            probes: tuple[tuple[str, str], ...]
            if store.get("type") == "aws.s3.bucket":
                probes = (("s3:GetObject", f"{sid}/*"),)
            else:
                probes = tuple((a, sid) for a in _DYNAMODB_READS)
            found = tuple(a for a, r in probes if principal.allows(a, r))
            if found:
                self.out.reads.append(
                    Step(
                        principal.id,
                        sid,
                        READ_EDGE,
                        found,
                        sid,
                        sensitivity(store.get("tags")) or "",
                    )
                )


_ON_OTHERS = (
    "iam:UpdateAssumeRolePolicy",
    "iam:AddUserToGroup",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
)
_DYNAMODB_READS = ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan")
