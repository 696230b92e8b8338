"""A resource id twice in one snapshot is refused (exit 2, naming file:line), whether the
scan reads the snapshot itself or its workers do; the same id in two snapshots scanned
together is two resources."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scanner.cli import cli
from scanner.paths import data_dir
from scanner.snapshot import open_snapshot, write_snapshot

DEMO = data_dir("fixtures/demo")


def _snapshot(tmp_path: Path, same_partition: bool) -> tuple[Path, str]:
    """The demo's resources with one written twice: next to itself, or in another region."""
    resources: list[dict[str, Any]] = list(open_snapshot(DEMO).iter_resources())
    twin = next(r for r in resources if r["type"] == "aws.s3.bucket")
    copy = dict(twin, region=twin["region"] if same_partition else "ap-south-1")
    snap = tmp_path / "snap"
    write_snapshot(
        snap, [*resources, copy], source="aws", created_at=open_snapshot(DEMO).manifest.created_at
    )
    return snap, str(twin["id"])


@pytest.mark.parametrize("same_partition", [True, False], ids=["one partition", "two partitions"])
@pytest.mark.parametrize("workers", ["1", "2"])
def test_an_id_twice_in_a_snapshot_is_refused(
    tmp_path: Path, same_partition: bool, workers: str
) -> None:
    snap, rid = _snapshot(tmp_path, same_partition)
    out = tmp_path / "f.json"
    args = ["scan", str(snap), "--no-config", "--workers", workers, "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    line = result.output.strip().splitlines()[-1]
    assert f"resource id {rid!r} is already in the snapshot" in line
    assert ".jsonl.gz:" in line  # the partition file and the line of the second one
    assert not out.exists()


def test_the_same_id_in_two_snapshots_is_two_resources(tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(DEMO, other)
    out = tmp_path / "f.json"
    result = CliRunner().invoke(
        cli, ["scan", str(DEMO), str(other), "--no-config", "--fail-on", "none", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
