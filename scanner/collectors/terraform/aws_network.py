"""AWS network mappers: security groups and their rules, VPCs, subnets, addresses, load balancers.

A subnet's `has_internet_route` comes from the plan's route tables (`finish_subnet`): the
tables associated with it (`aws_route_table_association`) and their routes, inline or
separate (`aws_route`), judged like the live collector's (an internet-wide range to an
internet gateway).

Security group rules, inline or separate (`aws_security_group_rule`,
`aws_vpc_security_group_ingress_rule`/`_egress_rule`), are flattened into one entry per
source, as the live collector does; `finish_security_group` then adds an `allows_from`
relation for every ingress entry open to the internet (`scanner.policy.network`) or to
another group.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.terraform.builder import (
    Builder,
    append_items,
    relation,
    relations_to,
)
from scanner.collectors.terraform.instances import Instance
from scanner.collectors.terraform.values import (
    INTERNET,
    REF_PREFIX,
    TF_PREFIX,
    all_blocks,
    as_bool,
    as_int,
    first_block,
    is_known,
    name_tag,
)
from scanner.model import UNKNOWN, Relation, Resource
from scanner.policy.network import AWS_SUBNET_RESERVED, cidr_is_internet, usable_addresses

__all__ = [
    "eip",
    "finish_security_group",
    "finish_subnet",
    "flow_log",
    "fold_flow_log",
    "fold_listener",
    "fold_security_group_rule",
    "fold_waf",
    "load_balancer",
    "security_group",
    "subnet",
    "vpc",
]

_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1", "-1": "-1"}
_ALL_EGRESS = {
    "protocol": "-1",
    "from_port": None,
    "to_port": None,
    "source": "0.0.0.0/0",
    "source_type": "cidr4",
    "description": "",
}


def _protocol(value: Any) -> Any:
    if not is_known(value):
        return UNKNOWN
    text = str(value).lower()
    return _PROTOCOLS.get(text, text)


# ---------------------------------------------------------------------- security groups
def _rule_sources(rule: Mapping[str, Any], group_self: str | None) -> list[tuple[Any, str]]:
    """(source, source type) of every source a rule names: ranges, prefix lists, groups."""
    sources: list[tuple[Any, str]] = []
    for key, kind in (
        ("cidr_blocks", "cidr4"),
        ("ipv6_cidr_blocks", "cidr6"),
        ("prefix_list_ids", "prefix_list"),
        ("security_groups", "group"),
    ):
        values = rule.get(key)
        if not is_known(values):
            sources.append((UNKNOWN, kind))
        else:
            sources.extend((value, kind) for value in values or ())
    for key, kind in (
        ("source_security_group_id", "group"),
        ("cidr_ipv4", "cidr4"),
        ("cidr_ipv6", "cidr6"),
        ("prefix_list_id", "prefix_list"),
        ("referenced_security_group_id", "group"),
    ):
        value = rule.get(key)
        if value is not None and value != "":
            sources.append((value, kind))
    if rule.get("self") is True:
        sources.append((group_self or UNKNOWN, "group"))
    # A rule has one kind of source; the provider marks the unused ones computed
    # (unknown), so an unknown source counts only when no known source is given.
    known = [(source, kind) for source, kind in sources if is_known(source)]
    return known or sources


def _sg_entries(rule: Mapping[str, Any], group_self: str | None) -> list[dict[str, Any]]:
    """Flatten one inline ingress/egress block or aws_security_group_rule into entries."""
    protocol = _protocol(rule.get("protocol", rule.get("ip_protocol")))
    all_traffic = protocol == "-1"
    base = {
        "protocol": protocol,
        "from_port": None if all_traffic else as_int(rule.get("from_port")),
        "to_port": None if all_traffic else as_int(rule.get("to_port")),
        "description": rule.get("description") or "",
    }
    return [
        {**base, "source": source, "source_type": kind}
        for source, kind in _rule_sources(rule, group_self)
    ]


def security_group(b: Builder, inst: Instance) -> Resource:
    """aws_security_group, aws_default_security_group -> aws.ec2.security_group."""
    v = inst.values
    group_id = v.get("id", UNKNOWN)
    own = group_id if isinstance(group_id, str) and is_known(group_id) else None
    rule_sets: dict[str, Any] = {}
    for direction in ("ingress", "egress"):
        blocks = v.get(direction)
        if not is_known(blocks) and inst.is_create:
            # A new group has no ingress and allows all egress, plus what rules add.
            rule_sets[direction] = [] if direction == "ingress" else [dict(_ALL_EGRESS)]
            continue
        if not is_known(blocks):
            rule_sets[direction] = [UNKNOWN]
            continue
        entries: list[Any] = []
        for block in blocks or ():
            entries.extend(_sg_entries(block, own))
        rule_sets[direction] = entries
    attrs = {
        "group_id": group_id,
        "is_default": inst.tf_type == "aws_default_security_group",
        "description": v.get("description"),
        "ingress": rule_sets["ingress"],
        "egress": rule_sets["egress"],
        "attachment_count": UNKNOWN,
    }
    relations = relations_to("in_vpc", b.link(inst, "vpc_id", ("aws_vpc",), "aws.ec2.vpc"))
    return b.resource(
        inst, "aws.ec2.security_group", attrs, name=v.get("name"), relations=relations
    )


def fold_security_group_rule(b: Builder, inst: Instance, group: Resource) -> None:
    """aws_security_group_rule, aws_vpc_security_group_*_rule -> the group's entries."""
    v = inst.values
    if inst.tf_type == "aws_security_group_rule":
        direction = v.get("type")
    else:
        direction = "egress" if inst.tf_type.endswith("egress_rule") else "ingress"
    if direction not in ("ingress", "egress"):
        return
    own = group.attributes.get("group_id")
    entries = _sg_entries(v, own if isinstance(own, str) and is_known(own) else None)
    append_items(group, direction, entries)


