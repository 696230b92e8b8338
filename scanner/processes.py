"""Worker processes on this machine: how many, how they start, and results in order.

Shared by the scan's partition workers (`scanner.engine.parallel`) and the readers of
Cloud Asset exports (`scanner.collectors.gcp.collect`). Pools start their processes
with forkserver (spawn where there is none), never fork: the parent may hold threads
(gRPC, the watchdog), and a forked child can inherit one of their locks held.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from scanner.errors import WorkerError
from scanner.heap import pause_full_collections

__all__ = ["AHEAD_PER_WORKER", "Workers", "cgroup_cpu_limit", "cpu_count", "in_order"]

_T = TypeVar("_T")
_F = TypeVar("_F")
_R = TypeVar("_R")
# Tasks submitted ahead of the one the parent waits for, per worker: enough that no worker
# waits for its next task, few enough that finished results do not pile up in memory.
AHEAD_PER_WORKER = 3


def cpu_count(cgroup_root: Path = Path("/sys/fs/cgroup")) -> int:
    """The cores this process may run on: its CPU affinity, capped by the CPU limit of
    its container when it has one (a Kubernetes pod limited to 2 CPUs on a 64-core node
    sees 64 cores in its affinity)."""
    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count() or 1
    limit = cgroup_cpu_limit(cgroup_root)
    return min(cores, limit) if limit else cores


def cgroup_cpu_limit(root: Path = Path("/sys/fs/cgroup")) -> int | None:
    """The CPU quota of this process's cgroup, rounded up to whole cores; None without one.

    Reads the view a container has of its own cgroup: `cpu.max` (cgroup v2, "QUOTA
    PERIOD" or "max PERIOD"), else `cpu/cpu.cfs_quota_us` and `cpu/cpu.cfs_period_us`
    (cgroup v1, a quota of -1 for none).
    """
    try:
        quota, period = (root / "cpu.max").read_text().split()[:2]
    except (OSError, ValueError):
        try:
            quota = (root / "cpu" / "cpu.cfs_quota_us").read_text().strip()
            period = (root / "cpu" / "cpu.cfs_period_us").read_text().strip()
        except OSError:
            return None
    if not (quota.isdigit() and period.isdigit()) or not int(quota) or not int(period):
        return None  # "max", -1 (no quota) or something unreadable
    return -(-int(quota) // int(period))


def _start_worker(environment: dict[str, str]) -> None:
    """Make a worker's environment its parent's (credentials, endpoints, PSCAN_* settings):
    a worker started from the fork server would otherwise have the environment of the
    moment the fork server started, the first pool of the process. Pause its automatic
    full garbage collections for good (`scanner.heap`)."""
    os.environ.clear()
    os.environ.update(environment)
    pause_full_collections()


def _process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes with this process's environment."""
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_start_worker,
        initargs=(dict(os.environ),),
    )


_END: Any = object()  # no item left


def in_order(submit: Callable[[_T], _F], items: Iterable[_T], ahead: int) -> Iterator[_F]:
    """The tasks' futures in item order, at most `ahead` submitted beyond the one taken.

    A result waits in memory only until the parent takes it, and each future is dropped
    once taken: when the parent falls behind, the workers wait instead of piling up
    results it has not reached.
    """
    pending: deque[_F] = deque()
    todo = iter(items)
    for item in islice(todo, ahead):
        pending.append(submit(item))
    while pending:
        future = pending.popleft()
        following = next(todo, _END)
        if following is not _END:
            pending.append(submit(following))
        yield future


class Workers:
    """A pool of worker processes whose results come back in the order of the tasks."""

    def __init__(self, count: int, died: str) -> None:
        """`died`: the error's message when a worker dies before its task is done."""
        self.count = count
        self._died = died
        self._pool = _process_pool(count)

    def map(self, fn: Callable[[_T], _R], items: Iterable[_T]) -> Iterator[_R]:
        """`fn(item)` for each item, in the workers; the results in item order.

        `fn` must be picklable (a module-level function, or `functools.partial` of one).

        Raises (from the iterator):
            WorkerError: a worker process died (crashed or killed) before its task ended.
        """
        futures = in_order(
            lambda item: self._pool.submit(fn, item), items, AHEAD_PER_WORKER * self.count
        )
        try:  # a broken pool fails the next submit as well as the pending results
            for future in futures:
                yield future.result()
        except BrokenProcessPool:
            raise WorkerError(self._died) from None

    def close(self) -> None:
        """Stop the workers (pending tasks are dropped)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
