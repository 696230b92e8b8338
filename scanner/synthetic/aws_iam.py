"""AWS IAM builders: AWS-managed and customer policies, groups, users, roles and trusts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from scanner.synthetic.aws_base import AwsBase
from scanner.synthetic.common import ALNUM_UPPER, ResourceDict, allow, doc, rel, ts

__all__ = [
    "AWS_MANAGED_POLICIES",
    "MANAGED",
    "MFA",
    "AwsIam",
    "Trust",
    "account_trust",
    "external_id",
    "service_trust",
]

# AWS-managed policies the estates attach: (path, name, document). Their ids are shared by
# every account, so each estate emits them once (under its first account).
AWS_MANAGED_POLICIES: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("", "AdministratorAccess", doc(allow("*", "*"))),
    (
        "",
        "ReadOnlyAccess",
        doc(
            allow(
                [
                    "ec2:Describe*",
                    "s3:Get*",
                    "s3:List*",
                    "iam:Get*",
                    "iam:List*",
                    "rds:Describe*",
                    "logs:Describe*",
                    "cloudwatch:Get*",
                    "lambda:List*",
                ],
                "*",
            )
        ),
    ),
    (
        "",
        "AmazonSSMManagedInstanceCore",
        doc(
            allow(
                [
                    "ssm:DescribeAssociation",
                    "ssm:GetDocument",
                    "ssm:UpdateInstanceInformation",
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:OpenDataChannel",
                    "ec2messages:GetMessages",
                ],
                "*",
            )
        ),
    ),
    (
        "",
        "CloudWatchAgentServerPolicy",
        doc(allow(["cloudwatch:PutMetricData", "logs:PutLogEvents", "logs:CreateLogStream"], "*")),
    ),
    ("", "AWSSupportAccess", doc(allow("support:*", "*"))),
    (
        "service-role/",
        "AWSLambdaBasicExecutionRole",
        doc(allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "*")),
    ),
    (
        "service-role/",
        "AWSLambdaVPCAccessExecutionRole",
        doc(
            allow(
                [
                    "ec2:CreateNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DeleteNetworkInterface",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                ],
                "*",
            )
        ),
    ),
    (
        "aws-service-role/",
        "AutoScalingServiceRolePolicy",
        doc(allow(["ec2:RunInstances", "ec2:TerminateInstances", "elasticloadbalancing:*"], "*")),
    ),
)
MANAGED = {name: f"arn:aws:iam::aws:policy/{path}{name}" for path, name, _ in AWS_MANAGED_POLICIES}
"""The ARN of each AWS-managed policy, by name."""


class Trust(NamedTuple):
    """One statement of a role's trust policy, with the graph node it trusts."""

    node: str
    principal: dict[str, Any] | str
    condition: dict[str, Any] | None = None
    action: str = "sts:AssumeRole"


def service_trust(service: str) -> Trust:
    """Trust in an AWS service principal (`ec2.amazonaws.com`)."""
    return Trust(f"principal:aws:service:{service}", {"Service": service})


def account_trust(account: str, condition: dict[str, Any] | None = None) -> Trust:
    """Trust in a whole AWS account (its root), optionally under a condition."""
    return Trust(
        f"principal:aws:account:{account}", {"AWS": f"arn:aws:iam::{account}:root"}, condition
    )


def external_id(value: str) -> dict[str, Any]:
    """The trust condition a third party must meet: `sts:ExternalId` equals `value`."""
    return {"StringEquals": {"sts:ExternalId": value}}


MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
"""The trust condition that the caller signed in with MFA."""


