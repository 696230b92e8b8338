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
    "in_cluster": "node pool -> the Kubernetes cluster (gcp.container.cluster) it belongs to",
    "logs_to": "trail / sink / flow log -> bucket or log destination",
    "key_of": "service account key -> service account",
    "uses_image": "instance -> image it was launched from",
}

_TAGGED = "tags are AWS tags / GCP labels"

# Shared descriptions of the GCP IAM attributes (see the note above the GCP types).
_EFFECTIVE = (
    "its own bindings and those inherited from the project, folders and organization:"
    " list of {role, members, condition, inherited_from}"
)
_AUDIT = "list of {service, log_types, exempted_members} set on this node"
_EFFECTIVE_AUDIT = (
    "log types per service turned on here or on any ancestor: list of {service, log_types}"
)
_ORG_POLICIES = (
    "organization policies set on this node: list of {constraint, enforced (boolean"
    " constraints, else null), all_values, allowed_values, denied_values, restore_default}"
)

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
            "instance_profiles": "ARNs of the instance profiles that hold the role",
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
            "has_internet_route": "its route table sends an internet-wide range (0.0.0.0/0,"
            " ::/0, ...) to an internet gateway",
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
            "uses_image": "aws.ec2.image (AMI ARNs carry no account)",
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
        {"encrypted_by": "aws.kms.key"},
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
            "instance_count": "instances in the group",
        },
        {"in_subnet": "aws.ec2.subnet", "routes_to": "aws.ec2.instance (its instances)"},
    ),
    "aws.lambda.function": ResourceType(
        "A Lambda function.",
        {
            "runtime": "e.g. python3.12, or null for container images",
            "runtime_deprecated": "the runtime is past its AWS deprecation date; null without"
            " a runtime",
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
        {
            "runs_as": "aws.iam.role",
            "in_subnet": "aws.ec2.subnet",
            "protected_by": "aws.ec2.security_group",
            "encrypted_by": "aws.kms.key (environment encryption)",
        },
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
            "is_public_by_policy": "the policy allows any principal ('*' or NotPrincipal)"
            " without a condition that pins the caller",
            "secure_transport_enforced": "the policy denies requests without aws:SecureTransport",
            "encryption": "object {algorithm (AES256|aws:kms|aws:kms:dsse), kms_key_id,"
            " bucket_key_enabled}; null when none",
            "versioning": "Enabled, Suspended or null (never enabled)",
            "mfa_delete": "MFA delete enabled",
            "logging_target": "bucket receiving server access logs, or null",
            "lifecycle_rule_count": "number of lifecycle rules",
            "object_lock_enabled": "object lock enabled",
            "object_ownership": "S3 Object Ownership from GetBucketOwnershipControls"
            " Rules[0].ObjectOwnership: BucketOwnerEnforced (ACLs disabled),"
            " BucketOwnerPreferred or ObjectWriter (also when the call answers"
            " OwnershipControlsNotFoundError, which S3 treats as ObjectWriter); null when"
            " not collected",
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
            "cluster_id": "the Aurora cluster it belongs to, or null",
        },
        {
            "protected_by": "aws.ec2.security_group",
            "in_vpc": "aws.ec2.vpc",
            "in_subnet": "aws.ec2.subnet (one edge per subnet of its DB subnet group)",
            "encrypted_by": "aws.kms.key",
            "member_of": "aws.rds.cluster",
        },
    ),
    "aws.rds.snapshot": ResourceType(
        "A manual RDS snapshot.",
        {
            "is_public": "shared with all accounts",
            "encrypted": "encrypted",
            "created_at": "time",
            "source": "instance (DB snapshot) or cluster (Aurora cluster snapshot)",
        },
        {"encrypted_by": "aws.kms.key"},
    ),
    "aws.rds.cluster": ResourceType(
        "An Aurora (or Multi-AZ) DB cluster.",
        {
            "engine": "e.g. aurora-postgresql",
            "engine_version": "engine version",
            "storage_encrypted": "encrypted at rest",
            "kms_key_id": "KMS key ARN, or null",
            "publicly_accessible": "has a public endpoint, or null when the API does not say",
            "multi_az": "instances in several AZs",
            "backup_retention_days": "automated backup retention",
            "deletion_protection": "deletion protection enabled",
            "iam_auth_enabled": "IAM database authentication enabled",
            "member_count": "number of DB instances in the cluster",
        },
        {"protected_by": "aws.ec2.security_group", "encrypted_by": "aws.kms.key"},
    ),
    "aws.dynamodb.table": ResourceType(
        "A DynamoDB table.",
        {
            "pitr_enabled": "point-in-time recovery enabled",
            "sse_type": "AES256 (AWS owned), KMS, or null",
            "billing_mode": "PROVISIONED or PAY_PER_REQUEST",
            "deletion_protection": "deletion protection enabled",
        },
        {"encrypted_by": "aws.kms.key"},
    ),
    "aws.efs.file_system": ResourceType(
        "An EFS file system.",
        {
            "encrypted": "encrypted at rest",
            "kms_key_id": "KMS key ARN, or null",
            "backup_policy_enabled": "automatic AWS Backup of the file system is on:"
            " GetBackupPolicy BackupPolicy.Status is ENABLED or ENABLING; false for DISABLED"
            " or DISABLING",
        },
        {"encrypted_by": "aws.kms.key"},
    ),
    "aws.sqs.queue": ResourceType(
        "An SQS queue.",
        {
            "kms_key_id": "KMS key, or null",
            "sqs_managed_sse": "SSE-SQS enabled",
            "is_public_by_policy": "policy allows any principal",
        },
        {"encrypted_by": "aws.kms.key"},
    ),
    "aws.sns.topic": ResourceType(
        "An SNS topic.",
        {"kms_key_id": "KMS key, or null", "is_public_by_policy": "policy allows any principal"},
        {"encrypted_by": "aws.kms.key"},
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
            "aliases": "alias names (without alias/); the first is the resource name",
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
        {"encrypted_by": "aws.kms.key"},
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
            "is_organization_trail": "an organization trail (logs every member account)",
        },
        {"logs_to": "aws.s3.bucket / aws.logs.log_group", "encrypted_by": "aws.kms.key"},
    ),
    "aws.logs.log_group": ResourceType(
        "A CloudWatch Logs log group.",
        {
            "retention_days": "retention in days, or null (never expire)",
            "kms_key_id": "KMS key, or null",
            "stored_bytes": "bytes stored",
            "metric_filters": "list of {name, pattern, metrics: [{name, namespace}]} reading"
            " this log group",
        },
        {"encrypted_by": "aws.kms.key"},
    ),
    # ----------------------------------------------------------------- AWS: more network
    "aws.ec2.route_table": ResourceType(
        "A VPC route table.",
        {
            "is_main": "the VPC's main table (used by subnets without an explicit association)",
            "subnet_ids": "ids of the subnets explicitly associated with it",
            "routes": "list of {destination (CIDR or prefix list), target (gateway, NAT, peering,"
            " interface ... id), state (active|blackhole)}",
            "has_internet_route": "a route sends an internet-wide range (0.0.0.0/0, ::/0, ...)"
            " to an internet gateway",
        },
        {"in_vpc": "aws.ec2.vpc"},
    ),
    "aws.elb.load_balancer": ResourceType(
        "A Classic Load Balancer.",
        {
            "scheme": "internet-facing or internal",
            "dns_name": "DNS name",
            "listeners": "list of {port, protocol, instance_port, instance_protocol, ssl_policy}",
            "access_logs_enabled": "access logs enabled",
            "cross_zone_load_balancing": "cross-zone load balancing enabled",
            "connection_draining": "connection draining enabled",
            "instance_count": "registered instances",
        },
        {
            "protected_by": "aws.ec2.security_group",
            "in_vpc": "aws.ec2.vpc",
            "in_subnet": "aws.ec2.subnet",
            "routes_to": "aws.ec2.instance",
        },
    ),
    "aws.cloudfront.distribution": ResourceType(
        "A CloudFront distribution.",
        {
            "domain_name": "the distribution's cloudfront.net name",
            "enabled": "serving traffic",
            "viewer_protocol_policy": "default behaviour: allow-all, redirect-to-https or"
            " https-only",
            "minimum_protocol_version": "minimum viewer TLS version, e.g. TLSv1.2_2021",
            "uses_default_certificate": "serves the *.cloudfront.net certificate",
            "web_acl_id": "WAF web ACL (ARN for WAFv2), or null",
            "origins": "list of {id, domain_name, is_s3, s3_bucket, s3_access (oac|oai|public),"
            " protocol_policy}",
            "price_class": "PriceClass_All, PriceClass_200, PriceClass_100",
            "http_version": "http1.1, http2, http2and3, http3",
            "logging_enabled": "standard access logging enabled",
            "geo_restriction": "none, allowlist or blocklist",
        },
        {"routes_to": "aws.s3.bucket (S3 origins)", "protected_by": "aws.wafv2.web_acl"},
    ),
    "aws.wafv2.web_acl": ResourceType(
        "A WAFv2 web ACL (regional, or CLOUDFRONT scope with region global).",
        {
            "scope": "REGIONAL or CLOUDFRONT",
            "default_action": "allow or block",
            "rule_count": "number of rules",
            "managed_rule_groups": "list of vendor:name of the managed rule groups it uses",
            "logging_enabled": "a logging configuration exists",
            "associated_resources": "ARNs of the regional resources it protects (null for"
            " CLOUDFRONT scope, where distributions name their ACL)",
        },
    ),
    "aws.apigateway.rest_api": ResourceType(
        "An API Gateway REST API with its stages.",
        {
            "endpoint_types": "EDGE, REGIONAL and/or PRIVATE",
            "is_private": "reachable only through VPC endpoints",
            "is_public_by_policy": "its resource policy allows any principal",
            "stages": "list of {name, logging_level, tracing_enabled, cache_encrypted,"
            " web_acl_arn, client_certificate_id, access_logs_enabled}",
            "created_at": "creation time",
        },
    ),
    "aws.route53.hosted_zone": ResourceType(
        "A Route 53 hosted zone.",
        {
            "private": "a private zone (associated with VPCs)",
            "record_count": "number of record sets",
            "dnssec_status": "SIGNING, NOT_SIGNING, ... for public zones; null for private ones",
            "query_logging_enabled": "DNS query logging configured",
        },
    ),
    # ----------------------------------------------------------------- AWS: containers
    "aws.ecs.cluster": ResourceType(
        "An ECS cluster.",
        {
            "status": "ACTIVE, INACTIVE, ...",
            "container_insights": "Container Insights enabled (null when not set)",
            "running_tasks": "running tasks",
            "active_services": "active services",
        },
    ),
    "aws.ecs.service": ResourceType(
        "An ECS service.",
        {
            "launch_type": "FARGATE, EC2, EXTERNAL, or null (capacity provider strategy)",
            "desired_count": "desired tasks",
            "running_count": "running tasks",
            "assign_public_ip": "awsvpc tasks get public IPs; null outside awsvpc mode",
            "task_definition": "task definition ARN it runs",
        },
        {
            "member_of": "aws.ecs.cluster",
            "in_subnet": "aws.ec2.subnet",
            "protected_by": "aws.ec2.security_group",
        },
    ),
    "aws.ecr.repository": ResourceType(
        "An ECR repository.",
        {
            "scan_on_push": "images are scanned on push",
            "tag_mutability": "MUTABLE or IMMUTABLE",
            "encryption_type": "AES256 or KMS",
            "kms_key_id": "KMS key, or null",
            "is_public_by_policy": "its repository policy allows any principal",
            "has_lifecycle_policy": "a lifecycle policy exists",
            "created_at": "creation time",
        },
        {"encrypted_by": "aws.kms.key"},
    ),
    "aws.eks.cluster": ResourceType(
        "An EKS cluster.",
        {
            "version": "Kubernetes version",
            "status": "ACTIVE, CREATING, ...",
            "endpoint_public_access": "the API server has a public endpoint",
            "endpoint_private_access": "the API server has a private endpoint",
            "public_access_cidrs": "CIDRs allowed to reach the public endpoint",
            "logging_types": "control-plane log types enabled (api, audit, authenticator, ...)",
            "secrets_encrypted": "Kubernetes secrets are envelope-encrypted with KMS",
            "created_at": "creation time",
        },
        {
            "runs_as": "aws.iam.role",
            "in_vpc": "aws.ec2.vpc",
            "in_subnet": "aws.ec2.subnet",
            "protected_by": "aws.ec2.security_group",
            "encrypted_by": "aws.kms.key",
        },
    ),
    # ----------------------------------------------------------------- AWS: resilience
    "aws.backup.vault": ResourceType(
        "An AWS Backup vault.",
        {
            "kms_key_id": "KMS key encrypting recovery points",
            "recovery_points": "number of recovery points",
            "locked": "Vault Lock enabled",
            "created_at": "creation time",
        },
        {"encrypted_by": "aws.kms.key"},
    ),
    "aws.backup.plan": ResourceType(
        "An AWS Backup plan.",
        {
            "rules": "list of {name, schedule, target_vault, delete_after_days}",
            "created_at": "creation time",
        },
    ),
    "aws.cloudwatch.alarm": ResourceType(
        "A CloudWatch metric alarm.",
        {
            "metric_name": "metric watched",
            "namespace": "metric namespace (e.g. CloudTrailMetrics)",
            "actions_enabled": "alarm actions are enabled",
            "alarm_actions": "ARNs notified in ALARM state (SNS topics, ...)",
            "state": "OK, ALARM or INSUFFICIENT_DATA",
            "comparison": "comparison operator",
            "threshold": "threshold",
            "updated_at": "last configuration update",
        },
    ),
    # ----------------------------------------------------------------- AWS Organizations
    "aws.organizations.organization": ResourceType(
        "An AWS Organizations organization (collected from its management account).",
        {
            "master_account_id": "management account id",
            "feature_set": "ALL or CONSOLIDATED_BILLING",
            "enabled_policy_types": "policy types enabled on the root (SERVICE_CONTROL_POLICY,"
            " ...)",
            "root_ids": "ids of the roots",
        },
        {"has_policy": "aws.organizations.policy (attached to the root)"},
    ),
    "aws.organizations.ou": ResourceType(
        "An organizational unit.",
        {"ou_id": "ou-... id"},
        {
            "member_of": "parent OU or root",
            "has_policy": "aws.organizations.policy",
        },
    ),
    "aws.organizations.account": ResourceType(
        "A member account as the organization sees it.",
        {
            "account_id": "12-digit account id",
            "email": "root e-mail address",
            "status": "ACTIVE, SUSPENDED, PENDING_CLOSURE",
            "joined_method": "INVITED or CREATED",
            "joined_at": "when it joined",
        },
        {
            "member_of": "parent OU or root",
            "has_policy": "aws.organizations.policy",
        },
    ),
    "aws.organizations.policy": ResourceType(
        "A service control policy.",
        {
            "policy_type": "SERVICE_CONTROL_POLICY",
            "is_aws_managed": "AWS-managed (FullAWSAccess)",
            "document": "the policy document",
            "target_ids": "ids of the roots, OUs and accounts it is attached to",
        },
    ),
    # ----------------------------------------------------------------- GCP hierarchy
    # GCP IAM (every type below with iam_bindings): `iam_bindings` is the policy set on the
    # resource itself, a list of {role, members, condition} (condition: {title, expression}
    # or null); each (role, member) is also an `iam_binding` relation to
    # `principal:gcp:<member>`. `effective_iam_bindings` adds the bindings inherited from
    # the project, folders and organisation above it (and, for a crypto key, its key
    # ring), each with `inherited_from`: the id of the resource the binding is set on
    # (null for its own). Other resources inherit their project's effective bindings.
    "gcp.resourcemanager.organization": ResourceType(
        "A GCP organization.",
        {
            "display_name": "organization domain",
            "iam_bindings": "list of {role, members}",
            "directory_customer_id": "Google Workspace / Cloud Identity customer id",
            "lifecycle_state": "ACTIVE, DELETE_REQUESTED, ...",
            "created_at": "creation time",
            "effective_iam_bindings": _EFFECTIVE,
            "audit_configs": _AUDIT,
            "effective_audit_configs": _EFFECTIVE_AUDIT,
            "org_policies": _ORG_POLICIES,
            "essential_contacts": "Essential Contacts set on the organization"
            " (essentialcontacts organizations.contacts.list): list of {email,"
            " notification_categories (ALL, SECURITY, TECHNICAL, TECHNICAL_INCIDENTS, LEGAL,"
            " SUSPENSION, BILLING, PRODUCT_UPDATES)}; null when not collected",
        },
        {"iam_binding": "principal"},
    ),
    "gcp.resourcemanager.folder": ResourceType(
        "A GCP folder.",
        {
            "display_name": "folder name",
            "iam_bindings": "list of {role, members}",
            "lifecycle_state": "ACTIVE, DELETE_REQUESTED, ...",
            "created_at": "creation time",
            "effective_iam_bindings": _EFFECTIVE,
            "audit_configs": _AUDIT,
            "effective_audit_configs": _EFFECTIVE_AUDIT,
            "org_policies": _ORG_POLICIES,
        },
        {"member_of": "parent folder / organization", "iam_binding": "principal"},
    ),
    "gcp.resourcemanager.project": ResourceType(
        "A GCP project with its IAM policy and audit configuration.",
        {
            "project_number": "numeric project number",
            "lifecycle_state": "ACTIVE, DELETE_REQUESTED, ...",
            "iam_bindings": "list of {role, members, condition}",
            "audit_configs": "list of {service, log_types} (DATA_READ, DATA_WRITE, ADMIN_READ)"
            " set on the project itself, with exempted_members",
            "os_login_enabled": "project metadata enable-oslogin is TRUE; null when the compute"
            " project metadata was not collected",
            "project_id": "project id (also the resource's account)",
            "display_name": "project display name",
            "created_at": "creation time",
            "default_service_account": "the Compute Engine default service account's e-mail",
            "effective_iam_bindings": _EFFECTIVE,
            "effective_audit_configs": _EFFECTIVE_AUDIT,
            "org_policies": _ORG_POLICIES,
            "enabled_services": "names of the services enabled on the project (Service Usage"
            " services.list with filter state:ENABLED, e.g. cloudasset.googleapis.com); null"
            " when not collected",
            "access_approval_enabled": "Access Approval is on for the project, set on it or"
            " inherited (accessapproval projects.getAccessApprovalSettings: enrolledServices"
            " not empty); null when not collected",
        },
        {"member_of": "gcp.resourcemanager.folder / organization", "iam_binding": "principal"},
    ),
    # ----------------------------------------------------------------- GCP network/compute
    "gcp.compute.network": ResourceType(
        "A VPC network.",
        {
            "auto_create_subnetworks": "auto-mode network (true), custom mode (false);"
            " null for a legacy network",
            "routing_mode": "REGIONAL or GLOBAL",
            "is_default": "named 'default'",
            "is_legacy": "a legacy (non-subnetted) network",
            "mtu": "maximum transmission unit",
            "subnetworks": "ids of its subnetworks",
            "peerings": "list of {name, network, state}",
            "created_at": "creation time",
        },
    ),
    "gcp.compute.subnetwork": ResourceType(
        "A VPC subnetwork.",
        {
            "ip_cidr_range": "primary range",
            "private_google_access": "Private Google Access enabled",
            "flow_logs_enabled": "VPC flow logs enabled",
            "secondary_ranges": "list of {name, ip_cidr_range}",
            "flow_logs_config": "object {aggregation_interval, flow_sampling, metadata}, or null",
            "purpose": "PRIVATE, REGIONAL_MANAGED_PROXY, PRIVATE_SERVICE_CONNECT, ...",
            "stack_type": "IPV4_ONLY or IPV4_IPV6",
            "created_at": "creation time",
        },
        {"in_network": "gcp.compute.network"},
    ),
    "gcp.compute.firewall": ResourceType(
        "A VPC firewall rule. Allowed ports are flattened to ranges.",
        {
            "direction": "INGRESS or EGRESS",
            "disabled": "the rule is disabled",
            "priority": "0-65535, lower wins",
            "source_ranges": "list of CIDRs (an ingress rule with no source at all applies to"
            " 0.0.0.0/0, and says so here)",
            "target_tags": "list of network tags (empty = all instances)",
            "target_service_accounts": "list of service account emails",
            "allowed": "list of {protocol ('all', 'tcp', ...), from_port, to_port}; ports null"
            " when the entry names no ports (all ports)",
            "denied": "list in the same shape as allowed",
            "logging_enabled": "firewall rules logging enabled",
            "destination_ranges": "list of CIDRs (egress rules)",
            "source_tags": "list of network tags the rule admits traffic from",
            "source_service_accounts": "list of service account emails it admits traffic from",
            "created_at": "creation time",
        },
        {
            "in_network": "gcp.compute.network",
            "allows_from": "internet (one edge per allowed entry, when enabled, ingress and a"
            " source range is /0-/7 or IPv6 /0-/15)",
        },
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
            "external_ips": "every external IPv4 address of its interfaces",
            "private_ip": "first internal IPv4 address",
            "deletion_protection": "deletion protection enabled",
            "metadata_keys": "names of its custom metadata keys (values are never stored)",
            "last_started_at": "last start time, or null",
            "last_stopped_at": "last stop time, or null",
        },
        {
            "in_subnet": "gcp.compute.subnetwork",
            "in_network": "gcp.compute.network",
            "runs_as": "gcp.iam.service_account (or principal:gcp:serviceAccount:EMAIL when the"
            " account was not collected)",
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
            "users": "ids of the instances using it",
            "zone": "zone name, or null for a regional disk",
            "source_image": "image it was created from, or null",
            "status": "READY, ...",
            "last_attached_at": "last attach time, or null",
            "csek_encrypted": "encrypted with a customer-supplied key (CSEK):"
            " diskEncryptionKey.sha256 or rsaEncryptedKey is set; false for Google-managed and"
            " CMEK (kmsKeyName) disks",
        },
        {"attached_to": "gcp.compute.instance", "encrypted_by": "gcp.kms.crypto_key"},
    ),
    "gcp.compute.address": ResourceType(
        "A reserved IP address (regional or global).",
        {
            "address": "the IP",
            "address_type": "EXTERNAL or INTERNAL",
            "status": "RESERVED (idle) or IN_USE",
            "purpose": "GCE_ENDPOINT, VPC_PEERING, PRIVATE_SERVICE_CONNECT, ..., or null",
            "network_tier": "PREMIUM or STANDARD",
            "users": "ids of the resources using it",
            "created_at": "creation time",
        },
        {"attached_to": "instance or forwarding rule using it"},
    ),
    "gcp.compute.snapshot": ResourceType(
        "A disk snapshot.",
        {
            "storage_gb": "storage bytes / 1e9",
            "created_at": "creation time",
            "disk_size_gb": "size of the source disk in GB",
            "source_disk": "id of the source disk",
            "status": "READY, ...",
            "auto_created": "made by a snapshot schedule",
            "kms_key_name": "CMEK key, or null",
            "storage_locations": "list of locations",
        },
        {"encrypted_by": "gcp.kms.crypto_key"},
    ),
    "gcp.compute.forwarding_rule": ResourceType(
        "A load balancer frontend (regional or global forwarding rule).",
        {
            "ip_address": "the frontend address",
            "ip_protocol": "TCP, UDP, ...",
            "port_range": "e.g. 443-443, or null",
            "ports": "list of ports, or empty",
            "all_ports": "forwards every port",
            "load_balancing_scheme": "EXTERNAL, EXTERNAL_MANAGED, INTERNAL, ...",
            "is_external": "the scheme is EXTERNAL or EXTERNAL_MANAGED",
            "network_tier": "PREMIUM or STANDARD",
            "target": "id of its target proxy / pool, or null",
            "backend_service": "id of its backend service, or null",
            "created_at": "creation time",
        },
        {
            "routes_to": "target proxy / pool / backend service",
            "in_network": "gcp.compute.network (internal schemes)",
            "in_subnet": "gcp.compute.subnetwork (internal schemes)",
        },
    ),
    "gcp.compute.backend_service": ResourceType(
        "A load balancer backend service.",
        {
            "load_balancing_scheme": "EXTERNAL, EXTERNAL_MANAGED, INTERNAL, ...",
            "protocol": "HTTP, HTTPS, TCP, ...",
            "logging_enabled": "request logging enabled",
            "security_policy": "Cloud Armor policy, or null",
            "port_name": "named port",
            "timeout_sec": "backend timeout in seconds",
            "log_sample_rate": "sampled fraction of requests logged, or null",
            "enable_cdn": "Cloud CDN enabled",
            "backends": "ids of its instance groups / NEGs",
            "created_at": "creation time",
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
            "is_public": "allUsers or allAuthenticatedUsers hold a role on it (its own IAM"
            " policy, or its ACL without uniform access), unless public access prevention"
            " is enforced",
            "location_type": "region, dual-region or multi-region",
            "storage_class": "STANDARD, NEARLINE, ...",
            "retention_policy_locked": "the retention policy is locked",
            "soft_delete_retention_days": "soft delete retention in days, or null",
            "lifecycle_rule_count": "number of lifecycle rules",
            "effective_iam_bindings": _EFFECTIVE,
            "public_grants": "list of {member, role, via (iam|acl)} for allUsers /"
            " allAuthenticatedUsers",
            "created_at": "creation time",
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
            " TRUSTED_CLIENT_CERTIFICATE_REQUIRED (from requireSsl when sslMode is unset)",
            "backup_enabled": "automated backups enabled",
            "pitr_enabled": "point-in-time recovery enabled",
            "availability_type": "ZONAL or REGIONAL",
            "database_flags": "object flag name -> value",
            "deletion_protection": "deletion protection enabled",
            "tier": "machine tier",
            "state": "RUNNABLE, SUSPENDED, ...",
            "instance_type": "CLOUD_SQL_INSTANCE, READ_REPLICA_INSTANCE, ...",
            "public_ip_address": "the public (PRIMARY) address, or null",
            "ip_addresses": "list of {type (PRIMARY|PRIVATE|OUTGOING), address}",
            "require_ssl": "the legacy requireSsl setting",
            "private_network": "id of the VPC network of its private IP, or null",
            "kms_key_name": "CMEK key, or null",
            "created_at": "creation time",
        },
        {"in_network": "gcp.compute.network", "encrypted_by": "gcp.kms.crypto_key"},
    ),
    "gcp.bigquery.dataset": ResourceType(
        "A BigQuery dataset.",
        {
            "kms_key_name": "default CMEK key, or null",
            "is_public": "allUsers or allAuthenticatedUsers have access",
            "location": "dataset location",
            "access": "access list as {role, member} (member e.g. userByEmail:a@x,"
            " specialGroup:allAuthenticatedUsers, iamMember:allUsers; null for views)",
            "iam_bindings": "list of {role, members, condition}",
            "effective_iam_bindings": _EFFECTIVE,
            "default_table_expiration_days": "default table expiration in days, or null",
            "created_at": "creation time",
        },
        {"iam_binding": "principal", "encrypted_by": "gcp.kms.crypto_key"},
    ),
    "gcp.pubsub.topic": ResourceType(
        "A Pub/Sub topic.",
        {
            "kms_key_name": "CMEK key, or null",
            "message_retention_days": "message retention in days, or null",
            "allowed_persistence_regions": "regions messages may be stored in (empty = any)",
            "iam_bindings": "list of {role, members, condition}",
            "effective_iam_bindings": _EFFECTIVE,
            "is_public": "allUsers or allAuthenticatedUsers hold a role on it",
        },
        {"iam_binding": "principal", "encrypted_by": "gcp.kms.crypto_key"},
    ),
    # ----------------------------------------------------------------- GCP IAM, keys, logs
    "gcp.iam.service_account": ResourceType(
        "A service account.",
        {
            "email": "service account email",
            "disabled": "disabled",
            "is_default_compute": "the Compute Engine default service account",
            "project_roles": "roles it holds on its project: granted on the project or"
            " inherited from its folders and organization",
            "unique_id": "numeric unique id (the last part of the resource id)",
            "display_name": "display name",
            "description": "description",
            "project_role_bindings": "list of {role, inherited_from}: where each project role"
            " is granted",
            "iam_bindings": "who may act as it: list of {role, members, condition}",
            "effective_iam_bindings": _EFFECTIVE,
            "is_public": "allUsers or allAuthenticatedUsers hold a role on it",
        },
        {"iam_binding": "principal (who may act as it)"},
    ),
    "gcp.iam.service_account_key": ResourceType(
        "A service account key.",
        {
            "key_type": "USER_MANAGED or SYSTEM_MANAGED",
            "valid_after": "creation time",
            "disabled": "disabled",
            "valid_before": "expiry time",
            "key_origin": "GOOGLE_PROVIDED or USER_PROVIDED",
            "key_algorithm": "KEY_ALG_RSA_2048, ...",
            "service_account_email": "e-mail of the account the key belongs to",
        },
        {"key_of": "gcp.iam.service_account"},
    ),
    "gcp.kms.key_ring": ResourceType(
        "A Cloud KMS key ring; roles granted on it apply to every key in it.",
        {
            "location": "location",
            "created_at": "creation time",
            "iam_bindings": "list of {role, members, condition}",
            "effective_iam_bindings": _EFFECTIVE,
            "is_public": "allUsers or allAuthenticatedUsers hold a role on it",
        },
        {"iam_binding": "principal"},
    ),
    "gcp.kms.crypto_key": ResourceType(
        "A Cloud KMS key.",
        {
            "purpose": "ENCRYPT_DECRYPT, ASYMMETRIC_SIGN, ...",
            "rotation_period_days": "automatic rotation period in days, or null",
            "is_public": "allUsers or allAuthenticatedUsers hold a role on it or on its key ring",
            "next_rotation_at": "next automatic rotation, or null",
            "primary_state": "state of the primary version: ENABLED, DISABLED, ...",
            "protection_level": "SOFTWARE, HSM, EXTERNAL, ...",
            "algorithm": "e.g. GOOGLE_SYMMETRIC_ENCRYPTION",
            "key_ring": "id of its key ring",
            "import_only": "versions can only be imported",
            "created_at": "creation time",
            "iam_bindings": "list of {role, members, condition}",
            "effective_iam_bindings": _EFFECTIVE + " (including its key ring's)",
        },
        {"iam_binding": "principal"},
    ),
    "gcp.secretmanager.secret": ResourceType(
        "A Secret Manager secret (metadata only).",
        {
            "rotation_period_days": "rotation period in days, or null",
            "created_at": "time",
            "replication": "automatic or user_managed",
            "kms_key_names": "CMEK keys of its replicas (empty = Google-managed)",
            "next_rotation_at": "next rotation notification, or null",
            "expire_at": "expiry time, or null",
            "iam_bindings": "list of {role, members, condition}",
            "effective_iam_bindings": _EFFECTIVE,
            "is_public": "allUsers or allAuthenticatedUsers hold a role on it",
        },
        {"iam_binding": "principal", "encrypted_by": "gcp.kms.crypto_key"},
    ),
    "gcp.logging.sink": ResourceType(
        "A log sink.",
        {
            "destination": "sink destination",
            "filter": "log filter ('' = all logs)",
            "is_default": "one of the built-in _Default / _Required sinks",
            "disabled": "the sink is disabled",
            "include_children": "an organization / folder sink that exports its children's logs",
            "writer_identity": "the identity that writes to the destination",
            "exclusion_count": "number of exclusion filters",
            "scope": "where the sink is defined: projects/P, folders/N or organizations/N",
            "created_at": "creation time",
        },
        {"logs_to": "destination bucket / dataset / topic / log bucket"},
    ),
    "gcp.dns.managed_zone": ResourceType(
        "A Cloud DNS managed zone. Enums are lower case without underscores, whichever"
        " spelling the source used (CAI writes ON / RSASHA1, the DNS API on / rsasha1).",
        {
            "visibility": "public or private",
            "dnssec_state": "on, off, transfer or null",
            "dnssec_key_algorithms": "list of algorithms of the DNSSEC signing keys",
            "dns_name": "DNS name, e.g. example.com.",
            "description": "description",
            "dnssec_key_specs": "list of {key_type (keysigning|zonesigning), algorithm,"
            " key_length}",
            "logging_enabled": "Cloud DNS query logging enabled",
            "networks": "ids of the VPC networks a private zone is visible to",
            "created_at": "creation time",
        },
        {"in_network": "gcp.compute.network (private zones)"},
    ),
    "gcp.dns.policy": ResourceType(
        "A Cloud DNS server policy, bound to VPC networks.",
        {
            "logging_enabled": "DNS query logging enabled for its networks",
            "inbound_forwarding_enabled": "inbound DNS forwarding enabled",
            "networks": "ids of the VPC networks it applies to",
            "description": "description",
        },
        {"in_network": "gcp.compute.network"},
    ),
    "gcp.container.cluster": ResourceType(
        "A GKE cluster.",
        {
            "private_nodes": "nodes have no public IPs",
            "master_authorized_networks_enabled": "control-plane authorized networks on",
            "legacy_abac_enabled": "legacy ABAC on",
            "network_policy_enabled": "network policy enforcement on (or GKE Dataplane V2)",
            "workload_identity_enabled": "Workload Identity configured",
            "shielded_nodes_enabled": "Shielded GKE nodes on",
            "release_channel": "RAPID, REGULAR, STABLE or null",
            "location": "region or zone",
            "status": "RUNNING, ...",
            "current_master_version": "control plane version",
            "endpoint": "control plane address",
            "private_endpoint": "the control plane has no public endpoint",
            "master_authorized_networks": "CIDRs allowed to reach the control plane",
            "logging_service": "e.g. logging.googleapis.com/kubernetes, or none",
            "monitoring_service": "e.g. monitoring.googleapis.com/kubernetes, or none",
            "database_encryption_key": "KMS key encrypting Kubernetes secrets, or null",
            "node_pool_count": "number of node pools",
            "created_at": "creation time",
        },
        {
            "in_network": "gcp.compute.network",
            "in_subnet": "gcp.compute.subnetwork",
            "encrypted_by": "gcp.kms.crypto_key (application-layer secrets encryption)",
        },
    ),
    "gcp.container.node_pool": ResourceType(
        "A GKE node pool.",
        {
            "cluster": "id of its cluster",
            "machine_type": "e.g. e2-standard-4",
            "image_type": "COS_CONTAINERD, UBUNTU_CONTAINERD, ...",
            "disk_size_gb": "boot disk size in GB",
            "service_account": "the nodes' service account e-mail",
            "uses_default_service_account": "nodes run as the Compute Engine default SA",
            "oauth_scopes": "the nodes' access scopes",
            "has_full_api_access": "the nodes have the cloud-platform scope",
            "node_count": "initial node count",
            "autoscaling_enabled": "cluster autoscaler on",
            "min_node_count": "autoscaling minimum, or null",
            "max_node_count": "autoscaling maximum, or null",
            "auto_upgrade": "node auto-upgrade on",
            "auto_repair": "node auto-repair on",
            "secure_boot": "Shielded VM secure boot on, or null when not set",
            "integrity_monitoring": "Shielded VM integrity monitoring on, or null when not set",
            "workload_metadata_mode": "GKE_METADATA (Workload Identity) or GCE_METADATA",
            "version": "node version",
            "status": "RUNNING, ...",
        },
        {"in_cluster": "gcp.container.cluster", "runs_as": "gcp.iam.service_account"},
    ),
    "gcp.run.service": ResourceType(
        "A Cloud Run service.",
        {
            "ingress": "all, internal, internal-and-cloud-load-balancing",
            "is_public": "allUsers may invoke it",
            "secrets": "secret-looking env values: list of {location, kind, masked}",
            "url": "service URL",
            "service_account": "the e-mail it runs as",
            "images": "container images",
            "environment_keys": "names of plain environment variables (values are never stored)",
            "iam_bindings": "list of {role, members, condition}",
            "effective_iam_bindings": _EFFECTIVE,
            "created_at": "creation time",
        },
        {"runs_as": "gcp.iam.service_account", "iam_binding": "principal"},
    ),
    "gcp.cloudfunctions.function": ResourceType(
        "A Cloud Function (1st or 2nd gen).",
        {
            "runtime": "e.g. python312",
            "ingress": "ALLOW_ALL, ALLOW_INTERNAL_ONLY, ...",
            "is_public": "allUsers may invoke it",
            "secrets": "secret-looking env values: list of {location, kind, masked}",
            "generation": "1 or 2",
            "url": "HTTPS trigger URL, or null",
            "https_security_level": "SECURE_ALWAYS or SECURE_OPTIONAL (1st gen), or null",
            "vpc_connector": "Serverless VPC connector, or null",
            "service_account": "the e-mail it runs as",
            "environment_keys": "names of runtime environment variables (values never stored)",
            "build_environment_keys": "names of build environment variables",
            "kms_key_name": "CMEK key, or null",
            "iam_bindings": "list of {role, members, condition}",
            "effective_iam_bindings": _EFFECTIVE,
            "updated_at": "last update time",
        },
        {
            "runs_as": "gcp.iam.service_account",
            "iam_binding": "principal",
            "encrypted_by": "gcp.kms.crypto_key",
        },
    ),
    # ------------------------------------------------------------ GCP: added for rule packs
    "gcp.logging.metric": ResourceType(
        "A log-based metric (Logging API projects.metrics.list; CAI"
        " logging.googleapis.com/LogMetric). The resource name is the metric name.",
        {
            "filter": "the advanced logs filter that feeds the metric",
            "disabled": "the metric is disabled",
            "metric_type": "the Monitoring metric type it publishes:"
            " logging.googleapis.com/user/<metric name>",
            "description": "description",
        },
    ),
    "gcp.monitoring.alert_policy": ResourceType(
        "A Cloud Monitoring alert policy (Monitoring API projects.alertPolicies.list; CAI"
        " monitoring.googleapis.com/AlertPolicy).",
        {
            "display_name": "display name",
            "enabled": "the policy is enabled",
            "condition_filters": "the filter of each condition (conditionThreshold.filter,"
            " conditionAbsent.filter, ...), e.g."
            ' metric.type="logging.googleapis.com/user/owner-changes"',
            "notification_channels": "ids of the notification channels it notifies",
        },
    ),
    "gcp.apikeys.key": ResourceType(
        "An API key (API Keys API projects.locations.keys.list; CAI"
        " apikeys.googleapis.com/Key). Never holds the key string.",
        {
            "display_name": "display name",
            "created_at": "creation time (createTime)",
            "api_targets": "services the key is restricted to (restrictions.apiTargets[].service);"
            " empty when it may call any API",
            "has_application_restrictions": "restricted to browsers (HTTP referrers), server"
            " IPs, Android apps or iOS apps (one of restrictions.browserKeyRestrictions,"
            " serverKeyRestrictions, androidKeyRestrictions, iosKeyRestrictions)",
        },
    ),
    "gcp.dataproc.cluster": ResourceType(
        "A Dataproc cluster (Dataproc API projects.regions.clusters.list; CAI"
        " dataproc.googleapis.com/Cluster).",
        {
            "status": "RUNNING, STOPPED, ERROR, ...",
            "kms_key_name": "CMEK for the cluster's persistent disks"
            " (config.encryptionConfig.gcePdKmsKeyName), or null",
            "image_version": "Dataproc image version",
            "created_at": "creation time",
        },
        {"encrypted_by": "gcp.kms.crypto_key"},
    ),
    "gcp.bigquery.table": ResourceType(
        "A BigQuery table or view (tables.get; CAI bigquery.googleapis.com/Table).",
        {
            "dataset": "id of its dataset",
            "table_type": "TABLE, VIEW, MATERIALIZED_VIEW, EXTERNAL or SNAPSHOT",
            "kms_key_name": "CMEK (encryptionConfiguration.kmsKeyName), or null",
            "created_at": "creation time",
        },
        {"encrypted_by": "gcp.kms.crypto_key"},
    ),
}


def known_type(resource_type: str) -> bool:
    """True when the type is in the catalog."""
    return resource_type in TYPES
