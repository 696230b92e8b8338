"""`pscan architecture`: the architecture document of snapshots, and new decision records.

`run_architecture` reads the decision records first (a malformed one fails the run
before anything is written), scans the snapshots with the rules as `pscan scan` does
(the config's rule selection, params and suppressions apply), then `write_architecture`
writes into the output folder:

    architecture.md, architecture.html   the document (scanner/render/architecture.py)
    diagrams/<view>.svg|.mmd|.dot        one per view; product-<name>.* per product
    workspace.dsl                        the C4 model (scanner/architecture/c4.py)

The SVG files need Graphviz's `dot`; without it they are left out with a note. `pscan
demo` calls `write_architecture` with the findings it already has.

The decisions folder is `--decisions`, else `architecture: {decisions: PATH}` in
`.pscan.yaml` (relative to that file).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from scanner.app.capacity import product_tags as resolve_product_tags
from scanner.app.events import Listener, ignore
from scanner.app.files import write_atomic
from scanner.app.gate import Gate, GateOptions, load_gate
from scanner.app.scan import load_ruleset, scan_snapshots
from scanner.architecture import Architecture, build_architecture, open_severities, products
from scanner.architecture.adr import gather_facts, scaffold, slug
from scanner.architecture.c4 import to_structurizr
from scanner.architecture.decisions import (
    Decision,
    Governs,
    next_number,
    read_decisions,
)
from scanner.architecture.document import (
    ArchitectureDocument,
    build_document,
)
from scanner.errors import ConfigError, ReportError
from scanner.model import Finding, utcnow
from scanner.render.architecture import (
    DiagramFiles,
    render_architecture_html,
    render_architecture_markdown,
)
from scanner.render.diagram import render_architecture
from scanner.snapshot import open_snapshot
from scanner.storage import SnapshotPath

__all__ = [
    "VIEWS",
    "AdrRequest",
    "ArchitectureRequest",
    "ArchitectureResult",
    "new_adr",
    "run_architecture",
    "write_architecture",
]

# The diagram views (scanner.render.diagram); `product` is drawn once per product.
VIEWS = ("overview", "network", "dataflow", "exposure", "product")
_TITLES = {
    "overview": "Overview",
    "network": "Network",
    "dataflow": "Data flow",
    "exposure": "Internet exposure",
    "product": "Product",
}
# diagram format -> file extension
_FORMATS = {"svg": "svg", "mermaid": "mmd", "dot": "dot"}
DSL_FILE = "workspace.dsl"


@dataclass(frozen=True)
class ArchitectureRequest:
    """What `pscan architecture SNAPSHOT... -o DIR` was asked to do."""

    snapshots: tuple[SnapshotPath, ...]
    out: Path
    decisions: Path | None = None  # --decisions; default: the config's
    config: GateOptions = field(default_factory=GateOptions)  # --config / --no-config
    product_tags: tuple[str, ...] = ()


@dataclass
class ArchitectureResult:
    """The document's facts and the files written (names inside `out`)."""

    out: Path
    document: ArchitectureDocument
    files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be written, and why


def _decisions_folder(flag: Path | None, gate: Gate) -> Path | None:
    if flag is not None:
        return flag
    base = gate.config_path.parent if gate.config_path else None
    return gate.config.resolve(gate.config.architecture.decisions, base)


def run_architecture(
    request: ArchitectureRequest, on_event: Listener = ignore
) -> ArchitectureResult:
    """Scan the snapshots and write the architecture document into `request.out`.

    Raises:
        ConfigError: no snapshot, a bad config, a missing decisions folder or a malformed
            decision record (file:line); nothing is written then.
        RuleLoadError, SnapshotError: bad rules or snapshots.
    """
    if not request.snapshots:
        msg = "give one or more SNAPSHOT folders"
        raise ConfigError(msg)
    gate = load_gate(request.config)
    folder = _decisions_folder(request.decisions, gate)
    decisions = read_decisions(folder) if folder is not None else []
    ruleset = gate.select(gate.tune(load_ruleset()))
    snaps = [open_snapshot(p) for p in request.snapshots]
    tags = resolve_product_tags(request.product_tags, gate.config)
    doc = scan_snapshots(snaps, ruleset, on_event=on_event, product_tags=None)
    gate.apply(doc)  # suppressed findings are not open
    resources = [r for s in snaps for r in s.iter_resources()]
    sources = [str(p) for p in request.snapshots]
    return write_architecture(request.out, resources, doc.findings, decisions, tags, sources)


