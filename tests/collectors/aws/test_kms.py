"""KMS keys: manager, spec, state, rotation, policy, aliases, tags."""

from __future__ import annotations

from typing import Any

from .conftest import Moto


def test_collects_keys(moto: Moto, collect: Any) -> None:
    kms = moto.client("kms")
    rotated = kms.create_key(Description="r", Tags=[{"TagKey": "Team", "TagValue": "sec"}])
    rotated_id = rotated["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotated_id)
    kms.create_alias(AliasName="alias/orders", TargetKeyId=rotated_id)
    plain = kms.create_key(Description="p")["KeyMetadata"]["KeyId"]
    asymmetric = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    disabled = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=disabled)

    snap = collect("--services", "kms", "--regions", "us-east-1")
    assert snap.errors() == []
    keys = {k["id"].rsplit("/", 1)[-1]: k for k in snap.of_type("aws.kms.key")}
    orders = keys[rotated_id]
    assert orders["name"] == "orders"
    assert orders["tags"] == {"Team": "sec"}
    assert orders["attributes"]["rotation_enabled"] is True
    assert orders["attributes"]["aliases"] == ["orders"]
    assert orders["attributes"]["key_manager"] == "CUSTOMER"
    assert orders["attributes"]["key_spec"] == "SYMMETRIC_DEFAULT"
    assert orders["attributes"]["policy"]["Statement"]
    assert keys[plain]["attributes"]["rotation_enabled"] is False
    assert keys[asymmetric]["attributes"]["rotation_enabled"] is None  # cannot rotate
    assert keys[disabled]["attributes"]["state"] == "Disabled"
    assert keys[disabled]["attributes"]["rotation_enabled"] is None
