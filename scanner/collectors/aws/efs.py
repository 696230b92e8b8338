"""EFS file systems: encryption at rest and its key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext, missing_as
from scanner.collectors.aws.normalise import encrypted_by, tags_of
from scanner.model import Resource

__all__ = ["collect", "fetch", "to_resources"]


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw file systems of the region, each with its backup policy when it can be read."""
    client = ctx.client("efs")
    file_systems = ctx.paginate(client, "describe_file_systems", "FileSystems")
    for fs in file_systems:
        # PolicyNotFound: no backup policy, i.e. automatic backups are off.
        policy = ctx.attempt(
            missing_as,
            ("PolicyNotFound",),
            {},
            client.describe_backup_policy,
            FileSystemId=fs["FileSystemId"],
        )
        if policy is not None:
            fs["backup_policy"] = policy.get("BackupPolicy") or {}
    return {"file_systems": file_systems}


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.efs.file_system per file system."""
    out = []
    for fs in raw.get("file_systems") or []:
        fid = str(fs["FileSystemId"])
        key = scope.kms_key_arn(fs.get("KmsKeyId"))
        tags = tags_of(fs.get("Tags"))
        attributes = {
            "encrypted": bool(fs.get("Encrypted")),
            "kms_key_id": key,
            "backup_policy_enabled": fs["backup_policy"].get("Status") in ("ENABLED", "ENABLING")
            if "backup_policy" in fs
            else None,
        }
        out.append(
            scope.resource(
                str(
                    fs.get("FileSystemArn") or scope.arn("elasticfilesystem", f"file-system/{fid}")
                ),
                "aws.efs.file_system",
                str(fs.get("Name") or tags.get("Name") or fid),
                attributes,
                encrypted_by(key),
                tags=tags,
                raw=fs,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's EFS file systems."""
    return to_resources(fetch(ctx), ctx.scope)
