"""`pscan loadtest`."""

from __future__ import annotations

from pathlib import Path

import click

from scanner.app import LoadTestRequest, plan_loadtest, run_loadtest, write_loadtest_plan
from scanner.app.events import Event, LoadStepDone
from scanner.cli.options import quiet_option
from scanner.cli.output import Ui
from scanner.loadtest import (
    MAX_DURATION_SECONDS,
    MAX_STEP_SECONDS,
    MAX_USERS,
    LoadTestResult,
    StepResult,
)

__all__ = ["loadtest"]


@click.command("loadtest")
@click.argument("url")
@click.option(
    "--model",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Capacity model (capacity.yaml) whose tier gives the request mix and objective.",
)
@click.option("--product", help="The model's product whose tier is tested.")
@click.option("--tier", help="The product's tier to test (its `requests:` are the mix).")
@click.option(
    "--max-users",
    type=click.IntRange(1, MAX_USERS),
    default=32,
    show_default=True,
    help="Most concurrent users; steps double from 1 up to this.",
)
@click.option(
    "--step-seconds",
    type=click.IntRange(1, MAX_STEP_SECONDS),
    default=10,
    show_default=True,
    help="How long each step runs.",
)
@click.option(
    "--max-duration",
    type=click.IntRange(1, MAX_DURATION_SECONDS),
    default=300,
    show_default=True,
    help="Wall-clock seconds the whole test may take; no step starts that would end later.",
)
@click.option(
    "--latency-objective-ms",
    type=click.FloatRange(0, 600_000, min_open=True),
    help="p95 a step must stay within [default: the model product's, else 1000].",
)
@click.option(
    "--max-error-rate",
    type=click.FloatRange(0, 1),
    default=0.01,
    show_default=True,
    help="Share of failed requests a step may have.",
)
@click.option("--allow-remote", is_flag=True, help="Allow a target that is not a loopback address.")
@click.option(
    "--plan-only", is_flag=True, help="Write the plan (-o) and its locustfile; run nothing."
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The results file (JSON, written atomically); the plan with --plan-only.",
)
@quiet_option
def loadtest(
    url: str,
    model: Path | None,
    product: str | None,
    tier: str | None,
    max_users: int,
    step_seconds: int,
    max_duration: int,
    latency_objective_ms: float | None,
    max_error_rate: float,
    allow_remote: bool,
    plan_only: bool,
    output: Path,
    quiet: bool,
) -> None:
    """Measure one instance's throughput with a real load test (Locust).

    A closed model: N users, each sending its next request as soon as the last one is
    answered. N doubles from 1 to --max-users, each step for --step-seconds; the test
    stops when a step's p95 latency passes the objective or its error rate passes
    --max-error-rate. The results give every step's throughput, errors and latency
    percentiles, a Universal Scalability Law fit (sigma, kappa, lambda, the peak) and
    the per-instance throughput: the highest step throughput that met the objective.
    A capacity model's tier reads it with `loadtest: results.json`.

    URL must resolve to a loopback address (127.0.0.0/8, ::1) unless --allow-remote is
    given: point it at one instance you own, never at shared or production endpoints.
    Locust runs in a child process (python -m locust), one run per step.

    \b
    Examples:
      pscan loadtest http://127.0.0.1:8080/health -o web-loadtest.json
      pscan loadtest http://127.0.0.1:8080 --model capacity.yaml --product checkout \\
          --tier web --max-users 64 -o web-loadtest.json
      pscan loadtest http://127.0.0.1:8080/ --plan-only -o plan.json
    """
    ui = Ui(quiet)
    request = LoadTestRequest(
        url=url,
        model=model,
        product=product,
        tier=tier,
        max_users=max_users,
        step_seconds=step_seconds,
        max_duration_seconds=max_duration,
        latency_objective_ms=latency_objective_ms,
        max_error_rate=max_error_rate,
        allow_remote=allow_remote,
    )
    if plan_only:
        plan = plan_loadtest(request)
        locustfile = write_loadtest_plan(plan, output)
        users = ", ".join(str(s.users) for s in plan.steps)
        ui.say(f"wrote {output} and {locustfile}: steps of {users} users, nothing run")
        return

    def on_event(event: Event) -> None:
        if isinstance(event, LoadStepDone):
            ui.say(_step_line(event.step))
        else:
            ui.on_event(event)

    result = run_loadtest(request, output, on_event)
    _summary(ui, result, output)


def _step_line(step: StepResult) -> str:
    latency = step.latency_ms
    p95 = f"p95 {latency.p95:g} ms" if latency else "no responses"
    mark = "" if step.met_objective else "  (over the objective)"
    return (
        f"{step.users:>5} users: {step.throughput_rps:8.1f} requests/s, {p95},"
        f" {step.error_rate:.2%} errors{mark}"
    )


def _summary(ui: Ui, result: LoadTestResult, output: Path) -> None:
    ui.say(f"stopped: {result.stop.detail}")
    if result.usl is not None:
        usl = result.usl
        peak = (
            f", peak {usl.peak_rps:.1f} requests/s"
            + (f" at {usl.peak_users:.1f} users" if usl.peak_users is not None else "")
            if usl.peak_rps is not None
            else ", no peak in sight"
        )
        ui.say(
            f"USL: sigma {usl.sigma:.4f}, kappa {usl.kappa:.5f}, lambda"
            f" {usl.lambda_rps:.1f} requests/s, R^2 {usl.r_squared:.3f}{peak}"
        )
    ui.say(f"per instance: {result.per_instance_basis}")
    ui.say(f"wrote {output}")
