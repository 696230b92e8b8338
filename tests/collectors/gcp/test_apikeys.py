"""API keys: restrictions only."""

from __future__ import annotations

from typing import Any

K = "//apikeys.googleapis.com/projects/200000000001/locations/global/keys/"


def test_api_keys(estate: dict[str, dict[str, Any]]) -> None:
    restricted, open_key = estate[f"{K}1f2e3d4c"], estate[f"{K}5a6b7c8d"]
    assert restricted["account"] == "acme-prod"
    assert restricted["attributes"]["api_targets"] == ["maps-backend.googleapis.com"]
    assert restricted["attributes"]["has_application_restrictions"] is True
    assert open_key["name"] == "legacy-unrestricted"
    assert open_key["attributes"]["api_targets"] == []
    assert open_key["attributes"]["has_application_restrictions"] is False
    assert open_key["attributes"]["created_at"] == "2023-02-02T02:02:02Z"
