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

Both passes go chunk by chunk (`export_chunks`: about `CHUNK_BYTES` of whole lines; a
gzip file is one chunk), in this process or in worker processes (`read_context` here,
the second pass in `collect.GcpCollector.lines`); the chunks' results are taken in file
order, so the outcome is the same either way.
"""

from __future__ import annotations

import gzip
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

import orjson
from google.protobuf.json_format import ParseError

from scanner.collectors.gcp.asset_json import asset_from_json
from scanner.collectors.gcp.common import Asset, iso_time
from scanner.errors import CollectorError
from scanner.model import CollectionError
from scanner.processes import Workers

__all__ = [
    "Chunk",
    "ContextPart",
    "ExportSource",
    "export_chunks",
    "export_files",
    "parse_line",
    "read_context",
    "read_resources",
]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

# Bytes of export lines per chunk: the unit of reading, in this process or a worker.
CHUNK_BYTES = 8 << 20


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


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as probe:
        return probe.read(2) == b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class Chunk:
    """A run of whole lines of one export file: what one reading process takes."""

    path: Path
    first_line: int = 1
    start: int = 0  # byte offset of its first line
    end: int | None = None  # byte offset after its last line; None: to the end of the file


def export_chunks(paths: Iterable[Path], size: int | None = None) -> list[Chunk]:
    """The files cut into chunks of about `size` bytes (`CHUNK_BYTES`) at line ends; a
    gzip file is one chunk.

    Raises:
        CollectorError: a file cannot be read.
    """
    size = size or CHUNK_BYTES
    chunks: list[Chunk] = []
    for path in paths:
        try:
            if _is_gzip(path):
                chunks.append(Chunk(path))
                continue
            with open(path, "rb") as fh:
                start, line = 0, 1
                while block := fh.read(size):
                    block += fh.readline()  # to the end of the line the block cut
                    chunks.append(Chunk(path, line, start, start + len(block)))
                    start += len(block)
                    line += block.count(b"\n")
        except OSError as exc:
            msg = f"{path}: cannot read export file ({exc})"
            raise CollectorError(msg) from None
    return chunks


def _lines(chunk: Chunk) -> Iterator[tuple[int, bytes]]:
    """(line number, line) of the chunk's lines that are not blank."""
    try:
        if chunk.end is None:
            opened: IO[bytes] = (
                gzip.GzipFile(chunk.path, "rb")  # type: ignore[assignment]  # an IO[bytes] in use
                if _is_gzip(chunk.path)
                else open(chunk.path, "rb")  # noqa: SIM115 - closed below
            )
            with opened as fh:
                for lineno, line in enumerate(fh, chunk.first_line):
                    if line.strip():
                        yield lineno, line
            return
        with open(chunk.path, "rb") as fh:
            fh.seek(chunk.start)
            block = fh.read(chunk.end - chunk.start)
        for lineno, line in enumerate(block.split(b"\n"), chunk.first_line):
            if line.strip():
                yield lineno, line
    except (OSError, EOFError) as exc:
        msg = f"{chunk.path}: cannot read export file ({exc})"
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


@dataclass
class ContextPart:
    """What the first pass found in one chunk."""

    lines: int = 0
    newest: str = ""  # the newest `update_time`, as `iso_time` writes it
    listed_types: set[str] = field(default_factory=set)
    skipped_types: Counter[str] = field(default_factory=Counter)
    assets: list[Asset] = field(default_factory=list)  # policies and context resources


def read_context(
    chunk: Chunk, context_types: frozenset[str], resource_types: frozenset[str]
) -> ContextPart:
    """The first pass over one chunk: policy lines of any type, resource lines of the
    context types, and what every line tells of the export (types listed, newest time).

    Raises:
        CollectorError: a line is not a Cloud Asset, or an `update_time` is not a time.
    """
    part = ContextPart()
    for lineno, line in _lines(chunk):
        data = _shape(chunk.path, lineno, line)
        part.lines += 1
        stamp = _update_time(chunk.path, lineno, data)
        if stamp > part.newest:
            part.newest = stamp
        asset_type = str(data.get("asset_type", data.get("assetType")))
        has_resource, has_policy = _content(data)
        if has_resource:
            part.listed_types.add(asset_type)
        if has_policy or (has_resource and asset_type in context_types):
            part.assets.append(_parse(chunk.path, lineno, line, data))
        elif has_resource and asset_type not in resource_types:
            part.skipped_types[asset_type] += 1
    return part


