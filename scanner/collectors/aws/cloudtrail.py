"""CloudTrail trails with their logging status and event selectors.

Each trail is collected in its home region only (`includeShadowTrails=False`), so a
multi-region trail appears once. Event selectors, basic or advanced, are reduced to two
facts rules read: whether management events are recorded for reads and writes, and
whether S3 object-level (data) events are recorded for all buckets, for reads and writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.normalise import encrypted_by, kms_key_arn, rel, tags_of
from scanner.model import Relation, Resource

__all__ = ["collect", "fetch", "selector_coverage", "to_resources"]

_S3_OBJECT = "AWS::S3::Object"


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw trails of the region with status, selectors and tags."""
    cloudtrail = ctx.client("cloudtrail")
    trails = cloudtrail.describe_trails(includeShadowTrails=False).get("trailList") or []
    out = []
    for trail in trails:
        arn = trail.get("TrailARN") or trail.get("Name")
        item: dict[str, Any] = {"trail": trail}
        status = ctx.attempt(cloudtrail.get_trail_status, Name=arn)
        if status is not None:
            item["status"] = {k: v for k, v in status.items() if k != "ResponseMetadata"}
        selectors = ctx.attempt(cloudtrail.get_event_selectors, TrailName=arn)
        if selectors is not None:
            item["selectors"] = {k: v for k, v in selectors.items() if k != "ResponseMetadata"}
        tags = ctx.attempt(cloudtrail.list_tags, ResourceIdList=[arn])
        if tags is not None:
            item["tags"] = [
                t
                for entry in tags.get("ResourceTagList") or []
                for t in entry.get("TagsList") or []
            ]
        out.append(item)
    return {"trails": out}


def _all_buckets(values: list[str]) -> bool:
    # "arn:aws:s3" (every bucket, current and future) or "arn:aws:s3:::" as AWS documents.
    return any(
        v.rstrip(":") in ("arn:aws:s3", "arn:aws-cn:s3", "arn:aws-us-gov:s3") for v in values
    )


def _field(selector: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    for field in selector.get("FieldSelectors") or []:
        if isinstance(field, Mapping) and field.get("Field") == name:
            return field
    return None


def _read_write(read_only: Mapping[str, Any] | None) -> set[str]:
    if read_only is None:
        return {"read", "write"}
    values = [str(v).lower() for v in read_only.get("Equals") or []]
    kinds = set()
    if "true" in values:
        kinds.add("read")
    if "false" in values:
        kinds.add("write")
    return kinds or {"read", "write"}


def selector_coverage(selectors: Mapping[str, Any]) -> tuple[bool, dict[str, bool]]:
    """(management events read and write recorded, {read, write} S3 data events for all buckets)."""
    management: set[str] = set()
    data: set[str] = set()
    rw_kinds = {"All": {"read", "write"}, "ReadOnly": {"read"}, "WriteOnly": {"write"}}
    for selector in selectors.get("EventSelectors") or []:
        kinds = rw_kinds.get(str(selector.get("ReadWriteType", "All")), set())
        if selector.get("IncludeManagementEvents", True):
            management |= kinds
        for resource in selector.get("DataResources") or []:
            if resource.get("Type") == _S3_OBJECT and _all_buckets(resource.get("Values") or []):
                data |= kinds
    for selector in selectors.get("AdvancedEventSelectors") or []:
        category = _field(selector, "eventCategory")
        categories = set((category or {}).get("Equals") or [])
        kinds = _read_write(_field(selector, "readOnly"))
        if "Management" in categories:
            management |= kinds
        resource_type = _field(selector, "resources.type")
        arn_filter = _field(selector, "resources.ARN")
        if (
            "Data" in categories
            and _S3_OBJECT in ((resource_type or {}).get("Equals") or [])
            and (arn_filter is None or _all_buckets(arn_filter.get("StartsWith") or []))
        ):
            data |= kinds
    return management >= {"read", "write"}, {"read": "read" in data, "write": "write" in data}


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.cloudtrail.trail per trail."""
    out = []
    for item in raw.get("trails") or []:
        trail = item["trail"]
        arn = str(trail.get("TrailARN") or scope.arn("cloudtrail", f"trail/{trail['Name']}"))
        home = str(trail.get("HomeRegion") or scope.region)
        key = kms_key_arn(
            trail.get("KmsKeyId"), partition=scope.partition, region=home, account=scope.account
        )
        selectors = item.get("selectors")
        management, data = selector_coverage(selectors) if selectors is not None else (None, None)
        status = item.get("status")
        log_group = trail.get("CloudWatchLogsLogGroupArn")
        attributes = {
            "is_multi_region": bool(trail.get("IsMultiRegionTrail")),
            "is_logging": None if status is None else bool(status.get("IsLogging")),
            "include_management_events": management,
            "log_file_validation": bool(trail.get("LogFileValidationEnabled")),
            "kms_key_id": key,
            "s3_bucket": trail.get("S3BucketName"),
            "cloudwatch_logs_group_arn": log_group,
            "s3_data_events": data,
            "is_organization_trail": bool(trail.get("IsOrganizationTrail")),
        }
        relations: list[Relation] = []
        if trail.get("S3BucketName"):
            relations.append(rel("logs_to", f"arn:{scope.partition}:s3:::{trail['S3BucketName']}"))
        if log_group:
            relations.append(rel("logs_to", str(log_group).removesuffix(":*")))
        relations += encrypted_by(key)
        out.append(
            scope.resource(
                arn,
                "aws.cloudtrail.trail",
                str(trail.get("Name") or arn),
                attributes,
                relations,
                tags=tags_of(item.get("tags")),
                raw=item,
                region=home,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the trails whose home is this region."""
    return to_resources(fetch(ctx), ctx.scope)
