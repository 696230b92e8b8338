"""Export files read in chunks, in this process or in worker processes: the same snapshot."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scanner.cli import cli
from scanner.collectors.gcp import CONTEXT_TYPES, NORMALISERS
from scanner.collectors.gcp import collect as collect_module
from scanner.collectors.gcp import export as export_module
from scanner.collectors.gcp.collect import GcpCollector, collect_gcp
from scanner.collectors.gcp.export import Chunk, ExportSource, export_chunks
from scanner.processes import Workers
from tests.collectors.gcp.conftest import EXPORT_DIR, assert_user_error
from tests.collectors.gcp.test_asset_json import GENERATOR

SMALL_CHUNKS = 6_000  # bytes: the exports below are cut into dozens of chunks


def _export(tmp_path: Path) -> list[Path]:
    """Four copies of the estate in three files (one gzip), lines shuffled, with a resource
    line written twice (in two files), an asset the normaliser refuses, blank lines and a
    last line without its newline."""
    lines = [json.loads(line) for line in GENERATOR.export_lines(4 * 130)]
    random.Random(7).shuffle(lines)
    broken = next(x for x in lines if x["name"].endswith("/instances/web-2"))
    broken["resource"]["data"]["serviceAccounts"] = ["not-an-object"]
    twice = next(x for x in lines if x["asset_type"] == "storage.googleapis.com/Bucket")
    text = [json.dumps(x) for x in lines]
    first, second, third = text[:200], text[200:400], text[400:]
    a = tmp_path / "a.ndjson"
    a.write_text("\n".join(first[:50]) + "\n\n" + "\n".join(first[50:]) + "\n")
    b = tmp_path / "b.ndjson.gz"
    b.write_bytes(gzip.compress(("\n".join([*second, json.dumps(twice)]) + "\n").encode()))
    c = tmp_path / "c.ndjson"
    c.write_text("\n".join([json.dumps(twice), *third]))  # no newline at the end
    return [a, b, c]


def _snapshot(path: Path) -> dict[str, bytes]:
    """Every file of the snapshot, byte for byte."""
    return {p.name: p.read_bytes() for p in path.iterdir()}


@pytest.fixture
def chunks_given(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Small chunks; and the number of chunks each Workers.map was given: proof the pool ran."""
    monkeypatch.setattr(export_module, "CHUNK_BYTES", SMALL_CHUNKS)
    monkeypatch.setattr(collect_module, "_HELD_PER_TASK", 5)
    given: list[int] = []
    original = Workers.map

    def spy(self: Workers, fn: Any, items: Iterable[Any]) -> Iterator[Any]:
        items = list(items)
        given.append(len(items))
        return original(self, fn, items)

    monkeypatch.setattr(Workers, "map", spy)
    return given


def test_workers_write_the_snapshot_one_process_writes(
    tmp_path: Path, chunks_given: list[int]
) -> None:
    files = _export(tmp_path)
    said: dict[int, list[str]] = {1: [], 2: []}
    serial, counts = collect_gcp(
        tmp_path / "serial", export_files=files, workers=1, progress=said[1].append
    )
    assert chunks_given == []
    parallel, parallel_counts = collect_gcp(
        tmp_path / "two", export_files=files, workers=2, progress=said[2].append
    )
    assert said[1] == said[2]  # the same progress, chunk by chunk
    chunks = len(export_chunks(files))
    assert f"resources: {chunks} of {chunks} chunks read" in said[2]
    assert chunks > 20
    # both passes ran in the workers (the second after the context types' resources, in
    # batches of 5), and so did the compression of the partitions
    first, second, compression = chunks_given
    assert first == chunks
    assert second > chunks + 3
    assert compression == 1
    assert parallel_counts == counts
    assert _snapshot(tmp_path / "two") == _snapshot(tmp_path / "serial")
    assert serial.resource_count == parallel.resource_count > 4 * 90
    [error] = [e for e in parallel.errors if e.code == "NormaliseError"]
    assert "/instances/web-2" in error.message
    assert parallel.created_at == serial.created_at


