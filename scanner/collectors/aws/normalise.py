"""Pure helpers shared by the AWS service normalisers: times, tags, ids, trust relations.

Nothing here calls an API; everything is unit-tested on hand-shaped payloads. Policy
documents and address ranges are read by `scanner.policy` (`scanner.policy.iam`,
`scanner.policy.network`), which the Terraform reader and the engine share.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from scanner.masking import mask_secrets
from scanner.model import Relation
from scanner.policy.iam import trust_targets

__all__ = [
    "INTERNET",
    "encrypted_by",
    "iso",
    "jsonable",
    "kms_key_arn",
    "rel",
    "tags_of",
    "trusted_principals",
]

INTERNET = "internet"

_UUID = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^mrk-[0-9a-f]{32}$"
)


def iso(value: Any) -> str | None:
    """An API timestamp as ISO 8601 UTC to the second (`2024-05-01T12:00:00Z`), or None.

    Accepts datetimes (naive ones are read as UTC), dates, epoch seconds and the string
    forms AWS APIs use (`2024-05-01T12:00:00.000+0000`, `2024-05-01T12:00:00Z`).
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, tzinfo=UTC)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        moment = datetime.fromtimestamp(value, UTC)
    elif isinstance(value, str):
        text = value.strip()
        if re.search(r"[+-]\d{4}$", text):  # +0000 -> +00:00, which fromisoformat reads
            text = f"{text[:-2]}:{text[-2:]}"
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
    else:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def tags_of(tags: Any) -> dict[str, str]:
    """Tags in any AWS spelling (`[{Key, Value}]`, `[{key, value}]`, a dict) as a dict."""
    if not tags:
        return {}
    if isinstance(tags, Mapping):
        return {str(k): "" if v is None else str(v) for k, v in tags.items()}
    out: dict[str, str] = {}
    for tag in tags:
        if not isinstance(tag, Mapping):
            continue
        key = tag.get("Key", tag.get("key", tag.get("TagKey")))
        value = tag.get("Value", tag.get("value", tag.get("TagValue")))
        if key is not None:
            out[str(key)] = "" if value is None else str(value)
    return out


def jsonable(value: Any) -> Any:
    """An API payload made JSON-safe (datetimes as ISO strings, bytes dropped), secrets masked.

    `ResponseMetadata` is removed. Callers strip fields that hold user data or
    environment values before calling this; masking (by key, with AWS's CamelCase keys
    read as words, and by value) is the second line of defence.
    """
    return _plain(value, "")


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _plain(value: Any, key: str) -> Any:
    if isinstance(value, Mapping):
        return {
            str(k): _plain(v, str(k))
            for k, v in value.items()
            if k != "ResponseMetadata" and not isinstance(v, bytes | bytearray)
        }
    if isinstance(value, list | tuple):
        return [_plain(v, key) for v in value if not isinstance(v, bytes | bytearray)]
    if isinstance(value, datetime | date):
        return iso(value)
    if isinstance(value, str):
        return mask_secrets(value, _CAMEL.sub("_", key))
    if isinstance(value, int | float | bool) or value is None:
        return value
    return str(value)


def rel(kind: str, target: str, properties: Mapping[str, Any] | None = None) -> Relation:
    """A relation of type `kind` to `target`."""
    return Relation(type=kind, target=target, properties=dict(properties or {}))


def trusted_principals(trust_policy: Any) -> list[Relation]:
    """`trusts` relations for every principal an IAM role's trust policy allows to assume it.

    Targets are named by `scanner.policy.iam.principal_node`; a statement with a condition
    puts its condition keys on the edge (`condition_keys`).
    """
    return [
        rel("trusts", node, {"condition_keys": keys} if keys else None)
        for node, keys in trust_targets(trust_policy).items()
    ]


def kms_key_arn(key: str | None, *, partition: str, region: str, account: str) -> str | None:
    """A KMS key reference as a key ARN where it can be (bare key ids become ARNs).

    Aliases (`alias/aws/s3`, alias ARNs) are returned unchanged: resolving them would
    cost a call per alias and they are not key resources.
    """
    if not key:
        return None
    if key.startswith("arn:"):
        return key
    if _UUID.match(key):
        return f"arn:{partition}:kms:{region}:{account}:key/{key}"
    return key


def encrypted_by(key: str | None) -> list[Relation]:
    """An `encrypted_by` relation to `key` when it is a key ARN (aliases are not resources)."""
    if key and key.startswith("arn:") and ":key/" in key:
        return [rel("encrypted_by", key)]
    return []
