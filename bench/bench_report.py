"""Benchmark `pscan report` on the findings of a generated estate: wall seconds, peak RSS
and output size per format.

Usage: python bench/bench_report.py [--size 100000] [--formats html,csv,sarif,md,junit]
       [--repeat 1] [--against DIR] [--out bench/out] [--no-write]

The estate (`pscan fixtures generate --seed 1`) and its findings (`pscan scan
--no-config`, one process) are made once into --out and reused. Each report runs in a
fresh interpreter (`python -m scanner.cli report ...`, from a temporary folder so that
the checkout measured is the one on PYTHONPATH); its peak RSS is its own (`os.wait4`).
`--against DIR` measures another checkout of pscan (a `git worktree` of an older
commit) in the same rounds, interleaved, and says whether it wrote the same bytes.
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

from results import checkout_label, publish  # bench/results.py (the script's folder)

ROOT = Path(__file__).resolve().parents[1]
HEADING = "Reports of large scans (`bench/bench_report.py`)"


def _pscan(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "scanner.cli", *args], cwd=ROOT, check=True)


def _findings(size: int, out: Path) -> Path:
    """The findings document of the generated estate of `size` resources (made once)."""
    estate = out / f"estate-{size}"
    findings = out / f"findings-{size}.json"
    if not estate.exists():
        _pscan("fixtures", "generate", "--resources", str(size), "--seed", "1",
               "-o", str(estate), "-q")  # fmt: skip
    if not findings.exists():
        _pscan("scan", str(estate), "--no-config", "--fail-on", "none", "--workers", "1", "-q",
               "-o", str(findings))  # fmt: skip
    return findings


def _report(checkout: Path, findings: Path, fmt: str, target: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one `pscan report` in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    argv = [sys.executable, "-m", "scanner.cli", "report", str(findings), "--fail-on", "none",
            "--format", fmt, "-o", str(target)]  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=target.parent, env=env, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(argv)}: exit {proc.returncode}")
    return seconds, usage.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--formats", default="html,csv,sarif,md,junit")
    parser.add_argument("--repeat", type=int, default=1, help="interleaved rounds (median)")
    parser.add_argument("--against", type=Path, help="another checkout, measured alongside")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    findings = _findings(args.size, args.out)
    checkouts = {checkout_label(ROOT): ROOT}
    if args.against is not None:
        checkouts[checkout_label(args.against)] = args.against.resolve()
    runs: dict[tuple[str, str], list[tuple[float, int, int]]] = {}
    same: dict[tuple[str, str], bool] = {}  # the output is the first checkout's, byte for byte
    with tempfile.TemporaryDirectory(prefix="pscan-report-") as tmp:
        for _round in range(max(1, args.repeat)):
            for fmt in args.formats.split(","):
                first: bytes | None = None
                for label, checkout in checkouts.items():
                    target = Path(tmp) / f"report.{fmt}"
                    seconds, peak = _report(checkout, findings, fmt, target)
                    body = target.read_bytes()
                    first = body if first is None else first
                    runs.setdefault((fmt, label), []).append((seconds, peak, len(body)))
                    same[(fmt, label)] = body == first
                    print(fmt, label, round(seconds, 1), "s", peak, "MB", file=sys.stderr)
    size_mb = findings.stat().st_size / 2**20
    rows = [
        f"| {fmt} | {label} | {statistics.median(r[0] for r in rs):.1f} |"
        f" {statistics.median(r[1] for r in rs):,} | {rs[0][2] / 2**20:,.1f} |"
        f" {'yes' if same[(fmt, label)] else 'no'} |"
        for (fmt, label), rs in runs.items()
    ]
    head = [
        f"Findings: `{findings.name}`, {size_mb:,.0f} MB.",
        "",
        "| format | checkout | median s | peak RSS MB | output MB | same output as the first |",
        "|---|---|---:|---:|---:|---|",
    ]
    publish(HEADING, head, rows, write=not args.no_write)


if __name__ == "__main__":
    main()
