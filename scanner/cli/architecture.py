"""`pscan architecture`: the architecture document, and `pscan architecture adr new`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from scanner.app import GateOptions
from scanner.app.architecture import (
    AdrRequest,
    ArchitectureRequest,
    new_adr,
    run_architecture,
)
from scanner.cli.options import SNAPSHOT, config_options, product_tag_option, quiet_option
from scanner.cli.output import Ui
from scanner.storage import SnapshotPath

__all__ = ["architecture"]

_DEFAULT = "document"

_decisions_option = click.option(
    "--decisions",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of decision records (MADR or Nygard, NNNN-title.md)."
    " Default: architecture.decisions in .pscan.yaml.",
)


class _DocumentByDefault(click.Group):
    """A group whose unknown first argument is the `document` command's: `pscan
    architecture SNAPSHOT -o DIR` is `pscan architecture document SNAPSHOT -o DIR`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [_DEFAULT, *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DocumentByDefault, subcommand_metavar="SNAPSHOT... -o DIR | COMMAND [ARGS]...")
def architecture() -> None:
    """The estate as architecture: a generated document, and the decisions beside it.

    `pscan architecture SNAPSHOT... -o DIR` is short for `pscan architecture document
    SNAPSHOT... -o DIR`: any first argument that is not a subcommand goes to `document`
    (name a snapshot folder called `adr` or `document` as ./adr).

    \b
    Examples:
      pscan architecture fixtures/demo -o architecture/
      pscan architecture ./snap-aws ./snap-gcp -o docs/architecture --decisions docs/adr
      pscan architecture adr new "Use PostgreSQL on RDS" fixtures/demo --decisions docs/adr
    """


@architecture.command(_DEFAULT)
@click.argument("snapshots", nargs=-1, required=True, type=SNAPSHOT)
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write architecture.md/.html, diagrams/ and workspace.dsl into.",
)
@_decisions_option
@product_tag_option("Default: capacity.product_tag in .pscan.yaml, else Product, App, Application.")
@config_options
@quiet_option
def document(
    snapshots: tuple[SnapshotPath, ...],
    out: Path,
    decisions: Path | None,
    product_tags: tuple[str, ...],
    config: GateOptions,
    quiet: bool,
) -> None:
    """Write the architecture document of the snapshots into OUT.

    OUT gets architecture.md and architecture.html (one self-contained page): the estate
    at a glance, entry points from the internet and what is behind each, data stores
    with their encryption, backup and replication, identity boundaries, network
    topology, the diagrams, the open architecture-level findings (the rules run as in
    pscan scan, with .pscan.yaml's selection and suppressions), the decision records
    and the technologies no decision covers. Also diagrams/<view>.svg|.mmd|.dot per
    view (overview, network, dataflow, exposure, one per product) and workspace.dsl, a
    C4 model in the Structurizr DSL. Regenerating gives the same files but for one
    "Generated" line. A malformed decision record exits 2 naming file:line, and
    nothing is written.

    \b
    Examples:
      pscan architecture fixtures/demo -o architecture/
      pscan architecture document ./snap -o docs/architecture --decisions docs/adr
    """
    ui = Ui(quiet)
    request = ArchitectureRequest(
        snapshots=snapshots,
        out=out,
        decisions=decisions,
        config=config,
        product_tags=product_tags,
    )
    result = run_architecture(request, ui.on_event)
    for note in result.notes:
        ui.say(f"note: {note}")
    uncovered = result.document.uncovered
    ui.say(
        f"{len(result.document.entry_points)} entry points, "
        f"{len(result.document.data_stores)} data stores, "
        f"{len(result.document.findings)} open architecture-level findings"
    )
    if uncovered:
        ui.say(f"technologies no decision covers ({len(uncovered)}):")
        for use in uncovered:
            ui.say(f"  {use.technology}: {use.ungoverned} of {use.resources} not governed")
    ui.say(f"wrote {len(result.files)} files into {out}/; open {out / 'architecture.html'}")


@architecture.group()
def adr() -> None:
    """Decision records (MADR) beside the facts."""


def _tag(_ctx: click.Context, _param: Any, values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for value in values:
        key, sep, pattern = value.partition("=")
        if not sep or not key.strip():
            msg = f"{value!r}: use KEY=GLOB, e.g. Product=checkout"
            raise click.BadParameter(msg)
        pairs.append((key.strip(), pattern))
    return tuple(pairs)


@adr.command("new")
@click.argument("title")
@click.argument("snapshots", nargs=-1, type=SNAPSHOT)
@_decisions_option
@click.option("--type", "types", multiple=True, help="Govern resources of this type glob.")
@click.option(
    "--tag",
    "tags",
    multiple=True,
    callback=_tag,
    metavar="KEY=GLOB",
    help="Govern resources whose tag KEY matches GLOB (repeatable; all must match).",
)
@product_tag_option("Default: capacity.product_tag in .pscan.yaml, else Product, App, Application.")
@config_options
def new(
    title: str,
    snapshots: tuple[SnapshotPath, ...],
    decisions: Path | None,
    types: tuple[str, ...],
    tags: tuple[tuple[str, str], ...],
    product_tags: tuple[str, ...],
    config: GateOptions,
) -> None:
    """Scaffold the next numbered MADR record, pre-filled with the facts.

    The record is about the resources of --type/--tag, else the technologies in use that
    TITLE names (a service such as "RDS" or "Cloud Run", or an engine or runtime such as
    "PostgreSQL" or "python3.12"). With SNAPSHOTS the record's context says how many are
    in use, where, in which products, and their list price per month; its front matter
    `governs` links the record to them. Prints the new file's path.

    \b
    Examples:
      pscan architecture adr new "Use PostgreSQL on RDS" fixtures/demo --decisions docs/adr
      pscan architecture adr new "Tag every resource with Product" ./snap --type 'aws.*'
    """
    request = AdrRequest(
        title=title,
        decisions=decisions,
        snapshots=snapshots,
        types=types,
        tags=tags,
        config=config,
        product_tags=product_tags,
    )
    click.echo(str(new_adr(request)))
