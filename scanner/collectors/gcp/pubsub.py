"""Pub/Sub topics."""

from __future__ import annotations

import logging

from scanner.collectors.gcp.common import (
    Asset,
    Context,
    binding_relations,
    bindings_of,
    duration_days,
    kms_key_id,
    kms_key_name,
    make_resource,
    rel,
)
from scanner.model import Resource
from scanner.policy.gcp import has_public_member

__all__ = ["topic"]

logger = logging.getLogger(__name__)


def topic(asset: Asset, ctx: Context) -> Resource:
    """pubsub.googleapis.com/Topic."""
    data = asset.data
    key = data.get("kmsKeyName")
    bindings = bindings_of(asset.iam_policy)
    storage = data.get("messageStoragePolicy") or {}
    attributes = {
        "kms_key_name": kms_key_name(key),
        "message_retention_days": duration_days(data.get("messageRetentionDuration")),
        "allowed_persistence_regions": [
            str(r) for r in storage.get("allowedPersistenceRegions") or ()
        ],
        "iam_bindings": bindings,
        "effective_iam_bindings": ctx.effective_bindings(asset),
        "is_public": has_public_member(bindings),
    }
    relations = binding_relations(bindings)
    key_id = kms_key_id(key)
    if key_id:
        relations.append(rel("encrypted_by", key_id))
    return make_resource(asset, ctx, "gcp.pubsub.topic", attributes, relations)
