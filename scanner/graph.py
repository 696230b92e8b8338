"""The resource graph: who can reach what, who can assume or act as whom.

A networkx MultiDiGraph whose nodes are resource ids plus synthetic nodes (`internet`
and principals such as `principal:aws:account:123456789012` or `principal:gcp:allUsers`)
and whose edges are the resources' relations, keyed by relation type.

To stay small on large estates the graph holds a skeleton: for every node its type,
name, account, region and provider plus the few attributes exposure needs
(`SKELETON_ATTRIBUTES`); full attributes and tags are kept only for the types a caller
asks for (the types graph rules evaluate).

Edge direction follows the relation as stored on the resource, except for two relations
that read better the other way round (`REVERSED`): a role's `trusts -> principal`
becomes `principal -can_assume-> role`, and a resource's `iam_binding -> principal`
becomes `principal -grants-> resource` (with the role on the edge).

IAM attack paths (`admin_paths`, `data_readers`) are edges the graph derives itself, on
first use, from the principals it holds (`scanner.policy.escalation`): one edge kind per
"can become" method, from a principal to the principal whose rights it can obtain or to
an administrator node (`admin:aws:<account>`, `admin:gcp:projects/<id>`, ...), with the
method, permissions and the resource acted on as edge properties; and `can_read` edges
from principals to the sensitive data stores they can read.
"""

from __future__ import annotations

import logging
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import pairwise
from typing import Any, TypeVar

import networkx as nx
import orjson

from scanner.policy import escalation
from scanner.policy.network import is_publicly_addressed

__all__ = ["EXPOSURE_RELATIONS", "INTERNET", "REVERSED", "SKELETON_ATTRIBUTES", "ResourceGraph"]

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

INTERNET = "internet"

REVERSED = {"trusts": "can_assume", "iam_binding": "grants"}

# The relations internet exposure is decided from.
EXPOSURE_RELATIONS = frozenset(
    {"protected_by", "allows_from", "in_subnet", "in_network", "routes_to"}
)

# Attributes every node keeps, because internet exposure is decided from them.
# The fields `ResourceGraph.field` reads: a node's own, never packed with its attributes.
NODE_FIELDS = frozenset({"type", "name", "provider", "account", "region", "resource"})
SKELETON_ATTRIBUTES = (
    "public_ip",
    "publicly_accessible",
    "scheme",
    "has_internet_route",
    "network_tags",
    "target_tags",
    "direction",
    "disabled",
)


_SLIM_FIELDS = ("id", "type", "name", "provider", "account", "region")


