"""`ResourceType`: the shape of one entry in the resource-type catalog."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["QUOTA_ATTRIBUTES", "USAGE", "ResourceType"]

USAGE = (
    "utilisation over the metrics window (`--metrics`): object metric -> {average, p95,"
    " max, days}, the average, 95th percentile and maximum of the metric's daily values"
    " and the number of days with data (values null when days is 0); null when metrics"
    " were not collected. Metric names per type: docs/capacity.md"
)

# The attributes every quota type shares (aws.servicequotas.quota, gcp.compute.quota).
QUOTA_ATTRIBUTES = {
    "limit": "the limit in force (the applied value, else the default), a number",
    "used": "current usage, a number; null when it could not be read",
    "used_percent": "used / limit x 100; null when either is unknown or the limit is 0",
    "unit": "what the limit counts, e.g. Count, vCPU, GiB",
}


@dataclass(frozen=True)
class ResourceType:
    """One normal resource type."""

    description: str
    attributes: dict[str, str]
    relations: dict[str, str] = field(default_factory=dict)
