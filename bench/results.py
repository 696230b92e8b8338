"""Adding a benchmark run's table to bench/RESULTS.md, under its section."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def add_run(heading: str, table: str, *, in_section: bool = False) -> None:
    """Add `table` under the `## {heading}` section (made at the end when missing): at
    the end of that section with `in_section`, else at the end of the file."""
    text = RESULTS.read_text(encoding="utf-8")
    mark = f"\n## {heading.split(' (', 1)[0]}"
    if mark not in text:
        text = text.rstrip("\n") + f"\n\n## {heading}\n\n"
    end = text.find("\n## ", text.index(mark) + 1) if in_section else -1
    end = len(text) if end < 0 else end
    head, tail = text[:end].rstrip("\n"), text[end:]
    RESULTS.write_text(head + "\n\n" + table.rstrip("\n") + "\n" + tail, encoding="utf-8")


def run_heading() -> str:
    """`### Run of <time> (<machine>, <CPUs>, <Python>, load average after: ...)`."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"### Run of {now} ({platform.machine()}, {os.cpu_count()} CPUs,"
        f" Python {platform.python_version()}, load average after: {load})"
    )


def run_table(command: str, head: Sequence[str], rows: Sequence[str]) -> str:
    """A run's heading, its command line, and the table: `head` (the column names and
    alignment rows) then `rows`."""
    return "\n".join([run_heading(), "", f"Command: `{command}`", "", *head, *rows, ""])


def checkout_label(checkout: Path) -> str:
    """A checkout's short commit (`*`: with uncommitted changes), else its path: which
    code a before/after row measured."""
    git = ["git", "-C", str(checkout)]
    rev = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if rev.returncode:
        return str(checkout)
    dirty = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True)
    return rev.stdout.strip() + ("*" if dirty.stdout.strip() else "")


def publish(heading: str, head: Sequence[str], rows: Sequence[str], *, write: bool) -> None:
    """Print a run's table (the command line is this script's own), and add it under
    `heading` in RESULTS.md unless `write` is false (`--no-write`)."""
    command = " ".join(["python", os.path.relpath(sys.argv[0], RESULTS.parents[1]), *sys.argv[1:]])
    table = run_table(command, head, rows)
    print(table)
    if write:
        add_run(heading, table)
