"""`pscan snapshot ...` and `pscan diagram`: what a snapshot holds, merged, or drawn."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scanner.architecture import open_severities
from scanner.catalog import TYPES
from scanner.errors import ConfigError
from scanner.model import SnapshotManifest
from scanner.render import diagram as diagrams
from scanner.render.jsonout import read_findings
from scanner.snapshot import merge_snapshots, open_snapshot
from scanner.storage import SnapshotPath

__all__ = [
    "DIAGRAM_FORMATS",
    "DIAGRAM_VIEWS",
    "SnapshotInfo",
    "TypeCount",
    "draw_diagram",
    "merge",
    "snapshot_info",
]

DIAGRAM_FORMATS = ("dot", "svg", "mermaid")
DIAGRAM_VIEWS = diagrams.VIEWS


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


def snapshot_info(path: SnapshotPath, verify: bool = False) -> SnapshotInfo:
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


def merge(sources: Sequence[SnapshotPath], output: Path) -> SnapshotManifest:
    """Merge snapshots into one at `output` (written atomically)."""
    return merge_snapshots(list(sources), output)


def draw_diagram(
    snapshot: SnapshotPath,
    fmt: str,
    group_by: str = "account",
    *,
    view: str = "overview",
    product: str | None = None,
    findings: Path | None = None,
    product_tags: Sequence[str] = (),
) -> str:
    """One architecture view of a snapshot as DOT, SVG (needs Graphviz) or Mermaid text.

    `findings` (a findings JSON from `pscan scan`) puts each resource's worst open
    severity on the picture; `product` picks the product the `product` view shows.

    Raises:
        ConfigError: `group_by` is not account, vpc or tag:KEY, or `view` is unknown.
        ReportError: the product view without a known product; the findings file is
            unreadable; SVG was asked for and Graphviz's `dot` is missing or failed.
    """
    if group_by not in ("account", "vpc") and not (
        group_by.startswith("tag:") and len(group_by) > 4
    ):
        msg = f"--group-by {group_by!r}: use account, vpc, or tag:KEY"
        raise ConfigError(msg)
    if view not in diagrams.VIEWS:
        msg = f"--view {view!r}: use one of {', '.join(diagrams.VIEWS)}"
        raise ConfigError(msg)
    severities = open_severities(read_findings(findings).findings) if findings else None
    return diagrams.render_view(
        open_snapshot(snapshot).iter_resources(),
        view,
        fmt,
        severities=severities,
        product=product,
        product_tags=tuple(product_tags) or None,
        group_by=group_by,
    )
