"""Benchmark `pscan loadtest` on a service of known capacity: what it measures, how close.

Usage: python bench/bench_loadtest.py [--slots 4] [--service-ms 20] [--max-users 32]
                                      [--step-seconds 10] [--no-write]

Starts the tests' reference service (tests/loadtest/service.py) on 127.0.0.1: each
request holds one of `slots` permits for `service-ms`, so it answers at most
slots / service time requests per second (4 / 20 ms = 200/s). Then runs `pscan loadtest`
against it as a user would (a subprocess, default bounds but --max-users and
--step-seconds) and appends the steps, the USL fit and the per-instance throughput to
bench/RESULTS.md under "Load test" (and prints them).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from results import run_heading  # bench/results.py (the script's own folder)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.loadtest.service import running_service  # noqa: E402  (needs ROOT on the path)

OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Load test (`bench/bench_loadtest.py`)"
SUMMARY = (
    "`pscan loadtest` against the tests' reference service (4 slots of 20 ms: 200"
    " requests/s at most), Locust and the service sharing the machine's 2 cores. How to"
    " read the figures: [docs/capacity-planning.md](../docs/capacity-planning.md#load-testing)."
)


def _table(data: dict[str, Any], capacity: float, command: str, seconds: float) -> str:
    lines = [
        run_heading(),
        "",
        f"Command: `{command}` ({seconds:.0f} s wall); the service's capacity is"
        f" {capacity:.0f} requests/s.",
        "",
        "| users | requests | throughput req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for step in data["steps"]:
        lat = step["latency_ms"] or {"p50": 0, "p95": 0, "p99": 0}
        lines.append(
            f"| {step['users']} | {step['requests']:,} | {step['throughput_rps']:.1f} |"
            f" {lat['p50']:g} | {lat['p95']:g} | {lat['p99']:g} | {step['error_rate']:.2%} |"
        )
    usl = data["usl"]
    lines += ["", f"Stopped: {data['stop']['reason']} ({data['stop']['detail']})."]
    if usl:
        peak = (
            f"peak {usl['peak_rps']:.1f} requests/s"
            + (f" at {usl['peak_users']:.1f} users" if usl["peak_users"] else " (asymptote)")
            if usl["peak_rps"]
            else "no peak"
        )
        lines.append(
            f"USL: sigma {usl['sigma']:.4f}, kappa {usl['kappa']:.5f}, lambda"
            f" {usl['lambda_rps']:.1f} requests/s, R^2 {usl['r_squared']:.3f}; {peak}."
        )
    rps = data["per_instance_rps"]
    error = f" ({(rps - capacity) / capacity:+.1%} against capacity)" if rps else ""
    lines.append(f"Per instance: {data['per_instance_basis']}{error}.")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slots", type=int, default=4)
    parser.add_argument("--service-ms", type=float, default=20.0)
    parser.add_argument("--max-users", type=int, default=32)
    parser.add_argument("--step-seconds", type=int, default=10)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    output = OUT / "loadtest.json"
    with running_service(args.slots, args.service_ms / 1000) as service:
        argv = [
            "loadtest", f"{service.url}/", "--max-users", str(args.max_users),
            "--step-seconds", str(args.step_seconds), "-o", str(output),
        ]  # fmt: skip
        pscan = Path(sys.executable).with_name("pscan")
        started = time.monotonic()
        subprocess.run([str(pscan), *argv], check=True)
        seconds = time.monotonic() - started
        capacity = service.capacity_rps
    command = "pscan " + " ".join(argv).replace(str(output), "bench/out/loadtest.json")
    command = command.replace(service.url, "http://127.0.0.1:PORT")
    table = _table(json.loads(output.read_text()), capacity, command, seconds)
    print(table)
    if not args.no_write:
        text = RESULTS.read_text(encoding="utf-8")
        if HEADING not in text:
            text = text.rstrip("\n") + f"\n\n{HEADING}\n\n{SUMMARY}\n"
        RESULTS.write_text(text.rstrip("\n") + "\n\n" + table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
