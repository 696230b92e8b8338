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
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 2},
        **schema,
    )
    moto.client("application-autoscaling").register_scalable_target(
        ServiceNamespace="dynamodb",
        ResourceId="table/cache",
        ScalableDimension="dynamodb:table:ReadCapacityUnits",
        MinCapacity=5,
        MaxCapacity=50,
    )
    snap = collect("--services", "dynamodb", "--regions", "us-east-1")
    assert snap.errors() == []
    orders = snap.named("aws.dynamodb.table", "orders")
    assert orders["attributes"] == {
        "pitr_enabled": True,
        "sse_type": "KMS",
        "billing_mode": "PAY_PER_REQUEST",
        "deletion_protection": True,
        "read_capacity_units": None,
        "write_capacity_units": None,
        "read_autoscaling": False,
        "write_autoscaling": False,
        "usage": None,
    }
    assert orders["tags"] == {"Team": "shop"}
    assert targets(orders, "encrypted_by") == [key]
    cache = snap.named("aws.dynamodb.table", "cache")["attributes"]
    assert cache["pitr_enabled"] is False and cache["billing_mode"] == "PROVISIONED"
    assert cache["sse_type"] is None
    assert (cache["read_capacity_units"], cache["write_capacity_units"]) == (5, 2)
    assert (cache["read_autoscaling"], cache["write_autoscaling"]) == (True, False)


def test_unreadable_scaling_targets_leave_autoscaling_unknown() -> None:
    from scanner.collectors.aws.context import Scope
    from scanner.collectors.aws.dynamodb import to_resources

    table = {
        "TableName": "t",
        "TableArn": "arn:aws:dynamodb:us-east-1:123456789012:table/t",
        "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
    }
    scope = Scope(account="123456789012", region="us-east-1")
    [resource] = to_resources({"tables": [{"table": table}], "scalable_targets": None}, scope)
    assert resource.attributes["read_autoscaling"] is None
    assert resource.attributes["write_autoscaling"] is None
    assert resource.attributes["read_capacity_units"] == 3
