"""A load-test result to test with: four steps, the last over the latency objective."""

from __future__ import annotations

from datetime import UTC, datetime

from scanner.loadtest import (
    Latency,
    LoadTestResult,
    MixItem,
    Settings,
    StepResult,
    Stop,
    fit_usl,
    per_instance,
)

__all__ = ["SETTINGS", "sample_result", "step"]

SETTINGS = Settings(
    max_users=8,
    step_seconds=10,
    max_duration_seconds=300,
    latency_objective_ms=100,
    max_error_rate=0.01,
)


def step(users: int, rps: float, p95: float, error_rate: float = 0.0) -> StepResult:
    requests = int(rps * 10)
    return StepResult(
        users=users,
        seconds=10,
        requests=requests,
        failures=round(requests * error_rate),
        throughput_rps=rps,
        measured_seconds=10,
        error_rate=error_rate,
        latency_ms=Latency(p50=p95 / 2, p95=p95, p99=p95 * 1.2, average=p95 / 2),
        met_objective=p95 <= SETTINGS.latency_objective_ms
        and error_rate <= SETTINGS.max_error_rate,
    )


def sample_result() -> LoadTestResult:
    steps = [step(1, 40, 30), step(2, 78, 35), step(4, 150, 60), step(8, 160, 140)]
    rps, basis = per_instance(steps, SETTINGS)
    return LoadTestResult(
        pscan_version="0.1.0",
        target="http://127.0.0.1:8080/",
        base_url="http://127.0.0.1:8080",
        mix=[MixItem(path="/")],
        settings=SETTINGS,
        steps=steps,
        stop=Stop(reason="latency_objective", detail="p95 140 ms > objective 100 ms at 8 users"),
        usl=fit_usl([(s.users, s.throughput_rps) for s in steps]),
        per_instance_rps=rps,
        per_instance_basis=basis,
        started=datetime(2026, 12, 6, 10, 0, tzinfo=UTC),
        finished=datetime(2026, 12, 6, 10, 1, tzinfo=UTC),
    )
