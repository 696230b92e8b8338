"""`pscan baseline create`."""

from __future__ import annotations

from pathlib import Path

import click

from scanner.app import RuleOptions, create_baseline
from scanner.cli.options import quiet_option
from scanner.cli.output import Ui

__all__ = ["baseline"]


@click.group()
def baseline() -> None:
    """Accept today's findings so that only new ones fail the gate."""


@baseline.command("create")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The baseline file to write (written atomically).",
)
@click.option(
    "--rules",
    "rule_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra rule pack folder, when a SOURCE is a snapshot to scan.",
)
@quiet_option
def baseline_create(
    sources: tuple[Path, ...], output: Path, rule_paths: tuple[Path, ...], quiet: bool
) -> None:
    """Write a baseline from findings documents (pscan scan/iac -o) or snapshots.

    A SOURCE that is a snapshot directory is scanned with the rule packs first. Only
    failing findings that are not suppressed go into the baseline; pass it to
    `pscan scan` or `pscan iac` with --baseline.

    \b
    Examples:
      pscan iac infra/ --plan plan.json --fail-on none -o findings.json
      pscan baseline create findings.json -o baseline.json
      pscan baseline create ./snap-prod -o baseline.json
    """
    ui = Ui(quiet)
    result = create_baseline(sources, output, RuleOptions(paths=rule_paths), ui.on_event)
    ui.say(f"wrote {output}: {len(result.findings)} accepted findings")
