"""Northwind's two AWS environments of the demo, prod and staging, written as data.

Staging is where the problems are: each problem setting below has its compliant twin in
prod. Read the two side by side to see the story; `demo_aws` and `demo_aws_regions` build
both from the same code.
"""

from __future__ import annotations

from scanner.synthetic.aws import Aws
from scanner.synthetic.aws_iam import (
    MANAGED,
    MFA,
    Trust,
    account_trust,
    external_id,
    service_trust,
)
from scanner.synthetic.common import PROD_ACCOUNT, STAGING_ACCOUNT, VENDOR_ACCOUNT, secret_entry
from scanner.synthetic.demo_aws_regions import dr_stack, edge_stack
from scanner.synthetic.demo_spec import DemoEnv, Draw, Id, Ref, ecs_task, item

__all__ = ["HOSTILE", "PROD", "STAGING"]

HOSTILE = "<script>alert(1)</script>"
"""A tag value that must come out of every report escaped."""

_LAMBDA = service_trust("lambda.amazonaws.com")
_BASIC = MANAGED["AWSLambdaBasicExecutionRole"]
_READONLY = MANAGED["ReadOnlyAccess"]
_STAGING_CI = f"arn:aws:iam::{STAGING_ACCOUNT}:role/ci-deploy"
_NO_MFA = ("iam", "console password without MFA")

