"""Classic Load Balancers: scheme, listeners, access logs, registered instances."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.ec2 import instance_arn
from scanner.collectors.aws.ec2_network import security_group_arn, subnet_arn, vpc_arn
from scanner.collectors.aws.normalise import rel, tags_of
from scanner.model import Relation, Resource

__all__ = ["collect", "fetch", "to_resources"]

_TAG_BATCH = 20


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw classic load balancers of the region with attributes and tags."""
    elb = ctx.client("elb")
    balancers = ctx.paginate(elb, "describe_load_balancers", "LoadBalancerDescriptions")
    attributes: dict[str, Any] = {}
    for balancer in balancers:
        name = balancer["LoadBalancerName"]
        result = ctx.attempt(elb.describe_load_balancer_attributes, LoadBalancerName=name)
        if result is not None:
            attributes[name] = result.get("LoadBalancerAttributes") or {}
    names = [str(b["LoadBalancerName"]) for b in balancers]
    tags: dict[str, Any] = {}
    for start in range(0, len(names), _TAG_BATCH):
        result = ctx.attempt(elb.describe_tags, LoadBalancerNames=names[start : start + _TAG_BATCH])
        for entry in (result or {}).get("TagDescriptions") or []:
            tags[str(entry["LoadBalancerName"])] = entry.get("Tags") or []
    return {"load_balancers": balancers, "attributes": attributes, "tags": tags}


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.elb.load_balancer per classic load balancer."""
    attributes_of: Mapping[str, Any] = raw.get("attributes") or {}
    tags: Mapping[str, Any] = raw.get("tags") or {}
    out = []
    for balancer in raw.get("load_balancers") or []:
        name = str(balancer["LoadBalancerName"])
        known = attributes_of.get(name)
        listeners = [
            {
                "port": d.get("Listener", {}).get("LoadBalancerPort"),
                "protocol": d.get("Listener", {}).get("Protocol"),
                "instance_port": d.get("Listener", {}).get("InstancePort"),
                "instance_protocol": d.get("Listener", {}).get("InstanceProtocol"),
                "ssl_policy": next(iter(d.get("PolicyNames") or []), None),
            }
            for d in balancer.get("ListenerDescriptions") or []
        ]
        instances = [str(i["InstanceId"]) for i in balancer.get("Instances") or []]
        relations: list[Relation] = [
            rel("protected_by", security_group_arn(scope, str(g)))
            for g in balancer.get("SecurityGroups") or []
        ]
        if balancer.get("VPCId"):
            relations.append(rel("in_vpc", vpc_arn(scope, str(balancer["VPCId"]))))
        relations += [
            rel("in_subnet", subnet_arn(scope, str(s))) for s in balancer.get("Subnets") or []
        ]
        relations += [rel("routes_to", instance_arn(scope, i)) for i in instances]
        attributes = {
            "scheme": balancer.get("Scheme"),
            "dns_name": balancer.get("DNSName"),
            "listeners": listeners,
            "access_logs_enabled": None
            if known is None
            else bool((known.get("AccessLog") or {}).get("Enabled")),
            "cross_zone_load_balancing": None
            if known is None
            else bool((known.get("CrossZoneLoadBalancing") or {}).get("Enabled")),
            "connection_draining": None
            if known is None
            else bool((known.get("ConnectionDraining") or {}).get("Enabled")),
            "instance_count": len(instances),
        }
        out.append(
            scope.resource(
                scope.arn("elasticloadbalancing", f"loadbalancer/{name}"),
                "aws.elb.load_balancer",
                name,
                attributes,
                relations,
                tags=tags_of(tags.get(name)),
                raw=balancer,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's classic load balancers."""
    return to_resources(fetch(ctx), ctx.scope)
