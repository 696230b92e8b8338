"""`pscan snapshot info|merge` and `pscan fixtures generate`."""

from __future__ import annotations

from pathlib import Path

import click

from scanner.app import generate_fixtures, merge, snapshot_info
from scanner.cli.options import SNAPSHOT, quiet_option
from scanner.cli.output import Ui
from scanner.storage import SnapshotPath

__all__ = ["fixtures", "snapshot"]


@click.group()
def snapshot() -> None:
    """Inspect and merge snapshots."""


@snapshot.command("info")
@click.argument("path", type=SNAPSHOT)
@click.option(
    "--verify",
    is_flag=True,
    help="Also check every partition against its sha256 and resource count (exit 2 if not).",
)
def snapshot_info_command(path: SnapshotPath, verify: bool) -> None:
    """Print a snapshot's manifest summary and resource counts per type.

    PATH is a snapshot directory or a URL (s3://bucket/snaps/x).

    \b
    Example:
      pscan snapshot info ./snap --verify
      pscan snapshot info s3://acme-pscan/snaps/2026-12-06 --verify
    """
    info = snapshot_info(path, verify=verify)
    m = info.manifest
    click.echo(f"{path}: schema {m.schema_version}, source {m.source or '-'}, taken {m.created_at}")
    click.echo(f"scopes: {', '.join(m.scopes) or '-'}")
    click.echo(
        f"{m.resource_count:,} resources in {len(m.partitions)} partitions,"
        f" {len(m.errors)} collection errors"
    )
    for count in info.types:
        marker = "" if count.in_catalog else "  (not in catalog)"
        click.echo(f"  {count.resources:>8,}  {count.type}{marker}")


@snapshot.command("merge")
@click.argument("sources", nargs=-1, required=True, type=SNAPSHOT)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of the merged snapshot (written atomically).",
)
def snapshot_merge(sources: tuple[SnapshotPath, ...], output: Path) -> None:
    """Merge snapshots (e.g. per account/region partitions) into one.

    \b
    Example:
      pscan snapshot merge snap-prod snap-staging -o snap-all
    """
    manifest = merge(sources, output)
    click.echo(f"wrote {output}: {manifest.resource_count:,} resources")


@click.group()
def fixtures() -> None:
    """Generate synthetic estates for tests and benchmarks."""


@fixtures.command("generate")
@click.option(
    "--resources",
    "count",
    type=click.IntRange(min=1),
    required=True,
    help="About how many resources.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same estate.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of the snapshot to write.",
)
@quiet_option
def fixtures_generate(count: int, seed: int, output: Path, quiet: bool) -> None:
    """Write a seeded, deterministic synthetic estate as a snapshot.

    \b
    Example:
      pscan fixtures generate --resources 100000 --seed 7 -o /tmp/estate-100k
    """
    ui = Ui(quiet)
    manifest = generate_fixtures(output, count, seed, ui.on_event)
    ui.done(f"wrote {output}: {manifest.resource_count:,} resources")
