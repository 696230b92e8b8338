"""Pure helpers shared by the AWS service normalisers: times, tags, ids, policy documents.

Nothing here calls an API; everything is unit-tested on hand-shaped payloads.
"""

from __future__ import annotations

import ipaddress
import json
import re
import urllib.parse
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from scanner.masking import mask_secrets
from scanner.model import Relation

__all__ = [
    "INTERNET",
    "as_list",
    "cidr_is_internet",
    "denies_insecure_transport",
    "encrypted_by",
    "is_public_policy",
    "iso",
    "jsonable",
    "kms_key_arn",
    "parse_policy",
    "policy_statements",
    "rel",
    "tags_of",
    "trusted_principals",
]

INTERNET = "internet"

# Condition keys that tie an `Allow *` statement to specific callers or networks: a
# statement limited by one of them does not open the resource to the whole internet.
_LIMITING_CONDITION_KEYS = frozenset(
    k.lower()
    for k in (
        "aws:SourceArn",
        "aws:SourceAccount",
        "aws:SourceOwner",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceIp",
        "aws:VpcSourceIp",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalServiceName",
        "aws:userid",
        "aws:username",
        "kms:CallerAccount",
        "s3:DataAccessPointAccount",
        "s3:DataAccessPointArn",
        "lambda:EventSourceToken",
    )
)
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ROOT_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):root$")
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


def as_list(value: Any) -> list[Any]:
    """IAM policy elements hold one value or a list of values; always a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def parse_policy(document: Any) -> dict[str, Any] | None:
    """A policy document from a dict, JSON text or URL-encoded JSON text (IAM), or None."""
    if document is None or document == "":
        return None
    if isinstance(document, Mapping):
        return dict(document)
    if isinstance(document, str):
        text = document.strip()
        if text.startswith("%7B") or text.startswith("%7b"):
            text = urllib.parse.unquote(text)
        try:
            parsed = json.loads(text)
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return None


def policy_statements(document: Any) -> list[Mapping[str, Any]]:
    """The statements of a policy document (any spelling parse_policy accepts)."""
    parsed = parse_policy(document)
    if parsed is None:
        return []
    return [s for s in as_list(parsed.get("Statement")) if isinstance(s, Mapping)]


def _condition_keys(statement: Mapping[str, Any]) -> set[str]:
    condition = statement.get("Condition")
    keys: set[str] = set()
    if isinstance(condition, Mapping):
        for operands in condition.values():
            if isinstance(operands, Mapping):
                keys.update(str(k).lower() for k in operands)
    return keys


def _is_wildcard_principal(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return any(v == "*" for v in as_list(principal.get("AWS")))
    return False


def is_public_policy(document: Any) -> bool:
    """True when some `Allow` statement admits any principal without a limiting condition.

    Any principal means `Principal: "*"`, `{"AWS": "*"}` or an `Allow` with `NotPrincipal`.
    A condition on the caller's account, organisation, source ARN, VPC, VPC endpoint or
    IP address limits the statement (see `_LIMITING_CONDITION_KEYS`).
    """
    for statement in policy_statements(document):
        if statement.get("Effect") != "Allow":
            continue
        if not (_is_wildcard_principal(statement.get("Principal")) or "NotPrincipal" in statement):
            continue
        if _condition_keys(statement) & _LIMITING_CONDITION_KEYS:
            continue
        return True
    return False


def denies_insecure_transport(document: Any) -> bool:
    """True when a `Deny` statement applies to requests where `aws:SecureTransport` is false."""
    for statement in policy_statements(document):
        if statement.get("Effect") != "Deny":
            continue
        condition = statement.get("Condition")
        if not isinstance(condition, Mapping):
            continue
        for operator, operands in condition.items():
            if not str(operator).startswith("Bool") or not isinstance(operands, Mapping):
                continue
            for key, value in operands.items():
                if str(key).lower() == "aws:securetransport" and any(
                    str(v).lower() == "false" for v in as_list(value)
                ):
                    return True
    return False


def _principal_node(kind: str, value: str) -> str:
    if kind == "AWS":
        if value == "*":
            return "principal:aws:*"
        if _ACCOUNT_ID.match(value):
            return f"principal:aws:account:{value}"
        root = _ROOT_ARN.match(value)
        if root:
            return f"principal:aws:account:{root.group(1)}"
        if value.startswith("arn:"):
            return value
        return f"principal:aws:id:{value}"  # a unique id: the principal was deleted
    if kind == "Service":
        return f"principal:aws:service:{value}"
    if kind == "Federated":
        return value if value.startswith("arn:") else f"principal:aws:federated:{value}"
    return f"principal:aws:{kind.lower()}:{value}"


def _assumes_role(statement: Mapping[str, Any]) -> bool:
    actions = [str(a).lower() for a in as_list(statement.get("Action"))]
    if not actions:
        return "NotAction" in statement
    return any(a in ("*", "sts:*") or a.startswith("sts:assumerole") for a in actions)


def trusted_principals(trust_policy: Any) -> list[Relation]:
    """`trusts` relations for every principal an IAM role's trust policy allows to assume it.

    Targets: another resource's ARN, `principal:aws:account:<id>`,
    `principal:aws:service:<service>`, `principal:aws:*`, or `principal:aws:federated:<idp>`.
    A statement with a condition puts its condition keys on the edge (`condition_keys`).
    """
    out: dict[str, Relation] = {}
    for statement in policy_statements(trust_policy):
        if statement.get("Effect") != "Allow" or not _assumes_role(statement):
            continue
        principal = statement.get("Principal")
        pairs: list[tuple[str, str]] = []
        if principal == "*":
            pairs.append(("AWS", "*"))
        elif isinstance(principal, Mapping):
            for kind, values in principal.items():
                pairs.extend((str(kind), str(v)) for v in as_list(values))
        keys = sorted(_condition_keys(statement))
        for kind, value in pairs:
            node = _principal_node(kind, value)
            if node not in out:
                out[node] = rel("trusts", node, {"condition_keys": keys} if keys else None)
    return list(out.values())


@lru_cache(maxsize=4096)
def cidr_is_internet(cidr: str) -> bool:
    """True for a range that means "the internet": IPv4 /0 to /7, IPv6 /0 to /15."""
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    limit = 7 if network.version == 4 else 15
    return network.prefixlen <= limit


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