def _ports(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {k: entry[k] for k in ("protocol", "from_port", "to_port")}


def _from_internet(entry: Mapping[str, Any]) -> Relation | None:
    """`allows_from -> internet` for an ingress entry whose source is an internet range."""
    if not cidr_is_internet(entry.get("source")):
        return None
    return relation("allows_from", INTERNET, **_ports(entry))


def _from_group(b: Builder, entry: Mapping[str, Any], own: Any) -> Relation | None:
    """`allows_from -> <group>` for an ingress entry whose source is another group."""
    source = entry.get("source")
    if entry.get("source_type") != "group" or not isinstance(source, str):
        return None
    if not is_known(source) or source == own:
        return None
    target = b.identity_index.get(("aws_security_group", source))
    target_id = TF_PREFIX + target if target else f"{REF_PREFIX}aws.ec2.security_group:{source}"
    return relation("allows_from", target_id, **_ports(entry))


def finish_security_group(b: Builder, group: Resource, partial: bool) -> None:
    """`allows_from` relations for the ingress entries, once every rule is folded in."""
    ingress = group.attributes.get("ingress")
    group.relations = [r for r in group.relations if r.type != "allows_from"]
    if not isinstance(ingress, list):
        return
    own = group.attributes.get("group_id")
    entries = [e for e in ingress if isinstance(e, dict)]
    group.relations.extend(r for e in entries if (r := _from_internet(e)) is not None)
    group.relations.extend(r for e in entries if (r := _from_group(b, e, own)) is not None)


# ---------------------------------------------------------------------- VPCs and subnets
def vpc(b: Builder, inst: Instance) -> Resource:
    """aws_vpc, aws_default_vpc -> aws.ec2.vpc."""
    v = inst.values
    attrs = {
        "cidr_block": v.get("cidr_block"),
        "is_default": inst.tf_type == "aws_default_vpc",
        "flow_logs_enabled": False if inst.is_create else UNKNOWN,
    }
    return b.resource(inst, "aws.ec2.vpc", attrs, name=name_tag(v))


def fold_flow_log(b: Builder, inst: Instance, vpc: Resource) -> None:
    """aws_flow_log -> the VPC's flow logs are on."""
    vpc.attributes["flow_logs_enabled"] = True


_FLOW_LOG_TARGETS = (  # Terraform attribute -> (resource type, normal type, Terraform types)
    ("vpc_id", "VPC", "aws.ec2.vpc", ("aws_vpc", "aws_default_vpc")),
    ("subnet_id", "Subnet", "aws.ec2.subnet", ("aws_subnet",)),
    ("eni_id", "NetworkInterface", "aws.ec2.network_interface", ("aws_network_interface",)),
    ("transit_gateway_id", "TransitGateway", "aws.ec2.transit_gateway", ()),
    (
        "transit_gateway_attachment_id",
        "TransitGatewayAttachment",
        "aws.ec2.transit_gateway_attachment",
        (),
    ),
)
_FLOW_LOG_DESTINATIONS = {  # log_destination_type -> (Terraform type, normal type)
    "s3": ("aws_s3_bucket", "aws.s3.bucket"),
    "cloud-watch-logs": ("aws_cloudwatch_log_group", "aws.logs.log_group"),
}


def flow_log(b: Builder, inst: Instance) -> Resource:
    """aws_flow_log -> aws.ec2.flow_log (and, folded, the VPC's `flow_logs_enabled`)."""
    v = inst.values
    covered = next((t for t in _FLOW_LOG_TARGETS if v.get(t[0])), None)
    destination_type = v.get("log_destination_type") or "cloud-watch-logs"
    attrs = {
        "flow_log_id": v.get("id", UNKNOWN),
        "resource_id": v.get(covered[0]) if covered else None,
        "resource_type": covered[1] if covered else None,
        "traffic_type": v.get("traffic_type"),
        "status": "ACTIVE" if inst.is_create else UNKNOWN,
        "deliver_logs_status": UNKNOWN,
        "destination_type": destination_type,
        "destination": v.get("log_destination") or None,
        "log_format": v.get("log_format"),
        "max_aggregation_interval": as_int(v.get("max_aggregation_interval"), 600),
    }
    relations = []
    if covered:
        attr, _, normal_type, tf_types = covered
        relations += relations_to("attached_to", b.link(inst, attr, tf_types, normal_type))
    if destination_type in _FLOW_LOG_DESTINATIONS:
        tf_type, normal_type = _FLOW_LOG_DESTINATIONS[destination_type]
        link = b.link(inst, "log_destination", (tf_type,), normal_type)
        relations += relations_to("logs_to", link)
    return b.resource(inst, "aws.ec2.flow_log", attrs, name=name_tag(v), relations=relations)


def subnet(b: Builder, inst: Instance) -> Resource:
    """aws_subnet -> aws.ec2.subnet."""
    v = inst.values
    attrs = {
        "cidr_block": v.get("cidr_block"),
        "availability_zone": v.get("availability_zone"),
        "map_public_ip_on_launch": as_bool(v.get("map_public_ip_on_launch"), False),
        "has_internet_route": UNKNOWN,
        # the CIDR's size is in the plan; the free addresses are only known live
        "total_ip_count": usable_addresses(v.get("cidr_block"), AWS_SUBNET_RESERVED)
        if is_known(v.get("cidr_block"))
        else UNKNOWN,
    }
    relations = relations_to("in_vpc", b.link(inst, "vpc_id", ("aws_vpc",), "aws.ec2.vpc"))
    return b.resource(inst, "aws.ec2.subnet", attrs, name=name_tag(v), relations=relations)


def finish_subnet(b: Builder, subnet: Resource, partial: bool) -> None:
    """A planned subnet's `has_internet_route`, from the route tables the plan associates.

    True when one associated table sends an internet-wide range to an internet gateway,
    False when every associated table is in the plan and none does. Without an
    association in the plan (the VPC's main table) it stays unknown.
    """
    if partial:
        return
    tables = [
        table
        for assoc in b.instances
        if assoc.tf_type == "aws_route_table_association"
        and subnet.id in b.link(assoc, "subnet_id", ("aws_subnet",), "aws.ec2.subnet")
        for table in b.link(assoc, "route_table_id", ("aws_route_table",), "aws.ec2.route_table")
    ]
    if not tables:
        return
    routed = [_routes_to_internet(b, table) for table in tables]
    if any(r is True for r in routed):
        subnet.attributes["has_internet_route"] = True
    elif all(r is False for r in routed):
        subnet.attributes["has_internet_route"] = False


def _is_internet_route(
    b: Builder, inst: Instance, route: Mapping[str, Any], cidrs: tuple[str, str]
) -> bool | None:
    """Whether a route (an inline block or an `aws_route`) sends the internet to an IGW."""
    if not any(cidr_is_internet(route.get(key)) for key in cidrs):
        return False if all(is_known(route.get(key)) for key in cidrs) else None
    gateway = route.get("gateway_id")
    if isinstance(gateway, str) and gateway.startswith("igw-"):
        return True
    # A gateway created by the same plan is known only after apply: its reference says.
    gateways = b.link(inst, "gateway_id", ("aws_internet_gateway",), "aws.ec2.internet_gateway")
    if "gateway_id" not in inst.values:  # an inline block: the table's route references
        gateways = [
            a for a in b.refs.resolve(inst, "route") if a.startswith("aws_internet_gateway.")
        ]
    if gateways and not is_known(gateway):
        return True
    return None if not is_known(gateway) else False


def _routes_to_internet(b: Builder, table_id: str) -> bool | None:
    """Whether a route table of the plan has an internet route (None: not known)."""
    table = b.by_address.get(table_id.removeprefix(TF_PREFIX))
    if table is None or not table_id.startswith(TF_PREFIX):
        return None  # a table outside the plan
    blocks = all_blocks(table.values, "route")
    if not is_known(blocks):
        return None
    verdicts = [
        _is_internet_route(b, table, r, ("cidr_block", "ipv6_cidr_block"))
        for r in blocks
        if isinstance(r, Mapping)
    ]
    verdicts += [
        _is_internet_route(
            b, route, route.values, ("destination_cidr_block", "destination_ipv6_cidr_block")
        )
        for route in b.instances
        if route.tf_type == "aws_route"
        and table_id in b.link(route, "route_table_id", ("aws_route_table",), "aws.ec2.route_table")
    ]
    if any(v is True for v in verdicts):
        return True
    return False if all(v is False for v in verdicts) else None


def eip(b: Builder, inst: Instance) -> Resource:
    """aws_eip -> aws.ec2.eip."""
    v = inst.values
    attached = v.get("instance") or v.get("network_interface")
    attrs = {
        "public_ip": v.get("public_ip", UNKNOWN),
        "association_id": UNKNOWN if attached else v.get("association_id"),
    }
    relations = relations_to(
        "attached_to", b.link(inst, "instance", ("aws_instance",), "aws.ec2.instance")
    )
    return b.resource(inst, "aws.ec2.eip", attrs, relations=relations)


# ---------------------------------------------------------------------- load balancing
def load_balancer(b: Builder, inst: Instance) -> Resource:
    """aws_lb, aws_alb -> aws.elbv2.load_balancer."""
    v = inst.values
    internal = v.get("internal")
    logs = first_block(v, "access_logs")
    attrs = {
        "lb_type": v.get("load_balancer_type") or "application",
        "scheme": UNKNOWN
        if not is_known(internal)
        else ("internal" if internal else "internet-facing"),
        "dns_name": v.get("dns_name", UNKNOWN),
        "listeners": [] if inst.is_create else [UNKNOWN],
        "waf_web_acl_arn": None if inst.is_create else UNKNOWN,
        "deletion_protection": as_bool(v.get("enable_deletion_protection"), False),
        "access_logs_enabled": UNKNOWN
        if not is_known(logs)
        else bool(logs and logs.get("enabled")),
        "drop_invalid_header_fields": as_bool(v.get("drop_invalid_header_fields"), False),
        "target_count": UNKNOWN,
    }
    relations = relations_to(
        "protected_by",
        b.link(inst, "security_groups", ("aws_security_group",), "aws.ec2.security_group"),
    )
    return b.resource(
        inst, "aws.elbv2.load_balancer", attrs, name=v.get("name"), relations=relations
    )


def _redirects_to_https(actions: Any) -> Any:
    if not is_known(actions):
        return UNKNOWN
    for action in actions:
        if not isinstance(action, dict) or action.get("type") != "redirect":
            continue
        redirect = first_block(action, "redirect")
        if isinstance(redirect, dict) and redirect.get("protocol") == "HTTPS":
            return True
    return False


def fold_listener(b: Builder, inst: Instance, lb: Resource) -> None:
    """aws_lb_listener, aws_alb_listener -> one entry of the load balancer's `listeners`."""
    v = inst.values
    listener = {
        "port": as_int(v.get("port")),
        "protocol": v.get("protocol"),
        "ssl_policy": v.get("ssl_policy") or None,
        "redirects_to_https": _redirects_to_https(all_blocks(v, "default_action")),
    }
    append_items(lb, "listeners", [listener])


def fold_waf(b: Builder, inst: Instance, lb: Resource) -> None:
    """aws_wafv2_web_acl_association -> the load balancer's `waf_web_acl_arn`."""
    lb.attributes["waf_web_acl_arn"] = inst.values.get("web_acl_arn", UNKNOWN)
