"""A load test's results: what each step measured, why it stopped, the USL fit, the verdict.

This file is what `pscan loadtest -o` writes and what a capacity model's
`loadtest: results.json` points at; `read_loadtest` reads it back (one line naming the
file and field when it is not a results file).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scanner.errors import ConfigError, validation_summary
from scanner.loadtest.plan import MixItem, Settings
from scanner.loadtest.usl import UslFit

__all__ = [
    "KIND",
    "Latency",
    "LoadTestResult",
    "StepResult",
    "Stop",
    "StopReason",
    "per_instance",
    "read_loadtest",
]

KIND = "pscan-loadtest"
StopReason = Literal["completed", "latency_objective", "error_rate", "max_duration", "no_responses"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Latency(_Strict):
    """Response times of a step in milliseconds (Locust rounds them to 2 significant digits)."""

    p50: float = Field(ge=0)
    p95: float = Field(ge=0)
    p99: float = Field(ge=0)
    average: float = Field(ge=0)


class StepResult(_Strict):
    """What one step of N users measured over its steady state."""

    users: int = Field(ge=1)
    seconds: int = Field(ge=1, description="planned length of the step")
    requests: int = Field(ge=0, description="requests answered (failures included)")
    failures: int = Field(ge=0)
    throughput_rps: float = Field(ge=0, description="requests per second over the step")
    measured_seconds: float = Field(
        ge=0, description="the steady-state window the throughput was measured over"
    )
    error_rate: float = Field(ge=0, le=1)
    latency_ms: Latency | None = Field(default=None, description="none when nothing answered")
    met_objective: bool = Field(
        description="p95 within the latency objective and error rate within the threshold"
    )


class Stop(_Strict):
    """Why the test ended, in a word and in a sentence."""

    reason: StopReason
    detail: str


class LoadTestResult(_Strict):
    """`pscan loadtest` results (the file `-o` writes)."""

    kind: Literal["pscan-loadtest"] = "pscan-loadtest"
    version: Literal[1] = 1
    pscan_version: str
    target: str
    base_url: str
    product: str | None = None
    tier: str | None = None
    mix: list[MixItem] = Field(min_length=1)
    settings: Settings
    steps: list[StepResult]
    stop: Stop
    usl: UslFit | None = Field(default=None, description="none with fewer than 3 usable steps")
    per_instance_rps: float | None = Field(
        default=None,
        gt=0,
        description="the highest step throughput that met the latency objective and the"
        " error-rate threshold; none when no step met them",
    )
    per_instance_basis: str = Field(description="how per_instance_rps was chosen, in words")
    started: datetime
    finished: datetime


def per_instance(steps: list[StepResult], settings: Settings) -> tuple[float | None, str]:
    """The measured per-instance throughput and a sentence saying where it comes from."""
    rule = (
        f"p95 <= {settings.latency_objective_ms:g} ms and error rate <= {settings.max_error_rate:g}"
    )
    good = [s for s in steps if s.met_objective and s.throughput_rps > 0]
    if not good:
        return None, f"no step met the objective ({rule})"
    best = max(good, key=lambda s: s.throughput_rps)
    basis = (
        f"the highest step throughput that met the objective ({rule}):"
        f" {best.throughput_rps:.1f} requests/s at {best.users} users"
    )
    return best.throughput_rps, basis


def read_loadtest(path: Path) -> LoadTestResult:
    """Read a results file written by `pscan loadtest`.

    Raises:
        ConfigError: unreadable, not JSON, a `--plan-only` plan, or a field is invalid.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        msg = f"{path}: cannot read the load-test results: {exc.strerror or exc}"
        raise ConfigError(msg) from None
    except ValueError as exc:
        msg = f"{path}: not a JSON load-test results file: {exc}"
        raise ConfigError(msg) from None
    if not isinstance(data, dict):
        msg = f"{path}: expected a JSON object written by `pscan loadtest -o`"
        raise ConfigError(msg)
    if data.get("kind") == "pscan-loadtest-plan":
        msg = f"{path}: is a load-test plan (--plan-only), not results; run the plan first"
        raise ConfigError(msg)
    if data.get("kind") != KIND:
        msg = f"{path}: field kind: expected {KIND!r} (a file written by `pscan loadtest -o`)"
        raise ConfigError(msg)
    try:
        return LoadTestResult.model_validate(data)
    except ValidationError as exc:
        msg = f"{path}: {validation_summary(exc)}"
        raise ConfigError(msg) from None
