"""`pscan fixtures generate`: a seeded, deterministic synthetic estate as a snapshot."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scanner.app.events import Generating, Listener, ignore
from scanner.model import SnapshotManifest
from scanner.snapshot import write_snapshot

__all__ = ["generate_fixtures"]


def generate_fixtures(
    output: Path, resources: int, seed: int = 0, on_event: Listener = ignore
) -> SnapshotManifest:
    """Write about `resources` synthetic resources (the same seed, the same estate)."""
    from scanner import synthetic  # only this use case needs the generator

    counter = itertools.count(1)

    def _tick(items: Iterator[Any]) -> Iterator[Any]:
        for item in items:
            n = next(counter)
            if n % 10000 == 0:
                on_event(Generating(n))
            yield item

    return write_snapshot(
        output,
        _tick(synthetic.generate(resources, seed)),
        source=f"synthetic(seed={seed})",
        scopes=synthetic.generate_scopes(resources, seed),
        # ages and expiries in the estate are relative to this fixed moment
        created_at=synthetic.REFERENCE_DATE,
    )
