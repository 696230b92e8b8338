"""Dataproc clusters."""

from __future__ import annotations

import logging

from scanner.collectors.gcp.common import (
    Asset,
    Context,
    iso_time,
    key_relations,
    kms_key_name,
    make_resource,
    region_of,
)
from scanner.model import Resource

__all__ = ["cluster"]

logger = logging.getLogger(__name__)


def cluster(asset: Asset, ctx: Context) -> Resource:
    """dataproc.googleapis.com/Cluster."""
    data = asset.data
    config = data.get("config") or {}
    key = (config.get("encryptionConfig") or {}).get("gcePdKmsKeyName")
    status = data.get("status") or {}
    history = [h.get("stateStartTime") for h in data.get("statusHistory") or ()]
    started = [t for t in [*history, status.get("stateStartTime")] if t]
    attributes = {
        "status": status.get("state"),
        "kms_key_name": kms_key_name(key),
        "image_version": (config.get("softwareConfig") or {}).get("imageVersion"),
        "created_at": iso_time(min(started)) if started else None,
    }
    region = asset.location
    if not region and "/regions/" in asset.name:
        region = asset.name.split("/regions/", 1)[1].split("/", 1)[0]
    return make_resource(
        asset,
        ctx,
        "gcp.dataproc.cluster",
        attributes,
        key_relations(key),
        name=str(data.get("clusterName") or asset.name.rsplit("/", 1)[-1]),
        region=region_of(region),
    )
