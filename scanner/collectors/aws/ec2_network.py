"""Normalisers for EC2 networking: VPCs, flow logs, subnets, routes, gateways, ACLs, groups.

Used by the `ec2` service (`scanner.collectors.aws.ec2`), which fetches the payloads.
Pure functions over DescribeVpcs/DescribeSubnets/... responses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope
from scanner.collectors.aws.logs import log_group_arn
from scanner.collectors.aws.normalise import INTERNET, rel, tags_of
from scanner.collectors.usage import used_percent
from scanner.model import Relation, Resource
from scanner.policy.network import AWS_SUBNET_RESERVED, cidr_is_internet, usable_addresses

__all__ = [
    "internet_routed_subnets",
    "network_resources",
    "security_group_arn",
    "security_group_rules",
    "subnet_arn",
    "vpc_arn",
]


def vpc_arn(scope: Scope, vpc_id: str, owner: str | None = None) -> str:
    """The ARN of a VPC (DescribeVpcs gives none)."""
    return scope.arn("ec2", f"vpc/{vpc_id}", account=owner)


def subnet_arn(scope: Scope, subnet_id: str, owner: str | None = None) -> str:
    """The ARN of a subnet (as DescribeSubnets' SubnetArn spells it)."""
    return scope.arn("ec2", f"subnet/{subnet_id}", account=owner)


def security_group_arn(scope: Scope, group_id: str, owner: str | None = None) -> str:
    """The ARN of a security group."""
    return scope.arn("ec2", f"security-group/{group_id}", account=owner)


def _name(item: Mapping[str, Any], fallback: str) -> str:
    return tags_of(item.get("Tags")).get("Name") or fallback


def _is_internet_route(route: Mapping[str, Any]) -> bool:
    """A live route sending an internet-wide range (`cidr_is_internet`) to an internet gateway."""
    wide = cidr_is_internet(route.get("DestinationCidrBlock")) or cidr_is_internet(
        route.get("DestinationIpv6CidrBlock")
    )
    gateway = str(route.get("GatewayId") or "")
    return wide and gateway.startswith("igw-") and route.get("State") != "blackhole"


def internet_routed_subnets(
    route_tables: list[dict[str, Any]], subnets: list[dict[str, Any]]
) -> dict[str, bool]:
    """subnet id -> whether its route table sends the internet (0.0.0.0/0, ::/0, ...) to an IGW.

    A subnet uses the table explicitly associated with it, else its VPC's main table.
    """
    explicit: dict[str, bool] = {}
    main: dict[str, bool] = {}
    for table in route_tables:
        public = any(_is_internet_route(r) for r in table.get("Routes") or [])
        for assoc in table.get("Associations") or []:
            if assoc.get("SubnetId"):
                explicit[str(assoc["SubnetId"])] = public
            elif assoc.get("Main"):
                main[str(table.get("VpcId"))] = public
    return {
        str(s["SubnetId"]): explicit.get(s["SubnetId"], main.get(str(s.get("VpcId")), False))
        for s in subnets
    }


def _ports(permission: Mapping[str, Any]) -> tuple[str, int | None, int | None]:
    protocol = str(permission.get("IpProtocol", "-1")).lower()
    if protocol == "-1":
        return protocol, None, None
    return protocol, permission.get("FromPort"), permission.get("ToPort")


def security_group_rules(
    permissions: list[dict[str, Any]] | None,
) -> list[dict[str, Any]]:
    """IpPermissions flattened to one entry per (rule, source), in catalog spelling."""
    out: list[dict[str, Any]] = []
    for permission in permissions or []:
        protocol, from_port, to_port = _ports(permission)
        sources: list[tuple[str, str, Any]] = []
        for r in permission.get("IpRanges") or []:
            sources.append((str(r.get("CidrIp")), "cidr4", r.get("Description")))
        for r in permission.get("Ipv6Ranges") or []:
            sources.append((str(r.get("CidrIpv6")), "cidr6", r.get("Description")))
        for r in permission.get("UserIdGroupPairs") or []:
            sources.append((str(r.get("GroupId")), "group", r.get("Description")))
        for r in permission.get("PrefixListIds") or []:
            sources.append((str(r.get("PrefixListId")), "prefix_list", r.get("Description")))
        out += [
            {
                "protocol": protocol,
                "from_port": from_port,
                "to_port": to_port,
                "source": source,
                "source_type": source_type,
                "description": description or "",
            }
            for source, source_type, description in sources
        ]
    return out


def _group_owners(permissions: list[dict[str, Any]] | None) -> dict[str, str]:
    return {
        str(pair["GroupId"]): str(pair.get("UserId") or "")
        for p in permissions or []
        for pair in p.get("UserIdGroupPairs") or []
        if pair.get("GroupId")
    }


def _security_group(
    group: dict[str, Any], attachments: Mapping[str, int], scope: Scope
) -> Resource:
    gid = str(group["GroupId"])
    ingress = security_group_rules(group.get("IpPermissions"))
    egress = security_group_rules(group.get("IpPermissionsEgress"))
    owners = _group_owners(group.get("IpPermissions"))
    relations: list[Relation] = []
    if group.get("VpcId"):
        relations.append(rel("in_vpc", vpc_arn(scope, str(group["VpcId"]))))
    seen: set[tuple[str, str, Any, Any]] = set()
    for e in ingress:
        ports = {"protocol": e["protocol"], "from_port": e["from_port"], "to_port": e["to_port"]}
        if e["source_type"] == "group":
            target = security_group_arn(scope, e["source"], owners.get(e["source"]) or None)
        elif e["source_type"] in ("cidr4", "cidr6") and cidr_is_internet(e["source"]):
            target = INTERNET
        else:
            continue
        key = (target, e["protocol"], e["from_port"], e["to_port"])
        if key not in seen:
            seen.add(key)
            relations.append(rel("allows_from", target, ports))
    attributes = {
        "group_id": gid,
        "is_default": group.get("GroupName") == "default",
        "description": group.get("Description"),
        "ingress": ingress,
        "egress": egress,
        "attachment_count": attachments.get(gid),
    }
    return scope.resource(
        str(group.get("SecurityGroupArn") or security_group_arn(scope, gid)),
        "aws.ec2.security_group",
        str(group.get("GroupName") or gid),
        attributes,
        relations,
        tags=tags_of(group.get("Tags")),
        raw=group,
    )


def _acl_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    ports = entry.get("PortRange") or {}
    protocol = str(entry.get("Protocol", "-1"))
    return {
        "rule_number": entry.get("RuleNumber"),
        "egress": bool(entry.get("Egress")),
        "action": entry.get("RuleAction"),
        "protocol": protocol,
        "from_port": ports.get("From") if protocol != "-1" else None,
        "to_port": ports.get("To") if protocol != "-1" else None,
        "cidr": entry.get("CidrBlock") or entry.get("Ipv6CidrBlock"),
    }


_ROUTE_TARGETS = (
    "GatewayId",
    "NatGatewayId",
    "TransitGatewayId",
    "VpcPeeringConnectionId",
    "NetworkInterfaceId",
    "InstanceId",
    "EgressOnlyInternetGatewayId",
    "LocalGatewayId",
    "CarrierGatewayId",
)


def _route(route: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "destination": route.get("DestinationCidrBlock")
        or route.get("DestinationIpv6CidrBlock")
        or route.get("DestinationPrefixListId"),
        "target": next((route[k] for k in _ROUTE_TARGETS if route.get(k)), None),
        "state": route.get("State"),
    }


def _vpcs(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    flow_logged = {
        str(f.get("ResourceId"))
        for f in raw.get("flow_logs") or []
        if f.get("FlowLogStatus", "ACTIVE") == "ACTIVE"
    }
    has_flow_logs = "flow_logs" in raw
    out = []
    for vpc in raw.get("vpcs") or []:
        vid = str(vpc["VpcId"])
        attributes = {
            "cidr_block": vpc.get("CidrBlock"),
            "is_default": bool(vpc.get("IsDefault")),
            "flow_logs_enabled": (vid in flow_logged) if has_flow_logs else None,
        }
        out.append(
            scope.resource(
                vpc_arn(scope, vid, vpc.get("OwnerId")),
                "aws.ec2.vpc",
                _name(vpc, vid),
                attributes,
                tags=tags_of(vpc.get("Tags")),
                raw=vpc,
            )
        )
    return out


_FLOW_LOG_TARGETS = (  # id prefix -> (resource type, ARN resource kind); longest first
    ("tgw-attach-", "TransitGatewayAttachment", "transit-gateway-attachment"),
    ("tgw-", "TransitGateway", "transit-gateway"),
    ("vpc-", "VPC", "vpc"),
    ("subnet-", "Subnet", "subnet"),
    ("eni-", "NetworkInterface", "network-interface"),
)


def _flow_log_destination(flow_log: Mapping[str, Any], scope: Scope) -> str | None:
    """The ARN a flow log delivers to: an S3 bucket (prefix dropped), log group or stream."""
    destination = str(flow_log.get("LogDestination") or "")
    if destination.startswith("arn:") and ":s3:::" in destination:
        return destination.split("/", 1)[0]
    if destination:
        return destination.removesuffix(":*")
    group = flow_log.get("LogGroupName")
    return log_group_arn(scope, str(group)) if group else None


def _flow_logs(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    owners = {
        str(item.get(key)): item.get("OwnerId")
        for kind, key in (("vpcs", "VpcId"), ("subnets", "SubnetId"))
        for item in raw.get(kind) or []
    }
    out = []
    for flow_log in raw.get("flow_logs") or []:
        fid = str(flow_log["FlowLogId"])
        target = str(flow_log.get("ResourceId") or "")
        kind, arn_kind = next(
            ((k, a) for prefix, k, a in _FLOW_LOG_TARGETS if target.startswith(prefix)),
            (None, None),
        )
        destination = _flow_log_destination(flow_log, scope)
        attributes = {
            "flow_log_id": fid,
            "resource_id": target or None,
            "resource_type": kind,
            "traffic_type": flow_log.get("TrafficType"),
            "status": flow_log.get("FlowLogStatus"),
            "deliver_logs_status": flow_log.get("DeliverLogsStatus"),
            "destination_type": flow_log.get("LogDestinationType") or "cloud-watch-logs",
            "destination": destination,
            "log_format": flow_log.get("LogFormat"),
            "max_aggregation_interval": flow_log.get("MaxAggregationInterval"),
        }
        relations = []
        if arn_kind:
            covered = scope.arn("ec2", f"{arn_kind}/{target}", account=owners.get(target))
            relations.append(rel("attached_to", covered))
        if destination:
            relations.append(rel("logs_to", destination))
        out.append(
            scope.resource(
                scope.arn("ec2", f"vpc-flow-log/{fid}"),
                "aws.ec2.flow_log",
                _name(flow_log, fid),
                attributes,
                relations,
                tags=tags_of(flow_log.get("Tags")),
                raw=flow_log,
            )
        )
    return out


def _subnets(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    subnets = raw.get("subnets") or []
    tables = raw.get("route_tables")
    routed = internet_routed_subnets(tables, subnets) if tables is not None else {}
    out = []
    for subnet in subnets:
        sid = str(subnet["SubnetId"])
        available = subnet.get("AvailableIpAddressCount")
        total = usable_addresses(subnet.get("CidrBlock"), AWS_SUBNET_RESERVED)
        used = total - available if isinstance(available, int) and total else None
        attributes = {
            "cidr_block": subnet.get("CidrBlock"),
            "availability_zone": subnet.get("AvailabilityZone"),
            "map_public_ip_on_launch": subnet.get("MapPublicIpOnLaunch"),
            "has_internet_route": routed.get(sid) if tables is not None else None,
            "available_ip_count": available,
            "total_ip_count": total,
            "used_ip_percent": used_percent(used, total),
        }
        out.append(
            scope.resource(
                str(subnet.get("SubnetArn") or subnet_arn(scope, sid)),
                "aws.ec2.subnet",
                _name(subnet, sid),
                attributes,
                [rel("in_vpc", vpc_arn(scope, str(subnet["VpcId"]), subnet.get("OwnerId")))],
                tags=tags_of(subnet.get("Tags")),
                raw=subnet,
            )
        )
    return out


def _route_tables(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    out = []
    for table in raw.get("route_tables") or []:
        tid = str(table["RouteTableId"])
        associations = table.get("Associations") or []
        routes = table.get("Routes") or []
        attributes = {
            "is_main": any(a.get("Main") for a in associations),
            "subnet_ids": sorted(str(a["SubnetId"]) for a in associations if a.get("SubnetId")),
            "routes": [_route(r) for r in routes],
            "has_internet_route": any(_is_internet_route(r) for r in routes),
        }
        out.append(
            _vpc_member(scope, table, f"route-table/{tid}", "aws.ec2.route_table", attributes)
        )
    return out


def _vpc_member(
    scope: Scope, item: Mapping[str, Any], path: str, rtype: str, attributes: dict[str, Any]
) -> Resource:
    """A resource that lives in one VPC (route table, network ACL), named by its tags or id."""
    return scope.resource(
        scope.arn("ec2", path, account=item.get("OwnerId")),
        rtype,
        _name(item, path.rsplit("/", 1)[-1]),
        attributes,
        [rel("in_vpc", vpc_arn(scope, str(item["VpcId"])))],
        tags=tags_of(item.get("Tags")),
        raw=item,
    )


def _gateways(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    out = []
    for igw in raw.get("internet_gateways") or []:
        gid = str(igw["InternetGatewayId"])
        vpc_ids = [str(a["VpcId"]) for a in igw.get("Attachments") or [] if a.get("VpcId")]
        out.append(
            scope.resource(
                scope.arn("ec2", f"internet-gateway/{gid}", account=igw.get("OwnerId")),
                "aws.ec2.internet_gateway",
                _name(igw, gid),
                {"attached_vpc_ids": vpc_ids},
                [rel("in_vpc", vpc_arn(scope, v)) for v in vpc_ids],
                tags=tags_of(igw.get("Tags")),
                raw=igw,
            )
        )
    nat_bytes: Mapping[str, Any] = raw.get("nat_bytes_out_30d") or {}
    for nat in raw.get("nat_gateways") or []:
        nid = str(nat["NatGatewayId"])
        relations = []
        if nat.get("SubnetId"):
            relations.append(rel("in_subnet", subnet_arn(scope, str(nat["SubnetId"]))))
        if nat.get("VpcId"):
            relations.append(rel("in_vpc", vpc_arn(scope, str(nat["VpcId"]))))
        attributes = {"state": nat.get("State"), "bytes_out_30d": nat_bytes.get(nid)}
        out.append(
            scope.resource(
                scope.arn("ec2", f"natgateway/{nid}"),
                "aws.ec2.nat_gateway",
                _name(nat, nid),
                attributes,
                relations,
                tags=tags_of(nat.get("Tags")),
                raw=nat,
            )
        )
    return out


def _network_acls(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    out = []
    for acl in raw.get("network_acls") or []:
        aid = str(acl["NetworkAclId"])
        attributes = {
            "is_default": bool(acl.get("IsDefault")),
            "entries": [_acl_entry(e) for e in acl.get("Entries") or []],
        }
        out.append(_vpc_member(scope, acl, f"network-acl/{aid}", "aws.ec2.network_acl", attributes))
    return out


def _security_groups(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    attachments: Counter[str] = Counter()
    has_interfaces = "network_interfaces" in raw
    for eni in raw.get("network_interfaces") or []:
        for group in eni.get("Groups") or []:
            attachments[str(group.get("GroupId"))] += 1
    counts: Mapping[str, int] = (
        {g["GroupId"]: attachments.get(g["GroupId"], 0) for g in raw.get("security_groups") or []}
        if has_interfaces
        else {}
    )
    return [_security_group(group, counts, scope) for group in raw.get("security_groups") or []]


def network_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """VPCs, flow logs, subnets, route tables, gateways, network ACLs, security groups.

    A payload list that is missing (its call failed) yields no resources; a missing
    route-table list leaves subnets' `has_internet_route` null (unknown).
    """
    return [
        *_vpcs(raw, scope),
        *_flow_logs(raw, scope),
        *_subnets(raw, scope),
        *_route_tables(raw, scope),
        *_gateways(raw, scope),
        *_network_acls(raw, scope),
        *_security_groups(raw, scope),
    ]
