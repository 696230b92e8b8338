"""Views of the architecture: what one diagram shows, nested in places and aggregated.

- `overview`: the edge, compute, messaging and data tiers; exposure, routing, origins,
  events, reads/writes; nested account -> region -> VPC -> public / private subnets.
  Boxes without any edge are counted per tier and cluster ("more data stores").
- `network`: everything in a VPC / VPC network, with its gateways; exposure and
  routing; nested account -> region -> VPC -> zone -> subnet (public or private).
- `dataflow`: the ends of data edges: reads/writes, events, logs, cross-account trust,
  routing; nested account -> region.
- `exposure`: what the internet reaches, and how; the paths to resources with a
  critical finding are highlighted; nested as the overview.
- `product`: one product's resources across accounts and clouds, every edge kind.

Aggregation keeps a page readable: nodes of one type in the same innermost cluster with
the same connections become one node ("prod-web", "3 EC2 instances"); above
`max_nodes`, nodes of one type in one cluster merge whatever their connections, then
per coarser cluster, up to one node per type. Every node of a view sits in exactly one
cluster (the internet in none) and everything is sorted, so a view is the same on every
run.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from scanner.architecture.model import (
    EXTERNAL_TYPE,
    INTERNET,
    ArchEdge,
    Architecture,
    ArchNode,
)
from scanner.catalog.tiers import REQUEST_TIERS, placement
from scanner.errors import ReportError
from scanner.headroom import UNTAGGED
from scanner.model import Finding, FindingStatus

__all__ = [
    "MAX_NODES",
    "VIEWS",
    "Cluster",
    "ClusterKey",
    "View",
    "ViewEdge",
    "ViewNode",
    "build_view",
    "open_severities",
    "products",
]

VIEWS = ("overview", "network", "dataflow", "exposure", "product")
MAX_NODES = 200
_SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}
_MAIN_KINDS = frozenset({"exposes", "routes_to", "origin", "event", "reads", "writes"})
_DATA_KINDS = frozenset({"reads", "writes", "event", "logs_to", "trusts", "routes_to", "origin"})
_TIER_NOUNS = {
    "edge": "more entry points",
    "compute": "more compute",
    "messaging": "queues and topics",
    "data": "more data stores",
}
_TITLES = {
    "overview": "Architecture overview",
    "network": "Networks",
    "dataflow": "Data flow",
    "exposure": "Internet exposure",
    "product": "Product",
}

ClusterKey = tuple[str, str]  # (kind, value): ("account", "aws:123"), ("vpc", id), ...
ClusterPath = tuple[ClusterKey, ...]
ESTATE: ClusterKey = ("estate", "")  # the one cluster of a view merged down to types


@dataclass
class ViewNode:
    """One box: a resource, or like resources aggregated (`members`)."""

    id: str
    title: str
    subtitle: str
    type: str
    tier: str
    members: tuple[str, ...]
    severity: str | None = None
    exposed: bool = False

    resources: int = 0  # how many of the members are resources

    @property
    def count(self) -> int:
        """How many resources the box stands for (0 for the internet and outside accounts)."""
        return self.resources


@dataclass(frozen=True, order=True)
class ViewEdge:
    """An arrow between two boxes; `highlight` marks a path behind a critical finding."""

    source: str
    target: str
    kind: str
    label: str = ""
    highlight: bool = False


@dataclass
class Cluster:
    """A place (account, region, VPC, subnet, ...) and what sits directly in it."""

    key: ClusterKey
    label: str
    clusters: list[Cluster] = field(default_factory=list)
    nodes: list[ViewNode] = field(default_factory=list)


@dataclass
class View:
    """What one diagram shows: the cluster tree (root holds the internet) and the edges."""

    name: str
    title: str
    root: Cluster
    edges: list[ViewEdge]

    def nodes(self) -> list[ViewNode]:
        """Every box, in drawing order."""
        return [node for _, node in self.placed()]

    def placed(self) -> list[tuple[ClusterPath, ViewNode]]:
        """Every box with the path of clusters it sits in (outermost first)."""
        out: list[tuple[ClusterPath, ViewNode]] = []

        def walk(cluster: Cluster, path: ClusterPath) -> None:
            out.extend((path, node) for node in cluster.nodes)
            for child in cluster.clusters:
                walk(child, (*path, child.key))

        walk(self.root, ())
        return out


def _worst(severities: Iterable[str | None]) -> str | None:
    found = [s for s in severities if s in _SEVERITY_RANK]
    return max(found, key=lambda s: _SEVERITY_RANK[s]) if found else None


def open_severities(findings: Iterable[Finding]) -> dict[str, str]:
    """Resource id -> the worst severity of its open findings (failed, not suppressed)."""
    out: dict[str, str] = {}
    for finding in findings:
        if finding.status != FindingStatus.FAIL or finding.suppression is not None:
            continue
        rid, severity = finding.resource.id, finding.severity.value
        out[rid] = _worst([out.get(rid), severity]) or severity
    return out


# ------------------------------------------------------------------ selection
def _select(
    arch: Architecture, view: str, product: str | None
) -> tuple[dict[str, ArchNode], list[ArchEdge]]:
    nodes = arch.nodes
    if view == "overview":
        keep = {n for n, node in nodes.items() if node.tier in REQUEST_TIERS}
        kinds = _MAIN_KINDS
    elif view == "network":
        keep = {n for n, node in nodes.items() if node.scope.network}
        kinds = frozenset({"exposes", "routes_to", "origin"})
    elif view == "dataflow":
        kinds = _DATA_KINDS
        keep = {e.source for e in arch.edges if e.kind in kinds}
        keep |= {e.target for e in arch.edges if e.kind in kinds}
    elif view == "exposure":
        keep = set(arch.exposure) & set(nodes)
        kinds = frozenset({"exposes", "routes_to", "origin"})
    elif view == "product":
        keep = {n for n, node in nodes.items() if product is not None and node.product == product}
        kinds = frozenset(k for k in _MAIN_KINDS | _DATA_KINDS if k != "trusts")
    else:
        msg = f"diagram view {view!r} is not valid (use one of: {', '.join(VIEWS)})"
        raise ReportError(msg)
    keep.add(INTERNET)
    edges = sorted(
        e for e in arch.edges if e.kind in kinds and e.source in keep and e.target in keep
    )
    if not any(INTERNET in (e.source, e.target) for e in edges):
        keep.discard(INTERNET)
    return {n: nodes[n] for n in sorted(keep)}, edges


def products(arch: Architecture) -> list[str]:
    """The products the model's nodes are tagged with (for the `product` view)."""
    return sorted({n.product for n in arch.nodes.values() if n.product and n.product != UNTAGGED})


