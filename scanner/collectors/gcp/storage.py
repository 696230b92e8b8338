"""Cloud Storage buckets.

`is_public` comes from the bucket's own access settings: its IAM policy, and its legacy
ACL when uniform bucket-level access is off. Bindings inherited from the project and
above are not counted: Google refuses `allUsers` and `allAuthenticatedUsers` in
project, folder and organisation policies, so public access is always granted on the
bucket itself. When public access prevention is `enforced`, public grants have no
effect and the bucket is not public.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

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
from scanner.policy.gcp import is_public_member

__all__ = ["bucket"]

logger = logging.getLogger(__name__)


def _public_grants(
    bindings: list[dict[str, Any]], acl: list[Mapping[str, Any]]
) -> list[dict[str, str]]:
    grants = [
        {"member": m, "role": b["role"], "via": "iam"}
        for b in bindings
        for m in b["members"]
        if is_public_member(m)
    ]
    grants += [
        {"member": str(entry["entity"]), "role": str(entry.get("role", "")), "via": "acl"}
        for entry in acl
        if is_public_member(entry.get("entity"))
    ]
    return grants


def bucket(asset: Asset, ctx: Context) -> Resource:
    """storage.googleapis.com/Bucket."""
    data = asset.data
    iam = data.get("iamConfiguration") or {}
    uniform = (iam.get("uniformBucketLevelAccess") or {}).get("enabled") is True or (
        iam.get("bucketPolicyOnly") or {}
    ).get("enabled") is True
    prevention = iam.get("publicAccessPrevention")
    prevention = str(prevention).lower() if prevention else None
    bindings = bindings_of(asset.iam_policy)
    acl = [] if uniform else [a for a in data.get("acl") or () if isinstance(a, Mapping)]
    grants = _public_grants(bindings, acl)
    retention = data.get("retentionPolicy") or {}
    soft_delete = data.get("softDeletePolicy") or {}
    key = (data.get("encryption") or {}).get("defaultKmsKeyName")
    location = str(data.get("location") or asset.location or "")
    attributes = {
        "location": location.upper() or None,
        "location_type": data.get("locationType"),
        "storage_class": data.get("storageClass"),
        "uniform_bucket_level_access": uniform,
        "public_access_prevention": prevention,
        "versioning_enabled": (data.get("versioning") or {}).get("enabled") is True,
        "retention_period_days": duration_days(f"{retention['retentionPeriod']}s")
        if retention.get("retentionPeriod") is not None
        else None,
        "retention_policy_locked": retention.get("isLocked") is True,
        "soft_delete_retention_days": duration_days(f"{soft_delete['retentionDurationSeconds']}s")
        if soft_delete.get("retentionDurationSeconds") is not None
        else None,
        "lifecycle_rule_count": len((data.get("lifecycle") or {}).get("rule") or ()),
        "logging_bucket": (data.get("logging") or {}).get("logBucket"),
        "kms_key_name": kms_key_name(key),
        "iam_bindings": bindings,
        "effective_iam_bindings": ctx.effective_bindings(asset),
        "public_grants": grants,
        "is_public": bool(grants) and prevention != "enforced",
        "created_at": iso_time(data.get("timeCreated")),
    }
    relations = binding_relations(bindings)
    key_id = kms_key_id(key)
    if key_id:
        relations.append(rel("encrypted_by", key_id))
    name = str(data.get("name") or asset.name.removeprefix("//storage.googleapis.com/"))
    return make_resource(
        asset,
        ctx,
        "gcp.storage.bucket",
        attributes,
        relations,
        name=name,
        region=location.lower() or "global",
    )
