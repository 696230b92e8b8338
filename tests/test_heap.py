"""The scan's garbage-collector policy: no automatic full collections while it runs."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from scanner.graph import ResourceGraph
from scanner.heap import full_collections_paused


@pytest.fixture
def full_collections() -> Iterator[list[int]]:
    """Generations of the automatic collections while the test runs."""
    seen: list[int] = []

    def callback(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.collect()
    gc.callbacks.append(callback)
    try:
        yield seen
    finally:
        gc.callbacks.remove(callback)


def _grow_heap() -> list[list[int]]:
    """Tracked objects that survive the young collections, enough to pass the quarter of
    the old generation's size that sets off a full collection."""
    n = len(gc.get_objects()) // 2 + 100_000
    return [[i] for i in range(n)]  # lists stay tracked (a dict of ints would not)


def test_no_full_collection_inside_the_block(full_collections: list[int]) -> None:
    with full_collections_paused():
        kept = _grow_heap()
    assert kept
    assert 2 not in full_collections
    assert 0 in full_collections  # the young generation is still collected


def test_outside_the_block_full_collections_run(full_collections: list[int]) -> None:
    kept = _grow_heap()
    assert kept
    assert 2 in full_collections


def test_thresholds_restored_after_nested_blocks_and_errors() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), full_collections_paused():
        with full_collections_paused():
            assert gc.get_threshold()[:2] == before[:2]
            assert gc.get_threshold()[2] > 10**9
        assert gc.get_threshold()[2] > 10**9
        raise RuntimeError
    assert gc.get_threshold() == before

    @full_collections_paused()
    def decorated() -> int:
        return gc.get_threshold()[2]

    assert decorated() > 10**9 and decorated() > 10**9  # a fresh pause per call
    assert gc.get_threshold() == before


def test_a_released_graph_is_freed_without_a_collection() -> None:
    graph = ResourceGraph()
    node_data: list[weakref.ref[Any]] = []

    class Data(dict):  # type: ignore[type-arg]  # a dict that can be weakly referenced
        pass

    for i in range(3):
        graph.add_resource(
            {
                "id": f"r{i}",
                "type": "aws.ec2.instance",
                "relations": [{"type": "protected_by", "target": "sg"}],
            }
        )
    graph.g.nodes["r0"]["probe"] = probe = Data(x=1)
    node_data.append(weakref.ref(probe))
    del probe
    _ = graph.g.nodes, graph.g.edges  # networkx caches views that point back at the graph
    with full_collections_paused():
        gc.disable()
        try:
            graph.release()
            assert node_data[0]() is None
        finally:
            gc.enable()
    assert len(graph) == 0
    assert graph.neighbours("r0") == []


def test_blocks_in_threads_that_end_out_of_order_restore_the_threshold() -> None:
    """Two threads' blocks overlap, the first to start ends first (a Dask worker runs
    tasks in threads): the pause lasts until the second ends, then the threshold is back."""
    before = gc.get_threshold()
    second_in, first_out = threading.Event(), threading.Event()
    seen: list[int] = []

    def second() -> None:
        with full_collections_paused():
            second_in.set()
            first_out.wait(10)
            seen.append(gc.get_threshold()[2])

    thread = threading.Thread(target=second)
    with full_collections_paused():
        thread.start()
        assert second_in.wait(10)
    first_out.set()
    thread.join(10)
    assert seen and seen[0] > 10**9  # still paused after the first block ended
    assert gc.get_threshold() == before
