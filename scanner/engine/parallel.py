"""Per-resource rules evaluated partition by partition in other processes.

The unit of work is one snapshot partition file (an account x region): a task reads the
file itself, judges its resources by the per-resource rules and sends back a
`PartialOutcome` (findings as plain tuples, counts, undecided results). The parent joins
the parts in partition order while it builds the graph for the graph rules, so the result
is the serial scan's, finding for finding (`scanner.engine.evaluate`).

Two places run the tasks, behind one small interface (`Runner`):

- `ProcessRunner`: a pool of worker processes on this machine (`--workers N`,
  `scanner.processes`).
- `DaskRunner`: a Dask distributed cluster (`--executor dask://HOST:PORT`); every worker
  must see the snapshot files at the same absolute path (a shared file system) and have
  pscan and any `--rules` packs installed at the same paths, on the same Python version.

A task loads the rule set from its `RuleSource` once per process (compiled conditions and
Python rules cannot be pickled) and keeps it for the next task. It pickles its own result,
with the automatic full garbage collections paused: the result is hundreds of thousands
of new objects, and collections set off while pickling them cost more than the pickling
(16.3 against 7.6 us a resource on the generated 1M estate, pickled both ways in one
process). What the graph keeps of each resource (plain JSON values, the largest part of
a result) goes as `marshal` data instead: about a fifth of pickle's time to write
(pickle looks up every object it writes in its memo). marshal's format belongs to the
Python version, so the parent refuses the result of a worker that runs another one.
A worker that dies ends the scan with `WorkerError`: no partial result is ever
returned.
"""

from __future__ import annotations

import logging
import marshal
import pickle
import sys
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import Any, Protocol

from scanner.engine.evaluate import PartialOutcome, evaluate_part
from scanner.engine.loader import RuleSet, RuleSource
from scanner.errors import ConfigError, WorkerError
from scanner.heap import full_collections_paused
from scanner.processes import AHEAD_PER_WORKER, Workers, cpu_count, in_order
from scanner.snapshot import iter_partition
from scanner.storage import snapshot_path

__all__ = [
    "AUTO_MIN_RESOURCES",
    "DaskRunner",
    "Partition",
    "ProcessRunner",
    "Runner",
    "Tap",
    "TaskResult",
    "evaluate_partition",
    "merged",
    "open_runner",
]

logger = logging.getLogger(__name__)

# Below this many resources a scan stays serial unless --workers asks otherwise: starting
# the workers, loading the rules in each and sending results back cost about what they
# save (bench/RESULTS.md, runs of 2026-12-06 14:39-14:40 on 2 cores: 20k resources took 4.3 s
# serial and 4.1 s with two workers, 50k 8.1 s and 7.7 s, 100k 14.1 s and 12.6 s).
AUTO_MIN_RESOURCES = 100_000
DASK_SCHEME = "dask://"
_CONNECT_TIMEOUT_S = 10

_lock = threading.Lock()  # Dask runs several tasks per worker process in threads
_loaded: tuple[RuleSource, RuleSet] | None = None


def _ruleset(source: RuleSource) -> RuleSet:
    """The rule set of `source`, loaded once per process."""
    global _loaded
    with _lock:
        if _loaded is None or _loaded[0] != source:
            _loaded = (source, source.load())
        return _loaded[1]


class Tap(Protocol):
    """Something else gathered from the resources in the same pass (headroom, costs)."""

    def add(self, resource: Mapping[str, Any]) -> None:
        """Take one resource."""
        ...

    def merge(self, later: Any) -> None:
        """Take in what a tap of the same kind gathered from the resources that follow."""
        ...


# A partition file to evaluate: its absolute path or URL, the manifest's count of
# resources, and the index of its snapshot among those scanned (ids are unique within a
# snapshot).
Partition = tuple[str, int, int]

# Zero-argument factories of taps, picklable (a class, or functools.partial of one).
Taps = Sequence[Callable[[], Tap]]
# The outcome (its graph_resources left empty), the taps, and the graph_resources as
# marshal data with the Python version that wrote them.
TaskResult = tuple[PartialOutcome, list[Tap], bytes, tuple[int, int]]
_PYTHON = (sys.version_info[0], sys.version_info[1])


@full_collections_paused()
def evaluate_partition(
    source: RuleSource, file: Partition, now: datetime, taps: Taps = ()
) -> bytes:
    """One task: the per-resource rules over one partition file (runs in a worker).

    Each resource also goes through a fresh tap from each of `taps`; the taps come back
    with the outcome, for the parent to merge. The file's count of resources is checked
    against the manifest's, as the serial reader does. The result is a pickled
    `TaskResult` (`merged` unpickles it).
    """
    tapped = [make() for make in taps]
    path, expected, _ = file
    seen: set[int] = set()
    resources: Iterable[Mapping[str, Any]] = iter_partition(snapshot_path(path), expected, seen)
    if tapped:
        resources = _through(resources, tapped)
    part = evaluate_part(_ruleset(source), resources, now=now)
    part.ids = array("Q", seen).tobytes()
    graph_resources = marshal.dumps(part.graph_resources)
    part.graph_resources = []
    result: TaskResult = (part, tapped, graph_resources, _PYTHON)
    return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)


def _through(
    resources: Iterable[Mapping[str, Any]], taps: list[Tap]
) -> Iterator[Mapping[str, Any]]:
    for resource in resources:
        for tap in taps:
            tap.add(resource)
        yield resource


