"""Architecture diagrams of a snapshot: Graphviz DOT, SVG (through `dot`) and Mermaid.

An architecture diagram shows architecture, not noise: only the resource types in
`ARCHITECTURE_TYPES` (network containers, compute, load balancers, databases, buckets,
functions, clusters, queues) plus one `internet` node. Edges are the `routes_to`,
`in_subnet` and `attached_to` relations among the shown nodes (IAM edges such as
`runs_as` are left out), and `internet -> resource` for resources that are publicly
addressed (`scanner.policy.network.is_publicly_addressed`: a public IP,
`publicly_accessible: true` or an `internet-facing` scheme).

Resources are clustered by `group_by`:

- `account`: account -> VPC/network -> subnet, nested.
- `vpc`: VPC/network -> subnet; resources in no VPC sit in their account's cluster.
- `tag:KEY`: one cluster per value of tag KEY (`untagged` otherwise); VPCs and subnets
  are then plain nodes, and containment relations are drawn as edges.

VPCs and subnets that are clusters are not nodes; empty ones are not drawn. Above
`max_nodes` nodes, resources of one type are merged into a single node labelled with
their count and type, per cluster, then per top-level cluster, then per type, until the
diagram fits.

Output is deterministic: clusters, nodes and edges are sorted.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from scanner.errors import ReportError
from scanner.model import Resource
from scanner.policy.network import is_publicly_addressed
from scanner.render._text import strip_control

__all__ = [
    "ARCHITECTURE_TYPES",
    "DIAGRAM_FORMATS",
    "DOT_TIMEOUT_SECONDS",
    "MAX_NODES",
    "render_diagram",
    "to_dot",
    "to_mermaid",
    "to_svg",
]

logger = logging.getLogger(__name__)

DIAGRAM_FORMATS = ("dot", "mermaid", "svg")
DOT_TIMEOUT_SECONDS = 120
MAX_NODES = 400

# A type is shown when it equals one of these or starts with one followed by a dot
# ("aws.ecs" shows aws.ecs.cluster and aws.ecs.service, not aws.ecsx.thing).
ARCHITECTURE_TYPES = (
    "aws.ec2.vpc",
    "aws.ec2.subnet",
    "aws.ec2.internet_gateway",
    "aws.ec2.nat_gateway",
    "aws.ec2.instance",
    "aws.autoscaling.group",
    "aws.elb.load_balancer",
    "aws.elbv2.load_balancer",
    "aws.cloudfront.distribution",
    "aws.apigateway",
    "aws.ecs",
    "aws.eks.cluster",
    "aws.lambda.function",
    "aws.rds.instance",
    "aws.rds.cluster",
    "aws.dynamodb.table",
    "aws.elasticache",
    "aws.s3.bucket",
    "aws.sqs.queue",
    "aws.sns.topic",
    "gcp.compute.network",
    "gcp.compute.subnetwork",
    "gcp.compute.instance",
    "gcp.compute.instance_group",
    "gcp.compute.forwarding_rule",
    "gcp.compute.backend_service",
    "gcp.container.cluster",
    "gcp.run.service",
    "gcp.cloudfunctions.function",
    "gcp.sql.instance",
    "gcp.storage.bucket",
    "gcp.pubsub.topic",
)

_VPC_TYPES = frozenset({"aws.ec2.vpc", "gcp.compute.network"})
_SUBNET_TYPES = frozenset({"aws.ec2.subnet", "gcp.compute.subnetwork"})
_CONTAINER_TYPES = _VPC_TYPES | _SUBNET_TYPES
_VPC_RELATIONS = ("in_vpc", "in_network")
_SUBNET_RELATION = "in_subnet"
_EDGE_TYPES = frozenset({"routes_to", "in_subnet", "attached_to"})
_INTERNET = "internet"
_GROUP_BY_HELP = "account, vpc or tag:KEY"
_TIMES = "\N{MULTIPLICATION SIGN}"  # aggregate labels: "12 <times> aws.ec2.instance"

# (type prefix, DOT shape, fill colour, Mermaid class); first match wins.
_STYLES = (
    (
        ("aws.ec2.vpc", "aws.ec2.subnet", "gcp.compute.network", "gcp.compute.subnetwork"),
        "tab",
        "#f1f5f9",
        "network",
    ),
    (("aws.ec2.internet_gateway", "aws.ec2.nat_gateway"), "invhouse", "#f1f5f9", "network"),
    (
        (
            "aws.elb",
            "aws.elbv2",
            "aws.cloudfront",
            "aws.apigateway",
            "gcp.compute.forwarding_rule",
            "gcp.compute.backend_service",
        ),
        "hexagon",
        "#ede9fe",
        "balancer",
    ),
    (("aws.rds", "aws.dynamodb", "aws.elasticache", "gcp.sql"), "cylinder", "#dcfce7", "data"),
    (("aws.s3", "gcp.storage"), "folder", "#fef3c7", "storage"),
    (("aws.sqs", "aws.sns", "gcp.pubsub"), "cds", "#fce7f3", "messaging"),
)
_DEFAULT_STYLE = ("box", "#dbeafe", "compute")
_MERMAID_CLASSES = {
    "network": "fill:#f1f5f9,stroke:#64748b",
    "balancer": "fill:#ede9fe,stroke:#64748b",
    "data": "fill:#dcfce7,stroke:#64748b",
    "storage": "fill:#fef3c7,stroke:#64748b",
    "messaging": "fill:#fce7f3,stroke:#64748b",
    "compute": "fill:#dbeafe,stroke:#64748b",
    "inet": "fill:#fee2e2,stroke:#b91c1c",
}
_EDGE_STYLES = {
    "in_subnet": "dashed",
    "in_vpc": "dashed",
    "in_network": "dashed",
    "attached_to": "dotted",
}


@lru_cache(maxsize=4096)
def _is_architecture_type(rtype: str) -> bool:
    return any(rtype == p or rtype.startswith(p + ".") for p in ARCHITECTURE_TYPES)


@lru_cache(maxsize=4096)
def _style(rtype: str) -> tuple[str, str, str]:
    for prefixes, shape, fill, css_class in _STYLES:
        if any(rtype == p or rtype.startswith(p + ".") for p in prefixes):
            return shape, fill, css_class
    return _DEFAULT_STYLE


@dataclass
class _Item:
    """One architecture-relevant resource, reduced to what a diagram needs."""

    id: str
    type: str
    provider: str
    account: str
    name: str
    tags: dict[str, str]
    is_public: bool
    relations: list[tuple[str, str]]

    def targets(self, *relation_types: str) -> list[str]:
        return [target for rtype, target in self.relations if rtype in relation_types]


ClusterKey = tuple[str, str]  # (kind, value): ("account", "aws:123"), ("vpc", id), ...
ClusterPath = tuple[ClusterKey, ...]


@dataclass
class _Node:
    id: str
    label: str
    sublabel: str
    type: str
    path: ClusterPath
    is_public: bool = False


@dataclass
class _Diagram:
    nodes: dict[str, _Node] = field(default_factory=dict)
    edges: set[tuple[str, str, str]] = field(default_factory=set)
    cluster_labels: dict[ClusterKey, str] = field(default_factory=dict)


def _as_item(resource: Mapping[str, Any] | Resource) -> _Item | None:
    if isinstance(resource, Resource):
        rtype, rid = resource.type, resource.id
        if not _is_architecture_type(rtype):
            return None
        attributes: Mapping[str, Any] = resource.attributes
        relations = [(rel.type, rel.target) for rel in resource.relations]
        provider, account, name = str(resource.provider), resource.account, resource.name
        tags = dict(resource.tags)
    else:
        rtype, rid = str(resource.get("type", "")), str(resource.get("id", ""))
        if not rid or not _is_architecture_type(rtype):
            return None
        attributes = resource.get("attributes") or {}
        relations = [
            (str(rel.get("type", "")), str(rel.get("target", "")))
            for rel in resource.get("relations") or []
            if isinstance(rel, Mapping)
        ]
        provider = str(resource.get("provider", ""))
        account = str(resource.get("account", ""))
        name = str(resource.get("name", "") or "")
        tags = {str(k): str(v) for k, v in (resource.get("tags") or {}).items()}
    is_public = is_publicly_addressed(attributes)
    return _Item(rid, rtype, provider, account, name, tags, is_public, relations)


def _short(resource_id: str) -> str:
    # The readable tail of an ARN, CAI name or tf:// address.
    tail = re.split(r"[/:]", resource_id.rstrip("/"))[-1]
    return tail or resource_id


def _parse_group_by(group_by: str) -> tuple[str, str]:
    if group_by in ("account", "vpc"):
        return group_by, ""
    if group_by.startswith("tag:") and len(group_by) > len("tag:"):
        return "tag", group_by[len("tag:") :]
    msg = f"diagram group_by {group_by!r} is not valid (use {_GROUP_BY_HELP})"
    raise ReportError(msg)


@dataclass
class _Placer:
    """Places items into clusters (account -> VPC -> subnet, or tag value), naming them."""

    items: dict[str, _Item]
    diagram: _Diagram
    mode: str
    tag_key: str

    def subnet_of(self, item: _Item) -> str:
        subnets = [t for t in item.targets(_SUBNET_RELATION) if t in self.items]
        return sorted(subnets)[0] if subnets else ""

    def vpc_of(self, item: _Item) -> str:
        # Follow in_subnet hops (instance -> subnet -> VPC); `seen` guards against cycles.
        seen = {item.id}
        while True:
            direct = sorted(item.targets(*_VPC_RELATIONS))
            if direct:
                return direct[0]
            subnet = self.subnet_of(item)
            if not subnet or subnet in seen:
                return ""
            seen.add(subnet)
            item = self.items[subnet]

    def account_key(self, item: _Item) -> ClusterKey:
        key = ("account", f"{item.provider}:{item.account}")
        if key in self.diagram.cluster_labels:
            return key
        noun = "project" if item.provider == "gcp" else "account"
        label = f"{item.provider} {noun} {item.account or '(unknown)'}"
        self.diagram.cluster_labels[key] = label
        return key

    def container_key(self, kind: str, container_id: str) -> ClusterKey:
        key = (kind, container_id)
        if key in self.diagram.cluster_labels:
            return key
        container = self.items.get(container_id)
        noun = kind
        if kind == "vpc" and container_id.startswith("//compute.googleapis.com/"):
            noun = "network"
        if container is not None:
            noun = "network" if container.type == "gcp.compute.network" else noun
            noun = "subnetwork" if container.type == "gcp.compute.subnetwork" else noun
            label = f"{noun} {container.name or _short(container_id)}"
        else:
            label = f"{noun} {_short(container_id)}"
        self.diagram.cluster_labels[key] = label
        return key

    def path_of(self, item: _Item) -> ClusterPath:
        if self.mode == "tag":
            value = item.tags.get(self.tag_key, "")
            key = ("tag", value or "untagged")
            label = f"{self.tag_key} = {value}" if value else "untagged"
            self.diagram.cluster_labels[key] = label
            return (key,)
        vpc = self.vpc_of(item)
        path: list[ClusterKey] = []
        if self.mode == "account" or not vpc:
            path.append(self.account_key(item))
        if vpc:
            path.append(self.container_key("vpc", vpc))
            subnet = self.subnet_of(item)
            if subnet and self.vpc_of(self.items[subnet]) == vpc:
                path.append(self.container_key("subnet", subnet))
        return tuple(path)


def _add_edges(diagram: _Diagram, items: Mapping[str, _Item], clustered: bool) -> None:
    """Edges among the shown nodes, to the internet, and from it to public resources."""
    for node_id in diagram.nodes:
        item = items[node_id]
        shown_subnets = [t for t in item.targets(_SUBNET_RELATION) if t in diagram.nodes]
        for rtype, target in sorted(set(item.relations)):
            is_containment = rtype in _VPC_RELATIONS and not clustered and not shown_subnets
            if (rtype in _EDGE_TYPES or is_containment) and target in diagram.nodes:
                if target != node_id:
                    diagram.edges.add((node_id, target, rtype))
            elif rtype in _EDGE_TYPES and target == _INTERNET:
                diagram.edges.add((node_id, _INTERNET, rtype))
        if item.is_public:
            diagram.edges.add((_INTERNET, node_id, "public"))


def _build(
    resources: Iterable[Mapping[str, Any] | Resource], group_by: str, max_nodes: int
) -> _Diagram:
    mode, tag_key = _parse_group_by(group_by)
    items: dict[str, _Item] = {}
    for resource in resources:
        item = _as_item(resource)
        if item is not None and item.id != _INTERNET:
            items.setdefault(item.id, item)
    diagram = _Diagram()
    placer = _Placer(items, diagram, mode, tag_key)
    clustered = mode != "tag"
    for item in items.values():
        if clustered and item.type in _CONTAINER_TYPES:
            continue  # drawn as a cluster, not a node
        diagram.nodes[item.id] = _Node(
            id=item.id,
            label=item.name or _short(item.id),
            sublabel=item.type,
            type=item.type,
            path=placer.path_of(item),
            is_public=item.is_public,
        )
    _add_edges(diagram, items, clustered)
    _cap(diagram, max_nodes)
    return diagram


def _cap(diagram: _Diagram, max_nodes: int) -> None:
    """Merge nodes of one type until at most max_nodes remain (or one per type)."""
    if len(diagram.nodes) <= max_nodes:
        return
    original = len(diagram.nodes)
    levels: list[int | None] = [None, 1, 0]  # full path, top-level cluster, no cluster
    for depth in levels:
        groups: dict[tuple[ClusterPath, str], list[_Node]] = defaultdict(list)
        for node in diagram.nodes.values():
            path = node.path if depth is None else node.path[:depth]
            groups[(path, node.type)].append(node)
        if len(groups) <= max_nodes or depth == 0:
            break
    mapping: dict[str, str] = {}
    nodes: dict[str, _Node] = {}
    for (path, rtype), members in groups.items():
        if len(members) == 1:
            only = members[0]
            only.path = path
            nodes[only.id] = only
            mapping[only.id] = only.id
            continue
        digest = hashlib.sha256(repr(path).encode()).hexdigest()[:12]
        agg_id = f"group:{digest}:{rtype}"
        nodes[agg_id] = _Node(
            id=agg_id,
            label=f"{len(members)} {_TIMES} {rtype}",
            sublabel="grouped",
            type=rtype,
            path=path,
            is_public=any(m.is_public for m in members),
        )
        for member in members:
            mapping[member.id] = agg_id
    mapping[_INTERNET] = _INTERNET
    edges = set()
    for source, target, rtype in diagram.edges:
        new_source, new_target = mapping[source], mapping[target]
        if new_source != new_target:
            edges.add((new_source, new_target, rtype))
    diagram.nodes, diagram.edges = nodes, edges
    logger.info("diagram has %d nodes; grouped into %d", original, len(nodes))


def _cluster_tree(
    diagram: _Diagram,
) -> tuple[dict[ClusterPath, list[ClusterKey]], dict[ClusterPath, list[_Node]]]:
    children: dict[ClusterPath, set[ClusterKey]] = defaultdict(set)
    members: dict[ClusterPath, list[_Node]] = defaultdict(list)
    for node in diagram.nodes.values():
        members[node.path].append(node)
        for depth in range(len(node.path)):
            children[node.path[:depth]].add(node.path[depth])
    sorted_children = {path: sorted(keys, key=_cluster_order) for path, keys in children.items()}
    sorted_members = {
        path: sorted(nodes, key=lambda n: (n.type, n.label, n.id))
        for path, nodes in members.items()
    }
    return sorted_children, sorted_members


def _cluster_order(key: ClusterKey) -> tuple[str, bool, str]:
    kind, value = key
    return (kind, kind == "tag" and value == "untagged", value)


# --- DOT ----------------------------------------------------------------------------


def _dot_id(value: str) -> str:
    text = re.sub(r"[\r\n]+", " ", strip_control(value))
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _html_text(value: str) -> str:
    # For Graphviz HTML-like labels: escape markup, flatten newlines.
    return html.escape(re.sub(r"\s*[\r\n]+\s*", " ", strip_control(value)), quote=True)


def _dot_node(node: _Node) -> str:
    shape, fill, _ = _style(node.type)
    label = (
        f"<<b>{_html_text(node.label)}</b><br/>"
        f'<font point-size="8">{_html_text(node.sublabel)}</font>>'
    )
    return f'{_dot_id(node.id)} [label={label}, shape="{shape}", fillcolor="{fill}"];'


def to_dot(
    resources: Iterable[Mapping[str, Any] | Resource],
    group_by: str = "account",
    *,
    max_nodes: int = MAX_NODES,
) -> str:
    """Render an architecture diagram as Graphviz DOT text.

    Args:
        resources: resources in the snapshot normal form (dicts or `Resource` models).
        group_by: `account`, `vpc` or `tag:KEY`.
        max_nodes: above this many nodes, resources of one type are grouped.

    Raises:
        ReportError: group_by is not one of the accepted values.
    """
    diagram = _build(resources, group_by, max_nodes)
    children, members = _cluster_tree(diagram)
    lines = [
        'digraph "pscan" {',
        '  graph [rankdir="LR", fontname="Helvetica", fontsize="11", nodesep="0.3", '
        'ranksep="0.9", newrank="true", labelloc="t", label=<<b>Architecture</b>>];',
        '  node [fontname="Helvetica", fontsize="10", shape="box", style="rounded,filled", '
        'color="#64748b", fillcolor="#ffffff"];',
        '  edge [fontname="Helvetica", fontsize="8", color="#64748b", arrowsize="0.6"];',
        f'  {_dot_id(_INTERNET)} [label=<<b>Internet</b>>, shape="oval", '
        'fillcolor="#fee2e2", color="#b91c1c"];',
    ]
    counter = 0

    def emit(path: ClusterPath, indent: str) -> None:
        nonlocal counter
        lines.extend(indent + _dot_node(node) for node in members.get(path, []))
        for key in children.get(path, []):
            counter += 1
            sub = (*path, key)
            depth = len(sub)
            fill = ("#f8fafc", "#ffffff", "#f8fafc")[min(depth, 3) - 1]
            lines.append(f'{indent}subgraph "cluster_{counter}" {{')
            lines.append(
                f"{indent}  graph [label=<<b>{_html_text(diagram.cluster_labels[key])}</b>>, "
                f'style="rounded,filled", color="#94a3b8", fillcolor="{fill}", '
                'labeljust="l", fontsize="10"];'
            )
            emit(sub, indent + "  ")
            lines.append(f"{indent}}}")

    emit((), "  ")
    for source, target, rtype in sorted(diagram.edges):
        attrs = f'label="{_safe_relation(rtype)}"' if rtype != "public" else 'color="#b91c1c"'
        style = _EDGE_STYLES.get(rtype)
        if style:
            attrs += f', style="{style}"'
        lines.append(f"  {_dot_id(source)} -> {_dot_id(target)} [{attrs}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _safe_relation(rtype: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", rtype)


# --- Mermaid ------------------------------------------------------------------------


def _mermaid_id(value: str) -> str:
    # Alphanumeric, collision-free and stable across runs; never a Mermaid keyword.
    return "r" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _mermaid_text(value: str) -> str:
    text = re.sub(r"\s*[\r\n]+\s*", " ", strip_control(value))
    # "#" first: Mermaid reads "#name;" as an entity code. https://mermaid.js.org/syntax/
    # flowchart.html#entity-codes-to-escape-characters
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;")):
        text = text.replace(char, code)
    return text


def to_mermaid(
    resources: Iterable[Mapping[str, Any] | Resource],
    group_by: str = "account",
    *,
    max_nodes: int = MAX_NODES,
) -> str:
    """Render an architecture diagram as a Mermaid flowchart (same content as `to_dot`).

    Raises:
        ReportError: group_by is not one of the accepted values.
    """
    diagram = _build(resources, group_by, max_nodes)
    children, members = _cluster_tree(diagram)
    lines = ["flowchart LR", f'  {_INTERNET}(("Internet"))']
    classes: dict[str, list[str]] = defaultdict(list)
    classes["inet"].append(_INTERNET)
    counter = 0

    def emit(path: ClusterPath, indent: str) -> None:
        nonlocal counter
        for node in members.get(path, []):
            node_id = _mermaid_id(node.id)
            classes[_style(node.type)[2]].append(node_id)
            label = f"<b>{_mermaid_text(node.label)}</b><br/>{_mermaid_text(node.sublabel)}"
            lines.append(f'{indent}{node_id}["{label}"]')
        for key in children.get(path, []):
            counter += 1
            lines.append(
                f'{indent}subgraph c{counter}["{_mermaid_text(diagram.cluster_labels[key])}"]'
            )
            emit((*path, key), indent + "  ")
            lines.append(f"{indent}end")

    emit((), "  ")

    def mid(node_id: str) -> str:
        return _INTERNET if node_id == _INTERNET else _mermaid_id(node_id)

    for source, target, rtype in sorted(diagram.edges):
        if rtype == "public":
            lines.append(f"  {mid(source)} --> {mid(target)}")
        else:
            arrow = "-.->" if rtype in _EDGE_STYLES else "-->"
            lines.append(f"  {mid(source)} {arrow}|{_safe_relation(rtype)}| {mid(target)}")
    for css_class in sorted(classes):
        lines.append(f"  classDef {css_class} {_MERMAID_CLASSES[css_class]}")
        lines.append(f"  class {','.join(sorted(classes[css_class]))} {css_class}")
    return "\n".join(lines) + "\n"


# --- SVG ----------------------------------------------------------------------------


def to_svg(dot_text: str) -> str:
    """Lay out DOT text with the Graphviz `dot` binary and return the SVG.

    Raises:
        ReportError: `dot` is not installed, timed out, or rejected the input.
    """
    dot = shutil.which("dot")
    if dot is None:
        msg = (
            "Graphviz 'dot' not found on PATH: install graphviz (apt-get install graphviz / "
            "brew install graphviz) or use --format dot|mermaid"
        )
        raise ReportError(msg)
    logger.debug("running %s -Tsvg on %d bytes of DOT", dot, len(dot_text))
    try:
        completed = subprocess.run(
            [dot, "-Tsvg"],
            input=dot_text.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        msg = (
            f"Graphviz 'dot' timed out after {DOT_TIMEOUT_SECONDS} s: the diagram is too "
            "large; group it differently (--group-by) or use --format dot|mermaid"
        )
        raise ReportError(msg) from exc
    if completed.returncode != 0:
        detail = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        first = detail[0] if detail else "no message"
        msg = f"Graphviz 'dot' failed with exit code {completed.returncode}: {first}"
        raise ReportError(msg)
    return completed.stdout.decode("utf-8", "replace")


def render_diagram(
    resources: Iterable[Mapping[str, Any] | Resource],
    fmt: str,
    group_by: str = "account",
    *,
    max_nodes: int = MAX_NODES,
) -> str:
    """Render a diagram in one of DIAGRAM_FORMATS (`dot`, `mermaid`, `svg`).

    Raises:
        ReportError: unknown format or group_by, or `dot` missing or failing for `svg`.
    """
    if fmt == "dot":
        return to_dot(resources, group_by, max_nodes=max_nodes)
    if fmt == "mermaid":
        return to_mermaid(resources, group_by, max_nodes=max_nodes)
    if fmt == "svg":
        return to_svg(to_dot(resources, group_by, max_nodes=max_nodes))
    msg = f"diagram format {fmt!r} is not valid (use one of: {', '.join(DIAGRAM_FORMATS)})"
    raise ReportError(msg)
