"""Cloud KMS: rotation periods, and public access through a key or its key ring."""

from __future__ import annotations

from typing import Any

from scanner.collectors.gcp.common import Context
from tests.collectors.gcp.conftest import make_asset, normalise

RING = "//cloudkms.googleapis.com/projects/acme-prod/locations/europe-west1/keyRings/prod-ring"


def test_rotation_periods(estate: dict[str, dict[str, Any]]) -> None:
    days = {
        name: estate[f"{RING}/cryptoKeys/{name}"]["attributes"]["rotation_period_days"]
        for name in ("data-key", "legacy-key", "yearly-key", "release-signing")
    }
    assert days == {"data-key": 90, "legacy-key": None, "yearly-key": 365, "release-signing": None}
    data = estate[f"{RING}/cryptoKeys/data-key"]
    assert (data["name"], data["region"]) == ("data-key", "europe-west1")
    assert data["attributes"]["key_ring"] == RING
    assert data["attributes"]["next_rotation_at"] == "2027-01-01T00:00:00Z"


def test_public_keys(estate: dict[str, dict[str, Any]]) -> None:
    assert estate[f"{RING}/cryptoKeys/release-signing"]["attributes"]["is_public"] is True
    assert estate[f"{RING}/cryptoKeys/data-key"]["attributes"]["is_public"] is False
    ring = estate[RING]["attributes"]
    assert ring["is_public"] is False and ring["location"] == "europe-west1"


def test_a_public_key_ring_makes_its_keys_public() -> None:
    ctx = Context(
        policies={RING: {"bindings": [{"role": "roles/cloudkms.viewer", "members": ["allUsers"]}]}}
    )
    key = make_asset(
        "cloudkms.googleapis.com/CryptoKey", f"{RING}/cryptoKeys/k", {"purpose": "ENCRYPT_DECRYPT"}
    )
    attrs = normalise(key, ctx)["attributes"]
    assert attrs["is_public"] is True
    assert attrs["iam_bindings"] == []
    assert attrs["effective_iam_bindings"][0]["inherited_from"] == RING
