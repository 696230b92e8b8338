"""`pscan demo`."""

from __future__ import annotations

from pathlib import Path

import click

from scanner.app import run_demo
from scanner.cli.options import product_tag_option, quiet_option
from scanner.cli.output import Ui, findings_summary

__all__ = ["demo"]


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("pscan-demo"),
    show_default=True,
    help="Folder for the reports.",
)
@product_tag_option("Default: Product, App, Application (the demo tags products with Product).")
@quiet_option
def demo(out: Path, product_tags: tuple[str, ...], quiet: bool) -> None:
    """Scan the bundled demo estate and write every report.

    The demo is a fictional company with two AWS accounts in two regions and one GCP
    project, with deliberate problems. Writes findings.json, report.html, report.md,
    results.sarif, results.junit.xml, findings.csv, the architecture overview
    (diagram.dot/.mmd/.svg, also in report.html) and the internet exposure view
    (diagram-exposure.dot/.mmd/.svg) into OUT, and the architecture document
    (pscan architecture) into OUT/architecture/.

    \b
    Examples:
      pscan demo --out /tmp/demo && open /tmp/demo/report.html
      pscan demo --out /tmp/demo --product-tag Team
    """
    ui = Ui(quiet)
    result = run_demo(out, ui.on_event, product_tags)
    for note in result.notes:
        ui.say(f"note: {note}")
    ui.say(findings_summary(result.doc))
    ui.say("")
    ui.say(f"reports in {out}/: " + ", ".join(f for f in result.files if "/" not in f))
    ui.say(f"open {result.report} in a browser for the full report")
    ui.say(f"the architecture document: {result.architecture} (pscan architecture)")
    if quiet:
        return
    click.echo(f"{result.report}")
