"""DynamoDB tables: point-in-time recovery, encryption, billing mode, deletion protection."""

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
    return {"tables": tables}


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
        attributes = {
            "pitr_enabled": pitr,
            "sse_type": sse.get("SSEType"),
            "billing_mode": (table.get("BillingModeSummary") or {}).get("BillingMode")
            or "PROVISIONED",
            "deletion_protection": bool(table.get("DeletionProtectionEnabled")),
        }
        out.append(
            scope.resource(
                str(table["TableArn"]),
                "aws.dynamodb.table",
                str(table["TableName"]),
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
