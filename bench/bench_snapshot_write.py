"""Benchmark the snapshot writer: memory must stay flat in the number of resources.

Usage: python bench/bench_snapshot_write.py [--sizes 100000,300000,1000000] [--order grouped,mixed]
       [--no-write]

For each size and order, a fresh subprocess streams the generated estate
(`scanner.synthetic.generate`, which holds nothing) into `SnapshotWriter` as `Resource`
models, the way collectors hand them over, and reports wall and CPU seconds, resources
per second and peak RSS. The baseline row is the same stream without the writer (the
generator and the models alone), so the writer's own memory is the difference.

  grouped   resources in the generator's order: one account and region after another,
            as the AWS collector writes them
  mixed     the same resources spread over every partition in turn (a resource of
            partition 1, of partition 2, ..., then again), as a Cloud Asset export lists
            them: the writer's worst case

Results are added to bench/RESULTS.md under "Snapshot writing" (and printed).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from results import add_run, run_table  # bench/results.py (the script's own folder)

ROOT = Path(__file__).resolve().parents[1]


def _mixed(rows: Iterator[dict[str, Any]], partitions: int) -> Iterator[dict[str, Any]]:
    """The rows with account and region dealt round-robin over `partitions` partitions."""
    for n, row in enumerate(rows):
        k = n % partitions
        yield {**row, "account": f"{100000000000 + k // 4}", "region": f"region-{k % 4}"}


def _child(size: int, order: str, write: bool) -> None:
    from scanner.model import Resource
    from scanner.snapshot import SnapshotWriter
    from scanner.synthetic import generate

    rows = generate(size, seed=14)
    if order == "mixed":
        rows = _mixed(rows, partitions=max(size // 25, 1))
    started, cpu = time.perf_counter(), time.process_time()
    count = 0
    with tempfile.TemporaryDirectory(dir=ROOT / "bench" / "out") as tmp:
        if write:
            with SnapshotWriter(Path(tmp) / "snap", source="bench") as writer:
                for row in rows:
                    writer.add(Resource.model_validate(row))
                    count += 1
            partitions = len(writer.manifest.partitions)
        else:
            for row in rows:
                Resource.model_validate(row)
                count += 1
            partitions = 0
    print(
        json.dumps(
            {
                "seconds": round(time.perf_counter() - started, 2),
                "cpu": round(time.process_time() - cpu, 2),
                "resources": count,
                "partitions": partitions,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            }
        )
    )


def _measure(size: int, order: str, write: bool) -> dict[str, Any]:
    args = [sys.executable, __file__, "--child", str(size), order, "write" if write else "read"]
    out = subprocess.run(args, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and add its table to bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--order", default="grouped,mixed")
    parser.add_argument("--no-write", action="store_true", help="Print only.")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(int(args.child[0]), args.child[1], args.child[2] == "write")
        return 0
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        for order in args.order.split(","):
            for write in (False, True):
                m = _measure(size, order, write)
                stage = "writer" if write else "models alone"
                rows.append(
                    f"| {size:,} | {order} | {stage} | {m['partitions']:,} | {m['seconds']}"
                    f" | {m['cpu']} | {size / m['cpu']:,.0f} | {m['peak_rss_mb']} |"
                )
                print(rows[-1], flush=True)
    table = run_table(
        f"python bench/bench_snapshot_write.py --sizes {args.sizes} --order {args.order}",
        [
            "| resources | order | stage | partitions | wall s | CPU s | resources/s (CPU)"
            " | peak RSS MB |",
            "|---:|---|---|---:|---:|---:|---:|---:|",
        ],
        rows,
    )
    if not args.no_write:
        add_run("Snapshot writing (`bench/bench_snapshot_write.py`)", table, in_section=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
