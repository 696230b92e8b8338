"""The hierarchy: ancestry relations, own and inherited IAM, audit configs, org policies."""

from __future__ import annotations

from typing import Any

from scanner.collectors.gcp.common import Context
from tests.collectors.gcp.conftest import make_asset, normalise, relations

CRM = "//cloudresourcemanager.googleapis.com"
ORG = f"{CRM}/organizations/123456789012"
PROD_FOLDER = f"{CRM}/folders/300000000001"
PROD = f"{CRM}/projects/200000000001"
DEV = f"{CRM}/projects/200000000002"
CI = "serviceAccount:ci-deployer@acme-prod.iam.gserviceaccount.com"


def test_projects_folders_and_the_organization_are_linked(
    estate: dict[str, dict[str, Any]],
) -> None:
    assert relations(estate[PROD], "member_of") == [PROD_FOLDER]
    assert relations(estate[PROD_FOLDER], "member_of") == [ORG]
    assert relations(estate[ORG], "member_of") == []
    assert (estate[ORG]["account"], estate[PROD_FOLDER]["account"]) == ("", "")
    assert estate[PROD]["account"] == estate[PROD]["name"] == "acme-prod"
    assert estate[ORG]["name"] == "acme.example"
    assert estate[PROD]["attributes"]["project_number"] == "200000000001"
    assert estate[PROD]["tags"] == {"environment": "prod", "team": "platform"}


def test_effective_bindings_include_what_is_inherited(estate: dict[str, dict[str, Any]]) -> None:
    effective = estate[PROD]["attributes"]["effective_iam_bindings"]
    owners = {
        (m, b["inherited_from"])
        for b in effective
        if b["role"] == "roles/owner"
        for m in b["members"]
    }
    assert (CI, PROD_FOLDER) in owners
    assert ("group:gcp-admins@acme.example", None) in owners
    assert any(b["inherited_from"] == ORG for b in effective)
    own = estate[PROD]["attributes"]["iam_bindings"]
    assert all(CI not in b["members"] or b["role"] != "roles/owner" for b in own)
    conditional = next(b for b in own if b["condition"])
    assert conditional["condition"]["title"] == "deploy bucket only"


def test_bindings_become_principal_relations(estate: dict[str, dict[str, Any]]) -> None:
    bindings = [r for r in estate[DEV]["relations"] if r["type"] == "iam_binding"]
    assert {
        "type": "iam_binding",
        "target": "principal:gcp:group:dev-team@acme.example",
        "properties": {"role": "roles/iam.serviceAccountUser"},
    } in bindings
    # inherited bindings stay on the node they are set on
    assert all(r["target"] != f"principal:gcp:{CI}" for r in bindings)


def test_audit_configs_own_and_effective(estate: dict[str, dict[str, Any]]) -> None:
    prod, dev = estate[PROD]["attributes"], estate[DEV]["attributes"]
    assert prod["audit_configs"] == [
        {
            "service": "allServices",
            "log_types": ["ADMIN_READ", "DATA_READ", "DATA_WRITE"],
            "exempted_members": ["user:break-glass@acme.example"],
        }
    ]
    assert dev["audit_configs"] == []
    assert dev["effective_audit_configs"] == [
        {"service": "storage.googleapis.com", "log_types": ["DATA_READ"]}
    ]


def test_os_login_comes_from_the_compute_project(estate: dict[str, dict[str, Any]]) -> None:
    assert estate[PROD]["attributes"]["os_login_enabled"] is True
    assert estate[DEV]["attributes"]["os_login_enabled"] is False
    assert estate[PROD]["attributes"]["default_service_account"] == (
        "200000000001-compute@developer.gserviceaccount.com"
    )
    alone = make_asset(
        "cloudresourcemanager.googleapis.com/Project",
        f"{CRM}/projects/42",
        {"projectNumber": "42", "projectId": "lone"},
    )
    assert normalise(alone)["attributes"]["os_login_enabled"] is None


