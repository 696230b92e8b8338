"""The resource hierarchy: organisations, folders and projects, with their IAM and audit configs.

Each node carries its own IAM bindings (`iam_bindings`, plus one `iam_binding` relation per
role and member) and the bindings in force on it (`effective_iam_bindings`: its own
followed by those set on its folders and organisation, each with `inherited_from`). A
project also gets `os_login_enabled` from the compute.googleapis.com/Project asset
(project-wide instance metadata), `enabled_services` from the
serviceusage.googleapis.com/Service assets, and `effective_audit_configs`, the audit log
types turned on for it anywhere up the hierarchy. `access_approval_enabled` is always
null: Cloud Asset Inventory does not hold Access Approval settings. An organization
lists its Essential Contacts (`essential_contacts`, from
essentialcontacts.googleapis.com/Contact assets; null when the collection did not list
that type).
"""

from __future__ import annotations

import logging
from typing import Any

from scanner.collectors.gcp.common import (
    CRM,
    Asset,
    Context,
    audit_configs,
    binding_relations,
    bindings_of,
    iso_time,
    make_resource,
    metadata_items,
    org_policies,
    rel,
    to_bool,
)
from scanner.model import Relation, Resource

__all__ = ["folder", "organization", "project"]

logger = logging.getLogger(__name__)


def _parent_relation(asset: Asset) -> list[Relation]:
    """`member_of` the next node up: the asset's second ancestor (the first is itself)."""
    own = asset.name.removeprefix(CRM)
    ancestors = [a for a in asset.ancestors if a != own]
    if ancestors:
        return [rel("member_of", CRM + ancestors[0])]
    parent = asset.data.get("parent")
    if isinstance(parent, str) and "/" in parent:  # v2/v3: "folders/123"
        return [rel("member_of", CRM + parent)]
    if isinstance(parent, dict) and parent.get("id"):  # v1: {type: folder, id: "123"}
        return [rel("member_of", f"{CRM}{parent.get('type', 'folder')}s/{parent['id']}")]
    return []


def _effective_audit_configs(asset: Asset, ctx: Context) -> list[dict[str, Any]]:
    """Audit log types per service, merged over the node and every ancestor."""
    merged: dict[str, set[str]] = {}
    sources = [asset.iam_policy] + [
        ctx.policies.get(CRM + a) for a in asset.ancestors if CRM + a != asset.name
    ]
    for policy in sources:
        for config in audit_configs(policy):
            merged.setdefault(config["service"], set()).update(config["log_types"])
    return [{"service": s, "log_types": sorted(merged[s])} for s in sorted(merged)]


def _iam_attributes(asset: Asset, ctx: Context) -> dict[str, Any]:
    return {
        "iam_bindings": bindings_of(asset.iam_policy),
        "effective_iam_bindings": ctx.effective_bindings(asset),
        "audit_configs": audit_configs(asset.iam_policy),
        "effective_audit_configs": _effective_audit_configs(asset, ctx),
        "org_policies": org_policies(asset.org_policy),
    }


def organization(asset: Asset, ctx: Context) -> Resource:
    """cloudresourcemanager.googleapis.com/Organization."""
    data = asset.data
    display = str(data.get("displayName") or asset.name.rsplit("/", 1)[-1])
    owner = data.get("owner") or {}
    ref = asset.name.removeprefix(CRM)
    contacts = ctx.contacts.get(ref, []) if ctx.contacts_listed else None
    attributes = {
        "display_name": display,
        "essential_contacts": contacts,
        "directory_customer_id": owner.get("directoryCustomerId"),
        "lifecycle_state": data.get("lifecycleState") or data.get("state"),
        "created_at": iso_time(data.get("creationTime") or data.get("createTime")),
        **_iam_attributes(asset, ctx),
    }
    relations = binding_relations(attributes["iam_bindings"])
    return make_resource(
        asset, ctx, "gcp.resourcemanager.organization", attributes, relations, name=display
    )


def folder(asset: Asset, ctx: Context) -> Resource:
    """cloudresourcemanager.googleapis.com/Folder."""
    data = asset.data
    display = str(data.get("displayName") or asset.name.rsplit("/", 1)[-1])
    attributes = {
        "display_name": display,
        "lifecycle_state": data.get("lifecycleState") or data.get("state"),
        "created_at": iso_time(data.get("createTime")),
        **_iam_attributes(asset, ctx),
    }
    relations = _parent_relation(asset) + binding_relations(attributes["iam_bindings"])
    return make_resource(
        asset, ctx, "gcp.resourcemanager.folder", attributes, relations, name=display
    )


def project(asset: Asset, ctx: Context) -> Resource:
    """cloudresourcemanager.googleapis.com/Project (+ its compute.googleapis.com/Project)."""
    data = asset.data
    number = str(data.get("projectNumber") or asset.name.rsplit("/", 1)[-1])
    project_id = str(data.get("projectId") or ctx.project_ids.get(number, number))
    compute = ctx.compute_projects.get(number)
    os_login: bool | None = None
    if compute is not None:
        metadata = metadata_items(compute.get("commonInstanceMetadata"))
        os_login = to_bool(metadata.get("enable-oslogin")) is True
    attributes = {
        "project_id": project_id,
        "project_number": number,
        "display_name": data.get("displayName") or data.get("name"),
        "lifecycle_state": data.get("lifecycleState") or data.get("state"),
        "created_at": iso_time(data.get("createTime")),
        "os_login_enabled": os_login,
        "default_service_account": compute.get("defaultServiceAccount") if compute else None,
        "enabled_services": sorted(ctx.services.get(number, [])) if ctx.services_listed else None,
        # Access Approval settings are not in Cloud Asset Inventory.
        "access_approval_enabled": None,
        **_iam_attributes(asset, ctx),
    }
    relations = _parent_relation(asset) + binding_relations(attributes["iam_bindings"])
    resource = make_resource(
        asset, ctx, "gcp.resourcemanager.project", attributes, relations, name=project_id
    )
    resource.account = project_id
    return resource
