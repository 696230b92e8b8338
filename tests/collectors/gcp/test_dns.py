"""Cloud DNS: both enum spellings normalised, private zones, server policies."""

from __future__ import annotations

from typing import Any

from tests.collectors.gcp.conftest import make_asset, normalise, relations

Z = "//dns.googleapis.com/projects/200000000001/managedZones/"
VPC = "//compute.googleapis.com/projects/acme-prod/global/networks/prod-vpc"


def test_zones(estate: dict[str, dict[str, Any]]) -> None:
    signed = estate[f"{Z}1234567890123"]
    assert signed["name"] == "acme-example"
    assert signed["attributes"]["dnssec_state"] == "on"
    assert signed["attributes"]["dnssec_key_algorithms"] == ["rsasha256"]
    assert estate[f"{Z}1234567890125"]["attributes"]["dnssec_key_algorithms"] == ["rsasha1"]
    assert estate[f"{Z}acme-legacy"]["attributes"]["dnssec_state"] == "off"
    private = estate[f"{Z}1234567890126"]
    assert (private["attributes"]["visibility"], private["attributes"]["dnssec_state"]) == (
        "private",
        None,
    )
    assert relations(private, "in_network") == [VPC]


def test_cai_and_dns_api_spellings_agree() -> None:
    cai = {
        "visibility": "PUBLIC",
        "dnssecConfig": {
            "state": "ON",
            "defaultKeySpecs": [
                {"keyType": "KEY_SIGNING", "algorithm": "RSASHA1", "keyLength": 2048}
            ],
        },
    }
    api = {
        "visibility": "public",
        "dnssecConfig": {
            "state": "on",
            "defaultKeySpecs": [
                {"keyType": "keySigning", "algorithm": "rsasha1", "keyLength": 2048}
            ],
        },
    }
    one = normalise(make_asset("dns.googleapis.com/ManagedZone", f"{Z}1", cai))["attributes"]
    two = normalise(make_asset("dns.googleapis.com/ManagedZone", f"{Z}1", api))["attributes"]
    assert one == two
    assert one["dnssec_key_specs"] == [
        {"key_type": "keysigning", "algorithm": "rsasha1", "key_length": 2048}
    ]


def test_server_policies(estate: dict[str, dict[str, Any]]) -> None:
    policy = estate["//dns.googleapis.com/projects/200000000001/policies/8888000011112222"]
    assert policy["attributes"]["logging_enabled"] is True
    assert relations(policy, "in_network") == [VPC]
