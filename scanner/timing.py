"""How long each phase of a long command took, logged at info level (`pscan -v`).

A scan of a large estate says where its time went without a profiler: one line per
phase, with the wall and CPU seconds of this process.
"""

from __future__ import annotations

import logging
import time

__all__ = ["Phases"]


class Phases:
    """A clock over consecutive phases: `done(what)` logs the time since the last call
    (or since the clock was made) to `logger`, and starts the next phase."""

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def done(self, what: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.logger.info("%s: %.1f s (CPU %.1f s)", what, wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
