"""Views: selection, nesting, aggregation and the layout invariants, on the demo too."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest

from scanner.architecture import (
    VIEWS,
    Architecture,
    View,
    build_architecture,
    build_view,
    open_severities,
    products,
)
from scanner.catalog.tiers import REQUEST_TIERS
from scanner.errors import ReportError
from scanner.model import FindingStatus, Severity, Suppression
from scanner.paths import data_dir
from scanner.snapshot import open_snapshot
from tests.render.conftest import make_finding

from .conftest import ALB, ASSETS, DB, GCP_VM, PRIVATE_A, WEB, WORKER


@pytest.fixture(scope="module")
def demo() -> Architecture:
    return build_architecture(open_snapshot(data_dir("fixtures/demo")).iter_resources())


def _box(view: View, member: str) -> Any:
    (box,) = [n for n in view.nodes() if member in n.members]
    return box


def _all_views(arch: Architecture) -> list[View]:
    views = [build_view(arch, v) for v in VIEWS if v != "product"]
    return views + [build_view(arch, "product", product=p) for p in products(arch)]


def assert_invariants(arch: Architecture, view: View) -> None:
    placed = view.placed()
    ids = [node.id for _, node in placed]
    assert len(ids) == len(set(ids))  # every box in exactly one place
    for path, node in placed:
        assert (len(path) == 0) == (node.id == "internet"), node.id  # the rest in a cluster
    members = [m for node in view.nodes() for m in node.members]
    assert len(members) == len(set(members))  # no resource in two boxes
    assert set(members) <= set(arch.nodes)
    # counts add up: each box stands for as many resources as it has members
    assert sum(n.count for n in view.nodes()) == sum(arch.nodes[m].is_resource for m in members)
    keys = [c.key for c in _clusters(view)]
    assert len(keys) == len(set(keys))  # every place drawn once
    shown = set(ids)
    assert all(e.source in shown and e.target in shown for e in view.edges)  # no dangling edge
    assert len(view.edges) == len({(e.source, e.target, e.kind) for e in view.edges})


def test_invariants_on_the_small_estate(estate: list[dict[str, Any]]) -> None:
    arch = build_architecture(estate)
    for view in _all_views(arch):
        assert_invariants(arch, view)


def test_invariants_on_the_demo(demo: Architecture) -> None:
    views = _all_views(demo)
    assert len(views) == 4 + len(products(demo))
    for view in views:
        assert_invariants(demo, view)


def test_the_overview_shows_every_request_tier_resource(demo: Architecture) -> None:
    view = build_view(demo, "overview")
    members = {m for n in view.nodes() for m in n.members}
    assert members - {"internet"} == {
        n for n, node in demo.nodes.items() if node.tier in REQUEST_TIERS
    }


def test_like_resources_with_like_connections_become_one_box(estate: list[dict[str, Any]]) -> None:
    view = build_view(build_architecture(estate), "overview")
    web = _box(view, WEB[0])
    assert set(web.members) == set(WEB)  # two subnets, one class: private subnets
    assert (web.title, web.subtitle, web.count) == ("web", "3 EC2 instances", 3)
    worker = _box(view, WORKER)
    assert (worker.title, worker.subtitle) == ("worker", "EC2 instance")
    paths = {node.id: [key[0] for key in path] for path, node in view.placed()}
    assert paths[web.id] == ["account", "region", "vpc", "subnets-private"]
    assert paths[_box(view, DB).id] == ["account", "region", "vpc", "subnets-private"]
    assert paths[_box(view, ASSETS).id] == ["account", "region"]
    edges = {(e.source, e.target, e.kind) for e in view.edges}
    assert (ALB, web.id, "routes_to") in edges and ("internet", ALB, "exposes") in edges


def test_unconnected_boxes_of_one_tier_are_counted_together(demo: Architecture) -> None:
    view = build_view(demo, "overview")
    summaries = [n for n in view.nodes() if n.type == "mixed"]
    assert summaries
    for box in summaries:
        counted = sum(int(line.split()[0]) for line in box.subtitle.splitlines())
        assert counted == box.count
        assert not any(box.id in (e.source, e.target) for e in view.edges)


def test_above_the_cap_boxes_merge_by_type_then_by_coarser_place(
    estate: list[dict[str, Any]],
) -> None:
    arch = build_architecture(estate)
    full = build_view(arch, "overview")
    capped = build_view(arch, "overview", max_nodes=6)
    # down to one box per type (connected or not) in one cluster for the whole estate
    assert [c.label for c in capped.root.clusters] == ["every account and project"]
    types = {n.type for n in full.nodes()} - {"mixed"}
    assert len(capped.nodes()) <= 2 * len(types) + 1
    assert len(build_view(arch, "overview", max_nodes=30).nodes()) == len(full.nodes())
    assert sum(n.count for n in capped.nodes()) == sum(n.count for n in full.nodes())
    assert_invariants(arch, capped)


def test_network_view_nests_zone_and_subnet(estate: list[dict[str, Any]]) -> None:
    arch = build_architecture(estate)
    view = build_view(arch, "network")
    labels = {node.id: [key for key in path] for path, node in view.placed()}
    web = _box(view, WEB[0])
    assert [k[0] for k in labels[web.id]] == ["account", "region", "vpc", "zone", "subnet-private"]
    assert labels[web.id][-1] == ("subnet-private", PRIVATE_A)
    assert ASSETS not in {m for n in view.nodes() for m in n.members}  # not in a VPC
    cluster_labels = {c.label for c in _clusters(view)}
    assert "private subnet private-a" in cluster_labels and "zone eu-west-1a" in cluster_labels


def _clusters(view: View) -> list[Any]:
    out, stack = [], [view.root]
    while stack:
        cluster = stack.pop()
        out.extend(cluster.clusters)
        stack.extend(cluster.clusters)
    return out


def test_dataflow_and_exposure_views(estate: list[dict[str, Any]]) -> None:
    arch = build_architecture(estate)
    dataflow = build_view(arch, "dataflow")
    assert {e.kind for e in dataflow.edges} == {
        "routes_to", "origin", "reads", "writes", "logs_to", "trusts", "event"
    }  # fmt: skip
    assert "outside the estate" in {c.label for c in _clusters(dataflow)}
    exposure = build_view(arch, "exposure", severities={WEB[1]: "critical", ALB: "high"})
    assert {m for n in exposure.nodes() for m in n.members} == {"internet", ALB, *WEB}
    assert all(e.highlight for e in exposure.edges)  # the critical web box is behind both
    assert _box(exposure, WEB[0]).severity == "critical"  # the worst of the box's members
    quiet = build_view(arch, "exposure", severities={ALB: "critical"})
    assert [e.kind for e in quiet.edges if e.highlight] == ["exposes"]


def test_product_view_and_its_errors(estate: list[dict[str, Any]]) -> None:
    arch = build_architecture(estate)
    view = build_view(arch, "product", product="shop")
    assert view.title == "Product: shop"
    members = {m for n in view.nodes() for m in n.members}
    assert members == {"internet", ALB, *WEB, GCP_VM}  # across accounts and clouds
    with pytest.raises(ReportError, match=r"--product NAME \(products: shop\)"):
        build_view(arch, "product", product="nope")
    with pytest.raises(ReportError, match="diagram view 'map' is not valid"):
        build_view(arch, "map")
    with pytest.raises(ReportError, match="group_by 'colour'"):
        build_view(arch, "overview", group_by="colour")


def test_group_by_tag_and_vpc(estate: list[dict[str, Any]]) -> None:
    arch = build_architecture(estate)
    tagged = build_view(arch, "overview", group_by="tag:Product")
    assert [c.label for c in tagged.root.clusters] == ["Product = shop", "untagged"]
    by_vpc = build_view(arch, "overview", group_by="vpc")
    paths = {node.id: [k[0] for k in path] for path, node in by_vpc.placed()}
    assert paths[_box(by_vpc, WEB[0]).id] == ["vpc", "subnets-private"]
    assert paths[_box(by_vpc, ASSETS).id] == ["account", "region"]


def test_views_do_not_depend_on_resource_order(estate: list[dict[str, Any]]) -> None:
    shuffled = list(estate)
    random.Random(3).shuffle(shuffled)
    for name in ("overview", "network", "dataflow", "exposure"):
        assert build_view(build_architecture(shuffled), name) == build_view(
            build_architecture(estate), name
        )


def test_open_severities_keep_the_worst_open_one() -> None:
    rid = "arn:aws:s3:::b"
    suppressed = make_finding("r3", rid, severity=Severity.CRITICAL)
    suppressed.suppression = Suppression(kind="config", reason="accepted")
    errored = make_finding("r4", rid, severity=Severity.CRITICAL)
    errored.status = FindingStatus.ERROR
    findings = [
        make_finding("r1", rid, severity=Severity.LOW),
        make_finding("r2", rid, severity=Severity.HIGH),
        suppressed,
        errored,
    ]
    assert open_severities(findings) == {rid: "high"}
    assert Counter(open_severities([]).values()) == Counter()


def test_a_subnet_is_drawn_once_whatever_its_members_say(estate: list[dict[str, Any]]) -> None:
    worker = next(r for r in estate if r["id"] == WORKER)
    worker["relations"] = [{"type": "in_subnet", "target": PRIVATE_A}]
    worker["attributes"]["availability_zone"] = "eu-west-1c"  # disagrees with its subnet
    view = build_view(build_architecture(estate), "network")
    subnets = [c for c in _clusters(view) if c.key == ("subnet-private", PRIVATE_A)]
    assert len(subnets) == 1
    assert {m for n in subnets[0].nodes for m in n.members} == {WEB[0], WEB[1], WORKER}
