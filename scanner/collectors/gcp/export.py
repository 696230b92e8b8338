"""Read `gcloud asset export` files: newline-delimited JSON, one Cloud Asset a line.

Export lines use proto field names (snake_case: `asset_type`, `iam_policy`,
`update_time`) around `resource.data`, which keeps the REST API's camelCase fields;
`gcloud asset list --format=json` and other tools write camelCase throughout. Each
line is parsed with orjson and read by `asset_json.asset_from_json`, which accepts both
(and enums by name or number) and gives the one dict form the ListAssets path uses,
exactly as the client library's `Asset.from_json` + `Asset.to_dict` would (and hands
the lines it is not sure of to the library), so both paths give the same resources.
Keys outside the Asset message (such as config-validator's `ancestry_path`) are ignored.

One export has one content type, so a resource and its IAM policy arrive as two lines
with the same `name`, in the same file or in two; they are merged by name. Files may be
gzip-compressed (`.gz`), and a directory stands for every file under it (the layout
`--output-path-prefix` writes).

The files are read twice, the way the collector consumes a source: first for IAM and
organisation policies and the context types' resources, then for every other resource,
so memory holds policies and context, not the whole export. A line that is not a
Cloud Asset stops the read with `file:line` in the message.
"""

from __future__ import annotations

import gzip
import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import orjson
from google.protobuf.json_format import ParseError

from scanner.collectors.gcp.asset_json import asset_from_json
from scanner.collectors.gcp.common import Asset, iso_time
from scanner.errors import CollectorError
from scanner.model import CollectionError

__all__ = ["ExportSource", "export_files", "parse_line"]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


def export_files(paths: Iterable[Path]) -> list[Path]:
    """The files to read: each file given, and every file under each directory (sorted)."""
    out: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            out.append(path)
        else:
            msg = f"{path}: no such export file or directory"
            raise CollectorError(msg)
    if not out:
        msg = "no export files to read (the directories given are empty)"
        raise CollectorError(msg)
    return out


def _open(path: Path) -> IO[bytes]:
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(path, "rb")  # type: ignore[return-value]  # an IO[bytes] in use
    return open(path, "rb")


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    try:
        with _open(path) as fh:
            for lineno, line in enumerate(fh, 1):
                if line.strip():
                    yield lineno, line
    except (OSError, EOFError) as exc:
        msg = f"{path}: cannot read export file ({exc})"
        raise CollectorError(msg) from None


def _shape(path: Path, lineno: int, line: bytes) -> dict[str, Any]:
    """The line as a JSON object with a name and an asset type (either spelling)."""
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        msg = f"{path}:{lineno}: not valid JSON ({exc.msg}); expected one Cloud Asset per line"
        raise CollectorError(msg) from None
    if not isinstance(data, dict):
        kind = type(data).__name__
        msg = f"{path}:{lineno}: expected a JSON object (one Cloud Asset), got {kind}"
        raise CollectorError(msg)
    asset_type = data.get("asset_type", data.get("assetType"))
    if not isinstance(data.get("name"), str) or not isinstance(asset_type, str):
        msg = f"{path}:{lineno}: a Cloud Asset needs string fields 'name' and 'asset_type'"
        raise CollectorError(msg)
    return data


def parse_line(path: Path, lineno: int, line: bytes) -> Asset:
    """One export line as an `Asset`; a line that is not a Cloud Asset raises CollectorError."""
    return _parse(path, lineno, line, _shape(path, lineno, line))


def _parse(path: Path, lineno: int, line: bytes, data: dict[str, Any]) -> Asset:
    try:
        return asset_from_json(data, line)
    except (ParseError, UnicodeDecodeError, ValueError) as exc:
        detail = str(exc).splitlines()[0][:300]
        msg = f"{path}:{lineno}: not a valid Cloud Asset ({detail})"
        raise CollectorError(msg) from None


def _content(data: dict[str, Any]) -> tuple[bool, bool]:
    """(has a resource, has an IAM or organisation policy)."""
    has_policy = (
        "iam_policy" in data or "iamPolicy" in data or "org_policy" in data or "orgPolicy" in data
    )
    return "resource" in data, has_policy


class ExportSource:
    """Assets of `gcloud asset export` files, read in the two passes the collector needs."""

    def __init__(
        self,
        paths: Iterable[Path],
        *,
        context_types: Iterable[str],
        resource_types: Iterable[str],
        progress: Progress | None = None,
    ) -> None:
        self.paths = export_files(paths)
        self.context_types = frozenset(context_types)
        self.resource_types = frozenset(resource_types) - self.context_types
        self.progress = progress or (lambda _text: None)
        self.errors: list[CollectionError] = []
        self.read_time: datetime | None = None
        self.skipped_types: dict[str, int] = {}
        # asset types with resource lines in the files (an export lists a type whole)
        self.listed_types: set[str] = set()
        self._newest = ""

    @property
    def description(self) -> str:
        """What was read, for the snapshot manifest's `source`."""
        return "gcp-cai-export"

    def context_assets(self) -> Iterator[Asset]:
        """Policy lines of any type and resource lines of the context types (first pass).

        Raises:
            CollectorError: a line is not a Cloud Asset, an `update_time` is not a time, or
                the files hold no asset at all.
        """
        lines = 0
        for path in self.paths:
            count = 0
            for lineno, line in _lines(path):
                data = _shape(path, lineno, line)
                count += 1
                self._note_update_time(path, lineno, data)
                asset_type = str(data.get("asset_type", data.get("assetType")))
                has_resource, has_policy = _content(data)
                if has_resource:
                    self.listed_types.add(asset_type)
                if has_policy or (has_resource and asset_type in self.context_types):
                    yield _parse(path, lineno, line, data)
                elif has_resource and asset_type not in self.resource_types:
                    self.skipped_types[asset_type] = self.skipped_types.get(asset_type, 0) + 1
                if count % 10000 == 0:
                    self.progress(f"{path.name}: {count:,} lines (policies and context)")
            logger.info("%s: %d lines", path, count)
            lines += count
        if not lines:
            names = ", ".join(str(p) for p in self.paths)
            msg = f"{names}: no Cloud Assets in the export (every file is empty)"
            raise CollectorError(msg)
        if self._newest:
            self.read_time = datetime.fromisoformat(self._newest.replace("Z", "+00:00"))
        for asset_type, n in sorted(self.skipped_types.items()):
            logger.info("skipped %d assets of type %s (not normalised by pscan)", n, asset_type)

    def _note_update_time(self, path: Path, lineno: int, data: dict[str, Any]) -> None:
        """Keep the newest `update_time` (the snapshot's read time); refuse one that is no time."""
        stamp = data.get("update_time", data.get("updateTime"))
        if stamp is None:
            return
        when = iso_time(stamp) if isinstance(stamp, str) else None
        if when is None:
            msg = f"{path}:{lineno}: update_time {str(stamp)[:40]!r} is not a timestamp"
            raise CollectorError(msg)
        if when > self._newest:
            self._newest = when

    def resource_assets(self) -> Iterator[Asset]:
        """Resource lines of the other selected types (second pass)."""
        for path in self.paths:
            for count, (lineno, line) in enumerate(_lines(path), 1):
                data = _shape(path, lineno, line)
                asset_type = str(data.get("asset_type", data.get("assetType")))
                if "resource" in data and asset_type in self.resource_types:
                    yield _parse(path, lineno, line, data)
                if count % 10000 == 0:
                    self.progress(f"{path.name}: {count:,} lines (resources)")
