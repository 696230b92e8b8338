"""`pscan capacity show`: headroom by product of snapshots (docs/capacity.md)."""

from __future__ import annotations

from pathlib import Path

import click

from scanner.app import (
    CAPACITY_FORMATS,
    CapacityRequest,
    GateOptions,
    render_capacity,
    show_capacity,
    write_atomic,
)
from scanner.cli.options import config_options, output_option, product_tag_option
from scanner.cli.output import echo_text

__all__ = ["capacity"]


@click.group()
def capacity() -> None:
    """Usage, limits and headroom of an estate, by product (docs/capacity.md)."""


@capacity.command("show")
@click.argument("snapshots", nargs=-1, required=True, type=click.Path(path_type=Path))
@product_tag_option("Default: capacity.product_tag in .pscan.yaml, else Product, App, Application.")
@click.option("--product", metavar="NAME", help="Only this product (a value of the product tag).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(CAPACITY_FORMATS),
    default="text",
    show_default=True,
    help="text: aligned columns for a terminal; json: the `capacity` object of a findings"
    " document; md: the Markdown report's section.",
)
@click.option(
    "--rows",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="The most limits listed per product in text and md (0: all; json has all).",
)
@output_option
@config_options
def capacity_show(
    snapshots: tuple[Path, ...],
    product_tags: tuple[str, ...],
    product: str | None,
    fmt: str,
    rows: int,
    output: Path | None,
    config: GateOptions,
) -> None:
    """Show every capacity limit of the snapshots, grouped by product, least headroom first.

    A limit is a quota, a subnet's addresses, an auto-scaling maximum, a database's
    storage, provisioned throughput, reserved concurrency, CPU (p95 of 100 %) or an EBS
    burst balance; headroom % = (limit - used) / limit x 100. Quotas are listed under
    every product with resources in their account and region. Each product's first limit
    (the least headroom) is marked. Usage comes from snapshots collected with --metrics;
    limits whose usage was not collected are counted, never guessed.

    \b
    Examples:
      pscan collect aws --metrics -o ./snap && pscan capacity show ./snap
      pscan capacity show ./snap-prod ./snap-gcp --product-tag app
      pscan capacity show ./snap --product checkout --rows 0
      pscan capacity show ./snap --format md -o capacity.md
      pscan capacity show ./snap --format json | jq '.products[].first_limit'
    """
    request = CapacityRequest(
        snapshots=snapshots, product_tags=product_tags, product=product, config=config
    )
    report = show_capacity(request)
    styled = output is None  # the first limits in bold on a terminal (click strips it elsewhere)
    text = render_capacity(
        report, fmt, rows, highlight=lambda line: click.style(line, bold=True) if styled else line
    )
    if output:
        write_atomic(output, text)
    else:
        echo_text(text)