def write_architecture(
    out: Path,
    resources: Sequence[Mapping[str, Any]],
    findings: Sequence[Finding],
    decisions: Sequence[Decision],
    product_tags: Sequence[str],
    sources: Sequence[str] = (),
) -> ArchitectureResult:
    """Write the document, the diagrams and the C4 model of the resources into `out`."""
    document = build_document(resources, findings, decisions, product_tags)
    outputs: dict[str, str] = {}
    result = ArchitectureResult(out=out, document=document)
    arch = build_architecture(resources, product_tags)
    diagrams = _diagrams(arch, findings, document, outputs, result.notes)
    entries = [e.resource.id for e in document.entry_points]
    outputs[DSL_FILE] = to_structurizr(resources, product_tags, entries, arch.edges)
    now = utcnow()
    kwargs: dict[str, Any] = {"generated_at": now, "sources": sources, "dsl": DSL_FILE}
    outputs["architecture.md"] = render_architecture_markdown(document, diagrams, **kwargs)
    outputs["architecture.html"] = render_architecture_html(document, diagrams, **kwargs)
    for name, text in outputs.items():
        write_atomic(out / name, text)
    result.files = sorted(outputs)
    return result


def _diagrams(
    arch: Architecture,
    findings: Sequence[Finding],
    document: ArchitectureDocument,
    outputs: dict[str, str],
    notes: list[str],
) -> list[DiagramFiles]:
    """Draw every view in every format into `outputs`; a missing `dot` is one note."""
    severities = open_severities(findings)
    # a product view for each product with something drawn (a product whose only
    # resources are accounts or quotas has no diagram)
    drawn_products = set(products(arch))
    products_ = [c.name for c in document.by_product if c.name in drawn_products]
    jobs: list[tuple[str, str, str, str | None]] = [
        (view, view, _TITLES[view], None) for view in VIEWS if view != "product"
    ]
    stems: set[str] = set()
    for name in sorted(products_):
        base = stem = f"product-{slug(name)}"
        n = 1
        while stem in stems:  # two products may slug alike: number the later ones
            n += 1
            stem = f"{base}-{n}"
        stems.add(stem)
        jobs.append(("product", stem, f"Product {name}", name))
    drawn: list[DiagramFiles] = []
    svg_ok = True
    for view, stem, title, product in jobs:
        files, svg = [], None
        for fmt, ext in _FORMATS.items():
            if fmt == "svg" and not svg_ok:
                continue
            name = f"diagrams/{stem}.{ext}"
            try:
                text = render_architecture(arch, view, fmt, severities=severities, product=product)
            except ReportError as exc:
                if fmt != "svg":
                    raise
                svg_ok = False
                notes.append(f"SVG diagrams left out: {exc}")
                continue
            outputs[name] = text
            files.append(name)
            svg = text if fmt == "svg" else svg
        drawn.append(DiagramFiles(view=stem, title=title, files=tuple(files), svg=svg))
    return drawn


# ---------------------------------------------------------------------- adr new
@dataclass(frozen=True)
class AdrRequest:
    """What `pscan architecture adr new TITLE` was asked to do."""

    title: str
    decisions: Path | None = None  # --decisions; default: the config's
    snapshots: tuple[SnapshotPath, ...] = ()
    types: tuple[str, ...] = ()  # --type globs
    tags: tuple[tuple[str, str], ...] = ()  # --tag KEY=GLOB
    config: GateOptions = field(default_factory=GateOptions)
    product_tags: tuple[str, ...] = ()
    today: date | None = None  # the record's date (default: today, UTC)


def new_adr(request: AdrRequest) -> Path:
    """Write the next numbered MADR record, pre-filled with facts; return its path.

    Raises:
        ConfigError: no title, no decisions folder, or a record of that name exists.
        SnapshotError: a snapshot is missing or unreadable.
    """
    title = " ".join(request.title.split())
    if not title:
        msg = "adr new: give the decision's TITLE"
        raise ConfigError(msg)
    gate = load_gate(request.config)
    folder = _decisions_folder(request.decisions, gate)
    if folder is None:
        msg = "adr new: give --decisions DIR (or architecture: {decisions: DIR} in .pscan.yaml)"
        raise ConfigError(msg)
    if folder.is_dir():
        read_decisions(folder)  # a malformed record fails before a new one is written
    given = (
        Governs(types=list(request.types), tags=dict(request.tags))
        if request.types or request.tags
        else None
    )
    facts = None
    if request.snapshots:
        resources = [r for p in request.snapshots for r in open_snapshot(p).iter_resources()]
        tags = resolve_product_tags(request.product_tags, gate.config)
        facts = gather_facts(title, resources, load_ruleset().prices, tags, given)
    number = next_number(folder)
    path = folder / f"{number:04d}-{slug(title)}.md"
    if path.exists():
        msg = f"{path}: already exists; choose another title"
        raise ConfigError(msg)
    today = request.today or utcnow().date()
    sources = [str(p) for p in request.snapshots]
    write_atomic(path, scaffold(number, title, today, facts, sources, given))
    return path
