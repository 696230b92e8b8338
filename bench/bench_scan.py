"""Benchmark `pscan scan` stage by stage on generated estates of growing size.

Usage: python bench/bench_scan.py [--sizes 10000,100000,1000000] [--out bench/out]

For each size it generates a seeded estate (once, cached in --out), then runs each
measurement in a fresh subprocess so peak RSS belongs to that stage alone:
  load      stream and parse every line of the snapshot
  graph     load + build the resource graph the selected graph rules need
  evaluate  the full rule set over the stream (includes graph building when needed)
  scan      what `pscan scan --workers 1 -o findings.json` does end to end
            (`scanner.app.run_scan`: load, evaluate, build the findings document, gate;
            then render JSON and write it); bench_workers.py measures --workers N
Results are appended as a table to bench/RESULTS.md (and printed).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("load", "graph", "evaluate", "scan")


def _child(stage: str, snap: str, out: str) -> None:
    """Run one stage in this process and print a JSON line with seconds and peak RSS."""
    from scanner.app import GateOptions, Parallel, ScanRequest, run_scan, write_report
    from scanner.engine import evaluate, load_rules
    from scanner.graph import ResourceGraph
    from scanner.snapshot import open_snapshot

    snapshot = open_snapshot(Path(snap))
    started = time.perf_counter()
    extra: dict[str, object] = {}
    if stage == "load":
        extra["resources"] = sum(1 for _ in snapshot.iter_resources())
    elif stage == "graph":
        ruleset = load_rules()
        graph_rules = [r for r in ruleset.rules.values() if r.needs_graph]
        keep = set().union(*(r.graph_attribute_types for r in graph_rules))
        wanted = [r.graph_relations for r in graph_rules]
        relations = None if any(w is None for w in wanted) else set().union(*wanted)  # type: ignore[arg-type]
        graph = ResourceGraph.build(
            snapshot.iter_resources(), keep_attributes_for=keep, keep_relations=relations
        )
        extra["nodes"] = len(graph)
        extra["edges"] = graph.g.number_of_edges()
        extra["exposed"] = len(graph.exposed_nodes())
    elif stage == "evaluate":
        ruleset = load_rules()
        outcome = evaluate(ruleset, snapshot.iter_resources(), now=snapshot.manifest.created_at)
        extra["rules"] = len(ruleset.rules)
        extra["findings"] = len(outcome.findings)
    elif stage == "scan":
        gate = GateOptions(fail_on="none", no_config=True)
        # one process, as in the earlier runs; bench_workers.py measures --workers N
        request = ScanRequest(snapshots=(Path(snap),), gate=gate, parallel=Parallel(workers=1))
        doc = run_scan(request).doc
        t_render = time.perf_counter()
        write_report(doc, "json", Path(out))  # as `pscan scan -o` writes it
        extra["render_json_s"] = round(time.perf_counter() - t_render, 2)
        extra["findings"] = len(doc.findings)
        extra["json_mb"] = round(Path(out).stat().st_size / 1e6, 1)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"stage": stage, "seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb), **extra}
        )
    )


def _generate(size: int, out: Path) -> Path:
    """The seeded estate of `size` resources (`pscan fixtures generate --seed 1`), once."""
    from scanner.app import generate_fixtures

    snap = out / f"estate-{size}"
    if not (snap / "manifest.json").exists():
        started = time.perf_counter()
        generate_fixtures(snap, size, seed=1)
        print(
            f"generated {size:,} resources in {time.perf_counter() - started:.1f}s", file=sys.stderr
        )
    return snap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--snap", help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    parser.add_argument("--stages", default=",".join(STAGES), help="comma-separated subset")
    args = parser.parse_args()
    if args.stage:
        _child(args.stage, args.snap, str(args.out / "findings.json"))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        snap = _generate(size, args.out)
        disk_mb = sum(p.stat().st_size for p in snap.iterdir()) / 1e6
        for stage in args.stages.split(","):
            proc = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--stage",
                    stage,
                    "--snap",
                    str(snap),
                    "--out",
                    str(args.out),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            result["size"] = size
            result["disk_mb"] = round(disk_mb, 1)
            rows.append(result)
            print(json.dumps(result), file=sys.stderr)
    table = _table(rows)
    print(table)
    if not args.no_write:
        with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as fh:
            fh.write(table)


def _table(rows: list[dict[str, object]]) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"\n### Run of {when} ({platform.machine()}, {_cpus()} CPUs, Python "
        f"{platform.python_version()})\n",
        "Command: `python bench/bench_scan.py --sizes "
        + ",".join(sorted({str(r["size"]) for r in rows}, key=int))
        + "`\n",
        "| resources | snapshot MB | stage | seconds | peak RSS MB | details |",
        "|---:|---:|---|---:|---:|---|",
    ]
    for r in rows:
        details = ", ".join(
            f"{k}={v}"
            for k, v in r.items()
            if k not in {"size", "disk_mb", "stage", "seconds", "peak_rss_mb"}
        )
        lines.append(
            f"| {r['size']:,} | {r['disk_mb']} | {r['stage']} | {r['seconds']} |"
            f" {r['peak_rss_mb']} | {details} |"
        )
    return "\n".join(lines) + "\n"


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    main()
