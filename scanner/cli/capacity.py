"""`pscan capacity show|init|plan`: headroom by product, and plans for future load.

`show` is docs/capacity.md; `init` and `plan` are docs/capacity-planning.md.
"""

from __future__ import annotations

from pathlib import Path

import click

from scanner.app import (
    CAPACITY_FORMATS,
    CapacityRequest,
    GateOptions,
    PlanRequest,
    init_model,
    render_capacity,
    run_plan,
    show_capacity,
    write_atomic,
)
from scanner.cli.options import (
    SNAPSHOT,
    config_options,
    format_option,
    gate_options,
    output_option,
    product_tag_option,
    quiet_option,
)
from scanner.cli.output import Ui, emit, findings_summary, gate_line
from scanner.gate import exit_code
from scanner.masking import inert
from scanner.storage import SnapshotPath

__all__ = ["capacity"]


@click.group()
def capacity() -> None:
    """Usage, limits and headroom of an estate, by product (docs/capacity.md)."""


@capacity.command("show")
@click.argument("snapshots", nargs=-1, required=True, type=SNAPSHOT)
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
    snapshots: tuple[SnapshotPath, ...],
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
    if output:
        write_atomic(output, render_capacity(report, fmt, rows))
        return
    # The first limits in bold on a terminal (click strips styles elsewhere). Lines are
    # marked with private-use characters, the text made inert, then the marks styled, so
    # no control sequence from a resource's name reaches the terminal.
    marked = render_capacity(report, fmt, rows, highlight=lambda line: f"\ue000{line}\ue001")
    bold_on, bold_off = click.style("", bold=True, reset=False), click.style("", reset=True)
    text = inert(marked).replace("\ue000", bold_on).replace("\ue001", bold_off)
    click.echo(text, nl=not text.endswith("\n"))


@capacity.command("init")
@click.argument("snapshots", nargs=-1, required=True, type=SNAPSHOT)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("capacity.yaml"),
    show_default=True,
    help="The model file to write (never overwritten).",
)
@product_tag_option("Default: capacity.product_tag in .pscan.yaml, else Product, App, Application.")
@config_options
@quiet_option
def capacity_init(
    snapshots: tuple[SnapshotPath, ...],
    output: Path,
    product_tags: tuple[str, ...],
    config: GateOptions,
    quiet: bool,
) -> None:
    """Write a starting capacity model from the products and tiers the snapshots show.

    Each product (a value of the product tag) gets a tier per kind of resource that
    serves it: auto-scaling groups and autoscalers (web), ECS and Cloud Run services
    (api), functions, databases, tables and queues. Fill in the values marked
    `# fill in` (users today and later, page views, peak share, per-instance
    throughput), then run `pscan capacity plan`.

    \b
    Examples:
      pscan capacity init ./snap -o capacity.yaml
      pscan capacity init ./snap-aws ./snap-gcp --product-tag app -o capacity.yaml
    """
    count = init_model(snapshots, output, product_tags, config=config)
    Ui(quiet).say(f"wrote {output}: {count} product(s); fill in the values marked '# fill in'")


@capacity.command("plan")
@click.argument("snapshots", nargs=-1, required=True, type=SNAPSHOT)
@click.option(
    "--model",
    "model",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The capacity model (capacity.yaml; `pscan capacity init` writes a start).",
)
@click.option(
    "--loadtest",
    "loadtests",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A `pscan loadtest` results file: its measured throughput replaces the tier's"
    " per_instance_rps (repeatable; the file names its product and tier).",
)
@product_tag_option("Default: the model's product_tag, else .pscan.yaml, else Product, App.")
@format_option
@output_option
@gate_options
@quiet_option
def capacity_plan(
    snapshots: tuple[SnapshotPath, ...],
    model: Path,
    loadtests: tuple[Path, ...],
    product_tags: tuple[str, ...],
    fmt: str,
    output: Path | None,
    gate: GateOptions,
    quiet: bool,
) -> None:
    """Plan capacity for the model's forecast: required against reachable, per tier.

    For every product, tier and horizon: peak requests per second from users, page
    views and the peak hour; instances needed = ceil(peak RPS / (per-instance RPS x
    target utilisation)); requests in flight by Little's law (RPS x latency), which
    give Lambda concurrency and database connections; DynamoDB units. Compared with
    what the estate can reach (scaling maxima, reserved concurrency, provisioned
    units, engine connection limits, and the vCPU quota left for extra instances).
    Each shortfall is a capacity finding at its earliest horizon (high at the first
    horizon, medium later), judged by the gate like a scan.

    \b
    Examples:
      pscan capacity plan --model capacity.yaml ./snap
      pscan capacity plan --model capacity.yaml ./snap --fail-on high --format md
      pscan capacity plan --model capacity.yaml ./snap --loadtest web.json -o plan.json
    """
    ui = Ui(quiet)
    request = PlanRequest(
        model=model,
        snapshots=snapshots,
        product_tags=product_tags,
        loadtests=loadtests,
        gate=gate,
    )
    result = run_plan(request)
    emit(result.doc, fmt, output)
    if output:
        ui.say(findings_summary(result.doc))
        ui.say(gate_line(result.gate))
        ui.say(f"wrote {output}")
    raise click.exceptions.Exit(exit_code(result.gate))
