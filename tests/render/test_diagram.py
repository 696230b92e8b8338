"""Diagrams drawn: DOT, Mermaid and SVG text; escaping; Graphviz errors; the demo's bar.

The bar (issue 13): the demo's overview fits one 1920x1080 screen at 100% zoom with every
label at least 10 px, checked from the SVG and in headless Chromium; every `routes_to`
and internet exposure relation of the demo is drawn in at least one view.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from scanner.architecture import VIEWS, build_architecture, build_view, products
from scanner.errors import ReportError
from scanner.graph import ResourceGraph
from scanner.model import Resource
from scanner.paths import data_dir
from scanner.render.diagram import (
    SCREEN_INCHES,
    _mermaid_text,
    render_architecture,
    render_diagram,
    render_view,
    to_dot,
    to_mermaid,
    to_svg,
)
from scanner.snapshot import open_snapshot
from tests.architecture.conftest import ALB
from tests.architecture.conftest import build as build_small
from tests.browser import needs_chromium, visit

from .conftest import AWS_WEB, HOSTILE_ID

_EDGE = re.compile(r'^\s*("(?:[^"\\]|\\.)*") -> ("(?:[^"\\]|\\.)*") \[(.*)\];$', re.MULTILINE)
HAS_DOT = shutil.which("dot") is not None
DEMO = data_dir("fixtures/demo")


def _unquote(dot_id: str) -> str:
    return dot_id[1:-1].replace('\\"', '"').replace("\\\\", "\\")


def _dot_edges(dot: str) -> set[tuple[str, str]]:
    return {
        (_unquote(s).split("~")[0], _unquote(t))
        for s, t, attrs in _EDGE.findall(dot)
        if "invis" not in attrs
    }


@pytest.fixture
def small() -> list[dict[str, Any]]:
    """One resource behind each edge kind (tests/architecture/conftest.py)."""
    return build_small()


@pytest.fixture(scope="module")
def demo_resources() -> list[dict[str, Any]]:
    return list(open_snapshot(DEMO).iter_resources())


def test_dot_and_mermaid_escape_ids_and_labels(estate: list[dict[str, Any]]) -> None:
    cdn = "arn:aws:cloudfront::111111111111:distribution/E1"
    estate.append(
        {
            "id": cdn,
            "type": "aws.cloudfront.distribution",
            "provider": "aws",
            "account": "111111111111",
            "region": "global",
            "relations": [{"type": "routes_to", "target": HOSTILE_ID}],
        }
    )
    dot = render_view(estate, "overview", "dot")
    assert '"arn:aws:s3:::evil\\"bucket\\\\name"' in dot
    assert "<script>" not in dot
    assert "evil &quot;quoted&quot; \\ name second line &lt;script&gt;" in dot
    mermaid = render_view(estate, "overview", "mermaid")
    assert "evil #quot;quoted#quot; \\ name second line #lt;script#gt;" in mermaid
    assert "<script>" not in mermaid


def test_tiers_are_columns_and_edges_are_styled(small: list[dict[str, Any]]) -> None:
    dot = render_view(small, "overview", "dot")
    ranks = re.findall(r'\{ rank="same"; "column:(\d+)"([^}]*)\}', dot)
    columns = {int(c): members for c, members in ranks}
    assert '"internet"' in columns[0]
    assert f'"{ALB}"' in columns[1]  # edge tier
    assert "column:2" in dot and "column:4" in dot  # compute, data
    assert f'"internet" -> "{ALB}" [color="#dc2626", style="bold", xlabel=<tcp 443>' in dot
    assert re.search(rf'"{re.escape(ALB)}" -> "group:\w+" \[color="#2563eb", style="solid"\];', dot)
    assert "internet reaches it" in dot and "routes requests to" in dot  # the legend
    assert "can read (IAM)" in dot and "can write (IAM)" in dot


def test_severities_are_drawn(estate: list[dict[str, Any]]) -> None:
    dot = render_view(estate, "overview", "dot", severities={AWS_WEB: "critical"})
    (line,) = [x for x in dot.splitlines() if x.strip().startswith(f'"{AWS_WEB}"')]
    assert 'color="#b91c1c", penwidth="3"' in line and "<b>critical</b>" in line
    assert "critical" in render_view(
        estate, "overview", "mermaid", severities={AWS_WEB: "critical"}
    )


def test_mermaid_ids_labels_and_styles(small: list[dict[str, Any]]) -> None:
    text = render_view(small, "overview", "mermaid")
    assert text.startswith("flowchart LR\n")
    for node_id in re.findall(r"^\s*(\w+)[\[\(\{>]", text, re.MULTILINE):
        assert node_id.isalnum(), node_id
    assert "<script>" not in text
    lines = [line.strip() for line in text.splitlines()]
    assert sum(line.startswith("subgraph ") for line in lines) == lines.count("end")
    arrows = [line for line in lines if re.match(r"\w+ (-->|==>|-\.->)", line)]
    styles = [line for line in lines if line.startswith("linkStyle ")]
    assert len(arrows) == len(styles) > 0
    assert re.search(r"internet ==>\|tcp 443\| r[0-9a-f]{12}", text)
    assert "legend" in text


def test_views_are_byte_identical_across_runs(demo_resources: list[dict[str, Any]]) -> None:
    shuffled = list(demo_resources)
    random.Random(11).shuffle(shuffled)
    for view in ("overview", "network", "dataflow", "exposure"):
        for fmt in ("dot", "mermaid"):
            assert render_view(shuffled, view, fmt) == render_view(demo_resources, view, fmt)
    models = [Resource.model_validate(r) for r in demo_resources[:60]]
    assert render_view(models, "overview", "dot") == render_view(
        demo_resources[:60], "overview", "dot"
    )


def test_views_are_byte_identical_whatever_the_hash_seed() -> None:
    """Sets of strings iterate in another order in each process (PYTHONHASHSEED): nothing
    drawn may follow it, or a diagram in version control changes on every run."""
    script = (
        "from scanner.paths import data_dir\n"
        "from scanner.render.diagram import render_view\n"
        "from scanner.snapshot import open_snapshot\n"
        "resources = list(open_snapshot(data_dir('fixtures/demo')).iter_resources())\n"
        "for view in ('overview', 'network', 'dataflow', 'exposure'):\n"
        "    print(render_view(resources, view, 'dot'))\n"
    )
    texts = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for seed in range(4)
    }
    assert len(texts) == 1


def test_errors_name_the_bad_value(estate: list[dict[str, Any]]) -> None:
    with pytest.raises(ReportError, match=r"diagram format 'png' is not valid"):
        render_view(estate, "overview", "png")
    with pytest.raises(ReportError, match=r"diagram view 'map' is not valid"):
        render_view(estate, "map", "dot")
    with pytest.raises(ReportError, match=r"needs --product NAME"):
        render_view(estate, "product", "dot")


def test_the_first_entry_points_still_draw_the_overview(estate: list[dict[str, Any]]) -> None:
    overview = render_view(estate, "overview", "dot")
    assert render_diagram(estate, "dot") == to_dot(estate) == overview
    assert to_mermaid(estate) == render_view(estate, "overview", "mermaid")
    assert to_dot(estate, "tag:team") == render_view(estate, "overview", "dot", group_by="tag:team")


def test_empty_estate_is_an_empty_page() -> None:
    dot = to_dot([])
    assert "->" not in dot and "subgraph" not in dot
    assert "subgraph" not in to_mermaid([])


def test_every_routes_to_and_exposure_of_the_demo_is_drawn(
    demo_resources: list[dict[str, Any]],
) -> None:
    arch = build_architecture(demo_resources)
    views = [build_view(arch, v) for v in VIEWS if v != "product"]
    views += [build_view(arch, "product", product=p) for p in products(arch)]
    drawn: set[tuple[str, str]] = set()
    for view in views:
        box = {m: node.id for node in view.nodes() for m in node.members}
        dot = render_architecture(arch, view.name, "dot", product=_product(view.title))
        edges = _dot_edges(dot)
        for source, target in ((s, t) for s in box for t in box):
            if (box[source], box[target]) in edges:
                drawn.add((source, target))
    routes = {
        (r["id"], rel["target"])
        for r in demo_resources
        for rel in r.get("relations") or ()
        if rel["type"] == "routes_to"
    }
    assert len(routes) == 10
    assert routes <= drawn
    exposed = ResourceGraph.build(demo_resources).exposed_nodes()
    direct = {node for node, path in exposed.items() if len(path) == 3}
    assert len(direct) == 7
    assert {("internet", node) for node in direct} <= drawn


def _product(title: str) -> str | None:
    return title.split(": ", 1)[1] if title.startswith("Product: ") else None


def _fit(svg: str) -> tuple[float, float, float]:
    """Screen width and height (px) of an SVG at 100% zoom, and its smallest font in px."""
    size = re.search(
        r'<svg width="([\d.]+)pt" height="([\d.]+)pt"\s+viewBox="[\d.]+ [\d.]+ ([\d.]+) ([\d.]+)"',
        svg,
    )
    assert size is not None
    width, height, view_width, _ = map(float, size.groups())
    inner = re.search(r'class="graph" transform="scale\(([\d.]+)', svg)
    assert inner is not None
    scale = float(inner.group(1)) * width / view_width * 4 / 3  # points to CSS pixels
    fonts = [float(f) for f in re.findall(r'font-size="([\d.]+)"', svg)]
    return width * 4 / 3, height * 4 / 3, min(fonts) * scale


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz dot not installed")
def test_the_demo_overview_fits_one_screen_legibly(demo_resources: list[dict[str, Any]]) -> None:
    assert SCREEN_INCHES[0] * 96 <= 1920 and SCREEN_INCHES[1] * 96 <= 1080
    svg = render_view(demo_resources, "overview", "svg")
    width, height, smallest = _fit(svg)
    assert width <= 1920 and height <= 1080
    assert smallest >= 10, smallest
    for view in ("network", "dataflow", "exposure"):
        width, height, _ = _fit(render_view(demo_resources, view, "svg"))
        assert width <= 1920 and height <= 1080, view


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz dot not installed")
@needs_chromium
def test_the_demo_overview_in_headless_chromium(
    demo_resources: list[dict[str, Any]], tmp_path: Path, browser: Browser
) -> None:
    """The overview at 100% zoom in a 1920x1080 window: the browser measures the page and
    every text's size on screen; the screenshot is the picture the report describes."""
    svg = render_view(demo_resources, "overview", "svg")
    svg = svg[svg.index("<svg") :]
    page = tmp_path / "overview.html"
    page.write_text('<!DOCTYPE html><html><body style="margin:0">' + svg + "</body></html>")
    with visit(browser, page, size=(1920, 1080)) as shown:
        fit = shown.js(
            """() => {
                const s = document.querySelector('svg');
                let m = 1e9;
                for (const t of s.querySelectorAll('text')) {
                    m = Math.min(m, parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a);
                }
                const d = document.documentElement;
                return {w: d.scrollWidth, h: d.scrollHeight, font: m,
                        texts: s.querySelectorAll('text').length};
            }"""
        )
        assert shown.problems() == []
    assert fit["w"] <= 1920 and fit["h"] <= 1080, fit
    assert fit["font"] >= 10, fit
    assert fit["texts"] > 100
    image = tmp_path / "overview.svg"
    image.write_text(svg)
    with visit(browser, image, size=(1920, 1080)) as shown:
        shot = shown.page.screenshot(path=tmp_path / "overview.png")
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", shot[16:24]) == (1920, 1080)


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz dot not installed")
def test_dot_renders_to_svg(estate: list[dict[str, Any]]) -> None:
    for view in ("overview", "network", "dataflow", "exposure"):
        svg = render_view(estate, view, "svg")
        assert svg.count("<svg") == 1 and "</svg>" in svg and "<script>" not in svg
    assert "web&#45;1" in render_view(estate, "overview", "svg")


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz dot not installed")
def test_dot_failure_is_a_report_error() -> None:
    with pytest.raises(ReportError, match="Graphviz 'dot' failed with exit code"):
        to_svg("digraph { this is not dot")


def test_missing_dot_is_a_report_error(
    monkeypatch: pytest.MonkeyPatch, estate: list[dict[str, Any]]
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    message = (
        "Graphviz 'dot' not found on PATH: install graphviz (apt-get install graphviz / "
        "brew install graphviz) or use --format dot|mermaid"
    )
    with pytest.raises(ReportError) as info:
        to_svg("digraph {}")
    assert str(info.value) == message
    with pytest.raises(ReportError, match="not found on PATH"):
        render_view(estate, "overview", "svg")
    assert render_view(estate, "overview", "dot").startswith("digraph")  # text still works


def test_dot_timeout_is_a_report_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(*args: Any, **kwargs: Any) -> None:
        assert kwargs["timeout"] == 120
        raise subprocess.TimeoutExpired(cmd="dot", timeout=120)

    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/dot")
    monkeypatch.setattr(subprocess, "run", slow)
    with pytest.raises(ReportError, match="timed out after 120 s"):
        to_svg("digraph {}")


def test_mermaid_text_cannot_carry_a_directive() -> None:
    text = _mermaid_text('x %%{init: {"theme": "dark"}}%% y')
    assert "%%" not in text and "{init" in text
