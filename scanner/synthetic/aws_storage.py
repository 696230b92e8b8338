"""AWS data builders: S3 buckets, RDS, DynamoDB, EFS, SQS queues and SNS topics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scanner.synthetic.aws_account import PAB_OFF, PAB_ON
from scanner.synthetic.aws_base import AwsBase
from scanner.synthetic.common import ResourceDict, doc, rel, ts

__all__ = ["AwsStorage", "bucket_policy"]


def bucket_policy(
    arn: str,
    account: str,
    *,
    secure_transport: bool,
    public_read: bool,
    cloudtrail_writer: bool,
) -> dict[str, Any] | None:
    """The bucket policy of bucket `arn`: TLS only, public read, CloudTrail may write logs."""
    statements: list[dict[str, Any]] = []
    if secure_transport:
        statements.append(
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn, f"{arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        )
    if public_read:
        statements.append(
            {
                "Sid": "PublicRead",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"{arn}/*",
            }
        )
    if cloudtrail_writer:
        statements.append(
            {
                "Sid": "AWSCloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"{arn}/AWSLogs/{account}/*",
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
            }
        )
    return doc(*statements) if statements else None


class AwsStorage(AwsBase):
    """Builders of where data lives: buckets, databases, tables, file systems, queues."""

    def bucket(
        self,
        name: str,
        *,
        created_days: int = 900,
        block_public: bool | None = True,
        public_by_acl: bool = False,
        public_by_policy: bool = False,
        secure_transport: bool = True,
        key: ResourceDict | None = None,
        versioning: str | None = "Enabled",
        mfa_delete: bool = False,
        log_to: ResourceDict | None = None,
        lifecycle_rules: int = 1,
        object_lock: bool = False,
        cloudtrail_writer: bool = False,
        team: str = "platform",
        extra_tags: dict[str, str] | None = None,
    ) -> ResourceDict:
        """An S3 bucket in this builder's region; `block_public=None` means no block set."""
        arn = f"arn:aws:s3:::{name}"
        grants = [{"grantee": f"CanonicalUser:{self.canonical_id}", "permission": "FULL_CONTROL"}]
        if public_by_acl:
            grants.append({"grantee": "AllUsers", "permission": "READ"})
        policy = bucket_policy(
            arn,
            self.account,
            secure_transport=secure_transport,
            public_read=public_by_policy,
            cloudtrail_writer=cloudtrail_writer,
        )
        pab = None if block_public is None else dict(PAB_ON if block_public else PAB_OFF)
        attrs = {
            "created_at": ts(created_days, self.rng.randrange(86400)),
            "public_access_block": pab,
            "acl_grants": grants,
            "policy": policy,
            "is_public_by_acl": public_by_acl,
            "is_public_by_policy": public_by_policy,
            "secure_transport_enforced": secure_transport,
            "encryption": {
                "algorithm": "aws:kms" if key is not None else "AES256",
                "kms_key_id": key["id"] if key is not None else None,
                "bucket_key_enabled": key is not None,
            },
            "versioning": versioning,
            "mfa_delete": mfa_delete,
            "logging_target": log_to["name"] if log_to is not None else None,
            "lifecycle_rule_count": lifecycle_rules,
            "object_lock_enabled": object_lock,
        }
        rels = []
        if key is not None:
            rels.append(rel("encrypted_by", key["id"]))
        if log_to is not None:
            rels.append(rel("logs_to", log_to["id"]))
        tags = self.tags(name, team, extra_tags)
        return self.res(arn, "aws.s3.bucket", name, attrs, rels, tags=tags)

    def rds_instance(
        self,
        name: str,
        vpc: ResourceDict,
        groups: Sequence[ResourceDict],
        *,
        key: ResourceDict | None,
        encrypted: bool = True,
        public: bool = False,
        multi_az: bool = True,
        backup_days: int = 14,
        deletion_protection: bool = True,
        instance_class: str = "db.r6g.large",
        storage_gb: int = 200,
        engine_version: str = "16.4",
        iam_auth: bool = True,
        team: str = "platform",
    ) -> ResourceDict:
        """A PostgreSQL RDS instance in `vpc`, protected by `groups`."""
        kms = key["id"] if encrypted and key is not None else None
        attrs = {
            "engine": "postgres",
            "engine_version": engine_version,
            "instance_class": instance_class,
            "storage_encrypted": encrypted,
            "kms_key_id": kms,
            "publicly_accessible": public,
            "multi_az": multi_az,
            "backup_retention_days": backup_days,
            "deletion_protection": deletion_protection,
            "auto_minor_version_upgrade": True,
            "iam_auth_enabled": iam_auth,
            "allocated_storage_gb": storage_gb,
        }
        rels = [rel("protected_by", g["id"]) for g in groups] + [rel("in_vpc", vpc["id"])]
        if kms is not None:
            rels.append(rel("encrypted_by", kms))
        return self.res(
            self.arn("rds", f"db:{name}"), "aws.rds.instance", name, attrs, rels, team=team
        )

    def rds_snapshot(
        self, name: str, *, created_days: int, encrypted: bool = True, team: str = "platform"
    ) -> ResourceDict:
        """A manual RDS snapshot."""
        attrs = {
            "is_public": False,
            "encrypted": encrypted,
            "created_at": ts(created_days, self.rng.randrange(86400)),
        }
        return self.res(
            self.arn("rds", f"snapshot:{name}"), "aws.rds.snapshot", name, attrs, [], team=team
        )

    def dynamodb_table(
        self,
        name: str,
        *,
        pitr: bool = True,
        sse: str | None = "KMS",
        on_demand: bool = True,
        team: str = "platform",
    ) -> ResourceDict:
        """A DynamoDB table (deletion protection goes with point-in-time recovery)."""
        attrs = {
            "pitr_enabled": pitr,
            "sse_type": sse,
            "billing_mode": "PAY_PER_REQUEST" if on_demand else "PROVISIONED",
            "deletion_protection": pitr,
        }
        return self.res(
            self.arn("dynamodb", f"table/{name}"), "aws.dynamodb.table", name, attrs, [], team=team
        )

    def file_system(
        self, name: str, *, key: ResourceDict | None, team: str = "platform"
    ) -> ResourceDict:
        """An EFS file system, encrypted when `key` is given."""
        attrs = {"encrypted": key is not None, "kms_key_id": key["id"] if key is not None else None}
        rid = self.arn("elasticfilesystem", f"file-system/{self.short('fs')}")
        return self.res(rid, "aws.efs.file_system", name, attrs, [], team=team)

    def sqs_queue(
        self, name: str, *, key: ResourceDict | None = None, team: str = "platform"
    ) -> ResourceDict:
        """An SQS queue: encrypted with `key`, else with SQS-managed keys."""
        attrs = {
            "kms_key_id": key["id"] if key is not None else None,
            "sqs_managed_sse": key is None,
            "is_public_by_policy": False,
        }
        rid = f"arn:aws:sqs:{self.region}:{self.account}:{name}"
        return self.res(rid, "aws.sqs.queue", name, attrs, [], team=team)

    def sns_topic(
        self, name: str, *, key: ResourceDict | None = None, team: str = "platform"
    ) -> ResourceDict:
        """An SNS topic, encrypted when `key` is given."""
        attrs = {"kms_key_id": key["id"] if key is not None else None, "is_public_by_policy": False}
        rid = f"arn:aws:sns:{self.region}:{self.account}:{name}"
        return self.res(rid, "aws.sns.topic", name, attrs, [], team=team)
