"""`pscan capacity init` and `pscan capacity plan`: from a growth forecast to capacity findings.

`init_model` writes a starting `capacity.yaml` from the products and tiers a snapshot
shows. `run_plan` reads a model and snapshots (one pass), computes every tier's demand at
every horizon against what the estate can reach, and returns a findings document whose
findings are the shortfalls (category capacity) and whose `forecast` section holds the
figures; the gate judges it like a scan, so a plan can stop a deploy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from pathlib import Path

from scanner import __version__
from scanner.app.capacity import product_tags
from scanner.app.files import write_atomic
from scanner.app.gate import GateOptions, load_gate
from scanner.app.scan import snapshot_summary
from scanner.errors import ConfigError
from scanner.forecast.init import starting_model
from scanner.forecast.model import CapacityModel, load_model
from scanner.forecast.plan import forecast_report, make_plan, plan_findings
from scanner.forecast.supply import read_supply
from scanner.loadtest.results import read_loadtest
from scanner.model import Finding, FindingsDocument, ForecastReport, GateSummary
from scanner.snapshot import Snapshot, open_snapshot
from scanner.storage import SnapshotPath

__all__ = ["PlanRequest", "PlanResult", "forecast_section", "init_model", "run_plan"]


@dataclass(frozen=True)
class PlanRequest:
    """What `pscan capacity plan` was asked to do.

    A tier's per-instance throughput is, last wins: its `per_instance_rps`, its own
    `loadtest:` file, `measured_rps`, then the `loadtests` files (`--loadtest`).
    """

    model: Path
    snapshots: tuple[SnapshotPath, ...]
    product_tags: tuple[str, ...] = ()
    loadtests: tuple[Path, ...] = ()  # `pscan loadtest` results naming product and tier
    measured_rps: Mapping[tuple[str, str], float] = field(default_factory=dict)
    gate: GateOptions = field(default_factory=GateOptions)


@dataclass
class PlanResult:
    """The plan as a gated findings document."""

    doc: FindingsDocument
    gate: GateSummary


def _tags(model: CapacityModel, flag: Sequence[str], options: GateOptions) -> tuple[str, ...]:
    """The model's product tag, else the command's, else `.pscan.yaml`'s, else the defaults."""
    if model.product_tag:
        return (model.product_tag,)
    return product_tags(flag, load_gate(options).config)


def forecast_section(
    model: CapacityModel,
    model_path: Path,
    snaps: Sequence[Snapshot],
    tags: Sequence[str],
    measured_rps: Mapping[tuple[str, str], float] | None = None,
) -> tuple[ForecastReport, list[Finding]]:
    """The forecast section and its findings, from one pass over the snapshots."""
    supply = read_supply(model, chain.from_iterable(s.iter_resources() for s in snaps), tags)
    plans = make_plan(model, supply, measured_rps or {})
    report = forecast_report(model, str(model_path), ", ".join(tags), plans)
    return report, plan_findings(plans, model.horizons[0])


def measured_throughput(
    paths: Sequence[Path], model: CapacityModel
) -> dict[tuple[str, str], float]:
    """(product, tier) -> per-instance requests/s, from `pscan loadtest` results files.

    Raises:
        ConfigError: a file is not a results file, names no product and tier or one the
            model lacks, or no step met its objective.
    """
    measured: dict[tuple[str, str], float] = {}
    for path in paths:
        result = read_loadtest(path)
        if not result.product or not result.tier:
            msg = (
                f"{path}: names no product and tier; run pscan loadtest with --model,"
                " --product and --tier"
            )
            raise ConfigError(msg)
        product = model.products.get(result.product)
        if product is None or result.tier not in product.tiers:
            msg = f"{path}: tier {result.product}/{result.tier} is not in the model"
            raise ConfigError(msg)
        if result.per_instance_rps is None:
            msg = f"{path}: no step met its latency objective and error threshold"
            raise ConfigError(msg)
        measured[(result.product, result.tier)] = result.per_instance_rps
    return measured


def tier_loadtests(model: CapacityModel, base: Path) -> dict[tuple[str, str], float]:
    """(product, tier) -> per-instance requests/s from the tiers' own `loadtest:` files.

    Paths are relative to the model file's folder.

    Raises:
        ConfigError: a file is not a results file, or no step met its objective.
    """
    measured: dict[tuple[str, str], float] = {}
    for pname, product in model.products.items():
        for tname, tier in product.tiers.items():
            if tier.loadtest is None:
                continue
            path = base / tier.loadtest
            rps = read_loadtest(path).per_instance_rps
            if rps is None:
                msg = f"{path}: no step met its latency objective and error threshold"
                raise ConfigError(msg)
            measured[(pname, tname)] = rps
    return measured


def run_plan(request: PlanRequest) -> PlanResult:
    """Plan every tier of the model against the snapshots and gate the shortfalls.

    Raises:
        ConfigError: a bad model (file:line:field), gate config or option.
        SnapshotError: a snapshot is missing or malformed.
    """
    model = load_model(request.model)
    gate = load_gate(request.gate)
    measured = {
        **tier_loadtests(model, request.model.parent),
        **request.measured_rps,
        **measured_throughput(request.loadtests, model),
    }
    snaps = [open_snapshot(p) for p in request.snapshots]
    tags = _tags(model, request.product_tags, request.gate)
    section, findings = forecast_section(model, request.model, snaps, tags, measured)
    doc = FindingsDocument(
        tool_version=__version__,
        snapshots=[snapshot_summary(s) for s in snaps],
        resource_count=sum(s.manifest.resource_count for s in snaps),
        findings=findings,
        forecast=section,
    )
    summary = gate.apply(doc)
    return PlanResult(doc=doc, gate=summary)


def init_model(
    snapshots: Sequence[SnapshotPath],
    output: Path,
    tags: Sequence[str] = (),
    today: date | None = None,
    config: GateOptions | None = None,
) -> int:
    """Write a starting model for the products the snapshots show; returns how many.

    Raises:
        ConfigError: no resource carries the product tag, or `output` exists.
        SnapshotError: a snapshot is missing or malformed.
    """
    if output.exists():
        msg = f"{output}: already exists; give another -o or remove it"
        raise ConfigError(msg)
    keys = product_tags(tags, load_gate(config or GateOptions()).config)
    snaps = [open_snapshot(p) for p in snapshots]
    resources = chain.from_iterable(s.iter_resources() for s in snaps)
    text, count = starting_model(resources, keys, today or date.today(), write_tag=len(keys) == 1)
    if not count:
        msg = (
            f"no scaling or data resource in {', '.join(map(str, snapshots))} carries a"
            f" product tag ({', '.join(keys)}); give --product-tag KEY"
        )
        raise ConfigError(msg)
    write_atomic(output, text)
    return count
