"""Snapshots on disk: `manifest.json` plus gzipped JSONL partitions, one resource a line.

Writes are atomic: everything goes into a hidden sibling directory that is renamed into
place at the end, so an interrupted collection never leaves a snapshot that looks
complete. Reads stream line by line and refuse unknown schema versions.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import logging
import os
import re
import shutil
import struct
import tempfile
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO, Any, NoReturn

import orjson
from pydantic import ValidationError

from scanner import __version__
from scanner.errors import SnapshotError, validation_summary
from scanner.model import (
    SNAPSHOT_SCHEMA_VERSION,
    CollectionError,
    PartitionInfo,
    Relation,
    Resource,
    SnapshotManifest,
    SpendInfo,
    SpendRecord,
)
from scanner.storage import RemotePath, SnapshotPath, file_names, open_read, snapshot_path

__all__ = [
    "MANIFEST",
    "SPEND",
    "Snapshot",
    "SnapshotWriter",
    "encode_resource",
    "id_digest",
    "iter_partition",
    "merge_snapshots",
    "open_snapshot",
    "resource_problem",
    "usage_problem",
    "write_snapshot",
]

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
SPEND = "spend.jsonl.gz"
_PROVIDERS = ("aws", "gcp")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Resource lines held before they are written out (see SnapshotWriter).
_BUFFER_BYTES = 8 << 20
# Every partition's lines, uncompressed, until the writer closes (in its temporary folder).
_SPILL = ".lines"
# Lines compressed per task when `close()` runs the compression in worker processes.
_BATCH_BYTES = 4 << 20


def _partition_name(key: str) -> str:
    safe = _SAFE.sub("_", key) or "all"
    if safe != key:  # keys that differ only in unsafe characters must not share a file
        safe = f"{safe}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
    return f"resources-{safe}.jsonl.gz"


def _default_partition(resource: dict[str, Any]) -> str:
    parts = (resource.get("provider", "x"), resource.get("account", ""), resource.get("region", ""))
    return "-".join(str(p) for p in parts)


# Values orjson would write differently from pydantic's JSON mode (datetimes, subclasses
# of str or int, dataclasses) or not at all (sets, bytes, Decimal, non-string keys) reach
# `_refuse`, and the resource is then written through `model_dump`.
_PLAIN = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


def _refuse(_value: object) -> NoReturn:
    raise TypeError


def _resource_line(resource: Resource | dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """The resource as a dict and as its snapshot line (JSON, sorted keys).

    A `Resource` is written as `model_dump(mode="json", exclude_none=True)` would give it.
    Its fields are read directly when every value is one orjson writes the same way
    (strings, numbers, booleans, None, lists, tuples, dicts with string keys): a fifth of
    the time of `model_dump`, which infers a serializer for each value of `attributes`.
    """
    if not isinstance(resource, Resource):
        return resource, orjson.dumps(resource, option=orjson.OPT_SORT_KEYS)
    if all(type(relation) is Relation for relation in resource.relations):
        data = {k: v for k, v in resource.__dict__.items() if v is not None}
        data["relations"] = [
            {k: v for k, v in relation.__dict__.items() if v is not None}
            for relation in resource.relations
        ]
        try:
            return data, orjson.dumps(data, default=_refuse, option=_PLAIN)
        except TypeError:
            pass
    data = resource.model_dump(mode="json", exclude_none=True)
    return data, orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def encode_resource(resource: Resource | dict[str, Any]) -> tuple[str, bytes]:
    """The resource's partition key (by provider, account and region) and snapshot line:
    what `SnapshotWriter.add_line` takes, worked out in any process."""
    data, line = _resource_line(resource)
    return _default_partition(data), line


class SnapshotWriter:
    """Write a snapshot atomically; use as a context manager.

    Resource lines are gathered per partition key in memory and, whenever they pass
    `_BUFFER_BYTES` in all, appended uncompressed to one spill file, a block per
    partition; `close()` compresses each partition's blocks into one gzip member (through
    `map`, in worker processes when a collector has them). Memory stays bounded, and a
    collection whose resources arrive in no order of account and region (a Cloud Asset
    export, with thousands of partitions) compresses each partition once: compressing a
    few lines at a time costs twice the time and makes the file three times larger.
    `close()` then writes the manifest and renames the temporary directory into place.
    Leaving the `with` block by an exception removes the temporary directory and leaves
    `path` untouched.
    """

    def __init__(
        self,
        path: Path,
        *,
        source: str,
        scopes: Iterable[str] = (),
        partition_of: Callable[[dict[str, Any]], str] | None = None,
        created_at: datetime | None = None,
    ) -> None:
        self.path = Path(path)
        self.manifest = SnapshotManifest(
            tool_version=__version__, source=source, scopes=list(scopes)
        )
        if created_at is not None:
            self.manifest.created_at = created_at
        self._partition_of = partition_of or _default_partition
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.", dir=self.path.parent))
        self._parts: dict[str, PartitionInfo] = {}
        self._lines: dict[str, list[bytes]] = {}  # per partition key, not yet written
        self._buffered = 0
        # the lines written out: one file, and per partition key its blocks in that file
        # (offset and length pairs)
        self._spill = open(self._tmp / _SPILL, "wb")  # noqa: SIM115 - closed in close/abort
        self._spilled = 0
        self._blocks: dict[str, array[int]] = {}
        self._spend: tuple[IO[bytes], gzip.GzipFile] | None = None
        # how `close()` runs the compression of the partitions: in this process, or in
        # worker processes (`scanner.processes.Workers.map`), the results in order
        self.map: Callable[[_Compress, Iterable[_Batch]], Iterable[list[str]]] = map

    def add(self, resource: Resource | dict[str, Any]) -> None:
        """Append one resource to its partition."""
        data, line = _resource_line(resource)
        self.add_line(self._partition_of(data), line)

    def add_line(self, key: str, line: bytes) -> None:
        """Append one resource line to the partition of `key` (see `encode_resource`)."""
        info = self._parts.get(key)
        if info is None:
            info = self._parts[key] = PartitionInfo(file=_partition_name(key), resources=0)
            self._lines[key] = []
        self._lines[key].append(line)
        info.resources += 1
        self._buffered += len(line) + 1
        if self._buffered > _BUFFER_BYTES:
            self._flush()

    def _flush(self) -> None:
        """Append every partition's gathered lines to the spill file, one block each."""
        for key, lines in self._lines.items():
            if not lines:
                continue
            lines.append(b"")
            block = b"\n".join(lines)
            self._spill.write(block)
            self._blocks.setdefault(key, array("Q")).extend((self._spilled, len(block)))
            self._spilled += len(block)
            lines.clear()
        self._buffered = 0

    def _batches(self) -> Iterator[_Batch]:
        """The partitions in order, each with its blocks, in batches of about
        `_BATCH_BYTES` of lines; each partition's list of blocks is dropped once batched."""
        batch: _Batch = []
        size = 0
        for key, info in self._parts.items():
            blocks = self._blocks.pop(key)
            batch.append((info.file, blocks.tobytes()))
            size += sum(blocks[1::2])
            if size >= _BATCH_BYTES:
                yield batch
                batch, size = [], 0
        if batch:
            yield batch

    def spend_info(self) -> SpendInfo:
        """The manifest's `spend`, started (`spend.jsonl.gz` opened) if it was not yet.

        A collection that asked for spend calls it even when it got no record, so the
        manifest still says how many billed calls were made.
        """
        if self._spend is None:
            self.manifest.spend = SpendInfo()
            raw = open(self._tmp / SPEND, "wb")  # noqa: SIM115 - closed in close/abort
            gz = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)
            self._spend = (raw, gz)
        assert self.manifest.spend is not None
        return self.manifest.spend

    def add_spend(self, record: SpendRecord) -> None:
        """Append one spend record to `spend.jsonl.gz` (the manifest then has `spend`)."""
        info = self.spend_info()
        assert self._spend is not None
        self._spend[1].write(orjson.dumps(record.model_dump(mode="json")) + b"\n")
        info.records += 1
        if record.source not in info.sources:
            info.sources.append(record.source)

    def _close_spend(self) -> None:
        if self._spend is not None:
            raw, gz = self._spend
            self._spend = None
            try:
                gz.close()
            finally:
                raw.close()

    def add_error(self, error: CollectionError) -> None:
        """Record a collection error in the manifest."""
        self.manifest.errors.append(error)

    def close(self) -> SnapshotManifest:
        """Finish every partition, write the manifest, and move the snapshot into place."""
        self._flush()
        self._spill.close()
        self._close_spend()
        if self.manifest.spend is not None:
            self.manifest.spend.sha256 = _sha256(self._tmp / SPEND)
        parts = list(self._parts.values())
        batches = self.map(partial(_compress_partitions, self._tmp), self._batches())
        digests = (digest for batch in batches for digest in batch)
        for info, digest in zip(parts, digests, strict=True):
            info.sha256 = digest
            self.manifest.partitions.append(info)
        (self._tmp / _SPILL).unlink()
        self.manifest.partitions.sort(key=lambda p: p.file)
        (self._tmp / MANIFEST).write_bytes(
            orjson.dumps(self.manifest.model_dump(mode="json"), option=orjson.OPT_INDENT_2)
        )
        # mkdtemp makes the folder private (0700); a snapshot gets the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        self._tmp.chmod(0o777 & ~umask)
        _replace_dir(self._tmp, self.path)
        return self.manifest

    def abort(self) -> None:
        """Drop everything written so far."""
        self._lines.clear()
        with contextlib.suppress(OSError):
            self._spill.close()
            self._close_spend()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> SnapshotWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def _compress_partitions(folder: Path, batch: _Batch) -> list[str]:
    """Compress each partition's blocks of the spill file into its file, one gzip member;
    the files' sha256."""
    digests = []
    with open(folder / _SPILL, "rb") as spill:
        for file, packed in batch:
            blocks = array("Q")
            blocks.frombytes(packed)
            lines = (
                os.pread(spill.fileno(), length, offset)
                for offset, length in zip(blocks[::2], blocks[1::2], strict=True)
            )
            with open(folder / file, "wb") as out:
                digests.append(_write_gzip(out, lines))
    return digests


