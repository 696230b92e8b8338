"""Run the real `pscan` entry point on one hostile input and judge how it ended.

`pscan(...)` calls `scanner.cli.main` in-process (the console script's own function, so
the exit code is the real one) with stdout and stderr captured, every log record
collected, and a time limit. `assert_clean(...)` then holds the promises of issue 17:

- the exit code is 0, 1 or 2: never 3 (an internal error), never a traceback;
- a bad input (2) says so in exactly one line on stderr (a usage error: click's usage
  text with exactly one `Error:` line);
- nothing logged a traceback (a rule error logged and skipped is a fail-open);
- an `-o` target either does not exist or is complete and parses.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from click.testing import CliRunner
from hypothesis import settings

from scanner.cli import main

__all__ = [
    "CASE_TIME_LIMIT_S",
    "Hang",
    "Outcome",
    "assert_clean",
    "examples",
    "parse_json",
    "parse_snapshot",
    "pscan",
    "write_snapshot_dir",
]

# One case may take this long before it counts as a hang (a CLI run here takes < 1 s).
CASE_TIME_LIMIT_S = 20.0


def examples(count: int) -> settings:
    """At most `count` examples for a test whose one case costs a full CLI run (about a
    second on a loaded 2-core machine), times PSCAN_FUZZ_SCALE (default 1) for a longer
    local search; the rest of the profile (seed, no deadline) comes from conftest.py."""
    scale = os.environ.get("PSCAN_FUZZ_SCALE", "1")
    return settings(max_examples=count * (int(scale) if scale.isdigit() else 1))


class Hang(BaseException):  # not an Exception: the CLI must not catch it
    """A case ran past CASE_TIME_LIMIT_S."""


@dataclass
class Outcome:
    """How one `pscan` run ended."""

    args: list[str]
    code: int
    stdout: str
    stderr: str
    seconds: float
    logged: list[logging.LogRecord] = field(default_factory=list)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _on_alarm(_signum: int, _frame: FrameType | None) -> None:
    raise Hang


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def pscan(*args: str | Path, timeout: float = CASE_TIME_LIMIT_S) -> Outcome:
    """Run `pscan ARGS` through `scanner.cli.main`; a run past `timeout` fails as a hang."""
    argv = [str(a) for a in args]
    collect = _Collect()
    root = logging.getLogger()
    root.addHandler(collect)
    runner = CliRunner()
    started = time.monotonic()
    try:
        with runner.isolation() as streams, _time_limit(timeout):
            code = main(argv)
    except Hang:
        msg = f"pscan {' '.join(argv)[:300]}: still running after {timeout} s"
        raise AssertionError(msg) from None
    finally:
        root.removeHandler(collect)
    return Outcome(
        args=argv,
        code=code,
        stdout=streams[0].getvalue().decode("utf-8", "replace"),
        stderr=streams[1].getvalue().decode("utf-8", "replace"),
        seconds=time.monotonic() - started,
        logged=collect.records,
    )


def parse_json(path: Path) -> None:
    """A JSON output file parses whole."""
    json.loads(path.read_bytes())


def parse_snapshot(path: Path) -> None:
    """A snapshot directory opens and every partition matches its manifest."""
    from scanner.snapshot import open_snapshot

    open_snapshot(path).verify()


def assert_clean(
    outcome: Outcome,
    output: Path | None = None,
    parse: Callable[[Path], None] = parse_json,
    codes: frozenset[int] = frozenset({0, 1, 2}),
) -> None:
    """The run ended as pscan promises for any input, good or hostile (module docstring)."""
    where = f"pscan {' '.join(outcome.args)[:400]}\nstderr: {outcome.stderr[-2000:]}"
    assert outcome.code in codes, f"exit {outcome.code}\n{where}"
    for text in (outcome.stdout, outcome.stderr):
        assert "Traceback (most recent call last)" not in text, where
    assert "internal error" not in outcome.stderr, where
    # the masking filter turns a record's exc_info into exc_text before it is printed
    logged = [
        r for r in outcome.logged if r.levelno >= logging.WARNING and (r.exc_info or r.exc_text)
    ]
    logged += [r for r in outcome.logged if r.levelno >= logging.ERROR]
    assert not logged, f"logged: {[r.getMessage()[:300] for r in logged]}\n{where}"
    if outcome.code == 2:
        lines = [line for line in outcome.stderr.splitlines() if line.strip()]
        if lines and lines[0].startswith("Usage: "):
            # click's usage error: the usage, a hint, and one `Error:` line
            lines = [line for line in lines if line.startswith("Error: ")]
        assert len(lines) == 1, where
        assert lines[0].startswith(("pscan: error: ", "Error: ")), where
    if output is not None and output.exists():
        try:
            parse(output)
        except Exception as exc:
            msg = f"{output}: partial or unreadable output ({exc})\n{where}"
            raise AssertionError(msg) from None
    if outcome.code == 2 and output is not None:
        assert not output.exists(), f"{output}: written although the input was refused\n{where}"


def write_snapshot_dir(
    path: Path,
    partitions: dict[str, list[bytes]],
    manifest: dict[str, Any] | None = None,
    spend: list[bytes] | None = None,
) -> Path:
    """A snapshot directory written byte for byte (no validation on the way), with a
    manifest that matches the partitions unless `manifest` replaces it."""
    path.mkdir(parents=True, exist_ok=True)
    parts = []
    for name, lines in partitions.items():
        data = gzip.compress(b"".join(line + b"\n" for line in lines), mtime=0)
        (path / name).write_bytes(data)
        count = sum(1 for line in lines if line.strip())
        parts.append({"file": name, "resources": count, "sha256": hashlib.sha256(data).hexdigest()})
    doc: dict[str, Any] = {
        "schema_version": "1",
        "tool_version": "0.1.0",
        "created_at": "2026-11-01T00:00:00Z",
        "source": "fuzz",
        "scopes": [],
        "partitions": parts,
    }
    if spend is not None:
        data = gzip.compress(b"".join(line + b"\n" for line in spend), mtime=0)
        (path / "spend.jsonl.gz").write_bytes(data)
        doc["spend"] = {
            "file": "spend.jsonl.gz",
            "records": sum(1 for line in spend if line.strip()),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    (path / "manifest.json").write_text(json.dumps(manifest if manifest is not None else doc))
    return path
