"""Snapshot use cases: what a snapshot holds, merging, diagrams."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.app import draw_diagram, merge, snapshot_info
from scanner.errors import ConfigError
from scanner.paths import data_dir
from scanner.snapshot import write_snapshot

DEMO = data_dir("fixtures/demo")


def test_info_counts_types_and_marks_those_outside_the_catalog(tmp_path: Path) -> None:
    write_snapshot(
        tmp_path / "s",
        [
            {"id": "b1", "type": "aws.s3.bucket", "provider": "aws"},
            {"id": "b2", "type": "aws.s3.bucket", "provider": "aws"},
            {"id": "x", "type": "aws.made.up", "provider": "aws"},
        ],
        source="test",
    )
    info = snapshot_info(tmp_path / "s", verify=True)
    assert [(t.type, t.resources, t.in_catalog) for t in info.types] == [
        ("aws.s3.bucket", 2, True),
        ("aws.made.up", 1, False),
    ]
    assert info.manifest.resource_count == 3


def test_merge_keeps_every_resource(tmp_path: Path) -> None:
    merged = merge([DEMO], tmp_path / "m")
    assert merged.resource_count == snapshot_info(DEMO).manifest.resource_count


def test_diagrams_check_the_grouping() -> None:
    assert draw_diagram(DEMO, "mermaid", "vpc").startswith(("flowchart", "graph"))
    assert "digraph" in draw_diagram(DEMO, "dot", "tag:Team")
    with pytest.raises(ConfigError, match="--group-by 'colour'"):
        draw_diagram(DEMO, "dot", "colour")
