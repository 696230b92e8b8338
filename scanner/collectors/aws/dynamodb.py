"""DynamoDB tables: recovery, encryption, billing mode, provisioned capacity and its scaling.

Whether Application Auto Scaling scales a table's read or write capacity is read once
per region (`DescribeScalableTargets`, namespace dynamodb); null when unreadable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.normalise import encrypted_by, tags_of
from scanner.model import Resource

__all__ = ["collect", "fetch", "to_resources"]


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw tables of the region with continuous-backup status and tags."""
    dynamodb = ctx.client("dynamodb")
    tables = []
    for name in ctx.paginate(dynamodb, "list_tables", "TableNames"):
        described = ctx.attempt(dynamodb.describe_table, TableName=name)
        if described is None:
            continue
        table = described["Table"]
        item: dict[str, Any] = {"table": table}
        backups = ctx.attempt(dynamodb.describe_continuous_backups, TableName=name)
        if backups is not None:
            item["continuous_backups"] = backups.get("ContinuousBackupsDescription") or {}
        tags = ctx.attempt(
            ctx.paginate, dynamodb, "list_tags_of_resource", "Tags", ResourceArn=table["TableArn"]
        )
        if tags is not None:
            item["tags"] = tags
        tables.append(item)
    targets = ctx.attempt(
        ctx.paginate,
        ctx.client("application-autoscaling"),
        "describe_scalable_targets",
        "ScalableTargets",
        ServiceNamespace="dynamodb",
    )
    return {"tables": tables, "scalable_targets": targets}


def _scaled(targets: list[dict[str, Any]] | None, name: str, dimension: str) -> bool | None:
    if targets is None:
        return None
    return any(
        t.get("ResourceId") == f"table/{name}"
        and t.get("ScalableDimension") == f"dynamodb:table:{dimension}"
        for t in targets
    )


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.dynamodb.table per table."""
    out = []
    for item in raw.get("tables") or []:
        table = item["table"]
        sse = table.get("SSEDescription") or {}
        key = scope.kms_key_arn(sse.get("KMSMasterKeyArn"))
        backups = item.get("continuous_backups")
        pitr = None
        if backups is not None:
            status = (backups.get("PointInTimeRecoveryDescription") or {}).get(
                "PointInTimeRecoveryStatus"
            )
            pitr = status == "ENABLED"
        billing = (table.get("BillingModeSummary") or {}).get("BillingMode") or "PROVISIONED"
        provisioned = billing == "PROVISIONED"
        throughput = (table.get("ProvisionedThroughput") or {}) if provisioned else {}
        targets, name = raw.get("scalable_targets"), str(table["TableName"])
        attributes = {
            "pitr_enabled": pitr,
            "sse_type": sse.get("SSEType"),
            "billing_mode": billing,
            "deletion_protection": bool(table.get("DeletionProtectionEnabled")),
            "read_capacity_units": throughput.get("ReadCapacityUnits"),
            "write_capacity_units": throughput.get("WriteCapacityUnits"),
            "read_autoscaling": _scaled(targets, name, "ReadCapacityUnits"),
            "write_autoscaling": _scaled(targets, name, "WriteCapacityUnits"),
        }
        out.append(
            scope.resource(
                str(table["TableArn"]),
                "aws.dynamodb.table",
                name,
                attributes,
                encrypted_by(key),
                tags=tags_of(item.get("tags")),
                raw=table,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's DynamoDB tables."""
    return to_resources(fetch(ctx), ctx.scope)
