"""Benchmark storing audits: `pscan audit run`'s write into SQLite and PostgreSQL.

Usage: python bench/bench_audit.py [--sizes 100000,1000000] [--db URL ...] [--no-write]

For each size it scans the seeded estate of bench_scan.py (`pscan fixtures generate
--seed 1`, cached in bench/out) once, then for each database (default: a fresh SQLite
file in --out; add PostgreSQL with `--db postgresql+psycopg://...`, an empty database)
times two audits of it: the first (every resource and finding inserted, every finding
new) and a second one two weeks later (the same inventory and findings again, and every
lifecycle row updated). The write includes the inventory's attribute digests, read from
the snapshot as it streams. Results are appended to bench/RESULTS.md (and printed).
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_scan import _generate  # noqa: E402 - the same cached estates as the scan bench

from scanner.app import GateOptions, ScanRequest, run_scan  # noqa: E402
from scanner.audit.connect import open_database  # noqa: E402
from scanner.audit.record import audit_record  # noqa: E402
from scanner.audit.store import write_audit  # noqa: E402
from scanner.snapshot import open_snapshot  # noqa: E402


def _peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _bench(size: int, urls: list[str], out: Path) -> list[str]:
    snap = _generate(size, out)
    started = time.perf_counter()
    scan = run_scan(
        ScanRequest(snapshots=(snap,), gate=GateOptions(fail_on="none", no_config=True))
    )
    scan_s = time.perf_counter() - started
    snaps = [open_snapshot(snap)]
    now = datetime.now(UTC)
    rows = []
    for url in urls or [f"sqlite:///{out / f'audits-{size}.sqlite'}"]:
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        db = open_database(url)
        times = []
        for week in (0, 2):
            record = audit_record(
                scan.doc, snaps, started_at=now, finished_at=now, trigger="bench",
                rule_ids=scan.doc.rule_stats,
            )  # fmt: skip
            record = replace(record, observed_at=record.observed_at + timedelta(weeks=week))
            t = time.perf_counter()
            write_audit(db, record)
            times.append(time.perf_counter() - t)
        db.dispose()
        kind = db.dialect
        size_mb = ""
        if kind == "sqlite":
            size_mb = f"{Path(url.removeprefix('sqlite:///')).stat().st_size / 1e6:.0f} MB"
        rows.append(
            f"| {size:,} | {len(scan.doc.findings):,} | {kind} | {times[0]:.1f} s |"
            f" {times[1]:.1f} s | {size_mb} | {scan_s:.1f} s | {_peak_mb():,} MB |"
        )
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--db", action="append", default=[], help="database URL (repeatable)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    header = [
        "",
        f"### Audit store, run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        f" ({platform.machine()}, Python {platform.python_version()})",
        "",
        "| resources | findings | database | 1st audit | 2nd audit | file | scan | peak RSS |",
        "|---|---|---|---|---|---|---|---|",
    ]
    print("\n".join(header), flush=True)
    rows = [row for size in args.sizes.split(",") for row in _bench(int(size), args.db, args.out)]
    if not args.no_write:
        with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as fh:
            fh.write("\n".join([*header, *rows]) + "\n")


if __name__ == "__main__":
    main()
