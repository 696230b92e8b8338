"""`pscan report`: a saved findings document, judged by the gate again, in any format.

The gate is the same as `pscan scan`'s: `.pscan.yaml` (found or given) with its
suppressions, rule filter and baseline, and `fail_on` from the flag, else the file, else
`none` (a report alone never fails unless asked to). What the run that wrote the
document found besides its findings stays: `is_new` marks, the fixed findings and the
new exposure paths of a plan overlay.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from scanner.app.files import write_atomic
from scanner.app.gate import GateOptions, load_gate
from scanner.model import FindingsDocument, GateSummary
from scanner.render import FORMATS, render, render_pieces
from scanner.render.jsonout import read_findings
from scanner.timing import Phases

__all__ = ["FORMATS", "ReportRequest", "ReportResult", "render_text", "run_report", "write_report"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportRequest:
    """What `pscan report` was asked to do."""

    findings: Path
    gate: GateOptions = field(default_factory=GateOptions)


@dataclass
class ReportResult:
    """The document, judged by the report's gate."""

    doc: FindingsDocument
    gate: GateSummary


def run_report(request: ReportRequest) -> ReportResult:
    """Read a findings document and apply the gate to it.

    Raises:
        ReportError: the file is missing or not a findings document.
        ConfigError: the gate config or baseline is invalid.
    """
    doc = read_findings(request.findings)
    gate = load_gate(request.gate, default_fail_on="none")
    prior = doc.gate
    summary = gate.apply(
        doc,
        fixed=prior.fixed if prior else (),
        exposures=prior.new_exposures if prior else (),
        against=prior.against if prior else None,
    )
    return ReportResult(doc=doc, gate=summary)


def render_text(doc: FindingsDocument, fmt: str) -> str:
    """The document in one of `FORMATS`."""
    return render(doc, fmt)


def write_report(doc: FindingsDocument, fmt: str, output: Path) -> None:
    """Write the document in one of `FORMATS` to `output`, atomically."""
    clock = Phases(logger)
    write_atomic(output, render_pieces(doc, fmt))
    clock.done(f"wrote {output} ({fmt})")
