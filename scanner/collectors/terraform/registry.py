"""The registries: which function maps, folds or finishes each Terraform type.

Adding a Terraform type is one function in `aws.py`, `aws_network.py`, `aws_iam.py`,
`aws_apigateway.py`, `gcp.py` or `gcp_scaling.py` and one line here (its normal type
must be in `scanner.catalog.TYPES`).
"""

from __future__ import annotations

from scanner.collectors.terraform import (
    aws,
    aws_apigateway,
    aws_iam,
    aws_network,
    gcp,
    gcp_scaling,
)
from scanner.collectors.terraform.builder import Finisher, Folder, Mapper

__all__ = ["FINISH", "FOLDS", "PRIMARY"]

# Terraform type -> (normal type, mapper). Every normal type is one of scanner.catalog.TYPES.
PRIMARY: dict[str, tuple[str, Mapper]] = {
    "aws_s3_bucket": ("aws.s3.bucket", aws.s3_bucket),
    "aws_security_group": ("aws.ec2.security_group", aws_network.security_group),
    "aws_default_security_group": ("aws.ec2.security_group", aws_network.security_group),
    "aws_vpc": ("aws.ec2.vpc", aws_network.vpc),
    "aws_default_vpc": ("aws.ec2.vpc", aws_network.vpc),
    "aws_subnet": ("aws.ec2.subnet", aws_network.subnet),
    "aws_instance": ("aws.ec2.instance", aws.ec2_instance),
    "aws_ebs_volume": ("aws.ec2.volume", aws.ebs_volume),
    "aws_autoscaling_group": ("aws.autoscaling.group", aws.autoscaling_group),
    "aws_eip": ("aws.ec2.eip", aws_network.eip),
    "aws_lambda_function": ("aws.lambda.function", aws.lambda_function),
    "aws_db_instance": ("aws.rds.instance", aws.db_instance),
    "aws_dynamodb_table": ("aws.dynamodb.table", aws.dynamodb_table),
    "aws_efs_file_system": ("aws.efs.file_system", aws.efs_file_system),
    "aws_sqs_queue": ("aws.sqs.queue", aws.sqs_queue),
    "aws_sns_topic": ("aws.sns.topic", aws.sns_topic),
    "aws_kms_key": ("aws.kms.key", aws.kms_key),
    "aws_secretsmanager_secret": ("aws.secretsmanager.secret", aws.secretsmanager_secret),
    "aws_cloudtrail": ("aws.cloudtrail.trail", aws.cloudtrail),
    "aws_cloudwatch_log_group": ("aws.logs.log_group", aws.log_group),
    "aws_lb": ("aws.elbv2.load_balancer", aws_network.load_balancer),
    "aws_alb": ("aws.elbv2.load_balancer", aws_network.load_balancer),
    "aws_flow_log": ("aws.ec2.flow_log", aws_network.flow_log),
    "aws_apigatewayv2_api": ("aws.apigatewayv2.api", aws_apigateway.apigatewayv2_api),
    "aws_accessanalyzer_analyzer": ("aws.accessanalyzer.analyzer", aws_iam.access_analyzer),
    "aws_iam_policy": ("aws.iam.policy", aws_iam.iam_policy),
    "aws_iam_role": ("aws.iam.role", aws_iam.iam_role),
    "aws_iam_user": ("aws.iam.user", aws_iam.iam_user),
    "aws_iam_group": ("aws.iam.group", aws_iam.iam_group),
    "google_compute_firewall": ("gcp.compute.firewall", gcp.firewall),
    "google_compute_network": ("gcp.compute.network", gcp.network),
    "google_compute_subnetwork": ("gcp.compute.subnetwork", gcp.subnetwork),
    "google_compute_instance": ("gcp.compute.instance", gcp.compute_instance),
    "google_storage_bucket": ("gcp.storage.bucket", gcp.storage_bucket),
    "google_sql_database_instance": ("gcp.sql.instance", gcp.sql_instance),
    "google_kms_crypto_key": ("gcp.kms.crypto_key", gcp.crypto_key),
    "google_container_cluster": ("gcp.container.cluster", gcp.container_cluster),
    "google_project": ("gcp.resourcemanager.project", gcp.project),
    "google_service_account": ("gcp.iam.service_account", gcp.service_account),
    "google_bigquery_dataset": ("gcp.bigquery.dataset", gcp.bigquery_dataset),
    "google_dns_managed_zone": ("gcp.dns.managed_zone", gcp.dns_zone),
    "google_compute_autoscaler": ("gcp.compute.autoscaler", gcp_scaling.autoscaler),
    "google_compute_region_autoscaler": ("gcp.compute.autoscaler", gcp_scaling.autoscaler),
    "google_pubsub_subscription": ("gcp.pubsub.subscription", gcp_scaling.pubsub_subscription),
    "google_cloud_run_v2_service": ("gcp.run.service", gcp_scaling.cloud_run_v2_service),
    "google_cloud_run_service": ("gcp.run.service", gcp_scaling.cloud_run_service),
    "google_cloudfunctions2_function": (
        "gcp.cloudfunctions.function",
        gcp_scaling.cloudfunctions2_function,
    ),
    "google_cloudfunctions_function": (
        "gcp.cloudfunctions.function",
        gcp_scaling.cloudfunctions_function,
    ),
    "google_container_node_pool": ("gcp.container.node_pool", gcp_scaling.container_node_pool),
}

