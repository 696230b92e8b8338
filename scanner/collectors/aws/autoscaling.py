"""EC2 Auto Scaling groups: zones, capacity, health checks, subnets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.ec2 import instance_arn
from scanner.collectors.aws.ec2_network import subnet_arn
from scanner.collectors.aws.normalise import rel, tags_of
from scanner.model import Relation, Resource

__all__ = ["collect", "fetch", "to_resources"]


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw Auto Scaling groups of the region."""
    client = ctx.client("autoscaling")
    return {"groups": ctx.paginate(client, "describe_auto_scaling_groups", "AutoScalingGroups")}


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.autoscaling.group per group."""
    out = []
    for group in raw.get("groups") or []:
        name = str(group["AutoScalingGroupName"])
        subnets = [s for s in str(group.get("VPCZoneIdentifier") or "").split(",") if s]
        relations: list[Relation] = [rel("in_subnet", subnet_arn(scope, s)) for s in subnets]
        relations += [
            rel("routes_to", instance_arn(scope, str(i["InstanceId"])))
            for i in group.get("Instances") or []
            if i.get("InstanceId")
        ]
        attributes = {
            "availability_zones": sorted(group.get("AvailabilityZones") or []),
            "min_size": group.get("MinSize"),
            "max_size": group.get("MaxSize"),
            "desired_capacity": group.get("DesiredCapacity"),
            "health_check_type": group.get("HealthCheckType"),
            "instance_count": len(group.get("Instances") or []),
        }
        out.append(
            scope.resource(
                str(
                    group.get("AutoScalingGroupARN")
                    or scope.arn("autoscaling", f"autoScalingGroup:*:autoScalingGroupName/{name}")
                ),
                "aws.autoscaling.group",
                name,
                attributes,
                relations,
                tags=tags_of(group.get("Tags")),
                raw=group,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's Auto Scaling groups."""
    return to_resources(fetch(ctx), ctx.scope)
