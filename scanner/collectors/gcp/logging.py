"""Cloud Logging sinks and log-based metrics.

A sink `logs_to` its destination's resource id (`//storage.googleapis.com/BUCKET`,
`//bigquery.googleapis.com/projects/P/datasets/D`, `//pubsub.googleapis.com/...`,
`//logging.googleapis.com/...` for log buckets). `is_default` marks the built-in
`_Default` and `_Required` sinks every project has. Sinks of organisations and folders
have an empty `account`; `include_children` says whether they export their projects'
logs too.
"""

from __future__ import annotations

import logging

from scanner.collectors.gcp.common import Asset, Context, iso_time, last_segment, make_resource, rel
from scanner.model import Resource

__all__ = ["metric", "sink"]

logger = logging.getLogger(__name__)

_BUILT_IN = frozenset({"_Default", "_Required"})


def sink(asset: Asset, ctx: Context) -> Resource:
    """logging.googleapis.com/LogSink."""
    data = asset.data
    name = str(data.get("name") or last_segment(asset.name))
    destination = str(data.get("destination") or "")
    scope = asset.name.removeprefix("//logging.googleapis.com/").split("/sinks/", 1)[0]
    attributes = {
        "destination": destination or None,
        # an empty or absent filter exports every entry
        "filter": str(data.get("filter") or ""),
        "is_default": name in _BUILT_IN,
        "disabled": data.get("disabled") is True,
        "include_children": data.get("includeChildren") is True,
        "writer_identity": data.get("writerIdentity"),
        "exclusion_count": len(data.get("exclusions") or ()),
        "scope": scope,
        "created_at": iso_time(data.get("createTime")),
    }
    relations = [rel("logs_to", f"//{destination}")] if destination else []
    return make_resource(asset, ctx, "gcp.logging.sink", attributes, relations, name=name, tags={})


def metric(asset: Asset, ctx: Context) -> Resource:
    """logging.googleapis.com/LogMetric."""
    data = asset.data
    name = last_segment(str(data.get("name") or asset.name))
    descriptor = data.get("metricDescriptor") or {}
    attributes = {
        "filter": str(data.get("filter") or ""),
        "disabled": data.get("disabled") is True,
        "metric_type": descriptor.get("type") or f"logging.googleapis.com/user/{name}",
        "description": data.get("description"),
    }
    return make_resource(asset, ctx, "gcp.logging.metric", attributes, name=name, tags={})
