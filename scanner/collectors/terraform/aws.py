"""AWS mappers: S3, compute, data stores, keys, secrets and logs.

Each `<thing>(builder, instance)` maps one primary Terraform type to a normal resource;
each `fold_<thing>(builder, instance, parent)` folds a sub-resource into its parent.
`registry.py` names them all. Network and IAM types live in `aws_network.py` and
`aws_iam.py`. Resource policies are judged by `scanner.policy.iam`, as for live
resources; an unknown policy leaves the verdict UNKNOWN.
"""

from __future__ import annotations

import re
from typing import Any

from scanner.collectors.secrets import scan_text
from scanner.collectors.terraform.builder import Builder, relation, relations_to
from scanner.collectors.terraform.instances import Instance
from scanner.collectors.terraform.values import (
    TF_PREFIX,
    all_blocks,
    as_bool,
    as_int,
    created_default,
    first_block,
    is_known,
    json_document,
    list_of,
    name_tag,
    value_of,
)
from scanner.model import UNKNOWN, Resource
from scanner.policy.iam import denies_insecure_transport, is_public_policy

__all__ = [
    "autoscaling_group",
    "cloudtrail",
    "db_instance",
    "dynamodb_table",
    "ebs_volume",
    "ec2_instance",
    "efs_file_system",
    "fold_efs_backup_policy",
    "fold_lambda_permission",
    "fold_lambda_url",
    "fold_s3_acl",
    "fold_s3_encryption",
    "fold_s3_lifecycle",
    "fold_s3_logging",
    "fold_s3_ownership",
    "fold_s3_policy",
    "fold_s3_public_access_block",
    "fold_s3_versioning",
    "fold_secret_rotation",
    "fold_volume_attachment",
    "kms_key",
    "lambda_function",
    "log_group",
    "s3_bucket",
    "secretsmanager_secret",
    "sns_topic",
    "sqs_queue",
]

_S3_PUBLIC_ACLS = {"public-read", "public-read-write", "authenticated-read"}
_ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
_AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
_KMS = ("aws_kms_key",)
_PROVISIONED_IOPS = frozenset({"io1", "io2", "gp3"})  # gp2's IOPS is a derived baseline


def _positive(value: Any) -> Any:
    """A count the provider writes as 0 or -1 when unset: None then, else the int."""
    number = as_int(value)
    return None if isinstance(number, int) and number <= 0 else number


def _policy_is_public(document: Any) -> Any:
    return is_public_policy(document) if is_known(document) else UNKNOWN


def _secure_transport(document: Any) -> Any:
    return denies_insecure_transport(document) if is_known(document) else UNKNOWN


# ---------------------------------------------------------------------- S3
def s3_bucket(b: Builder, inst: Instance) -> Resource:
    """aws_s3_bucket -> aws.s3.bucket (inline ACL, versioning, encryption, logging, policy)."""
    v = inst.values
    name = v.get("bucket") if v.get("bucket") is not None else UNKNOWN
    acl = created_default(inst, v.get("acl"), None)
    grants = _s3_inline_grants(created_default(inst, v.get("grant"), []))
    versioning, mfa_delete = _s3_inline_versioning(
        first_block({"v": created_default(inst, v.get("versioning"), [])}, "v")
    )
    sse = first_block(
        {"v": created_default(inst, v.get("server_side_encryption_configuration"), [])}, "v"
    )
    encryption: Any = _sse_encryption(sse) if is_known(sse) else UNKNOWN
    if encryption is None:
        # Since January 2023 S3 encrypts every bucket with SSE-S3 unless told otherwise.
        encryption = {"algorithm": "AES256", "kms_key_id": None, "bucket_key_enabled": False}
    logging_block = first_block({"v": created_default(inst, v.get("logging"), [])}, "v")
    lifecycle = created_default(inst, v.get("lifecycle_rule"), [])
    policy = json_document(created_default(inst, v.get("policy"), None))
    attrs: dict[str, Any] = {
        "created_at": None,
        "public_access_block": None,
        "acl_grants": grants,
        "policy": policy,
        "is_public_by_acl": UNKNOWN
        if not is_known(acl) or not is_known(grants)
        else (acl in _S3_PUBLIC_ACLS or _grants_public(grants)),
        "is_public_by_policy": _policy_is_public(policy),
        "secure_transport_enforced": _secure_transport(policy),
        "encryption": encryption,
        "versioning": versioning,
        "mfa_delete": mfa_delete,
        "logging_target": UNKNOWN
        if not is_known(logging_block)
        else (logging_block or {}).get("target_bucket"),
        "lifecycle_rule_count": len(lifecycle) if isinstance(lifecycle, list) else UNKNOWN,
        "object_lock_enabled": as_bool(
            created_default(inst, v.get("object_lock_enabled"), False), False
        ),
        # S3 has created buckets with ACLs disabled since April 2023
        "object_ownership": "BucketOwnerEnforced" if inst.is_create else UNKNOWN,
    }
    return b.resource(inst, "aws.s3.bucket", attrs, name=name, relations=[])


