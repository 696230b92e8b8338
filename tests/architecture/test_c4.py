"""The Structurizr DSL export, parsed back: balanced blocks, defined elements, the demo's model."""

from __future__ import annotations

import re
from typing import Any

import pytest

from scanner.architecture import build_architecture
from scanner.architecture.access import ACCESS_KINDS
from scanner.architecture.c4 import _container_of, to_structurizr
from scanner.graph import ResourceGraph
from scanner.paths import data_dir
from scanner.snapshot import open_snapshot
from scanner.synthetic.builders import resource

TAGS = ("Product", "App", "Application")
ASSIGN = re.compile(r"^\s*(\w+)\s*=\s*(person|softwareSystem|container)\s+\"([^\"]*)\"")
RELATION = re.compile(r"^\s*(\w+)\s*->\s*(\w+)\s+\"([^\"]*)\"")
VIEW = re.compile(r"^\s*(systemContext|container)\s+(\w+)\s+\"")


def parse(dsl: str) -> dict[str, Any]:
    """Blocks, elements (identifier -> kind, name, parent), relationships and views."""
    depth = 0
    blocks: list[tuple[int, str]] = []
    parents: list[str | None] = []  # the element each open block belongs to
    elements: dict[str, tuple[str, str, str | None]] = {}
    relations: list[tuple[str, str, str]] = []
    views: list[tuple[str, str]] = []
    for line in dsl.splitlines():
        assert line.count('"') % 2 == 0, line
        bare = re.sub(r'"[^"]*"', '""', line)
        if match := ASSIGN.match(line):
            ident, kind, name = match.groups()
            assert ident not in elements, f"{ident} defined twice"
            elements[ident] = (kind, name, parents[-1] if parents else None)
        elif match := RELATION.match(line):
            relations.append(match.groups())  # type: ignore[arg-type]
        elif match := VIEW.match(line):
            views.append((match.group(1), match.group(2)))
        if bare.rstrip().endswith("{"):
            word = bare.strip().split()[0]
            blocks.append((depth, word))
            parents.append(word if "=" in bare else parents[-1] if parents else None)
            depth += 1
        if bare.strip() == "}":
            depth -= 1
            parents.pop()
            assert depth >= 0
    assert depth == 0, "unbalanced braces"
    return {"blocks": blocks, "elements": elements, "relations": relations, "views": views}


@pytest.fixture(scope="module")
def demo() -> tuple[str, dict[str, Any]]:
    resources = list(open_snapshot(data_dir("fixtures/demo")).iter_resources())
    exposed = ResourceGraph.build(resources).exposed_nodes()
    entries = [node for node, path in exposed.items() if len(path) == 3]
    edges = sorted(build_architecture(resources, TAGS).edges)
    dsl = to_structurizr(resources, TAGS, entries, edges)
    assert to_structurizr(resources, TAGS, entries, reversed(edges)) == dsl  # deterministic
    return dsl, parse(dsl)


def test_workspace_model_and_views_blocks(demo: tuple[str, dict[str, Any]]) -> None:
    _, parsed = demo
    top = [(depth, word) for depth, word in parsed["blocks"] if depth <= 1]
    assert top == [(0, "workspace"), (1, "model"), (1, "views")]


def test_every_relationship_names_defined_elements(demo: tuple[str, dict[str, Any]]) -> None:
    _, parsed = demo
    elements = parsed["elements"]
    assert parsed["relations"]
    for source, destination, _ in parsed["relations"]:
        assert source in elements and destination in elements, (source, destination)
        assert source != destination
    for _, ident in parsed["views"]:
        assert elements[ident][0] == "softwareSystem"


def test_the_demo_model(demo: tuple[str, dict[str, Any]]) -> None:
    _, parsed = demo
    elements, relations = parsed["elements"], parsed["relations"]
    systems = {name for kind, name, _ in elements.values() if kind == "softwareSystem"}
    assert {"checkout", "analytics", "reports", "Untagged resources"} <= systems
    assert elements["internet"] == ("person", "Internet users", None)
    named = {ident: name for ident, (_, name, _) in elements.items()}
    by_name = {(named[s], named[d], w) for s, d, w in relations}
    checkout = {
        named[i]
        for i, (kind, _, parent) in elements.items()
        if kind == "container" and parent == "sys_checkout"
    }
    assert {"Elastic Load Balancing", "Amazon EC2", "Amazon RDS", "AWS Lambda"} <= checkout
    assert "Amazon EBS" not in checkout  # volumes belong to their instance
    assert ("Internet users", "Elastic Load Balancing", "Sends requests to") in by_name
    assert ("Elastic Load Balancing", "Amazon EC2", "Routes requests to") in by_name
    # the web instances' role may read the assets bucket (s3:GetObject on it)
    assert ("Amazon EC2", "Amazon S3", "Reads from") in by_name
    # etl-runner's service account is bound on the raw bucket with a writer role
    assert ("Google Compute Engine", "Cloud Storage", "Writes to") in by_name
    views = parsed["views"]
    assert ("systemContext", "sys_checkout") in views and ("container", "sys_checkout") in views


def test_triggers_and_hostile_names() -> None:
    topic = resource(
        "arn:aws:sns:eu-west-1:1:t", "aws.sns.topic", name='say "hi" {', tags={"Product": 'a"b'}
    )
    fn = resource(
        "arn:aws:lambda:eu-west-1:1:function:f",
        "aws.lambda.function",
        tags={"Product": 'a"b'},
    )
    topic["relations"] = [{"type": "triggers", "target": fn["id"], "properties": {}}]
    parsed = parse(to_structurizr([topic, fn], ["Product"]))
    named = {ident: name for ident, (_, name, _) in parsed["elements"].items()}
    assert "a'b" in named.values()
    assert [(named[s], named[d], w) for s, d, w in parsed["relations"]] == [
        ("Amazon SNS", "AWS Lambda", "Triggers")
    ]
    assert "internet" not in named  # nothing reachable: no internet users


def test_access_relationships_are_the_models_access_edges() -> None:
    """One truth: a container reads or writes another exactly where the architecture
    model has a `reads` or `writes` edge between their resources (diagrams and C4 agree)."""
    resources = list(open_snapshot(data_dir("fixtures/demo")).iter_resources())
    arch = build_architecture(resources, TAGS)
    access = [(e.source, e.target, e.kind) for e in arch.edges if e.kind in ACCESS_KINDS]
    parsed = parse(to_structurizr(resources, TAGS, (), arch.edges))
    named = {ident: name for ident, (_, name, _) in parsed["elements"].items()}
    drawn = {(named[s], named[d], w) for s, d, w in parsed["relations"]}
    technology = {
        r["id"]: placement for r in resources if (placement := _technology(r)) is not None
    }
    expected: dict[tuple[str, str], set[str]] = {}
    for source, target, kind in access:
        if source in technology and target in technology:
            pair = (technology[source], technology[target])
            expected.setdefault(pair, set()).add(kind)
    labels = {"reads": "Reads from", "writes": "Writes to"}
    want = {
        (s, d, labels[next(iter(k))] if len(k) == 1 else "Reads from and writes to")
        for (s, d), k in expected.items()
        if s != d
    }
    assert want
    assert {r for r in drawn if r[2] in {*labels.values(), "Reads from and writes to"}} == want


def _technology(resource: dict[str, Any]) -> str | None:
    """The container name c4 gives the resource's technology (None: not a container)."""
    found = _container_of(resource)
    return found[0] if found is not None else None
