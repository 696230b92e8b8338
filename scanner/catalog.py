"""The resource-type catalog: every normal type, its attributes and its relations.

This is the vocabulary shared by collectors (what they emit), Terraform plan mapping,
rules (what they may read) and `docs/resource-types.md` (generated from it). A rule that
names a type missing here is refused at load time.

Conventions every collector follows:
- attribute names are snake_case; timestamps are ISO 8601 strings in UTC;
- a setting that is absent is `null`, never a made-up default;
- secrets found in a resource's text (env vars, user data, metadata) are never stored in
  clear: they appear in `secrets` as `{location, kind, masked}`;
- relations are stored on the resource they start from (see `RELATIONS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["RELATIONS", "RESERVED_PATHS", "TYPES", "ResourceType", "known_type"]


@dataclass(frozen=True)
class ResourceType:
    """One normal resource type."""

    description: str
    attributes: dict[str, str]
    relations: dict[str, str] = field(default_factory=dict)


# Top-level Resource fields a rule path may read directly instead of `attributes`.
RESERVED_PATHS = ("tags", "name", "region", "account", "id")

# Relation types: name -> meaning. Stored on the source resource.
RELATIONS: dict[str, str] = {
    "in_vpc": "resource -> aws.ec2.vpc it lives in",
    "in_subnet": "resource -> subnet (aws.ec2.subnet / gcp.compute.subnetwork) it lives in",
    "in_network": "resource -> gcp.compute.network it lives in",
    "protected_by": "resource -> security group / firewall that filters its traffic",
    "allows_from": "security group or firewall -> source it admits (`internet` or another group);"
    " properties: protocol, from_port, to_port",
    "routes_to": "load balancer / gateway -> target it forwards traffic to",
    "attached_to": "volume / address / interface -> instance it is attached to",
    "encrypted_by": "resource -> KMS key that encrypts it",
    "runs_as": "compute -> role / service account whose permissions it uses",
    "trusts": "IAM role -> principal allowed to assume it (graph edge: principal can_assume role)",
    "iam_binding": "resource -> principal granted a role on it; properties: role"
    " (graph edge: principal grants resource)",
    "has_policy": "principal -> IAM policy attached to it",
    "member_of": "user -> group, project -> folder -> organization, account -> organization",
    "logs_to": "trail / sink / flow log -> bucket or log destination",
    "key_of": "service account key -> service account",
    "uses_image": "instance -> image it was launched from",
}

_TAGGED = "tags are AWS tags / GCP labels"

TYPES: dict[str, ResourceType] = {
    # ----------------------------------------------------------------- AWS account level
    "aws.account": ResourceType(
        "An AWS account and its account-wide settings.",
        {
            "account_id": "12-digit account id",
            "alias": "account alias, or null",
            "is_management_account": "true for an Organizations management account",
            "password_policy": "object {minimum_length, require_symbols, require_numbers,"
            " require_uppercase, require_lowercase, reuse_prevention, max_age_days,"
            " allow_users_to_change}; null when the account has no password policy",
            "root": "object {has_access_keys, mfa_enabled, hardware_mfa_enabled, last_used_at}",
            "s3_public_access_block": "object {block_public_acls, ignore_public_acls,"
            " block_public_policy, restrict_public_buckets}; null when not configured",
            "support_role_exists": "true when some role has AWSSupportAccess attached",
        },
        {"member_of": "Organizations organization"},
    ),
    "aws.region": ResourceType(
        "One enabled region of an account, with the regional detective settings.",
        {
            "ebs_encryption_by_default": "EBS default encryption is on",
            "guardduty_enabled": "a GuardDuty detector is enabled",
            "securityhub_enabled": "Security Hub is enabled",
            "config_recorder_enabled": "an AWS Config recorder records all resources",
            "access_analyzer_enabled": "an active IAM Access Analyzer exists",
            "resource_count": "resources collected in this region",
        },
    ),
    # ----------------------------------------------------------------- IAM
    "aws.iam.user": ResourceType(
        "An IAM user.",
        {
            "created_at": "creation time",
            "password_enabled": "the user has a console password",
            "password_last_used_at": "last console sign-in, or null",
            "mfa_enabled": "at least one MFA device is assigned",
            "access_keys": "list of {id, status (Active|Inactive), created_at, last_used_at}",
            "attached_policies": "list of managed policy ARNs attached directly",
            "inline_policies": "list of {name, document} attached directly",
            "groups": "list of group names",
        },
        {"member_of": "aws.iam.group", "has_policy": "aws.iam.policy"},
    ),
    "aws.iam.group": ResourceType(
        "An IAM group.",
        {
            "attached_policies": "list of managed policy ARNs",
            "inline_policies": "list of {name, document}",
            "member_count": "number of users in the group",
        },
        {"has_policy": "aws.iam.policy"},
    ),
    "aws.iam.role": ResourceType(
        "An IAM role.",
        {
            "created_at": "creation time",
            "trust_policy": "the assume-role policy document",
            "attached_policies": "list of managed policy ARNs",
            "inline_policies": "list of {name, document}",
            "last_used_at": "last time the role was assumed, or null",
            "is_service_linked": "created by an AWS service (path /aws-service-role/)",
            "max_session_duration": "seconds",
        },
        {"trusts": "principal node", "has_policy": "aws.iam.policy"},
    ),
    "aws.iam.policy": ResourceType(
        "A managed IAM policy (customer- or AWS-managed) with its default version.",
        {
            "is_aws_managed": "true for AWS-managed policies",
            "document": "the default version's policy document",
            "attachment_count": "number of principals it is attached to",
        },
    ),
    "aws.iam.server_certificate": ResourceType(
        "A TLS server certificate stored in IAM.",
        {"expires_at": "expiry time", "uploaded_at": "upload time"},
    ),
    # ----------------------------------------------------------------- network
    "aws.ec2.vpc": ResourceType(
        "A VPC.",
        {
            "cidr_block": "primary IPv4 CIDR",
            "is_default": "the region's default VPC",
            "flow_logs_enabled": "at least one active flow log covers the VPC",
        },
    ),
    "aws.ec2.subnet": ResourceType(
        "A VPC subnet.",
        {
            "cidr_block": "IPv4 CIDR",
            "availability_zone": "AZ name",
            "map_public_ip_on_launch": "instances get a public IPv4 address by default",
            "has_internet_route": "its route table sends 0.0.0.0/0 to an internet gateway",
        },
        {"in_vpc": "aws.ec2.vpc"},
    ),
    "aws.ec2.security_group": ResourceType(
        "A security group. Rules are flattened: one entry per (rule, source).",
        {
            "group_id": "sg-... id",
            "is_default": "the VPC's default group",
            "description": "group description",
            "ingress": "list of {protocol ('-1' = all, 'tcp', 'udp', 'icmp'), from_port,"
            " to_port, source, source_type (cidr4|cidr6|group|prefix_list), description}",
            "egress": "list in the same shape as ingress, source meaning destination",
            "attachment_count": "network interfaces using the group",
        },
        {"in_vpc": "aws.ec2.vpc", "allows_from": "internet / aws.ec2.security_group"},
    ),
    "aws.ec2.network_acl": ResourceType(
        "A network ACL.",
        {
            "is_default": "the VPC's default ACL",
            "entries": "list of {rule_number, egress, action (allow|deny), protocol,"
            " from_port, to_port, cidr}",
        },
        {"in_vpc": "aws.ec2.vpc"},
    ),
    "aws.ec2.internet_gateway": ResourceType(
        "An internet gateway.", {"attached_vpc_ids": "list of VPC ids"}, {"in_vpc": "VPC"}
    ),
    "aws.ec2.nat_gateway": ResourceType(
        "A NAT gateway.",
        {
            "state": "available, deleted, ...",
            "bytes_out_30d": "bytes sent in the last 30 days, when known, else null",
        },
        {"in_subnet": "aws.ec2.subnet", "in_vpc": "aws.ec2.vpc"},
    ),
    "aws.ec2.eip": ResourceType(
        "An Elastic IP address.",
        {
            "public_ip": "the address",
            "association_id": "association id, or null when the address is idle",
        },
        {"attached_to": "aws.ec2.instance"},
    ),
    # ----------------------------------------------------------------- compute
    "aws.ec2.instance": ResourceType(
        "An EC2 instance.",
        {
            "instance_type": "e.g. m5.large",
            "state": "running, stopped, ...",
            "launch_time": "launch time",
            "image_id": "AMI id",
            "public_ip": "public IPv4 address, or null",
            "private_ip": "private IPv4 address",
            "availability_zone": "AZ name",
            "imds": "object {http_tokens (required|optional), http_endpoint (enabled|disabled)}",
            "iam_instance_profile": "instance profile ARN, or null",
            "monitoring": "detailed monitoring state",
            "secrets": "secret-looking values found in user data: list of {location, kind, masked}",
            "root_volume_encrypted": "the root EBS volume is encrypted",
        },
        {
            "in_subnet": "aws.ec2.subnet",
            "in_vpc": "aws.ec2.vpc",
            "protected_by": "aws.ec2.security_group",
            "runs_as": "aws.iam.role",
        },
    ),
    "aws.ec2.volume": ResourceType(
        "An EBS volume.",
        {
            "volume_type": "gp2, gp3, io1, ...",
            "size_gb": "size in GiB",
            "state": "in-use, available, ...",
            "encrypted": "encrypted at rest",
            "kms_key_id": "KMS key ARN, or null",
            "created_at": "creation time",
        },
        {"attached_to": "aws.ec2.instance", "encrypted_by": "aws.kms.key"},
    ),
    "aws.ec2.snapshot": ResourceType(
        "An EBS snapshot owned by the account.",
        {
            "volume_size_gb": "size of the source volume in GiB",
            "encrypted": "encrypted at rest",
            "is_public": "createVolumePermission includes group 'all'",
            "created_at": "start time",
        },
    ),
    "aws.ec2.image": ResourceType(
        "An AMI owned by the account.",
        {"is_public": "launch permission is public", "created_at": "creation time"},
    ),
    "aws.autoscaling.group": ResourceType(
        "An EC2 Auto Scaling group.",
        {
            "availability_zones": "list of AZ names",
            "min_size": "minimum capacity",
            "max_size": "maximum capacity",
            "desired_capacity": "desired capacity",
            "health_check_type": "EC2 or ELB",
        },
        {"in_subnet": "aws.ec2.subnet"},
    ),
    "aws.lambda.function": ResourceType(
        "A Lambda function.",
        {
            "runtime": "e.g. python3.12, or null for container images",
            "memory_mb": "memory size",
            "timeout_s": "timeout in seconds",
            "environment_keys": "names of environment variables (values are never stored)",
            "secrets": "secret-looking environment values: list of {location, kind, masked}",
            "function_url_auth_type": "AWS_IAM or NONE when a function URL exists, else null",
            "is_public_by_policy": "its resource policy allows any principal",
            "tracing_mode": "Active or PassThrough",
            "in_vpc": "attached to a VPC",
            "last_modified": "last modification time",
        },
        {"runs_as": "aws.iam.role", "in_subnet": "aws.ec2.subnet"},
    ),
    "aws.ecs.task_definition": ResourceType(
        "An ECS task definition (latest active revision).",
        {
            "network_mode": "awsvpc, bridge, host, none",
            "containers": "list of {name, image, privileged, readonly_root_filesystem, user}",
            "secrets": "secret-looking container environment values: list of {location,"
            " kind, masked}",
        },
        {"runs_as": "aws.iam.role"},
    ),
    # ----------------------------------------------------------------- load balancing
    "aws.elbv2.load_balancer": ResourceType(
        "An Application or Network Load Balancer.",
        {
            "lb_type": "application, network or gateway",
            "scheme": "internet-facing or internal",
            "dns_name": "DNS name",
            "listeners": "list of {port, protocol, ssl_policy, redirects_to_https}",
            "waf_web_acl_arn": "associated WAF web ACL, or null",
            "deletion_protection": "deletion protection enabled",
            "access_logs_enabled": "access logs enabled",
            "drop_invalid_header_fields": "ALB drops invalid HTTP headers",
            "target_count": "registered targets over all target groups",
        },
        {
            "protected_by": "aws.ec2.security_group",
            "in_vpc": "aws.ec2.vpc",
            "routes_to": "target (aws.ec2.instance, aws.lambda.function, ...)",
        },
    ),
    # ----------------------------------------------------------------- storage & data
    "aws.s3.bucket": ResourceType(
        "An S3 bucket with its access and protection settings.",
        {
            "created_at": "creation time",
            "public_access_block": "object {block_public_acls, ignore_public_acls,"
            " block_public_policy, restrict_public_buckets}; null when not configured",
            "acl_grants": "list of {grantee, permission}; grantee AllUsers /"
            " AuthenticatedUsers / canonical id / email",
            "policy": "bucket policy document, or null",
            "is_public_by_acl": "an ACL grant to AllUsers or AuthenticatedUsers",
            "is_public_by_policy": "the policy allows Principal '*' without a limiting condition",
            "secure_transport_enforced": "the policy denies requests without aws:SecureTransport",
            "encryption": "object {algorithm (AES256|aws:kms|aws:kms:dsse), kms_key_id,"
            " bucket_key_enabled}; null when none",
            "versioning": "Enabled, Suspended or null (never enabled)",
            "mfa_delete": "MFA delete enabled",
            "logging_target": "bucket receiving server access logs, or null",
            "lifecycle_rule_count": "number of lifecycle rules",
            "object_lock_enabled": "object lock enabled",
        },
        {"encrypted_by": "aws.kms.key", "logs_to": "aws.s3.bucket"},
    ),
    "aws.rds.instance": ResourceType(
        "An RDS database instance.",
        {
            "engine": "e.g. postgres, mysql",
            "engine_version": "engine version",
            "instance_class": "e.g. db.m5.large",
            "storage_encrypted": "encrypted at rest",
            "kms_key_id": "KMS key ARN, or null",
            "publicly_accessible": "has a public endpoint",
            "multi_az": "Multi-AZ deployment",
            "backup_retention_days": "automated backup retention (0 = off)",
            "deletion_protection": "deletion protection enabled",
            "auto_minor_version_upgrade": "minor upgrades applied automatically",
            "iam_auth_enabled": "IAM database authentication enabled",
            "allocated_storage_gb": "allocated storage in GiB",
        },
        {
            "protected_by": "aws.ec2.security_group",
            "in_vpc": "aws.ec2.vpc",
            "in_subnet": "aws.ec2.subnet (one edge per subnet of its DB subnet group)",
            "encrypted_by": "aws.kms.key",
        },
    ),
    "aws.rds.snapshot": ResourceType(
        "A manual RDS snapshot.",
        {"is_public": "shared with all accounts", "encrypted": "encrypted", "created_at": "time"},
    ),
    "aws.dynamodb.table": ResourceType(
        "A DynamoDB table.",
        {
            "pitr_enabled": "point-in-time recovery enabled",
            "sse_type": "AES256 (AWS owned), KMS, or null",
            "billing_mode": "PROVISIONED or PAY_PER_REQUEST",
            "deletion_protection": "deletion protection enabled",
        },
    ),
    "aws.efs.file_system": ResourceType(
        "An EFS file system.",
        {"encrypted": "encrypted at rest", "kms_key_id": "KMS key ARN, or null"},
    ),
    "aws.sqs.queue": ResourceType(
        "An SQS queue.",
        {
            "kms_key_id": "KMS key, or null",
            "sqs_managed_sse": "SSE-SQS enabled",
            "is_public_by_policy": "policy allows any principal",
        },
    ),
    "aws.sns.topic": ResourceType(
        "An SNS topic.",
        {"kms_key_id": "KMS key, or null", "is_public_by_policy": "policy allows any principal"},
    ),
    # ----------------------------------------------------------------- keys, secrets, logs
    "aws.kms.key": ResourceType(
        "A KMS key.",
        {
            "key_manager": "CUSTOMER or AWS",
            "key_spec": "SYMMETRIC_DEFAULT, RSA_2048, ...",
            "state": "Enabled, Disabled, PendingDeletion, ...",
            "rotation_enabled": "automatic rotation enabled",
            "policy": "key policy document",
            "created_at": "creation time",
        },
    ),
    "aws.secretsmanager.secret": ResourceType(
        "A Secrets Manager secret (metadata only, never the value).",
        {
            "rotation_enabled": "automatic rotation enabled",
            "rotation_days": "rotation interval in days, or null",
            "last_rotated_at": "last rotation, or null",
            "last_accessed_at": "last access, or null",
            "kms_key_id": "KMS key, or null (aws/secretsmanager)",
        },
    ),
    "aws.acm.certificate": ResourceType(
        "An ACM certificate.",
        {
            "domain_name": "primary domain",
            "not_after": "expiry time",
            "status": "ISSUED, EXPIRED, ...",
            "in_use": "associated with at least one resource",
            "key_algorithm": "RSA_2048, EC_prime256v1, ...",
        },
    ),
    "aws.cloudtrail.trail": ResourceType(
        "A CloudTrail trail.",
        {
            "is_multi_region": "records all regions",
            "is_logging": "currently logging",
            "include_management_events": "management events (read and write) are recorded",
            "log_file_validation": "log file integrity validation enabled",
            "kms_key_id": "KMS key encrypting the logs, or null",
            "s3_bucket": "destination bucket name",
            "cloudwatch_logs_group_arn": "CloudWatch Logs group, or null",
            "s3_data_events": "object {read, write}: S3 object-level events recorded",
        },
        {"logs_to": "aws.s3.bucket", "encrypted_by": "aws.kms.key"},
    ),
    "aws.logs.log_group": ResourceType(
        "A CloudWatch Logs log group.",
        {
            "retention_days": "retention in days, or null (never expire)",
            "kms_key_id": "KMS key, or null",
            "stored_bytes": "bytes stored",
        },
    ),
    # ----------------------------------------------------------------- GCP hierarchy
    "gcp.resourcemanager.organization": ResourceType(
        "A GCP organization.",
        {
            "display_name": "organization domain",
            "iam_bindings": "list of {role, members}",
        },
    ),
    "gcp.resourcemanager.folder": ResourceType(
        "A GCP folder.",
        {"display_name": "folder name", "iam_bindings": "list of {role, members}"},
        {"member_of": "parent folder / organization"},
    ),
    "gcp.resourcemanager.project": ResourceType(
        "A GCP project with its IAM policy and audit configuration.",
        {
            "project_number": "numeric project number",
            "lifecycle_state": "ACTIVE, DELETE_REQUESTED, ...",
            "iam_bindings": "list of {role, members, condition}",
            "audit_configs": "list of {service, log_types} (DATA_READ, DATA_WRITE, ADMIN_READ)",
            "os_login_enabled": "project metadata enable-oslogin is TRUE",
        },
        {"member_of": "gcp.resourcemanager.folder / organization", "iam_binding": "principal"},
    ),
    # ----------------------------------------------------------------- GCP network/compute
    "gcp.compute.network": ResourceType(
        "A VPC network.",
        {
            "auto_create_subnetworks": "legacy auto-mode network",
            "routing_mode": "REGIONAL or GLOBAL",
            "is_default": "named 'default'",
        },
    ),
    "gcp.compute.subnetwork": ResourceType(
        "A VPC subnetwork.",
        {
            "ip_cidr_range": "primary range",
            "private_google_access": "Private Google Access enabled",
            "flow_logs_enabled": "VPC flow logs enabled",
        },
        {"in_network": "gcp.compute.network"},
    ),
    "gcp.compute.firewall": ResourceType(
        "A VPC firewall rule. Allowed ports are flattened to ranges.",
        {
            "direction": "INGRESS or EGRESS",
            "disabled": "the rule is disabled",
            "priority": "0-65535, lower wins",
            "source_ranges": "list of CIDRs",
            "target_tags": "list of network tags (empty = all instances)",
            "target_service_accounts": "list of service account emails",
            "allowed": "list of {protocol ('all', 'tcp', ...), from_port, to_port}",
            "denied": "list in the same shape as allowed",
            "logging_enabled": "firewall rules logging enabled",
        },
        {"in_network": "gcp.compute.network", "allows_from": "internet"},
    ),
    "gcp.compute.instance": ResourceType(
        "A Compute Engine VM instance.",
        {
            "machine_type": "e.g. e2-standard-4",
            "status": "RUNNING, TERMINATED, ...",
            "zone": "zone name",
            "public_ip": "first external IPv4 address, or null",
            "network_tags": "list of network tags",
            "service_accounts": "list of {email, scopes}",
            "uses_default_service_account": "runs as the Compute Engine default SA",
            "has_full_api_access": "a service account has the cloud-platform scope",
            "block_project_ssh_keys": "metadata block-project-ssh-keys is true",
            "os_login_enabled": "metadata enable-oslogin true, or null (inherits project)",
            "serial_port_enabled": "metadata serial-port-enable is true",
            "can_ip_forward": "IP forwarding enabled",
            "shielded_vm": "object {secure_boot, vtpm, integrity_monitoring}",
            "confidential_compute": "Confidential VM enabled",
            "is_gke_node": "created by GKE for a node pool",
            "secrets": "secret-looking metadata / startup-script values: list of {location,"
            " kind, masked}",
            "created_at": "creation time",
        },
        {
            "in_subnet": "gcp.compute.subnetwork",
            "in_network": "gcp.compute.network",
            "runs_as": "gcp.iam.service_account",
        },
    ),
    "gcp.compute.disk": ResourceType(
        "A persistent disk.",
        {
            "size_gb": "size in GB",
            "disk_type": "pd-standard, pd-balanced, pd-ssd, ...",
            "is_attached": "attached to at least one instance",
            "kms_key_name": "CMEK key, or null (Google-managed)",
            "created_at": "creation time",
            "last_detached_at": "last detach time, or null",
        },
        {"attached_to": "gcp.compute.instance", "encrypted_by": "gcp.kms.crypto_key"},
    ),
    "gcp.compute.address": ResourceType(
        "A reserved IP address.",
        {
            "address": "the IP",
            "address_type": "EXTERNAL or INTERNAL",
            "status": "RESERVED (idle) or IN_USE",
        },
    ),
    "gcp.compute.snapshot": ResourceType(
        "A disk snapshot.",
        {"storage_gb": "storage bytes / 1e9", "created_at": "creation time"},
    ),
    "gcp.compute.backend_service": ResourceType(
        "A load balancer backend service.",
        {
            "load_balancing_scheme": "EXTERNAL, EXTERNAL_MANAGED, INTERNAL, ...",
            "protocol": "HTTP, HTTPS, TCP, ...",
            "logging_enabled": "request logging enabled",
            "security_policy": "Cloud Armor policy, or null",
        },
        {"routes_to": "instance group members"},
    ),
    # ----------------------------------------------------------------- GCP data
    "gcp.storage.bucket": ResourceType(
        "A Cloud Storage bucket.",
        {
            "location": "bucket location",
            "uniform_bucket_level_access": "uniform bucket-level access enabled",
            "public_access_prevention": "enforced, inherited or null",
            "versioning_enabled": "object versioning enabled",
            "retention_period_days": "retention policy in days, or null",
            "logging_bucket": "access log bucket, or null",
            "kms_key_name": "default CMEK key, or null",
            "iam_bindings": "list of {role, members}",
            "is_public": "allUsers or allAuthenticatedUsers hold a role on it",
        },
        {"iam_binding": "principal", "encrypted_by": "gcp.kms.crypto_key"},
    ),
    "gcp.sql.instance": ResourceType(
        "A Cloud SQL instance.",
        {
            "database_version": "e.g. POSTGRES_15, MYSQL_8_0",
            "public_ip_enabled": "has a public IPv4 address",
            "authorized_networks": "list of CIDRs allowed to connect",
            "ssl_mode": "ALLOW_UNENCRYPTED_AND_ENCRYPTED, ENCRYPTED_ONLY,"
            " TRUSTED_CLIENT_CERTIFICATE_REQUIRED",
            "backup_enabled": "automated backups enabled",
            "pitr_enabled": "point-in-time recovery enabled",
            "availability_type": "ZONAL or REGIONAL",
            "database_flags": "object flag name -> value",
            "deletion_protection": "deletion protection enabled",
            "tier": "machine tier",
        },
        {"in_network": "gcp.compute.network"},
    ),
    "gcp.bigquery.dataset": ResourceType(
        "A BigQuery dataset.",
        {
            "kms_key_name": "default CMEK key, or null",
            "is_public": "allUsers or allAuthenticatedUsers have access",
        },
    ),
    # ----------------------------------------------------------------- GCP IAM, keys, logs
    "gcp.iam.service_account": ResourceType(
        "A service account.",
        {
            "email": "service account email",
            "disabled": "disabled",
            "is_default_compute": "the Compute Engine default service account",
            "project_roles": "roles it holds on its project (resolved from the project policy)",
        },
        {"iam_binding": "principal (who may act as it)"},
    ),
    "gcp.iam.service_account_key": ResourceType(
        "A service account key.",
        {
            "key_type": "USER_MANAGED or SYSTEM_MANAGED",
            "valid_after": "creation time",
            "disabled": "disabled",
        },
        {"key_of": "gcp.iam.service_account"},
    ),
    "gcp.kms.crypto_key": ResourceType(
        "A Cloud KMS key.",
        {
            "purpose": "ENCRYPT_DECRYPT, ASYMMETRIC_SIGN, ...",
            "rotation_period_days": "automatic rotation period in days, or null",
            "is_public": "allUsers or allAuthenticatedUsers hold a role on it",
        },
    ),
    "gcp.secretmanager.secret": ResourceType(
        "A Secret Manager secret (metadata only).",
        {"rotation_period_days": "rotation period in days, or null", "created_at": "time"},
    ),
    "gcp.logging.sink": ResourceType(
        "A log sink.",
        {
            "destination": "sink destination",
            "filter": "log filter ('' = all logs)",
            "is_default": "one of the built-in _Default / _Required sinks",
        },
    ),
    "gcp.dns.managed_zone": ResourceType(
        "A Cloud DNS managed zone.",
        {
            "visibility": "public or private",
            "dnssec_state": "on, off, transfer or null",
            "dnssec_key_algorithms": "list of algorithms of the DNSSEC signing keys",
        },
    ),
    "gcp.container.cluster": ResourceType(
        "A GKE cluster.",
        {
            "private_nodes": "nodes have no public IPs",
            "master_authorized_networks_enabled": "control-plane authorized networks on",
            "legacy_abac_enabled": "legacy ABAC on",
            "network_policy_enabled": "network policy enforcement on",
            "workload_identity_enabled": "Workload Identity configured",
            "shielded_nodes_enabled": "Shielded GKE nodes on",
            "release_channel": "RAPID, REGULAR, STABLE or null",
        },
        {"in_network": "gcp.compute.network"},
    ),
    "gcp.run.service": ResourceType(
        "A Cloud Run service.",
        {
            "ingress": "all, internal, internal-and-cloud-load-balancing",
            "is_public": "allUsers may invoke it",
            "secrets": "secret-looking env values: list of {location, kind, masked}",
        },
        {"runs_as": "gcp.iam.service_account"},
    ),
    "gcp.cloudfunctions.function": ResourceType(
        "A Cloud Function.",
        {
            "runtime": "e.g. python312",
            "ingress": "ALLOW_ALL, ALLOW_INTERNAL_ONLY, ...",
            "is_public": "allUsers may invoke it",
            "secrets": "secret-looking env values: list of {location, kind, masked}",
        },
        {"runs_as": "gcp.iam.service_account"},
    ),
}


def known_type(resource_type: str) -> bool:
    """True when the type is in the catalog."""
    return resource_type in TYPES