def _s3_inline_grants(grants_raw: Any) -> Any:
    """The bucket's inline `grant` blocks as `{grantee, permission}` entries."""
    if not is_known(grants_raw):
        return UNKNOWN
    grants = []
    for g in grants_raw or ():
        grantee = g.get("uri") or g.get("id") or g.get("email") or ""
        for permission in list_of(g.get("permissions")) or ():
            grants.append({"grantee": _grantee(grantee), "permission": permission})
    return grants


def _s3_inline_versioning(block: Any) -> tuple[Any, Any]:
    """(versioning status, MFA delete) from the bucket's inline `versioning` block."""
    if not is_known(block):
        return UNKNOWN, UNKNOWN
    if not block:
        return None, False
    return ("Enabled" if block.get("enabled") else None), bool(block.get("mfa_delete"))


def _grantee(value: str) -> str:
    if value == _ALL_USERS:
        return "AllUsers"
    if value == _AUTH_USERS:
        return "AuthenticatedUsers"
    return value


def _grants_public(grants: list[dict[str, Any]]) -> bool:
    return any(g.get("grantee") in ("AllUsers", "AuthenticatedUsers") for g in grants)


def _sse_encryption(sse: Any) -> Any:
    if not sse:
        return None
    rule = first_block(sse, "rule")
    if not is_known(rule):
        return UNKNOWN
    by_default = first_block(rule or {}, "apply_server_side_encryption_by_default")
    if not is_known(by_default):
        return UNKNOWN
    if not by_default:
        return None
    return {
        "algorithm": by_default.get("sse_algorithm"),
        "kms_key_id": by_default.get("kms_master_key_id") or None,
        "bucket_key_enabled": as_bool((rule or {}).get("bucket_key_enabled"), False),
    }


def fold_s3_public_access_block(b: Builder, inst: Instance, bucket: Resource) -> None:
    """aws_s3_bucket_public_access_block -> the bucket's `public_access_block`."""
    v = inst.values
    bucket.attributes["public_access_block"] = {
        key: as_bool(v.get(key), False)
        for key in (
            "block_public_acls",
            "ignore_public_acls",
            "block_public_policy",
            "restrict_public_buckets",
        )
    }


def fold_s3_encryption(b: Builder, inst: Instance, bucket: Resource) -> None:
    """aws_s3_bucket_server_side_encryption_configuration -> `encryption`."""
    encryption = _sse_encryption(inst.values)
    bucket.attributes["encryption"] = encryption
    if isinstance(encryption, dict) and encryption.get("kms_key_id"):
        rule = first_block(inst.values, "rule") or {}
        by_default = first_block(rule, "apply_server_side_encryption_by_default") or {}
        for target in b.link_nested(inst, by_default, "kms_master_key_id", _KMS, "aws.kms.key"):
            bucket.relations.append(relation("encrypted_by", target))


def fold_s3_ownership(b: Builder, inst: Instance, bucket: Resource) -> None:
    """aws_s3_bucket_ownership_controls -> `object_ownership`."""
    rule = first_block(inst.values, "rule")
    bucket.attributes["object_ownership"] = value_of(rule, "object_ownership", UNKNOWN)


