"""DynamoDB tables."""

from __future__ import annotations

from typing import Any

from .conftest import Moto, targets


def test_collects_tables(moto: Moto, collect: Any) -> None:
    dynamodb = moto.client("dynamodb")
    key = moto.client("kms").create_key()["KeyMetadata"]["Arn"]
    schema: dict[str, Any] = {
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    }
    dynamodb.create_table(
        TableName="orders",
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key},
        DeletionProtectionEnabled=True,
        Tags=[{"Key": "Team", "Value": "shop"}],
        **schema,
    )
    dynamodb.update_continuous_backups(
        TableName="orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    dynamodb.create_table(
        TableName="cache",
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
        **schema,
    )
    snap = collect("--services", "dynamodb", "--regions", "us-east-1")
    assert snap.errors() == []
    orders = snap.named("aws.dynamodb.table", "orders")
    assert orders["attributes"] == {
        "pitr_enabled": True,
        "sse_type": "KMS",
        "billing_mode": "PAY_PER_REQUEST",
        "deletion_protection": True,
    }
    assert orders["tags"] == {"Team": "shop"}
    assert targets(orders, "encrypted_by") == [key]
    cache = snap.named("aws.dynamodb.table", "cache")["attributes"]
    assert cache["pitr_enabled"] is False and cache["billing_mode"] == "PROVISIONED"
    assert cache["sse_type"] is None
