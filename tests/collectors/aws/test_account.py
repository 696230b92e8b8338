"""The account: password policy, root user, account-wide S3 block, support role, organization."""

from __future__ import annotations

from typing import Any

from scanner.collectors.aws.account import to_resources
from scanner.collectors.aws.context import Scope

from .conftest import ACCOUNT, Moto

SCOPE = Scope(account=ACCOUNT, region="us-east-1", is_global=True)


def root_of(raw: dict[str, Any]) -> dict[str, Any]:
    [account] = to_resources(raw, SCOPE)
    root: dict[str, Any] = account.attributes["root"]
    return root


def test_root_from_the_credential_report() -> None:
    row = {
        "mfa_active": "true",
        "access_key_1_active": "true",
        "access_key_2_active": "false",
        "password_last_used": "2024-03-01T10:00:00+00:00",
        "access_key_1_last_used_date": "2024-04-01T10:00:00+00:00",
        "access_key_2_last_used_date": "N/A",
    }
    virtual = [f"arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device"]
    assert root_of({"root_report": row, "virtual_mfa_serials": virtual}) == {
        "has_access_keys": True,
        "mfa_enabled": True,
        "hardware_mfa_enabled": False,
        "last_used_at": "2024-04-01T10:00:00Z",
    }
    assert root_of({"root_report": row, "virtual_mfa_serials": []})["hardware_mfa_enabled"] is True


def test_root_from_the_summary_when_there_is_no_report() -> None:
    root = root_of({"summary": {"AccountMFAEnabled": 0, "AccountAccessKeysPresent": 1}})
    assert root == {
        "has_access_keys": True,
        "mfa_enabled": False,
        "hardware_mfa_enabled": False,
        "last_used_at": None,
    }
    assert root_of({})["mfa_enabled"] is None


def test_unknown_settings_are_null_not_false() -> None:
    [account] = to_resources({"account_id": ACCOUNT}, SCOPE)
    attrs = account.attributes
    assert attrs["support_role_exists"] is None
    assert attrs["is_management_account"] is None
    assert attrs["password_policy"] is None
    assert account.id == f"arn:aws:account::{ACCOUNT}:account"


def test_collects_the_account(with_managed_policies: Moto, collect: Any) -> None:
    moto = with_managed_policies
    iam = moto.client("iam")
    iam.create_account_alias(AccountAlias="acme-prod")
    iam.update_account_password_policy(
        MinimumPasswordLength=14,
        RequireSymbols=True,
        RequireNumbers=True,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
        PasswordReusePrevention=24,
        MaxPasswordAge=90,
    )
    iam.create_role(RoleName="support", AssumeRolePolicyDocument="{}")
    iam.attach_role_policy(RoleName="support", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
    moto.client("s3control").put_public_access_block(
        AccountId=ACCOUNT,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    moto.client("organizations").create_organization(FeatureSet="ALL")

    snap = collect("--services", "account", "--regions", "us-east-1")
    assert snap.errors() == []
    [account] = snap.of_type("aws.account")
    assert account["name"] == "acme-prod" and account["region"] == "global"
    attrs = account["attributes"]
    assert attrs["alias"] == "acme-prod"
    assert attrs["password_policy"] == {
        "minimum_length": 14,
        "require_symbols": True,
        "require_numbers": True,
        "require_uppercase": True,
        "require_lowercase": True,
        "reuse_prevention": 24,
        "max_age_days": 90,
        "allow_users_to_change": False,
    }
    assert attrs["s3_public_access_block"] == dict.fromkeys(
        (
            "block_public_acls",
            "ignore_public_acls",
            "block_public_policy",
            "restrict_public_buckets",
        ),
        True,
    )
    assert attrs["support_role_exists"] is True
    assert attrs["is_management_account"] is True
    assert attrs["root"]["has_access_keys"] is False
    assert [r["type"] for r in account["relations"]] == ["member_of"]


def test_no_password_policy_and_no_block(moto: Moto, collect: Any) -> None:
    snap = collect("--services", "account", "--regions", "us-east-1")
    [account] = snap.of_type("aws.account")
    attrs = account["attributes"]
    assert attrs["password_policy"] is None
    assert attrs["s3_public_access_block"] is None
    assert attrs["support_role_exists"] is False
    assert attrs["is_management_account"] is False
    assert attrs["alias"] is None and account["name"] == ACCOUNT
