"""scanner.policy.network: which ranges mean the internet, what is publicly addressed."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.model import UNKNOWN
from scanner.policy.network import cidr_is_internet, is_publicly_addressed


@pytest.mark.parametrize(
    ("cidr", "internet"),
    [
        ("0.0.0.0/0", True),
        ("0.0.0.0/1", True),
        ("128.0.0.0/1", True),
        ("0.0.0.0/7", True),
        ("0.0.0.0/8", False),
        ("10.0.0.0/8", False),
        ("203.0.113.7/32", False),
        ("203.0.113.7", False),  # one address is not the internet
        ("10.1.2.3/0", True),  # host bits set: still the whole range
        (" 0.0.0.0/0 ", True),
        ("::/0", True),
        ("2000::/3", True),
        ("2000::/15", True),
        ("2000::/16", False),
        ("2001:db8::/32", False),
        ("garbage", False),
        ("", False),
        ("sg-0123456789abcdef0", False),
        (UNKNOWN, False),
        (None, False),
        (0, False),
    ],
)
def test_cidr_is_internet(cidr: Any, internet: bool) -> None:
    assert cidr_is_internet(cidr) is internet


@pytest.mark.parametrize(
    ("attributes", "public"),
    [
        ({"public_ip": "203.0.113.7"}, True),
        ({"public_ip": None}, False),
        ({"public_ip": ""}, False),
        ({"publicly_accessible": True}, True),
        ({"publicly_accessible": "true"}, False),  # only the boolean counts
        ({"publicly_accessible": None}, False),
        ({"scheme": "internet-facing"}, True),
        ({"scheme": "internal"}, False),
        ({}, False),
    ],
)
def test_is_publicly_addressed(attributes: dict[str, Any], public: bool) -> None:
    assert is_publicly_addressed(attributes) is public
