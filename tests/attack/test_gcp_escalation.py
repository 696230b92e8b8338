"""GCP attack paths on a snapshot built with `scanner.synthetic.builders`.

An organization with a folder and a project; service accounts reach owner by
impersonation, key creation, actAs with compute / Cloud Run / Cloud Functions, their
own IAM policy, and IAM-admin roles on the project, folder or org; their twins hold the
same kind of role without the second half (no create permission) or on a harmless target.
"""

from __future__ import annotations

from typing import Any

from scanner.engine import evaluate, load_rules
from scanner.graph import ResourceGraph
from scanner.policy.escalation import derive
from scanner.synthetic.builders import resource

PROJECT = "shop-prod"
ORG = "//cloudresourcemanager.googleapis.com/organizations/42"
FOLDER = "//cloudresourcemanager.googleapis.com/folders/7"
PROJECT_ID = f"//cloudresourcemanager.googleapis.com/projects/{PROJECT}"


def _email(name: str) -> str:
    return f"{name}@{PROJECT}.iam.gserviceaccount.com"


def _sa(name: str, bindings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return resource(
        f"//iam.googleapis.com/projects/{PROJECT}/serviceAccounts/{name}",
        "gcp.iam.service_account",
        account=PROJECT,
        region="global",
        name=_email(name),
        attributes={"email": _email(name), "effective_iam_bindings": bindings or []},
    )


def _bind(role: str, *names: str) -> dict[str, Any]:
    return {
        "role": role,
        "members": [m if ":" in m else f"serviceAccount:{_email(m)}" for m in names],
    }


def _scope(rid: str, rtype: str, bindings: list[dict[str, Any]]) -> dict[str, Any]:
    attributes: dict[str, Any] = {"iam_bindings": bindings}
    if rtype == "gcp.resourcemanager.project":
        attributes |= {"project_id": PROJECT, "effective_iam_bindings": bindings}
    account = PROJECT if rtype == "gcp.resourcemanager.project" else ""
    return resource(rid, rtype, account=account, region="global", attributes=attributes)


OWNER_BINDINGS = [
    _bind("roles/iam.serviceAccountTokenCreator", "impersonator", "user:alice@example.com"),
    _bind("roles/iam.serviceAccountKeyAdmin", "key-maker"),
    _bind("roles/iam.serviceAccountAdmin", "sa-admin"),
    _bind("roles/iam.serviceAccountUser", "vm-maker", "run-deployer", "fn-deployer", "acts-only"),
    _bind("roles/iam.serviceAccountViewer", "viewer"),
]
OTHERS = (
    "impersonator",
    "key-maker",
    "sa-admin",
    "vm-maker",
    "run-deployer",
    "fn-deployer",
    "project-iam",
    "folder-iam",
    "org-admin",
    "acts-only",
    "viewer",
    "impersonator-twin",
    "folder-viewer",
)


def _estate() -> list[dict[str, Any]]:
    project_bindings = [
        _bind("roles/owner", "owner"),
        _bind("roles/compute.instanceAdmin.v1", "vm-maker"),
        _bind("roles/run.developer", "run-deployer"),
        _bind("roles/cloudfunctions.developer", "fn-deployer"),
        _bind("roles/resourcemanager.projectIamAdmin", "project-iam"),
    ]
    org_bindings = [_bind("roles/resourcemanager.organizationAdmin", "org-admin")]
    folder_bindings = [
        _bind("roles/resourcemanager.folderIamAdmin", "folder-iam"),
        _bind("roles/resourcemanager.folderViewer", "folder-viewer"),
    ]
    return [
        _scope(ORG, "gcp.resourcemanager.organization", org_bindings),
        _scope(FOLDER, "gcp.resourcemanager.folder", folder_bindings),
        _scope(PROJECT_ID, "gcp.resourcemanager.project", project_bindings),
        _sa("owner", OWNER_BINDINGS),
        _sa("plain", [_bind("roles/iam.serviceAccountTokenCreator", "impersonator-twin")]),
        *(_sa(n) for n in OTHERS),
    ]


EXPECTED = {
    "impersonator": "gcp_impersonate",
    "key-maker": "gcp_create_key",
    "sa-admin": "gcp_set_service_account_iam_policy",
    "vm-maker": "gcp_act_as_compute",
    "run-deployer": "gcp_act_as_run",
    "fn-deployer": "gcp_act_as_functions",
    "project-iam": "gcp_set_iam_policy",
    "folder-iam": "gcp_set_iam_policy",
    "org-admin": "gcp_set_iam_policy",
}


def test_each_gcp_method_is_a_step_and_twins_have_none() -> None:
    steps = derive(_estate()).steps
    first = {s.source.rsplit("/", 1)[-1]: s.method for s in steps if s.method != "holds_admin"}
    for name, method in EXPECTED.items():
        assert first[name] == method, name
    for twin in ("acts-only", "viewer", "folder-viewer"):
        assert twin not in first
    assert first["impersonator-twin"] == "gcp_impersonate"  # onto a harmless account


def test_the_rule_reports_escalating_members_with_their_paths() -> None:
    ruleset = load_rules().select(ids={"gcp_iam_principal_no_path_to_admin"})
    outcome = evaluate(ruleset, _estate())
    found = {f.resource.id: f for f in outcome.findings}
    sa = f"//iam.googleapis.com/projects/{PROJECT}/serviceAccounts/"
    assert set(found) == {sa + n for n in EXPECTED} | {"principal:gcp:user:alice@example.com"}
    alice = found["principal:gcp:user:alice@example.com"]
    assert alice.path == [alice.resource.id, sa + "owner", f"admin:gcp:projects/{PROJECT}"]
    assert alice.evidence["methods"] == "gcp_impersonate"
    assert found[sa + "folder-iam"].path[-1] == "admin:gcp:folders/7"
    assert found[sa + "org-admin"].path[-1] == "admin:gcp:organizations/42"


def test_paths_are_shortest_and_stable_and_follow_new_resources() -> None:
    graph = ResourceGraph.build(_estate(), keep_attributes_for=_types())
    sa = f"//iam.googleapis.com/projects/{PROJECT}/serviceAccounts/"
    first = graph.admin_paths()
    assert first == ResourceGraph.build(_estate(), keep_attributes_for=_types()).admin_paths()
    assert graph.is_admin(sa + "owner") and not graph.is_admin(sa + "impersonator")
    assert sa + "plain" not in first
    # `plain` becomes an owner: whoever can impersonate it now reaches admin through it
    project = _scope(
        PROJECT_ID, "gcp.resourcemanager.project", [_bind("roles/owner", "owner", "plain")]
    )
    graph.add_resource(project)
    after = graph.admin_paths()
    assert after[sa + "impersonator-twin"] == [
        sa + "impersonator-twin",
        sa + "plain",
        f"admin:gcp:projects/{PROJECT}",
    ]


def _types() -> list[str]:
    from scanner.policy.escalation import INPUT_TYPES

    return list(INPUT_TYPES)
