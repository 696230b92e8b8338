"""Pub/Sub topics."""

from __future__ import annotations

import logging

from scanner.collectors.gcp.common import (
    Asset,
    Context,
    duration_days,
    key_relations,
    kms_key_name,
    make_resource,
    resource_iam,
)
from scanner.model import Resource

__all__ = ["topic"]

logger = logging.getLogger(__name__)


def topic(asset: Asset, ctx: Context) -> Resource:
    """pubsub.googleapis.com/Topic."""
    data = asset.data
    key = data.get("kmsKeyName")
    iam, relations = resource_iam(asset, ctx)
    storage = data.get("messageStoragePolicy") or {}
    attributes = {
        "kms_key_name": kms_key_name(key),
        "message_retention_days": duration_days(data.get("messageRetentionDuration")),
        "allowed_persistence_regions": [
            str(r) for r in storage.get("allowedPersistenceRegions") or ()
        ],
        **iam,
    }
    relations += key_relations(key)
    return make_resource(asset, ctx, "gcp.pubsub.topic", attributes, relations)