# A gzip member's header (RFC 1952): deflate, no name, no time, unknown OS; the same
# bytes for the same content on every platform.
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def _write_gzip(out: IO[bytes], blocks: Iterable[bytes]) -> str:
    """Write `blocks` to `out` as one gzip member (level 6); the sha256 of what was written."""
    digest = hashlib.sha256(_GZIP_HEADER)
    out.write(_GZIP_HEADER)
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    crc = size = 0
    for block in blocks:
        crc = zlib.crc32(block, crc)
        size += len(block)
        data = packer.compress(block)
        out.write(data)
        digest.update(data)
    data = packer.flush() + struct.pack("<II", crc, size & 0xFFFFFFFF)
    out.write(data)
    digest.update(data)
    return digest.hexdigest()


# Partitions to compress in one task: each file's name and its blocks (`array.tobytes`).
_Batch = list[tuple[str, bytes]]
_Compress = Callable[[_Batch], list[str]]


def _sha256(path: SnapshotPath) -> str:
    digest = hashlib.sha256()
    with open_read(path) as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _replace_dir(tmp: Path, final: Path) -> None:
    """Rename `tmp` to `final`, replacing an existing snapshot directory."""
    if final.exists():
        if not (final / MANIFEST).exists() and any(final.iterdir()):
            shutil.rmtree(tmp, ignore_errors=True)
            msg = f"{final}: exists and is not a snapshot; refusing to overwrite it"
            raise SnapshotError(msg)
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        final.rename(old)
        tmp.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(final)


