"""The estate as architecture: which resources matter, where each sits, how they connect.

`build_architecture(resources)` reads a snapshot's resources once and returns an
`Architecture`:

- nodes: the resources on a request's path (tiers `edge`, `compute`, `messaging`,
  `data` of `scanner.catalog.tiers`) without their details (volumes, snapshots, images,
  task definitions, node pools, tables), plus the internet and NAT gateways, the log
  sources and destinations, the roles other accounts may assume, and one node per
  account outside the estate that is trusted;
- each node's `Scope`: provider, account/project, region, VPC/network, subnet (public
  when its route table reaches an internet gateway), availability zone where known;
- edges by kind (`EDGE_KINDS`): internet exposure and the filter it passes
  (`ResourceGraph.exposed_nodes`), load balancer -> targets, CDN -> origin, topic ->
  subscription, what compute can read or write (`scanner.architecture.access`),
  cross-account trust, log destinations.

Drawing is elsewhere (`scanner.render.diagram`); views choose from this model
(`scanner.architecture.views`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scanner.architecture.access import access_edges
from scanner.catalog.tiers import REQUEST_TIERS, placement
from scanner.graph import INTERNET, ResourceGraph
from scanner.headroom import DEFAULT_PRODUCT_TAGS, product_of
from scanner.masking import mask_secrets, mask_text
from scanner.model import Resource
from scanner.policy.iam import account_of

__all__ = [
    "EDGE_KINDS",
    "EXTERNAL_TYPE",
    "INTERNET",
    "ArchEdge",
    "ArchNode",
    "Architecture",
    "EdgeKind",
    "Scope",
    "build_architecture",
]

# Types of the request tiers that are details of another node, not parts of the design.
_DETAIL_TYPES = frozenset(
    {
        "aws.ec2.volume",
        "aws.ec2.snapshot",
        "aws.ec2.image",
        "aws.rds.snapshot",
        "aws.ecs.task_definition",
        "aws.ecr.repository",
        "gcp.compute.disk",
        "gcp.compute.snapshot",
        "gcp.compute.autoscaler",
        "gcp.container.node_pool",
        "gcp.bigquery.table",
    }
)
# Network parts drawn in the network view.
_GATEWAY_TYPES = frozenset({"aws.ec2.internet_gateway", "aws.ec2.nat_gateway"})
_VPC_TYPES = frozenset({"aws.ec2.vpc", "gcp.compute.network"})
_SUBNET_TYPES = frozenset({"aws.ec2.subnet", "gcp.compute.subnetwork"})
_CDN_TYPES = frozenset({"aws.cloudfront.distribution"})
EXTERNAL_TYPE = "external.account"  # an account outside the estate that is trusted


@dataclass(frozen=True)
class EdgeKind:
    """How one kind of edge reads in a legend and looks in a drawing."""

    legend: str
    colour: str
    style: str  # DOT style: solid, dashed, dotted, bold


EDGE_KINDS: dict[str, EdgeKind] = {
    "exposes": EdgeKind("internet reaches it", "#dc2626", "bold"),
    "routes_to": EdgeKind("routes requests to", "#2563eb", "solid"),
    "origin": EdgeKind("CDN origin", "#7c3aed", "solid"),
    "event": EdgeKind("delivers events to", "#db2777", "dashed"),
    "reads": EdgeKind("can read (IAM)", "#059669", "dashed"),
    "writes": EdgeKind("can write (IAM)", "#d97706", "dashed"),
    "trusts": EdgeKind("may assume role (cross-account)", "#9333ea", "dotted"),
    "logs_to": EdgeKind("sends logs to", "#64748b", "dotted"),
}


@dataclass(frozen=True, order=True)
class Scope:
    """Where a node sits; empty strings where not known or not applicable."""

    provider: str
    account: str
    region: str
    network: str = ""  # VPC / VPC network id
    subnet: str = ""  # subnet id (empty with none or several)
    zone: str = ""  # availability zone
    subnet_class: str = ""  # "public", "private", "subnet" (public-ness unknown) or ""


@dataclass
class ArchNode:
    """One resource (or the internet, or an outside account) in the architecture."""

    id: str
    type: str
    name: str
    tier: str
    scope: Scope
    product: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    exposed: bool = False
    is_resource: bool = True  # False: the internet, an outside account, "every bucket"


@dataclass(frozen=True, order=True)
class ArchEdge:
    """A directed edge of one kind; `label` adds detail (a port, a role)."""

    source: str
    target: str
    kind: str
    label: str = ""


@dataclass
class Architecture:
    """Nodes, edges and the names of the places they sit in."""

    nodes: dict[str, ArchNode]
    edges: set[ArchEdge]
    names: dict[str, str]  # VPC / subnet / account id -> display name
    exposure: dict[str, list[str]]  # exposed node -> the internet path that reaches it

    def edge_ends_exist(self) -> bool:
        """True when every edge joins two nodes of the model (an invariant the tests check)."""
        return all(e.source in self.nodes and e.target in self.nodes for e in self.edges)


def _as_dict(resource: Mapping[str, Any] | Resource) -> Mapping[str, Any]:
    if isinstance(resource, Resource):
        return resource.model_dump(mode="json", exclude={"raw"})
    return resource


def _targets(resource: Mapping[str, Any], *kinds: str) -> list[str]:
    return sorted(
        str(rel.get("target", ""))
        for rel in resource.get("relations") or ()
        if isinstance(rel, Mapping) and rel.get("type") in kinds
    )


def _is_shown(rtype: str) -> bool:
    if rtype in _DETAIL_TYPES:
        return False
    return placement(rtype).tier in REQUEST_TIERS or rtype in _GATEWAY_TYPES


class _Builder:
    """Reads resources once; answers scope questions from the networks and subnets seen."""

    def __init__(self, resources: Iterable[Mapping[str, Any] | Resource], tags: list[str]):
        self.by_id: dict[str, Mapping[str, Any]] = {}
        for raw in resources:
            resource = _as_dict(raw)
            rid = str(resource.get("id", ""))
            if rid and rid != INTERNET:
                self.by_id.setdefault(rid, resource)
        self.product_keys = [t.lower() for t in tags]
        self.names: dict[str, str] = {}
        for rid, resource in self.by_id.items():
            rtype = resource.get("type", "")
            if rtype in _VPC_TYPES or rtype in _SUBNET_TYPES:
                self.names[rid] = mask_text(str(resource.get("name") or _short(rid)))
            elif rtype in ("aws.account", "gcp.resourcemanager.project"):
                account = str(resource.get("account", ""))
                alias = (resource.get("attributes") or {}).get("alias") or resource.get("name")
                if account and alias and alias != account:
                    self.names[f"account:{account}"] = mask_text(str(alias))

    def scope(self, resource: Mapping[str, Any]) -> Scope:
        attrs = resource.get("attributes") or {}
        subnets = [s for s in _targets(resource, "in_subnet") if s in self.by_id]
        network = next(iter(_targets(resource, "in_vpc", "in_network")), "")
        if not network and subnets:
            network = next(iter(_targets(self.by_id[subnets[0]], "in_vpc", "in_network")), "")
        subnet_attrs = [self.by_id[s].get("attributes") or {} for s in subnets]
        # in one subnet, the subnet's zone (none for regional GCP subnets), so a subnet
        # is drawn in one place whatever its members say
        zone = str(attrs.get("availability_zone") or "")
        if len(subnets) == 1:
            zone = str(subnet_attrs[0].get("availability_zone") or "")
        zone = mask_text(zone)
        routes = [a.get("has_internet_route") for a in subnet_attrs]
        subnet_class = ""
        if subnets:
            # one routed subnet is enough to be reachable (as ResourceGraph decides it)
            if any(r is True for r in routes):
                subnet_class = "public"
            elif all(r is False for r in routes):
                subnet_class = "private"
            else:
                subnet_class = "subnet"
        return Scope(
            provider=str(resource.get("provider", "")),
            account=str(resource.get("account", "")),
            region=str(resource.get("region", "") or "global"),
            network=network,
            subnet=subnets[0] if len(subnets) == 1 else "",
            zone=zone,
            subnet_class=subnet_class,
        )

    def node(self, rid: str) -> ArchNode:
        resource = self.by_id[rid]
        rtype = str(resource.get("type", ""))
        tags = {str(k): str(v) for k, v in (resource.get("tags") or {}).items()}
        product = product_of(tags, self.product_keys)
        masked = mask_secrets(tags)
        return ArchNode(
            id=rid,
            type=rtype,
            name=mask_text(str(resource.get("name") or _short(rid))),
            tier=placement(rtype).tier,
            scope=self.scope(resource),
            product=product,
            tags={mask_text(k): v for k, v in masked.items()},
        )


def _short(resource_id: str) -> str:
    # The readable tail of an ARN, CAI name or tf:// address.
    tail = resource_id.rstrip("/").replace(":", "/").rsplit("/", 1)[-1]
    return tail or resource_id


def build_architecture(
    resources: Iterable[Mapping[str, Any] | Resource],
    product_tags: Iterable[str] = DEFAULT_PRODUCT_TAGS,
) -> Architecture:
    """The architecture model of a snapshot's resources (dicts or `Resource` models)."""
    builder = _Builder(resources, list(product_tags) or list(DEFAULT_PRODUCT_TAGS))
    by_id = builder.by_id
    nodes = {rid: builder.node(rid) for rid, r in by_id.items() if _is_shown(r.get("type", ""))}
    nodes[INTERNET] = ArchNode(
        INTERNET, "internet", "Internet", "internet", Scope("", "", ""), is_resource=False
    )
    edges: set[ArchEdge] = set()

    def ensure(rid: str) -> bool:
        if rid not in nodes and rid in by_id:
            nodes[rid] = builder.node(rid)
        return rid in nodes

    graph = ResourceGraph.build(by_id.values())
    exposure = {n: p for n, p in graph.exposed_nodes().items() if n in by_id}
    for rid, path in sorted(exposure.items()):
        if len(path) == 3 and ensure(rid):  # [internet, filter, node]: exposed directly
            edges.add(ArchEdge(INTERNET, rid, "exposes", _ports(graph, path[1])))
        if rid in nodes:
            nodes[rid].exposed = True
    for rid, resource in by_id.items():
        rtype = resource.get("type", "")
        for target in _targets(resource, "routes_to"):
            if rid in nodes and ensure(target):
                kind = "origin" if rtype in _CDN_TYPES else "routes_to"
                edges.add(ArchEdge(rid, target, kind))
        for target in _targets(resource, "logs_to"):
            if target in by_id and ensure(rid) and ensure(target):
                edges.add(ArchEdge(rid, target, "logs_to"))
        if rtype == "gcp.pubsub.subscription":
            for topic in _targets(resource, "member_of"):
                if rid in nodes and topic in nodes:
                    edges.add(ArchEdge(topic, rid, "event"))
        if rtype == "aws.iam.role":
            edges |= _trust_edges(resource, nodes, builder)
    for source, target, kind in access_edges(by_id, nodes):
        if target not in nodes:  # every resource of a type in an account
            nodes[target] = _every_node(target)
        edges.add(ArchEdge(source, target, kind))
    return Architecture(nodes=nodes, edges=edges, names=builder.names, exposure=exposure)


