"""BigQuery datasets and tables.

`is_public` is true when the dataset's access list or its IAM policy grants anything to
`allUsers` or `allAuthenticatedUsers` (Cloud Asset Inventory sometimes leaves `access`
out of the dataset's data; the IAM policy mirrors it).
"""

from __future__ import annotations

import logging
from typing import Any

from scanner.collectors.gcp.common import (
    Asset,
    Context,
    binding_relations,
    bindings_of,
    iso_time,
    kms_key_id,
    kms_key_name,
    make_resource,
    region_of,
    rel,
    to_int,
)
from scanner.model import Resource
from scanner.policy.gcp import has_public_member, is_public_member

__all__ = ["dataset", "table"]

logger = logging.getLogger(__name__)

_MEMBER_KEYS = ("userByEmail", "groupByEmail", "domain", "specialGroup", "iamMember")


def _access(entries: Any) -> list[dict[str, Any]]:
    """Access entries as `{role, member}`; views and routines as `{role, member: null}`."""
    out: list[dict[str, Any]] = []
    for entry in entries or ():
        member = next((f"{k}:{entry[k]}" for k in _MEMBER_KEYS if entry.get(k)), None)
        out.append({"role": entry.get("role"), "member": member})
    return out


def dataset(asset: Asset, ctx: Context) -> Resource:
    """bigquery.googleapis.com/Dataset."""
    data = asset.data
    reference = data.get("datasetReference") or {}
    access = _access(data.get("access"))
    public_access = any(
        a["member"] and is_public_member(a["member"].split(":", 1)[1]) for a in access
    )
    bindings = bindings_of(asset.iam_policy)
    key = (data.get("defaultEncryptionConfiguration") or {}).get("kmsKeyName")
    expiration = to_int(data.get("defaultTableExpirationMs"))
    location = str(data.get("location") or asset.location or "")
    attributes = {
        "location": location or None,
        "kms_key_name": kms_key_name(key),
        "access": access,
        "iam_bindings": bindings,
        "effective_iam_bindings": ctx.effective_bindings(asset),
        "is_public": public_access or has_public_member(bindings),
        "default_table_expiration_days": round(expiration / 86_400_000, 2)
        if expiration is not None
        else None,
        "created_at": iso_time(data.get("creationTime")),
    }
    relations = binding_relations(bindings)
    key_id = kms_key_id(key)
    if key_id:
        relations.append(rel("encrypted_by", key_id))
    name = str(reference.get("datasetId") or asset.name.rsplit("/", 1)[-1])
    return make_resource(
        asset,
        ctx,
        "gcp.bigquery.dataset",
        attributes,
        relations,
        name=name,
        region=region_of(location),
    )


def table(asset: Asset, ctx: Context) -> Resource:
    """bigquery.googleapis.com/Table (tables, views, materialized views, ...)."""
    data = asset.data
    reference = data.get("tableReference") or {}
    dataset_id = asset.name.rsplit("/tables/", 1)[0]
    key = (data.get("encryptionConfiguration") or {}).get("kmsKeyName")
    location = str(data.get("location") or asset.location or "")
    attributes = {
        "dataset": dataset_id,
        "table_type": data.get("type"),
        "kms_key_name": kms_key_name(key),
        "created_at": iso_time(data.get("creationTime")),
    }
    key_id = kms_key_id(key)
    return make_resource(
        asset,
        ctx,
        "gcp.bigquery.table",
        attributes,
        [rel("encrypted_by", key_id)] if key_id else [],
        name=str(reference.get("tableId") or asset.name.rsplit("/", 1)[-1]),
        region=region_of(location),
    )
