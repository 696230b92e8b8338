"""Cloud DNS managed zones and DNS server policies.

Cloud Asset Inventory writes DNS enums in UPPER_SNAKE case (`ON`, `KEY_SIGNING`,
`RSASHA1`) where the Cloud DNS API says `on`, `keySigning`, `rsasha1`. Both are
normalised to the API's lower-case spelling without underscores (`on`, `keysigning`,
`rsasha1`), so rules compare one form.
"""

from __future__ import annotations

import logging
from typing import Any

from scanner.collectors.gcp.common import (
    Asset,
    Context,
    iso_time,
    make_resource,
    rel,
    to_int,
    url_to_name,
)
from scanner.model import Resource

__all__ = ["managed_zone", "policy"]

logger = logging.getLogger(__name__)


def _enum(value: Any) -> str | None:
    return str(value).lower().replace("_", "") if value else None


def managed_zone(asset: Asset, ctx: Context) -> Resource:
    """dns.googleapis.com/ManagedZone."""
    data = asset.data
    dnssec = data.get("dnssecConfig") or {}
    specs = [
        {
            "key_type": _enum(s.get("keyType")),
            "algorithm": _enum(s.get("algorithm")),
            "key_length": to_int(s.get("keyLength")),
        }
        for s in dnssec.get("defaultKeySpecs") or ()
    ]
    networks = [
        n
        for n in (
            url_to_name(x.get("networkUrl"))
            for x in (data.get("privateVisibilityConfig") or {}).get("networks") or ()
        )
        if n
    ]
    attributes = {
        "dns_name": data.get("dnsName"),
        "description": data.get("description"),
        # the API leaves visibility out for the default, public
        "visibility": _enum(data.get("visibility")) or "public",
        "dnssec_state": _enum(dnssec.get("state")),
        "dnssec_key_algorithms": list(
            dict.fromkeys(s["algorithm"] for s in specs if s["algorithm"])
        ),
        "dnssec_key_specs": specs,
        "logging_enabled": (data.get("cloudLoggingConfig") or {}).get("enableLogging") is True,
        "networks": networks,
        "created_at": iso_time(data.get("creationTime")),
    }
    return make_resource(
        asset,
        ctx,
        "gcp.dns.managed_zone",
        attributes,
        [rel("in_network", n) for n in networks],
    )


def policy(asset: Asset, ctx: Context) -> Resource:
    """dns.googleapis.com/Policy (a DNS server policy bound to VPC networks)."""
    data = asset.data
    networks = [
        n for n in (url_to_name(x.get("networkUrl")) for x in data.get("networks") or ()) if n
    ]
    attributes = {
        "logging_enabled": data.get("enableLogging") is True,
        "inbound_forwarding_enabled": data.get("enableInboundForwarding") is True,
        "networks": networks,
        "description": data.get("description"),
    }
    return make_resource(
        asset,
        ctx,
        "gcp.dns.policy",
        attributes,
        [rel("in_network", n) for n in networks],
        tags={},
    )
