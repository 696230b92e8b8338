"""Network facts read once: which address ranges mean "the internet", what is publicly addressed.

The AWS and GCP collectors, the Terraform plan reader, the synthetic estates, the
engine's `cidr_is_public` operator, the graph and the diagrams all ask these questions;
each asks here, so an IPv6 range or a planned rule is judged the same everywhere.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

__all__ = [
    "AWS_SUBNET_RESERVED",
    "INTERNET_PREFIX_MAX",
    "cidr_is_internet",
    "is_publicly_addressed",
    "open_api_routes",
    "usable_addresses",
]

# The widest prefix length still taken to mean "the whole internet", per IP version:
# IPv4 /0 to /7 (0.0.0.0/0, 0.0.0.0/1, ...), IPv6 /0 to /15 (::/0, 2000::/3, ...).
INTERNET_PREFIX_MAX = {4: 7, 6: 15}
# Addresses AWS keeps in every IPv4 subnet: network, router, DNS, future use, broadcast
# (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html).
AWS_SUBNET_RESERVED = 5


def cidr_is_internet(cidr: Any) -> bool:
    """True for an address range wide enough to mean "the internet" (see INTERNET_PREFIX_MAX).

    Anything that is not a CIDR string (None, a Terraform unknown, a security group id)
    is False.
    """
    return isinstance(cidr, str) and _cidr_is_internet(cidr)


@lru_cache(maxsize=65536)  # estates repeat the same few ranges over and over
def _cidr_is_internet(cidr: str) -> bool:
    try:
        network = ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return False
    return network.prefixlen <= INTERNET_PREFIX_MAX[network.version]


def usable_addresses(cidr: Any, reserved: int) -> int | None:
    """Addresses of an IPv4 CIDR left for hosts after `reserved`; None when not a CIDR."""
    if not isinstance(cidr, str):
        return None
    try:
        network = ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return None
    if network.version != 4:
        return None
    return max(network.num_addresses - reserved, 0)


def is_publicly_addressed(attributes: Mapping[str, Any]) -> bool:
    """True when a resource has an address the internet can send to.

    A public IP (`public_ip`), `publicly_accessible: true` (databases, clusters) or an
    `internet-facing` load balancer scheme.
    """
    return bool(
        attributes.get("public_ip")
        or attributes.get("publicly_accessible") is True
        or attributes.get("scheme") == "internet-facing"
    )


def open_api_routes(protocol: Any, routes: Iterable[Mapping[str, Any]]) -> list[Any]:
    """Route keys of an API Gateway v2 API callable without authorization.

    `routes` are `{route_key, authorization_type}` entries (the catalog's shape). A
    WebSocket API authorizes only `$connect`: once connected, every other route is open,
    so only `$connect` counts there.
    """
    return [
        r.get("route_key")
        for r in routes
        if r.get("authorization_type") == "NONE"
        and (protocol != "WEBSOCKET" or r.get("route_key") == "$connect")
    ]
