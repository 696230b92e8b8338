"""The small valid estate the fuzz tests mutate: two partitions of the demo snapshot."""

from __future__ import annotations

import gzip
from pathlib import Path

from scanner.paths import data_dir
from tests.fuzz.harness import write_snapshot_dir

__all__ = ["DEMO", "LINES", "PARTS", "small_snapshot"]

DEMO = data_dir("fixtures/demo")
# AWS and GCP, about 130 resources: every rule still meets resources of its types (and
# the capacity model's tiers), and one scan takes a fraction of a second.
PARTS = (
    "resources-aws-111122223333-eu-west-1.jsonl.gz",
    "resources-gcp-northwind-analytics-europe-west1.jsonl.gz",
)
LINES = {name: gzip.decompress((DEMO / name).read_bytes()).splitlines() for name in PARTS}


def small_snapshot(path: Path, spend: list[bytes] | None = None) -> Path:
    """The two partitions as a snapshot at `path` (with `spend` records when given)."""
    return write_snapshot_dir(path, {part: list(LINES[part]) for part in PARTS}, spend=spend)
