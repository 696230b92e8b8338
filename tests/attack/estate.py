"""An AWS estate built for the attack-path rules: one escalating principal per method,
each with a compliant twin of the same shape that stays harmless.

Every escalator is a user (or role) whose only rights are the ones its method needs;
its twin holds the same actions minus one, on another resource, or under a Deny.
Administrator rights are a customer managed policy allowing `*` on `*` (moto's copies
of the AWS managed policies are not loaded, for speed).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from tests.collectors.aws.conftest import ACCOUNT, Moto

__all__ = ["ESCALATIONS", "Escalation", "seed_attack_estate"]

ARN = f"arn:aws:iam::{ACCOUNT}"


@dataclass(frozen=True)
class Escalation:
    """A principal that must be found escalating by `method`, and its silent twin."""

    method: str
    principal: str  # user name, or role/<name>
    twin: str


ESCALATIONS = (
    Escalation("aws_assume_role", "assumer", "assumer-twin"),
    Escalation("aws_pass_role_ec2", "ec2-launcher", "ec2-launcher-twin"),
    Escalation("aws_pass_role_lambda", "lambda-deployer", "lambda-deployer-twin"),
    Escalation("aws_pass_role_cloudformation", "stack-deployer", "stack-deployer-twin"),
    Escalation("aws_pass_role_glue", "glue-developer", "glue-developer-twin"),
    Escalation("aws_pass_role_ecs", "ecs-runner", "ecs-runner-twin"),
    Escalation("aws_create_policy_version", "policy-author", "policy-author-twin"),
    Escalation("aws_set_default_policy_version", "policy-switcher", "policy-switcher-twin"),
    Escalation("aws_attach_user_policy", "self-attacher", "self-attacher-twin"),
    Escalation("aws_put_user_policy", "self-writer", "self-writer-twin"),
    Escalation("aws_attach_group_policy", "group-attacher", "group-attacher-twin"),
    Escalation("aws_put_role_policy", "role/self-editing-role", "role/self-editing-role-twin"),
    Escalation("aws_update_assume_role_policy", "trust-editor", "trust-editor-twin"),
    Escalation("aws_create_access_key", "key-minter", "key-minter-twin"),
    Escalation("aws_create_login_profile", "password-setter", "password-setter-twin"),
    Escalation("aws_update_login_profile", "password-resetter", "password-resetter-twin"),
    Escalation("aws_add_user_to_group", "group-joiner", "group-joiner-twin"),
    Escalation("aws_update_function_code", "code-pusher", "code-pusher-twin"),
)


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(actions: list[str] | str, resource: str = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


def _trust(principal: dict[str, str]) -> str:
    return _doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


# Each escalator's (and twin's) inline policy. Targets are named below.
_POLICIES: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {
    "assumer": (
        [_allow("sts:AssumeRole", f"{ARN}:role/account-admin")],
        [_allow("sts:AssumeRole", f"{ARN}:role/reader")],
    ),
    "ec2-launcher": (
        [_allow(["iam:PassRole", "ec2:RunInstances"])],
        [_allow("ec2:RunInstances"), _allow("iam:PassRole", f"{ARN}:role/reader")],
    ),
    "lambda-deployer": (
        [_allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"])],
        [_allow(["iam:PassRole", "lambda:CreateFunction"])],  # cannot invoke it
    ),
    "stack-deployer": (
        [_allow(["iam:PassRole", "cloudformation:CreateStack"])],
        [_allow("cloudformation:CreateStack"), _allow("iam:PassRole", f"{ARN}:role/app/*")],
    ),
    "glue-developer": (
        [_allow(["iam:PassRole", "glue:CreateDevEndpoint"])],
        [_allow(["iam:PassRole", "glue:GetDevEndpoints"])],
    ),
    "ecs-runner": (
        [_allow(["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"])],
        [
            _allow(["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"]),
            {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"},
        ],
    ),
    "self-attacher": (
        [_allow("iam:AttachUserPolicy", f"{ARN}:user/self-attacher")],
        [_allow("iam:AttachUserPolicy", f"{ARN}:user/nobody")],
    ),
    "self-writer": (
        [_allow("iam:PutUserPolicy", f"{ARN}:user/self-writer")],
        [_allow("iam:GetUserPolicy", f"{ARN}:user/self-writer-twin")],
    ),
    "group-attacher": (
        [_allow("iam:AttachGroupPolicy", f"{ARN}:group/attachers")],
        [_allow("iam:AttachGroupPolicy", f"{ARN}:group/attachers")],  # not a member
    ),
    "trust-editor": (
        [_allow("iam:UpdateAssumeRolePolicy", f"{ARN}:role/account-admin")],
        [_allow("iam:UpdateAssumeRolePolicy", f"{ARN}:role/reader")],
    ),
    "key-minter": (
        [_allow("iam:CreateAccessKey", f"{ARN}:user/admin-user")],
        [_allow("iam:CreateAccessKey", f"{ARN}:user/key-minter-twin")],  # its own keys
    ),
    "password-setter": (
        [_allow("iam:CreateLoginProfile", f"{ARN}:user/admin-user")],
        [_allow("iam:CreateLoginProfile", f"{ARN}:user/admin-console")],  # has a password
    ),
    "password-resetter": (
        [_allow("iam:UpdateLoginProfile", f"{ARN}:user/admin-console")],
        [_allow("iam:UpdateLoginProfile", f"{ARN}:user/admin-user")],  # has none
    ),
    "group-joiner": (
        [_allow("iam:AddUserToGroup", f"{ARN}:group/admins")],
        [_allow("iam:AddUserToGroup", f"{ARN}:group/other-team")],
    ),
    "code-pusher": (
        [_allow("lambda:UpdateFunctionCode", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:ops")],
        [_allow("lambda:UpdateFunctionCode", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:web")],
    ),
}


def _targets(iam: Any) -> str:
    """Admin policy, admin roles per service, admin users and groups; returns its ARN."""
    admin = iam.create_policy(PolicyName="FullAdmin", PolicyDocument=_doc(_allow("*")))
    admin_arn = str(admin["Policy"]["Arn"])
    iam.create_role(
        RoleName="account-admin", AssumeRolePolicyDocument=_trust({"AWS": f"{ARN}:root"})
    )
    iam.attach_role_policy(RoleName="account-admin", PolicyArn=admin_arn)
    for service in ("ec2", "lambda", "cloudformation", "glue", "ecs-tasks"):
        name = f"{service}-admin"
        iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=_trust({"Service": f"{service}.amazonaws.com"})
        )
        iam.attach_role_policy(RoleName=name, PolicyArn=admin_arn)
    iam.create_instance_profile(InstanceProfileName="ec2-admin")
    iam.add_role_to_instance_profile(InstanceProfileName="ec2-admin", RoleName="ec2-admin")
    reader = iam.create_policy(
        PolicyName="ReadOnly", PolicyDocument=_doc(_allow(["s3:GetObject", "ec2:Describe*"]))
    )
    iam.create_role(RoleName="reader", AssumeRolePolicyDocument=_trust({"AWS": f"{ARN}:root"}))
    iam.attach_role_policy(RoleName="reader", PolicyArn=reader["Policy"]["Arn"])
    for user in ("admin-user", "admin-console"):
        iam.create_user(UserName=user)
        iam.attach_user_policy(UserName=user, PolicyArn=admin_arn)
    iam.create_login_profile(UserName="admin-console", Password="Pscan-Test-Passw0rd!")
    iam.create_group(GroupName="admins")
    iam.attach_group_policy(GroupName="admins", PolicyArn=admin_arn)
    iam.create_group(GroupName="other-team")
    iam.put_group_policy(
        GroupName="other-team", PolicyName="read", PolicyDocument=_doc(_allow("s3:GetObject"))
    )
    return admin_arn


def _policy_versions(iam: Any) -> None:
    """Escalation through a managed policy attached to the escalator itself."""
    for user, action in (
        ("policy-author", "iam:CreatePolicyVersion"),
        ("policy-switcher", "iam:SetDefaultPolicyVersion"),
    ):
        for name, target in ((user, user), (f"{user}-twin", f"{user}-elsewhere")):
            iam.create_user(UserName=name)
            arn = f"{ARN}:policy/{name}-policy"
            resource = arn if target == user else f"{ARN}:policy/{target}"
            iam.create_policy(
                PolicyName=f"{name}-policy", PolicyDocument=_doc(_allow(action, resource))
            )
            iam.attach_user_policy(UserName=name, PolicyArn=arn)


def seed_attack_estate(moto: Moto) -> None:
    """Create the estate in moto's default account."""
    iam = moto.client("iam")
    _targets(iam)
    for escalator, (policy, twin_policy) in _POLICIES.items():
        for name, statements in ((escalator, policy), (f"{escalator}-twin", twin_policy)):
            iam.create_user(UserName=name)
            iam.put_user_policy(UserName=name, PolicyName="work", PolicyDocument=_doc(*statements))
    _policy_versions(iam)
    iam.create_group(GroupName="attachers")
    iam.add_user_to_group(GroupName="attachers", UserName="group-attacher")
    iam.add_user_to_group(GroupName="other-team", UserName="group-attacher-twin")
    for name, resource in (
        ("self-editing-role", "self-editing-role"),
        ("self-editing-role-twin", "reader"),
    ):
        iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=_trust({"Service": "ec2.amazonaws.com"})
        )
        iam.put_role_policy(
            RoleName=name,
            PolicyName="work",
            PolicyDocument=_doc(_allow("iam:PutRolePolicy", f"{ARN}:role/{resource}")),
        )
    lam = moto.client("lambda")
    for function, role in (("ops", "lambda-admin"), ("web", "reader")):
        lam.create_function(
            FunctionName=function,
            Runtime="python3.12",
            Role=f"{ARN}:role/{role}",
            Handler="index.handler",
            Code={"ZipFile": _zip()},
        )
