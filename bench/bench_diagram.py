"""Benchmark architecture diagrams on generated estates: model, views and Graphviz layout.

For each size it generates a seeded estate (`pscan fixtures generate --seed 0`, once,
cached in --out), builds the architecture model (`scanner.architecture`), then for each
view builds it (selection and aggregation), writes DOT and lays it out with `dot -Tsvg`.
Aggregation bounds the boxes a view has (`scanner.architecture.views.MAX_NODES`), so the
layout time stays flat as the estate grows.

    .venv/bin/python bench/bench_diagram.py --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

VIEWS = ("overview", "network", "dataflow", "exposure")


def _estate(size: int, out: Path) -> Path:
    from scanner.app import generate_fixtures

    snap = out / f"estate-{size}"
    if not (snap / "manifest.json").exists():
        generate_fixtures(snap, size, seed=0)
    return snap


def measure(size: int, out: Path) -> list[str]:
    """Table rows for one estate size."""
    from scanner.architecture import build_architecture, build_view
    from scanner.render.diagram import to_svg, view_to_dot
    from scanner.snapshot import open_snapshot

    snap = _estate(size, out)
    started = time.perf_counter()
    resources = list(open_snapshot(snap).iter_resources())
    read = time.perf_counter() - started
    started = time.perf_counter()
    arch = build_architecture(resources)
    model = time.perf_counter() - started
    rows = [
        f"| {len(resources):,} | model | {len(arch.nodes):,} nodes, {len(arch.edges):,} edges"
        f" | {read:.2f} s read + {model:.2f} s model | |"
    ]
    for name in VIEWS:
        started = time.perf_counter()
        view = build_view(arch, name)
        dot = view_to_dot(view)
        built = time.perf_counter() - started
        started = time.perf_counter()
        to_svg(dot)
        layout = time.perf_counter() - started
        rows.append(
            f"| {len(resources):,} | {name} | {len(view.nodes())} boxes, {len(view.edges)} edges"
            f" | {built:.2f} s | {layout:.2f} s |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--out", type=Path, default=Path("bench/out"))
    parser.add_argument("--no-write", action="store_true", help="Print, do not append.")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = [row for size in args.sizes.split(",") for row in measure(int(size), args.out)]
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.machine()}, Python {platform.python_version()}"
    table = "\n".join(
        [
            f"### Diagrams, run of {when} ({machine})",
            "",
            f"`python bench/bench_diagram.py --sizes {args.sizes}`",
            "",
            "| resources | view | drawn | model / view+DOT | dot -Tsvg |",
            "|---:|---|---|---:|---:|",
            *rows,
        ]
    )
    print(table)
    if not args.no_write:
        results = Path(__file__).with_name("RESULTS.md")
        with results.open("a", encoding="utf-8") as fh:
            fh.write("\n" + table + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
