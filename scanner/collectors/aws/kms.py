"""KMS keys: who manages them, their spec and state, rotation, policy, aliases and tags.

Rotation is read for enabled symmetric customer keys only (AWS-managed keys rotate on
AWS's schedule, and other keys cannot rotate automatically); tags for customer keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext, missing_as
from scanner.collectors.aws.normalise import iso, tags_of
from scanner.model import Resource
from scanner.policy.iam import parse_document

__all__ = ["collect", "fetch", "to_resources"]

# Keys whose state forbids the call answer with these errors: the value is unknown.
_NOT_NOW = ("KMSInvalidStateException", "UnsupportedOperationException", "NotFoundException")


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw key payloads of the region."""
    kms = ctx.client("kms")
    keys: list[dict[str, Any]] = []
    for listed in ctx.paginate(kms, "list_keys", "Keys"):
        key_id = str(listed["KeyId"])
        described = ctx.attempt(kms.describe_key, KeyId=key_id)
        if described is None:
            continue
        metadata = described.get("KeyMetadata") or {}
        item: dict[str, Any] = {"metadata": metadata}
        customer = metadata.get("KeyManager") == "CUSTOMER"
        spec = metadata.get("KeySpec") or metadata.get("CustomerMasterKeySpec")
        if customer and spec == "SYMMETRIC_DEFAULT" and metadata.get("KeyState") == "Enabled":
            rotation = ctx.attempt(
                missing_as, _NOT_NOW, {}, kms.get_key_rotation_status, KeyId=key_id
            )
            if rotation is not None:
                item["rotation_enabled"] = rotation.get("KeyRotationEnabled")
        policy = ctx.attempt(
            missing_as, _NOT_NOW, {}, kms.get_key_policy, KeyId=key_id, PolicyName="default"
        )
        if policy is not None:
            item["policy"] = policy.get("Policy")
        if customer:
            tags = ctx.attempt(ctx.paginate, kms, "list_resource_tags", "Tags", KeyId=key_id)
            item["tags"] = tags or []
        keys.append(item)
    aliases = ctx.attempt(ctx.paginate, kms, "list_aliases", "Aliases") or []
    return {"keys": keys, "aliases": aliases}


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.kms.key per key; its name is its first alias (else its id)."""
    aliases: dict[str, list[str]] = {}
    for alias in raw.get("aliases") or []:
        if alias.get("TargetKeyId"):
            name = str(alias.get("AliasName", "")).removeprefix("alias/")
            aliases.setdefault(str(alias["TargetKeyId"]), []).append(name)
    out = []
    for key in raw.get("keys") or []:
        metadata = key.get("metadata") or {}
        key_id = str(metadata["KeyId"])
        names = sorted(aliases.get(key_id, []))
        attributes = {
            "key_manager": metadata.get("KeyManager"),
            "key_spec": metadata.get("KeySpec") or metadata.get("CustomerMasterKeySpec"),
            "state": metadata.get("KeyState"),
            "rotation_enabled": key.get("rotation_enabled"),
            "policy": parse_document(key.get("policy")),
            "created_at": iso(metadata.get("CreationDate")),
            "aliases": names,
        }
        out.append(
            scope.resource(
                str(metadata.get("Arn") or scope.arn("kms", f"key/{key_id}")),
                "aws.kms.key",
                names[0] if names else key_id,
                attributes,
                tags=tags_of(key.get("tags")),
                raw=metadata,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's KMS keys."""
    return to_resources(fetch(ctx), ctx.scope)
