"""AWS account-level builders: the account (root user, password policy) and each region."""

from __future__ import annotations

from typing import Any

from scanner.synthetic.aws_base import AwsBase
from scanner.synthetic.common import ResourceDict, ts

__all__ = [
    "PAB_OFF",
    "PAB_ON",
    "STRONG_PASSWORD_POLICY",
    "WEAK_PASSWORD_POLICY",
    "AwsAccount",
]

PAB_ON = {
    "block_public_acls": True,
    "ignore_public_acls": True,
    "block_public_policy": True,
    "restrict_public_buckets": True,
}
"""An S3 public access block with all four settings on (account or bucket level)."""
PAB_OFF = dict.fromkeys(PAB_ON, False)
STRONG_PASSWORD_POLICY = {
    "minimum_length": 14,
    "require_symbols": True,
    "require_numbers": True,
    "require_uppercase": True,
    "require_lowercase": True,
    "reuse_prevention": 24,
    "max_age_days": 90,
    "allow_users_to_change": True,
}
WEAK_PASSWORD_POLICY = {
    "minimum_length": 8,
    "require_symbols": False,
    "require_numbers": True,
    "require_uppercase": False,
    "require_lowercase": True,
    "reuse_prevention": None,
    "max_age_days": None,
    "allow_users_to_change": True,
}


class AwsAccount(AwsBase):
    """Builders of the `aws.account` and `aws.region` resources."""

    def account_res(
        self,
        alias: str,
        *,
        password_policy: dict[str, Any] | None,
        public_access_block: bool,
        root_keys: bool = False,
        root_mfa: bool = True,
        hardware_mfa: bool = True,
        root_last_used_days: int | None = None,
        support_role: bool = True,
    ) -> ResourceDict:
        """The account itself: root user, password policy, account-level S3 block."""
        attrs = {
            "account_id": self.account,
            "alias": alias,
            "is_management_account": False,
            "password_policy": dict(password_policy) if password_policy else None,
            "root": {
                "has_access_keys": root_keys,
                "mfa_enabled": root_mfa,
                "hardware_mfa_enabled": hardware_mfa,
                "last_used_at": None
                if root_last_used_days is None
                else ts(root_last_used_days, 31000),
            },
            "s3_public_access_block": dict(PAB_ON) if public_access_block else None,
            "support_role_exists": support_role,
        }
        tags = {"Environment": self.env, "CostCenter": self.cost_center}
        rid = f"arn:aws:account::{self.account}:account"
        return self.res(rid, "aws.account", alias, attrs, [], region="global", tags=tags)

    def region_res(
        self,
        resource_count: int,
        *,
        guardduty: bool = True,
        securityhub: bool = True,
        config: bool = True,
        access_analyzer: bool = True,
        ebs_default: bool = True,
    ) -> ResourceDict:
        """This region of the account: its security services and how many resources it holds."""
        attrs = {
            "ebs_encryption_by_default": ebs_default,
            "guardduty_enabled": guardduty,
            "securityhub_enabled": securityhub,
            "config_recorder_enabled": config,
            "access_analyzer_enabled": access_analyzer,
            "resource_count": resource_count,
        }
        rid = self.arn("ec2", f"region/{self.region}")
        return self.res(rid, "aws.region", self.region, attrs, [], tags={})
