"""Pub/Sub topics and subscriptions.

A subscription is a `member_of` the topic it reads (none once that topic is deleted:
the API then names it `_deleted-topic_`).
"""

from __future__ import annotations

import logging

from scanner.collectors.gcp.common import (
    Asset,
    Context,
    duration_days,
    duration_seconds,
    key_relations,
    kms_key_name,
    make_resource,
    rel,
    resource_iam,
    to_int,
)
from scanner.model import Resource

__all__ = ["subscription", "topic"]

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


def subscription(asset: Asset, ctx: Context) -> Resource:
    """pubsub.googleapis.com/Subscription."""
    data = asset.data
    topic_name = str(data.get("topic") or "")
    topic_id = (
        f"//pubsub.googleapis.com/{topic_name}" if topic_name.startswith("projects/") else None
    )
    attributes = {
        "topic": topic_id,
        "ack_deadline_s": to_int(data.get("ackDeadlineSeconds")),
        "message_retention_s": duration_seconds(data.get("messageRetentionDuration")),
    }
    relations = [rel("member_of", topic_id)] if topic_id else []
    return make_resource(asset, ctx, "gcp.pubsub.subscription", attributes, relations)
