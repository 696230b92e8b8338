"""Cloud KMS key rings and crypto keys.

A role granted on a key ring applies to every key in it, so a crypto key's `is_public`
and `effective_iam_bindings` include its key ring's policy.
"""

from __future__ import annotations

import logging

from scanner.collectors.gcp.common import (
    Asset,
    Context,
    binding_relations,
    bindings_of,
    duration_days,
    iso_time,
    last_segment,
    make_resource,
)
from scanner.model import Resource
from scanner.policy.gcp import has_public_member

__all__ = ["crypto_key", "key_ring"]

logger = logging.getLogger(__name__)


def key_ring(asset: Asset, ctx: Context) -> Resource:
    """cloudkms.googleapis.com/KeyRing."""
    bindings = bindings_of(asset.iam_policy)
    effective = ctx.effective_bindings(asset)
    attributes = {
        "location": asset.location or None,
        "created_at": iso_time(asset.data.get("createTime")),
        "iam_bindings": bindings,
        "effective_iam_bindings": effective,
        "is_public": has_public_member(bindings),
    }
    return make_resource(
        asset, ctx, "gcp.kms.key_ring", attributes, binding_relations(bindings), tags={}
    )


def crypto_key(asset: Asset, ctx: Context) -> Resource:
    """cloudkms.googleapis.com/CryptoKey."""
    data = asset.data
    bindings = bindings_of(asset.iam_policy)
    ring = asset.name.rsplit("/cryptoKeys/", 1)[0]
    ring_bindings = bindings_of(ctx.policies.get(ring))
    template = data.get("versionTemplate") or {}
    primary = data.get("primary") or {}
    attributes = {
        "purpose": data.get("purpose"),
        "rotation_period_days": duration_days(data.get("rotationPeriod")),
        "next_rotation_at": iso_time(data.get("nextRotationTime")),
        "primary_state": primary.get("state"),
        "protection_level": template.get("protectionLevel") or primary.get("protectionLevel"),
        "algorithm": template.get("algorithm") or primary.get("algorithm"),
        "key_ring": ring,
        "import_only": data.get("importOnly") is True,
        "created_at": iso_time(data.get("createTime")),
        "iam_bindings": bindings,
        "effective_iam_bindings": ctx.effective_bindings(asset),
        "is_public": has_public_member(bindings) or has_public_member(ring_bindings),
    }
    return make_resource(
        asset,
        ctx,
        "gcp.kms.crypto_key",
        attributes,
        binding_relations(bindings),
        name=last_segment(asset.name),
    )
