"""`pscan report` and `pscan diagram`: documents and snapshots rendered."""

from __future__ import annotations

from pathlib import Path

import click

from scanner.app import (
    DIAGRAM_FORMATS,
    DIAGRAM_VIEWS,
    GateOptions,
    ReportRequest,
    draw_diagram,
    run_report,
)
from scanner.app import write_atomic as write_file
from scanner.cli.options import (
    SNAPSHOT,
    format_option,
    output_option,
    product_tag_option,
    report_gate_options,
)
from scanner.cli.output import echo_text, emit
from scanner.gate import exit_code
from scanner.storage import SnapshotPath

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
@click.argument("snapshot", type=SNAPSHOT)
@click.option(
    "--view",
    type=click.Choice(list(DIAGRAM_VIEWS)),
    default="overview",
    show_default=True,
    help="overview: the whole estate on one page; network: per VPC, subnets by zone;"
    " dataflow: what reads, writes, logs to and trusts what; exposure: what the internet"
    " reaches and how; product: one product's resources (--product).",
)
@click.option("--product", default=None, help="The product the product view shows.")
@click.option(
    "--findings",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Findings JSON (pscan scan): each node shows its worst open severity.",
)
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
    help="Outermost clusters: account (then region, VPC, subnets), vpc, or tag:KEY.",
)
@product_tag_option("Default: Product, App, Application.")
@output_option
def diagram(
    snapshot: SnapshotPath,
    view: str,
    product: str | None,
    findings: Path | None,
    fmt: str,
    group_by: str,
    product_tags: tuple[str, ...],
    output: Path | None,
) -> None:
    """Draw the architecture of a snapshot (Graphviz SVG/DOT or Mermaid).

    \b
    Examples:
      pscan diagram ./snap -o overview.svg
      pscan diagram ./snap --view exposure --findings findings.json -o exposure.svg
      pscan diagram ./snap --view product --product checkout --format mermaid
      pscan diagram ./snap --view network --format dot | dot -Tpng > network.png
    """
    text = draw_diagram(
        snapshot,
        fmt,
        group_by,
        view=view,
        product=product,
        findings=findings,
        product_tags=product_tags,
    )
    if output:
        write_file(output, text)
    else:
        echo_text(text)
