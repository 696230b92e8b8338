"""Benchmark `pscan collect aws --metrics`: GetMetricData calls against the batching minimum.

Usage: python bench/metrics_calls.py [--scale 1.1] [--days 14] [--workers 8] [--no-write]

Starts moto's server in its own process, seeds the estate of `bench_aws_collect.py`
(about 5,000 resources over two regions at scale 1.1), collects it with usage metrics
on, and compares the GetMetricData calls made (counted by the read-only guard's
`on_api_call` hook) with the fewest that could carry the same queries,
ceil(queries / 500). Queries are batched per service run (account x region x service),
so each run may leave one part-filled call: the target is at most one call beyond the
minimum per 100 queries. No metric data is seeded: moto answers every query (empty), and
its GetMetricData scans every stored datapoint per query and day, which would time moto
rather than pscan. Results are appended to bench/RESULTS.md under "Usage metrics".
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_aws_collect import REGIONS, _env, _start_moto, seed  # noqa: E402

HEADING = "## Usage metrics (`bench/metrics_calls.py`)"
_SUMMARY = """How many GetMetricData calls `pscan collect aws --metrics` makes for about 5,000
resources (the estate of `bench_aws_collect.py`, moto's server in its own process),
against the fewest that could carry its queries, ceil(queries / 500). Queries are
batched per service run (account x region x service), so each run may end with one
part-filled call. Target: at most one call beyond the minimum per 100 queries.
GetMetricData costs $0.01 per 1,000 metrics requested, so the queries, not the calls,
set the price."""


def collect(endpoint: str, workers: int, days: int, out: Path) -> dict[str, Any]:
    """Collect with metrics once; queries, GetMetricData calls and the minimum."""
    from scanner.app import AwsOptions, MetricsOptions, collect_aws

    calls: Counter[tuple[str, str]] = Counter()
    options = AwsOptions(
        endpoint_url=endpoint,
        regions=REGIONS,
        max_workers=workers,
        max_attempts=1,
        metrics=MetricsOptions(enabled=True, days=days),
    )
    started = time.perf_counter()
    manifest = collect_aws(
        out, options, on_api_call=lambda service, op: calls.update([(service, op)])
    )
    seconds = time.perf_counter() - started
    assert manifest.metrics is not None
    queries = manifest.metrics.queries
    made = calls[("cloudwatch", "GetMetricData")]
    minimum = math.ceil(queries / 500)
    allowed = queries / 100
    return {
        "resources": manifest.resource_count,
        "seconds": round(seconds, 1),
        "queries": queries,
        "calls": made,
        "counted_in_manifest": manifest.metrics.api_calls,
        "minimum": minimum,
        "extra": made - minimum,
        "allowed_extra": round(allowed, 1),
        "within_target": made - minimum <= allowed,
        "cost_usd": round(queries / 1000 * 0.01, 4),
        "errors": len(manifest.errors),
    }


def _table(row: dict[str, Any], command: str, seed_s: float) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            f"### Run of {now} ({platform.machine()}, {os.cpu_count()} CPUs,"
            f" Python {platform.python_version()})",
            "",
            f"Command: `{command}` (seeding took {seed_s:.0f} s)",
            "",
            "| resources | metric queries | GetMetricData calls | minimum ceil(q/500)"
            " | extra | allowed extra (q/100) | within target | price of the queries"
            " | seconds |",
            "|---:|---:|---:|---:|---:|---:|---|---:|---:|",
            f"| {row['resources']:,} | {row['queries']:,} | {row['calls']} | {row['minimum']}"
            f" | {row['extra']} | {row['allowed_extra']} |"
            f" {'yes' if row['within_target'] else 'no'} | ${row['cost_usd']}"
            f" | {row['seconds']} |",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Seed, collect with metrics, print and record the result."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.1, help="1.1 is about 5,000 resources")
    parser.add_argument("--days", type=int, default=14, help="--metrics-days")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--no-write", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args(argv)
    _env()
    server, endpoint = _start_moto()
    try:
        started = time.perf_counter()
        seed(endpoint, args.scale)
        seed_s = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as tmp:
            row = collect(endpoint, args.workers, args.days, Path(tmp) / "snap")
        print(json.dumps(row), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    command = "python bench/metrics_calls.py" + (
        f" --scale {args.scale}" if args.scale != 1.1 else ""
    )
    table = _table(row, command, seed_s)
    print(table)
    if not args.no_write:
        results = ROOT / "bench" / "RESULTS.md"
        text = results.read_text(encoding="utf-8")
        if HEADING not in text:
            text = text.rstrip("\n") + f"\n\n{HEADING}\n\n{_SUMMARY}\n"
        results.write_text(text.rstrip("\n") + "\n\n" + table, encoding="utf-8")
    return 0 if row["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
