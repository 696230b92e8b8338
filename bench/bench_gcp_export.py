"""Benchmark reading a GCP Cloud Asset export: protobuf's JSON parser against the orjson reader.

Usage: python bench/bench_gcp_export.py [--sizes 100000,1000000] [--stages read,normalise,collect]
       [--readers library,orjson] [--workers 1,2] [--repeat 1] [--out bench/out] [--no-write]

Exports of each size are generated once by fixtures/gcp/generate_export.py (the Acme
estate copied and renamed; `bench/out/export-N.ndjson`) and reused. For each size, in
fresh subprocesses, both readers are timed:

  library   every line through the client library (`Asset.from_json` + `Asset.to_dict`),
            the reader before the orjson one (`asset_json.asset_from_library`)
  orjson    the export reader as shipped (`asset_json.asset_from_json`)

and for each, two stages:

  read        both passes of `ExportSource` (policies and context, then resources)
  normalise   `GcpCollector.resources()` over the source: read and normalised, every
              resource built (the target: at least 50,000 assets/s)

plus `collect`, `pscan collect gcp --export-file` end to end with the orjson reader
(secret scan of metadata and environment, snapshot written), once per `--workers` value
(`--export-workers N`: both passes and the compression of the partitions in N
processes; the scaling curve).
`--readers orjson` leaves the library out (at 1M lines it takes a quarter of an hour).
Assets/s counts export lines, per wall second and per CPU second of the process (the
machine may be shared: CPU seconds are what the reader costs). Results are appended to
bench/RESULTS.md (and printed).

`--repeat R` measures every stage R times, round after round (interleaved), and adds
the medians: one run on a shared VM can land in a slow minute.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results import add_run, run_table  # bench/results.py (the script's own folder)

ROOT = Path(__file__).resolve().parents[1]


def _child(reader: str, stage: str, export: str) -> None:
    """Run one stage in this process; print one JSON line."""
    from scanner.collectors.gcp import CONTEXT_TYPES, NORMALISERS
    from scanner.collectors.gcp import export as export_module
    from scanner.collectors.gcp.asset_json import asset_from_library
    from scanner.collectors.gcp.collect import GcpCollector
    from scanner.collectors.gcp.export import ExportSource

    if reader == "library":
        vars(export_module)["asset_from_json"] = lambda _data, raw: asset_from_library(raw)
    started, cpu = time.perf_counter(), time.process_time()
    source = ExportSource(
        [Path(export)], context_types=CONTEXT_TYPES, resource_types=frozenset(NORMALISERS)
    )
    if stage == "read":
        count = sum(1 for _ in source.context_assets()) + sum(1 for _ in source.resource_assets())
    else:
        count = sum(1 for _ in GcpCollector(source).resources())
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "cpu": round(cpu_seconds, 2),
                "out": count,
                "peak_rss_mb": rss,
            }
        )
    )


def _busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (/proc/stat): the worker processes of
    `--export-workers` are the fork server's children, so rusage does not see them."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = (int(f) for f in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def _collect(export: Path, workers: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(dir=ROOT / "bench" / "out") as tmp:
        cmd = [
            str(Path(sys.executable).with_name("pscan")),
            "collect",
            "gcp",
            "--export-file",
            str(export),
            "--export-workers",
            str(workers),
            "-o",
            str(Path(tmp) / "snap"),
            "-q",
        ]
        busy = _busy_seconds()
        started = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT)
        seconds = time.perf_counter() - started
        busy = _busy_seconds() - busy
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": round(seconds, 2),
        "cpu": round(busy, 2),
        "note": "CPU: the machine's busy seconds; includes interpreter start and imports",
        "peak_rss_mb (parent, largest so far)": after.ru_maxrss // 1024,
    }


def _measure(reader: str, stage: str, export: Path) -> dict[str, object]:
    if stage.startswith("collect"):
        return _collect(export, int(stage.split("x")[1]) if "x" in stage else 1)
    out = subprocess.run(
        [sys.executable, __file__, "--child", reader, stage, str(export)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def _export(out: Path, size: int) -> Path:
    path = out / f"export-{size}.ndjson"
    if not path.exists():
        sys.path.insert(0, str(ROOT / "fixtures" / "gcp"))
        from generate_export import write_export

        write_export(path, size)
    return path


def _row(
    size: int,
    stage: str,
    reader: str,
    measured: dict[str, object],
    rate: dict[tuple[str, str], tuple[float, float]],
) -> str:
    seconds = float(str(measured["seconds"]))
    cpu = float(str(measured.get("cpu", "nan")))
    rate[(stage, reader)] = (size / seconds, size / cpu)
    ratio = ""
    if reader == "orjson" and (stage, "library") in rate:
        old = rate[(stage, "library")]
        ratio = f"{size / seconds / old[0]:.1f}x, {size / cpu / old[1]:.1f}x"
    details = ", ".join(f"{k}={v}" for k, v in measured.items() if k not in ("seconds", "cpu"))
    return (
        f"| {size:,} | {stage} | {reader} | {seconds} | {measured.get('cpu', '-')}"
        f" | {size / seconds:,.0f} | {size / cpu:,.0f} | {ratio} | {details} |"
    )


def _medians(runs: dict[tuple[int, str, str], list[dict[str, object]]]) -> list[str]:
    """A second table: each stage's median seconds and assets/s over its rounds."""
    lines = [
        "",
        "| assets | stage | reader | rounds | median wall s | median CPU s"
        " | assets/s (wall, median) | assets/s (CPU, median) |",
        "|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for (size, stage, reader), measured in runs.items():
        wall = statistics.median(float(str(m["seconds"])) for m in measured)
        cpu = statistics.median(float(str(m["cpu"])) for m in measured)
        lines.append(
            f"| {size:,} | {stage} | {reader} | {len(measured)} | {wall:.2f} | {cpu:.2f}"
            f" | {size / wall:,.0f} | **{size / cpu:,.0f}** |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and append its table to bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--stages", default="read,normalise,collect")
    parser.add_argument("--readers", default="library,orjson")
    parser.add_argument(
        "--workers",
        default=f"1,{os.cpu_count() or 1}" if (os.cpu_count() or 1) > 1 else "1",
        help="--export-workers for the collect stage, one row each (default: 1 and every core)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="interleaved rounds (medians)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--no-write", action="store_true", help="Print only.")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    rows: list[str] = []
    runs: dict[tuple[int, str, str], list[dict[str, object]]] = {}
    readers = [r for r in ("library", "orjson") if r in args.readers.split(",")]
    # (reader, stage as _measure takes it, the stage's name in the table)
    jobs = [
        (reader, stage, stage)
        for stage in args.stages.split(",")
        if stage != "collect"
        for reader in readers
    ]
    if "collect" in args.stages.split(","):
        jobs += [
            ("orjson", f"collect x{w}", f"collect, {w} workers") for w in args.workers.split(",")
        ]
    for size in (int(s) for s in args.sizes.split(",")):
        export = _export(args.out, size)
        rate: dict[tuple[str, str], tuple[float, float]] = {}
        for _round in range(max(1, args.repeat)):
            for reader, stage, label in jobs:
                measured = _measure(reader, stage, export)
                runs.setdefault((size, label, reader), []).append(measured)
                rows.append(_row(size, label, reader, measured, rate))
                print(rows[-1], flush=True)
    if args.repeat > 1:
        rows += _medians(runs)
    table = run_table(
        f"python bench/bench_gcp_export.py --sizes {args.sizes} --stages {args.stages}"
        + ("" if args.readers == "library,orjson" else f" --readers {args.readers}")
        + f" --workers {args.workers}"
        + (f" --repeat {args.repeat}" if args.repeat > 1 else ""),
        [
            "| assets | stage | reader | wall s | CPU s | assets/s (wall) | assets/s (CPU)"
            " | orjson vs library (wall, CPU) | details |",
            "|---:|---|---|---:|---:|---:|---:|---:|---|",
        ],
        rows,
    )
    print(table)
    if not args.no_write:
        add_run("GCP export reader (`bench/bench_gcp_export.py`)", table, in_section=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