def merged(
    results: Iterable[bytes], taps: Sequence[Tap], files: Sequence[Partition] = ()
) -> Iterator[PartialOutcome]:
    """The outcomes of tasks (`evaluate_partition`'s results) in order, after merging
    their taps into `taps` (same order).

    With `files` (the tasks' partitions, with the index of their snapshot), an id that
    an earlier partition of the same snapshot holds is refused as the serial reader
    refuses it: the partition is read again to name the id and its line.

    Raises:
        SnapshotError: a resource id twice in one snapshot.
    """
    seen: dict[int, set[int]] = {}
    for n, result in enumerate(results):
        part, theirs = _unpickled(result)
        if files:
            _check_ids(part, files[n], seen)
        for mine, their in zip(taps, theirs, strict=True):
            mine.merge(their)
        yield part


@full_collections_paused()
def _unpickled(result: bytes) -> tuple[PartialOutcome, list[Tap]]:
    """A task's outcome and taps (pickled by the task's own code, which this trusts).

    Raises:
        WorkerError: the worker runs another Python version than this process.
    """
    loaded: TaskResult = pickle.loads(result)
    part, taps, graph_resources, python = loaded
    if tuple(python) != _PYTHON:
        msg = (
            f"a scan worker runs Python {python[0]}.{python[1]} and this process"
            f" {_PYTHON[0]}.{_PYTHON[1]}: run pscan with the same Python everywhere"
        )
        raise WorkerError(msg)
    part.graph_resources = marshal.loads(graph_resources)
    return part, taps


def _check_ids(part: PartialOutcome, file: Partition, seen: dict[int, set[int]]) -> None:
    before = seen.setdefault(file[2], set())
    ids = array("Q")
    ids.frombytes(part.ids)
    part.ids = b""
    if not before.isdisjoint(ids):  # rare: find the id and its line the way serial does
        for _ in iter_partition(snapshot_path(file[0]), seen=set(before)):
            pass
    before.update(ids)


class Runner(Protocol):
    """Runs partition tasks somewhere and gives their results back in order."""

    def map(
        self, source: RuleSource, files: Sequence[Partition], now: datetime, taps: Taps = ()
    ) -> Iterator[bytes]:
        """One task per file, submitted a few per worker ahead of the result the iterator
        waits for; the iterator yields their results in file order.

        Raises (from the iterator):
            WorkerError: a worker died before its task finished.
        """
        ...

    def close(self) -> None:
        """Stop what the runner started (pending tasks are dropped); again: nothing."""
        ...


def _died(detail: str) -> str:
    return (
        f"a scan worker died mid-scan ({detail}); no findings were written."
        " Rerun with --workers 1 to scan in one process"
    )


class ProcessRunner:
    """Worker processes on this machine."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._workers = Workers(workers, _died("a worker process crashed or was killed"))

    def map(
        self, source: RuleSource, files: Sequence[Partition], now: datetime, taps: Taps = ()
    ) -> Iterator[bytes]:
        return self._workers.map(partial(evaluate_partition, source, now=now, taps=taps), files)

    def close(self) -> None:
        self._workers.close()


class DaskRunner:
    """Tasks on a Dask distributed cluster, through its scheduler."""

    def __init__(self, url: str) -> None:
        address = "tcp://" + url.removeprefix(DASK_SCHEME)
        try:
            from distributed import Client
        except ImportError:
            msg = f"--executor {url}: dask is not installed (pip install 'platform-scanner[dask]')"
            raise ConfigError(msg) from None
        try:
            # distributed's Client is not annotated
            self._client = Client(address, timeout=_CONNECT_TIMEOUT_S, set_as_default=False)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            msg = f"--executor {url}: cannot reach the Dask scheduler at {address} ({exc})"
            raise ConfigError(msg) from None

    def map(
        self, source: RuleSource, files: Sequence[Partition], now: datetime, taps: Taps = ()
    ) -> Iterator[bytes]:
        def submit(file: Partition) -> Any:
            return self._client.submit(evaluate_partition, source, file, now, taps, pure=False)

        workers = sum(self._client.nthreads().values())  # type: ignore[no-untyped-call]
        return self._results(in_order(submit, files, AHEAD_PER_WORKER * max(workers, 1)))

    def _results(self, futures: Iterator[Any]) -> Iterator[bytes]:
        from distributed import KilledWorker

        for future in futures:
            try:
                result: bytes = future.result()
            except KilledWorker as exc:
                raise WorkerError(
                    _died(f"Dask gave up on a task after its workers died: {exc}")
                ) from None
            yield result

    def close(self) -> None:
        self._client.close()  # type: ignore[no-untyped-call]


def open_runner(
    workers: int | None, executor: str | None, resources: int, partitions: int
) -> Runner | None:
    """Where a scan of `resources` in `partitions` files runs its tasks; None: in this process.

    `executor` (`dask://HOST:PORT`) wins over `workers`. `workers` None means automatic:
    one worker per core for a scan of at least AUTO_MIN_RESOURCES resources on more than
    one core, else none; 1 means the serial path. Never more workers than partitions.

    Raises:
        ConfigError: a bad executor URL, dask not installed, or the scheduler unreachable.
    """
    if executor:
        if not executor.startswith(DASK_SCHEME) or not executor.removeprefix(DASK_SCHEME):
            msg = f"--executor {executor!r}: expected dask://HOST:PORT"
            raise ConfigError(msg)
        return DaskRunner(executor)
    if workers is None:
        workers = cpu_count() if resources >= AUTO_MIN_RESOURCES else 1
    workers = min(workers, partitions)
    if workers <= 1:
        return None
    return ProcessRunner(workers)
