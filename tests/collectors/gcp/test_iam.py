"""Service accounts (roles resolved through the hierarchy) and their keys."""

from __future__ import annotations

from typing import Any

from tests.collectors.gcp.conftest import make_asset, normalise, relations

SA = "//iam.googleapis.com/projects/acme-prod/serviceAccounts/"
DEFAULT, WEB, CI = (f"{SA}10400000000000000000{n}" for n in (1, 2, 3))
OLD_KEY = f"{CI}/keys/3f1e6a9b0c2d4e5f60718293a4b5c6d7e8f90a1b"


def test_project_roles_include_inherited_grants(estate: dict[str, dict[str, Any]]) -> None:
    ci = estate[CI]["attributes"]
    assert ci["project_roles"] == ["roles/owner", "roles/storage.objectAdmin"]
    assert {
        "role": "roles/owner",
        "inherited_from": "//cloudresourcemanager.googleapis.com/folders/300000000001",
    } in ci["project_role_bindings"]
    assert estate[DEFAULT]["attributes"]["project_roles"] == ["roles/editor"]
    assert estate[WEB]["attributes"]["project_roles"] == ["roles/logging.logWriter"]


def test_service_account_attributes(estate: dict[str, dict[str, Any]]) -> None:
    default = estate[DEFAULT]
    assert default["name"] == "200000000001-compute@developer.gserviceaccount.com"
    assert default["attributes"]["is_default_compute"] is True
    assert estate[CI]["attributes"]["is_default_compute"] is False
    assert estate[CI]["attributes"]["unique_id"] == "104000000000000000003"
    assert relations(estate[CI], "iam_binding") == ["principal:gcp:group:platform@acme.example"]
    assert default["tags"] == {} and default["region"] == "global"


def test_keys_belong_to_their_account(estate: dict[str, dict[str, Any]]) -> None:
    key = estate[OLD_KEY]
    assert relations(key, "key_of") == [CI]
    assert key["name"] == "3f1e6a9b0c2d4e5f60718293a4b5c6d7e8f90a1b"
    assert key["attributes"] == {
        "key_type": "USER_MANAGED",
        "key_origin": "GOOGLE_PROVIDED",
        "key_algorithm": "KEY_ALG_RSA_2048",
        "valid_after": "2025-01-10T10:20:30Z",
        "valid_before": "9999-12-31T23:59:59Z",
        "disabled": False,
        "service_account_email": "ci-deployer@acme-prod.iam.gserviceaccount.com",
    }


def test_a_key_without_resource_parent_uses_its_name() -> None:
    key = make_asset(
        "iam.googleapis.com/ServiceAccountKey",
        f"{SA}9/keys/abc",
        {"keyType": "SYSTEM_MANAGED", "disabled": True},
    )
    resource = normalise(key)
    assert relations(resource, "key_of") == [f"{SA}9"]
    assert resource["attributes"]["disabled"] is True
    assert resource["account"] == "acme-prod"
