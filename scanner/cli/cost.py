"""`pscan cost`: spend, list-price estimates and cost findings of snapshots (docs/cost.md)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import click

from scanner.app import COST_FORMATS, CostRequest, GateOptions, render_cost, run_cost, write_atomic
from scanner.cli.options import SNAPSHOT, config_options, output_option, product_tag_option
from scanner.cli.output import echo_text
from scanner.cost import COST_SOURCE
from scanner.cost.amounts import money
from scanner.model import Finding
from scanner.storage import SnapshotPath

__all__ = ["cost"]


@click.command()
@click.argument("snapshots", nargs=-1, required=True, type=SNAPSHOT)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(COST_FORMATS),
    default="text",
    show_default=True,
    help="text: a terminal summary and the cost findings; json: the `cost` object of a"
    " findings document; md: the Markdown report's section; csv: one row per amount; html: a"
    " report of the cost section and the cost findings.",
)
@click.option(
    "--rows",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="The most lines per breakdown and top resources in text and md (0: all).",
)
@product_tag_option("Default: capacity.product_tag in .pscan.yaml, else Product, App, Application.")
@output_option
@config_options
def cost(
    snapshots: tuple[SnapshotPath, ...],
    fmt: str,
    rows: int,
    product_tags: tuple[str, ...],
    output: Path | None,
    config: GateOptions,
) -> None:
    """Show what the snapshots' estate costs: actual spend, list-price estimates, waste.

    With billing data in the snapshots (`pscan collect aws --cost`, a GCP billing
    export): per currency, the month to date and its forecast, the last 12 months by
    service, account/project, region and product, month-over-month change and the
    biggest movers, and the share without a product tag. Always: each priced resource's
    list-price estimate (rules/prices.yaml), the most expensive resources, and the
    estimated waste of the cost findings. Budgets and thresholds in .pscan.yaml
    (`cost:`) add budget, growth and untagged-spend findings. Amounts in different
    currencies are never added.

    \b
    Examples:
      pscan cost ./snap
      pscan cost ./snap-aws ./snap-gcp --format html -o cost.html
      pscan cost ./snap --format csv -o cost.csv
      pscan cost ./snap --format md --rows 5 --config .pscan.yaml
    """
    result = run_cost(CostRequest(snapshots=snapshots, product_tags=product_tags, config=config))
    text = render_cost(result, fmt, rows)
    if fmt == "text":
        text += _findings_text(result.doc.findings, rows) + "".join(
            f"note: {n}\n" for n in result.notes
        )
    if output:
        write_atomic(output, text)
    else:
        echo_text(text)


def _findings_text(findings: list[Finding], rows: int) -> str:
    spend = [f for f in findings if f.source == COST_SOURCE]
    lines = [f"\nCost findings over spend: {len(spend)}"]
    lines += [f"  {f.severity.value:<8} {f.rule_id}: {f.message}" for f in spend]
    waste = sorted(
        (f for f in findings if f.source != COST_SOURCE and f.monthly_cost_usd),
        key=lambda f: -(f.monthly_cost_usd or 0),
    )
    if waste:
        lines.append("Largest savings:")
        lines += [
            f"  {money(Decimal(str(f.monthly_cost_usd))):>10}"
            f"  {f.rule_id}  {f.resource.name or f.resource.id}"
            for f in waste[: rows or None]
        ]
    return "\n".join(lines) + "\n"
