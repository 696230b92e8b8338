"""Secrets Manager: metadata only; the guard refuses GetSecretValue."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from scanner.collectors.aws.context import Scope
from scanner.collectors.aws.secretsmanager import to_resources

from .conftest import ACCOUNT, Moto

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


def test_rotation_from_list_secrets() -> None:
    raw = {
        "secrets": [
            {
                "ARN": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:api-AbCdEf",
                "Name": "api",
                "RotationEnabled": True,
                "RotationRules": {"AutomaticallyAfterDays": 30},
                "LastRotatedDate": datetime(2024, 5, 1, tzinfo=UTC),
                "KmsKeyId": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{KEY_ID}",
                "Tags": [{"Key": "Team", "Value": "web"}],
            }
        ]
    }
    [secret] = to_resources(raw, Scope(account=ACCOUNT, region="us-east-1"))
    assert secret.attributes == {
        "rotation_enabled": True,
        "rotation_days": 30,
        "last_rotated_at": "2024-05-01T00:00:00Z",
        "last_accessed_at": None,
        "kms_key_id": raw["secrets"][0]["KmsKeyId"],
    }
    assert [r.type for r in secret.relations] == ["encrypted_by"]
    assert secret.tags == {"Team": "web"}


def test_collects_secret_metadata_never_values(moto: Moto, collect: Any) -> None:
    client = moto.client("secretsmanager")
    client.create_secret(Name="db", SecretString="super-secret-value-1")
    snap = collect("--services", "secretsmanager", "--regions", "us-east-1")
    assert snap.errors() == []
    db = snap.named("aws.secretsmanager.secret", "db")["attributes"]
    assert db["rotation_enabled"] is False and db["rotation_days"] is None
    assert "super-secret-value" not in json.dumps(snap.resources())
