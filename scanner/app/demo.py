"""`pscan demo`: the bundled demo estate scanned, and every report written.

The demo estate tags its products with `Product` (AWS) and `product` (GCP), which the
default product tags match, so headroom and cost by product group it by product. The
demo's settings are `fixtures/demo/pscan.yaml` (a `.pscan.yaml` beside the snapshot,
read like any other): its budgets judge the demo's year of spend, and its decision records
(`fixtures/demo/decisions`) sit beside the architecture document written into
`architecture/` (`scanner.app.architecture.write_architecture`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scanner.app.architecture import write_architecture
from scanner.app.events import Listener, RulesLoaded, ignore
from scanner.app.files import write_atomic
from scanner.app.forecast import forecast_section
from scanner.app.scan import load_ruleset, scan_snapshots
from scanner.architecture import build_architecture, open_severities
from scanner.architecture.decisions import read_decisions
from scanner.errors import ReportError
from scanner.forecast.model import load_model
from scanner.gate import load_config
from scanner.headroom import DEFAULT_PRODUCT_TAGS
from scanner.model import FindingsDocument
from scanner.paths import data_dir
from scanner.render import diagram as diagrams
from scanner.render import render
from scanner.render.html import render_html
from scanner.snapshot import open_snapshot

__all__ = ["ARCHITECTURE_DIR", "DemoResult", "run_demo"]

ARCHITECTURE_DIR = "architecture"  # the architecture document's folder inside the output


@dataclass
class DemoResult:
    """The demo's findings and the files written."""

    doc: FindingsDocument
    out: Path
    files: list[str] = field(default_factory=list)  # names inside `out`
    notes: list[str] = field(default_factory=list)  # what could not be written, and why

    @property
    def report(self) -> Path:
        """The HTML report, the one to open first."""
        return self.out / "report.html"

    @property
    def architecture(self) -> Path:
        """The architecture document (HTML)."""
        return self.out / ARCHITECTURE_DIR / "architecture.html"


def run_demo(
    out: Path, on_event: Listener = ignore, product_tags: Sequence[str] = ()
) -> DemoResult:
    """Scan the bundled demo estate and write every report and diagram into `out`.

    The diagrams are the overview (`diagram.*`, also in the HTML report) and the internet
    exposure (`diagram-exposure.*`), with each resource's worst open finding. Their SVGs
    need Graphviz's `dot`; without it the other files are written and the result's notes
    say why the SVGs are missing. `product_tags` group the capacity
    section (default: `scanner.headroom.DEFAULT_PRODUCT_TAGS`).
    """
    snap = open_snapshot(data_dir("fixtures/demo"))
    ruleset = load_ruleset()
    on_event(RulesLoaded(len(ruleset.rules)))
    tags = tuple(product_tags) or DEFAULT_PRODUCT_TAGS
    settings = load_config(data_dir("fixtures/demo") / "pscan.yaml")
    doc = scan_snapshots([snap], ruleset, on_event=on_event, product_tags=tags, cost=settings.cost)
    # the demo's capacity plan: next year's load against the estate (fixtures/demo/capacity.yaml)
    model_path = data_dir("fixtures/demo") / "capacity.yaml"
    shown = Path("fixtures/demo/capacity.yaml")  # named as in the repository, not this disk
    doc.forecast, planned = forecast_section(load_model(model_path), shown, [snap], tags)
    doc.findings = sorted(
        [*doc.findings, *planned], key=lambda f: (-f.severity.rank, f.rule_id, f.resource.id)
    )
    outputs: dict[str, str] = {
        "findings.json": render(doc, "json"),
        "results.sarif": render(doc, "sarif"),
        "results.junit.xml": render(doc, "junit"),
        "findings.csv": render(doc, "csv"),
        "report.md": render(doc, "md"),
    }
    result = DemoResult(doc=doc, out=out)
    arch = build_architecture(snap.iter_resources(), tags)
    severities = open_severities(doc.findings)
    for view, stem in (("overview", "diagram"), ("exposure", "diagram-exposure")):
        dot_text = diagrams.render_architecture(arch, view, "dot", severities=severities)
        outputs[f"{stem}.dot"] = dot_text
        outputs[f"{stem}.mmd"] = diagrams.render_architecture(
            arch, view, "mermaid", severities=severities
        )
        try:
            outputs[f"{stem}.svg"] = diagrams.to_svg(dot_text)
        except ReportError as exc:
            if not result.notes:  # one note says it for every view
                result.notes.append(str(exc))
    svg = outputs.get("diagram.svg")
    outputs["report.html"] = render_html(doc, diagram_svg=svg)
    decisions = settings.resolve(settings.architecture.decisions, data_dir("fixtures/demo"))
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:  # everything is written aside first, so a failure leaves `out` as it was
        for name, text in outputs.items():
            write_atomic(staging / name, text)
        written = write_architecture(
            staging / ARCHITECTURE_DIR,
            list(snap.iter_resources()),
            doc.findings,
            read_decisions(decisions) if decisions else [],
            tags,
            sources=["fixtures/demo"],
        )
        _publish(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result.notes += [n for n in written.notes if n not in result.notes]
    result.files = sorted([*outputs, *(f"{ARCHITECTURE_DIR}/{f}" for f in written.files)])
    return result


def _publish(staging: Path, out: Path) -> None:
    """Move what was written into `out`, each entry by one rename (same file system)."""
    out.mkdir(parents=True, exist_ok=True)
    for entry in sorted(staging.iterdir()):
        target = out / entry.name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        os.replace(entry, target)
