"""`generate_fixtures`: a seeded estate, the same for the same seed."""

from __future__ import annotations

from pathlib import Path

from scanner.app import generate_fixtures
from scanner.app.events import Event, Generating
from scanner.snapshot import open_snapshot


def test_the_same_seed_gives_the_same_estate(tmp_path: Path) -> None:
    events: list[Event] = []
    first = generate_fixtures(tmp_path / "a", 10_500, seed=3, on_event=events.append)
    second = generate_fixtures(tmp_path / "b", 10_500, seed=3)
    assert first.resource_count == second.resource_count > 10_000
    assert [p.sha256 for p in first.partitions] == [p.sha256 for p in second.partitions]
    assert first.source == "synthetic(seed=3)"
    assert events == [Generating(10_000)]
    assert open_snapshot(tmp_path / "a").manifest == first
