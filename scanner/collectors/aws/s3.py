"""S3 buckets with their access, encryption, versioning, logging and retention settings.

S3 is global: the bucket list is read once per account, then each bucket's settings are
read from a client in the bucket's own region. Buckets outside the regions being
collected are left out, so `--regions eu-west-1` stays within eu-west-1. S3 answers
"not configured" with errors (NoSuchBucketPolicy, ...): those are absent settings,
recorded as null or false, not collection errors.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from typing import Any

from scanner.collectors.aws.account import public_access_block
from scanner.collectors.aws.context import Scope, ServiceContext, missing_as
from scanner.collectors.aws.normalise import encrypted_by, iso, kms_key_arn, rel, tags_of
from scanner.model import Relation, Resource
from scanner.policy.iam import denies_insecure_transport, is_public_policy, parse_document

__all__ = ["bucket_region", "collect", "fetch", "fetch_settings", "list_buckets", "to_resources"]

logger = logging.getLogger(__name__)

_GROUPS = "http://acs.amazonaws.com/groups/"
_PUBLIC_GRANTEES = frozenset({"AllUsers", "AuthenticatedUsers"})


def bucket_region(location: str | None) -> str:
    """GetBucketLocation's LocationConstraint as a region name (null means us-east-1)."""
    if not location:
        return "us-east-1"
    if location == "EU":
        return "eu-west-1"
    return location


# (raw key, operation, response key, codes that mean "not configured", value then)
_SETTINGS: tuple[tuple[str, str, str | None, tuple[str, ...], Any], ...] = (
    ("policy", "get_bucket_policy", "Policy", ("NoSuchBucketPolicy",), None),
    ("acl", "get_bucket_acl", None, (), None),
    (
        "public_access_block",
        "get_public_access_block",
        "PublicAccessBlockConfiguration",
        ("NoSuchPublicAccessBlockConfiguration",),
        None,
    ),
    (
        "encryption",
        "get_bucket_encryption",
        "ServerSideEncryptionConfiguration",
        ("ServerSideEncryptionConfigurationNotFoundError",),
        None,
    ),
    ("versioning", "get_bucket_versioning", None, (), None),
    ("logging", "get_bucket_logging", "LoggingEnabled", (), None),
    (
        "lifecycle_rules",
        "get_bucket_lifecycle_configuration",
        "Rules",
        ("NoSuchLifecycleConfiguration",),
        [],
    ),
    (
        "object_lock",
        "get_object_lock_configuration",
        "ObjectLockConfiguration",
        ("ObjectLockConfigurationNotFoundError", "ObjectLockConfigurationNotFound"),
        None,
    ),
    (
        "ownership",
        "get_bucket_ownership_controls",
        "OwnershipControls",
        ("OwnershipControlsNotFoundError",),
        {},  # no ownership controls: S3 treats the bucket as ObjectWriter
    ),
    ("tags", "get_bucket_tagging", "TagSet", ("NoSuchTagSet", "NoSuchTagSetError"), []),
)
_ABSENT = object()
_CHUNK = 20


def _bucket_settings(ctx: ServiceContext, client: Any, name: str) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for key, operation, response_key, codes, absent_value in _SETTINGS:
        call: Callable[..., Any] = getattr(client, operation)
        response = ctx.attempt(missing_as, codes, _ABSENT, call, Bucket=name)
        if response is None:
            continue  # could not be read: the key stays missing (unknown)
        if response is _ABSENT:
            settings[key] = absent_value
        elif response_key is None:
            settings[key] = {k: v for k, v in response.items() if k != "ResponseMetadata"}
        else:
            settings[key] = response.get(response_key, absent_value)
    return settings


def list_buckets(ctx: ServiceContext) -> list[dict[str, Any]]:
    """The account's buckets in the collected regions: {Name, CreationDate, region}."""
    s3 = ctx.client("s3")
    buckets: list[dict[str, Any]] = []
    for bucket in ctx.paginate(s3, "list_buckets", "Buckets"):
        name = str(bucket["Name"])
        region = bucket.get("BucketRegion")  # newer ListBuckets answers name the region
        if not region:
            location = ctx.attempt(s3.get_bucket_location, Bucket=name)
            if location is None:
                continue
            region = bucket_region(location.get("LocationConstraint"))
        if ctx.regions and region not in ctx.regions:
            continue
        buckets.append({"Name": name, "CreationDate": bucket.get("CreationDate"), "region": region})
    return buckets