def fold_s3_versioning(b: Builder, inst: Instance, bucket: Resource) -> None:
    """aws_s3_bucket_versioning -> `versioning` and `mfa_delete`."""
    conf = first_block(inst.values, "versioning_configuration")
    if not is_known(conf):
        bucket.attributes["versioning"] = UNKNOWN
        bucket.attributes["mfa_delete"] = UNKNOWN
        return
    status = (conf or {}).get("status")
    bucket.attributes["versioning"] = (
        status
        if status in ("Enabled", "Suspended")
        else (UNKNOWN if not is_known(status) else None)
    )
    mfa = (conf or {}).get("mfa_delete")
    bucket.attributes["mfa_delete"] = UNKNOWN if not is_known(mfa) else mfa == "Enabled"


def fold_s3_policy(b: Builder, inst: Instance, bucket: Resource) -> None:
    """aws_s3_bucket_policy -> `policy` and the verdicts read from it."""
    policy = json_document(inst.values.get("policy"))
    bucket.attributes["policy"] = policy
    bucket.attributes["is_public_by_policy"] = _policy_is_public(policy)
    bucket.attributes["secure_transport_enforced"] = _secure_transport(policy)


def fold_s3_acl(b: Builder, inst: Instance, bucket: Resource) -> None:
    """aws_s3_bucket_acl -> `acl_grants` and `is_public_by_acl`."""
    v = inst.values
    acl = v.get("acl")
    grants: list[dict[str, Any]] = []
    policy = first_block(v, "access_control_policy")
    if not is_known(acl) or not is_known(policy):
        bucket.attributes["is_public_by_acl"] = UNKNOWN
        bucket.attributes["acl_grants"] = UNKNOWN
        return
    for grant in all_blocks(policy or {}, "grant") if policy else []:
        grantee = first_block(grant, "grantee") or {}
        who = grantee.get("uri") or grantee.get("id") or grantee.get("email_address") or ""
        grants.append({"grantee": _grantee(str(who)), "permission": grant.get("permission")})
    bucket.attributes["acl_grants"] = grants
    bucket.attributes["is_public_by_acl"] = acl in _S3_PUBLIC_ACLS or _grants_public(grants)


def fold_s3_logging(b: Builder, inst: Instance, bucket: Resource) -> None:
    """aws_s3_bucket_logging -> `logging_target` and a `logs_to` relation."""
    target = inst.values.get("target_bucket")
    bucket.attributes["logging_target"] = target
    for rid in b.link(inst, "target_bucket", ("aws_s3_bucket",), "aws.s3.bucket"):
        bucket.relations.append(relation("logs_to", rid))


def fold_s3_lifecycle(b: Builder, inst: Instance, bucket: Resource) -> None:
    """aws_s3_bucket_lifecycle_configuration -> `lifecycle_rule_count`."""
    rules = all_blocks(inst.values, "rule")
    bucket.attributes["lifecycle_rule_count"] = len(rules) if isinstance(rules, list) else UNKNOWN


# ---------------------------------------------------------------------- compute
def ec2_instance(b: Builder, inst: Instance) -> Resource:
    """aws_instance -> aws.ec2.instance."""
    v = inst.values
    metadata = first_block(v, "metadata_options")
    imds: Any
    if not is_known(metadata):
        imds = UNKNOWN
    else:
        imds = {
            "http_tokens": value_of(metadata, "http_tokens", UNKNOWN),
            "http_endpoint": value_of(metadata, "http_endpoint", "enabled"),
        }
    public_ip = v.get("public_ip")
    if not isinstance(public_ip, str) or not public_ip or not is_known(public_ip):
        associate = v.get("associate_public_ip_address")
        public_ip = UNKNOWN if associate is True or not is_known(associate) else None
    root = first_block(v, "root_block_device")
    monitoring = v.get("monitoring")
    attrs = {
        "instance_type": v.get("instance_type"),
        "state": created_default(inst, v.get("instance_state"), "running") or "running",
        "launch_time": None,
        "image_id": v.get("ami"),
        "public_ip": public_ip,
        "private_ip": v.get("private_ip"),
        "availability_zone": v.get("availability_zone"),
        "imds": imds,
        "iam_instance_profile": v.get("iam_instance_profile") or None,
        "monitoring": UNKNOWN
        if not is_known(monitoring)
        else ("enabled" if monitoring else "disabled"),
        "secrets": _user_data_secrets(v.get("user_data")),
        "root_volume_encrypted": UNKNOWN
        if not is_known(root)
        else value_of(root, "encrypted", False),
    }
    relations = relations_to(
        "in_subnet", b.link(inst, "subnet_id", ("aws_subnet",), "aws.ec2.subnet")
    )
    for attr in ("vpc_security_group_ids", "security_groups"):
        relations += relations_to(
            "protected_by",
            b.link(inst, attr, ("aws_security_group",), "aws.ec2.security_group"),
        )
    return b.resource(inst, "aws.ec2.instance", attrs, name=name_tag(v), relations=relations)


