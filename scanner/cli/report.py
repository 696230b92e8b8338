"""`pscan report` and `pscan diagram`: documents and snapshots rendered."""

from __future__ import annotations

from pathlib import Path

import click

from scanner.app import DIAGRAM_FORMATS, GateOptions, ReportRequest, draw_diagram, run_report
from scanner.app import write_atomic as write_file
from scanner.cli.options import format_option, output_option, report_gate_options
from scanner.cli.output import echo_text, emit
from scanner.gate import exit_code

__all__ = ["diagram", "report"]


@click.command()
@click.argument("findings", type=click.Path(path_type=Path))
@format_option
@output_option
@report_gate_options
def report(findings: Path, fmt: str, output: Path | None, gate: GateOptions) -> None:
    """Render a findings document (from pscan scan) in another format.

    The gate judges the document again, as pscan scan does: .pscan.yaml (found or
    given) with its suppressions, rule filter and baseline; --fail-on, else the file's
    fail_on, else none.

    \b
    Examples:
      pscan report findings.json --format html -o report.html
      pscan report findings.json --format md > comment.md
      pscan report findings.json --format sarif -o r.sarif --fail-on high
    """
    result = run_report(ReportRequest(findings=findings, gate=gate))
    emit(result.doc, fmt, output)
    raise click.exceptions.Exit(exit_code(result.gate))


@click.command()
@click.argument("snapshot", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(DIAGRAM_FORMATS)),
    default="svg",
    show_default=True,
    help="svg needs Graphviz's dot binary; dot and mermaid are plain text.",
)
@click.option(
    "--group-by",
    default="account",
    show_default=True,
    help="Cluster by account, vpc, or tag:KEY.",
)
@output_option
def diagram(snapshot: Path, fmt: str, group_by: str, output: Path | None) -> None:
    """Draw the architecture of a snapshot (Graphviz DOT/SVG or Mermaid).

    \b
    Examples:
      pscan diagram ./snap --format svg -o estate.svg
      pscan diagram ./snap --format mermaid --group-by vpc
      pscan diagram ./snap --format dot --group-by tag:Team | dot -Tpng > estate.png
    """
    text = draw_diagram(snapshot, fmt, group_by)
    if output:
        write_file(output, text)
    else:
        echo_text(text)
