"""Application, Network and Gateway Load Balancers with listeners, targets and WAF.

Targets are read from every target group of a load balancer; each registered target
becomes a `routes_to` relation (instances by ARN, Lambda functions and IPs as given).
The web ACL protecting an ALB is read with wafv2:GetWebACLForResource.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext, missing_as
from scanner.collectors.aws.ec2 import instance_arn
from scanner.collectors.aws.ec2_network import security_group_arn, vpc_arn
from scanner.collectors.aws.normalise import rel, tags_of
from scanner.model import Relation, Resource

__all__ = ["collect", "fetch", "listener_summary", "to_resources"]

_TAG_BATCH = 20  # DescribeTags takes at most 20 ARNs


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw load balancers of the region with listeners, attributes, targets, tags, WAF."""
    elb = ctx.client("elbv2")
    balancers = ctx.paginate(elb, "describe_load_balancers", "LoadBalancers")
    arns = [str(b["LoadBalancerArn"]) for b in balancers]
    listeners: dict[str, list[dict[str, Any]] | None] = {}
    attributes: dict[str, list[dict[str, Any]] | None] = {}
    web_acls: dict[str, str | None] = {}
    waf = ctx.client("wafv2")
    for balancer in balancers:
        arn = str(balancer["LoadBalancerArn"])
        listeners[arn] = ctx.attempt(
            ctx.paginate, elb, "describe_listeners", "Listeners", LoadBalancerArn=arn
        )
        result = ctx.attempt(elb.describe_load_balancer_attributes, LoadBalancerArn=arn)
        attributes[arn] = None if result is None else result.get("Attributes") or []
        if balancer.get("Type") == "application":
            acl = ctx.attempt(
                missing_as,
                ("WAFNonexistentItemException",),
                {},
                waf.get_web_acl_for_resource,
                ResourceArn=arn,
            )
            if acl is not None:
                web_acls[arn] = (acl.get("WebACL") or {}).get("ARN")
    groups = ctx.attempt(ctx.paginate, elb, "describe_target_groups", "TargetGroups")
    health: dict[str, list[dict[str, Any]] | None] = {}
    for group in groups or []:
        arn = str(group["TargetGroupArn"])
        result = ctx.attempt(elb.describe_target_health, TargetGroupArn=arn)
        health[arn] = None if result is None else result.get("TargetHealthDescriptions") or []
    tags: dict[str, list[dict[str, Any]]] = {}
    for start in range(0, len(arns), _TAG_BATCH):
        result = ctx.attempt(elb.describe_tags, ResourceArns=arns[start : start + _TAG_BATCH])
        for entry in (result or {}).get("TagDescriptions") or []:
            tags[str(entry["ResourceArn"])] = entry.get("Tags") or []
    return {
        "load_balancers": balancers,
        "listeners": listeners,
        "attributes": attributes,
        "target_groups": groups,
        "target_health": health,
        "tags": tags,
        "web_acls": web_acls,
    }


def listener_summary(listener: Mapping[str, Any]) -> dict[str, Any]:
    """A listener as {port, protocol, ssl_policy, redirects_to_https}."""
    redirects = any(
        action.get("Type") == "redirect"
        and str((action.get("RedirectConfig") or {}).get("Protocol", "")).upper() == "HTTPS"
        for action in listener.get("DefaultActions") or []
    )
    protocol = listener.get("Protocol")
    return {
        "port": listener.get("Port"),
        "protocol": protocol,
        # only TLS listeners negotiate a policy (some emulators report one for HTTP too)
        "ssl_policy": listener.get("SslPolicy") if protocol in ("HTTPS", "TLS") else None,
        "redirects_to_https": redirects,
    }


def _target(target: Mapping[str, Any], target_type: str | None, scope: Scope) -> str:
    target_id = str(target.get("Id"))
    if target_id.startswith("arn:"):
        return target_id
    if target_type == "instance" or target_id.startswith("i-"):
        return instance_arn(scope, target_id)
    return target_id


def _attribute(items: list[dict[str, Any]] | None, key: str) -> bool | None:
    if items is None:
        return None
    for item in items:
        if item.get("Key") == key:
            return str(item.get("Value")).lower() == "true"
    return None


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.elbv2.load_balancer per load balancer, routing to its targets."""
    targets: dict[str, list[str]] = {}
    unknown_targets: set[str] = set()
    health: Mapping[str, Any] = raw.get("target_health") or {}
    groups = raw.get("target_groups")
    for group in groups or []:
        described = health.get(group["TargetGroupArn"])
        for lb_arn in group.get("LoadBalancerArns") or []:
            if described is None:
                unknown_targets.add(lb_arn)
                continue
            targets.setdefault(lb_arn, []).extend(
                _target(d.get("Target") or {}, group.get("TargetType"), scope) for d in described
            )
    listeners: Mapping[str, Any] = raw.get("listeners") or {}
    attributes_of: Mapping[str, Any] = raw.get("attributes") or {}
    web_acls: Mapping[str, Any] = raw.get("web_acls") or {}
    tags: Mapping[str, Any] = raw.get("tags") or {}
    out = []
    for balancer in raw.get("load_balancers") or []:
        arn = str(balancer["LoadBalancerArn"])
        lb_type = balancer.get("Type")
        items = attributes_of.get(arn)
        listed = listeners.get(arn)
        routed = list(dict.fromkeys(targets.get(arn, [])))
        attributes = {
            "lb_type": lb_type,
            "scheme": balancer.get("Scheme"),
            "dns_name": balancer.get("DNSName"),
            "listeners": None if listed is None else [listener_summary(x) for x in listed],
            "waf_web_acl_arn": web_acls.get(arn),
            "deletion_protection": _attribute(items, "deletion_protection.enabled"),
            "access_logs_enabled": _attribute(items, "access_logs.s3.enabled"),
            "drop_invalid_header_fields": _attribute(
                items, "routing.http.drop_invalid_header_fields.enabled"
            ),
            "target_count": None if groups is None or arn in unknown_targets else len(routed),
        }
        relations: list[Relation] = [
            rel("protected_by", security_group_arn(scope, str(g)))
            for g in balancer.get("SecurityGroups") or []
        ]
        if balancer.get("VpcId"):
            relations.append(rel("in_vpc", vpc_arn(scope, str(balancer["VpcId"]))))
        relations += [rel("routes_to", t) for t in routed]
        out.append(
            scope.resource(
                arn,
                "aws.elbv2.load_balancer",
                str(balancer.get("LoadBalancerName") or arn),
                attributes,
                relations,
                tags=tags_of(tags.get(arn)),
                raw=balancer,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's load balancers."""
    return to_resources(fetch(ctx), ctx.scope)