def fetch_settings(ctx: ServiceContext, buckets: list[dict[str, Any]]) -> dict[str, Any]:
    """Raw bucket payloads: each listed bucket with its settings (from its own region)."""
    out = []
    for bucket in buckets:
        name = str(bucket["Name"])
        out.append({**bucket, **_bucket_settings(ctx, ctx.client("s3", bucket["region"]), name)})
    return {"buckets": out}


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw bucket payloads of the account, for buckets in the collected regions."""
    return fetch_settings(ctx, list_buckets(ctx))


def _grants(acl: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for grant in acl.get("Grants") or []:
        grantee = grant.get("Grantee") or {}
        kind = grantee.get("Type")
        if kind == "Group":
            uri = str(grantee.get("URI", ""))
            who = uri[len(_GROUPS) :].split("/")[-1] if uri.startswith(_GROUPS) else uri
        elif kind == "CanonicalUser":
            who = f"CanonicalUser:{grantee.get('ID')}"
        else:
            who = str(grantee.get("EmailAddress") or grantee.get("ID") or grantee.get("URI"))
        out.append({"grantee": who, "permission": grant.get("Permission")})
    return out


def _encryption(
    config: Mapping[str, Any] | None, scope: Scope, region: str
) -> dict[str, Any] | None:
    if not config:
        return None
    for rule in config.get("Rules") or []:
        default = rule.get("ApplyServerSideEncryptionByDefault") or {}
        if default.get("SSEAlgorithm"):
            return {
                "algorithm": default["SSEAlgorithm"],
                "kms_key_id": kms_key_arn(
                    default.get("KMSMasterKeyID"),
                    partition=scope.partition,
                    region=region,
                    account=scope.account,
                ),
                "bucket_key_enabled": bool(rule.get("BucketKeyEnabled")),
            }
    return None


def _ownership(controls: Mapping[str, Any]) -> str:
    """Object Ownership from GetBucketOwnershipControls; none set means ObjectWriter."""
    for rule in controls.get("Rules") or ():
        if rule.get("ObjectOwnership"):
            return str(rule["ObjectOwnership"])
    return "ObjectWriter"


def _bucket(bucket: dict[str, Any], scope: Scope) -> Resource:
    name = str(bucket["Name"])
    region = str(bucket.get("region") or scope.region)
    arn = f"arn:{scope.partition}:s3:::{name}"
    policy = parse_document(bucket.get("policy")) if "policy" in bucket else None
    known_policy = "policy" in bucket
    acl = bucket.get("acl")
    grants = _grants(acl) if acl is not None else None
    encryption = (
        _encryption(bucket.get("encryption"), scope, region) if "encryption" in bucket else None
    )
    versioning = bucket.get("versioning")
    logging_enabled = bucket.get("logging")
    lock = bucket.get("object_lock")
    attributes = {
        "created_at": iso(bucket.get("CreationDate")),
        "public_access_block": public_access_block(bucket.get("public_access_block")),
        "acl_grants": grants,
        "policy": policy,
        "is_public_by_acl": None
        if grants is None
        else any(g["grantee"] in _PUBLIC_GRANTEES for g in grants),
        "is_public_by_policy": is_public_policy(policy) if known_policy else None,
        "secure_transport_enforced": denies_insecure_transport(policy) if known_policy else None,
        "encryption": encryption,
        "versioning": None if versioning is None else versioning.get("Status"),
        "mfa_delete": None if versioning is None else versioning.get("MFADelete") == "Enabled",
        "logging_target": (logging_enabled or {}).get("TargetBucket")
        if "logging" in bucket
        else None,
        "lifecycle_rule_count": len(bucket["lifecycle_rules"])
        if "lifecycle_rules" in bucket
        else None,
        "object_lock_enabled": None
        if "object_lock" not in bucket
        else bool(lock and lock.get("ObjectLockEnabled") == "Enabled"),
        "object_ownership": _ownership(bucket["ownership"]) if "ownership" in bucket else None,
    }
    relations: list[Relation] = []
    if encryption:
        relations += encrypted_by(encryption.get("kms_key_id"))
    if attributes["logging_target"]:
        relations.append(
            rel("logs_to", f"arn:{scope.partition}:s3:::{attributes['logging_target']}")
        )
    raw = {k: v for k, v in bucket.items() if k != "tags"}
    return scope.resource(
        arn,
        "aws.s3.bucket",
        name,
        attributes,
        relations,
        tags=tags_of(bucket.get("tags")),
        raw=raw,
        region=region,
    )


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.s3.bucket per bucket, in the bucket's own region."""
    return [_bucket(b, scope) for b in raw.get("buckets") or []]


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the account's buckets (a global service), `_CHUNK` buckets per pool task.

    Each bucket costs about ten calls, so an account with many buckets is read in
    pieces that the pool runs in parallel.
    """
    buckets = list_buckets(ctx)
    out: list[Resource] = []
    for start in range(0, len(buckets), _CHUNK):
        out += ctx.spawn(functools.partial(_collect_chunk, buckets[start : start + _CHUNK]))
    return out


def _collect_chunk(buckets: list[dict[str, Any]], ctx: ServiceContext) -> list[Resource]:
    return to_resources(fetch_settings(ctx, buckets), ctx.scope)