class AwsIam(AwsBase):
    """Builders of IAM policies, groups, users and roles (all in the `global` region)."""

    def managed_policy(
        self, path: str, name: str, document: dict[str, Any], n: int
    ) -> ResourceDict:
        """An AWS-managed policy attached `n` times."""
        attrs = {"is_aws_managed": True, "document": document, "attachment_count": n}
        return self.res(MANAGED[name], "aws.iam.policy", name, attrs, [], region="global", tags={})

    def policy(
        self, name: str, document: dict[str, Any], attachments: int, *, team: str = "platform"
    ) -> ResourceDict:
        """A customer-managed policy."""
        rid = f"arn:aws:iam::{self.account}:policy/{name}"
        attrs = {"is_aws_managed": False, "document": document, "attachment_count": attachments}
        return self.res(rid, "aws.iam.policy", name, attrs, [], team=team, region="global")

    def group(self, name: str, policies: Sequence[str], members: int) -> ResourceDict:
        """A group with managed policies attached (by ARN)."""
        rid = f"arn:aws:iam::{self.account}:group/{name}"
        attrs = {
            "attached_policies": list(policies),
            "inline_policies": [],
            "member_count": members,
        }
        rels = [rel("has_policy", p) for p in policies]
        # IAM groups cannot carry tags.
        return self.res(rid, "aws.iam.group", name, attrs, rels, region="global", tags={})

    def access_key_id(self) -> str:
        """A random access key id."""
        # 20 characters like a real key id, visibly fake: AKIA + 9 random + EXAMPLE.
        return "AKIA" + "".join(self.rng.choices(ALNUM_UPPER, k=9)) + "EXAMPLE"

    def user(
        self,
        name: str,
        *,
        groups: Sequence[ResourceDict] = (),
        policies: Sequence[str] = (),
        console: bool = True,
        mfa: bool = True,
        keys: Sequence[tuple[int, str, int | None]] = (),
        created_days: int = 700,
        last_login_days: int | None = 3,
        team: str = "platform",
    ) -> ResourceDict:
        """A user; `keys` holds (age in days, Active|Inactive, days since last use or None)."""
        rng = self.rng
        access_keys = [
            {
                "id": self.access_key_id(),
                "status": status,
                "created_at": ts(age, rng.randrange(86400)),
                "last_used_at": None if used is None else ts(used, rng.randrange(86400)),
            }
            for age, status, used in keys
        ]
        attrs = {
            "created_at": ts(created_days, rng.randrange(86400)),
            "password_enabled": console,
            "password_last_used_at": ts(last_login_days, rng.randrange(86400))
            if console and last_login_days is not None
            else None,
            "mfa_enabled": mfa,
            "access_keys": access_keys,
            "attached_policies": list(policies),
            "inline_policies": [],
            "groups": [g["name"] for g in groups],
        }
        rels = [rel("member_of", g["id"]) for g in groups]
        rels += [rel("has_policy", p) for p in policies]
        rid = f"arn:aws:iam::{self.account}:user/{name}"
        return self.res(rid, "aws.iam.user", name, attrs, rels, team=team, region="global")

    def role(
        self,
        name: str,
        trusts: Sequence[Trust],
        policies: Sequence[str],
        *,
        inline: Sequence[dict[str, Any]] = (),
        path: str = "/",
        service_linked: bool = False,
        created_days: int = 500,
        last_used_days: int | None = 1,
        max_session: int = 3600,
        team: str = "platform",
    ) -> ResourceDict:
        """A role trusting `trusts`, with managed `policies` (ARNs) and `inline` policies."""
        statements = []
        for t in trusts:
            statement: dict[str, Any] = {"Effect": "Allow", "Principal": t.principal}
            statement["Action"] = t.action
            if t.condition:
                statement["Condition"] = t.condition
            statements.append(statement)
        rng = self.rng
        attrs = {
            "created_at": ts(created_days, rng.randrange(86400)),
            "trust_policy": doc(*statements),
            "attached_policies": list(policies),
            "inline_policies": list(inline),
            "last_used_at": None
            if last_used_days is None
            else ts(last_used_days, rng.randrange(86400)),
            "is_service_linked": service_linked,
            "max_session_duration": max_session,
        }
        rels = [rel("trusts", t.node) for t in trusts]
        rels += [rel("has_policy", p) for p in policies]
        rid = f"arn:aws:iam::{self.account}:role{path}{name}"
        tags: dict[str, str] | None = {} if service_linked else None
        return self.res(
            rid, "aws.iam.role", name, attrs, rels, team=team, region="global", tags=tags
        )