# ------------------------------------------------------------------ places
class _Places:
    """Cluster paths of nodes for one view, and the clusters' labels."""

    def __init__(self, arch: Architecture, view: str, group_by: str) -> None:
        self.arch = arch
        self.view = view
        self.tag_key = group_by[len("tag:") :] if group_by.startswith("tag:") else ""
        self.vpc_first = group_by == "vpc"
        self.labels: dict[ClusterKey, str] = {}

    def _key(self, kind: str, value: str, label: str) -> ClusterKey:
        key = (kind, value)
        self.labels.setdefault(key, label)
        return key

    def _account(self, node: ArchNode) -> ClusterKey:
        scope = node.scope
        noun = "project" if scope.provider == "gcp" else "account"
        alias = self.arch.names.get(f"account:{scope.account}")
        label = f"{scope.provider.upper()} {noun} {scope.account or '(unknown)'}"
        if alias:
            label = f"{scope.provider.upper()} {noun} {alias} ({scope.account})"
        return self._key("account", f"{scope.provider}:{scope.account}", label)

    def path(self, node: ArchNode) -> ClusterPath:
        if node.id == INTERNET:
            return ()
        if node.type == EXTERNAL_TYPE or node.tier == "external":
            return (self._key("external", "outside", "outside the estate"),)
        scope = node.scope
        path: list[ClusterKey] = []
        if self.tag_key:
            value = node.tags.get(self.tag_key, "")
            path.append(
                self._key("tag", value, f"{self.tag_key} = {value}" if value else "untagged")
            )
        if not (self.vpc_first and scope.network):
            path.append(self._account(node))
            if scope.region not in ("", "global"):  # global resources sit in the account
                region = f"{scope.provider}:{scope.account}:{scope.region}"
                path.append(self._key("region", region, scope.region))
        if self.view == "dataflow" or not scope.network:
            return tuple(path)
        net = scope.network
        noun = "VPC network" if scope.provider == "gcp" else "VPC"
        path.append(self._key("vpc", net, f"{noun} {self.arch.names.get(net, _short(net))}"))
        if self.view == "network":
            if scope.zone:
                path.append(self._key("zone", f"{net}|{scope.zone}", f"zone {scope.zone}"))
            if scope.subnet:
                name = self.arch.names.get(scope.subnet, _short(scope.subnet))
                label = f"{scope.subnet_class} subnet {name}".replace("subnet subnet", "subnet")
                path.append(self._key(f"subnet-{scope.subnet_class}", scope.subnet, label))
        elif scope.subnet_class in ("public", "private"):
            label = f"{scope.subnet_class} subnets"
            kind = f"subnets-{scope.subnet_class}"
            path.append(self._key(kind, f"{net}|{scope.subnet_class}", label))
        return tuple(path)


