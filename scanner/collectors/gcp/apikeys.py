"""API keys (restrictions only: Cloud Asset Inventory never holds the key string)."""

from __future__ import annotations

import logging

from scanner.collectors.gcp.common import Asset, Context, iso_time, make_resource
from scanner.model import Resource

__all__ = ["key"]

logger = logging.getLogger(__name__)

_APPLICATION_RESTRICTIONS = (
    "browserKeyRestrictions",
    "serverKeyRestrictions",
    "androidKeyRestrictions",
    "iosKeyRestrictions",
)


def key(asset: Asset, ctx: Context) -> Resource:
    """apikeys.googleapis.com/Key."""
    data = asset.data
    restrictions = data.get("restrictions") or {}
    attributes = {
        "display_name": data.get("displayName"),
        "created_at": iso_time(data.get("createTime")),
        "api_targets": [
            str(t.get("service")) for t in restrictions.get("apiTargets") or () if t.get("service")
        ],
        "has_application_restrictions": any(restrictions.get(k) for k in _APPLICATION_RESTRICTIONS),
    }
    return make_resource(
        asset,
        ctx,
        "gcp.apikeys.key",
        attributes,
        name=str(data.get("displayName") or asset.name.rsplit("/", 1)[-1]),
        region="global",
        tags={str(k): str(v) for k, v in (data.get("annotations") or {}).items()},
    )
