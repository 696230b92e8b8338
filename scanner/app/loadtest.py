"""`pscan loadtest`: measure what one instance of a tier sustains, with a real Locust run.

The request mix and the latency objective come from a capacity model's tier when one is
named (`--model --product --tier`), else the load is GET on the URL's own path and the
objective is the option's or 1000 ms. The target must be loopback unless remote targets
are allowed. `plan_loadtest` checks all of that and builds the steps without running
anything; `run_loadtest` runs them and writes the results file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from scanner.app.events import Listener, LoadStepDone, ignore
from scanner.app.files import write_atomic
from scanner.errors import ConfigError, validation_summary
from scanner.forecast.model import Tier, load_model
from scanner.loadtest import (
    DEFAULT_LATENCY_OBJECTIVE_MS,
    LoadTestPlan,
    LoadTestResult,
    MixItem,
    Settings,
    check_target,
    locustfile_text,
    make_plan,
    plan_document,
    run_plan,
)

__all__ = ["LoadTestRequest", "plan_loadtest", "run_loadtest", "write_loadtest_plan"]


@dataclass(frozen=True)
class LoadTestRequest:
    """What `pscan loadtest` was asked (the CLI's options, with the same defaults)."""

    url: str
    model: Path | None = None
    product: str | None = None
    tier: str | None = None
    max_users: int = 32
    step_seconds: int = 10
    max_duration_seconds: int = 300
    latency_objective_ms: float | None = None
    max_error_rate: float = 0.01
    allow_remote: bool = False


def plan_loadtest(request: LoadTestRequest) -> LoadTestPlan:
    """Check the target and the options, and lay out the steps; runs nothing.

    Raises:
        ConfigError: a target that is not loopback (without allow_remote) or does not
            resolve, a bad bound, or a model/product/tier that is missing or invalid.
    """
    target = check_target(request.url, request.allow_remote)
    tier, model_objective = _tier(request)
    if tier is not None and tier.requests:
        mix = [MixItem(path=r.path, weight=r.weight, method=r.method) for r in tier.requests]
        base_url = target.base
    else:
        mix = [MixItem(path=target.path)]
        base_url = target.origin
    if request.step_seconds > request.max_duration_seconds:
        msg = (
            f"--step-seconds {request.step_seconds} is longer than --max-duration"
            f" {request.max_duration_seconds}: not even one step fits"
        )
        raise ConfigError(msg)
    objective, source = DEFAULT_LATENCY_OBJECTIVE_MS, "default"
    if request.latency_objective_ms is not None:
        objective, source = request.latency_objective_ms, "option"
    elif model_objective is not None:
        objective, source = model_objective, "model"
    try:
        settings = Settings(
            max_users=request.max_users,
            step_seconds=request.step_seconds,
            max_duration_seconds=request.max_duration_seconds,
            latency_objective_ms=objective,
            latency_objective_from=source,
            max_error_rate=request.max_error_rate,
        )
    except ValidationError as exc:
        msg = f"loadtest settings: {validation_summary(exc)}"
        raise ConfigError(msg) from None
    return make_plan(request.url, base_url, mix, settings, request.product, request.tier)


def _tier(request: LoadTestRequest) -> tuple[Tier | None, float | None]:
    """The model's tier and its product's latency objective, when a model is named."""
    named = (request.product, request.tier)
    if request.model is None:
        if any(named):
            msg = "--product and --tier name a tier of a capacity model: give --model too"
            raise ConfigError(msg)
        return None, None
    if not all(named):
        msg = f"{request.model}: give --product and --tier to pick the tier to load-test"
        raise ConfigError(msg)
    model = load_model(request.model)
    product = model.products.get(str(request.product))
    if product is None:
        msg = (
            f"{request.model}: no product {request.product!r}"
            f" (products: {', '.join(sorted(model.products))})"
        )
        raise ConfigError(msg)
    tier = product.tiers.get(str(request.tier))
    if tier is None:
        msg = (
            f"{request.model}: product {request.product} has no tier {request.tier!r}"
            f" (tiers: {', '.join(sorted(product.tiers))})"
        )
        raise ConfigError(msg)
    return tier, product.latency_objective_ms


def write_loadtest_plan(plan: LoadTestPlan, output: Path) -> Path:
    """Write the plan (JSON) to `output` and its locustfile beside it; returns the latter."""
    locustfile = output.with_name(f"{output.stem}.locustfile.py")
    write_atomic(locustfile, locustfile_text(plan.mix))
    write_atomic(output, json.dumps(plan_document(plan, locustfile), indent=2) + "\n")
    return locustfile


def run_loadtest(
    request: LoadTestRequest, output: Path, on_event: Listener = ignore
) -> LoadTestResult:
    """Plan, run every step that the stop rules allow, and write the results to `output`.

    Raises:
        ConfigError: as `plan_loadtest`.
        LoadTestError: Locust could not run a step.
    """
    plan = plan_loadtest(request)
    result = run_plan(plan, on_step=lambda step: on_event(LoadStepDone(step)))
    write_atomic(output, result.model_dump_json(indent=2) + "\n")
    return result