_S3 = ("aws_s3_bucket",)
_SG = ("aws_security_group", "aws_default_security_group")
_LB = ("aws_lb", "aws_alb")
_ROLE = ("aws_iam_role",)
_USER = ("aws_iam_user",)
_GCS = ("google_storage_bucket",)
_KEY = ("google_kms_crypto_key",)
_PROJECT = ("google_project",)
_APIV2 = ("aws_apigatewayv2_api",)

# Terraform sub-resource type -> (parent normal type, parent Terraform types, the
# attribute naming the parent, folder).
FOLDS: dict[str, tuple[str, tuple[str, ...], str, Folder]] = {
    "aws_s3_bucket_public_access_block": (
        "aws.s3.bucket",
        _S3,
        "bucket",
        aws.fold_s3_public_access_block,
    ),
    "aws_s3_bucket_server_side_encryption_configuration": (
        "aws.s3.bucket",
        _S3,
        "bucket",
        aws.fold_s3_encryption,
    ),
    "aws_s3_bucket_versioning": ("aws.s3.bucket", _S3, "bucket", aws.fold_s3_versioning),
    "aws_s3_bucket_ownership_controls": ("aws.s3.bucket", _S3, "bucket", aws.fold_s3_ownership),
    "aws_efs_backup_policy": (
        "aws.efs.file_system",
        ("aws_efs_file_system",),
        "file_system_id",
        aws.fold_efs_backup_policy,
    ),
    "aws_apigatewayv2_stage": (
        "aws.apigatewayv2.api",
        _APIV2,
        "api_id",
        aws_apigateway.fold_apigatewayv2_stage,
    ),
    "aws_apigatewayv2_route": (
        "aws.apigatewayv2.api",
        _APIV2,
        "api_id",
        aws_apigateway.fold_apigatewayv2_route,
    ),
    "aws_apigatewayv2_authorizer": (
        "aws.apigatewayv2.api",
        _APIV2,
        "api_id",
        aws_apigateway.fold_apigatewayv2_authorizer,
    ),
    "aws_apigatewayv2_integration": (
        "aws.apigatewayv2.api",
        _APIV2,
        "api_id",
        aws_apigateway.fold_apigatewayv2_integration,
    ),
    "aws_s3_bucket_policy": ("aws.s3.bucket", _S3, "bucket", aws.fold_s3_policy),
    "aws_s3_bucket_acl": ("aws.s3.bucket", _S3, "bucket", aws.fold_s3_acl),
    "aws_s3_bucket_logging": ("aws.s3.bucket", _S3, "bucket", aws.fold_s3_logging),
    "aws_s3_bucket_lifecycle_configuration": (
        "aws.s3.bucket",
        _S3,
        "bucket",
        aws.fold_s3_lifecycle,
    ),
    "aws_security_group_rule": (
        "aws.ec2.security_group",
        _SG,
        "security_group_id",
        aws_network.fold_security_group_rule,
    ),
    "aws_vpc_security_group_ingress_rule": (
        "aws.ec2.security_group",
        _SG,
        "security_group_id",
        aws_network.fold_security_group_rule,
    ),
    "aws_vpc_security_group_egress_rule": (
        "aws.ec2.security_group",
        _SG,
        "security_group_id",
        aws_network.fold_security_group_rule,
    ),
    "aws_flow_log": (
        "aws.ec2.vpc",
        ("aws_vpc", "aws_default_vpc"),
        "vpc_id",
        aws_network.fold_flow_log,
    ),
    "aws_volume_attachment": (
        "aws.ec2.volume",
        ("aws_ebs_volume",),
        "volume_id",
        aws.fold_volume_attachment,
    ),
    "aws_lambda_function_url": (
        "aws.lambda.function",
        ("aws_lambda_function",),
        "function_name",
        aws.fold_lambda_url,
    ),
    "aws_lambda_permission": (
        "aws.lambda.function",
        ("aws_lambda_function",),
        "function_name",
        aws.fold_lambda_permission,
    ),
    "aws_lb_listener": (
        "aws.elbv2.load_balancer",
        _LB,
        "load_balancer_arn",
        aws_network.fold_listener,
    ),
    "aws_alb_listener": (
        "aws.elbv2.load_balancer",
        _LB,
        "load_balancer_arn",
        aws_network.fold_listener,
    ),
    "aws_wafv2_web_acl_association": (
        "aws.elbv2.load_balancer",
        _LB,
        "resource_arn",
        aws_network.fold_waf,
    ),
    "aws_secretsmanager_secret_rotation": (
        "aws.secretsmanager.secret",
        ("aws_secretsmanager_secret",),
        "secret_id",
        aws.fold_secret_rotation,
    ),
    "aws_iam_role_policy_attachment": (
        "aws.iam.role",
        _ROLE,
        "role",
        aws_iam.fold_policy_attachment,
    ),
    "aws_iam_user_policy_attachment": (
        "aws.iam.user",
        _USER,
        "user",
        aws_iam.fold_policy_attachment,
    ),
    "aws_iam_group_policy_attachment": (
        "aws.iam.group",
        ("aws_iam_group",),
        "group",
        aws_iam.fold_policy_attachment,
    ),
    "aws_iam_role_policy": ("aws.iam.role", _ROLE, "role", aws_iam.fold_inline_policy),
    "aws_iam_user_policy": ("aws.iam.user", _USER, "user", aws_iam.fold_inline_policy),
    "aws_iam_access_key": ("aws.iam.user", _USER, "user", aws_iam.fold_access_key),
    "aws_iam_user_login_profile": ("aws.iam.user", _USER, "user", aws_iam.fold_login_profile),
    "aws_iam_user_group_membership": (
        "aws.iam.user",
        _USER,
        "user",
        aws_iam.fold_group_membership,
    ),
    "google_storage_bucket_iam_member": (
        "gcp.storage.bucket",
        _GCS,
        "bucket",
        gcp.fold_iam_binding,
    ),
    "google_storage_bucket_iam_binding": (
        "gcp.storage.bucket",
        _GCS,
        "bucket",
        gcp.fold_iam_binding,
    ),
    "google_storage_bucket_iam_policy": (
        "gcp.storage.bucket",
        _GCS,
        "bucket",
        gcp.fold_iam_binding,
    ),
    "google_kms_crypto_key_iam_member": (
        "gcp.kms.crypto_key",
        _KEY,
        "crypto_key_id",
        gcp.fold_iam_binding,
    ),
    "google_kms_crypto_key_iam_binding": (
        "gcp.kms.crypto_key",
        _KEY,
        "crypto_key_id",
        gcp.fold_iam_binding,
    ),
    "google_project_iam_member": (
        "gcp.resourcemanager.project",
        _PROJECT,
        "project",
        gcp.fold_iam_binding,
    ),
    "google_project_iam_binding": (
        "gcp.resourcemanager.project",
        _PROJECT,
        "project",
        gcp.fold_iam_binding,
    ),
}

# Normal type -> a last pass over each resource once everything is folded in.
FINISH: dict[str, Finisher] = {
    "aws.ec2.security_group": aws_network.finish_security_group,
    "aws.ec2.subnet": aws_network.finish_subnet,
    "gcp.storage.bucket": gcp.finish_public,
    "gcp.kms.crypto_key": gcp.finish_public,
}
