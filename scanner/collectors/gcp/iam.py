"""IAM service accounts and their keys.

A service account's `project_roles` are the roles it holds on its own project, resolved
from the IAM policies of the project and of every folder and organisation above it
(the roles a member holds on a project include those granted higher up). Its own IAM
policy says who may act as it (`iam_bindings`, `iam_binding` relations).
"""

from __future__ import annotations

import logging

from scanner.collectors.gcp.common import (
    DEFAULT_COMPUTE_SA,
    Asset,
    Context,
    binding_relations,
    bindings_of,
    iso_time,
    last_segment,
    make_resource,
    rel,
)
from scanner.model import Resource
from scanner.policy.gcp import has_public_member

__all__ = ["service_account", "service_account_key"]

logger = logging.getLogger(__name__)


def service_account(asset: Asset, ctx: Context) -> Resource:
    """iam.googleapis.com/ServiceAccount."""
    data = asset.data
    email = str(data.get("email") or last_segment(str(data.get("name", asset.name))))
    member = f"serviceAccount:{email}"
    inherited = ctx.inherited_bindings(asset)
    roles = sorted({b["role"] for b in inherited if member in b["members"]})
    bindings = bindings_of(asset.iam_policy)
    attributes = {
        "email": email,
        "unique_id": data.get("uniqueId"),
        "display_name": data.get("displayName"),
        "description": data.get("description"),
        "disabled": data.get("disabled") is True,
        "is_default_compute": bool(DEFAULT_COMPUTE_SA.match(email)),
        "project_roles": roles,
        "project_role_bindings": [
            {"role": b["role"], "inherited_from": b["inherited_from"]}
            for b in inherited
            if member in b["members"]
        ],
        "iam_bindings": bindings,
        "effective_iam_bindings": ctx.effective_bindings(asset),
        "is_public": has_public_member(bindings),
    }
    resource = make_resource(
        asset,
        ctx,
        "gcp.iam.service_account",
        attributes,
        binding_relations(bindings),
        name=email,
        region="global",
        tags={},
    )
    if not resource.account and data.get("projectId"):
        resource.account = str(data["projectId"])
    return resource


def service_account_key(asset: Asset, ctx: Context) -> Resource:
    """iam.googleapis.com/ServiceAccountKey."""
    data = asset.data
    key_id = last_segment(asset.name)
    owner = asset.parent or asset.name.rsplit("/keys/", 1)[0]
    data_name = str(data.get("name", ""))
    email = data_name.split("/serviceAccounts/", 1)[-1].split("/keys/", 1)[0] if data_name else ""
    attributes = {
        "key_type": data.get("keyType"),
        "key_origin": data.get("keyOrigin"),
        "key_algorithm": data.get("keyAlgorithm"),
        "valid_after": iso_time(data.get("validAfterTime")),
        "valid_before": iso_time(data.get("validBeforeTime")),
        "disabled": data.get("disabled") is True,
        "service_account_email": email or None,
    }
    return make_resource(
        asset,
        ctx,
        "gcp.iam.service_account_key",
        attributes,
        [rel("key_of", owner)],
        name=key_id,
        region="global",
        tags={},
    )