def _every_node(node_id: str) -> ArchNode:
    _, provider, account, rtype = node_id.split(":", 3)
    place = placement(rtype)
    scope = Scope(provider, account, "global")
    return ArchNode(node_id, rtype, f"all {place.plural}", place.tier, scope, is_resource=False)


def _ports(graph: ResourceGraph, via: str) -> str:
    """What the filter between the internet and a node lets in: `tcp 443`, `all`, ..."""
    out = []
    for props in graph.edge_properties(via, INTERNET, "allows_from"):
        protocol = mask_text(str(props.get("protocol", "") or ""))
        low, high = props.get("from_port"), props.get("to_port")
        if protocol in ("-1", "all", "") or low is None:
            out.append("all ports" if protocol in ("-1", "all") else protocol)
        elif low == high:
            out.append(f"{protocol} {low}")
        else:
            out.append(f"{protocol} {low}-{high}")
    return ", ".join(sorted({p for p in out if p}))


def _trust_edges(
    role: Mapping[str, Any], nodes: dict[str, ArchNode], builder: _Builder
) -> set[ArchEdge]:
    """Principals of another account (or anyone) that may assume this role."""
    edges: set[ArchEdge] = set()
    role_id = str(role.get("id", ""))
    home = str(role.get("account", ""))
    for principal in _targets(role, "trusts"):
        if principal == "principal:aws:*":
            source, account = "external:aws:*", "*"
        elif principal.startswith("principal:aws:account:"):
            account = principal.rsplit(":", 1)[-1]
            source = f"external:aws:{account}"
        else:
            found = account_of(principal)
            if found is None:
                continue  # a service principal: not a trust boundary
            account, source = found, principal
        if account == home:
            continue
        if source not in builder.by_id:
            source = f"external:aws:{account}"
        if source.startswith("external:") and source not in nodes:
            label = "any AWS account" if account == "*" else f"account {account}"
            nodes[source] = ArchNode(
                source,
                EXTERNAL_TYPE,
                label,
                "external",
                Scope("aws", account, ""),
                is_resource=False,
            )
        elif source not in nodes:
            nodes[source] = builder.node(source)
        if role_id not in nodes:
            nodes[role_id] = builder.node(role_id)
        edges.add(ArchEdge(source, role_id, "trusts"))
    return edges
