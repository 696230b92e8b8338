"""The resource graph: exposure to the internet, paths, neighbours, reversed edges."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.engine import load_rules
from scanner.graph import INTERNET, NODE_FIELDS, ResourceGraph
from scanner.paths import data_dir
from scanner.snapshot import open_snapshot
from scanner.synthetic.builders import resource


def r(
    rid: str,
    rtype: str,
    attrs: dict[str, Any] | None = None,
    rels: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    return resource(
        rid,
        rtype,
        account="1",
        region="eu-west-1",
        name=rid,
        attributes=attrs,
        relations=rels or (),
    )


def aws_estate() -> list[dict[str, Any]]:
    return [
        r("sg-open", "aws.ec2.security_group", rels=[("allows_from", INTERNET)]),
        r("sg-closed", "aws.ec2.security_group", rels=[("allows_from", "sg-open")]),
        r("subnet-pub", "aws.ec2.subnet", {"has_internet_route": True}),
        r("subnet-priv", "aws.ec2.subnet", {"has_internet_route": False}),
        r(
            "lb",
            "aws.elbv2.load_balancer",
            {"scheme": "internet-facing"},
            [("protected_by", "sg-open"), ("routes_to", "web")],
        ),
        r(
            "web",
            "aws.ec2.instance",
            {"public_ip": None},
            [("protected_by", "sg-closed"), ("in_subnet", "subnet-priv")],
        ),
        r(
            "bastion",
            "aws.ec2.instance",
            {"public_ip": "203.0.113.9"},
            [("protected_by", "sg-open"), ("in_subnet", "subnet-pub")],
        ),
        r(
            "hidden",
            "aws.ec2.instance",
            {"public_ip": "203.0.113.10"},
            [("protected_by", "sg-open"), ("in_subnet", "subnet-priv")],
        ),
        r("db", "aws.rds.instance", {"publicly_accessible": True}, [("protected_by", "sg-closed")]),
        r(
            "db-open",
            "aws.rds.instance",
            {"publicly_accessible": True},
            [("protected_by", "sg-open")],
        ),
        r("role", "aws.iam.role", rels=[("trusts", "principal:aws:account:999")]),
    ]


def test_aws_exposure() -> None:
    g = ResourceGraph.build(aws_estate())
    assert g.internet_path("lb") == [INTERNET, "sg-open", "lb"]
    assert g.internet_path("web") == [INTERNET, "sg-open", "lb", "web"]  # through the LB
    assert g.internet_path("bastion") == [INTERNET, "sg-open", "bastion"]
    assert g.internet_path("hidden") is None  # public IP in a subnet with no IGW route
    assert g.internet_path("db") is None  # public flag but its group admits no internet
    assert g.is_reachable_from_internet("db-open")
    assert set(g.exposed_nodes()) == {"lb", "web", "bastion", "db-open"}


def test_gcp_exposure_follows_network_and_tags() -> None:
    g = ResourceGraph.build(
        [
            r("net", "gcp.compute.network"),
            r(
                "fw-ssh",
                "gcp.compute.firewall",
                {"direction": "INGRESS", "target_tags": ["ssh"]},
                [("in_network", "net"), ("allows_from", INTERNET)],
            ),
            r(
                "fw-off",
                "gcp.compute.firewall",
                {"direction": "INGRESS", "disabled": True, "target_tags": []},
                [("in_network", "net"), ("allows_from", INTERNET)],
            ),
            r(
                "vm-ssh",
                "gcp.compute.instance",
                {"public_ip": "34.1.1.1", "network_tags": ["ssh"]},
                [("in_network", "net")],
            ),
            r(
                "vm-web",
                "gcp.compute.instance",
                {"public_ip": "34.1.1.2", "network_tags": ["web"]},
                [("in_network", "net")],
            ),
            r(
                "vm-private",
                "gcp.compute.instance",
                {"network_tags": ["ssh"]},
                [("in_network", "net")],
            ),
        ]
    )
    assert g.internet_path("vm-ssh") == [INTERNET, "fw-ssh", "vm-ssh"]
    assert g.internet_path("vm-web") is None  # disabled rule applies to all, but is off
    assert g.internet_path("vm-private") is None


def test_reversed_edges_and_queries() -> None:
    g = ResourceGraph.build(
        [
            *aws_estate(),
            r(
                "//storage.googleapis.com/b",
                "gcp.storage.bucket",
                rels=[("iam_binding", "principal:gcp:allUsers")],
            ),
        ],
        keep_attributes_for={"aws.ec2.instance"},
    )
    assert g.neighbours("principal:aws:account:999", "can_assume") == ["role"]
    assert g.neighbours("role", "can_assume", direction="in") == ["principal:aws:account:999"]
    assert g.neighbours("principal:gcp:allUsers", "grants") == ["//storage.googleapis.com/b"]
    assert g.node("principal:gcp:allUsers")["type"] == "principal"
    assert g.neighbours("lb", type="aws.ec2.instance") == ["web"]
    assert g.shortest_path("lb", "subnet-priv") == ["lb", "web", "subnet-priv"]
    assert g.shortest_path("lb", "subnet-priv", relations=["routes_to"]) is None
    assert g.paths("lb", "sg-open") == [["lb", "sg-open"], ["lb", "web", "sg-closed", "sg-open"]]
    assert sorted(g.nodes_of_type(["aws.rds.instance"])) == ["db", "db-open"]
    # full attributes only for kept types; skeleton keeps exposure attributes only
    assert g.resource_view("web")["attributes"] == {"public_ip": None}
    assert "tags" not in g.node("db")


def test_placeholder_becomes_resource_when_added_later() -> None:
    g = ResourceGraph.build(
        [
            r("i", "aws.ec2.instance", rels=[("in_subnet", "s")]),
            r("s", "aws.ec2.subnet", {"has_internet_route": False}),
        ]
    )
    assert g.node("s")["type"] == "aws.ec2.subnet"
    assert g.node("s")["attributes"] == {"has_internet_route": False}


def test_parallel_edges_of_one_kind_are_kept() -> None:
    sg = r("sg", "aws.ec2.security_group")
    sg["relations"] = [
        {"type": "allows_from", "target": INTERNET, "properties": {"from_port": 22}},
        {"type": "allows_from", "target": INTERNET, "properties": {"from_port": 443}},
    ]
    g = ResourceGraph.build([sg])
    ports = sorted(p["from_port"] for p in g.edge_properties("sg", INTERNET, "allows_from"))
    assert ports == [22, 443]
    assert g.neighbours("sg", "allows_from") == [INTERNET]


def test_neighbours_match_networkx_edge_walks() -> None:
    """`neighbours` reads the adjacency directly: the same nodes, in the same order, as
    walking networkx's out_edges / in_edges, for every relation, type and direction,
    also when only a numbered edge of a kind is left."""
    resources = [
        r("web", "aws.ec2.instance", rels=[("protected_by", "sg"), ("runs_as", "role")]),
        r("api", "aws.ec2.instance", rels=[("protected_by", "sg"), ("in_subnet", "sn")]),
        r("sn", "aws.ec2.subnet"),
        r("lb", "aws.elbv2.load_balancer", rels=[("routes_to", "web"), ("routes_to", "api")]),
    ]
    resources[1]["relations"] += [
        {"type": "protected_by", "target": "sg", "properties": {"note": n}} for n in (1, 2)
    ]
    g = ResourceGraph.build(resources)
    g.g.remove_edge("api", "sg", "protected_by")  # leaves protected_by#2 and #3
    for node in [*g.g.nodes, "missing"]:
        for relation in (None, "protected_by", "routes_to", "runs_as", "none"):
            for rtype in (None, "aws.ec2.instance"):
                for direction in ("out", "in"):
                    walk = (
                        [(v, k) for _, v, k in g.g.out_edges(node, keys=True)]
                        if direction == "out"
                        else [(u, k) for u, _, k in g.g.in_edges(node, keys=True)]
                    ) if node in g.g else []  # fmt: skip
                    expected = list(
                        dict.fromkeys(
                            end
                            for end, key in walk
                            if (relation is None or key.partition("#")[0] == relation)
                            and (rtype is None or g.g.nodes[end].get("type") == rtype)
                        )
                    )
                    got = g.neighbours(node, relation, type=rtype, direction=direction)
                    assert got == expected, (node, relation, rtype, direction)
    assert g.neighbours("api", "protected_by") == ["sg"]
    assert g.neighbours("lb", type="aws.ec2.instance") == ["web", "api"]


def test_one_routed_subnet_is_enough() -> None:
    g = ResourceGraph.build(
        [
            r("sg", "aws.ec2.security_group", rels=[("allows_from", INTERNET)]),
            r("a", "aws.ec2.subnet", {"has_internet_route": False}),
            r("b", "aws.ec2.subnet", {"has_internet_route": True}),
            r(
                "db",
                "aws.rds.instance",
                {"publicly_accessible": True},
                [("protected_by", "sg"), ("in_subnet", "a"), ("in_subnet", "b")],
            ),
        ]
    )
    assert g.is_reachable_from_internet("db")


def test_resources_no_question_can_touch_are_left_out() -> None:
    g = ResourceGraph(keep_attributes_for={"aws.rds.instance"}, keep_relations={"protected_by"})
    g.add_resource(r("key", "aws.kms.key"))  # no kept relation, no exposure attribute
    g.add_resource(r("vol", "aws.ec2.volume", rels=[("encrypted_by", "key")]))  # edge not kept
    g.add_resource(r("db", "aws.rds.instance"))  # kept type, even without edges
    g.add_resource(r("subnet", "aws.ec2.subnet", {"has_internet_route": False}))
    g.add_resource(r("i", "aws.ec2.instance", rels=[("protected_by", "sg")]))
    g.add_resource(r("sg", "aws.ec2.security_group"))  # already an edge target: filled in
    assert "key" not in g and "vol" not in g
    assert {"db", "subnet", "i", "sg"} <= set(g.g.nodes)
    assert g.node("sg")["type"] == "aws.ec2.security_group"
    assert list(g.nodes_of_type(["aws.ec2.security_group"])) == ["sg"]


def test_repeated_relations_add_one_edge_and_distinct_ones_are_numbered() -> None:
    same = {"type": "allows_from", "target": "internet", "properties": {"from_port": 22}}
    distinct = [
        {"type": "allows_from", "target": "internet", "properties": {"from_port": p}}
        for p in range(1000, 6000)
    ]
    sg = {
        "id": "sg-1",
        "type": "aws.ec2.security_group",
        "provider": "aws",
        "relations": [same] * 20_000 + distinct,
    }
    graph = ResourceGraph.build([sg])
    keys = sorted(k for _, _, k in graph.g.out_edges("sg-1", keys=True))
    assert len(keys) == 5001
    assert "allows_from" in keys and "allows_from#5001" in keys


def _layout(g: ResourceGraph) -> list[Any]:
    """Everything networkx holds, in its order: nodes with data, out and in adjacency."""
    return [
        list(g.g._node.items()),
        [
            (u, [(v, list(keys.items())) for v, keys in nbrs.items()])
            for u, nbrs in g.g._succ.items()
        ],
        [
            (v, [(u, list(keys.items())) for u, keys in nbrs.items()])
            for v, nbrs in g.g._pred.items()
        ],
    ]


def test_nodes_and_edges_written_directly_are_networkx_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """The graph writes new nodes and edges into networkx's dicts itself; the result is
    the graph networkx's `add_node` and `add_edge` make, in the same order, derived
    escalation edges included, and a key-dict shared by both directions."""
    resources = list(open_snapshot(data_dir("fixtures/demo")).iter_resources())
    resources.append(r("lonely", "aws.ec2.instance", rels=[("protected_by", "sg-new")]))
    evaluator_types = {
        t for rule in load_rules().rules.values() for t in rule.graph_attribute_types
    }

    def build() -> ResourceGraph:
        g = ResourceGraph.build(resources, evaluator_types)
        g.attack_steps()
        return g

    direct = build()
    monkeypatch.setattr(ResourceGraph, "_new_node", lambda self, n, d: self.g.add_node(n, **d))
    monkeypatch.setattr(
        ResourceGraph,
        "_new_edge",
        lambda self, u, v, k, p: self.g.add_edge(u, v, key=k, **p),
    )
    through_networkx = build()
    assert _layout(direct) == _layout(through_networkx)
    assert direct.g.number_of_edges() > 100 and direct._derived
    for u, v, _ in list(direct.g.edges(keys=True))[:50]:
        assert direct.g._succ[u][v] is direct.g._pred[v][u]


def test_a_fact_is_worked_out_once_until_the_graph_changes() -> None:
    g = ResourceGraph.build([r("a", "aws.ec2.subnet")], ["aws.ec2.subnet"])
    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        return len(g)

    assert g.fact("test.count", count) == g.fact("test.count", count) == 2  # and internet
    assert len(calls) == 1
    g.add_resource(r("b", "aws.ec2.subnet"))
    assert g.fact("test.count", count) == 3
    assert len(calls) == 2


def test_a_nodes_own_fields_read_as_node_reads_them() -> None:
    """`field` reads a node's own fields without unpacking: the same values `node` gives,
    for packed nodes (a kept type), skeleton nodes and placeholders; other names refused."""
    resources = [
        r("web", "aws.ec2.instance", {"public_ip": "203.0.113.9"}, [("runs_as", "role")]),
        r("sn", "aws.ec2.subnet", {"availability_zone": "eu-west-1a"}),
        r("api", "aws.ec2.instance", rels=[("in_subnet", "sn"), ("in_subnet", "sn-gone")]),
    ]
    resources[0]["tags"] = {"Team": "web"}
    g = ResourceGraph.build(resources, keep_attributes_for=["aws.ec2.instance"])
    assert g.node("web")["tags"] == {"Team": "web"}  # a packed node
    assert "sn-gone" in g and not g.node("sn-gone").get("resource")  # a placeholder
    for node in g.g.nodes:
        for name in NODE_FIELDS:
            assert g.field(node, name) == g.node(node).get(name), (node, name)
    assert g.field("web", "account") == "1"
    assert g.field("sn-gone", "account") is None
    with pytest.raises(KeyError, match="own fields"):
        g.field("web", "attributes")
