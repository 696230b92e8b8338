"""The AWS resource types of the catalog (`scanner.catalog.TYPES` holds them with GCP's)."""

from __future__ import annotations

from scanner.catalog.resource_type import QUOTA_ATTRIBUTES, USAGE, ResourceType

__all__ = ["AWS_TYPES"]

AWS_TYPES: dict[str, ResourceType] = {
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
    "aws.accessanalyzer.analyzer": ResourceType(
        "An IAM Access Analyzer analyzer of one region, with its open findings.",
        {
            "analyzer_type": "ACCOUNT, ORGANIZATION (external access), ACCOUNT_UNUSED_ACCESS,"
            " ORGANIZATION_UNUSED_ACCESS, ACCOUNT_INTERNAL_ACCESS, ...",
            "status": "ACTIVE, CREATING, DISABLED or FAILED",
            "external_access": "the analyzer reports access from outside its zone of trust"
            " (type ACCOUNT or ORGANIZATION)",
            "active_findings": "ACTIVE findings (ListFindings); null for analyzers that are not"
            " active external-access ones, or when the findings could not be read",
            "public_findings": "those of the active findings that make a resource public"
            " (isPublic); null likewise",
            "created_at": "creation time",
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
            "available_ip_count": "free IPv4 addresses (AvailableIpAddressCount)",
            "total_ip_count": "usable IPv4 addresses: the CIDR's size minus the 5 AWS reserves",
            "used_ip_percent": "addresses in use, as a percentage of total_ip_count",
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
            "vcpus": "default vCPUs of the instance type (DescribeInstanceTypes), or null",
            "usage": USAGE,
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
            "iops": "provisioned IOPS (io1/io2/gp3), or null",
            "usage": USAGE,
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
            "instance_type": "instance type of its launch template or configuration, or null"
            " (mixed instances policy)",
            "vcpus_per_instance": "default vCPUs of that instance type, or null",
            "usage": USAGE,
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
            "reserved_concurrency": "reserved concurrent executions, or null when not reserved",
            "usage": USAGE,
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
            "usage": USAGE,
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
            "max_allocated_storage_gb": "storage autoscaling ceiling in GiB, or null when storage"
            " autoscaling is off",
            "iops": "provisioned IOPS, or null",
            "usage": USAGE,
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
            "usage": USAGE,
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
            "read_capacity_units": "provisioned read capacity units, or null (on-demand)",
            "write_capacity_units": "provisioned write capacity units, or null (on-demand)",
            "read_autoscaling": "an Application Auto Scaling target scales its read"
            " capacity; null when unknown",
            "write_autoscaling": "an Application Auto Scaling target scales its write"
            " capacity; null when unknown",
            "usage": USAGE,
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
            "usage": USAGE,
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
    "aws.ec2.flow_log": ResourceType(
        "A VPC flow log: traffic records of a VPC, subnet or network interface.",
        {
            "flow_log_id": "fl-... id",
            "resource_id": "the VPC, subnet, network interface or transit gateway id it covers",
            "resource_type": "VPC, Subnet, NetworkInterface, TransitGateway or"
            " TransitGatewayAttachment (from the id's prefix)",
            "traffic_type": "ACCEPT, REJECT or ALL",
            "status": "ACTIVE (DescribeFlowLogs FlowLogStatus)",
            "deliver_logs_status": "SUCCESS or FAILED (the last delivery)",
            "destination_type": "cloud-watch-logs, s3 or kinesis-data-firehose",
            "destination": "the destination ARN (S3 bucket ARN without its prefix, log"
            " group ARN, or Firehose stream ARN)",
            "log_format": "the record format (${version} ${account-id} ... by default)",
            "max_aggregation_interval": "seconds (60 or 600)",
        },
        {
            "attached_to": "aws.ec2.vpc / aws.ec2.subnet / network interface it covers",
            "logs_to": "aws.s3.bucket / aws.logs.log_group receiving the records",
        },
    ),
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
    "aws.apigatewayv2.api": ResourceType(
        "An API Gateway v2 API (HTTP or WebSocket) with its stages, routes and authorizers.",
        {
            "api_id": "the API id",
            "protocol_type": "HTTP or WEBSOCKET",
            "api_endpoint": "the default execute-api endpoint URL",
            "endpoint_type": "REGIONAL (HTTP and WebSocket APIs have regional endpoints only)",
            "disable_execute_api_endpoint": "the default execute-api endpoint is turned off"
            " (clients must use a custom domain name)",
            "stages": "list of {name, auto_deploy, access_logs_enabled, access_log_destination"
            " (log group ARN), default_route_throttling ({burst_limit, rate_limit}, or null"
            " when not set), detailed_metrics_enabled, logging_level (WebSocket execution"
            " logging: OFF, ERROR, INFO; null for HTTP APIs), data_trace_enabled,"
            " client_certificate_id}; null when unreadable",
            "routes": "list of {route_key, authorization_type (NONE, AWS_IAM, CUSTOM, JWT),"
            " authorizer_id, api_key_required, integration_id}; null when unreadable",
            "open_routes": "route keys callable without authorization (for WebSocket APIs only"
            " $connect, the one route that takes authorization); null when unreadable",
            "authorizers": "list of {id, name, type (JWT or REQUEST)}; null when unreadable",
            "custom_domains": "custom domain names mapped to the API: list of {domain_name,"
            " mtls_enabled, security_policy (TLS_1_2), endpoint_type}; null when unreadable",
            "mtls_enabled": "clients must present a certificate: the execute-api endpoint is"
            " off and every mapped custom domain has a mutual-TLS truststore; null when the"
            " domains could not be read",
            "created_at": "creation time",
        },
        {
            "routes_to": "aws.lambda.function / aws.elbv2.load_balancer behind its integrations"
            " (property route_keys)",
            "logs_to": "aws.logs.log_group receiving stage access logs",
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
            "usage": USAGE,
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
    # ----------------------------------------------------------------- limits
    "aws.servicequotas.quota": ResourceType(
        "An account or regional limit and its usage: Service Quotas (applied values merged"
        " with the AWS defaults, usage from the quota's CloudWatch usage metric) and the"
        " services' own limit APIs (EC2 and RDS account attributes, DynamoDB limits, Lambda"
        " account settings). Id: arn:<partition>:servicequotas:<region>:<account>:"
        "<service_code>/<quota_code>.",
        {
            "service_code": "e.g. ec2, vpc, rds, lambda, dynamodb",
            "quota_code": "Service Quotas code (L-1216C47A) or the service API's limit name",
            "quota_name": "what is limited, e.g. Running On-Demand Standard instances",
            **QUOTA_ATTRIBUTES,
            "default_limit": "the AWS default value, or null",
            "adjustable": "an increase can be requested",
            "global_quota": "the quota is account-wide rather than regional",
            "source": "where limit and usage came from: servicequotas, ec2, rds, dynamodb, lambda",
        },
    ),
}