def _user_data_secrets(user_data: Any) -> Any:
    """Secrets in an instance's user data; none when the plan holds only its SHA-1 hash."""
    if not is_known(user_data):
        return UNKNOWN
    if isinstance(user_data, str) and not re.fullmatch(r"[0-9a-f]{40}", user_data):
        return scan_text(user_data, "user_data")
    return []


def ebs_volume(b: Builder, inst: Instance) -> Resource:
    """aws_ebs_volume -> aws.ec2.volume."""
    v = inst.values
    attrs = {
        "volume_type": created_default(inst, v.get("type"), "gp2"),
        "size_gb": as_int(v.get("size")),
        "state": "available" if inst.is_create else UNKNOWN,
        "encrypted": as_bool(created_default(inst, v.get("encrypted"), False), False),
        "kms_key_id": v.get("kms_key_id") or None,
        "created_at": None,
    }
    volume_type = attrs["volume_type"]
    attrs["iops"] = (
        UNKNOWN
        if not is_known(volume_type)
        else (_positive(v.get("iops")) if volume_type in _PROVISIONED_IOPS else None)
    )
    relations = relations_to("encrypted_by", b.link(inst, "kms_key_id", _KMS, "aws.kms.key"))
    return b.resource(inst, "aws.ec2.volume", attrs, name=name_tag(v), relations=relations)


def fold_volume_attachment(b: Builder, inst: Instance, volume: Resource) -> None:
    """aws_volume_attachment -> the volume is in use, attached to the instance."""
    volume.attributes["state"] = "in-use"
    for target in b.link(inst, "instance_id", ("aws_instance",), "aws.ec2.instance"):
        volume.relations.append(relation("attached_to", target))


def _env_secrets(variables: Any, location: str) -> Any:
    if not is_known(variables):
        return UNKNOWN
    found: list[dict[str, str]] = []
    for key, value in sorted((variables or {}).items()):
        if isinstance(value, str) and is_known(value) and value:
            found.extend(scan_text(f"{key}={value}", f"{location}:{key}"))
    return found


def lambda_function(b: Builder, inst: Instance) -> Resource:
    """aws_lambda_function -> aws.lambda.function."""
    v = inst.values
    env = first_block(v, "environment")
    variables = UNKNOWN if not is_known(env) else value_of(env or {}, "variables", {})
    tracing = first_block(v, "tracing_config")
    vpc_config = first_block(v, "vpc_config")
    attrs = {
        "runtime": v.get("runtime"),
        "memory_mb": as_int(v.get("memory_size"), 128),
        "timeout_s": as_int(v.get("timeout"), 3),
        "environment_keys": sorted(variables) if isinstance(variables, dict) else UNKNOWN,
        "secrets": _env_secrets(variables, "env"),
        "function_url_auth_type": None,
        "is_public_by_policy": False if inst.is_create else UNKNOWN,
        "tracing_mode": UNKNOWN
        if not is_known(tracing)
        else value_of(tracing, "mode", "PassThrough"),
        "in_vpc": UNKNOWN
        if not is_known(vpc_config)
        else bool(vpc_config and value_of(vpc_config, "subnet_ids")),
        "last_modified": None,
        # -1 (the provider's default) leaves the function on the unreserved pool
        "reserved_concurrency": _positive(
            created_default(inst, v.get("reserved_concurrent_executions"), -1)
        ),
    }
    relations = relations_to("runs_as", b.link(inst, "role", ("aws_iam_role",), "aws.iam.role"))
    return b.resource(
        inst, "aws.lambda.function", attrs, name=v.get("function_name"), relations=relations
    )


