"""EC2 Auto Scaling groups: zones, capacity, health checks, subnets, instance type.

The instance type comes from the group's launch template version (one
DescribeLaunchTemplateVersions per template and version in use) or launch configuration
(DescribeLaunchConfigurations, 50 names a call); a mixed instances policy has none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.ec2 import instance_arn, instance_vcpus
from scanner.collectors.aws.ec2_network import subnet_arn
from scanner.collectors.aws.normalise import rel, tags_of
from scanner.model import Relation, Resource

__all__ = ["collect", "fetch", "to_resources"]


_NAMES_PER_CALL = 50  # DescribeLaunchConfigurations takes at most 50 names


def _template_key(template: Mapping[str, Any]) -> tuple[str, str]:
    name = template.get("LaunchTemplateId") or template.get("LaunchTemplateName")
    return str(name), str(template.get("Version") or "$Default")


def _template_types(ctx: ServiceContext, groups: list[dict[str, Any]]) -> dict[str, str | None]:
    """'<template>:<version>' -> instance type of each launch template version in use."""
    ec2 = ctx.client("ec2")
    out: dict[str, str | None] = {}
    for group in groups:
        template = group.get("LaunchTemplate")
        if not template:
            continue
        name, version = _template_key(template)
        if f"{name}:{version}" in out:
            continue
        key = "LaunchTemplateId" if name.startswith("lt-") else "LaunchTemplateName"
        described = ctx.attempt(
            ec2.describe_launch_template_versions, **{key: name}, Versions=[version]
        )
        versions = (described or {}).get("LaunchTemplateVersions") or []
        data = (versions[0].get("LaunchTemplateData") or {}) if versions else {}
        out[f"{name}:{version}"] = data.get("InstanceType")
    return out


def _configuration_types(
    ctx: ServiceContext, groups: list[dict[str, Any]]
) -> dict[str, str | None]:
    """launch configuration name -> its instance type."""
    client = ctx.client("autoscaling")
    names = sorted(
        {str(g["LaunchConfigurationName"]) for g in groups if g.get("LaunchConfigurationName")}
    )
    out: dict[str, str | None] = {}
    for offset in range(0, len(names), _NAMES_PER_CALL):
        found = ctx.attempt(
            ctx.paginate,
            client,
            "describe_launch_configurations",
            "LaunchConfigurations",
            LaunchConfigurationNames=names[offset : offset + _NAMES_PER_CALL],
        )
        for config in found or []:
            out[str(config["LaunchConfigurationName"])] = config.get("InstanceType")
    return out


def _instance_type(group: Mapping[str, Any], raw: Mapping[str, Any]) -> str | None:
    if group.get("MixedInstancesPolicy"):
        return None
    if group.get("LaunchTemplate"):
        name, version = _template_key(group["LaunchTemplate"])
        return (raw.get("template_types") or {}).get(f"{name}:{version}")
    configuration = group.get("LaunchConfigurationName")
    return (raw.get("configuration_types") or {}).get(str(configuration))


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw Auto Scaling groups of the region, with the instance types they launch."""
    client = ctx.client("autoscaling")
    groups = ctx.paginate(client, "describe_auto_scaling_groups", "AutoScalingGroups")
    raw: dict[str, Any] = {
        "groups": groups,
        "template_types": _template_types(ctx, groups),
        "configuration_types": _configuration_types(ctx, groups),
    }
    raw["vcpus"] = instance_vcpus(ctx, (_instance_type(g, raw) for g in groups))
    return raw


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.autoscaling.group per group."""
    out = []
    for group in raw.get("groups") or []:
        name = str(group["AutoScalingGroupName"])
        instance_type = _instance_type(group, raw)
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
            "instance_type": instance_type,
            "vcpus_per_instance": (raw.get("vcpus") or {}).get(str(instance_type)),
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