def test_org_policies(estate: dict[str, dict[str, Any]]) -> None:
    policies = {p["constraint"]: p for p in estate[ORG]["attributes"]["org_policies"]}
    assert policies["constraints/iam.disableServiceAccountKeyCreation"]["enforced"] is True
    locations = policies["constraints/gcp.resourceLocations"]
    assert (locations["enforced"], locations["allowed_values"]) == (None, ["in:eu-locations"])
    [dev] = estate[DEV]["attributes"]["org_policies"]
    assert dev["restore_default"] is True


def test_the_parent_is_read_from_data_without_ancestors() -> None:
    v1 = make_asset(
        "cloudresourcemanager.googleapis.com/Project",
        f"{CRM}/projects/42",
        {"projectNumber": "42", "projectId": "p", "parent": {"type": "folder", "id": "7"}},
    )
    v3 = make_asset(
        "cloudresourcemanager.googleapis.com/Folder",
        f"{CRM}/folders/7",
        {"displayName": "f", "parent": "organizations/1"},
    )
    assert relations(normalise(v1), "member_of") == [f"{CRM}/folders/7"]
    assert relations(normalise(v3), "member_of") == [f"{CRM}/organizations/1"]


def test_project_numbers_resolve_to_ids_for_other_assets() -> None:
    ctx = Context(project_ids={"42": "answer"})
    disk = make_asset(
        "compute.googleapis.com/Disk",
        "//compute.googleapis.com/projects/answer/zones/europe-west1-b/disks/d",
        {"name": "d"},
        ancestors=("projects/42", "organizations/1"),
    )
    assert normalise(disk, ctx)["account"] == "answer"
    secret = make_asset(
        "secretmanager.googleapis.com/Secret",
        "//secretmanager.googleapis.com/projects/42/secrets/s",
        {"name": "projects/42/secrets/s"},
    )
    assert normalise(secret, ctx)["account"] == "answer"


def test_essential_contacts_and_enabled_services(estate: dict[str, dict[str, Any]]) -> None:
    assert estate[ORG]["attributes"]["essential_contacts"] == [
        {"email": "security@acme.example", "notification_categories": ["SECURITY", "TECHNICAL"]}
    ]
    assert "cloudasset.googleapis.com" in estate[PROD]["attributes"]["enabled_services"]
    dev = estate[DEV]["attributes"]
    assert "bigquery.googleapis.com" not in dev["enabled_services"]  # DISABLED
    assert dev["access_approval_enabled"] is None  # not in Cloud Asset Inventory


def test_types_not_listed_are_null_not_empty() -> None:
    org = make_asset("cloudresourcemanager.googleapis.com/Organization", ORG, {"displayName": "x"})
    project = make_asset(
        "cloudresourcemanager.googleapis.com/Project", PROD, {"projectNumber": "200000000001"}
    )
    assert normalise(org)["attributes"]["essential_contacts"] is None
    assert normalise(project)["attributes"]["enabled_services"] is None
    listed = Context(contacts_listed=True, services_listed=True)
    assert normalise(org, listed)["attributes"]["essential_contacts"] == []
    assert normalise(project, listed)["attributes"]["enabled_services"] == []


def test_inherited_bindings_are_read_once_per_ancestor_and_follow_a_new_policy() -> None:
    ctx = Context()
    folder = "folders/300000000001"
    ctx.policies[f"{CRM}/{folder}"] = {"bindings": [{"role": "roles/viewer", "members": ["a"]}]}
    buckets = [
        make_asset(
            "storage.googleapis.com/Bucket",
            f"//storage.googleapis.com/b{n}",
            {},
            ancestors=(f"projects/{n}", folder),
        )
        for n in range(2)
    ]
    expected = [
        {
            "role": "roles/viewer",
            "members": ["a"],
            "condition": None,
            "inherited_from": f"{CRM}/{folder}",
        }
    ]
    first = ctx.inherited_bindings(buckets[0])
    second = ctx.inherited_bindings(buckets[1])
    assert first == second == expected
    assert first[0] is not second[0]  # each resource gets its own binding dicts
    first[0]["role"] = "changed by one resource"
    assert ctx.inherited_bindings(buckets[1]) == expected
    ctx.policies[f"{CRM}/{folder}"] = {"bindings": [{"role": "roles/owner", "members": ["b"]}]}
    assert [b["role"] for b in ctx.inherited_bindings(buckets[0])] == ["roles/owner"]