def write_snapshot(
    path: Path,
    resources: Iterable[Resource | dict[str, Any]],
    *,
    source: str,
    scopes: Iterable[str] = (),
    errors: Iterable[CollectionError] = (),
    partition_of: Callable[[dict[str, Any]], str] | None = None,
    created_at: datetime | None = None,
    spend: Iterable[SpendRecord] = (),
) -> SnapshotManifest:
    """Write `resources` (and `spend`) as a snapshot at `path`, atomically; return its manifest.

    `created_at` is when the inventory was taken (default: now); rules measure ages
    and expiries from it.
    """
    with SnapshotWriter(
        path, source=source, scopes=scopes, partition_of=partition_of, created_at=created_at
    ) as writer:
        for resource in resources:
            writer.add(resource)
        for record in spend:
            writer.add_spend(record)
        for error in errors:
            writer.add_error(error)
    return writer.manifest


@dataclass
class Snapshot:
    """A snapshot directory opened for reading (local, or a URL: `scanner.storage`)."""

    path: SnapshotPath
    manifest: SnapshotManifest
    files: list[SnapshotPath] = field(default_factory=list)

    def verify(self) -> None:
        """Check every partition against the sha256 and count its manifest records.

        Raises:
            SnapshotError: a partition was changed or truncated after it was written.
        """
        try:
            self._verify()
        except OSError as exc:
            msg = f"{self.path}: cannot read the snapshot ({exc})"
            raise SnapshotError(msg) from None

    def _verify(self) -> None:
        for info, part in zip(self.manifest.partitions, self.files, strict=True):
            if info.sha256 and _sha256(part) != info.sha256:
                msg = (
                    f"{part}: content differs from the sha256 in {MANIFEST} (changed after writing)"
                )
                raise SnapshotError(msg)
            lines = sum(1 for _ in iter_partition(part))
            if lines != info.resources:
                msg = f"{part}: {lines} resources, {MANIFEST} says {info.resources}"
                raise SnapshotError(msg)
        spend = self.manifest.spend
        if spend is not None:
            path = self.path / spend.file
            if path.is_file() and spend.sha256 and _sha256(path) != spend.sha256:
                msg = f"{path}: content differs from the sha256 in {MANIFEST}"
                raise SnapshotError(msg)
            records = sum(1 for _ in self.iter_spend())
            if records != spend.records:
                msg = f"{path}: {records} spend records, {MANIFEST} says {spend.records}"
                raise SnapshotError(msg)

    def iter_resources(self) -> Iterator[dict[str, Any]]:
        """Stream every resource as a dict, checking each line's shape and, at the end of
        each partition, its count against the manifest (a truncated or emptied partition
        is an error, not a smaller estate)."""
        seen: set[int] = set()  # an id twice in one snapshot is an error, not two resources
        for info, part in zip(self.manifest.partitions, self.files, strict=True):
            yield from iter_partition(part, expected=info.resources, seen=seen)

    def iter_spend(self) -> Iterator[SpendRecord]:
        """Every spend record (none when the snapshot has no spend); a bad line raises.

        Raises:
            SnapshotError: the file is missing, changed, or a line is not a spend record
                (`file:line: field ...`).
        """
        info = self.manifest.spend
        if info is None:
            return
        path = self.path / info.file
        if not path.is_file():
            msg = f"{path}: missing; {MANIFEST} lists {info.records} spend records"
            raise SnapshotError(msg)
        try:
            with open_read(path) as raw, gzip.GzipFile(fileobj=raw, mode="rb") as fh:
                for lineno, line in enumerate(fh, 1):
                    if line.strip():
                        yield _spend_line(path, lineno, line)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            msg = f"{path}: cannot read spend ({exc})"
            raise SnapshotError(msg) from None


