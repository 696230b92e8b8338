"""GCP "can become" steps: members of project, folder, org and service account policies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scanner.policy.data import sensitivity
from scanner.policy.escalation.catalog import (
    ADMIN_EDGE,
    READ_EDGE,
    Derivation,
    Step,
    admin_node,
    attributes_of,
)
from scanner.policy.iam import as_list

__all__ = ["GCP_ROLE_PERMISSIONS", "GcpSteps", "gcp_admin_role"]


_ADMIN_ROLES = frozenset({"roles/owner", "roles/editor"})
_TOKEN = (
    "iam.serviceAccounts.getAccessToken",
    "iam.serviceAccounts.implicitDelegation",
    "iam.serviceAccounts.signBlob",
    "iam.serviceAccounts.signJwt",
)
_SET_IAM = (
    "resourcemanager.projects.setIamPolicy",
    "resourcemanager.folders.setIamPolicy",
    "resourcemanager.organizations.setIamPolicy",
)
# The escalation permissions of predefined roles (GCP IAM roles reference); other
# permissions of these roles do not matter here. Owner and editor are admin roles.
GCP_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "roles/iam.serviceAccountTokenCreator": frozenset(_TOKEN),
    "roles/iam.workloadIdentityUser": frozenset({"iam.serviceAccounts.getAccessToken"}),
    "roles/iam.serviceAccountUser": frozenset({"iam.serviceAccounts.actAs"}),
    "roles/iam.serviceAccountKeyAdmin": frozenset({"iam.serviceAccountKeys.create"}),
    "roles/iam.serviceAccountAdmin": frozenset({"iam.serviceAccounts.setIamPolicy"}),
    "roles/iam.securityAdmin": frozenset({"iam.serviceAccounts.setIamPolicy", *_SET_IAM}),
    "roles/resourcemanager.projectIamAdmin": frozenset({_SET_IAM[0]}),
    "roles/resourcemanager.folderIamAdmin": frozenset({_SET_IAM[1]}),
    "roles/resourcemanager.folderAdmin": frozenset(_SET_IAM[:2]),
    "roles/resourcemanager.organizationAdmin": frozenset(_SET_IAM),
    "roles/compute.admin": frozenset({"compute.instances.create"}),
    "roles/compute.instanceAdmin": frozenset({"compute.instances.create"}),
    "roles/compute.instanceAdmin.v1": frozenset({"compute.instances.create"}),
    "roles/run.admin": frozenset({"run.services.create"}),
    "roles/run.developer": frozenset({"run.services.create"}),
    "roles/cloudfunctions.admin": frozenset({"cloudfunctions.functions.create"}),
    "roles/cloudfunctions.developer": frozenset({"cloudfunctions.functions.create"}),
}

# Predefined roles that hold storage.objects.get (owner and editor are admin roles).
_STORAGE_READERS = frozenset(
    {
        "roles/storage.objectViewer",
        "roles/storage.objectAdmin",
        "roles/storage.admin",
        "roles/storage.legacyObjectReader",
        "roles/storage.legacyObjectOwner",
    }
)

_SCOPE_KIND = {
    "gcp.resourcemanager.project": "projects",
    "gcp.resourcemanager.folder": "folders",
    "gcp.resourcemanager.organization": "organizations",
}
_ACT_AS = (
    ("gcp_act_as_compute", "compute.instances.create"),
    ("gcp_act_as_run", "run.services.create"),
    ("gcp_act_as_functions", "cloudfunctions.functions.create"),
)


def gcp_admin_role(role: str) -> bool:
    """True for the roles that are administrator rights on a project, folder or org."""
    return role in _ADMIN_ROLES


def _is_custom(role: str) -> bool:
    return not role.startswith("roles/")


def _bindings(attributes: Mapping[str, Any], key: str) -> list[tuple[str, str]]:
    """(role, member) of every binding under `key` (deleted members left out)."""
    out = []
    for binding in as_list(attributes.get(key)):
        if not isinstance(binding, Mapping):
            continue
        role = str(binding.get("role", ""))
        out += [
            (role, str(m))
            for m in as_list(binding.get("members"))
            if not str(m).startswith("deleted:")
        ]
    return out


class GcpSteps:
    """Derives the GCP steps of an estate into a Derivation (`derive()`)."""

    def __init__(self, by_type: Mapping[str, list[Mapping[str, Any]]], out: Derivation) -> None:
        self.out = out
        self.accounts = by_type.get("gcp.iam.service_account", ())
        self.sa_nodes = {
            str(attributes_of(s).get("email") or s.get("name")): str(s["id"]) for s in self.accounts
        }
        self.scopes = [r for t in _SCOPE_KIND for r in by_type.get(t, ())]
        self.buckets = [
            b
            for b in by_type.get("gcp.storage.bucket", ())
            if sensitivity(b.get("tags")) is not None
        ]
        # project id -> member -> permissions it holds on the project (incl. inherited)
        self.project_perms: dict[str, dict[str, set[str]]] = {}
        self.admins: set[str] = set()

    def node(self, member: str) -> str:
        """The graph node of a member: the service account resource when collected."""
        kind, _, email = member.partition(":")
        if kind == "serviceAccount" and email in self.sa_nodes:
            return self.sa_nodes[email]
        return f"principal:gcp:{member}"

    def add(
        self, member: str, target: str, method: str, perms: Iterable[str], via: str, role: str
    ) -> None:
        source = self.node(member)
        if source != target:
            self.out.steps.append(Step(source, target, method, tuple(sorted(perms)), via, role))

    def derive(self) -> None:
        for scope in self.scopes:
            self._scope(scope)
        for scope in self.scopes:
            if scope.get("type") == "gcp.resourcemanager.project":
                perms = self.project_perms.setdefault(str(scope.get("account", "")), {})
                for role, member in _bindings(attributes_of(scope), "effective_iam_bindings"):
                    perms.setdefault(member, set()).update(GCP_ROLE_PERMISSIONS.get(role, ()))
        for account in self.accounts:
            self._service_account(account)
        for bucket in self.buckets:
            self._bucket_readers(bucket)

    def _bucket_readers(self, bucket: Mapping[str, Any]) -> None:
        attributes = attributes_of(bucket)
        key = "effective_iam_bindings" if "effective_iam_bindings" in attributes else "iam_bindings"
        label = sensitivity(bucket.get("tags")) or ""
        for role, member in _bindings(attributes, key):
            source = self.node(member)
            if role in _STORAGE_READERS and source not in self.admins:
                self.out.reads.append(
                    Step(
                        source, str(bucket["id"]), READ_EDGE, ("storage.objects.get",), role, label
                    )
                )

    def _scope(self, scope: Mapping[str, Any]) -> None:
        """Admin and set-IAM-policy steps from a project's, folder's or org's own policy."""
        kind = _SCOPE_KIND[str(scope["type"])]
        name = str(scope["id"]).rsplit(f"/{kind}/", 1)[-1]
        if kind == "projects":  # the project id reads better than its number
            name = str(attributes_of(scope).get("project_id") or scope.get("account") or name)
        target = admin_node("gcp", f"{kind}/{name}")
        for role, member in _bindings(attributes_of(scope), "iam_bindings"):
            if gcp_admin_role(role):
                self.admins.add(self.node(member))
                self.out.steps.append(
                    Step(self.node(member), target, ADMIN_EDGE, (), str(scope["id"]), role)
                )
                continue
            if _is_custom(role):
                self.out.unknown.setdefault(
                    self.node(member), f"holds custom role {role} (its permissions not collected)"
                )
            perms = GCP_ROLE_PERMISSIONS.get(role, frozenset())
            wanted = f"resourcemanager.{kind}.setIamPolicy"
            if wanted in perms:
                self.add(member, target, "gcp_set_iam_policy", (wanted,), str(scope["id"]), role)

    def _service_account(self, account: Mapping[str, Any]) -> None:
        attributes = attributes_of(account)
        target = str(account["id"])
        key = "effective_iam_bindings" if "effective_iam_bindings" in attributes else "iam_bindings"
        project = self.project_perms.get(str(account.get("account", "")), {})
        for role, member in _bindings(attributes, key):
            if self.node(member) in self.admins:
                continue
            perms = GCP_ROLE_PERMISSIONS.get(role, frozenset())
            via = target
            token = perms & set(_TOKEN)
            if token:
                self.add(member, target, "gcp_impersonate", token, via, role)
            if "iam.serviceAccountKeys.create" in perms:
                self.add(
                    member, target, "gcp_create_key", ("iam.serviceAccountKeys.create",), via, role
                )
            if "iam.serviceAccounts.setIamPolicy" in perms:
                self.add(member, target, "gcp_set_service_account_iam_policy",
                         ("iam.serviceAccounts.setIamPolicy",), via, role)  # fmt: skip
            if "iam.serviceAccounts.actAs" in perms:
                held = project.get(member, set())
                for method, create in _ACT_AS:
                    if create in held:
                        self.add(member, target, method,
                                 ("iam.serviceAccounts.actAs", create), via, role)  # fmt: skip
