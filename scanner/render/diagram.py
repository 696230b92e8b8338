"""Architecture diagrams: views of the estate as Graphviz DOT, SVG (through `dot`) and Mermaid.

`render_view(resources, "overview", "svg")` builds the architecture model
(`scanner.architecture`), picks one view (`VIEWS`) and draws it:

- left to right: the internet, then the tiers of `scanner.catalog.tiers` in columns
  (edge, compute, messaging, data; network gateways with the edge, identities and log
  sources with compute), nested in account/project -> region -> VPC -> subnets;
- one shape and colour per tier (`TIER_STYLES`), one colour and line style per edge kind
  (`scanner.architecture.EDGE_KINDS`), both explained in a legend under the title;
- a node's worst open finding (a `severities` mapping of resource id -> severity)
  colours its border and is written under its name;
- the page is scaled to one 1920x1080 screen (`size`); aggregation keeps labels legible.

Without Graphviz, DOT and Mermaid are still text; `to_svg` raises a ReportError saying
how to install it. Output is deterministic.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import logging
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from scanner.architecture import (
    EDGE_KINDS,
    VIEWS,
    Architecture,
    Cluster,
    View,
    ViewNode,
    build_architecture,
    build_view,
)
from scanner.architecture.views import MAX_NODES
from scanner.errors import ReportError
from scanner.headroom import DEFAULT_PRODUCT_TAGS
from scanner.model import Resource
from scanner.render._text import strip_control

__all__ = [
    "DIAGRAM_FORMATS",
    "DOT_TIMEOUT_SECONDS",
    "MAX_NODES",
    "SCREEN_INCHES",
    "TIER_STYLES",
    "VIEWS",
    "render_architecture",
    "render_diagram",
    "render_view",
    "to_dot",
    "to_mermaid",
    "to_svg",
    "view_to_dot",
    "view_to_mermaid",
]

logger = logging.getLogger(__name__)

DIAGRAM_FORMATS = ("dot", "mermaid", "svg")
DOT_TIMEOUT_SECONDS = 120
# 1920x1080 CSS pixels at 96 per inch: Graphviz scales a larger drawing down to this.
SCREEN_INCHES = (19.8, 11.1)
_INTERNET = "internet"
# Font sizes (points): nothing is drawn smaller than _SMALL, so a page scaled to the
# screen keeps every label legible when _SMALL points stay at least 10 pixels.
_SMALL = 10
_BIG = 12

# tier -> (DOT shape, fill, border, Mermaid shape opening, closing)
TIER_STYLES: dict[str, tuple[str, str, str, str, str]] = {
    "internet": ("ellipse", "#fee2e2", "#b91c1c", "((", "))"),
    "external": ("octagon", "#fae8ff", "#86198f", "{{", "}}"),
    "edge": ("hexagon", "#ede9fe", "#6d28d9", "{{", "}}"),
    "network": ("invhouse", "#f1f5f9", "#475569", "[/", "\\]"),
    "compute": ("box", "#dbeafe", "#1d4ed8", "(", ")"),
    "identity": ("note", "#fef9c3", "#a16207", "[", "]"),
    "observability": ("folder", "#f1f5f9", "#475569", "[", "]"),
    "messaging": ("cds", "#fce7f3", "#be185d", ">", "]"),
    "security": ("note", "#fef9c3", "#a16207", "[", "]"),
    "data": ("cylinder", "#dcfce7", "#15803d", "[(", ")]"),
    "management": ("box", "#f8fafc", "#475569", "[", "]"),
}
_TIER_NAMES = {
    "edge": "edge (CDN, load balancers, gateways)",
    "compute": "compute",
    "messaging": "messaging",
    "data": "data",
    "network": "network",
    "identity": "identity",
    "observability": "logging",
    "external": "outside account",
}
# The column a tier is drawn in, left to right.
_COLUMNS = {
    "internet": 0,
    "external": 0,
    "edge": 1,
    "network": 1,
    "compute": 2,
    "identity": 2,
    "observability": 2,
    "management": 2,
    "messaging": 3,
    "security": 3,
    "data": 4,
}
_SEVERITY_COLOURS = {
    "critical": "#b91c1c",
    "high": "#ea580c",
    "medium": "#a16207",
    "low": "#2563eb",
    "info": "#64748b",
}
# cluster kind -> (fill, border, DOT style)
_CLUSTER_STYLES = {
    "tag": ("#ffffff", "#334155", "rounded"),
    "account": ("#f8fafc", "#334155", "rounded,filled"),
    "region": ("#ffffff", "#94a3b8", "rounded,filled"),
    "vpc": ("#eff6ff", "#3b82f6", "rounded,filled"),
    "zone": ("#ffffff", "#94a3b8", "dashed,filled"),
    "external": ("#faf5ff", "#a855f7", "rounded,filled,dashed"),
}
_SUBNET_FILLS = {"public": "#fff7ed", "private": "#f0fdf4"}
_LINE_GLYPHS = {
    "solid": "\u2501\u2501\u2501",
    "bold": "\u2501\u2501\u2501",
    "dashed": "\u254d\u254d\u254d",
    "dotted": "\u2504\u2504\u2504",
}


# --- model and views ---------------------------------------------------------------


def _architecture(
    resources: Iterable[Mapping[str, Any] | Resource], product_tags: Sequence[str] | None
) -> Architecture:
    return build_architecture(resources, product_tags or DEFAULT_PRODUCT_TAGS)


def render_architecture(
    arch: Architecture,
    view: str,
    fmt: str,
    *,
    severities: Mapping[str, str] | None = None,
    product: str | None = None,
    group_by: str = "account",
    max_nodes: int = MAX_NODES,
) -> str:
    """Draw one view of an already built architecture model (several views, one model).

    Raises:
        ReportError: unknown view, format or group_by; a product view without a known
            product; `dot` missing or failing for `svg`.
    """
    if fmt not in DIAGRAM_FORMATS:
        msg = f"diagram format {fmt!r} is not valid (use one of: {', '.join(DIAGRAM_FORMATS)})"
        raise ReportError(msg)
    drawn = build_view(
        arch, view, severities=severities, product=product, group_by=group_by, max_nodes=max_nodes
    )
    if fmt == "mermaid":
        return view_to_mermaid(drawn)
    dot_text = view_to_dot(drawn)
    return to_svg(dot_text) if fmt == "svg" else dot_text


def render_view(
    resources: Sequence[Resource] | Iterable[Mapping[str, Any] | Resource],
    view: str,
    fmt: str,
    *,
    severities: Mapping[str, str] | None = None,
    product: str | None = None,
    product_tags: Sequence[str] | None = None,
    group_by: str = "account",
) -> str:
    """Draw one view (`VIEWS`) of the resources as `dot`, `svg` or `mermaid` text.

    Args:
        resources: the snapshot's resources (`Resource` models or snapshot dicts).
        view: overview, network, dataflow, exposure or product.
        fmt: dot, svg (needs Graphviz's `dot`) or mermaid.
        severities: resource id -> worst open finding severity, drawn on the nodes.
        product: the product the `product` view shows.
        product_tags: tag keys that name a resource's product (default: those of
            `--product-tag`, `scanner.headroom.DEFAULT_PRODUCT_TAGS`).
        group_by: account (default), vpc, or tag:KEY as the outermost cluster.

    Raises:
        ReportError: unknown view or format; `product` view without a known product;
            `dot` missing or failing for `svg`.
    """
    arch = _architecture(resources, product_tags)
    return render_architecture(
        arch, view, fmt, severities=severities, product=product, group_by=group_by
    )


def render_diagram(
    resources: Iterable[Mapping[str, Any] | Resource],
    fmt: str,
    group_by: str = "account",
    *,
    max_nodes: int = MAX_NODES,
) -> str:
    """The overview in one of DIAGRAM_FORMATS (kept for callers of the first diagrams)."""
    arch = _architecture(resources, None)
    return render_architecture(arch, "overview", fmt, group_by=group_by, max_nodes=max_nodes)


def to_dot(
    resources: Iterable[Mapping[str, Any] | Resource],
    group_by: str = "account",
    *,
    max_nodes: int = MAX_NODES,
) -> str:
    """The overview as Graphviz DOT text."""
    return render_diagram(resources, "dot", group_by, max_nodes=max_nodes)


def to_mermaid(
    resources: Iterable[Mapping[str, Any] | Resource],
    group_by: str = "account",
    *,
    max_nodes: int = MAX_NODES,
) -> str:
    """The overview as a Mermaid flowchart."""
    return render_diagram(resources, "mermaid", group_by, max_nodes=max_nodes)


# --- DOT ----------------------------------------------------------------------------


def _dot_id(value: str) -> str:
    text = re.sub(r"[\r\n]+", " ", strip_control(value))
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _html_text(value: str) -> str:
    # For Graphviz HTML-like labels: escape markup, flatten newlines.
    return html.escape(re.sub(r"\s*[\r\n]+\s*", " ", strip_control(value)), quote=True)


def _dot_node(node: ViewNode, node_id: str = "") -> str:
    shape, fill, border, _, _ = TIER_STYLES.get(node.tier, TIER_STYLES["management"])
    lines = [f'<font point-size="{_BIG}"><b>{_html_text(node.title)}</b></font>']
    small = [_html_text(line) for line in node.subtitle.splitlines()]
    penwidth = "1.2"
    if node.severity:
        # the worst open finding, on the last line so it costs no height
        colour = _SEVERITY_COLOURS[node.severity]
        mark = f'<font color="{colour}"><b>{node.severity}</b></font>'
        small[-1:] = [f"{small[-1]} \u00b7 {mark}" if small else mark]
        if node.severity in ("critical", "high", "medium"):
            border = colour
            penwidth = "3" if node.severity in ("critical", "high") else "2"
    lines.extend(f'<font point-size="{_SMALL}">{line}</font>' for line in small)
    label = "<" + "<br/>".join(lines) + ">"
    # polygons grow around their label: keep their margin small so columns stay narrow
    margin = ', margin="0.02,0.02"' if shape in ("hexagon", "octagon", "cds") else ""
    return (
        f'{_dot_id(node_id or node.id)} [label={label}, shape="{shape}", fillcolor="{fill}", '
        f'color="{border}", penwidth="{penwidth}"{margin}];'
    )


def _cluster_style(cluster: Cluster) -> tuple[str, str, str]:
    kind = cluster.key[0]
    if kind.startswith(("subnets-", "subnet-")):
        subnet_class = kind.split("-", 1)[1]
        return _SUBNET_FILLS.get(subnet_class, "#ffffff"), "#94a3b8", "rounded,filled"
    return _CLUSTER_STYLES.get(kind, ("#ffffff", "#94a3b8", "rounded"))


def _legend(view: View) -> str:
    """The title and legend, as an HTML-like table above the drawing."""
    kinds = sorted({e.kind for e in view.edges}, key=list(EDGE_KINDS).index)
    tiers = sorted(
        {n.tier for n in view.nodes()} - {"internet"}, key=lambda t: (_COLUMNS.get(t, 9), t)
    )
    cells = []
    for kind in kinds:
        spec = EDGE_KINDS[kind]
        cells.append(
            f'<td><font color="{spec.colour}"><b>{_LINE_GLYPHS[spec.style]}\u25b6</b></font> '
            f"{_html_text(spec.legend)}</td>"
        )
    if any(e.highlight for e in view.edges):
        glyph = _LINE_GLYPHS["bold"] + "\u25b6"
        cells.append(
            f'<td><font color="#b91c1c"><b>{glyph}</b></font> path to a critical finding</td>'
        )
    tier_cells = []
    for tier in tiers:
        _, fill, border, _, _ = TIER_STYLES.get(tier, TIER_STYLES["management"])
        name = _TIER_NAMES.get(tier, tier)
        tier_cells.append(
            f'<td bgcolor="{fill}" border="1" color="{border}">{_html_text(name)}</td>'
        )
    title = f'<td align="left"><font point-size="16"><b>{_html_text(view.title)}</b></font></td>'
    return (
        '<<table border="0" cellspacing="4"><tr>'
        + title
        + "".join(cells)
        + "".join(tier_cells)
        + "</tr></table>>"
    )


def view_to_dot(view: View) -> str:
    """A view as Graphviz DOT text: nested clusters, tier columns, styled edges, legend.

    Top-level clusters (accounts, projects) are stacked in bands of tier columns; with
    many of them, bands sit side by side (each with its own copy of the internet), as
    many as make the page closest to a screen's shape (`_band_of`).
    """
    width, height = SCREEN_INCHES
    lines = [
        f'digraph "{view.name}" {{',
        f'  graph [rankdir="LR", newrank="true", fontname="Helvetica", fontsize="{_SMALL}", '
        f'nodesep="0.08", ranksep="0.3", labelloc="t", labeljust="l", '
        f'size="{width:g},{height:g}", margin="0", pad="0.05", label={_legend(view)}];',
        f'  node [fontname="Helvetica", fontsize="{_SMALL}", style="rounded,filled", '
        'margin="0.08,0.02"];',
        f'  edge [fontname="Helvetica", fontsize="{_SMALL}", arrowsize="0.7"];',
    ]
    band_of = _band_of(view)
    counter = 0

    def emit(cluster: Cluster, indent: str) -> None:
        nonlocal counter
        for node in cluster.nodes:
            lines.append(indent + _dot_node(node))
            if node.id == _INTERNET:
                copies = sorted(set(band_of.values()) - {0})
                lines.extend(indent + _dot_node(node, _copy(node.id, b)) for b in copies)
        for child in cluster.clusters:
            counter += 1
            fill, border, style = _cluster_style(child)
            lines.append(f'{indent}subgraph "cluster_{counter}" {{')
            lines.append(
                f'{indent}  graph [label=<<b>{_html_text(child.label)}</b>>, style="{style}", '
                f'color="{border}", fillcolor="{fill}", fontsize="{_SMALL}", margin="4"];'
            )
            emit(child, indent + "  ")
            lines.append(f"{indent}}}")

    emit(view.root, "  ")
    lines.extend(_columns(view, band_of))
    for edge in view.edges:
        spec = EDGE_KINDS[edge.kind]
        colour = "#b91c1c" if edge.highlight else spec.colour
        attrs = f'color="{colour}", style="{spec.style}"'
        if edge.highlight:
            attrs += ', penwidth="3.5"'
        if edge.label:
            attrs += f', xlabel=<{_html_text(edge.label)}>, fontcolor="{colour}"'
        source = _copy(edge.source, band_of.get(edge.target, 0))
        lines.append(f"  {_dot_id(source)} -> {_dot_id(edge.target)} [{attrs}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _copy(node_id: str, band: int) -> str:
    """The internet node drawn in a band: `internet` in the first, `internet~N` after."""
    return f"{node_id}~{band}" if node_id == _INTERNET and band else node_id


# Rough sizes for choosing bands: a band of tier columns is about this wide, a row of
# boxes (or a cluster's label) this tall, in points.
_BAND_POINTS = 1000.0
_ROW_POINTS = 46.0


def _rows(cluster: Cluster) -> float:
    per_column: dict[int, int] = {}
    for node in cluster.nodes:
        column = _COLUMNS.get(node.tier, 2)
        per_column[column] = per_column.get(column, 0) + 1 + node.subtitle.count("\n") // 2
    return 0.7 + max(per_column.values(), default=0) + sum(_rows(c) for c in cluster.clusters)


def _band_of(view: View) -> dict[str, int]:
    """Node id -> band, top-level clusters split in order into the best number of bands."""
    tops = view.root.clusters
    rows = [_rows(c) for c in tops]
    best: tuple[float, list[int]] = (float("inf"), [0] * len(tops))
    for count in range(1, min(len(tops), 4) + 1):
        target = sum(rows) / count
        assignment, band, filled = [], 0, 0.0
        for height in rows:
            if filled and filled + height / 2 > target and band < count - 1:
                band, filled = band + 1, 0.0
            assignment.append(band)
            filled += height
        tallest = max(
            sum(h for h, b in zip(rows, assignment, strict=True) if b == i) for i in range(count)
        )
        shrink = max(
            (band + 1) * _BAND_POINTS / (SCREEN_INCHES[0] * 72 * 4 / 3),
            tallest * _ROW_POINTS / (SCREEN_INCHES[1] * 72 * 4 / 3),
        )
        if shrink < best[0] - 1e-9:
            best = (shrink, assignment)
    top_band = {c.key: b for c, b in zip(tops, best[1], strict=True)}
    return {node.id: top_band[path[0]] for path, node in view.placed() if path}


def _columns(view: View, band_of: Mapping[str, int]) -> list[str]:
    """Same-rank groups per tier column and band, chained by invisible anchors (L to R)."""
    width = max(_COLUMNS.values()) + 1
    by_column: dict[int, list[str]] = {}
    for node in view.nodes():
        if node.id == _INTERNET:
            for band in sorted(set(band_of.values()) | {0}):
                by_column.setdefault(band * width, []).append(_copy(node.id, band))
            continue
        column = band_of.get(node.id, 0) * width + _COLUMNS.get(node.tier, 2)
        by_column.setdefault(column, []).append(node.id)
    if len(by_column) < 2:
        return []
    columns = list(range(max(by_column) + 1))
    lines = []
    for column in columns:
        anchor = f"column:{column}"
        lines.append(f'  {_dot_id(anchor)} [style="invis", shape="point", width="0", label=""];')
        members = " ".join(_dot_id(n) for n in [anchor, *by_column.get(column, [])])
        lines.append(f'  {{ rank="same"; {members} }}')
    for left, right in itertools.pairwise(columns):
        lines.append(
            f'  {_dot_id(f"column:{left}")} -> {_dot_id(f"column:{right}")} [style="invis"];'
        )
    return lines


# --- Mermaid ------------------------------------------------------------------------


def _mermaid_id(value: str) -> str:
    # Alphanumeric, collision-free and stable across runs; never a Mermaid keyword.
    if value == _INTERNET:
        return _INTERNET
    return "r" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _mermaid_text(value: str) -> str:
    text = re.sub(r"\s*[\r\n]+\s*", " ", strip_control(value))
    # "#" first: Mermaid reads "#name;" as an entity code. https://mermaid.js.org/syntax/
    # flowchart.html#entity-codes-to-escape-characters
    # "%" too: "%%{init: ...}%%" in a name would be a directive that reconfigures the chart.
    codes = (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;"))
    for char, code in (*codes, ("%", "#37;")):
        text = text.replace(char, code)
    return text


_MERMAID_ARROWS = {"solid": "-->", "bold": "==>", "dashed": "-.->", "dotted": "-.->"}


def view_to_mermaid(view: View) -> str:
    """A view as a Mermaid flowchart (same clusters, nodes and edges as the DOT)."""
    lines = ["flowchart LR", f"  %% {_mermaid_text(view.title)}"]
    classes: dict[str, list[str]] = {}
    counter = 0

    def emit(cluster: Cluster, indent: str) -> None:
        nonlocal counter
        for node in cluster.nodes:
            node_id = _mermaid_id(node.id)
            classes.setdefault(node.tier, []).append(node_id)
            _, _, _, opening, closing = TIER_STYLES.get(node.tier, TIER_STYLES["management"])
            label = f"<b>{_mermaid_text(node.title)}</b>"
            for line in node.subtitle.splitlines():
                label += f"<br/>{_mermaid_text(line)}"
            if node.severity:
                label += f" · {node.severity}"
            lines.append(f'{indent}{node_id}{opening}"{label}"{closing}')
        for child in cluster.clusters:
            counter += 1
            lines.append(f'{indent}subgraph c{counter}["{_mermaid_text(child.label)}"]')
            emit(child, indent + "  ")
            lines.append(f"{indent}end")

    emit(view.root, "  ")
    styles = []
    for index, edge in enumerate(view.edges):
        spec = EDGE_KINDS[edge.kind]
        arrow = _MERMAID_ARROWS[spec.style]
        label = f"|{_mermaid_text(edge.label)}|" if edge.label else ""
        lines.append(f"  {_mermaid_id(edge.source)} {arrow}{label} {_mermaid_id(edge.target)}")
        colour = "#b91c1c" if edge.highlight else spec.colour
        width = "4px" if edge.highlight else "2px"
        styles.append(f"  linkStyle {index} stroke:{colour},stroke-width:{width}")
    lines.extend(styles)
    kinds = sorted({e.kind for e in view.edges}, key=list(EDGE_KINDS).index)
    if kinds:
        legend = "<br/>".join(
            f"{_mermaid_text(EDGE_KINDS[k].legend)}: {EDGE_KINDS[k].style} {EDGE_KINDS[k].colour}"
            for k in kinds
        )
        lines.append(f'  legend["<b>Legend</b><br/>{legend}"]')
    for tier in sorted(classes):
        _, fill, border, _, _ = TIER_STYLES.get(tier, TIER_STYLES["management"])
        lines.append(f"  classDef {tier} fill:{fill},stroke:{border}")
        lines.append(f"  class {','.join(sorted(classes[tier]))} {tier}")
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
            "large; draw another view (--view) or use --format dot|mermaid"
        )
        raise ReportError(msg) from exc
    if completed.returncode != 0:
        detail = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        first = detail[0] if detail else "no message"
        msg = f"Graphviz 'dot' failed with exit code {completed.returncode}: {first}"
        raise ReportError(msg)
    return completed.stdout.decode("utf-8", "replace")
