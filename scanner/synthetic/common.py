"""Shared pieces of the synthetic estates: the fixed "now", ids, times, relations, documents.

Every builder module of `scanner.synthetic` uses these; none of them touches the wall
clock or a random source of its own (random choices come from the `random.Random` the
caller passes in), so the estates are the same on every run.
"""

from __future__ import annotations

import ipaddress
import random
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from typing import Any

from scanner.catalog import TYPES

__all__ = [
    "ALNUM",
    "ALNUM_UPPER",
    "ANALYTICS_PROJECT",
    "DOMAIN",
    "INTERNET",
    "PROD_ACCOUNT",
    "REFERENCE_DATE",
    "STAGING_ACCOUNT",
    "TOOLING_ACCOUNT",
    "VENDOR_ACCOUNT",
    "ResourceDict",
    "allow",
    "complete",
    "doc",
    "fake_uuid",
    "hex_digits",
    "host",
    "rel",
    "secret_entry",
    "tail",
    "ts",
]

REFERENCE_DATE = datetime(2026, 11, 1, tzinfo=UTC)
"""The fixed "now" of every synthetic estate: ages and expiries are relative to it."""

ResourceDict = dict[str, Any]
"""A resource in snapshot form: the fields of `scanner.model.Resource` as a plain dict."""

ALNUM_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
INTERNET = "internet"
"""The graph node every `allows_from` edge from the whole internet points to."""
DOMAIN = "northwind.example"
"""Northwind Logistics' domain: the company every synthetic estate belongs to."""

# Northwind's fixed AWS accounts. Generated estates never reuse these ids.
PROD_ACCOUNT = "111122223333"
STAGING_ACCOUNT = "444455556666"
TOOLING_ACCOUNT = "777788889999"  # Northwind's CI tooling account: trusted, but not collected
VENDOR_ACCOUNT = "210987654321"  # a monitoring vendor's account
ANALYTICS_PROJECT = "northwind-analytics"  # Northwind's GCP project in the demo

_REF_ORDINAL = REFERENCE_DATE.date().toordinal()


@cache  # one entry per resource type
def _catalog_attributes(rtype: str) -> tuple[str, ...]:
    return tuple(TYPES[rtype].attributes)


def complete(rtype: str, attributes: dict[str, Any]) -> dict[str, Any]:
    """Every catalog attribute of the type, null where the estate sets none (as collectors do)."""
    return {key: attributes.get(key) for key in _catalog_attributes(rtype)} | attributes


@lru_cache(maxsize=8192)
def _day(days_ago: int) -> str:
    return date.fromordinal(_REF_ORDINAL - days_ago).isoformat()


def ts(days_ago: int, second: int = 36000) -> str:
    """ISO 8601 UTC time on the day `days_ago` days before REFERENCE_DATE (< 0: after it).

    Use `days_ago >= 1` for a time that must be in the past.
    """
    hour, rest = divmod(second % 86400, 3600)
    minute, sec = divmod(rest, 60)
    return f"{_day(days_ago)}T{hour:02d}:{minute:02d}:{sec:02d}Z"


def rel(kind: str, target: str, properties: dict[str, Any] | None = None) -> dict[str, Any]:
    """A relation in snapshot form: `{type, target, properties}`."""
    return {"type": kind, "target": target, "properties": properties if properties else {}}


@lru_cache(maxsize=4096)
def _network(cidr: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(cidr)


def host(rng: random.Random, cidr: str) -> str:
    """A random host address inside an IPv4 range (not its first few or last address)."""
    net = _network(cidr)
    return str(net.network_address + rng.randint(4, net.num_addresses - 2))


def tail(resource_id: str) -> str:
    """The last path segment of an id: `vpc-0abc` of `arn:...:vpc/vpc-0abc`."""
    return resource_id.rsplit("/", 1)[-1]


def hex_digits(rng: random.Random, digits: int) -> str:
    """`digits` random lowercase hex digits."""
    return f"{rng.getrandbits(4 * digits):0{digits}x}"


def fake_uuid(rng: random.Random) -> str:
    """A random UUID-shaped string (version 4 layout)."""
    h = hex_digits(rng, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def secret_entry(location: str, kind: str, masked: str) -> dict[str, str]:
    """A secret found in a resource's text, stored masked only (never in clear)."""
    return {"location": location, "kind": kind, "masked": masked}


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    """An IAM policy document holding `statements`."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(actions: str | list[str], resources: str | list[str], **extra: Any) -> dict[str, Any]:
    """An Allow statement of an IAM policy document."""
    return {"Effect": "Allow", "Action": actions, "Resource": resources, **extra}
