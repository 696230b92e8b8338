"""The demo's AWS accounts, account-wide part: the account, keys, IAM and S3.

One code path builds prod and staging alike; `DemoEnv` (see `demo_envs`) says how the two
differ. The regions follow in `scanner.synthetic.demo_aws_regions`.
"""

from __future__ import annotations

import random

from scanner.synthetic.aws import Aws
from scanner.synthetic.aws_account import STRONG_PASSWORD_POLICY, WEAK_PASSWORD_POLICY
from scanner.synthetic.aws_iam import (
    AWS_MANAGED_POLICIES,
    MANAGED,
    account_trust,
    external_id,
    service_trust,
)
from scanner.synthetic.common import TOOLING_ACCOUNT, ResourceDict, allow, doc
from scanner.synthetic.demo_aws_regions import primary_region, secondary_region
from scanner.synthetic.demo_spec import DemoAccount, DemoEnv, Problems, when

__all__ = ["demo_aws_account"]


def demo_aws_account(rng: random.Random, flag: Problems, env: DemoEnv) -> list[ResourceDict]:
    """One demo account: account-wide resources, then its two regions."""
    a = Aws(rng, env.account, "eu-west-1", env.name, env.cost_center)
    acct = DemoAccount(flag, [], a, env, {})
    _account(acct)
    _keys(acct)
    _policies_and_groups(acct)
    acct.build(env.users)
    _roles(acct)
    _buckets(acct)
    primary_region(acct)
    secondary_region(acct.at("us-east-1"))
    return acct.out


def _account(acct: DemoAccount) -> None:
    """The account (root user, password policy, S3 block) and the AWS-managed policies."""
    a, env = acct.a, acct.env
    resource = a.account_res(
        f"northwind-{env.name}",
        password_policy=WEAK_PASSWORD_POLICY if env.weak_passwords else STRONG_PASSWORD_POLICY,
        public_access_block=env.public_access_block,
        root_keys=env.root_keys,
        root_last_used_days=45 if env.root_keys else None,
        support_role=env.support_role,
    )
    acct.add(
        resource,
        *when(env.root_keys, "iam", "the root user has an active access key"),
        *when(
            env.weak_passwords,
            "iam",
            "password policy: 8 characters, no symbols, no reuse prevention",
        ),
        *when(not env.support_role, "iam", "no role has AWSSupportAccess attached"),
        *when(not env.public_access_block, "security", "no account-level S3 public access block"),
    )
    if env.managed_policies:
        for path, name, document in AWS_MANAGED_POLICIES:
            acct.add(a.managed_policy(path, name, document, 3))


def _keys(acct: DemoAccount) -> None:
    """The primary region's KMS keys: buckets and the trail use them."""
    a, env = acct.a, acct.env
    rotation = env.data_key_rotation
    data_key = a.kms_key(f"alias/{env.name}-data", rotation=rotation, created_days=1100)
    ebs_key = a.kms_key(f"alias/{env.name}-ebs", created_days=1100)
    acct.add(
        data_key,
        *when(not rotation, "encryption", "customer-managed KMS key without automatic rotation"),
    )
    acct.add(ebs_key)
    acct.refs.update(data_key=data_key, ebs_key=ebs_key)
    acct.build(env.keys)


def _policies_and_groups(acct: DemoAccount) -> None:
    """The deploy and assets policies, the allow-all policy, the groups."""
    a, env, account = acct.a, acct.env, acct.a.account
    assets = f"arn:aws:s3:::northwind-{env.name}-assets"
    deploy = a.policy(
        "NorthwindDeploy",
        doc(
            allow(
                ["ecs:UpdateService", "ecs:RegisterTaskDefinition", "ecr:PutImage", "iam:PassRole"],
                [f"arn:aws:ecs:*:{account}:service/*", f"arn:aws:iam::{account}:role/*-instance"],
            ),
            allow(["s3:PutObject", "s3:DeleteObject"], f"{assets}/*"),
        ),
        env.deploy_attachments,
    )
    read = allow(["s3:GetObject", "s3:ListBucket"], [assets, f"{assets}/*"])
    assets_read = a.policy("NorthwindAssetsRead", doc(read), 2)
    acct.add(deploy)
    acct.add(assets_read)
    admin = a.policy(env.admin_policy, doc(allow("*", "*")), 1 if env.admin_attached else 0)
    acct.add(
        admin,
        *when(
            env.admin_attached,
            "iam",
            'customer-managed policy allows Action "*" on Resource "*"'
            " and is attached (group Developers)",
        ),
    )
    acct.refs.update(deploy=deploy, assets_read=assets_read, admin=admin)
    admins = a.group("Admins", [MANAGED["AdministratorAccess"]], env.admins)
    acct.refs["Admins"] = acct.add(admins)
    acct.build(env.groups)


def _roles(acct: DemoAccount) -> None:
    """The roles every environment has, the environment's own, the Auto Scaling role."""
    a, env, refs = acct.a, acct.env.name, acct.refs
    ec2 = service_trust("ec2.amazonaws.com")
    ssm = MANAGED["AmazonSSMManagedInstanceCore"]
    cwagent = MANAGED["CloudWatchAgentServerPolicy"]
    secret_read = {
        "name": "read-app-secrets",
        "document": doc(
            allow(
                "secretsmanager:GetSecretValue",
                f"arn:aws:secretsmanager:*:{a.account}:secret:{env}/*",
            )
        ),
    }
    ecs = service_trust("ecs-tasks.amazonaws.com")
    ci = account_trust(TOOLING_ACCOUNT, external_id(f"northwind-ci-{env}"))
    for key, role in (
        ("web", a.role(f"{env}-web-instance", [ec2], [ssm, cwagent, refs["assets_read"]["id"]])),
        ("app", a.role(f"{env}-app-instance", [ec2], [ssm, cwagent], inline=[secret_read])),
        ("bastion", a.role(f"{env}-bastion-instance", [ec2], [ssm])),
        ("task", a.role(f"{env}-orders-worker-task", [ecs], [], inline=[secret_read])),
        ("ci", a.role("ci-deploy", [ci], [refs["deploy"]["id"]], team="platform")),
    ):
        refs[f"role:{key}"] = acct.add(role)
    acct.build(acct.env.roles)
    refs["role:asg"] = acct.add(
        a.role(
            "AWSServiceRoleForAutoScaling",
            [service_trust("autoscaling.amazonaws.com")],
            [MANAGED["AutoScalingServiceRolePolicy"]],
            path="/aws-service-role/autoscaling.amazonaws.com/",
            service_linked=True,
            max_session=3600,
        )
    )


def _buckets(acct: DemoAccount) -> None:
    """The log bucket, the CloudTrail bucket, then the environment's own buckets."""
    a, env = acct.a, acct.env
    logs = a.bucket(
        f"northwind-{env.name}-logs", versioning="Enabled", lifecycle_rules=2, created_days=1300
    )
    trail_bucket = a.bucket(
        f"northwind-{env.name}-cloudtrail",
        key=acct.refs.get("trail_key"),
        log_to=logs,
        object_lock=env.trail_object_lock,
        cloudtrail_writer=True,
        created_days=1300,
        team="security",
    )
    acct.refs.update(logs=acct.add(logs), trail_bucket=acct.add(trail_bucket))
    acct.build(env.buckets)
