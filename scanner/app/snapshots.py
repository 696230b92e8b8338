"""`pscan snapshot ...` and `pscan diagram`: what a snapshot holds, merged, or drawn."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scanner.catalog import TYPES
from scanner.errors import ConfigError
from scanner.model import SnapshotManifest
from scanner.render import diagram as diagrams
from scanner.snapshot import merge_snapshots, open_snapshot

__all__ = ["DIAGRAM_FORMATS", "SnapshotInfo", "TypeCount", "draw_diagram", "merge", "snapshot_info"]

DIAGRAM_FORMATS = ("dot", "svg", "mermaid")


@dataclass(frozen=True)
class TypeCount:
    """Resources of one type in a snapshot."""

    type: str
    resources: int
    in_catalog: bool


@dataclass(frozen=True)
class SnapshotInfo:
    """A snapshot's manifest and its resources per type, most first."""

    manifest: SnapshotManifest
    types: list[TypeCount]


def snapshot_info(path: Path, verify: bool = False) -> SnapshotInfo:
    """Read a snapshot's manifest and count its resources per type.

    Raises:
        SnapshotError: unreadable, or (with `verify`) a partition does not match its
            recorded sha256 or resource count.
    """
    snap = open_snapshot(path)
    if verify:
        snap.verify()
    counts = Counter(r["type"] for r in snap.iter_resources())
    types = [TypeCount(t, n, t in TYPES) for t, n in counts.most_common()]
    return SnapshotInfo(manifest=snap.manifest, types=types)


def merge(sources: Sequence[Path], output: Path) -> SnapshotManifest:
    """Merge snapshots into one at `output` (written atomically)."""
    return merge_snapshots(list(sources), output)


def draw_diagram(snapshot: Path, fmt: str, group_by: str = "account") -> str:
    """The architecture of a snapshot as DOT, SVG (needs Graphviz) or Mermaid text.

    Raises:
        ConfigError: `group_by` is not account, vpc or tag:KEY.
        ReportError: SVG was asked for and Graphviz's `dot` is missing or failed.
    """
    if group_by not in ("account", "vpc") and not (
        group_by.startswith("tag:") and len(group_by) > 4
    ):
        msg = f"--group-by {group_by!r}: use account, vpc, or tag:KEY"
        raise ConfigError(msg)
    resources = open_snapshot(snapshot).iter_resources()
    if fmt == "mermaid":
        return diagrams.to_mermaid(resources, group_by=group_by)
    text = diagrams.to_dot(resources, group_by=group_by)
    return diagrams.to_svg(text) if fmt == "svg" else text
