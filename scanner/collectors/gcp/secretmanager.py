"""Secret Manager secrets (metadata only: Cloud Asset Inventory never holds secret values)."""

from __future__ import annotations

import logging

from scanner.collectors.gcp.common import (
    Asset,
    Context,
    binding_relations,
    bindings_of,
    duration_days,
    iso_time,
    kms_key_id,
    kms_key_name,
    make_resource,
    rel,
)
from scanner.model import Resource
from scanner.policy.gcp import has_public_member

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
    bindings = bindings_of(asset.iam_policy)
    attributes = {
        "replication": kind,
        "kms_key_names": key_names,
        "rotation_period_days": duration_days(rotation.get("rotationPeriod")),
        "next_rotation_at": iso_time(rotation.get("nextRotationTime")),
        "expire_at": iso_time(data.get("expireTime")),
        "created_at": iso_time(data.get("createTime")),
        "iam_bindings": bindings,
        "effective_iam_bindings": ctx.effective_bindings(asset),
        "is_public": has_public_member(bindings),
    }
    relations = binding_relations(bindings)
    relations += [rel("encrypted_by", kid) for kid in (kms_key_id(k) for k in key_names) if kid]
    return make_resource(asset, ctx, "gcp.secretmanager.secret", attributes, relations)
