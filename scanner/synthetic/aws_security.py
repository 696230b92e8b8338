"""AWS security builders: KMS keys, secrets, ACM certificates, CloudTrail trails, log groups."""

from __future__ import annotations

from scanner.synthetic.aws_base import AwsBase
from scanner.synthetic.common import ALNUM, ResourceDict, doc, fake_uuid, rel, ts

__all__ = ["AwsSecurity"]


class AwsSecurity(AwsBase):
    """Builders of KMS keys, secrets, certificates, trails and log groups."""

    def kms_key(
        self,
        alias: str,
        *,
        rotation: bool = True,
        aws_managed: bool = False,
        created_days: int = 800,
        team: str = "platform",
    ) -> ResourceDict:
        """A symmetric KMS key (named by its alias) whose policy delegates to IAM."""
        policy = doc(
            {
                "Sid": "EnableIAMUserPermissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{self.account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        )
        attrs = {
            "key_manager": "AWS" if aws_managed else "CUSTOMER",
            "key_spec": "SYMMETRIC_DEFAULT",
            "state": "Enabled",
            "rotation_enabled": rotation,
            "policy": policy,
            "created_at": ts(created_days, self.rng.randrange(86400)),
        }
        tags: dict[str, str] | None = {} if aws_managed else None
        return self.res(
            self.arn("kms", f"key/{fake_uuid(self.rng)}"),
            "aws.kms.key",
            alias,
            attrs,
            [],
            team=team,
            tags=tags,
        )

    def secret(
        self,
        name: str,
        *,
        rotation_days: int | None = 30,
        key: ResourceDict | None = None,
        team: str = "platform",
    ) -> ResourceDict:
        """A Secrets Manager secret; `rotation_days=None` means no automatic rotation."""
        rng = self.rng
        attrs = {
            "rotation_enabled": rotation_days is not None,
            "rotation_days": rotation_days,
            "last_rotated_at": None
            if rotation_days is None
            else ts(rng.randint(1, rotation_days), rng.randrange(86400)),
            "last_accessed_at": ts(rng.randint(1, 3), rng.randrange(86400)),
            "kms_key_id": key["id"] if key is not None else None,
        }
        suffix = "".join(rng.choices(ALNUM, k=6))
        rid = self.arn("secretsmanager", f"secret:{name}-{suffix}")
        return self.res(rid, "aws.secretsmanager.secret", name, attrs, [], team=team)

    def certificate(
        self, domain: str, *, expires_in_days: int, in_use: bool = True, team: str = "platform"
    ) -> ResourceDict:
        """An ACM certificate for `domain` that expires `expires_in_days` after REFERENCE_DATE."""
        attrs = {
            "domain_name": domain,
            "not_after": ts(-expires_in_days, 43199),
            "status": "ISSUED" if expires_in_days > 0 else "EXPIRED",
            "in_use": in_use,
            "key_algorithm": "RSA_2048",
        }
        return self.res(
            self.arn("acm", f"certificate/{fake_uuid(self.rng)}"),
            "aws.acm.certificate",
            domain,
            attrs,
            [],
            team=team,
        )

    def trail(
        self,
        name: str,
        bucket: ResourceDict,
        *,
        multi_region: bool = True,
        validation: bool = True,
        key: ResourceDict | None = None,
        log_group: ResourceDict | None = None,
        data_events: bool = True,
    ) -> ResourceDict:
        """A CloudTrail trail writing to `bucket` (and to `log_group` when given)."""
        attrs = {
            "is_multi_region": multi_region,
            "is_logging": True,
            "include_management_events": True,
            "log_file_validation": validation,
            "kms_key_id": key["id"] if key is not None else None,
            "s3_bucket": bucket["name"],
            "cloudwatch_logs_group_arn": log_group["id"] if log_group is not None else None,
            "s3_data_events": {"read": data_events, "write": data_events},
        }
        rels = [rel("logs_to", bucket["id"])]
        if key is not None:
            rels.append(rel("encrypted_by", key["id"]))
        return self.res(
            self.arn("cloudtrail", f"trail/{name}"),
            "aws.cloudtrail.trail",
            name,
            attrs,
            rels,
            team="security",
        )

    def log_group(
        self,
        name: str,
        *,
        retention_days: int | None = 90,
        key: ResourceDict | None = None,
        stored_gb: float = 1.0,
        team: str = "platform",
    ) -> ResourceDict:
        """A CloudWatch Logs group; `retention_days=None` means it never expires."""
        attrs = {
            "retention_days": retention_days,
            "kms_key_id": key["id"] if key is not None else None,
            "stored_bytes": int(stored_gb * 1e9),
        }
        return self.res(
            self.arn("logs", f"log-group:{name}"), "aws.logs.log_group", name, attrs, [], team=team
        )