def fold_lambda_url(b: Builder, inst: Instance, fn: Resource) -> None:
    """aws_lambda_function_url -> `function_url_auth_type`."""
    fn.attributes["function_url_auth_type"] = inst.values.get("authorization_type")


def fold_lambda_permission(b: Builder, inst: Instance, fn: Resource) -> None:
    """aws_lambda_permission for `*` without a source ARN -> public by policy."""
    principal = inst.values.get("principal")
    if principal == "*" and not inst.values.get("source_arn"):
        fn.attributes["is_public_by_policy"] = True


# ---------------------------------------------------------------------- data stores
def db_instance(b: Builder, inst: Instance) -> Resource:
    """aws_db_instance -> aws.rds.instance."""
    v = inst.values
    attrs = {
        "engine": v.get("engine"),
        "engine_version": v.get("engine_version"),
        "instance_class": v.get("instance_class"),
        "storage_encrypted": as_bool(v.get("storage_encrypted"), False),
        "kms_key_id": v.get("kms_key_id") or None,
        "publicly_accessible": as_bool(v.get("publicly_accessible"), False),
        "multi_az": as_bool(v.get("multi_az"), False),
        "backup_retention_days": as_int(v.get("backup_retention_period"), UNKNOWN),
        "deletion_protection": as_bool(v.get("deletion_protection"), False),
        "auto_minor_version_upgrade": as_bool(v.get("auto_minor_version_upgrade"), True),
        "iam_auth_enabled": as_bool(v.get("iam_database_authentication_enabled"), False),
        "allocated_storage_gb": as_int(v.get("allocated_storage")),
        "max_allocated_storage_gb": _positive(v.get("max_allocated_storage")),
        "iops": _positive(v.get("iops")),
    }
    relations = relations_to(
        "protected_by",
        b.link(inst, "vpc_security_group_ids", ("aws_security_group",), "aws.ec2.security_group"),
    )
    relations += relations_to("encrypted_by", b.link(inst, "kms_key_id", _KMS, "aws.kms.key"))
    relations += relations_to("in_subnet", _db_subnets(b, inst))
    return b.resource(
        inst, "aws.rds.instance", attrs, name=v.get("identifier"), relations=relations
    )


def _db_subnets(b: Builder, inst: Instance) -> list[str]:
    """The subnets of the instance's DB subnet group, when the group is in the plan."""
    out: dict[str, None] = {}
    groups = b.link(inst, "db_subnet_group_name", ("aws_db_subnet_group",), "aws.rds.subnet_group")
    for group_id in groups:
        group = b.by_address.get(group_id.removeprefix(TF_PREFIX))
        if group is not None and group_id.startswith(TF_PREFIX):
            out.update(
                dict.fromkeys(b.link(group, "subnet_ids", ("aws_subnet",), "aws.ec2.subnet"))
            )
    return list(out)


def dynamodb_table(b: Builder, inst: Instance) -> Resource:
    """aws_dynamodb_table -> aws.dynamodb.table."""
    v = inst.values
    pitr = first_block(v, "point_in_time_recovery")
    sse = first_block(v, "server_side_encryption")
    attrs = {
        "pitr_enabled": UNKNOWN if not is_known(pitr) else bool(pitr and pitr.get("enabled")),
        "sse_type": UNKNOWN
        if not is_known(sse)
        else ("KMS" if sse and sse.get("enabled") else "AES256"),
        "billing_mode": v.get("billing_mode") or "PROVISIONED",
        "deletion_protection": as_bool(v.get("deletion_protection_enabled"), False),
    }
    provisioned = attrs["billing_mode"] == "PROVISIONED"
    for attr, key in (
        ("read_capacity_units", "read_capacity"),
        ("write_capacity_units", "write_capacity"),
    ):
        attrs[attr] = as_int(v.get(key)) if provisioned else None
    return b.resource(inst, "aws.dynamodb.table", attrs, name=v.get("name"))


