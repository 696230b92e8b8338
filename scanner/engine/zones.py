"""The shared check `network.multiple_azs`: a resource's subnets span two or more zones.

Load balancers and VPC-attached functions name their subnets (`in_subnet`); subnets
name their VPC (`in_vpc`), so a VPC's subnets are the edges pointing at it. The zone of
each subnet is its `availability_zone` attribute. A resource whose subnets were not all
collected, and whose known subnets sit in one zone, is undecided rather than failed.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict

from scanner.engine.python_rules import Hit, Pass, Undecided, Verdict, graph_rule
from scanner.engine.spec import RuleSpec
from scanner.graph import ResourceGraph

__all__ = ["ZONED_TYPES", "ZonesParams", "multiple_azs"]

SUBNET = "aws.ec2.subnet"
ZONED_TYPES = (
    "aws.ec2.vpc",
    "aws.elb.load_balancer",
    "aws.elbv2.load_balancer",
    "aws.lambda.function",
)


class ZonesParams(BaseModel):
    """`network.multiple_azs` takes no parameters."""

    model_config = ConfigDict(extra="forbid")


def _subnets(graph: ResourceGraph, node: str) -> list[str]:
    if graph.field(node, "type") == "aws.ec2.vpc":
        return graph.neighbours(node, "in_vpc", direction="in")
    return graph.neighbours(node, "in_subnet")


def _verdict(
    graph: ResourceGraph, node: str, subnet_zones: dict[str, tuple[str, str | None]]
) -> Verdict | None:
    subnets = _subnets(graph, node)
    if not subnets:
        return None  # not in a VPC (functions), or a VPC with nothing in it
    zones: set[str] = set()
    unseen = 0
    for subnet in subnets:
        rtype, zone = subnet_zones.get(subnet) or _zone(graph, subnet, subnet_zones)
        if rtype == SUBNET and zone:
            zones.add(zone)
        elif rtype in ("unknown", SUBNET):  # not collected, or zone unknown
            unseen += 1
    if len(zones) >= 2:
        return Pass(resource_id=node)
    if unseen:
        reason = f"{unseen} of its subnets were not collected"
        return Undecided(resource_id=node, reason=reason)
    return Hit(resource_id=node, evidence={"zones": sorted(zones), "subnets": len(subnets)})


def _zone(
    graph: ResourceGraph, subnet: str, known: dict[str, tuple[str, str | None]]
) -> tuple[str, str | None]:
    """A subnet node's type and zone (None: not a zone name), read once per graph."""
    data = graph.node(subnet)
    zone = (data.get("attributes") or {}).get("availability_zone")
    known[subnet] = (str(data.get("type")), zone if isinstance(zone, str) and zone else None)
    return known[subnet]


@graph_rule
def multiple_azs(graph: ResourceGraph, spec: RuleSpec) -> Iterator[Verdict]:
    """Shared check `network.multiple_azs`: one verdict per resource with subnets."""
    # each subnet's type and zone, read once for the resources of every such rule
    subnet_zones: dict[str, tuple[str, str | None]] = graph.fact("zones.subnet_zones", dict)
    for node in graph.nodes_of_type(spec.resource_types):
        verdict = _verdict(graph, node, subnet_zones)
        if verdict is not None:
            yield verdict
