"""Route 53 hosted zones: visibility, record count, DNSSEC signing and query logging."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.model import Resource

__all__ = ["collect", "fetch", "to_resources"]


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw hosted zones, their DNSSEC status (public zones) and query logging configs."""
    route53 = ctx.client("route53")
    zones = ctx.paginate(route53, "list_hosted_zones", "HostedZones")
    dnssec: dict[str, str | None] = {}
    for zone in zones:
        if (zone.get("Config") or {}).get("PrivateZone"):
            continue
        zone_id = str(zone["Id"]).rsplit("/", 1)[-1]
        status = ctx.attempt(route53.get_dnssec, HostedZoneId=zone_id)
        if status is not None:
            dnssec[zone_id] = (status.get("Status") or {}).get("ServeSignature")
    logging_configs = ctx.attempt(
        ctx.paginate, route53, "list_query_logging_configs", "QueryLoggingConfigs"
    )
    return {"zones": zones, "dnssec": dnssec, "query_logging": logging_configs}


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.route53.hosted_zone per zone."""
    dnssec: Mapping[str, Any] = raw.get("dnssec") or {}
    logging_configs = raw.get("query_logging")
    logged = {str(c.get("HostedZoneId")) for c in logging_configs or []}
    out = []
    for zone in raw.get("zones") or []:
        zone_id = str(zone["Id"]).rsplit("/", 1)[-1]
        private = bool((zone.get("Config") or {}).get("PrivateZone"))
        attributes = {
            "private": private,
            "record_count": zone.get("ResourceRecordSetCount"),
            "dnssec_status": None if private else dnssec.get(zone_id),
            "query_logging_enabled": None if logging_configs is None else zone_id in logged,
        }
        out.append(
            scope.resource(
                f"arn:{scope.partition}:route53:::hostedzone/{zone_id}",
                "aws.route53.hosted_zone",
                str(zone.get("Name", zone_id)).rstrip("."),
                attributes,
                raw=zone,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect Route 53 hosted zones (a global service)."""
    return to_resources(fetch(ctx), ctx.scope)
