"""SQS queues: encryption (SSE-KMS or SSE-SQS) and whether the policy admits anyone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.normalise import encrypted_by, tags_of
from scanner.model import Resource
from scanner.policy.iam import is_public_policy

__all__ = ["collect", "fetch", "to_resources"]


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw queue attributes and tags of the region."""
    sqs = ctx.client("sqs")
    queues = []
    for url in ctx.paginate(sqs, "list_queues", "QueueUrls"):
        attributes = ctx.attempt(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["All"])
        if attributes is None:
            continue
        item: dict[str, Any] = {"url": url, "attributes": attributes.get("Attributes") or {}}
        tags = ctx.attempt(sqs.list_queue_tags, QueueUrl=url)
        if tags is not None:
            item["tags"] = tags.get("Tags") or {}
        queues.append(item)
    return {"queues": queues}


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.sqs.queue per queue."""
    out = []
    for item in raw.get("queues") or []:
        attrs = item.get("attributes") or {}
        url = str(item["url"])
        name = url.rstrip("/").rsplit("/", 1)[-1]
        key = scope.kms_key_arn(attrs.get("KmsMasterKeyId"))
        attributes = {
            "kms_key_id": key,
            "sqs_managed_sse": str(attrs.get("SqsManagedSseEnabled", "false")).lower() == "true",
            "is_public_by_policy": is_public_policy(attrs.get("Policy")),
        }
        out.append(
            scope.resource(
                str(attrs.get("QueueArn") or scope.arn("sqs", name)),
                "aws.sqs.queue",
                name,
                attributes,
                encrypted_by(key),
                tags=tags_of(item.get("tags")),
                raw={"url": url, "attributes": attrs},
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's queues."""
    return to_resources(fetch(ctx), ctx.scope)
