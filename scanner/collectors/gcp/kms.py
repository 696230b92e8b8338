"""Cloud KMS key rings and crypto keys.

A role granted on a key ring applies to every key in it, so a crypto key's `is_public`
and `effective_iam_bindings` include its key ring's policy.
"""

from __future__ import annotations

import logging

from scanner.collectors.gcp.common import (
    Asset,
    Context,
    bindings_of,
    duration_days,
    iso_time,
    last_segment,
    make_resource,
    resource_iam,
)
from scanner.model import Resource
from scanner.policy.gcp import has_public_member

__all__ = ["crypto_key", "key_ring"]

logger = logging.getLogger(__name__)


def key_ring(asset: Asset, ctx: Context) -> Resource:
    """cloudkms.googleapis.com/KeyRing."""
    iam, relations = resource_iam(asset, ctx)
    attributes = {
        "location": asset.location or None,
        "created_at": iso_time(asset.data.get("createTime")),
        **iam,
    }
    return make_resource(asset, ctx, "gcp.kms.key_ring", attributes, relations, tags={})


def crypto_key(asset: Asset, ctx: Context) -> Resource:
    """cloudkms.googleapis.com/CryptoKey."""
    data = asset.data
    iam, relations = resource_iam(asset, ctx)
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
        **iam,
        # a role granted on the key ring applies to the key
        "is_public": iam["is_public"] or has_public_member(ring_bindings),
    }
    return make_resource(
        asset, ctx, "gcp.kms.crypto_key", attributes, relations, name=last_segment(asset.name)
    )
