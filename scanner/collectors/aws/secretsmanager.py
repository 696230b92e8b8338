"""Secrets Manager secrets: rotation and access metadata only, never a secret value.

ListSecrets returns everything needed; GetSecretValue is refused by the read-only guard.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.normalise import encrypted_by, iso, tags_of
from scanner.model import Resource

__all__ = ["collect", "fetch", "to_resources"]


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw secret metadata of the region."""
    client = ctx.client("secretsmanager")
    return {"secrets": ctx.paginate(client, "list_secrets", "SecretList")}


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.secretsmanager.secret per secret."""
    out = []
    for secret in raw.get("secrets") or []:
        key = scope.kms_key_arn(secret.get("KmsKeyId"))
        rotation = secret.get("RotationRules") or {}
        attributes = {
            "rotation_enabled": bool(secret.get("RotationEnabled")),
            "rotation_days": rotation.get("AutomaticallyAfterDays"),
            "last_rotated_at": iso(secret.get("LastRotatedDate")),
            "last_accessed_at": iso(secret.get("LastAccessedDate")),
            "kms_key_id": key,
        }
        out.append(
            scope.resource(
                str(secret["ARN"]),
                "aws.secretsmanager.secret",
                str(secret.get("Name") or secret["ARN"]),
                attributes,
                encrypted_by(key),
                tags=tags_of(secret.get("Tags")),
                raw=secret,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's secrets (metadata only)."""
    return to_resources(fetch(ctx), ctx.scope)
