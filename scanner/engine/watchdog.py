"""A time limit on Python rules, so a rule that loops cannot hang a scan, and a guard
against a rule that ends the process.

`time_limit(what)` wraps one call of a Python rule. A watchdog thread looks at the call
in progress twice a second; when one has run longer than `RULE_TIME_LIMIT_S`, it
interrupts the main thread with SIGUSR1, whose handler raises `RuleTimeout` inside the
rule. The evaluator records that as the rule's error on the resource (an `error`
finding, which fails the gate) and goes on.

Signals reach only a process's main thread, so the limit holds where rules run there:
the serial scan and each `--workers` process. Elsewhere (a Dask worker's task threads)
`time_limit` does nothing. The cost on the normal path is two attribute writes a call.

While a rule runs under `time_limit` (and while the loader imports a rule file,
`contain_exit`), `os._exit` and `posix._exit` raise `RuleExit` instead of ending the
process, which would otherwise leave `pscan scan` with exit 0 and no output: the rule's
call ends with an error result, like any exception (`sys.exit` raises `SystemExit`,
which the evaluator catches already). Only in the main thread, where the watchdog holds
too: swapping a module's function from several threads at once would race. This is a
guard against mistakes, not a sandbox: a rule is trusted code, run with the scanner's
own rights (it can kill its process, or delete files), so only run rule packs you would
run as a program.
"""

from __future__ import annotations

import os
import posix
import signal
import threading
import time
from types import FrameType
from typing import NoReturn

__all__ = ["RULE_TIME_LIMIT_S", "RuleExit", "RuleTimeout", "contain_exit", "time_limit"]


def _seconds() -> float:
    value = os.environ.get("PSCAN_RULE_TIME_LIMIT", "")
    try:
        return float(value) if float(value) > 0 else 30.0
    except ValueError:
        return 30.0


# The longest one Python rule may take on one resource (or a graph rule on the graph).
RULE_TIME_LIMIT_S = _seconds()


class RuleTimeout(Exception):  # named for what it says, like TimeoutError
    """A Python rule ran past the time limit."""


class RuleExit(Exception):  # named for what it says, like SystemExit
    """A Python rule called `os._exit`: the rule's error, not the end of the process."""


_REAL_EXIT = os._exit


class contain_exit:  # used like a function: `with contain_exit("rule x"):`
    """While the body runs (in the main thread), `os._exit` raises `RuleExit`."""

    __slots__ = ("active", "what")

    def __init__(self, what: str) -> None:
        self.what = what
        self.active = threading.current_thread() is threading.main_thread()

    def _raise(self, status: int) -> NoReturn:
        msg = f"{self.what} called os._exit({status}); a rule may not end the process"
        raise RuleExit(msg)

    def __enter__(self) -> None:
        if self.active:
            os._exit = posix._exit = self._raise

    def __exit__(self, *_exc: object) -> None:
        if self.active:
            os._exit = posix._exit = _REAL_EXIT


class _Watchdog:
    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.current: tuple[str, float] | None = None  # what runs, since when
        self.fired: tuple[str, float] | None = None
        self.main = threading.main_thread().ident
        signal.signal(signal.SIGUSR1, self._raise)
        threading.Thread(target=self._watch, name="pscan-rule-watchdog", daemon=True).start()

    def _watch(self) -> None:
        while True:
            time.sleep(min(0.5, self.limit / 4))
            current = self.current
            if (
                current is not None
                and current is not self.fired
                and time.monotonic() - current[1] > self.limit
                and self.main is not None
            ):
                self.fired = current
                signal.pthread_kill(self.main, signal.SIGUSR1)

    def _raise(self, _signum: int, _frame: FrameType | None) -> None:
        current = self.fired
        if current is not None and current is self.current:
            msg = f"{current[0]} ran longer than {self.limit:g} s (PSCAN_RULE_TIME_LIMIT)"
            raise RuleTimeout(msg)


_watchdog: _Watchdog | None = None


class time_limit:  # used like a function: `with time_limit("rule x"):`
    """Run the body under the Python-rule time limit, with `os._exit` contained (in the
    main thread only).

    A class rather than a generator-based context manager: it wraps every Python rule
    call, and this costs a fraction of a microsecond.
    """

    __slots__ = ("dog", "exits", "what")

    def __init__(self, what: str) -> None:
        global _watchdog
        self.what = what
        self.dog: _Watchdog | None = None
        self.exits = contain_exit(what)
        if threading.current_thread() is threading.main_thread():
            if _watchdog is None:
                _watchdog = _Watchdog(RULE_TIME_LIMIT_S)
            self.dog = _watchdog

    def __enter__(self) -> None:
        if self.dog is not None:
            self.exits.__enter__()
            self.dog.current = (self.what, time.monotonic())

    def __exit__(self, *_exc: object) -> None:
        if self.dog is not None:
            self.dog.current = None
            self.exits.__exit__()