def _spend_line(path: SnapshotPath, lineno: int, line: bytes) -> SpendRecord:
    try:
        return SpendRecord.model_validate_json(line)
    except ValidationError as exc:
        msg = f"{path}:{lineno}: not a spend record: {validation_summary(exc)}"
        raise SnapshotError(msg) from None


_SUMMARY_VALUES = ("average", "p95", "max")


def usage_problem(usage: Any) -> str:
    """What is wrong with a resource's `usage` attribute ('' when it has the catalog's shape).

    The shape: metric name -> {average, p95, max, days}; the three values numbers or null,
    `days` a whole number of days with data (docs/capacity.md). The answer starts with the
    field's path below `usage`, e.g. `.cpu_percent.p95: expected a number or null, got 'x'`.
    """
    if not isinstance(usage, dict):
        return f": expected an object of metric summaries, got {type(usage).__name__}"
    for metric, summary in usage.items():
        if not isinstance(summary, dict):
            return f".{metric}: expected {{average, p95, max, days}}, got {summary!r:.40}"
        extra = sorted(set(summary) - {*_SUMMARY_VALUES, "days"})
        if extra:
            return f".{metric}: unknown field(s) {', '.join(map(str, extra))}"
        for key in _SUMMARY_VALUES:
            value = summary.get(key)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                return f".{metric}.{key}: expected a number or null, got {value!r:.40}"
        days = summary.get("days")
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            return f".{metric}.days: expected a whole number of days >= 0, got {days!r:.40}"
    return ""


_OPTIONAL_STRINGS = ("account", "region", "name")
_STR_ONLY = frozenset({str})
_LIST_TYPES = (list, tuple)
_EMPTY: dict[str, Any] = {}


def resource_problem(data: Any) -> str:
    """What is wrong with the shape of one snapshot line ('' when it is a resource).

    Checks what every stage relies on (the normal form of `scanner.model.Resource`)
    without building the model, which would cost more than the scan: `id` and `type`
    non-empty strings, `provider` (when given) aws or gcp, `account`, `region` and `name`
    strings, `tags` a map of strings, `attributes` an object (with a well-formed `usage`),
    and `relations` a list of {type, target, properties}.
    """
    if type(data) is not dict:
        return f"expected a resource object, got {type(data).__name__}"
    rid, rtype = data.get("id"), data.get("type")
    if type(rid) is not str or not rid or type(rtype) is not str or not rtype:
        return "a resource needs non-empty string fields 'id' and 'type'"
    problem = _field_problem(data)
    return f"resource {rid[:200]}: {problem}" if problem else ""


