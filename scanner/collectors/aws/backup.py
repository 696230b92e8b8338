"""AWS Backup vaults (encryption, lock, recovery points) and plans (rules, retention)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.normalise import encrypted_by, iso
from scanner.model import Resource

__all__ = ["collect", "fetch", "to_resources"]


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw vaults and plans (with their rules) of the region."""
    backup = ctx.client("backup")
    vaults = ctx.paginate(backup, "list_backup_vaults", "BackupVaultList")
    plans = []
    for summary in ctx.attempt(ctx.paginate, backup, "list_backup_plans", "BackupPlansList") or []:
        plan = ctx.attempt(backup.get_backup_plan, BackupPlanId=summary["BackupPlanId"])
        plans.append({"summary": summary, "plan": None if plan is None else plan.get("BackupPlan")})
    return {"vaults": vaults, "plans": plans}


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """aws.backup.vault and aws.backup.plan resources."""
    out = []
    for vault in raw.get("vaults") or []:
        key = scope.kms_key_arn(vault.get("EncryptionKeyArn"))
        attributes = {
            "kms_key_id": key,
            "recovery_points": vault.get("NumberOfRecoveryPoints"),
            "locked": bool(vault.get("Locked")),
            "created_at": iso(vault.get("CreationDate")),
        }
        out.append(
            scope.resource(
                str(vault["BackupVaultArn"]),
                "aws.backup.vault",
                str(vault["BackupVaultName"]),
                attributes,
                encrypted_by(key),
                raw=vault,
            )
        )
    for item in raw.get("plans") or []:
        summary = item["summary"]
        plan = item.get("plan")
        rules = (
            None
            if plan is None
            else [
                {
                    "name": r.get("RuleName"),
                    "schedule": r.get("ScheduleExpression"),
                    "target_vault": r.get("TargetBackupVaultName"),
                    "delete_after_days": (r.get("Lifecycle") or {}).get("DeleteAfterDays"),
                }
                for r in plan.get("Rules") or []
            ]
        )
        out.append(
            scope.resource(
                str(summary["BackupPlanArn"]),
                "aws.backup.plan",
                str(summary.get("BackupPlanName")),
                {"rules": rules, "created_at": iso(summary.get("CreationDate"))},
                raw=summary,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's backup vaults and plans."""
    return to_resources(fetch(ctx), ctx.scope)
