"""How a scan, a large collection and pscan's worker processes use Python's cyclic
garbage collector.

A scan builds large structures that live until it ends (the graph, the findings' rows,
the capacity and cost groups) and makes almost no reference cycles. CPython runs a full
collection (every tracked object in the process) whenever the objects that survived the
young generations grow by a quarter; while a scan's heap grows to millions of objects
that happens again and again, and each one walks everything built so far. Measured on a
generated 1M-resource estate (`gc.callbacks` timing, docs/scale.md): 36.8 s of a 245 s
scan went to 24 full collections.

`full_collections_paused` turns the automatic full collections off for the length of a
scan; the young generations are still collected, so short-lived cycles are freed as
before. What must be freed early is freed by reference count: the graph is cleared
explicitly when the scan is done with it (`ResourceGraph.release`). The same holds for a
GCP export collection (the context of every policy, the names seen): 14 full
collections, 4.8 s of 84.5 s, on the generated 1M-asset export.

A worker process of pscan's own pools (`scanner.processes`) lives for one command and
keeps what its tasks build only until the result is sent: it runs with the full
collections paused for good (`pause_full_collections`), so pickling a result does not set
one off either (16.3 against 7.6 us a resource for a scan's results at 1M, pickled
both ways in one process).

The pause is counted per process: nested blocks, and blocks in several threads at once
(a Dask worker runs tasks in threads), set it once and lift it when the last one ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["full_collections_paused", "pause_full_collections"]

# gen2's threshold counts gen1 collections; no scan gets near this many
_NEVER = 2**31 - 1

_lock = threading.Lock()
_paused = 0  # blocks inside the pause, in every thread
_old = 0  # gen2's threshold before the first of them


@contextmanager
def full_collections_paused() -> Iterator[None]:
    """No automatic full collection inside the block, or the call of a function it
    decorates (`@full_collections_paused()`); nesting is fine, and so are threads."""
    pause_full_collections()
    try:
        yield
    finally:
        _resume()


def pause_full_collections() -> None:
    """No automatic full collection from now on in this process (a worker's whole life),
    until a matching `_resume`."""
    global _paused, _old
    with _lock:
        if _paused == 0:
            young, middle, _old = gc.get_threshold()
            gc.set_threshold(young, middle, _NEVER)
        _paused += 1


def _resume() -> None:
    """End one pause; the threshold is back once the last one has ended."""
    global _paused
    with _lock:
        _paused -= 1
        if _paused == 0:
            young, middle, _ = gc.get_threshold()
            gc.set_threshold(young, middle, _old)