def _launched_type(b: Builder, inst: Instance) -> Any:
    """The instance type of a group's launch template or configuration when the plan has it."""
    v = inst.values
    if first_block(v, "mixed_instances_policy"):
        return None
    template = first_block(v, "launch_template")
    if not is_known(template):
        return UNKNOWN
    targets: list[str] = []
    if template is not None:
        targets = b.link(inst, "launch_template", ("aws_launch_template",), "")
        for key in ("id", "name"):
            targets = targets or b.link_nested(inst, template, key, ("aws_launch_template",), "")
    elif v.get("launch_configuration"):
        targets = b.link(inst, "launch_configuration", ("aws_launch_configuration",), "")
    for target in targets:
        found = b.by_address.get(target.removeprefix("tf://"))
        if found is not None:
            return found.values.get("instance_type", UNKNOWN)
    return UNKNOWN if targets or template is not None else None


def autoscaling_group(b: Builder, inst: Instance) -> Resource:
    """aws_autoscaling_group -> aws.autoscaling.group (instance type from its template)."""
    v = inst.values
    zones = list_of(v.get("availability_zones"))
    attrs = {
        "availability_zones": sorted(zones) if isinstance(zones, list) else UNKNOWN,
        "min_size": as_int(v.get("min_size")),
        "max_size": as_int(v.get("max_size")),
        "desired_capacity": as_int(
            created_default(inst, v.get("desired_capacity"), v.get("min_size"))
        ),
        "health_check_type": created_default(inst, v.get("health_check_type"), "EC2"),
        "instance_type": _launched_type(b, inst),
    }
    if attrs["instance_type"] is None:
        attrs["vcpus_per_instance"] = None  # mixed instances: no single type
    relations = relations_to(
        "in_subnet", b.link(inst, "vpc_zone_identifier", ("aws_subnet",), "aws.ec2.subnet")
    )
    return b.resource(inst, "aws.autoscaling.group", attrs, name=v.get("name"), relations=relations)


def efs_file_system(b: Builder, inst: Instance) -> Resource:
    """aws_efs_file_system -> aws.efs.file_system."""
    v = inst.values
    attrs = {
        "encrypted": as_bool(v.get("encrypted"), False),
        "kms_key_id": v.get("kms_key_id") or None,
        # automatic backups are off unless a backup policy turns them on
        "backup_policy_enabled": False if inst.is_create else UNKNOWN,
    }
    return b.resource(inst, "aws.efs.file_system", attrs, name=v.get("creation_token"))


def fold_efs_backup_policy(b: Builder, inst: Instance, fs: Resource) -> None:
    """aws_efs_backup_policy -> `backup_policy_enabled`."""
    status = value_of(first_block(inst.values, "backup_policy"), "status", UNKNOWN)
    fs.attributes["backup_policy_enabled"] = (
        status in ("ENABLED", "ENABLING") if is_known(status) else UNKNOWN
    )


def sqs_queue(b: Builder, inst: Instance) -> Resource:
    """aws_sqs_queue -> aws.sqs.queue."""
    v = inst.values
    attrs = {
        "kms_key_id": v.get("kms_master_key_id") or None,
        "sqs_managed_sse": as_bool(v.get("sqs_managed_sse_enabled"), False),
        "is_public_by_policy": _policy_is_public(json_document(v.get("policy"))),
    }
    return b.resource(inst, "aws.sqs.queue", attrs, name=v.get("name"))


def sns_topic(b: Builder, inst: Instance) -> Resource:
    """aws_sns_topic -> aws.sns.topic."""
    v = inst.values
    attrs = {
        "kms_key_id": v.get("kms_master_key_id") or None,
        "is_public_by_policy": _policy_is_public(json_document(v.get("policy"))),
    }
    return b.resource(inst, "aws.sns.topic", attrs, name=v.get("name"))


