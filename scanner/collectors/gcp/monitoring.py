"""Cloud Monitoring alert policies (what log-based metric alerts exist, and whom they notify)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from scanner.collectors.gcp.common import Asset, Context, make_resource
from scanner.model import Resource

__all__ = ["alert_policy"]

logger = logging.getLogger(__name__)


def _filters(conditions: Any) -> list[str]:
    """The filter (or query) of each condition, whatever the condition kind."""
    out: list[str] = []
    for condition in conditions or ():
        for key, body in condition.items():
            if key.startswith("condition") and isinstance(body, Mapping):
                text = body.get("filter") or body.get("query")
                if text:
                    out.append(str(text))
    return out


def alert_policy(asset: Asset, ctx: Context) -> Resource:
    """monitoring.googleapis.com/AlertPolicy."""
    data = asset.data
    channels = [
        f"//monitoring.googleapis.com/{c}" if str(c).startswith("projects/") else str(c)
        for c in data.get("notificationChannels") or ()
    ]
    enabled = data.get("enabled")
    attributes = {
        "display_name": data.get("displayName"),
        # the API leaves `enabled` out only in old policies, which were enabled
        "enabled": enabled if isinstance(enabled, bool) else True,
        "condition_filters": _filters(data.get("conditions")),
        "notification_channels": channels,
    }
    return make_resource(
        asset,
        ctx,
        "gcp.monitoring.alert_policy",
        attributes,
        name=str(data.get("displayName") or asset.name.rsplit("/", 1)[-1]),
        tags={str(k): str(v) for k, v in (data.get("userLabels") or {}).items()},
    )