def test_chunks_cover_every_line_once_with_its_number(tmp_path: Path) -> None:
    files = _export(tmp_path)
    whole = [Chunk(path) for path in files]
    cut = export_chunks(files, 1_000)
    assert len(cut) > len(files) * 5
    assert [c for c in cut if c.path.suffix == ".gz"] == [Chunk(files[1])]
    for path in files:
        ends = [(c.start, c.end) for c in cut if c.path == path and c.end is not None]
        for (_, end), (start, _) in itertools.pairwise(ends):
            assert end == start  # no gap, no overlap
    assert list(_lines(cut)) == list(_lines(whole))


def _lines(chunks: list[Chunk]) -> Iterator[tuple[str, int, bytes]]:
    for chunk in chunks:
        for lineno, line in export_module._lines(chunk):
            yield chunk.path.name, lineno, line.rstrip(b"\n")


def test_a_bad_line_far_into_the_files_is_named_the_same_way(
    tmp_path: Path, chunks_given: list[int]
) -> None:
    files = _export(tmp_path)
    text = files[2].read_text().splitlines()
    text[-5] = '{"name": "x", "asset_type": 3}'
    files[2].write_text("\n".join(text) + "\n")
    errors = []
    for workers in ("1", "2"):
        out = tmp_path / f"snap-{workers}"
        args = [f"--export-file={f}" for f in files]
        result = CliRunner().invoke(
            cli, ["collect", "gcp", *args, "--export-workers", workers, "-o", str(out)]
        )
        assert_user_error(result, f"{files[2]}:{len(text) - 4}:", "'name' and 'asset_type'")
        assert not out.exists()
        errors.append(result.output)
    assert errors[0] == errors[1]
    assert chunks_given == [len(export_chunks(files))]


def test_a_collector_built_by_hand_reads_in_workers_too(
    tmp_path: Path, chunks_given: list[int]
) -> None:
    """Its context (default secret scanner included) pickles for the workers; the lines
    are the ones it gives without them."""
    files = _export(tmp_path)

    def lines(workers: Workers | None) -> list[tuple[str, bytes]]:
        source = ExportSource(
            files, context_types=CONTEXT_TYPES, resource_types=frozenset(NORMALISERS)
        )
        return list(GcpCollector(source, workers=workers).lines())

    with Workers(2, "died") as workers:
        assert lines(workers) == lines(None)
    assert len(chunks_given) == 2


def _die(part: Any, **_: Any) -> None:
    """A worker killed while it reads a chunk (the OOM killer, a crash)."""
    os._exit(9)


def test_a_worker_that_dies_stops_the_collection_with_exit_3(
    tmp_path: Path, chunks_given: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(collect_module, "_normalise_part", _die)
    out = tmp_path / "snap"
    files = _export(tmp_path)
    args = [f"--export-file={f}" for f in files]
    result = CliRunner().invoke(
        cli, ["collect", "gcp", *args, "--export-workers", "2", "-o", str(out)]
    )
    assert result.exit_code == 3, result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("pscan: error: a process reading the export died")
    assert "--export-workers 1" in line
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f.name for f in files)


def test_workers_by_default_only_for_large_exports_and_never_with_metrics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _export(tmp_path)
    source = ExportSource(files, context_types=CONTEXT_TYPES, resource_types=frozenset(NORMALISERS))
    size = sum(f.stat().st_size for f in files)
    count = collect_module._worker_count
    monkeypatch.setattr(collect_module, "cpu_count", lambda: 4)
    monkeypatch.setattr(collect_module, "AUTO_MIN_EXPORT_BYTES", size + 1)
    assert count(None, source, None) == 1
    assert count(3, source, None) == min(3, len(source.chunks))
    monkeypatch.setattr(collect_module, "AUTO_MIN_EXPORT_BYTES", size // 2)
    assert count(None, source, None) == min(4, len(source.chunks))
    assert count(None, source, object()) == 1  # --metrics: usage is read in this process
    assert count(1, source, None) == 1
    assert count(8, ExportSource([EXPORT_DIR], context_types=(), resource_types=()), None) == 3
