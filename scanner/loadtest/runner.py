"""Run a load-test plan with Locust, one subprocess per step, and judge each step.

Locust always runs as `python -m locust` in a child process: gevent's monkey-patching
must never touch the pscan process, which may hold boto3 clients (DESIGN.md, "Load
tests"). Each step is one headless run writing CSV stats, read back here; the child runs
in a scratch directory with no LOCUST_* variables, so no locust.conf or environment
changes what the plan says.

After each step the stop rules apply, in order: nothing answered, error rate above the
threshold, p95 above the latency objective. Before a step, the test stops if the step
would end past `max_duration_seconds` of wall time.
"""

from __future__ import annotations

import csv
import logging
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from scanner import __version__
from scanner.errors import LoadTestError
from scanner.loadtest.plan import LoadTestPlan, PlannedStep, locust_command, locustfile_text
from scanner.loadtest.results import Latency, LoadTestResult, StepResult, Stop, per_instance
from scanner.loadtest.usl import fit_usl

__all__ = ["parse_stats", "run_plan", "run_step"]

logger = logging.getLogger(__name__)

# Time Locust may take beyond a step's run time to start and write its stats.
STARTUP_GRACE_SECONDS = 60


def run_plan(
    plan: LoadTestPlan, on_step: Callable[[StepResult], None] = lambda step: None
) -> LoadTestResult:
    """Run the steps until one breaks a stop rule or the plan ends; fit the USL.

    Raises:
        LoadTestError: Locust could not run a step (not installed, crashed, hung).
    """
    started = datetime.now(UTC)
    clock = time.monotonic()
    steps: list[StepResult] = []
    stop: Stop | None = None
    with tempfile.TemporaryDirectory(prefix="pscan-loadtest-") as scratch:
        workdir = Path(scratch)
        locustfile = workdir / "locustfile.py"
        locustfile.write_text(locustfile_text(plan.mix), encoding="utf-8")
        for planned in plan.steps:
            elapsed = time.monotonic() - clock
            if elapsed + planned.seconds > plan.settings.max_duration_seconds:
                stop = Stop(
                    reason="max_duration",
                    detail=f"the step with {planned.users} users would end past"
                    f" --max-duration {plan.settings.max_duration_seconds}s"
                    f" ({elapsed:.0f}s used)",
                )
                break
            step = run_step(plan, planned, locustfile, workdir)
            steps.append(step)
            on_step(step)
            stop = _stop_rule(plan, step)
            if stop is not None:
                break
    if stop is None:
        last = plan.steps[-1].users
        stop = Stop(reason="completed", detail=f"every planned step ran, up to {last} users")
    rps, basis = per_instance(steps, plan.settings)
    return LoadTestResult(
        pscan_version=__version__,
        target=plan.target,
        base_url=plan.base_url,
        product=plan.product,
        tier=plan.tier,
        mix=plan.mix,
        settings=plan.settings,
        steps=steps,
        stop=stop,
        usl=fit_usl([(s.users, s.throughput_rps) for s in steps]),
        per_instance_rps=rps,
        per_instance_basis=basis,
        started=started,
        finished=datetime.now(UTC),
    )


def _stop_rule(plan: LoadTestPlan, step: StepResult) -> Stop | None:
    settings = plan.settings
    if step.requests == 0:
        return Stop(
            reason="no_responses", detail=f"no request was answered with {step.users} users"
        )
    if step.error_rate > settings.max_error_rate:
        return Stop(
            reason="error_rate",
            detail=f"error rate {step.error_rate:.2%} > --max-error-rate"
            f" {settings.max_error_rate:.2%} at {step.users} users",
        )
    if step.latency_ms is not None and step.latency_ms.p95 > settings.latency_objective_ms:
        return Stop(
            reason="latency_objective",
            detail=f"p95 {step.latency_ms.p95:g} ms > objective"
            f" {settings.latency_objective_ms:g} ms at {step.users} users",
        )
    return None


def run_step(plan: LoadTestPlan, step: PlannedStep, locustfile: Path, workdir: Path) -> StepResult:
    """One headless Locust run of `step.users` users for `step.seconds`, judged.

    Raises:
        LoadTestError: Locust exited non-zero, wrote no stats, or overran its time.
    """
    prefix = workdir / f"step-{step.users:04d}"
    command = locust_command(locustfile, plan.base_url, step, prefix)
    log = prefix.with_suffix(".log")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOCUST_")}
    logger.info("load step: %s users for %ss", step.users, step.seconds)
    with log.open("wb") as out:
        try:
            done = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=workdir,
                env=env,
                timeout=step.seconds + STARTUP_GRACE_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            msg = f"locust did not finish the step with {step.users} users in time"
            raise LoadTestError(msg) from None
    stats = Path(f"{prefix}_stats.csv")
    if done.returncode != 0 or not stats.exists():
        msg = (
            f"locust failed on the step with {step.users} users (exit {done.returncode}):"
            f" {_last_line(log)}"
        )
        raise LoadTestError(msg)
    return parse_stats(stats, step, plan)


def parse_stats(stats: Path, step: PlannedStep, plan: LoadTestPlan) -> StepResult:
    """A step's result from the `Aggregated` row of Locust's `<prefix>_stats.csv`."""
    with stats.open(encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.DictReader(fh) if row.get("Name") == "Aggregated"]
    if not rows:
        msg = f"{stats}: Locust wrote no Aggregated row"
        raise LoadTestError(msg)
    row = rows[0]
    requests = int(row["Request Count"])
    failures = int(row["Failure Count"])
    latency = None
    if requests:
        latency = Latency(
            p50=_number(row["50%"]),
            p95=_number(row["95%"]),
            p99=_number(row["99%"]),
            average=_number(row["Average Response Time"]),
        )
    error_rate = failures / requests if requests else 0.0
    throughput = _number(row["Requests/s"])
    settings = plan.settings
    met = (
        latency is not None
        and latency.p95 <= settings.latency_objective_ms
        and error_rate <= settings.max_error_rate
    )
    return StepResult(
        users=step.users,
        seconds=step.seconds,
        requests=requests,
        failures=failures,
        throughput_rps=throughput,
        measured_seconds=requests / throughput if throughput else 0.0,
        error_rate=error_rate,
        latency_ms=latency,
        met_objective=met,
    )


def _number(text: str | None) -> float:
    """A CSV cell as a number; Locust writes N/A where it has no value."""
    try:
        return float(text or 0)
    except ValueError:
        return 0.0


def _last_line(log: Path) -> str:
    lines = [ln.strip() for ln in log.read_text(encoding="utf-8", errors="replace").splitlines()]
    lines = [ln for ln in lines if ln]
    return lines[-1] if lines else "no output"
