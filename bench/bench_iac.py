"""Benchmark the IaC gate: checkov and pscan's rules, each timed on its own.

Usage: python bench/bench_iac.py [--resources 5000] [--stages checkov,pscan,iac] [--out bench/out]
       [--no-write]

Two inputs: the sample IaC in fixtures/iac (Terraform with modules, its plan JSON,
CloudFormation, Kubernetes, a Dockerfile and a workflow), and a plan of about
--resources resources made by fixtures/iac/generate_plan.py. For each it measures, in
fresh subprocesses so that neither warms the other's caches:

  checkov   the checkov subprocess `pscan iac` runs (all of PATH for the fixtures; the
            plan file as terraform_plan for the generated plan), wall time
  pscan     read and map the plan, locate its blocks, evaluate every rule, build the
            document and gate it (`scanner.app.run_iac`: what `pscan iac --plan ...
            --skip-checkov` does, minus printing)
  iac       `pscan iac` end to end as a user runs it, checkov included

Each stage reports wall seconds and CPU seconds (its own process, or checkov's subprocess
tree), and each input a ratio row: checkov / pscan, on wall and on CPU seconds (CPU
seconds are what each costs when the machine is shared). Results are appended to
bench/RESULTS.md under "IaC gate" (and printed).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from results import add_run, run_table  # bench/results.py (the script's own folder)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "iac"


def _child(stage: str, target: str, plan: str) -> None:
    """Run one stage in this process; print one JSON line."""
    from scanner.app import GateOptions, IacRequest, run_iac
    from scanner.checkov import find_checkov, run_checkov

    started, cpu = time.perf_counter(), time.process_time()
    extra: dict[str, object] = {}
    if stage == "checkov":
        exe = find_checkov(None, ROOT).executable
        if exe is None:
            print(json.dumps({"error": "checkov not installed (make checkov)"}))
            return
        reports, _ = run_checkov([Path(target)], executable=exe, timeout=3600, cwd=ROOT)
        extra = {
            "failed": sum(r.summary.failed for r in reports),
            "passed": sum(r.summary.passed for r in reports),
        }
    elif stage == "pscan":
        request = IacRequest(
            paths=(Path(target),) if Path(target).is_dir() else (),
            plan=Path(plan),
            run_checkov=False,
            gate=GateOptions(fail_on="none", no_config=True),
            cwd=ROOT,
        )
        result = run_iac(request)
        stats = result.doc.rule_stats.values()
        extra = {
            "plan_instances": result.plan_changes,
            "resources": result.doc.resource_count,
            "findings": len(result.doc.findings),
            "undecided": sum(s.undecided for s in stats),
        }
    seconds = time.perf_counter() - started
    # checkov's peak and CPU are its subprocess's; pscan's are this process's
    if stage == "checkov":
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = usage.ru_utime + usage.ru_stime
    else:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = time.process_time() - cpu
    rss = usage.ru_maxrss // 1024
    print(
        json.dumps(
            {"seconds": round(seconds, 2), "cpu": round(cpu, 2), "peak_rss_mb": rss, **extra}
        )
    )


def _measure(stage: str, target: Path, plan: Path) -> dict[str, object]:
    if stage == "iac":
        args = [str(target)] if target.is_dir() else []
        cmd = [
            str(Path(sys.executable).with_name("pscan")),
            "iac",
            *args,
            "--plan",
            str(plan),
            "--fail-on",
            "none",
            "-q",
            "-o",
            "/dev/null",
        ]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        return {"seconds": round(seconds, 2), "cpu": round(cpu, 2)}
    out = subprocess.run(
        [sys.executable, __file__, "--child", stage, str(target), str(plan)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


_TIMES = ("seconds", "cpu")


def _ratio(times: dict[str, dict[str, object]], key: str) -> str:
    try:
        return f"{float(str(times['checkov'][key])) / float(str(times['pscan'][key])):.0f}"
    except (KeyError, ValueError, ZeroDivisionError):
        return "-"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and append its table to bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=5000)
    parser.add_argument("--stages", default="checkov,pscan,iac")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--no-write", action="store_true", help="Print only.")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    sys.path.insert(0, str(FIXTURES))
    from generate_plan import generate

    args.out.mkdir(parents=True, exist_ok=True)
    big = args.out / f"plan-{args.resources}.json"
    big.write_text(json.dumps(generate(args.resources, 0), separators=(",", ":")) + "\n")
    cases = [
        ("fixtures/iac", FIXTURES, FIXTURES / "plan.json"),
        (f"generated plan, ~{args.resources:,} resources", big, big),
    ]
    rows = []
    for label, target, plan in cases:
        times: dict[str, dict[str, object]] = {}
        for stage in args.stages.split(","):
            measured = times[stage] = _measure(stage, target, plan)
            details = ", ".join(f"{k}={v}" for k, v in measured.items() if k not in _TIMES)
            wall, cpu = measured.get("seconds", "-"), measured.get("cpu", "-")
            rows.append(f"| {label} | {stage} | {wall} | {cpu} | {details} |")
            print(rows[-1], flush=True)
        if "checkov" in times and "pscan" in times:
            rows.append(
                f"| {label} | checkov / pscan | {_ratio(times, 'seconds')}x"
                f" | {_ratio(times, 'cpu')}x | |"
            )
            print(rows[-1], flush=True)
    table = run_table(
        f"python bench/bench_iac.py --resources {args.resources} --stages {args.stages}",
        ["| input | stage | wall s | CPU s | details |", "|---|---|---:|---:|---|"],
        rows,
    )
    if not args.no_write:
        add_run("IaC gate (`bench/bench_iac.py`)", table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