class ResourceGraph:
    """The estate as a graph, with the path questions rules ask."""

    def __init__(
        self,
        keep_attributes_for: Iterable[str] = (),
        keep_relations: Iterable[str] | None = None,
    ) -> None:
        """`keep_relations` (stored relation names) leaves other edges out; None keeps all."""
        self.g = nx.MultiDiGraph()
        self.g.add_node(INTERNET, type="internet", name="internet")
        self._keep = frozenset(keep_attributes_for)
        self._relations = None if keep_relations is None else frozenset(keep_relations)
        self._exposure: dict[str, list[str]] | None = None
        self._by_type: dict[str, list[str]] = {}
        # edges per (source, target, kind), for the pairs with more than one of a kind
        self._edges: dict[tuple[str, str, str], int] = {}
        self._edge_props: dict[tuple[str, str, str], set[str]] = {}  # their properties
        self._escalation: escalation.Derivation | None = None
        self._derived: list[tuple[str, str, str]] = []  # escalation edges added
        self._admin_next: dict[str, tuple[str, str]] | None = None  # node -> (next, edge key)
        self._admin_paths: dict[str, list[str]] | None = None
        self._facts: dict[str, Any] = {}  # `fact`: what graph rules work out, by key

    # ------------------------------------------------------------------ building
    def add_resource(self, resource: Mapping[str, Any]) -> None:
        """Add one resource (snapshot dict form) and its relations.

        A resource no graph question can touch is left out: not of a kept type, no kept
        relation, no exposure attribute, and not yet the target of an edge.
        """
        rid = resource["id"]
        rtype = resource["type"]
        attrs: Mapping[str, Any] = resource.get("attributes") or {}
        kept = self._relations
        relations = [
            rel for rel in resource.get("relations") or () if kept is None or rel["type"] in kept
        ]
        is_kept_type = rtype in self._keep
        nodes = self.g._node  # networkx's node -> data, read directly on this hot path
        blob = None
        tags: Mapping[str, Any] = resource.get("tags") or {}
        if is_kept_type:
            blob = resource.get(_PACKED)  # from `slim`: bytes, which JSON never gives
            if not isinstance(blob, bytes):
                attrs, tags, blob = _packed(attrs, tags)
            node_attrs: Mapping[str, Any] = attrs
        else:
            node_attrs = {k: attrs[k] for k in SKELETON_ATTRIBUTES if attrs.get(k) is not None}
            if not relations and not node_attrs and rid not in nodes:
                return
        data: dict[str, Any] = {  # the few values shared by many nodes are interned
            "type": _intern(rtype),
            "name": resource.get("name", ""),
            "provider": _intern(resource.get("provider", "")),
            "account": _intern(resource.get("account", "")),
            "region": _intern(resource.get("region", "")),
            "resource": True,
            "attributes": node_attrs,
        }
        if is_kept_type:
            data["tags"] = tags
            data[_PACKED] = blob
        if rid in nodes:
            node = nodes[rid]
            if not node.get("resource"):
                self._by_type.setdefault(rtype, []).append(rid)
            node.update(data)
        else:
            self._new_node(rid, data)
            self._by_type.setdefault(rtype, []).append(rid)
        for rel in relations:
            target = rel["target"]
            if target not in nodes:
                self._new_node(target, _placeholder(target))
            kind = rel["type"]
            props = rel.get("properties") or {}
            if kind in REVERSED:
                self._add_edge(target, rid, REVERSED[kind], props)
            else:
                self._add_edge(rid, target, kind, props)
        self._exposure = None
        if self._facts:
            self._facts = {}
        if self._escalation is not None:
            self._forget_escalation()
        nx._clear_cache(self.g)  # as networkx's own add_node and add_edge do

    def _new_node(self, node_id: str, data: dict[str, Any]) -> None:
        """networkx's `add_node` for a node not yet in the graph, `data` kept as the node's
        dict instead of copied: a million-resource scan adds a million nodes, and this is
        a third of networkx's cost. The caller clears networkx's cache afterwards."""
        self.g._succ[node_id] = {}
        self.g._pred[node_id] = {}
        self.g._node[node_id] = data

    def _new_edge(self, source: str, target: str, key: str, props: Mapping[str, Any]) -> None:
        """networkx's `add_edge` for a key the pair has no edge with yet, written into its
        dicts as networkx writes them, at a third of the cost. The caller clears
        networkx's cache afterwards."""
        succ = self.g._succ
        if source not in succ or target not in succ:  # rare: networkx adds the nodes too
            self.g.add_edge(source, target, key=key, **props)
            return
        keys = succ[source].get(target)
        if keys is None:
            keys = succ[source][target] = self.g._pred[target][source] = {}
        keys[key] = dict(props)

    def slim(self, resource: Mapping[str, Any]) -> dict[str, Any]:
        """The part of a resource `add_resource` reads: adding it builds the same graph.

        A worker process of a parallel scan sends this to the parent that builds the graph,
        instead of the parent reading the whole snapshot again.
        """
        out = {k: resource[k] for k in _SLIM_FIELDS if k in resource}
        attrs: Mapping[str, Any] = resource.get("attributes") or {}
        if resource["type"] in self._keep:
            out["attributes"], out["tags"], blob = _packed(attrs, resource.get("tags") or {})
            if blob is not None:
                out[_PACKED] = blob
        else:
            out["attributes"] = {
                k: attrs[k] for k in SKELETON_ATTRIBUTES if attrs.get(k) is not None
            }
        kept = self._relations
        out["relations"] = [
            rel for rel in resource.get("relations") or () if kept is None or rel["type"] in kept
        ]
        return out

    def _add_edge(
        self, source: str, target: str, kind: str, props: Mapping[str, Any]
    ) -> tuple[str, str, str] | None:
        """Add an edge keyed by its relation; a second edge of the same kind between the
        same nodes (e.g. two port ranges open to the internet) gets key `kind#2`, ...

        An edge equal to one already there (same kind, same properties) adds nothing, and
        the next key is counted, not searched: a resource with thousands of repeated
        relations costs linear time.
        """
        keys = self.g._succ.get(source, {}).get(target)  # networkx's keydict of the pair
        if keys is None or kind not in keys:  # the usual case: the first edge of its kind
            self._new_edge(source, target, kind, props)
            return (source, target, kind)
        slot = (source, target, kind)
        n = self._edges.get(slot, 1)
        seen = self._edge_props.get(slot)
        if seen is None:
            seen = self._edge_props[slot] = {_props_key(keys[kind])}
        key = _props_key(props)
        if key in seen:
            return None
        seen.add(key)
        self._edges[slot] = n + 1
        edge_key = f"{kind}#{n + 1}"
        self.g.add_edge(source, target, key=edge_key, **props)
        return (source, target, edge_key)

    @classmethod
    def build(
        cls,
        resources: Iterable[Mapping[str, Any]],
        keep_attributes_for: Iterable[str] = (),
        keep_relations: Iterable[str] | None = None,
    ) -> ResourceGraph:
        """Build a graph from resources in snapshot dict form."""
        graph = cls(keep_attributes_for, keep_relations)
        for resource in resources:
            graph.add_resource(resource)
        return graph

    def release(self) -> None:
        """Drop every node and edge now. networkx keeps views of a graph that point back
        at it, so a dropped graph waits for a full garbage collection otherwise
        (`scanner.heap`); the graph is empty afterwards."""
        self.g.clear()
        self._by_type = {}
        self._edges = {}
        self._edge_props = {}
        self._exposure = None
        self._escalation = None
        self._derived = []
        self._admin_next = None
        self._admin_paths = None
        self._facts = {}

    def fact(self, key: str, work_out: Callable[[], _T]) -> _T:
        """What `work_out` derives from the graph, derived once and kept until the graph
        changes: several graph rules that read the same thing (each account's trails, each
        subnet's zone) share it. `key` names the fact (by convention `module.name`)."""
        if key not in self._facts:
            self._facts[key] = work_out()
        known: _T = self._facts[key]
        return known

    # ------------------------------------------------------------------ lookups
    def __contains__(self, node_id: object) -> bool:
        return node_id in self.g

    def __len__(self) -> int:
        return int(self.g.number_of_nodes())

    def node(self, node_id: str) -> dict[str, Any]:
        """The data held for a node (type, name, account, region, attributes, ...).

        The full attributes of a kept type are unpacked on each call: a fresh copy, so
        changing it changes nothing in the graph.
        """
        data: dict[str, Any] = self.g._node[node_id]
        if _PACKED not in data:
            return data
        full = data.copy()
        blob = full.pop(_PACKED)
        if blob is not None:
            full["attributes"], full["tags"] = orjson.loads(blob)
        return full

    def field(self, node_id: str, name: str) -> Any:
        """One of a node's own fields (`NODE_FIELDS`: type, name, provider, account, region,
        resource), read without unpacking its attributes as `node` does; None when the
        node does not have it (a placeholder has only a type)."""
        if name not in NODE_FIELDS:
            msg = f"{name!r} is not one of a node's own fields {sorted(NODE_FIELDS)}"
            raise KeyError(msg)
        return self.g._node[node_id].get(name)

    def resource_view(self, node_id: str) -> dict[str, Any]:
        """A node in the snapshot dict form (attributes as far as the graph holds them)."""
        data = self.node(node_id)
        return {
            "id": node_id,
            "type": data.get("type", ""),
            "name": data.get("name", ""),
            "provider": data.get("provider", ""),
            "account": data.get("account", ""),
            "region": data.get("region", ""),
            "tags": data.get("tags", {}),
            "attributes": data.get("attributes", {}),
        }

    def nodes_of_type(self, types: Iterable[str]) -> Iterator[str]:
        """Ids of the resources whose type is one of `types` (per type, in insertion order)."""
        for rtype in dict.fromkeys(types):
            yield from self._by_type.get(rtype, ())

    def neighbours(
        self,
        node_id: str,
        relation: str | None = None,
        *,
        type: str | None = None,
        direction: str = "out",
    ) -> list[str]:
        """Nodes linked to `node_id` by an edge of type `relation` (any type if None).

        `direction` is "out" (edges from the node) or "in" (edges into it); `type`
        keeps only neighbours of that resource type.
        """
        # networkx's adjacency: neighbour -> {edge key: data}, in the order out_edges and
        # in_edges walk it; read directly, as a graph rule asks this for every node
        links = (self.g._succ if direction == "out" else self.g._pred).get(node_id)
        if links is None:  # not in the graph
            return []
        nodes = self.g._node
        return [
            end
            for end, keys in links.items()
            if (relation is None or relation in keys or any(_kind(k) == relation for k in keys))
            and (type is None or nodes[end].get("type") == type)
        ]

    def edge_properties(self, source: str, target: str, relation: str) -> list[dict[str, Any]]:
        """Properties of every `source -relation-> target` edge (empty list if none)."""
        edges = self.g.get_edge_data(source, target) or {}
        return [dict(data) for key, data in edges.items() if _kind(key) == relation]

    def shortest_path(
        self, source: str, target: str, relations: Iterable[str] | None = None
    ) -> list[str] | None:
        """The shortest path from source to target over edges of the given types, or None."""
        if source not in self.g or target not in self.g:
            return None
        view = self._view(relations)
        try:
            path: list[str] = nx.shortest_path(view, source, target)
        except nx.NetworkXNoPath:
            return None
        return path

    def paths(
        self,
        source: str,
        target: str,
        relations: Iterable[str] | None = None,
        *,
        max_length: int = 6,
        limit: int = 20,
    ) -> list[list[str]]:
        """Simple paths from source to target over edges of the given types (bounded)."""
        if source not in self.g or target not in self.g:
            return []
        out: list[list[str]] = []
        for path in nx.all_simple_paths(self._view(relations), source, target, cutoff=max_length):
            out.append(list(path))
            if len(out) >= limit:
                break
        return out

    def _view(self, relations: Iterable[str] | None) -> Any:
        if relations is None:
            return self.g
        allowed = frozenset(relations)
        return nx.subgraph_view(self.g, filter_edge=lambda _u, _v, k: _kind(k) in allowed)

    # ------------------------------------------------------------------ exposure
    def internet_path(self, node_id: str) -> list[str] | None:
        """How the internet reaches `node_id` (`[internet, via, ..., node_id]`), or None."""
        if self._exposure is None:
            self._exposure = self._compute_exposure()
        return self._exposure.get(node_id)

    def is_reachable_from_internet(self, node_id: str) -> bool:
        """True when some path lets traffic from the internet reach the node."""
        return self.internet_path(node_id) is not None

    def exposed_nodes(self) -> dict[str, list[str]]:
        """Every node reachable from the internet, with the path that reaches it."""
        if self._exposure is None:
            self._exposure = self._compute_exposure()
        return dict(self._exposure)

    def _compute_exposure(self) -> dict[str, list[str]]:
        """Directly exposed nodes first, then whatever they route traffic to."""
        g = self.g
        # Filters (security groups, firewalls) that admit the internet.
        open_filters = {
            u for u, _, k in g.in_edges(INTERNET, keys=True) if _kind(k) == "allows_from"
        }
        # GCP firewalls apply per network: network id -> open firewall ids.
        open_fw_by_network: dict[str, list[str]] = {}
        for fw in sorted(open_filters):  # sorted: the reported path must not vary by run
            if g.nodes[fw].get("type") != "gcp.compute.firewall":
                continue
            fw_attrs = g.nodes[fw].get("attributes", {})
            if (
                fw_attrs.get("disabled") is True
                or fw_attrs.get("direction", "INGRESS") != "INGRESS"
            ):
                continue
            for net in self.neighbours(fw, "in_network"):
                open_fw_by_network.setdefault(net, []).append(fw)

        exposure: dict[str, list[str]] = {}
        for node_id, data in g.nodes(data=True):
            if not data.get("resource"):
                continue
            attrs = data.get("attributes", {})
            if not is_publicly_addressed(attrs):
                continue
            via = self._direct_exposure(node_id, data, attrs, open_filters, open_fw_by_network)
            if via is not None:
                exposure[node_id] = [INTERNET, via, node_id]

        # Traffic that reaches a load balancer (or gateway) reaches what it routes to.
        queue = deque(exposure)
        while queue:
            node_id = queue.popleft()
            for target in self.neighbours(node_id, "routes_to"):
                if target not in exposure:
                    exposure[target] = [*exposure[node_id], target]
                    queue.append(target)
        return exposure

    def _direct_exposure(
        self,
        node_id: str,
        data: Mapping[str, Any],
        attrs: Mapping[str, Any],
        open_filters: set[str],
        open_fw_by_network: Mapping[str, list[str]],
    ) -> str | None:
        """The filter through which the internet reaches a publicly addressed node."""
        rtype = str(data.get("type", ""))
        if rtype.startswith("gcp."):
            tags = set(attrs.get("network_tags") or ())
            for net in self.neighbours(node_id, "in_network"):
                for fw in open_fw_by_network.get(net, ()):
                    fw_tags = set(self.g.nodes[fw].get("attributes", {}).get("target_tags") or ())
                    if not fw_tags or fw_tags & tags:
                        return fw
            return None
        # AWS: a public subnet (or none known) and a security group open to the internet.
        # With several subnets (an RDS subnet group), one routed subnet is enough.
        subnets = self.neighbours(node_id, "in_subnet")
        if subnets and all(
            self.g.nodes[s].get("attributes", {}).get("has_internet_route") is False
            for s in subnets
        ):
            return None
        for sg in self.neighbours(node_id, "protected_by"):
            if sg in open_filters:
                return sg
        return None

    # ------------------------------------------------------------------ attack paths
    def attack_steps(self) -> escalation.Derivation:
        """The "can become" and `can_read` steps of the principals in the graph.

        Derived once (and again after more resources are added) from the nodes of
        `escalation.INPUT_TYPES`, which must be kept with their attributes (a rule lists
        them in `graph_types`); each step also becomes an edge of the graph.
        """
        if self._escalation is None:
            inputs = []
            for node_id in self.nodes_of_type(escalation.INPUT_TYPES):
                view = self.resource_view(node_id)
                if view["type"] in escalation.NO_ATTRIBUTE_TYPES:
                    view["attributes"] = {}  # held by every input at once: only what is read
                view["relations"] = [
                    {"type": "runs_as", "target": t} for t in self.neighbours(node_id, "runs_as")
                ]
                inputs.append(view)
            derived = escalation.derive(inputs)
            for step in [*derived.steps, *derived.reads]:
                for node in (step.source, step.target):
                    if node not in self.g:
                        self._new_node(node, _placeholder(node))
                added = self._add_edge(step.source, step.target, step.method, step.properties())
                if added is not None:
                    self._derived.append(added)
            nx._clear_cache(self.g)
            self._facts = {}  # worked out without the new edges
            self._escalation = derived
        return self._escalation

    def _forget_escalation(self) -> None:
        for source, target, key in self._derived:
            self.g.remove_edge(source, target, key)
            slot = (source, target, _kind(key))
            self._edges.pop(slot, None)
            self._edge_props.pop(slot, None)
        self._derived = []
        self._escalation = None
        self._admin_next = None
        self._admin_paths = None

    def admin_paths(self) -> Mapping[str, list[str]]:
        """Each node that can reach administrator rights -> its shortest path to them.

        A path runs over "can become" edges (`escalation.METHODS`) and ends at an
        administrator node; a principal that holds administrator rights itself has the
        path `[principal, admin node]` (`is_admin`). Among equally short paths the one
        first in node-id order is kept, so reports do not vary between runs. Worked out
        once (until resources are added): read it, do not change it.
        """
        nxt = self._admin_steps()
        if self._admin_paths is None:
            out: dict[str, list[str]] = {}
            for node in nxt:
                path = [node]
                while path[-1] in nxt:
                    path.append(nxt[path[-1]][0])
                out[node] = path
            self._admin_paths = out
        return self._admin_paths

    def _admin_steps(self) -> dict[str, tuple[str, str]]:
        """node -> (next node, edge key) on its shortest path to administrator rights."""
        self.attack_steps()
        if self._admin_next is None:
            nxt: dict[str, tuple[str, str]] = {}
            queue = deque(sorted(n for n in self.g if escalation.is_admin_node(str(n))))
            seen = set(queue)
            while queue:
                node = queue.popleft()
                for source, _, key in sorted(self.g.in_edges(node, keys=True)):
                    if source not in seen and _kind(key) in escalation.METHODS:
                        seen.add(source)
                        nxt[source] = (node, key)
                        queue.append(source)
            self._admin_next = nxt
        return self._admin_next

    def is_admin(self, node_id: str) -> bool:
        """True when the principal holds administrator rights itself."""
        step = self._admin_steps().get(node_id)
        return step is not None and _kind(step[1]) == escalation.ADMIN_EDGE

    def path_steps(self, path: list[str]) -> list[dict[str, Any]]:
        """The edge properties of each step of an `admin_paths` path (method, ...)."""
        nxt = self._admin_steps()
        steps = []
        for source in path[:-1]:
            target, key = nxt[source]
            steps.append({"source": source, "target": target, **self.g.edges[source, target, key]})
        return steps

    def runs_as(self, node_id: str) -> list[str]:
        """The roles or service accounts a workload runs as (`runs_as` edges), leaving out
        an ECS task's execution role, which only pulls images and writes logs."""
        return [
            target
            for target in self.neighbours(node_id, "runs_as")
            if not any(
                p.get("purpose") == "execution"
                for p in self.edge_properties(node_id, target, "runs_as")
            )
        ]

    def path_evidence(self, path: list[str]) -> dict[str, Any]:
        """A path made readable for a finding: each node's name (`path_names`) and, per
        step, the edge that makes it (`path_steps`: the method and permissions of an
        escalation edge, else the relation), e.g. `aws_create_policy_version
        (iam:CreatePolicyVersion on arn:...:policy/dev)`."""
        nxt = self._admin_steps()
        names = [str(self.g.nodes[n].get("name") or n) if n in self.g else n for n in path]
        steps = []
        for source, target in pairwise(path):
            chosen = nxt.get(source)
            if chosen is not None and chosen[0] == target:
                key = chosen[1]
            else:
                keys = sorted((self.g.get_edge_data(source, target) or {}).keys())
                if not keys:  # an exposure hop: the filter admits the internet, or the node
                    steps.append("reaches")
                    continue
                key = keys[0]
            steps.append(_step_label(_kind(key), self.g.edges[source, target, key]))
        return {"path_names": names, "path_steps": steps}

    def data_readers(self, principal: str) -> list[dict[str, Any]]:
        """The sensitive data stores a principal can read: `can_read` edge properties with
        the store as `target`, in store-id order."""
        self.attack_steps()
        if principal not in self.g:
            return []
        return [
            {"target": target, **data}
            for _, target, key, data in sorted(
                self.g.out_edges(principal, keys=True, data=True), key=lambda e: (e[1], e[2])
            )
            if _kind(key) == escalation.READ_EDGE
        ]