def _update_time(path: Path, lineno: int, data: dict[str, Any]) -> str:
    """The line's `update_time` as `iso_time` writes it ("" without one)."""
    stamp = data.get("update_time", data.get("updateTime"))
    if stamp is None:
        return ""
    when = iso_time(stamp) if isinstance(stamp, str) else None
    if when is None:
        msg = f"{path}:{lineno}: update_time {str(stamp)[:40]!r} is not a timestamp"
        raise CollectorError(msg)
    return when


def read_resources(chunk: Chunk, resource_types: frozenset[str]) -> Iterator[Asset]:
    """The second pass over one chunk: resource lines of `resource_types`.

    Raises:
        CollectorError: a line is not a Cloud Asset.
    """
    for lineno, line in _lines(chunk):
        data = _shape(chunk.path, lineno, line)
        asset_type = str(data.get("asset_type", data.get("assetType")))
        if "resource" in data and asset_type in resource_types:
            yield _parse(chunk.path, lineno, line, data)


class ExportSource:
    """Assets of `gcloud asset export` files, read in the two passes the collector needs.

    The files are read in chunks of whole lines (`export_chunks`). With `workers` (a
    pool set by the collector), the first pass reads the chunks in those processes; the
    second pass is the collector's, which normalises in the same processes.
    """

    def __init__(
        self,
        paths: Iterable[Path],
        *,
        context_types: Iterable[str],
        resource_types: Iterable[str],
        progress: Progress | None = None,
    ) -> None:
        self.paths = export_files(paths)
        self.chunks = export_chunks(self.paths)
        self.context_types = frozenset(context_types)
        self.resource_types = frozenset(resource_types) - self.context_types
        self.progress = progress or (lambda _text: None)
        self.workers: Workers | None = None
        self.errors: list[CollectionError] = []
        self.read_time: datetime | None = None
        self.skipped_types: dict[str, int] = {}
        # asset types with resource lines in the files (an export lists a type whole)
        self.listed_types: set[str] = set()

    @property
    def description(self) -> str:
        """What was read, for the snapshot manifest's `source`."""
        return "gcp-cai-export"

    def context_assets(self) -> Iterator[Asset]:
        """Policy lines of any type and resource lines of the context types (first pass).

        Raises:
            CollectorError: a line is not a Cloud Asset, an `update_time` is not a time, or
                the files hold no asset at all.
            WorkerError: a worker process died.
        """
        read = partial(
            read_context, context_types=self.context_types, resource_types=self.resource_types
        )
        parts = self.workers.map(read, self.chunks) if self.workers else map(read, self.chunks)
        lines: Counter[Path] = Counter()
        newest = ""
        skipped: Counter[str] = Counter()
        for chunk, part in zip(self.chunks, parts, strict=True):
            lines[chunk.path] += part.lines
            newest = max(newest, part.newest)
            self.listed_types |= part.listed_types
            skipped.update(part.skipped_types)
            yield from part.assets
            self.progress(f"{chunk.path.name}: {lines[chunk.path]:,} lines (policies and context)")
        for path, count in lines.items():
            logger.info("%s: %d lines", path, count)
        if not lines.total():
            names = ", ".join(str(p) for p in self.paths)
            msg = f"{names}: no Cloud Assets in the export (every file is empty)"
            raise CollectorError(msg)
        if newest:
            self.read_time = datetime.fromisoformat(newest.replace("Z", "+00:00"))
        self.skipped_types = dict(sorted(skipped.items()))
        for asset_type, n in self.skipped_types.items():
            logger.info("skipped %d assets of type %s (not normalised by pscan)", n, asset_type)

    def resource_assets(self) -> Iterator[Asset]:
        """Resource lines of the other selected types (second pass, in this process)."""
        for n, chunk in enumerate(self.chunks, 1):
            yield from read_resources(chunk, self.resource_types)
            self.chunk_read(n)

    def chunk_read(self, n: int) -> None:
        """Report the second pass's progress: the first `n` chunks are read."""
        self.progress(f"resources: {n:,} of {len(self.chunks):,} chunks read")