PROD = DemoEnv(
    name="prod",
    account=PROD_ACCOUNT,
    cost_center="CC-1001",
    root_keys=False,
    weak_passwords=False,
    support_role=True,
    public_access_block=True,
    managed_policies=True,
    data_key_rotation=True,
    keys=(
        item(
            Aws.kms_key,
            "alias/prod-cloudtrail",
            created_days=1000,
            team="security",
            ref="trail_key",
        ),
        item(Aws.kms_key, "aws/secretsmanager", aws_managed=True, created_days=1000),
    ),
    deploy_attachments=3,
    admin_policy="NorthwindPlatformAdmin",
    admin_attached=False,
    admins=1,
    groups=(
        item(Aws.group, "Developers", [_READONLY, Id("deploy")], 3, ref="Developers"),
        item(Aws.group, "Auditors", [_READONLY], 1, ref="Auditors"),
    ),
    users=(
        item(
            Aws.user,
            "ana.silva",
            groups=[Ref("Admins")],
            keys=[(30, "Active", 1)],
            created_days=1400,
        ),
        item(Aws.user, "ben.okafor", groups=[Ref("Developers")], created_days=900, team="commerce"),
        item(
            Aws.user,
            "farah.haddad",
            groups=[Ref("Developers")],
            keys=[(60, "Active", 2)],
            created_days=700,
            team="logistics",
        ),
        item(
            Aws.user,
            "chloe.martin",
            groups=[Ref("Developers")],
            mfa=False,
            created_days=300,
            last_login_days=6,
            team="commerce",
            problems=[_NO_MFA],
        ),
        item(Aws.user, "grace.lee", groups=[Ref("Auditors")], created_days=500, team="security"),
        *(
            item(
                Aws.user,
                person,
                groups=[Ref("Developers")],
                created_days=Draw("randint", 200, 900),
                team=team,
            )
            for person, team in (
                ("ines.garcia", "data"),
                ("jonas.novak", "logistics"),
                ("kemal.yilmaz", "payments"),
            )
        ),
        item(
            Aws.user,
            "ci-legacy",
            policies=[Id("deploy")],
            console=False,
            mfa=False,
            keys=[(203, "Active", 2)],
            created_days=900,
            last_login_days=None,
            problems=[("iam", "active access key created 203 days ago (not rotated in 90 days)")],
        ),
    ),
    roles=(
        item(
            Aws.role,
            "prod-image-resizer",
            [_LAMBDA],
            [_BASIC, Id("assets_read")],
            ref="role:resizer",
        ),
        item(
            Aws.role,
            "prod-orders-events",
            [_LAMBDA],
            [MANAGED["AWSLambdaVPCAccessExecutionRole"]],
            ref="role:events",
        ),
        item(Aws.role, "prod-dr-failover", [_LAMBDA], [_BASIC], ref="role:failover"),
        # Cross-account path inside the estate: staging CI may assume this prod role.
        item(
            Aws.role,
            "release-promoter",
            [Trust(_STAGING_CI, {"AWS": _STAGING_CI})],
            [Id("deploy")],
        ),
        item(
            Aws.role,
            "vendor-monitoring",
            [account_trust(VENDOR_ACCOUNT, external_id("nw-7c1e55"))],
            [_READONLY],
            team="security",
        ),
        item(
            Aws.role,
            "break-glass-admin",
            [account_trust(PROD_ACCOUNT, MFA)],
            [MANAGED["AdministratorAccess"]],
            last_used_days=None,
            team="security",
        ),
        item(
            Aws.role,
            "support",
            [account_trust(PROD_ACCOUNT, MFA)],
            [MANAGED["AWSSupportAccess"]],
            last_used_days=90,
        ),
    ),
    trail_object_lock=True,
    buckets=(
        item(
            Aws.bucket,
            "northwind-prod-assets",
            log_to=Ref("logs"),
            created_days=1200,
            team="commerce",
        ),
        item(
            Aws.bucket,
            "northwind-prod-backups",
            key=Ref("data_key"),
            log_to=Ref("logs"),
            mfa_delete=True,
            object_lock=True,
            lifecycle_rules=3,
        ),
        item(
            Aws.bucket,
            "northwind-prod-datalake",
            key=Ref("data_key"),
            log_to=Ref("logs"),
            lifecycle_rules=4,
            team="data",
        ),
    ),
    cidr_base="10.10",
    zones="abc",
    map_public_ips=False,
    nat_per_zone=True,
    default_sg_attachments=0,
    bastion_open=False,
    reporting_db=False,
    images=(("2026-08", 70), ("2026-09", 40)),
    web_count=3,
    web_type="m6i.large",
    web_imdsv1=None,
    app_names=("orders-api-1", "orders-api-2", "orders-api-3", "worker-1", "worker-2"),
    app_type="c6i.xlarge",
    multi_az=True,
    user_data_secret=False,
    app_data_encrypted=True,
    bastion_eip=True,
    asg_sizes=(3, 9, 3),
    hardened_alb=True,
    internal_alb=True,
    data=(
        item(
            Aws.rds_instance,
            "orders-db",
            Ref("vpc"),
            [Ref("sg:db")],
            key=Ref("data_key"),
            storage_gb=500,
            team="commerce",
        ),
        item(Aws.rds_snapshot, "orders-db-before-pg16-upgrade", created_days=70),
        item(Aws.dynamodb_table, "sessions", team="commerce"),
        item(Aws.dynamodb_table, "carts", team="commerce"),
    ),
    data_key_for_messaging=True,
    worker_task=(42, "2026.10.3"),
    data_extras=(
        item(Aws.sns_topic, "prod-orders-notifications", key=Ref("data_key"), team="commerce"),
        item(
            ecs_task, "pdf-renderer", 9, Ref("role:task"), ["pdf-renderer:1.4.2"], team="commerce"
        ),
        item(Aws.rds_snapshot, "orders-db-weekly-2026-10-25", created_days=7),
    ),
    functions=(
        item(
            Aws.log_group,
            "/aws/lambda/image-resizer",
            retention_days=30,
            stored_gb=Draw("uniform", 0.5, 8),
        ),
        item(
            Aws.log_group,
            "/aws/lambda/orders-events",
            retention_days=30,
            stored_gb=Draw("uniform", 0.5, 8),
        ),
        item(
            Aws.lambda_function,
            "image-resizer",
            Ref("role:resizer"),
            memory_mb=1024,
            timeout_s=60,
            env_keys=["ASSETS_BUCKET", "LOG_LEVEL"],
            team="commerce",
        ),
        item(
            Aws.lambda_function,
            "orders-events",
            Ref("role:events"),
            env_keys=["QUEUE_URL", "DB_SECRET_ARN"],
            subnets=Ref("private:ab"),
            team="commerce",
        ),
    ),
    flow_log_retention=90,
    log_services=("orders-api", "web", "worker", "pdf-renderer"),
    app_log_retention=90,
    secrets=(
        item(
            Aws.secret,
            "prod/orders/db-credentials",
            rotation_days=30,
            key=Ref("data_key"),
            team="commerce",
        ),
        item(
            Aws.secret,
            "prod/payments/psp-api-key",
            rotation_days=90,
            key=Ref("data_key"),
            team="payments",
        ),
    ),
    certificates=(
        item(Aws.certificate, "shop.northwind.example", expires_in_days=181),
        item(Aws.certificate, "api.northwind.example", expires_in_days=243),
    ),
    leftovers=tuple(
        item(
            Aws.snapshot,
            f"prod-orders-api-1-data-daily-{days}",
            200,
            created_days=days,
            team="commerce",
        )
        for days in range(1, 8)
    ),
    hardened_trail=True,
    secondary_vpc="dr",
    secondary_cidr_base="10.11",
    secondary_flow_logs=True,
    secondary_monitoring=True,
    secondary_stack=dr_stack,
)

