"""Architecture diagrams: what is shown, how it is clustered, capped, escaped and laid out."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from typing import Any

import pytest

from scanner.errors import ReportError
from scanner.model import Resource
from scanner.render.diagram import render_diagram, to_dot, to_mermaid, to_svg

from .conftest import (
    AWS_ALB,
    AWS_BUCKET,
    AWS_DB,
    AWS_ROLE,
    AWS_SG,
    AWS_SUBNET_A,
    AWS_VPC,
    AWS_WEB,
    GCP_BUCKET,
    GCP_NET,
    GCP_VM,
    HOSTILE_ID,
    resource,
)

_NODE = re.compile(r'^\s*("(?:[^"\\]|\\.)*") \[label=<<b>(.*?)</b>', re.MULTILINE)
_EDGE = re.compile(r'^\s*("(?:[^"\\]|\\.)*") -> ("(?:[^"\\]|\\.)*") \[(.*)\];$', re.MULTILINE)
HAS_DOT = shutil.which("dot") is not None


def _unquote(dot_id: str) -> str:
    return dot_id[1:-1].replace('\\"', '"').replace("\\\\", "\\")


def _clusters(dot: str) -> dict[str, list[str]]:
    """Node id -> labels of the clusters it is nested in, outermost first."""
    stack: list[str] = []
    placement: dict[str, list[str]] = {}
    opened = False
    for line in dot.splitlines():
        stripped = line.strip()
        if stripped.startswith('subgraph "cluster_'):
            opened = True
            continue
        if opened:
            label = re.search(r"label=<<b>(.*?)</b>>", stripped)
            assert label is not None
            stack.append(label.group(1))
            opened = False
        elif stripped == "}" and stack:
            stack.pop()
        else:
            node = _NODE.match(line)
            if node:
                placement[_unquote(node.group(1))] = list(stack)
    return placement


def _edges(dot: str) -> set[tuple[str, str, str]]:
    out = set()
    for source, target, attrs in _EDGE.findall(dot):
        label = re.search(r'label="([^"]*)"', attrs)
        out.add((_unquote(source), _unquote(target), label.group(1) if label else "public"))
    return out


def test_only_architecture_types_are_shown(estate: list[dict[str, Any]]) -> None:
    nodes = _clusters(to_dot(estate))
    assert AWS_ROLE not in nodes  # IAM is not architecture
    assert AWS_SG not in nodes
    assert {AWS_WEB, AWS_ALB, AWS_DB, AWS_BUCKET, GCP_VM, GCP_BUCKET, "internet"} <= set(nodes)
    assert AWS_VPC not in nodes  # a cluster, not a node


def test_account_vpc_subnet_nesting(estate: list[dict[str, Any]]) -> None:
    nodes = _clusters(to_dot(estate, "account"))
    assert nodes[AWS_WEB] == ["aws account 111111111111", "vpc prod-vpc", "subnet public-a"]
    assert nodes[AWS_ALB] == ["aws account 111111111111", "vpc prod-vpc"]
    # the database names only its subnet; its VPC comes through the subnet
    assert nodes[AWS_DB] == ["aws account 111111111111", "vpc prod-vpc", "subnet private-b"]
    assert nodes[AWS_BUCKET] == ["aws account 111111111111"]
    assert nodes[GCP_VM] == ["gcp project shop", "network default", "subnetwork default"]
    assert nodes["internet"] == []


def test_group_by_vpc(estate: list[dict[str, Any]]) -> None:
    nodes = _clusters(to_dot(estate, "vpc"))
    assert nodes[AWS_WEB] == ["vpc prod-vpc", "subnet public-a"]
    assert nodes[AWS_BUCKET] == ["aws account 111111111111"]
    assert nodes[GCP_BUCKET] == ["gcp project shop"]


def test_group_by_tag(estate: list[dict[str, Any]]) -> None:
    dot = to_dot(estate, "tag:team")
    nodes = _clusters(dot)
    assert nodes[AWS_WEB] == ["team = web"]
    assert nodes[GCP_VM] == ["team = web"]
    assert nodes[AWS_DB] == ["team = data"]
    assert nodes[AWS_BUCKET] == ["untagged"]
    assert nodes[AWS_VPC] == ["untagged"]  # containers are nodes when not clusters
    edges = _edges(dot)
    assert (AWS_WEB, AWS_SUBNET_A, "in_subnet") in edges
    assert (AWS_SUBNET_A, AWS_VPC, "in_vpc") in edges
    assert (AWS_WEB, AWS_VPC, "in_vpc") not in edges  # the subnet edge already says it
    assert (GCP_VM, GCP_NET, "in_network") not in edges
    order = re.findall(r"label=<<b>(team = \w+|untagged)</b>>", dot)
    assert order == ["team = data", "team = web", "untagged"]


def test_edges(estate: list[dict[str, Any]]) -> None:
    edges = _edges(to_dot(estate))
    assert (AWS_ALB, AWS_WEB, "routes_to") in edges
    assert ("internet", AWS_WEB, "public") in edges  # public_ip
    assert ("internet", AWS_ALB, "public") in edges  # internet-facing
    assert not any(target == AWS_DB for _, target, _ in edges)  # publicly_accessible false
    assert not any("runs_as" in e or AWS_ROLE in e for e in edges)


def test_invalid_group_by() -> None:
    with pytest.raises(ReportError, match=r"group_by 'region' is not valid \(use account, vpc"):
        to_dot([], "region")
    with pytest.raises(ReportError, match="group_by 'tag:'"):
        to_mermaid([], "tag:")


def test_deterministic(estate: list[dict[str, Any]]) -> None:
    shuffled = list(estate)
    random.Random(7).shuffle(shuffled)
    assert to_dot(shuffled) == to_dot(estate)
    assert to_mermaid(shuffled, "tag:team") == to_mermaid(estate, "tag:team")


def test_accepts_resource_models(estate: list[dict[str, Any]]) -> None:
    models = [Resource.model_validate(r) for r in estate]
    assert to_dot(models) == to_dot(estate)


def _big_estate(per_subnet: int) -> list[dict[str, Any]]:
    resources = []
    for account in ("111111111111", "222222222222"):
        vpc = f"arn:aws:ec2:eu-west-1:{account}:vpc/vpc-main"
        resources.append(resource(vpc, "aws.ec2.vpc", account=account, name="main"))
        for s in range(3):
            subnet = f"arn:aws:ec2:eu-west-1:{account}:subnet/subnet-{s}"
            resources.append(
                resource(subnet, "aws.ec2.subnet", account=account, relations=[("in_vpc", vpc)])
            )
            for i in range(per_subnet):
                rid = f"arn:aws:ec2:eu-west-1:{account}:instance/i-{s}-{i:04}"
                resources.append(
                    resource(
                        rid,
                        "aws.ec2.instance",
                        account=account,
                        attributes={"public_ip": "198.51.100.1"} if i == 0 else {},
                        relations=[("in_subnet", subnet)],
                    )
                )
        resources.append(resource(f"arn:aws:s3:::logs-{account}", "aws.s3.bucket", account=account))
    return resources


def test_large_estates_are_grouped_under_the_cap() -> None:
    dot = to_dot(_big_estate(per_subnet=200), max_nodes=400)  # 1,200 instances
    nodes = _clusters(dot)
    assert len(nodes) - 1 <= 400
    labels = set(_NODE.findall(dot))
    grouped = {label for _, label in labels if "\N{MULTIPLICATION SIGN}" in label}
    assert grouped == {"200 \N{MULTIPLICATION SIGN} aws.ec2.instance"}
    # grouping keeps the clusters: one group per subnet, 6 subnets
    group_ids = [n for n in nodes if n.startswith("group:")]
    assert len(group_ids) == 6
    assert all(len(nodes[n]) == 3 for n in group_ids)
    # the public instance makes its group public
    public = {t for s, t, kind in _edges(dot) if s == "internet"}
    assert set(group_ids) <= public


def test_grouping_climbs_to_coarser_clusters_when_needed() -> None:
    dot = to_dot(_big_estate(per_subnet=5), max_nodes=4)
    nodes = _clusters(dot)
    labels = {label for _, label in _NODE.findall(dot)}
    assert "15 \N{MULTIPLICATION SIGN} aws.ec2.instance" in labels  # per account
    assert all(len(path) <= 1 for path in nodes.values())
    dot = to_dot(_big_estate(per_subnet=5), max_nodes=1)
    labels = {label for _, label in _NODE.findall(dot)}
    assert "30 \N{MULTIPLICATION SIGN} aws.ec2.instance" in labels  # per type
    assert "2 \N{MULTIPLICATION SIGN} aws.s3.bucket" in labels


def test_under_the_cap_nothing_is_grouped(estate: list[dict[str, Any]]) -> None:
    assert "group:" not in to_dot(estate, max_nodes=8)


def test_dot_escapes_ids_and_labels(estate: list[dict[str, Any]]) -> None:
    dot = to_dot(estate)
    assert '"arn:aws:s3:::evil\\"bucket\\\\name"' in dot
    assert HOSTILE_ID in _clusters(dot)
    assert "<script>" not in dot
    assert "evil &quot;quoted&quot; \\ name second line &lt;script&gt;" in dot


def test_mermaid_ids_and_labels(estate: list[dict[str, Any]]) -> None:
    text = to_mermaid(estate)
    assert text.startswith("flowchart LR\n")
    for node_id, _label in re.findall(r'^\s*(\S+)\["(.*)"\]$', text, re.MULTILINE):
        assert node_id.isalnum(), node_id
    assert "evil #quot;quoted#quot; \\ name second line #lt;script#gt;" in text
    assert "<script>" not in text
    labels = re.findall(r'\["(.*)"\]$', text, re.MULTILINE)
    assert all('"' not in label for label in labels)
    lines = [line.strip() for line in text.splitlines()]
    assert sum(line.startswith("subgraph ") for line in lines) == lines.count("end") == 7
    assert re.search(r"internet --> r[0-9a-f]{12}", text)
    assert re.search(r"r[0-9a-f]{12} -->\|routes_to\| r[0-9a-f]{12}", text)


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz dot not installed")
def test_dot_renders_to_svg(estate: list[dict[str, Any]]) -> None:
    for group_by in ("account", "vpc", "tag:team"):
        svg = to_svg(to_dot(estate, group_by))
        assert "<svg" in svg
        assert "</svg>" in svg
        assert "web&#45;1" in svg or "web-1" in svg
        assert "<script>" not in svg
    assert render_diagram(estate, "svg").count("<svg") == 1


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz dot not installed")
def test_dot_failure_is_a_report_error() -> None:
    with pytest.raises(ReportError, match="Graphviz 'dot' failed with exit code"):
        to_svg("digraph { this is not dot")


def test_missing_dot_is_a_report_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ReportError) as info:
        to_svg("digraph {}")
    assert str(info.value) == (
        "Graphviz 'dot' not found on PATH: install graphviz (apt-get install graphviz / "
        "brew install graphviz) or use --format dot|mermaid"
    )


def test_dot_timeout_is_a_report_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(*args: Any, **kwargs: Any) -> None:
        assert kwargs["timeout"] == 120
        raise subprocess.TimeoutExpired(cmd="dot", timeout=120)

    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/dot")
    monkeypatch.setattr(subprocess, "run", slow)
    with pytest.raises(ReportError, match="timed out after 120 s"):
        to_svg("digraph {}")


def test_render_diagram_dispatch(estate: list[dict[str, Any]]) -> None:
    assert render_diagram(estate, "dot") == to_dot(estate)
    assert render_diagram(estate, "mermaid", "vpc") == to_mermaid(estate, "vpc")
    with pytest.raises(ReportError, match=r"diagram format 'png' is not valid"):
        render_diagram(estate, "png")


def test_empty_estate_is_just_the_internet() -> None:
    dot = to_dot([])
    assert list(_clusters(dot)) == ["internet"]
    assert "subgraph" not in to_mermaid([])