# ---------------------------------------------------------------------- keys, secrets, logs
def kms_key(b: Builder, inst: Instance) -> Resource:
    """aws_kms_key -> aws.kms.key."""
    v = inst.values
    enabled = as_bool(v.get("is_enabled"), True)
    attrs = {
        "key_manager": "CUSTOMER",
        "key_spec": v.get("customer_master_key_spec") or "SYMMETRIC_DEFAULT",
        "state": UNKNOWN if not is_known(enabled) else ("Enabled" if enabled else "Disabled"),
        "rotation_enabled": as_bool(v.get("enable_key_rotation"), False),
        "policy": json_document(v.get("policy")),
        "created_at": None,
    }
    return b.resource(inst, "aws.kms.key", attrs, name=v.get("description"))


def secretsmanager_secret(b: Builder, inst: Instance) -> Resource:
    """aws_secretsmanager_secret -> aws.secretsmanager.secret."""
    v = inst.values
    attrs = {
        "rotation_enabled": False if inst.is_create else UNKNOWN,
        "rotation_days": None,
        "last_rotated_at": None,
        "last_accessed_at": None,
        "kms_key_id": v.get("kms_key_id") or None,
    }
    return b.resource(inst, "aws.secretsmanager.secret", attrs, name=v.get("name"))


def fold_secret_rotation(b: Builder, inst: Instance, secret: Resource) -> None:
    """aws_secretsmanager_secret_rotation -> rotation on, and its period."""
    rules = first_block(inst.values, "rotation_rules")
    secret.attributes["rotation_enabled"] = True
    secret.attributes["rotation_days"] = value_of(rules, "automatically_after_days")


def _trail_events(selectors: Any) -> tuple[Any, Any]:
    """(management events included, S3 object data events read/write) of a trail."""
    if not is_known(selectors):
        return UNKNOWN, UNKNOWN
    data_events = {"read": False, "write": False}
    if not selectors:
        return True, data_events
    management = any(as_bool(s.get("include_management_events"), True) for s in selectors)
    for s in selectors:
        for resource in all_blocks(s, "data_resource") or ():
            if isinstance(resource, dict) and resource.get("type") == "AWS::S3::Object":
                rw = s.get("read_write_type") or "All"
                data_events["read"] |= rw in ("All", "ReadOnly")
                data_events["write"] |= rw in ("All", "WriteOnly")
    return management, data_events


def cloudtrail(b: Builder, inst: Instance) -> Resource:
    """aws_cloudtrail -> aws.cloudtrail.trail."""
    v = inst.values
    management, data_events = _trail_events(all_blocks(v, "event_selector"))
    attrs = {
        "is_multi_region": as_bool(v.get("is_multi_region_trail"), False),
        "is_logging": as_bool(v.get("enable_logging"), True),
        "include_management_events": management,
        "log_file_validation": as_bool(v.get("enable_log_file_validation"), False),
        "kms_key_id": v.get("kms_key_id") or None,
        "s3_bucket": v.get("s3_bucket_name"),
        "cloudwatch_logs_group_arn": v.get("cloud_watch_logs_group_arn") or None,
        "s3_data_events": data_events,
    }
    relations = relations_to(
        "logs_to", b.link(inst, "s3_bucket_name", ("aws_s3_bucket",), "aws.s3.bucket")
    )
    relations += relations_to("encrypted_by", b.link(inst, "kms_key_id", _KMS, "aws.kms.key"))
    return b.resource(inst, "aws.cloudtrail.trail", attrs, name=v.get("name"), relations=relations)


def log_group(b: Builder, inst: Instance) -> Resource:
    """aws_cloudwatch_log_group -> aws.logs.log_group."""
    v = inst.values
    retention = as_int(v.get("retention_in_days"), 0)
    attrs = {
        "retention_days": retention or None if is_known(retention) else UNKNOWN,
        "kms_key_id": v.get("kms_key_id") or None,
        "stored_bytes": 0 if inst.is_create else UNKNOWN,
    }
    return b.resource(inst, "aws.logs.log_group", attrs, name=v.get("name"))
