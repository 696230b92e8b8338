"""Benchmark what small `pscan` commands cost from start to exit: start-up (imports, rule
loading) is most of a CI gate's or a pre-deploy check's time.

Usage: python bench/bench_startup.py [--repeat 5] [--against DIR] [--no-write]

Each command runs in a fresh interpreter (`python -m scanner.cli ...`, from a temporary
folder so that the checkout measured is the one on PYTHONPATH), in rounds: every
command once per round, so a slow minute of the VM hits every command alike. The table
gives the median wall seconds and the range, per checkout (named by its commit; `*`:
with uncommitted changes). `--against DIR` measures another checkout
of pscan (a `git worktree` of an older commit, say) in the same rounds, interleaved,
with the same virtualenv: a before/after in one run.

  --version             the CLI alone, no command loaded
  rules list            the rule packs loaded and listed
  scan demo             `pscan scan` of the bundled demo snapshot (about 100 resources)
  iac plan              `pscan iac --skip-checkov --plan` on fixtures/iac/plan.json

Results are appended to bench/RESULTS.md (and printed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results import checkout_label, publish  # bench/results.py (the script's own folder)

ROOT = Path(__file__).resolve().parents[1]
HEADING = "Start-up (small commands, end to end)"


def _commands(out: Path) -> dict[str, list[str]]:
    fixtures = ROOT / "fixtures"
    return {
        "--version": ["--version"],
        "rules list": ["rules", "list"],
        "scan demo": [
            "scan", str(fixtures / "demo"), "--no-config", "--fail-on", "none", "-q",
            "-o", str(out / "findings.json"),
        ],
        "iac plan": [
            "iac", "--skip-checkov", "--plan", str(fixtures / "iac" / "plan.json"),
            "--no-config", "--fail-on", "none", "-o", str(out / "iac.json"),
        ],
    }  # fmt: skip


def _time(checkout: Path, args: list[str], cwd: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "scanner.cli", *args],
        cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--against", type=Path, help="another checkout, measured alongside")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    checkouts = {checkout_label(ROOT): ROOT}
    if args.against is not None:
        checkouts[checkout_label(args.against)] = args.against.resolve()
    with tempfile.TemporaryDirectory(prefix="pscan-startup-") as tmp:
        commands = _commands(Path(tmp))
        seconds: dict[tuple[str, str], list[float]] = {}
        for n in range(args.repeat):
            for name, argv in commands.items():
                for label, checkout in checkouts.items():
                    took = _time(checkout, argv, Path(tmp))
                    seconds.setdefault((name, label), []).append(took)
            print(f"round {n + 1} of {args.repeat} done", file=sys.stderr)
    rows = [
        f"| {name} | {label} | {statistics.median(s):.2f} | {min(s):.2f}-{max(s):.2f} |"
        for (name, label), s in seconds.items()
    ]
    head = ["| command | checkout | median s | range s |", "|---|---|---:|---|"]
    publish(HEADING, head, rows, write=not args.no_write)


if __name__ == "__main__":
    main()
