"""SNS topics: encryption and whether the topic policy admits anyone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.normalise import encrypted_by, tags_of
from scanner.model import Resource
from scanner.policy.iam import is_public_policy

__all__ = ["collect", "fetch", "to_resources"]


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw topic attributes and tags of the region."""
    sns = ctx.client("sns")
    topics = []
    for topic in ctx.paginate(sns, "list_topics", "Topics"):
        arn = topic["TopicArn"]
        attributes = ctx.attempt(sns.get_topic_attributes, TopicArn=arn)
        if attributes is None:
            continue
        item: dict[str, Any] = {"arn": arn, "attributes": attributes.get("Attributes") or {}}
        tags = ctx.attempt(sns.list_tags_for_resource, ResourceArn=arn)
        if tags is not None:
            item["tags"] = tags.get("Tags") or []
        topics.append(item)
    return {"topics": topics}


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.sns.topic per topic."""
    out = []
    for item in raw.get("topics") or []:
        arn = str(item["arn"])
        attrs = item.get("attributes") or {}
        key = scope.kms_key_arn(attrs.get("KmsMasterKeyId"))
        attributes = {
            "kms_key_id": key,
            "is_public_by_policy": is_public_policy(attrs.get("Policy")),
        }
        out.append(
            scope.resource(
                arn,
                "aws.sns.topic",
                arn.rsplit(":", 1)[-1],
                attributes,
                encrypted_by(key),
                tags=tags_of(item.get("tags")),
                raw={"arn": arn, "attributes": attrs},
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's topics."""
    return to_resources(fetch(ctx), ctx.scope)
