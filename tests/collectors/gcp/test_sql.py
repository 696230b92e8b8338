"""Cloud SQL instances: public addresses, authorized networks, SSL modes, flags, backups."""

from __future__ import annotations

from typing import Any

import pytest

from tests.collectors.gcp.conftest import make_asset, normalise, relations

SQL = "//cloudsql.googleapis.com/projects/acme-prod/instances/"


def test_the_public_instance(estate: dict[str, dict[str, Any]]) -> None:
    pg = estate[f"{SQL}prod-pg"]
    attrs = pg["attributes"]
    assert attrs["public_ip_enabled"] is True
    assert attrs["public_ip_address"] == "35.187.1.2"
    assert "public_ip" not in attrs  # not a VM address: firewalls do not guard it
    assert attrs["authorized_networks"] == ["203.0.113.0/24", "0.0.0.0/0"]
    assert attrs["ssl_mode"] == "ALLOW_UNENCRYPTED_AND_ENCRYPTED"
    assert (attrs["backup_enabled"], attrs["pitr_enabled"]) == (False, False)
    assert attrs["database_flags"] == {"log_connections": "off"}
    assert (pg["region"], pg["tags"]) == ("europe-west1", {"team": "reporting"})


def test_the_private_instance(estate: dict[str, dict[str, Any]]) -> None:
    orders = estate[f"{SQL}orders-pg"]
    attrs = orders["attributes"]
    assert (attrs["public_ip_enabled"], attrs["ssl_mode"]) == (False, "ENCRYPTED_ONLY")
    assert relations(orders, "in_network") == [
        "//compute.googleapis.com/projects/acme-prod/global/networks/prod-vpc"
    ]
    assert len(relations(orders, "encrypted_by")) == 1
    assert attrs["deletion_protection"] is True


@pytest.mark.parametrize(
    ("ip_config", "mode"),
    [
        ({"requireSsl": True}, "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"),
        ({"requireSsl": True, "sslMode": "ENCRYPTED_ONLY"}, "ENCRYPTED_ONLY"),
        ({}, "ALLOW_UNENCRYPTED_AND_ENCRYPTED"),
        (None, None),
    ],
)
def test_ssl_mode_from_legacy_settings(ip_config: dict[str, Any] | None, mode: str | None) -> None:
    settings = {} if ip_config is None else {"ipConfiguration": ip_config}
    asset = make_asset("sqladmin.googleapis.com/Instance", f"{SQL}x", {"settings": settings})
    assert normalise(asset)["attributes"]["ssl_mode"] == mode


def test_disk_settings(estate: dict[str, dict[str, Any]]) -> None:
    orders = estate[f"{SQL}orders-pg"]["attributes"]
    reporting = estate[f"{SQL}prod-pg"]["attributes"]
    assert (orders["disk_size_gb"], orders["storage_auto_resize"]) == (250, True)
    assert orders["storage_auto_resize_limit_gb"] == 1000
    assert (reporting["disk_size_gb"], reporting["storage_auto_resize"]) == (50, False)
    assert reporting["storage_auto_resize_limit_gb"] == 0  # no limit
    # not said: auto-resize is on by default
    default = make_asset("sqladmin.googleapis.com/Instance", f"{SQL}x", {"settings": {}})
    attrs = normalise(default)["attributes"]
    assert (attrs["disk_size_gb"], attrs["storage_auto_resize"]) == (None, True)