def _short(resource_id: str) -> str:
    tail = resource_id.rstrip("/").replace(":", "/").rsplit("/", 1)[-1]
    return tail or resource_id


# ------------------------------------------------------------------ aggregation
_NAMES_WIDTH = 20  # characters of member names an aggregated box lists
_STEM = re.compile(r"[-_.]*\d+[a-z]?$")


def _stem(names: list[str]) -> str:
    """The shared name of numbered resources (`prod-web-1`, `prod-web-2` -> `prod-web`)."""
    stems = {_STEM.sub("", name) for name in names}
    if len(stems) == 1:
        stem = stems.pop()
        if len(stem) >= 3:
            return stem
    return ""


def _group_label(members: list[ArchNode]) -> tuple[str, str]:
    first = members[0]
    place = placement(first.type)
    types = sorted({m.type for m in members})
    if len(types) > 1:
        counts = [(sum(m.type == t for m in members), t) for t in types]
        parts = [f"{n} {placement(t).plural if n > 1 else placement(t).label}" for n, t in counts]
        return _TIER_NOUNS.get(first.tier, first.tier), "\n".join(parts)
    if len(members) == 1:
        if first.id.startswith("every:"):
            return first.name, "any in the account (Resource: *)"
        return first.name, place.label
    count = f"{len(members)} {place.plural}"
    stem = _stem([m.name for m in members])
    if stem:
        return stem, count
    names = sorted(m.name for m in members)
    shown = ", ".join(names[:2])
    if len(shown) > _NAMES_WIDTH:
        return count, f"{names[0][: _NAMES_WIDTH - 3]}... +{len(names) - 1}"
    extra = f" +{len(names) - 2}" if len(names) > 2 else ""
    return count, shown + extra


def _signatures(edges: list[ArchEdge]) -> dict[str, tuple[tuple[str, str, str], ...]]:
    sig: dict[str, set[tuple[str, str, str]]] = {}
    for e in edges:
        sig.setdefault(e.source, set()).add(("out", e.kind, e.target))
        sig.setdefault(e.target, set()).add(("in", e.kind, e.source))
    return {n: tuple(sorted(s)) for n, s in sig.items()}


GroupKey = tuple[ClusterPath, str, tuple[tuple[str, str, str], ...]]


def _groups(
    nodes: Mapping[str, ArchNode],
    paths: Mapping[str, ClusterPath],
    edges: list[ArchEdge],
    max_nodes: int,
    summarise: bool,
) -> dict[GroupKey, list[ArchNode]]:
    """Like nodes together: same type, cluster and connections; coarser above max_nodes."""
    signatures = _signatures(edges)
    depth_max = max((len(p) for p in paths.values()), default=0)
    attempts: list[Callable[[str], GroupKey]] = [
        lambda n: (paths[n], nodes[n].type, signatures.get(n, ()))
    ]

    def linked(node_id: str) -> tuple[tuple[str, str, str], ...]:
        # coarser levels merge whatever the connections, but keep connected boxes apart
        # from the unconnected ones the overview counts per tier
        return (("linked", "", ""),) if node_id in signatures else ()

    for depth in range(depth_max, 0, -1):
        attempts.append(lambda n, d=depth: (paths[n][:d], nodes[n].type, linked(n)))  # type: ignore[misc]
    # last resort: one box per type, in one cluster for the whole estate
    attempts.append(lambda n: ((ESTATE,), nodes[n].type, linked(n)))
    groups: dict[GroupKey, list[ArchNode]] = {}
    for key_of in attempts:
        groups = {}
        for node_id, node in nodes.items():
            key = (paths[node_id], node.type, ()) if node_id == INTERNET else key_of(node_id)
            if not node.is_resource:
                key = (paths[node_id], node_id, ())  # outside accounts, "every ..." stay apart
            groups.setdefault(key, []).append(node)
        if summarise:
            groups = _summarise_unconnected(groups)
        if len(groups) <= max_nodes:
            break
    return groups


def _summarise_unconnected(
    groups: dict[GroupKey, list[ArchNode]],
) -> dict[GroupKey, list[ArchNode]]:
    """Boxes with no edge, of one tier in one cluster, become one box (the overview's
    "also here": the page shows what is connected and counts the rest)."""
    out: dict[GroupKey, list[ArchNode]] = {}
    for (path, rtype, signature), members in groups.items():
        key: GroupKey = (path, rtype, signature)
        if not signature and members[0].tier in REQUEST_TIERS:
            key = (path, "tier:" + members[0].tier, ())
        out.setdefault(key, []).extend(members)
    return out