def _field_problem(data: dict[str, Any]) -> str:
    if "provider" in data and data["provider"] not in _PROVIDERS:
        return f"provider: expected 'aws' or 'gcp', got {data['provider']!r:.40}"
    for key in _OPTIONAL_STRINGS:
        if key in data and type(data[key]) is not str:
            return f"{key}: expected a string, got {type(data[key]).__name__}"
    tags = data.get("tags", _EMPTY)
    if type(tags) is not dict or (tags and not _STR_ONLY.issuperset(map(type, tags.values()))):
        return "tags: expected an object of string values"
    attributes = data.get("attributes", _EMPTY)
    if type(attributes) is not dict:
        return f"attributes: expected an object, got {type(attributes).__name__}"
    usage = attributes.get("usage")
    if usage is not None:
        problem = usage_problem(usage)
        if problem:
            return f"attributes.usage{problem}"
    relations = data.get("relations", ())
    if type(relations) not in _LIST_TYPES:
        return f"relations: expected a list, got {type(relations).__name__}"
    for index, rel in enumerate(relations):
        if (
            type(rel) is not dict
            or type(rel.get("type")) is not str
            or type(rel.get("target")) is not str
            or not rel["target"]
            or type(rel.get("properties", _EMPTY)) is not dict
        ):
            return (
                f"relations[{index}]: expected {{type, target, properties}}"
                " with string type and target"
            )
    return ""


def _limit(name: str, default: int) -> int:
    """A reading limit, overridable by an environment variable (a whole number)."""
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else default


# What one partition may hold (docs/architecture.md, "Reading limits").
MAX_LINE_BYTES = _limit("PSCAN_MAX_LINE_BYTES", 16 * 1024 * 1024)
MAX_DEPTH = _limit("PSCAN_MAX_DEPTH", 64)
MAX_BLANK_LINES = 1000


def nested_deeper_than(data: object, limit: int) -> bool:
    """True when objects and lists nest deeper than `limit` (checked without recursion)."""
    if not isinstance(data, dict | list):
        return False
    stack: list[tuple[dict[Any, Any] | list[Any], int]] = [(data, 1)]
    containers = (dict, list)
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, containers))
    return False


def _read_line(part: SnapshotPath, lineno: int, line: bytes) -> dict[str, Any]:
    if len(line) > MAX_LINE_BYTES:
        msg = f"{part}:{lineno}: a line longer than {MAX_LINE_BYTES:,} bytes (PSCAN_MAX_LINE_BYTES)"
        raise SnapshotError(msg)
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        msg = f"{part}:{lineno}: not valid JSON ({exc.msg})"
        raise SnapshotError(msg) from None
    # Only a line with many brackets can nest deep; most are never walked.
    if line.count(b"[") + line.count(b"{") > MAX_DEPTH and nested_deeper_than(data, MAX_DEPTH):
        msg = f"{part}:{lineno}: nested deeper than {MAX_DEPTH} levels (PSCAN_MAX_DEPTH)"
        raise SnapshotError(msg)
    problem = resource_problem(data)
    if problem:
        raise SnapshotError(f"{part}:{lineno}: {problem}")
    return data  # type: ignore[no-any-return]  # resource_problem checked it is a dict


