"""Precision across the whole built-in pack: compliant resources pass every rule.

Each rule's own `tests:` check it alone. Here the resources are built the way the
collectors emit them (every catalog attribute present, unknown settings null) and judged
by every built-in rule at once, so a rule that misreads a value another rule's author
would call compliant shows up as a finding on a hardened resource. A second group of
tests pins the edge cases the benchmarks call out (egress is not ingress exposure, a
role granted on one service account is not a project-wide grant, ...).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from scanner.engine import RuleSet, evaluate, load_rules
from scanner.engine.monitoring import AWS_ALARMS, GCP_ALERTS
from scanner.engine.testing import DEFAULT_TEST_NOW
from scanner.model import Finding
from scanner.synthetic import builders

AWS_ACCOUNT = "111122223333"
GCP_PROJECT = "acme-prod"
KMS = f"arn:aws:kms:eu-west-1:{AWS_ACCOUNT}:key/0f4aa467-64e2-4b77-a67a-73f91da3a124"
GCP_KEY = "projects/acme-prod/locations/europe-west1/keyRings/data/cryptoKeys/app"
RECENT = "2026-10-20T00:00:00Z"
BLOCK_ALL = {
    "block_public_acls": True,
    "ignore_public_acls": True,
    "block_public_policy": True,
    "restrict_public_buckets": True,
}


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_rules()


def _resource(
    rtype: str,
    rid: str,
    attributes: dict[str, Any],
    *,
    name: str | None = None,
    relations: Iterable[dict[str, Any]] = (),
    region: str | None = None,
) -> dict[str, Any]:
    """A resource in snapshot form with every catalog attribute (null unless given)."""
    return builders.resource(
        rid,
        rtype,
        account=AWS_ACCOUNT if rtype.startswith("aws.") else GCP_PROJECT,
        region=region,
        name=name,
        attributes=attributes,
        relations=relations,
        complete_attributes=True,
    )


def _failures(ruleset: RuleSet, resources: list[dict[str, Any]]) -> list[Finding]:
    outcome = evaluate(ruleset, resources, now=DEFAULT_TEST_NOW)
    return list(outcome.findings)


def _show(findings: Iterable[Finding]) -> list[str]:
    return [f"{f.rule_id} on {f.resource.id} ({f.status}): {f.message}" for f in findings]


# ----------------------------------------------------------------------------- AWS
def hardened_aws() -> list[dict[str, Any]]:
    """A small hardened AWS estate: every resource here should pass every rule."""
    vpc = f"arn:aws:ec2:eu-west-1:{AWS_ACCOUNT}:vpc/vpc-0a1"
    subnet = f"arn:aws:ec2:eu-west-1:{AWS_ACCOUNT}:subnet/subnet-0a1"
    sg_app = f"arn:aws:ec2:eu-west-1:{AWS_ACCOUNT}:security-group/sg-0app"
    sg_db = f"arn:aws:ec2:eu-west-1:{AWS_ACCOUNT}:security-group/sg-0db"
    role = f"arn:aws:iam::{AWS_ACCOUNT}:role/app"
    trail_logs = f"arn:aws:logs:eu-west-1:{AWS_ACCOUNT}:log-group:/aws/cloudtrail/prod"
    # one metric filter (and one alarm) per CIS section 4 control
    filters = [
        {
            "name": key,
            "pattern": " || ".join(f"({term})" for term in spec.terms),
            "metrics": [{"name": key, "namespace": "CISBenchmark"}],
        }
        for key, spec in AWS_ALARMS.items()
    ]
    alarms = [
        _resource(
            "aws.cloudwatch.alarm",
            f"arn:aws:cloudwatch:eu-west-1:{AWS_ACCOUNT}:alarm:{key}",
            {
                "metric_name": key,
                "namespace": "CISBenchmark",
                "actions_enabled": True,
                "alarm_actions": [f"arn:aws:sns:eu-west-1:{AWS_ACCOUNT}:security-alerts"],
            },
        )
        for key in AWS_ALARMS
    ]
    return [
        *alarms,
        _resource(
            "aws.cloudtrail.trail",
            f"arn:aws:cloudtrail:eu-west-1:{AWS_ACCOUNT}:trail/prod",
            {
                "is_multi_region": True,
                "is_logging": True,
                "include_management_events": True,
                "log_file_validation": True,
                "kms_key_id": KMS,
                "s3_bucket": "acme-cloudtrail",
                "cloudwatch_logs_group_arn": f"{trail_logs}:*",
                "s3_data_events": {"read": True, "write": True},
                "is_organization_trail": False,
            },
            relations=[{"type": "logs_to", "target": trail_logs}],
        ),
        _resource(
            "aws.logs.log_group",
            trail_logs,
            {
                "retention_days": 365,
                "kms_key_id": KMS,
                "metric_filters": filters,
            },
            name="/aws/cloudtrail/prod",
        ),
        _resource(
            "aws.account",
            f"arn:aws:account::{AWS_ACCOUNT}:account",
            {
                "account_id": AWS_ACCOUNT,
                "password_policy": {
                    "minimum_length": 16,
                    "require_symbols": True,
                    "require_numbers": True,
                    "require_uppercase": True,
                    "require_lowercase": True,
                    "reuse_prevention": 24,
                    "max_age_days": 90,
                    "allow_users_to_change": True,
                },
                "root": {
                    "has_access_keys": False,
                    "mfa_enabled": True,
                    "hardware_mfa_enabled": True,
                    "last_used_at": None,
                },
                "s3_public_access_block": BLOCK_ALL,
                "support_role_exists": True,
            },
            name="prod",
            region="global",
        ),
        _resource(
            "aws.region",
            f"arn:aws:region::{AWS_ACCOUNT}:eu-west-1",
            {
                "ebs_encryption_by_default": True,
                "guardduty_enabled": True,
                "securityhub_enabled": True,
                "config_recorder_enabled": True,
                "access_analyzer_enabled": True,
            },
        ),
        _resource("aws.ec2.vpc", vpc, {"is_default": False, "flow_logs_enabled": True}),
        _resource(
            "aws.ec2.subnet",
            subnet,
            {"map_public_ip_on_launch": False, "has_internet_route": False},
            relations=[{"type": "in_vpc", "target": vpc}],
        ),
        _resource(
            "aws.ec2.security_group",
            sg_app,
            {
                "group_id": "sg-0app",
                "is_default": False,
                "ingress": [
                    {
                        "protocol": "tcp",
                        "from_port": 8080,
                        "to_port": 8080,
                        "source": "10.0.0.0/16",
                        "source_type": "cidr4",
                    }
                ],
                # egress to the internet is not ingress exposure
                "egress": [
                    {
                        "protocol": "-1",
                        "from_port": None,
                        "to_port": None,
                        "source": "0.0.0.0/0",
                        "source_type": "cidr4",
                    }
                ],
                "attachment_count": 2,
            },
        ),
        _resource(
            "aws.ec2.security_group",
            sg_db,
            {
                "group_id": "sg-0db",
                "is_default": False,
                "ingress": [
                    {
                        "protocol": "tcp",
                        "from_port": 5432,
                        "to_port": 5432,
                        "source": "sg-0app",
                        "source_type": "group",
                    }
                ],
                "egress": [],
                "attachment_count": 1,
            },
        ),
        _resource(
            "aws.ec2.instance",
            f"arn:aws:ec2:eu-west-1:{AWS_ACCOUNT}:instance/i-0app",
            {
                "instance_type": "m7i.large",
                "state": "running",
                "public_ip": None,
                "imds": {"http_tokens": "required", "http_endpoint": "enabled"},
                "iam_instance_profile": f"arn:aws:iam::{AWS_ACCOUNT}:instance-profile/app",
                "monitoring": "enabled",
                "secrets": [],
                "root_volume_encrypted": True,
            },
            relations=[
                {"type": "in_subnet", "target": subnet},
                {"type": "in_vpc", "target": vpc},
                {"type": "protected_by", "target": sg_app},
                {"type": "runs_as", "target": role},
            ],
        ),
        _resource(
            "aws.ec2.volume",
            f"arn:aws:ec2:eu-west-1:{AWS_ACCOUNT}:volume/vol-0app",
            {
                "volume_type": "gp3",
                "size_gb": 100,
                "state": "in-use",
                "encrypted": True,
                "kms_key_id": KMS,
                "created_at": RECENT,
            },
            relations=[
                {
                    "type": "attached_to",
                    "target": f"arn:aws:ec2:eu-west-1:{AWS_ACCOUNT}:instance/i-0app",
                }
            ],
        ),
        _resource(
            "aws.s3.bucket",
            "arn:aws:s3:::acme-data",
            {
                "public_access_block": BLOCK_ALL,
                "acl_grants": [{"grantee": "CanonicalUser:abc", "permission": "FULL_CONTROL"}],
                # a public policy is neutralised by RestrictPublicBuckets: not public
                "policy": {
                    "Statement": [
                        {
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": "arn:aws:s3:::acme-data/*",
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        },
                        {
                            "Effect": "Allow",
                            "Principal": "*",
                            "Action": "s3:GetObject",
                            "Resource": "arn:aws:s3:::acme-data/*",
                        },
                    ]
                },
                "is_public_by_acl": False,
                "is_public_by_policy": True,
                "secure_transport_enforced": True,
                "encryption": {
                    "algorithm": "aws:kms",
                    "kms_key_id": KMS,
                    "bucket_key_enabled": True,
                },
                "versioning": "Enabled",
                "mfa_delete": True,
                "logging_target": "acme-access-logs",
                "lifecycle_rule_count": 1,
                "object_lock_enabled": True,
                "object_ownership": "BucketOwnerEnforced",
            },
            name="acme-data",
        ),
        _resource(
            "aws.rds.instance",
            f"arn:aws:rds:eu-west-1:{AWS_ACCOUNT}:db:orders",
            {
                "engine": "postgres",
                "engine_version": "16.4",
                "instance_class": "db.r7g.large",
                "storage_encrypted": True,
                "kms_key_id": KMS,
                "publicly_accessible": False,
                "multi_az": True,
                "backup_retention_days": 14,
                "deletion_protection": True,
                "auto_minor_version_upgrade": True,
                "iam_auth_enabled": True,
            },
            relations=[
                {"type": "protected_by", "target": sg_db},
                {"type": "in_subnet", "target": subnet},
            ],
        ),
        _resource(
            "aws.iam.role",
            role,
            {
                "created_at": "2025-01-01T00:00:00Z",
                "trust_policy": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ec2.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ]
                },
                "attached_policies": ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
                "inline_policies": [],
                "last_used_at": RECENT,
                "is_service_linked": False,
            },
        ),
        _resource(
            "aws.iam.role",
            f"arn:aws:iam::{AWS_ACCOUNT}:role/security-audit",
            {
                "trust_policy": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": f"arn:aws:iam::{AWS_ACCOUNT}:root"},
                            "Action": "sts:AssumeRole",
                            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
                        }
                    ]
                },
                "attached_policies": ["arn:aws:iam::aws:policy/SecurityAudit"],
                "inline_policies": [],
                "last_used_at": RECENT,
                "is_service_linked": False,
            },
            name="security-audit",
        ),
        _resource(
            "aws.backup.plan",
            f"arn:aws:backup:eu-west-1:{AWS_ACCOUNT}:backup-plan:daily",
            {"rules": [{"name": "daily-35d", "target_vault": "main", "delete_after_days": 35}]},
            name="daily",
        ),
        _resource(
            "aws.kms.key",
            KMS,
            {
                "key_manager": "CUSTOMER",
                "key_spec": "SYMMETRIC_DEFAULT",
                "state": "Enabled",
                "rotation_enabled": True,
                "policy": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": f"arn:aws:iam::{AWS_ACCOUNT}:root"},
                            "Action": "kms:*",
                            "Resource": "*",
                        }
                    ]
                },
            },
        ),
    ]


def test_hardened_aws_estate_passes_every_rule(ruleset: RuleSet) -> None:
    findings = _failures(ruleset, hardened_aws())
    assert _show(findings) == []


# ----------------------------------------------------------------------------- GCP
def hardened_gcp() -> list[dict[str, Any]]:
    """A small hardened GCP estate: every resource here should pass every rule."""
    net = f"//compute.googleapis.com/projects/{GCP_PROJECT}/global/networks/main"
    sub = f"//compute.googleapis.com/projects/{GCP_PROJECT}/regions/europe-west1/subnetworks/app"
    email = f"app@{GCP_PROJECT}.iam.gserviceaccount.com"
    sa = f"//iam.googleapis.com/projects/{GCP_PROJECT}/serviceAccounts/{email}"
    metrics = [
        _resource(
            "gcp.logging.metric",
            f"//logging.googleapis.com/projects/{GCP_PROJECT}/metrics/{key}",
            {
                "filter": " OR ".join(spec.terms),
                "disabled": False,
                "metric_type": f"logging.googleapis.com/user/{key}",
            },
            name=key,
            region="global",
        )
        for key, spec in GCP_ALERTS.items()
    ]
    alerts = [
        _resource(
            "gcp.monitoring.alert_policy",
            f"//monitoring.googleapis.com/projects/{GCP_PROJECT}/alertPolicies/{key}",
            {
                "enabled": True,
                "condition_filters": [f'metric.type="logging.googleapis.com/user/{key}"'],
                "notification_channels": ["projects/acme-prod/notificationChannels/1"],
            },
            region="global",
        )
        for key in GCP_ALERTS
    ]
    all_services = {
        "service": "allServices",
        "log_types": ["ADMIN_READ", "DATA_READ", "DATA_WRITE"],
    }
    return [
        *metrics,
        *alerts,
        _resource(
            "gcp.resourcemanager.project",
            f"//cloudresourcemanager.googleapis.com/projects/{GCP_PROJECT}",
            {
                "project_number": "200000000001",
                "lifecycle_state": "ACTIVE",
                "iam_bindings": [
                    {
                        "role": "roles/owner",
                        "members": ["group:break-glass@example.com"],
                        "condition": None,
                    },
                    {
                        "role": "roles/viewer",
                        "members": ["group:analysts@example.com"],
                        "condition": None,
                    },
                ],
                "audit_configs": [{**all_services, "exempted_members": []}],
                "effective_audit_configs": [all_services],
                "os_login_enabled": True,
                "project_id": GCP_PROJECT,
                "enabled_services": ["cloudasset.googleapis.com", "compute.googleapis.com"],
                "access_approval_enabled": True,
            },
            name=GCP_PROJECT,
            region="global",
        ),
        _resource(
            "gcp.logging.sink",
            f"//logging.googleapis.com/projects/{GCP_PROJECT}/sinks/export-all",
            {
                "destination": "storage.googleapis.com/acme-log-archive",
                "filter": "",
                "is_default": False,
            },
            relations=[{"type": "logs_to", "target": "//storage.googleapis.com/acme-log-archive"}],
            region="global",
        ),
        _resource(
            "gcp.storage.bucket",
            "//storage.googleapis.com/acme-log-archive",
            {
                "uniform_bucket_level_access": True,
                "public_access_prevention": "enforced",
                "versioning_enabled": True,
                "lifecycle_rule_count": 1,
                "logging_bucket": "acme-access-logs",
                "retention_period_days": 365,
                "retention_policy_locked": True,
                "is_public": False,
            },
            name="acme-log-archive",
        ),
        _resource(
            "gcp.compute.network",
            net,
            {"auto_create_subnetworks": False, "is_default": False, "is_legacy": False},
            name="main",
            region="global",
        ),
        _resource(
            "gcp.dns.policy",
            f"//dns.googleapis.com/projects/{GCP_PROJECT}/policies/logging",
            {"logging_enabled": True, "networks": [net]},
            relations=[{"type": "in_network", "target": net}],
            region="global",
        ),
        _resource(
            "gcp.compute.subnetwork",
            sub,
            {
                "ip_cidr_range": "10.40.0.0/20",
                "private_google_access": True,
                "flow_logs_enabled": True,
                "purpose": "PRIVATE",
            },
            relations=[{"type": "in_network", "target": net}],
        ),
        # an egress rule to the internet and an ingress deny rule are not exposure
        _resource(
            "gcp.compute.firewall",
            f"//compute.googleapis.com/projects/{GCP_PROJECT}/global/firewalls/egress-https",
            {
                "direction": "EGRESS",
                "disabled": False,
                "priority": 1000,
                "source_ranges": [],
                "destination_ranges": ["0.0.0.0/0"],
                "allowed": [{"protocol": "all", "from_port": None, "to_port": None}],
                "denied": [],
                "logging_enabled": False,
            },
            relations=[{"type": "in_network", "target": net}],
            region="global",
        ),
        _resource(
            "gcp.compute.firewall",
            f"//compute.googleapis.com/projects/{GCP_PROJECT}/global/firewalls/deny-all-in",
            {
                "direction": "INGRESS",
                "disabled": False,
                "priority": 65000,
                "source_ranges": ["0.0.0.0/0"],
                "allowed": [],
                "denied": [{"protocol": "all", "from_port": None, "to_port": None}],
                "logging_enabled": False,
            },
            relations=[{"type": "in_network", "target": net}],
            region="global",
        ),
        _resource(
            "gcp.compute.instance",
            f"//compute.googleapis.com/projects/{GCP_PROJECT}/zones/europe-west1-b/instances/app-1",
            {
                "machine_type": "n2d-standard-4",
                "status": "RUNNING",
                "public_ip": None,
                "external_ips": [],
                "service_accounts": [
                    {
                        "email": f"app@{GCP_PROJECT}.iam.gserviceaccount.com",
                        "scopes": ["https://www.googleapis.com/auth/cloud-platform"],
                    }
                ],
                "uses_default_service_account": False,
                "has_full_api_access": True,
                "block_project_ssh_keys": True,
                "os_login_enabled": True,
                "serial_port_enabled": False,
                "can_ip_forward": False,
                "shielded_vm": {"secure_boot": True, "vtpm": True, "integrity_monitoring": True},
                "confidential_compute": True,
                "deletion_protection": True,
                "is_gke_node": False,
                "secrets": [],
            },
            relations=[
                {"type": "in_subnet", "target": sub},
                {"type": "in_network", "target": net},
                {"type": "runs_as", "target": sa},
            ],
        ),
        _resource(
            "gcp.compute.disk",
            f"//compute.googleapis.com/projects/{GCP_PROJECT}/zones/europe-west1-b/disks/app-1",
            {
                "size_gb": 50,
                "disk_type": "pd-balanced",
                "is_attached": True,
                "kms_key_name": None,
                "csek_encrypted": True,
                "created_at": RECENT,
            },
        ),
        _resource(
            "gcp.storage.bucket",
            "//storage.googleapis.com/acme-data",
            {
                "uniform_bucket_level_access": True,
                "public_access_prevention": "enforced",
                "versioning_enabled": True,
                "lifecycle_rule_count": 1,
                "logging_bucket": "acme-access-logs",
                "retention_period_days": None,
                "kms_key_name": GCP_KEY,
                "iam_bindings": [],
                "effective_iam_bindings": [],
                "is_public": False,
                "public_grants": [],
            },
            name="acme-data",
        ),
        _resource(
            "gcp.sql.instance",
            f"//cloudsql.googleapis.com/projects/{GCP_PROJECT}/instances/orders-pg",
            {
                "database_version": "POSTGRES_16",
                "public_ip_enabled": False,
                "authorized_networks": [],
                "ssl_mode": "ENCRYPTED_ONLY",
                "require_ssl": True,
                "backup_enabled": True,
                "pitr_enabled": True,
                "availability_type": "REGIONAL",
                "database_flags": {
                    "log_connections": "on",
                    "log_disconnections": "on",
                    "log_statement": "ddl",
                    "cloudsql.enable_pgaudit": "on",
                },
                "deletion_protection": True,
                "instance_type": "CLOUD_SQL_INSTANCE",
                "public_ip_address": None,
                "kms_key_name": GCP_KEY,
            },
        ),
        _resource(
            "gcp.iam.service_account",
            sa,
            {
                "email": f"app@{GCP_PROJECT}.iam.gserviceaccount.com",
                "disabled": False,
                "is_default_compute": False,
                "project_roles": ["roles/storage.objectViewer", "roles/logging.logWriter"],
                # a role granted on this one service account is not a project-wide grant
                "iam_bindings": [
                    {
                        "role": "roles/iam.serviceAccountUser",
                        "members": ["group:deployers@example.com"],
                        "condition": None,
                    }
                ],
                "is_public": False,
            },
        ),
        _resource(
            "gcp.dns.managed_zone",
            f"//dns.googleapis.com/projects/{GCP_PROJECT}/managedZones/internal",
            # private zones are exempt from DNSSEC
            {"visibility": "private", "dnssec_state": "off", "dns_name": "internal.example."},
            region="global",
        ),
    ]


def test_hardened_gcp_estate_passes_every_rule(ruleset: RuleSet) -> None:
    findings = _failures(ruleset, hardened_gcp())
    assert _show(findings) == []


# ----------------------------------------------------------------------------- edge cases
def _fails(ruleset: RuleSet, rule_id: str, resources: list[dict[str, Any]]) -> set[str]:
    single = ruleset.select(ids=[rule_id])
    return {f.resource.id for f in evaluate(single, resources, now=DEFAULT_TEST_NOW).findings}


def test_bucket_fully_blocked_with_public_policy_is_not_public(ruleset: RuleSet) -> None:
    blocked = _resource(
        "aws.s3.bucket",
        "arn:aws:s3:::blocked",
        {"public_access_block": BLOCK_ALL, "is_public_by_policy": True},
    )
    open_ = _resource(
        "aws.s3.bucket",
        "arn:aws:s3:::open",
        {"public_access_block": None, "is_public_by_policy": True},
    )
    assert _fails(ruleset, "aws_s3_bucket_not_public", [blocked, open_]) == {"arn:aws:s3:::open"}


def test_account_block_neutralises_a_public_acl(ruleset: RuleSet) -> None:
    account = _resource(
        "aws.account",
        f"arn:aws:account::{AWS_ACCOUNT}:account",
        {"s3_public_access_block": BLOCK_ALL},
        region="global",
    )
    bucket = _resource(
        "aws.s3.bucket",
        "arn:aws:s3:::legacy-acl",
        {"is_public_by_acl": True, "acl_grants": [{"grantee": "AllUsers", "permission": "READ"}]},
    )
    assert _fails(ruleset, "aws_s3_bucket_not_public", [account, bucket]) == set()
    assert _fails(ruleset, "aws_s3_bucket_not_public", [bucket]) == {"arn:aws:s3:::legacy-acl"}


def test_default_log_sinks_are_not_configured_sinks(ruleset: RuleSet) -> None:
    project = _resource(
        "gcp.resourcemanager.project",
        f"//cloudresourcemanager.googleapis.com/projects/{GCP_PROJECT}",
        {},
    )
    defaults = [
        _resource(
            "gcp.logging.sink",
            f"//logging.googleapis.com/projects/{GCP_PROJECT}/sinks/{name}",
            {
                "destination": f"logging.googleapis.com/projects/{GCP_PROJECT}"
                f"/locations/global/buckets/{name}",
                "filter": "",
                "is_default": True,
            },
        )
        for name in ("_Default", "_Required")
    ]
    assert _fails(
        ruleset, "gcp_resourcemanager_project_sink_exports_all_logs", [project, *defaults]
    ) == {project["id"]}


def test_single_service_account_grant_is_not_project_wide(ruleset: RuleSet) -> None:
    project = _resource(
        "gcp.resourcemanager.project",
        f"//cloudresourcemanager.googleapis.com/projects/{GCP_PROJECT}",
        {"iam_bindings": [{"role": "roles/viewer", "members": ["group:devs@example.com"]}]},
    )
    sa_with_grant = next(r for r in hardened_gcp() if r["type"] == "gcp.iam.service_account")
    rule = "gcp_resourcemanager_project_no_sa_impersonation_roles"
    assert _fails(ruleset, rule, [project, sa_with_grant]) == set()


def test_gke_node_vms_are_exempt_from_node_pool_managed_settings(ruleset: RuleSet) -> None:
    node = _resource(
        "gcp.compute.instance",
        "//compute.googleapis.com/projects/acme-prod/zones/europe-west1-b/instances/gke-pool-1-abcd",
        {
            "is_gke_node": True,
            "uses_default_service_account": True,
            "has_full_api_access": True,
            "can_ip_forward": True,
            "block_project_ssh_keys": False,
            "confidential_compute": False,
        },
    )
    for rule in (
        "gcp_compute_instance_no_default_service_account",
        "gcp_compute_instance_default_sa_no_full_api_access",
        "gcp_compute_instance_ip_forwarding_disabled",
        "gcp_compute_instance_block_project_ssh_keys",
        "gcp_compute_instance_confidential_computing_enabled",
    ):
        assert _fails(ruleset, rule, [node]) == set(), rule


def test_private_dns_zone_is_exempt_from_dnssec(ruleset: RuleSet) -> None:
    public = _resource(
        "gcp.dns.managed_zone",
        "//dns.googleapis.com/projects/acme-prod/managedZones/public",
        {"visibility": "public", "dnssec_state": "off"},
    )
    private = _resource(
        "gcp.dns.managed_zone",
        "//dns.googleapis.com/projects/acme-prod/managedZones/private",
        {"visibility": "private", "dnssec_state": "off"},
    )
    assert _fails(ruleset, "gcp_dns_managed_zone_dnssec_enabled", [public, private]) == {
        public["id"]
    }


@pytest.mark.parametrize(
    "rule_id",
    [
        "aws_ec2_security_group_no_public_ssh",
        "aws_ec2_security_group_no_public_postgresql",
        "aws_ec2_security_group_no_public_all_ports",
        "aws_ec2_security_group_public_ingress_only_web_ports",
    ],
)
def test_egress_entries_are_not_ingress_exposure(ruleset: RuleSet, rule_id: str) -> None:
    group = _resource(
        "aws.ec2.security_group",
        "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-egress",
        {
            "group_id": "sg-egress",
            "ingress": [],
            "egress": [
                {"protocol": "-1", "from_port": None, "to_port": None, "source": "0.0.0.0/0"}
            ],
        },
    )
    assert _fails(ruleset, rule_id, [group]) == set()


@pytest.mark.parametrize(
    "rule_id",
    [
        "gcp_compute_firewall_no_public_ssh",
        "gcp_compute_firewall_no_public_rdp",
        "gcp_compute_firewall_no_public_database_ports",
        "gcp_compute_firewall_no_public_all_ports",
    ],
)
def test_deny_and_egress_firewall_rules_are_not_exposure(ruleset: RuleSet, rule_id: str) -> None:
    deny = _resource(
        "gcp.compute.firewall",
        "//compute.googleapis.com/projects/acme-prod/global/firewalls/deny",
        {
            "direction": "INGRESS",
            "disabled": False,
            "source_ranges": ["0.0.0.0/0"],
            "allowed": [],
            "denied": [{"protocol": "all"}],
        },
    )
    egress = _resource(
        "gcp.compute.firewall",
        "//compute.googleapis.com/projects/acme-prod/global/firewalls/egress",
        {
            "direction": "EGRESS",
            "disabled": False,
            "source_ranges": [],
            "destination_ranges": ["0.0.0.0/0"],
            "allowed": [{"protocol": "all"}],
        },
    )
    assert _fails(ruleset, rule_id, [deny, egress]) == set()


def test_unknown_settings_are_not_judged(ruleset: RuleSet) -> None:
    """Attributes a collector could not read are null: rules about them stay silent."""
    bucket = _resource("aws.s3.bucket", "arn:aws:s3:::unknown", {})
    efs = _resource("aws.efs.file_system", "arn:aws:elasticfilesystem:eu-west-1:1:fs/x", {})
    disk = _resource("gcp.compute.disk", "//compute.googleapis.com/disks/x", {})
    project = _resource(
        "gcp.resourcemanager.project", "//cloudresourcemanager.googleapis.com/projects/x", {}
    )
    for rule, resource in (
        ("aws_s3_bucket_acls_disabled", bucket),
        ("aws_efs_file_system_backup_enabled", efs),
        ("gcp_compute_disk_csek_encrypted", disk),
        ("gcp_resourcemanager_project_cloud_asset_inventory_enabled", project),
        ("gcp_resourcemanager_project_access_approval_enabled", project),
    ):
        assert _fails(ruleset, rule, [resource]) == set(), rule
