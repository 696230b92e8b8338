"""Secret Manager secrets (metadata only: Cloud Asset Inventory never holds secret values)."""

from __future__ import annotations

import logging

from scanner.collectors.gcp.common import (
    Asset,
    Context,
    duration_days,
    iso_time,
    key_relations,
    kms_key_name,
    make_resource,
    resource_iam,
)
from scanner.model import Resource

__all__ = ["secret"]

logger = logging.getLogger(__name__)


def secret(asset: Asset, ctx: Context) -> Resource:
    """secretmanager.googleapis.com/Secret."""
    data = asset.data
    replication = data.get("replication") or {}
    rotation = data.get("rotation") or {}
    keys: list[str] = []
    if "automatic" in replication:
        kind: str | None = "automatic"
        cmek = (replication.get("automatic") or {}).get("customerManagedEncryption") or {}
        keys += [cmek["kmsKeyName"]] if cmek.get("kmsKeyName") else []
    elif "userManaged" in replication:
        kind = "user_managed"
        for replica in (replication.get("userManaged") or {}).get("replicas") or ():
            cmek = replica.get("customerManagedEncryption") or {}
            keys += [cmek["kmsKeyName"]] if cmek.get("kmsKeyName") else []
    else:
        kind = None
    key_names = sorted({k for k in (kms_key_name(x) for x in keys) if k})
    iam, relations = resource_iam(asset, ctx)
    attributes = {
        "replication": kind,
        "kms_key_names": key_names,
        "rotation_period_days": duration_days(rotation.get("rotationPeriod")),
        "next_rotation_at": iso_time(rotation.get("nextRotationTime")),
        "expire_at": iso_time(data.get("expireTime")),
        "created_at": iso_time(data.get("createTime")),
        **iam,
    }
    relations += key_relations(*key_names)
    return make_resource(asset, ctx, "gcp.secretmanager.secret", attributes, relations)
