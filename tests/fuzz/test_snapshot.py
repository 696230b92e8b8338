"""Hostile snapshots: resource lines, partitions and manifest.json, through `pscan scan`,
`pscan snapshot info/merge`, `pscan cost` and `pscan capacity show`."""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.paths import data_dir
from tests.fuzz.estate import DEMO, LINES, PARTS, small_snapshot
from tests.fuzz.harness import (
    assert_clean,
    examples,
    parse_snapshot,
    pscan,
    write_snapshot_dir,
)
from tests.fuzz.strategies import damaged, encoded, mutated, paths_of

# a hostile input is large by design; its repr in a failure report is long too
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")
RESOURCES = [(name, i) for name in PARTS for i in range(len(LINES[name]))]
MANIFEST = json.loads((DEMO / "manifest.json").read_text())
RULES_S3 = data_dir("rules/aws/s3")
SPEND = gzip.decompress((DEMO / "spend.jsonl.gz").read_bytes()).splitlines()


def _snapshot(root: Path, name: str, index: int, line: bytes) -> Path:
    partitions = {part: list(LINES[part]) for part in PARTS}
    partitions[name][index] = line
    return write_snapshot_dir(root / "snap", partitions)


@st.composite
def _resource_line(draw: st.DrawFn) -> tuple[str, int, bytes]:
    name, index = draw(st.sampled_from(RESOURCES))
    resource: Any = json.loads(LINES[name][index])
    if draw(st.integers(min_value=0, max_value=5)) == 0:
        return name, index, draw(damaged(LINES[name][index]))
    return name, index, draw(encoded(draw(mutated(resource))))


@examples(25)
@given(case=_resource_line())
def test_scan_any_resource_line(case: tuple[str, int, bytes]) -> None:
    name, index, line = case
    with tempfile.TemporaryDirectory() as tmp:
        snap = _snapshot(Path(tmp), name, index, line)
        out = Path(tmp) / "findings.json"
        assert_clean(pscan("scan", snap, "--no-config", "-q", "-o", out), out)


@examples(100)
@given(case=_resource_line())
def test_merge_and_info_any_resource_line(case: tuple[str, int, bytes]) -> None:
    name, index, line = case
    with tempfile.TemporaryDirectory() as tmp:
        snap = _snapshot(Path(tmp), name, index, line)
        assert_clean(pscan("snapshot", "info", snap))
        out = Path(tmp) / "merged"
        assert_clean(pscan("snapshot", "merge", snap, DEMO, "-o", out), out, parse_snapshot)


_MANIFEST_PATHS = [p for p in paths_of(MANIFEST) if not (p and p[0] == "scopes" and len(p) > 1)]


@examples(120)
@given(manifest=mutated(MANIFEST, _MANIFEST_PATHS), raw=st.integers(min_value=0, max_value=4))
def test_any_manifest(manifest: Any, raw: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        snap = Path(tmp) / "snap"
        snap.mkdir()
        for part in DEMO.glob("*.jsonl.gz"):
            (snap / part.name).write_bytes(part.read_bytes())
        text = json.dumps(manifest).encode()
        if raw == 0:  # the bytes broken too, now and then
            text = text[: len(text) // 2]
        (snap / "manifest.json").write_bytes(text)
        out = Path(tmp) / "findings.json"
        # the manifest decides what is read, not how rules judge it: one small pack
        pack = ("--no-builtin-rules", "--rules", RULES_S3)
        assert_clean(pscan("scan", snap, *pack, "--no-config", "-q", "-o", out), out)
        assert_clean(pscan("snapshot", "info", snap))


@st.composite
def _spend(draw: st.DrawFn) -> list[bytes]:
    lines = list(SPEND)
    index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
    lines[index] = draw(encoded(draw(mutated(json.loads(lines[index])))))
    return lines


@examples(12)
@given(spend=_spend())
def test_cost_any_spend_record(spend: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        snap = small_snapshot(Path(tmp) / "snap", spend=spend)
        out = Path(tmp) / "cost.json"
        assert_clean(pscan("cost", snap, "--no-config", "--format", "json", "-o", out), out)
