"""Scaling curve of `pscan scan --workers N` against the stdlib json.loads floor, in one run.

Usage: python bench/bench_workers.py [--size 100000] [--workers 1,2,4] [--repeat 1]
                                     [--out bench/out]

On one generated estate (`pscan fixtures generate --seed 1`, cached in --out), each in a
fresh subprocess, one after the other:
  floor      gunzip every partition and `json.loads` every line (stdlib): the least any
             scan of these files costs; measured before each scan and again after the
             last. This VM's speed drifts within minutes, so each scan gets two ratios:
             against the fastest floor of the run, and against the mean of the floors
             just before and just after it (the VM's speed at the time)
  workers=N  `pscan scan SNAP --no-config --fail-on none --workers N -o findings.json`
             as the CLI runs it (`run_scan`, then the JSON written); full rule pack
For each: wall seconds, the ratio to the floor, the speed-up over one worker, and the
CPU seconds and peak RSS of the whole process tree (the scan and its worker processes,
sampled every 50 ms with psutil; CPU time says how much work was done even when other
jobs share the cores, and the parent's CPU time is the part no number of workers can
shorten: the graph and its rules, building and writing the document). Every scan's
findings document is checked to be the one-worker document (all but `generated_at`).
The load average before and after is printed with the table, because the cores may be
shared. The table is added at the end of its section of bench/RESULTS.md.

`--repeat R` runs the whole round (a floor, then each worker count's scan with a floor
after it) R times, interleaved, and adds a summary: for each worker count, the median
of its R ratios to the floors around it, their range, and the median seconds. One run
on a shared VM can land in a slow minute; the median of interleaved rounds is the
figure to compare between runs (bench/RESULTS.md says which figure a claim uses).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil
from results import add_run  # bench/results.py (the script's own folder)

ROOT = Path(__file__).resolve().parents[1]


def _floor(snap: Path) -> dict[str, object]:
    """Seconds to gunzip and json.loads every resource line of the snapshot."""
    manifest = json.loads((snap / "manifest.json").read_text())
    started = time.perf_counter()
    count = 0
    for part in manifest["partitions"]:
        with gzip.open(snap / part["file"], "rb") as fh:
            for line in fh:
                json.loads(line)
                count += 1
    return {"seconds": time.perf_counter() - started, "resources": count}


def _scan(snap: Path, workers: int, out: Path) -> dict[str, object]:
    """`pscan scan --workers N -o out` as the CLI does it; the digest of the document."""
    from scanner.app import GateOptions, Parallel, ScanRequest, run_scan, write_report

    started = time.perf_counter()
    request = ScanRequest(
        snapshots=(snap,),
        gate=GateOptions(fail_on="none", no_config=True),
        parallel=Parallel(workers=workers),
    )
    doc = run_scan(request).doc
    write_report(doc, "json", out)
    seconds = time.perf_counter() - started
    digest = hashlib.sha256()
    with open(out, "rb") as fh:
        for line in fh:
            if b'"generated_at"' not in line:
                digest.update(line)
    return {"seconds": seconds, "findings": len(doc.findings), "digest": digest.hexdigest()}


def _measure(args: list[str]) -> dict[str, object]:
    """Run a child; its JSON result line plus the peak RSS of its process tree."""
    proc = subprocess.Popen(
        [sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    root = psutil.Process(proc.pid)
    peak = 0
    cpu: dict[int, float] = {}  # CPU seconds of each process of the tree, last seen
    while proc.poll() is None:
        total = 0
        try:
            for p in [root, *root.children(recursive=True)]:
                with p.oneshot():
                    total += p.memory_info().rss
                    times = p.cpu_times()
                cpu[p.pid] = times.user + times.system
        except psutil.Error:
            pass  # a process ended between listing and reading it
        peak = max(peak, total)
        time.sleep(0.05)
    out, _ = proc.communicate()
    if proc.returncode:
        msg = f"{args}: exit {proc.returncode}"
        raise SystemExit(msg)
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_mb"] = round(peak / 2**20)
    result["cpu_s"] = round(sum(cpu.values()), 1)
    result["parent_cpu_s"] = round(cpu.get(proc.pid, 0.0), 1)
    return result


def _generate(size: int, out: Path) -> Path:
    from scanner.app import generate_fixtures

    snap = out / f"estate-{size}"
    if not (snap / "manifest.json").exists():
        generate_fixtures(snap, size, seed=1)
    return snap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--workers", default=f"1,2,{_cpus()}")
    parser.add_argument("--repeat", type=int, default=1, help="interleaved rounds (median)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--snap", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "floor":
        print(json.dumps(_floor(args.snap)))
        return
    if args.child:
        print(json.dumps(_scan(args.snap, int(args.child), args.out / "findings-workers.json")))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    snap = _generate(args.size, args.out)
    load_before = os.getloadavg()
    floor = ["--child", "floor", "--snap", str(snap)]
    rows: list[tuple[str, dict[str, object]]] = []
    counts = sorted({int(w) for w in args.workers.split(",")})
    rows.append(("floor (json.loads)", _measure(floor)))
    for _round in range(max(1, args.repeat)):
        for workers in counts:
            child = ["--child", str(workers), "--snap", str(snap), "--out", str(args.out)]
            rows.append((f"scan --workers {workers}", _measure(child)))
            print(rows[-1], file=sys.stderr)
            rows.append(("floor (json.loads)", _measure(floor)))
    digests = {r["digest"] for _, r in rows if "digest" in r}
    if len(digests) != 1:
        raise SystemExit(f"the documents differ between worker counts: {rows}")
    table = _table(args, snap, rows, load_before, os.getloadavg())
    print(table)
    if not args.no_write:
        add_run("Parallel evaluation (`bench/bench_workers.py`)", table.strip(), in_section=True)


def _table(
    args: argparse.Namespace,
    snap: Path,
    rows: list[tuple[str, dict[str, object]]],
    before: tuple[float, float, float],
    after: tuple[float, float, float],
) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    floor = min(float(str(r["seconds"])) for name, r in rows if name.startswith("floor"))
    seconds_of = [float(str(r["seconds"])) for _, r in rows]
    first = rows[1][0]  # the fewest workers' scans: the base of the speed-ups
    one = statistics.median(s for (n, _), s in zip(rows, seconds_of, strict=True) if n == first)
    partitions = len(json.loads((snap / "manifest.json").read_text())["partitions"])
    lines = [
        f"\n### Workers, run of {when} ({platform.machine()}, {_cpus()} CPUs, Python"
        f" {platform.python_version()})\n",
        f"Command: `python bench/bench_workers.py --size {args.size} --workers {args.workers}"
        f"{f' --repeat {args.repeat}' if args.repeat > 1 else ''}`"
        f" ({args.size:,} resources in {partitions} partitions; load average before"
        f" {before[0]:.1f}, after {after[0]:.1f})\n",
        "| run | seconds | x fastest floor | x floors around it | speed-up over 1 worker"
        " | CPU s (tree) | CPU s (parent) | peak RSS MB (tree) | details |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for n, (name, r) in enumerate(rows):
        seconds = seconds_of[n]
        speedup = around = ""
        if not name.startswith("floor"):  # a scan: a floor just before it and just after
            speedup = f"{one / seconds:.2f}"
            around = f"{2 * seconds / (seconds_of[n - 1] + seconds_of[n + 1]):.1f}"
        details = f"findings={r['findings']}" if "findings" in r else f"resources={r['resources']}"
        lines.append(
            f"| {name} | {seconds:.2f} | {seconds / floor:.1f} | {around} | {speedup} |"
            f" {r['cpu_s']} | {r['parent_cpu_s']} | {r['peak_rss_mb']} | {details} |"
        )
    lines.append("\nEvery scan wrote the same findings document (all but `generated_at`).")
    if args.repeat > 1:
        lines += _summary(rows, seconds_of, one)
    return "\n".join(lines) + "\n"


def _summary(
    rows: list[tuple[str, dict[str, object]]], seconds_of: list[float], one: float
) -> list[str]:
    """Per worker count: the median of its ratios to the floors around it, their range."""
    ratios: dict[str, list[float]] = {}
    seconds: dict[str, list[float]] = {}
    for n, (name, _) in enumerate(rows):
        if not name.startswith("floor"):
            around = (seconds_of[n - 1] + seconds_of[n + 1]) / 2
            ratios.setdefault(name, []).append(seconds_of[n] / around)
            seconds.setdefault(name, []).append(seconds_of[n])
    lines = [
        "",
        "| run | rounds | median x floors around it | range | median seconds"
        " | speed-up over 1 worker (medians) |",
        "|---|---:|---:|---|---:|---:|",
    ]
    for name, values in ratios.items():
        median = statistics.median(seconds[name])
        lines.append(
            f"| {name} | {len(values)} | **{statistics.median(values):.1f}** |"
            f" {min(values):.1f}-{max(values):.1f} | {median:.2f} | {one / median:.2f} |"
        )
    return lines


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    main()
