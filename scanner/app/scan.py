"""`pscan scan`: snapshots (given, or collected first) judged by the selected rules, gated.

The steps, in order, so that bad input fails before anything slow happens: read the gate
config, load the rule packs, collect (`--aws`/`--gcp`), open the snapshots, check the
named rule ids, select the rules (ids, minimum severity, the config's include/exclude),
evaluate, build the findings document, apply the gate.

Headroom by product (`scanner.headroom`) and the list-price estimates of the cost report
(`scanner.cost`) are gathered during evaluation's pass over the resources, not in a
second one: `scan_snapshots` wraps the resource stream. When worker processes or a Dask
cluster run the per-resource rules (`--workers`, `--executor`: `scanner.engine.parallel`),
each partition's task gathers them too and the parent merges the parts in partition
order. The cost report then adds the snapshots' spend, and its findings (budgets, growth,
untagged spend) join the rules'.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from scanner.app.capacity import product_tags
from scanner.app.collect import AwsOptions, GcpOptions, collect_aws, collect_gcp, cost_tag
from scanner.app.events import Evaluated, Evaluating, Kept, Listener, ignore
from scanner.app.gate import GateOptions, load_gate
from scanner.cost import COST_SOURCE, Costs, CostSettings, cost_findings
from scanner.engine import RuleSet, ScanOutcome, build_document, evaluate, load_rules
from scanner.engine.parallel import Runner, Tap, merged, open_runner
from scanner.errors import ConfigError
from scanner.gate import GateConfig
from scanner.headroom import Headroom
from scanner.heap import full_collections_paused
from scanner.model import (
    Finding,
    FindingsDocument,
    GateSummary,
    Severity,
    SnapshotSummary,
    utcnow,
)
from scanner.snapshot import Snapshot, open_snapshot
from scanner.storage import SnapshotPath
from scanner.timing import Phases

__all__ = [
    "Parallel",
    "RuleOptions",
    "ScanRequest",
    "ScanResult",
    "load_ruleset",
    "run_scan",
    "scan_snapshots",
    "snapshot_summary",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RuleOptions:
    """Which rule packs to load: the built-in ones (unless `builtin` is false) and `paths`."""

    paths: tuple[Path, ...] = ()
    builtin: bool = True


def load_ruleset(options: RuleOptions | None = None) -> RuleSet:
    """Load and validate the rule packs (default: the built-in ones).

    Raises:
        RuleLoadError: a rule or framework file is invalid (named with its path).
    """
    options = options or RuleOptions()
    return load_rules(options.paths, include_builtin=options.builtin)


@dataclass(frozen=True)
class Parallel:
    """Where the per-resource rules run (`--workers`, `--executor`; docs/scale.md).

    `workers` None: one worker process per core for large scans, none for small ones;
    1: this process only. `executor` (`dask://HOST:PORT`) sends the partitions to a Dask
    cluster instead.
    """

    workers: int | None = None
    executor: str | None = None


@dataclass(frozen=True)
class ScanRequest:
    """What `pscan scan` was asked to do."""

    snapshots: tuple[SnapshotPath, ...] = ()
    rules: RuleOptions = field(default_factory=RuleOptions)
    rule_ids: tuple[str, ...] = ()
    min_severity: Severity | None = None
    frameworks: tuple[str, ...] = ()
    gate: GateOptions = field(default_factory=GateOptions)
    aws: AwsOptions | None = None  # collect AWS first
    gcp: GcpOptions | None = None  # collect GCP first
    snapshots_dir: Path = Path("pscan-snapshots")
    product_tags: tuple[str, ...] = ()  # --product-tag; default: the config's, else built in
    parallel: Parallel = field(default_factory=Parallel)


@dataclass
class ScanResult:
    """The gated findings document, and the snapshots collected on the way."""

    doc: FindingsDocument
    gate: GateSummary
    collected: list[Path] = field(default_factory=list)


def run_scan(request: ScanRequest, on_event: Listener = ignore) -> ScanResult:
    """Collect (if asked), scan and gate.

    Raises:
        ConfigError: nothing to scan, an unknown rule id or framework, a bad gate config
            or bad collection options.
        RuleLoadError, SnapshotError, CollectorError: bad rules, snapshots, or credentials.
    """
    if not request.snapshots and request.aws is None and request.gcp is None:
        msg = "give one or more SNAPSHOT folders, or --aws / --gcp to collect one now"
        raise ConfigError(msg)
    gate = load_gate(request.gate)
    # bad rules and bad params fail before any collection
    ruleset = gate.tune(load_ruleset(request.rules))
    collected = _collect(request, gate.config, on_event)
    snaps = [open_snapshot(p) for p in (*request.snapshots, *collected)]
    if request.rule_ids:
        unknown = sorted(set(request.rule_ids) - set(ruleset.rules))
        if unknown:
            msg = f"--rule: unknown rule id(s): {', '.join(unknown)}"
            raise ConfigError(msg)
    ruleset = gate.select(
        ruleset.select(ids=request.rule_ids or None, min_severity=request.min_severity)
    )
    frameworks = request.frameworks or tuple(gate.config.frameworks)
    tags = product_tags(request.product_tags, gate.config)
    doc = scan_snapshots(
        snaps,
        ruleset,
        frameworks,
        on_event,
        product_tags=tags,
        cost=gate.config.cost,
        parallel=request.parallel,
    )
    # the report-level cost findings answer to the same selection as the rules
    doc.findings = [
        f
        for f in doc.findings
        if f.source != COST_SOURCE
        or (
            (not request.rule_ids or f.rule_id in request.rule_ids)
            and (request.min_severity is None or f.severity.rank >= request.min_severity.rank)
            and gate.selects(f.rule_id)
        )
    ]
    clock = Phases(logger)
    summary = gate.apply(doc)
    clock.done("gate")
    return ScanResult(doc=doc, gate=summary, collected=collected)


def _collect(request: ScanRequest, config: GateConfig, on_event: Listener) -> list[Path]:
    collected: list[Path] = []
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    if request.aws is not None:
        collected.append(request.snapshots_dir / f"aws-{stamp}")
        aws = request.aws
        if aws.cost.enabled:  # the product tag: --cost-tag, else the config this scan reads
            aws = replace(aws, cost=replace(aws.cost, tag=cost_tag(aws.cost, config)))
        collect_aws(collected[-1], aws, on_event)
    if request.gcp is not None:
        collected.append(request.snapshots_dir / f"gcp-{stamp}")
        collect_gcp(collected[-1], request.gcp, on_event)
    for path in collected:
        on_event(Kept(path))
    return collected


@full_collections_paused()
def scan_snapshots(
    snaps: Sequence[Snapshot],
    ruleset: RuleSet,
    frameworks: Sequence[str] = (),
    on_event: Listener = ignore,
    *,
    product_tags: Sequence[str] | None = None,
    cost: CostSettings | None = None,
    parallel: Parallel | None = None,
) -> FindingsDocument:
    """Evaluate the rules over the snapshots' resources into a findings document (no gate).

    `frameworks` chooses the compliance sections (default: the `default` frameworks of the
    providers seen, the CIS benchmarks among the built-in ones).
    With `product_tags`, the same pass gathers headroom by product into `doc.capacity`
    (left None when the snapshots hold no capacity data). With `cost`, it gathers the
    list-price estimates too: `doc.cost` gets them with the snapshots' spend (None when
    there is neither), and the findings the budgets and thresholds of `cost` add.
    `parallel` says where the per-resource rules run (default: automatic, `Parallel`);
    the document is the same wherever they run.

    Raises:
        ConfigError: a framework id is unknown, or a bad `parallel.executor`.
        WorkerError: a worker died mid-scan, or runs another Python version.
    """
    ruleset.check_frameworks(frameworks)
    now = max(s.manifest.created_at for s in snaps)
    started = time.monotonic()
    headroom = Headroom(product_tags) if product_tags is not None else None
    costs = Costs(ruleset.prices, product_tags or ()) if cost is not None else None
    taps: list[Tap] = [t for t in (headroom, costs) if t is not None]
    outcome = _evaluate(snaps, ruleset, taps, now, on_event, parallel or Parallel())
    on_event(Evaluated(outcome.resource_count, len(ruleset.rules), time.monotonic() - started))
    clock = Phases(logger)
    errors = [e for s in snaps for e in s.manifest.errors]
    doc = build_document(
        outcome,
        ruleset,
        snapshots=[snapshot_summary(s) for s in snaps],
        errors=errors,
        frameworks=frameworks or None,
    )
    doc.capacity = headroom.report() if headroom is not None else None
    if costs is not None and cost is not None:
        doc.cost = costs.report(
            (r for s in snaps for r in s.iter_spend()),
            now,
            doc.findings,
            sources=sorted(
                {x for s in snaps if s.manifest.spend for x in s.manifest.spend.sources}
            ),
        )
        doc.findings = _merged(doc.findings, cost_findings(doc.cost, cost))
    clock.done("document, capacity and cost sections")
    return doc


def _evaluate(
    snaps: Sequence[Snapshot],
    ruleset: RuleSet,
    taps: Sequence[Tap],
    now: datetime,
    on_event: Listener,
    parallel: Parallel,
) -> ScanOutcome:
    """Evaluate here, or the per-resource rules partition by partition on a runner.

    `taps` (headroom, costs) see every resource in the same pass as the rules: here, or
    a fresh tap per partition in the workers, merged back in partition order.
    """

    def progress(n: int) -> None:
        on_event(Evaluating(n))

    count = sum(s.manifest.resource_count for s in snaps)
    files = [
        (str(f.absolute()), info.resources, n)
        for n, s in enumerate(snaps)
        for info, f in zip(s.manifest.partitions, s.files, strict=True)
    ]
    runner = None
    if ruleset.source is not None:  # a rule set built by hand cannot be loaded elsewhere
        runner = open_runner(parallel.workers, parallel.executor, count, len(files))
    if runner is None:
        resources: Iterator[Mapping[str, Any]] = _chain_resources(snaps)
        for tap in taps:
            resources = _through(resources, tap)
        return evaluate(ruleset, resources, now=now, progress=progress)
    try:
        assert ruleset.source is not None
        factories = [_fresh(tap) for tap in taps]
        results = _closing(runner.map(ruleset.source, files, now, factories), runner)
        parts = merged(results, taps, files)
        return evaluate(ruleset, (), now=now, progress=progress, parts=parts)
    finally:
        runner.close()


def _closing(results: Iterator[bytes], runner: Runner) -> Iterator[bytes]:
    """The results, the runner closed once the last is in: its workers' memory is free
    before the parent runs the graph rules and builds the findings."""
    yield from results
    runner.close()


def _through(resources: Iterator[Mapping[str, Any]], tap: Tap) -> Iterator[Mapping[str, Any]]:
    for resource in resources:
        tap.add(resource)
        yield resource


def _fresh(tap: Tap) -> Callable[[], Tap]:
    """A picklable factory of empty taps like `tap`, for the workers."""
    if isinstance(tap, Headroom):
        return functools.partial(Headroom, tap.product_tags)
    if isinstance(tap, Costs):
        return functools.partial(Costs, tap.prices, tap.product_tags)
    msg = f"no worker-side factory for {type(tap).__name__}"
    raise TypeError(msg)


def _merged(findings: list[Finding], more: list[Finding]) -> list[Finding]:
    """Findings of the rules with report-level ones, in the document's order."""
    if not more:
        return findings
    return sorted([*findings, *more], key=lambda f: (-f.severity.rank, f.rule_id, f.resource.id))


def snapshot_summary(snap: Snapshot) -> SnapshotSummary:
    """What a findings document records about a snapshot it judged."""
    return SnapshotSummary(
        path=str(snap.path),
        source=snap.manifest.source,
        created_at=snap.manifest.created_at,
        resources=snap.manifest.resource_count,
        scopes=snap.manifest.scopes,
    )


def _chain_resources(snaps: Sequence[Snapshot]) -> Iterator[dict[str, Any]]:
    for snap in snaps:
        yield from snap.iter_resources()