def id_digest(resource_id: str) -> int:
    """Eight bytes of BLAKE2b of a resource id: what `seen` sets hold (the same in every
    process, unlike `hash`), a tenth of the memory of the ids themselves."""
    digest = hashlib.blake2b(resource_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def iter_partition(
    part: SnapshotPath, expected: int | None = None, seen: set[int] | None = None
) -> Iterator[dict[str, Any]]:
    """Stream the resources of one partition file; a bad line raises SnapshotError, and so
    does a count other than `expected` (the manifest's) once the file is read, and an id
    already in `seen` (the `id_digest`s of the ids read before; each id read is added).

    Lines longer than `MAX_LINE_BYTES`, nested deeper than `MAX_DEPTH`, and more than
    `MAX_BLANK_LINES` blank lines are refused, so a small hostile file cannot take the
    memory or the time of a large one.
    """
    count = blank = 0
    try:
        with open_read(part) as raw, gzip.GzipFile(fileobj=raw, mode="rb") as fh:
            lineno = 0
            while line := fh.readline(MAX_LINE_BYTES + 1):
                lineno += 1
                if not line.strip():
                    blank += 1
                    if blank > MAX_BLANK_LINES:
                        msg = f"{part}:{lineno}: more than {MAX_BLANK_LINES:,} blank lines"
                        raise SnapshotError(msg)
                    continue
                data = _read_line(part, lineno, line)
                if seen is not None:
                    digest = id_digest(data["id"])
                    if digest in seen:
                        msg = (
                            f"{part}:{lineno}: resource id {data['id'][:200]!r} is already in"
                            " the snapshot (`pscan snapshot merge` keeps one of each id)"
                        )
                        raise SnapshotError(msg)
                    seen.add(digest)
                count += 1
                yield data
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        msg = f"{part}: cannot read partition ({exc})"
        raise SnapshotError(msg) from None
    if expected is not None and count != expected:
        msg = (
            f"{part}: {count:,} resources where {MANIFEST} says {expected:,}"
            " (truncated or changed after writing)"
        )
        raise SnapshotError(msg)


def open_snapshot(path: str | Path | RemotePath) -> Snapshot:
    """Open a snapshot directory, or a URL of one (`s3://...`), and check its manifest.

    Raises:
        SnapshotError: the snapshot is missing, unreadable, or its manifest is bad.
    """
    path = snapshot_path(path)
    manifest_path = path / MANIFEST
    try:
        present = file_names(path)
        if MANIFEST not in present:
            msg = f"{manifest_path}: missing; not a pscan snapshot (create one with pscan collect)"
            raise SnapshotError(msg)
        raw = manifest_path.read_bytes()
    except FileNotFoundError:
        msg = f"{path}: no such snapshot directory"
        raise SnapshotError(msg) from None
    except OSError as exc:
        msg = f"{path}: cannot read the snapshot ({exc})"
        raise SnapshotError(msg) from None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        msg = f"{manifest_path}: not valid JSON ({exc.msg})"
        raise SnapshotError(msg) from None
    version = data.get("schema_version") if isinstance(data, dict) else None
    if version != SNAPSHOT_SCHEMA_VERSION:
        msg = (
            f"{manifest_path}: unsupported snapshot schema_version {version!r}"
            f" (this pscan reads version {SNAPSHOT_SCHEMA_VERSION!r})"
        )
        raise SnapshotError(msg)
    try:
        manifest = SnapshotManifest.model_validate(data)
    except ValidationError as exc:
        msg = f"{manifest_path}: {validation_summary(exc)}"
        raise SnapshotError(msg) from None
    files: list[SnapshotPath] = []
    for info in manifest.partitions:
        if Path(info.file).name != info.file or info.file in ("", ".", ".."):
            msg = (
                f"{manifest_path}: partition {info.file[:200]!r} is not a file name in the snapshot"
            )
            raise SnapshotError(msg)
        part = path / info.file
        if info.file not in present:
            msg = f"{part}: partition listed in {MANIFEST} is missing"
            raise SnapshotError(msg)
        files.append(part)
    return Snapshot(path=path, manifest=manifest, files=files)


def merge_snapshots(sources: Iterable[str | Path | RemotePath], dest: Path) -> SnapshotManifest:
    """Merge several snapshots into one at `dest`, streaming.

    A resource id present in several inputs is taken from the last input that has it;
    only the ids are held in memory. Spend records of every input are kept (collect
    spend into one snapshot per billing source, or the merge counts it twice).
    """
    opened = [open_snapshot(p) for p in sources]
    errors = [e for snap in opened for e in snap.manifest.errors]
    scopes = list(dict.fromkeys(s for snap in opened for s in snap.manifest.scopes))

    def _unique() -> Iterator[dict[str, Any]]:
        seen: set[str] = set()
        for snap in reversed(opened):
            for resource in snap.iter_resources():
                if resource["id"] not in seen:
                    seen.add(resource["id"])
                    yield resource

    sources_seen = dict.fromkeys(s.manifest.source for s in opened if s.manifest.source)
    return write_snapshot(
        dest,
        _unique(),
        source="+".join(sources_seen) or "merge",
        scopes=scopes,
        errors=errors,
        # the merged inventory is as old as its newest part: ages are measured from it
        created_at=max(s.manifest.created_at for s in opened),
        spend=(record for snap in opened for record in snap.iter_spend()),
    )