# ------------------------------------------------------------------ the view
def build_view(
    arch: Architecture,
    view: str,
    *,
    severities: Mapping[str, str] | None = None,
    product: str | None = None,
    group_by: str = "account",
    max_nodes: int = MAX_NODES,
) -> View:
    """Select, place and aggregate what `view` shows of the architecture.

    Raises:
        ReportError: unknown view or group_by, or the product view without a known product.
    """
    if not (group_by in ("account", "vpc") or (group_by.startswith("tag:") and group_by[4:])):
        msg = f"diagram group_by {group_by!r} is not valid (use account, vpc or tag:KEY)"
        raise ReportError(msg)
    if view == "product" and product not in products(arch):
        known = ", ".join(products(arch)) or "none tagged"
        msg = f"diagram view product needs --product NAME (products: {known})"
        raise ReportError(msg)
    severities = severities or {}
    nodes, edges = _select(arch, view, product)
    places = _Places(arch, view, group_by)
    places.labels[ESTATE] = "every account and project"
    paths = {n: places.path(node) for n, node in nodes.items()}
    groups = _groups(nodes, paths, edges, max_nodes, summarise=view == "overview")
    box_of: dict[str, str] = {}
    boxes: dict[str, tuple[ClusterPath, ViewNode]] = {}
    for key, members in sorted(groups.items(), key=lambda kv: repr(kv[0])):
        members.sort(key=lambda m: m.id)
        if len(members) == 1:
            box_id = members[0].id
        else:
            box_id = "group:" + hashlib.sha256(repr(key).encode()).hexdigest()[:16]
        title, subtitle = _group_label(members)
        if members[0].id == INTERNET:
            title, subtitle = "Internet", ""
        boxes[box_id] = (
            key[0],
            ViewNode(
                id=box_id,
                title=title,
                subtitle=subtitle,
                type=members[0].type if len({m.type for m in members}) == 1 else "mixed",
                tier=members[0].tier,
                members=tuple(m.id for m in members),
                severity=_worst(severities.get(m.id) for m in members),
                exposed=any(m.exposed for m in members),
                resources=sum(m.is_resource for m in members),
            ),
        )
        box_of.update((m.id, box_id) for m in members)
    highlighted = _critical_paths(arch, severities) if view == "exposure" else set()
    return View(
        name=view,
        title=_TITLES[view] + (f": {product}" if view == "product" else ""),
        root=_tree(boxes, places.labels),
        edges=_merge_edges(edges, box_of, highlighted),
    )


def _critical_paths(arch: Architecture, severities: Mapping[str, str]) -> set[tuple[str, str]]:
    """(source, target) pairs on the internet paths to nodes with a critical finding."""
    pairs: set[tuple[str, str]] = set()
    for node_id, path in arch.exposure.items():
        if severities.get(node_id) != "critical":
            continue
        hops = [INTERNET, *path[2:]]  # path[1] is the filter it passes, not a box
        pairs.update(itertools.pairwise(hops))
    return pairs


def _merge_edges(
    edges: list[ArchEdge], box_of: Mapping[str, str], highlighted: set[tuple[str, str]]
) -> list[ViewEdge]:
    merged: dict[tuple[str, str, str], tuple[set[str], bool]] = {}
    for e in edges:
        source, target = box_of[e.source], box_of[e.target]
        if source == target:
            continue
        labels, hot = merged.get((source, target, e.kind), (set(), False))
        labels.add(e.label)
        merged[(source, target, e.kind)] = (labels, hot or (e.source, e.target) in highlighted)
    return [
        ViewEdge(s, t, kind, ", ".join(sorted(x for x in labels if x)), hot)
        for (s, t, kind), (labels, hot) in sorted(merged.items())
    ]


def _tree(
    boxes: Mapping[str, tuple[ClusterPath, ViewNode]], labels: Mapping[ClusterKey, str]
) -> Cluster:
    root = Cluster(("root", ""), "")
    index: dict[ClusterPath, Cluster] = {(): root}
    for path, node in boxes.values():
        for depth in range(1, len(path) + 1):
            sub = path[:depth]
            if sub not in index:
                cluster = Cluster(sub[-1], labels[sub[-1]])
                index[sub] = cluster
                index[sub[:-1]].clusters.append(cluster)
        index[path].nodes.append(node)
    for cluster in index.values():
        cluster.clusters.sort(key=lambda c: (c.key[0] == "external", c.label, c.key))
        cluster.nodes.sort(key=lambda n: (n.tier, n.type, n.title, n.id))
    return root