_NEVER_EXPIRES = ("logging", "log group never expires (no retention)")

STAGING = DemoEnv(
    name="staging",
    account=STAGING_ACCOUNT,
    cost_center="CC-1002",
    root_keys=True,
    weak_passwords=True,
    support_role=False,
    public_access_block=False,
    managed_policies=False,
    data_key_rotation=False,
    keys=(),
    deploy_attachments=2,
    admin_policy="StagingFullAccess",
    admin_attached=True,
    admins=2,
    groups=(
        item(Aws.group, "Developers", [Id("admin")], 2, ref="Developers"),
        item(Aws.group, "CI", [Id("deploy")], 1, ref="CI"),
    ),
    users=(
        item(
            Aws.user,
            "eva.lindqvist",
            groups=[Ref("Admins")],
            keys=[(45, "Active", 3)],
            created_days=800,
        ),
        item(
            Aws.user,
            "dmitri.ivanov",
            groups=[Ref("Developers")],
            mfa=False,
            created_days=200,
            last_login_days=2,
            team="commerce",
            problems=[_NO_MFA],
        ),
        item(
            Aws.user, "hugo.moreau", groups=[Ref("Developers")], created_days=150, team="logistics"
        ),
        item(Aws.user, "lena.schmidt", groups=[Ref("Developers")], created_days=90, team="data"),
        item(
            Aws.user,
            "staging-ci",
            groups=[Ref("CI")],
            console=False,
            mfa=False,
            keys=[(212, "Active", 1), (410, "Inactive", None)],
            created_days=700,
            last_login_days=None,
            problems=[("iam", "active access key created 212 days ago (not rotated in 90 days)")],
        ),
        item(
            Aws.user,
            "terraform",
            groups=[Ref("Admins")],
            console=False,
            mfa=False,
            keys=[(20, "Active", 1)],
            created_days=600,
            last_login_days=None,
        ),
    ),
    roles=(
        item(Aws.role, "staging-report-exporter", [_LAMBDA], [_BASIC], ref="role:exporter"),
        item(
            Aws.role,
            "staging-thumbnailer",
            [_LAMBDA],
            [_BASIC, Id("assets_read")],
            ref="role:thumbnailer",
        ),
        item(Aws.role, "staging-promo-webhook", [_LAMBDA], [_BASIC], ref="role:webhook"),
        item(
            Aws.role,
            "vendor-monitoring",
            [account_trust(VENDOR_ACCOUNT)],
            [_READONLY],
            team="security",
            problems=[
                (
                    "iam",
                    f"trusted by external account {VENDOR_ACCOUNT}"
                    " without an sts:ExternalId condition",
                )
            ],
        ),
        item(
            Aws.role,
            "legacy-debug",
            [Trust("principal:aws:*", {"AWS": "*"})],
            [_READONLY],
            created_days=1300,
            last_used_days=400,
            problems=[("iam", 'trust policy allows Principal {"AWS": "*"} with no condition')],
        ),
    ),
    trail_object_lock=False,
    buckets=(
        item(
            Aws.bucket,
            "northwind-staging-assets",
            block_public=False,
            public_by_policy=True,
            secure_transport=False,
            log_to=Ref("logs"),
            created_days=700,
            team="commerce",
            problems=[("security", 'bucket policy grants s3:GetObject to Principal "*"')],
        ),
        item(
            Aws.bucket,
            "northwind-staging-uploads",
            block_public=False,
            public_by_acl=True,
            versioning=None,
            lifecycle_rules=0,
            created_days=500,
            team="commerce",
            extra_tags={"Owner": HOSTILE},
            problems=[
                ("security", "ACL grants READ to AllUsers (also carries the hostile Owner tag)")
            ],
        ),
        item(
            Aws.bucket,
            "northwind-staging-reports",
            block_public=None,
            log_to=Ref("logs"),
            created_days=400,
            team="data",
            problems=[("security", "no public access block configured (bucket or account)")],
        ),
        item(
            Aws.bucket,
            "northwind-staging-datalake",
            key=Ref("data_key"),
            log_to=Ref("logs"),
            team="data",
        ),
    ),
    cidr_base="10.20",
    zones="ab",
    map_public_ips=True,
    nat_per_zone=False,
    default_sg_attachments=2,
    bastion_open=True,
    reporting_db=True,
    images=(("2026-06", 140),),
    web_count=2,
    web_type="t3.medium",
    web_imdsv1=1,
    app_names=("orders-api-1",),
    app_type="t3.large",
    multi_az=False,
    user_data_secret=True,
    app_data_encrypted=False,
    bastion_eip=False,
    asg_sizes=(2, 2, 2),
    hardened_alb=False,
    internal_alb=False,
    data=(
        item(
            Aws.rds_instance,
            "orders-db-staging",
            Ref("vpc"),
            [Ref("sg:db")],
            key=Ref("data_key"),
            multi_az=False,
            backup_days=0,
            deletion_protection=False,
            instance_class="db.t4g.medium",
            storage_gb=100,
            team="commerce",
            problems=[
                ("resilience", "single-AZ RDS instance"),
                ("resilience", "automated backups disabled (retention 0 days)"),
            ],
        ),
        item(
            Aws.rds_instance,
            "reporting-db",
            Ref("vpc"),
            [Ref("sg:reporting")],
            key=None,
            encrypted=False,
            public=True,
            multi_az=False,
            backup_days=7,
            deletion_protection=False,
            instance_class="db.t4g.large",
            iam_auth=False,
            team="data",
            problems=[
                (
                    "network",
                    "publicly accessible and reachable from the internet on 5432"
                    " via reporting-db group",
                ),
                ("encryption", "RDS storage not encrypted"),
            ],
        ),
        item(
            Aws.dynamodb_table,
            "sessions-staging",
            pitr=False,
            team="commerce",
            problems=[("resilience", "DynamoDB point-in-time recovery disabled")],
        ),
        item(Aws.dynamodb_table, "carts-staging", team="commerce"),
    ),
    data_key_for_messaging=False,
    worker_task=(17, "2026.10.1"),
    data_extras=(),
    functions=(
        item(
            Aws.log_group,
            "/aws/lambda/report-exporter",
            retention_days=None,
            stored_gb=23.0,
            problems=[_NEVER_EXPIRES],
        ),
        item(
            Aws.log_group,
            "/aws/lambda/thumbnailer",
            retention_days=None,
            stored_gb=4.2,
            problems=[_NEVER_EXPIRES],
        ),
        item(
            Aws.lambda_function,
            "report-exporter",
            Ref("role:exporter"),
            runtime="python3.9",
            env_keys=["DB_HOST", "DB_USER", "DB_PASSWORD", "EXPORT_BUCKET"],
            secrets=[secret_entry("env:DB_PASSWORD", "Secret Keyword", "hu****")],
            tracing="PassThrough",
            team="data",
            problems=[
                (
                    "secrets",
                    "environment variable DB_PASSWORD holds a literal secret (stored masked)",
                )
            ],
        ),
        item(
            Aws.lambda_function,
            "thumbnailer",
            Ref("role:thumbnailer"),
            env_keys=["ASSETS_BUCKET"],
            team="commerce",
        ),
    ),
    flow_log_retention=30,
    log_services=("orders-api", "worker"),
    app_log_retention=14,
    secrets=(
        item(
            Aws.secret,
            "staging/orders/db-credentials",
            rotation_days=None,
            team="commerce",
            problems=[("secrets", "secret without automatic rotation")],
        ),
        item(Aws.secret, "staging/payments/psp-api-key", rotation_days=90, team="payments"),
    ),
    certificates=(
        item(
            Aws.certificate,
            "staging.northwind.example",
            expires_in_days=12,
            problems=[("security", "ACM certificate expires in 12 days (2026-11-13)")],
        ),
        item(Aws.certificate, "api.staging.northwind.example", expires_in_days=203),
    ),
    leftovers=(
        *(
            item(
                Aws.snapshot,
                name,
                200,
                created_days=days,
                problems=[("cost", f"EBS snapshot is {days} days old")],
            )
            for name, days in (
                ("staging-pre-migration", 745),
                ("staging-orders-api-data-2024-11", 731),
            )
        ),
        item(
            Aws.volume,
            "old-data-copy",
            1000,
            volume_type="gp2",
            key=Ref("ebs_key"),
            created_days=380,
            team="data",
            problems=[("cost", "unattached 1000 GB gp2 volume")],
        ),
        item(
            Aws.eip,
            "staging-test-ip",
            problems=[("cost", "Elastic IP not associated with anything")],
        ),
    ),
    hardened_trail=False,
    secondary_vpc="edge",
    secondary_cidr_base="10.21",
    secondary_flow_logs=False,
    secondary_monitoring=False,
    secondary_stack=edge_stack,
)
