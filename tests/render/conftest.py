"""Shared fixtures for the renderer tests: a findings document that exercises every field.

Golden files live in tests/render/golden/; run with PSCAN_UPDATE_GOLDEN=1 to rewrite them
from the current renderers, then review the diff.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from scanner.model import (
    Category,
    CollectionError,
    ComplianceRef,
    ControlResult,
    Finding,
    FindingsDocument,
    FindingStatus,
    FrameworkResult,
    Location,
    Remediation,
    ResourceRef,
    RuleStats,
    Severity,
    SnapshotSummary,
    UndecidedResult,
    fingerprint,
)
from scanner.synthetic import builders

HOSTILE = "<script>alert(1)</script>"
HOSTILE_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
GENERATED_AT = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
GOLDEN_DIR = Path(__file__).parent / "golden"
ACCOUNT = "123456789012"


def make_finding(
    rule_id: str,
    resource_id: str,
    *,
    severity: Severity = Severity.MEDIUM,
    category: Category = Category.SECURITY,
    title: str = "",
    resource_type: str = "aws.s3.bucket",
    name: str = "",
    message: str = "",
    **extra: Any,
) -> Finding:
    """A finding on an AWS resource in account 123456789012, eu-west-1."""
    remediation = extra.pop("remediation", Remediation(summary=f"Fix {rule_id}."))
    return Finding(
        fingerprint=fingerprint(rule_id, resource_id),
        rule_id=rule_id,
        title=title or rule_id.replace("_", " "),
        severity=severity,
        category=category,
        resource=ResourceRef(
            id=resource_id,
            type=resource_type,
            name=name,
            provider="aws",
            account=ACCOUNT,
            region="eu-west-1",
        ),
        message=message or f"{resource_id} breaks {rule_id}",
        remediation=remediation,
        **extra,
    )


def _findings() -> list[Finding]:
    s3_remediation = Remediation(
        summary="Turn on all four S3 Block Public Access settings.",
        terraform=(
            'resource "aws_s3_bucket_public_access_block" "this" {\n'
            "  bucket                  = aws_s3_bucket.this.id\n"
            "  block_public_acls       = true\n"
            "  block_public_policy     = true\n"
            "}"
        ),
        cli=(
            "aws s3api put-public-access-block --bucket BUCKET "
            "--public-access-block-configuration BlockPublicAcls=true"
        ),
    )
    cis = [ComplianceRef(framework="cis-aws-foundations-3.0", control="2.1.4", title="S3 BPA")]
    return [
        make_finding(
            "aws_s3_bucket_public_access_blocked",
            "arn:aws:s3:::customer-exports",
            severity=Severity.CRITICAL,
            title="S3 bucket blocks public access",
            name="customer-exports",
            message="Bucket customer-exports allows public ACLs and policies",
            evidence={"public_access_block": {"block_public_acls": False}},
            remediation=s3_remediation,
            compliance=cis,
            references=[
                "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
                "javascript:alert(1)",
            ],
        ),
        make_finding(
            "aws_s3_bucket_public_access_blocked",
            "arn:aws:s3:::web-assets",
            severity=Severity.CRITICAL,
            title="S3 bucket blocks public access",
            name="web-assets",
            message="Bucket web-assets allows public policies",
            remediation=s3_remediation,
            compliance=cis,
        ),
        make_finding(
            "aws_ec2_instance_not_reachable_from_internet_on_admin_ports",
            "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc",
            severity=Severity.HIGH,
            category=Category.NETWORK,
            title="EC2 instance not reachable from the internet on admin ports",
            resource_type="aws.ec2.instance",
            name="bastion",
            message="Port 22 of bastion is reachable from 0.0.0.0/0",
            evidence={"ports": [22], "cidr": "0.0.0.0/0"},
            path=[
                "internet",
                "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-01",
                "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc",
            ],
        ),
        make_finding(
            "aws_iam_user_tags_reviewed",
            f"arn:aws:iam::123456789012:user/{HOSTILE}",
            severity=Severity.HIGH,
            category=Category.IAM,
            title="IAM user tags reviewed",
            resource_type="aws.iam.user",
            name=HOSTILE,
            message=f"Tag owner={HOSTILE} | has `backticks` & [a](http://x) \\| here\nnew line",
            evidence={"tags": {"owner": HOSTILE}, "quote": "\"'</pre>"},
            remediation=Remediation(summary=f"Remove {HOSTILE} from tags."),
        ),
        make_finding(
            "aws_kms_key_used_for_rds_storage",
            "tf://aws_db_instance.main",
            severity=Severity.MEDIUM,
            category=Category.ENCRYPTION,
            title="RDS storage encrypted with a customer-managed KMS key",
            resource_type="aws.rds.instance",
            name="main",
            message="aws_db_instance.main has storage_encrypted = false",
            location=Location(file="terraform/db main.tf", start_line=10, end_line=24),
            source="checkov",
        ),
        make_finding(
            "aws_lambda_function_runtime_supported",
            "arn:aws:lambda:eu-west-1:123456789012:function:resize",
            severity=Severity.LOW,
            category=Category.RESILIENCE,
            resource_type="aws.lambda.function",
            name="resize",
            message="rule raised KeyError: 'runtime'",
            status=FindingStatus.ERROR,
        ),
        make_finding(
            "aws_ebs_volume_attached",
            "arn:aws:ec2:eu-west-1:123456789012:volume/vol-0idle",
            severity=Severity.LOW,
            category=Category.COST,
            title="EBS volume attached to an instance",
            resource_type="aws.ec2.volume",
            name="=SUM(1+1)",
            message="@cmd volume vol-0idle has been unattached for 90 days",
            monthly_cost_usd=42.5,
        ),
        make_finding(
            "aws_cloudtrail_log_file_validation_enabled",
            "arn:aws:cloudtrail:eu-west-1:123456789012:trail/main",
            severity=Severity.INFO,
            category=Category.LOGGING,
            resource_type="aws.cloudtrail.trail",
            name="main",
        ),
    ]


ROOT_ALARM = UndecidedResult(
    rule_id="aws_account_root_usage_alarm",
    resource_id=f"arn:aws:account::{ACCOUNT}:account",
    reason=f"metric filters of log group /aws/cloudtrail/{HOSTILE} were not collected",
)


def build_doc() -> FindingsDocument:
    """The sample document: every severity, a location, a path, a cost, hostile strings."""
    findings = _findings()
    stats = {
        "aws_s3_bucket_public_access_blocked": RuleStats(evaluated=5, failed=2),
        "aws_ec2_instance_not_reachable_from_internet_on_admin_ports": RuleStats(
            evaluated=3, failed=1
        ),
        "aws_iam_user_tags_reviewed": RuleStats(evaluated=2, failed=1),
        "aws_kms_key_used_for_rds_storage": RuleStats(evaluated=1, failed=1),
        "aws_lambda_function_runtime_supported": RuleStats(evaluated=1, errors=1),
        "aws_ebs_volume_attached": RuleStats(evaluated=4, failed=1),
        "aws_cloudtrail_log_file_validation_enabled": RuleStats(evaluated=1, failed=1),
        "aws_rds_instance_backup_enabled": RuleStats(evaluated=2, failed=0),
        "aws_sqs_queue_encrypted_at_rest": RuleStats(evaluated=1, failed=0),
        "gcp_storage_bucket_uniform_access": RuleStats(evaluated=0, failed=0),
        "aws_account_root_usage_alarm": RuleStats(undecided=1, undecided_examples=[ROOT_ALARM]),
    }
    framework = FrameworkResult(
        id="cis-aws-foundations-3.0",
        title="CIS AWS Foundations Benchmark",
        version="3.0.0",
        controls=[
            ControlResult(
                id="2.1.4",
                title="Ensure that S3 is configured with Block Public Access",
                section="2.1 Simple Storage Service",
                status="failed",
                rules=["aws_s3_bucket_public_access_blocked"],
                failed_findings=2,
            ),
            ControlResult(
                id="2.3.1",
                title="Ensure that encryption-at-rest is enabled for RDS instances",
                section="2.3 Relational Database Service",
                status="passed",
                rules=["aws_rds_instance_encrypted"],
            ),
            ControlResult(
                id="1.1",
                title="Maintain current contact details",
                section="1 Identity and Access Management",
                automated=False,
                status="manual",
            ),
            ControlResult(
                id="3.9",
                title="Ensure VPC flow logging is enabled in all VPCs",
                section="3 Logging",
                status="not_covered",
            ),
            ControlResult(
                id="4.3",
                title="Ensure usage of the 'root' account is monitored",
                section="4 Monitoring",
                status="not_judged",
                rules=["aws_account_root_usage_alarm"],
                undecided=1,
                undecided_examples=[ROOT_ALARM],
            ),
            ControlResult(
                id="5.6",
                title=f"Hostile control {HOSTILE}",
                section="5 Networking",
                status="not_applicable",
            ),
        ],
    )
    return FindingsDocument(
        tool_version="0.1.0",
        generated_at=GENERATED_AT,
        snapshots=[
            SnapshotSummary(
                path="snapshots/2024-05-01",
                source="aws",
                created_at=datetime(2024, 5, 1, 11, 0, 0, tzinfo=UTC),
                resources=120,
                scopes=[ACCOUNT, "eu-west-1"],
            )
        ],
        resource_count=120,
        rule_count=11,
        findings=findings,
        rule_stats=stats,
        frameworks=[framework],
        collection_errors=[
            CollectionError(
                provider="aws",
                account=ACCOUNT,
                region="ap-east-1",
                service="ec2",
                operation="DescribeInstances",
                code="OptInRequired",
                message="The region ap-east-1 is not enabled for this account",
            ),
            CollectionError(
                provider="aws",
                account=ACCOUNT,
                region="eu-west-1",
                service="iam",
                code="AccessDenied",
                message=f"not authorized {HOSTILE}",
            ),
        ],
        resource_types={"aws.s3.bucket": 5, "aws.ec2.instance": 3, "aws.iam.user": 2},
    )


@pytest.fixture
def doc() -> FindingsDocument:
    """A fresh copy of the sample findings document."""
    return build_doc()


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """Compare text with tests/render/golden/<name>; PSCAN_UPDATE_GOLDEN=1 rewrites it."""

    def check(name: str, actual: str) -> None:
        path = GOLDEN_DIR / name
        if os.environ.get("PSCAN_UPDATE_GOLDEN") == "1":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8", newline="")
        assert path.exists(), f"{path} missing: run with PSCAN_UPDATE_GOLDEN=1 to create it"
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, f"{name} differs from its golden file (PSCAN_UPDATE_GOLDEN=1)"

    return check


AWS_VPC = "arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-1"
AWS_SUBNET_A = "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-a"
AWS_SUBNET_B = "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-b"
AWS_WEB = "arn:aws:ec2:eu-west-1:111111111111:instance/i-web"
AWS_ALB = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/front/1"
AWS_DB = "arn:aws:rds:eu-west-1:111111111111:db:orders"
AWS_BUCKET = "arn:aws:s3:::assets"
AWS_ROLE = "arn:aws:iam::111111111111:role/web"
AWS_SG = "arn:aws:ec2:eu-west-1:111111111111:security-group/sg-1"
GCP_NET = "//compute.googleapis.com/projects/shop/global/networks/default"
GCP_SUBNET = "//compute.googleapis.com/projects/shop/regions/europe-west1/subnetworks/default"
GCP_VM = "//compute.googleapis.com/projects/shop/zones/europe-west1-b/instances/vm-1"
GCP_BUCKET = "//storage.googleapis.com/shop-media"
HOSTILE_ID = 'arn:aws:s3:::evil"bucket\\name'


def resource(
    rid: str,
    rtype: str,
    *,
    account: str = "111111111111",
    provider: str = "aws",
    name: str = "",
    tags: dict[str, str] | None = None,
    attributes: dict[str, Any] | None = None,
    relations: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """A resource dict in the snapshot normal form (in eu-west-1, whatever the provider)."""
    return builders.resource(
        rid,
        rtype,
        provider=provider,
        account=account,
        region="eu-west-1",
        name=name,
        tags=tags,
        attributes=attributes,
        relations=relations or (),
    )


def build_estate() -> list[dict[str, Any]]:
    """A small two-cloud estate: VPC with two subnets, web tier, database, buckets, IAM."""
    return [
        resource(AWS_VPC, "aws.ec2.vpc", name="prod-vpc"),
        resource(AWS_SUBNET_A, "aws.ec2.subnet", name="public-a", relations=[("in_vpc", AWS_VPC)]),
        resource(AWS_SUBNET_B, "aws.ec2.subnet", name="private-b", relations=[("in_vpc", AWS_VPC)]),
        resource(
            AWS_WEB,
            "aws.ec2.instance",
            name="web-1",
            tags={"team": "web"},
            attributes={"public_ip": "203.0.113.10"},
            relations=[
                ("in_subnet", AWS_SUBNET_A),
                ("in_vpc", AWS_VPC),
                ("runs_as", AWS_ROLE),
                ("protected_by", AWS_SG),
            ],
        ),
        resource(
            AWS_ALB,
            "aws.elbv2.load_balancer",
            name="front",
            tags={"team": "web"},
            attributes={"scheme": "internet-facing"},
            relations=[("routes_to", AWS_WEB), ("in_vpc", AWS_VPC)],
        ),
        resource(
            AWS_DB,
            "aws.rds.instance",
            name="orders",
            tags={"team": "data"},
            attributes={"publicly_accessible": False},
            relations=[("in_subnet", AWS_SUBNET_B)],
        ),
        resource(AWS_BUCKET, "aws.s3.bucket", name="assets"),
        resource(AWS_ROLE, "aws.iam.role", name="web"),
        resource(AWS_SG, "aws.ec2.security_group", name="web-sg", relations=[("in_vpc", AWS_VPC)]),
        resource(
            HOSTILE_ID,
            "aws.s3.bucket",
            name='evil "quoted" \\ name\nsecond line <script>alert(1)</script> -->',
        ),
        resource(GCP_NET, "gcp.compute.network", provider="gcp", account="shop", name="default"),
        resource(
            GCP_SUBNET,
            "gcp.compute.subnetwork",
            provider="gcp",
            account="shop",
            name="default",
            relations=[("in_network", GCP_NET)],
        ),
        resource(
            GCP_VM,
            "gcp.compute.instance",
            provider="gcp",
            account="shop",
            name="vm-1",
            tags={"team": "web"},
            relations=[("in_subnet", GCP_SUBNET), ("in_network", GCP_NET)],
        ),
        resource(GCP_BUCKET, "gcp.storage.bucket", provider="gcp", account="shop", name="media"),
    ]


@pytest.fixture
def estate() -> list[dict[str, Any]]:
    """A fresh copy of the sample estate (resource dicts)."""
    return build_estate()