def _step_label(kind: str, data: Mapping[str, Any]) -> str:
    """One step of a path as text: the method, its permissions and what it acts on."""
    parts = [", ".join(data.get("permissions") or ())]
    if data.get("via"):
        parts.append(f"on {data['via']}")
    if data.get("detail"):
        parts.append(f"[{data['detail']}]")
    text = " ".join(p for p in parts if p)
    return f"{kind} ({text})" if text else kind


# The node field holding a kept type's full attributes and tags as JSON: a few hundred
# bytes where the same values as Python objects take a few kilobytes, which at a million
# resources is most of the graph's memory. Graph rules read them through `node` and
# `resource_view`, which unpack them.
_PACKED = "attributes_json"
_NO_TAGS: Mapping[str, Any] = {}


def _packed(
    attrs: Mapping[str, Any], tags: Mapping[str, Any]
) -> tuple[Mapping[str, Any], Mapping[str, Any], bytes | None]:
    """(skeleton attributes, no tags, [attributes, tags] as JSON); values JSON cannot hold
    (an integer past 64 bits from a plan) keep attributes and tags as they are."""
    try:
        # copied: orjson's result keeps its whole write buffer (4 KB at least) allocated
        blob = bytes(memoryview(orjson.dumps([attrs, tags])))
    except orjson.JSONEncodeError:
        return attrs, tags, None
    skeleton = {k: attrs[k] for k in SKELETON_ATTRIBUTES if attrs.get(k) is not None}
    return skeleton, _NO_TAGS, blob


def _intern(value: Any) -> Any:
    return sys.intern(value) if type(value) is str else value


def _props_key(props: Mapping[str, Any]) -> str:
    return repr(sorted(props.items()))


def _kind(key: str) -> str:
    """The relation of an edge key (`allows_from#2` -> `allows_from`)."""
    return key.partition("#")[0]


def _placeholder(target: str) -> dict[str, Any]:
    """Data for a node only known as a relation target (so far)."""
    if target == INTERNET:
        return {"type": "internet", "name": "internet"}
    if target.startswith("principal:") or escalation.is_admin_node(target):
        kind, provider, name = target.split(":", 2)
        if kind == "admin":
            return {"type": "admin", "name": f"administrator of {name}", "provider": provider}
        return {"type": "principal", "name": name, "provider": provider}
    return {"type": "unknown", "name": target}
