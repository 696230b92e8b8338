"""`pscan iac`: checkov on the IaC files, pscan's rules on the plan, one gated document.

This use case wires layers that may not import each other (a collector's plan resources
and the engine); the CLI only parses its options and prints what `run_iac` returns.

- **checkov** runs over the given paths (and the plan, as `terraform_plan`) through
  `scanner.checkov`; when it is missing or fails, the run goes on and says so.
- **pscan's rules** judge the planned resources (`scanner.collectors.terraform`). Findings
  get the file and lines of the resource's block in the `.tf` files when they can be
  found, so code scanning annotates the right line and inline ignores apply.
- **--against SNAPSHOT** overlays the plan on a live snapshot (`scanner.app.overlay`,
  streamed: the live estate is never held in memory). Both estates are evaluated; a
  finding of the overlaid estate is `is_new` when the live one lacks it, live findings
  that disappear are *fixed* (`scanner.gate.diff_findings`, as for baselines), and
  resources the internet reaches only after the change are new exposure paths. Fixed
  findings and exposures go to the gate as arguments; only the gate sets `doc.gate`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner import __version__
from scanner.app.gate import GateOptions, load_gate
from scanner.app.scan import RuleOptions, load_ruleset, snapshot_summary
from scanner.checkov import (
    DEFAULT_FRAMEWORKS,
    INSTALL_HINT,
    CheckovError,
    find_checkov,
    load_severity_map,
    report_to_findings,
    run_checkov,
    summarize,
)
from scanner.engine import RuleSet, build_document, evaluate
from scanner.errors import ConfigError
from scanner.gate import CheckovSettings, diff_findings, fixed_finding
from scanner.graph import ResourceGraph
from scanner.model import (
    CheckovRun,
    ExposurePath,
    Finding,
    FindingsDocument,
    FindingStatus,
    FixedFinding,
    GateSummary,
    Location,
    SnapshotSummary,
    utcnow,
)
from scanner.snapshot import open_snapshot
from scanner.storage import SnapshotPath

if TYPE_CHECKING:  # the plan reader is imported by the runs that read a plan
    from scanner.collectors.terraform import Plan, SourceBlock

__all__ = ["IacRequest", "IacResult", "run_iac"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IacRequest:
    """What `pscan iac` was asked to do."""

    paths: tuple[Path, ...] = ()
    plan: Path | None = None
    against: SnapshotPath | None = None
    rules: RuleOptions = field(default_factory=RuleOptions)
    run_checkov: bool = True
    gate: GateOptions = field(default_factory=GateOptions)
    frameworks: tuple[str, ...] = ()
    cwd: Path | None = None


@dataclass
class _Judged:
    """The findings document before the gate, and what the change fixes and exposes."""

    doc: FindingsDocument
    fixed: list[FixedFinding] = field(default_factory=list)  # gone after the change
    exposures: list[ExposurePath] = field(default_factory=list)  # reachable only after it
    seconds: dict[str, float] = field(default_factory=dict)
    plan_changes: int = 0  # resource instances in the plan


@dataclass
class IacResult(_Judged):
    """The gated findings document, what the change fixes and exposes, and what it took."""

    gate: GateSummary = field(kw_only=True)


@dataclass(frozen=True)
class _Run:
    """A request with its rules and settings resolved."""

    request: IacRequest
    ruleset: RuleSet
    checkov: CheckovSettings
    frameworks: tuple[str, ...]
    cwd: Path


def run_iac(request: IacRequest) -> IacResult:
    """Run checkov and pscan's rules, then the gate, into one findings document.

    Raises:
        ConfigError: nothing to scan, `against` without a plan, or a bad gate config.
        RuleLoadError, SnapshotError: bad rules or a bad live snapshot.
    """
    if not request.paths and request.plan is None:
        msg = "give IaC PATHS to scan, --plan plan.json, or both"
        raise ConfigError(msg)
    if request.against is not None and request.plan is None:
        msg = "--against needs --plan: the plan is what is overlaid on the snapshot"
        raise ConfigError(msg)
    gate = load_gate(request.gate)
    run = _Run(
        request=request,
        ruleset=gate.select(gate.tune(load_ruleset(request.rules))),
        checkov=gate.config.checkov,
        frameworks=request.frameworks or tuple(gate.config.frameworks),
        cwd=(request.cwd or Path.cwd()).resolve(),
    )
    run.ruleset.check_frameworks(run.frameworks)
    judged = _judge(run)
    against = str(request.against) if request.against is not None else None
    summary = gate.apply(
        judged.doc, fixed=judged.fixed, exposures=judged.exposures, against=against
    )
    return IacResult(**vars(judged), gate=summary)


def _judge(run: _Run) -> _Judged:
    """checkov and pscan's rules into one findings document (not yet gated)."""
    request = run.request
    result = _Judged(doc=FindingsDocument(tool_version=__version__))
    pscan_findings: list[Finding] = []
    if request.plan is not None:
        # Imported here: the plan reader (and the secret scanner it uses) take a while to
        # import, and a run of checkov alone needs neither.
        from scanner.app.overlay import planned_dicts
        from scanner.collectors.terraform import locate_sources, read_plan

        started = time.monotonic()
        plan = read_plan(request.plan)
        result.plan_changes = len(plan.changes)
        blocks = locate_sources(plan, list(request.paths), run.cwd, plan_dir=request.plan.parent)
        if request.against is not None:
            doc, result.fixed, result.exposures = _overlay_scan(plan, run, blocks)
        else:
            outcome = evaluate(run.ruleset, planned_dicts(plan), now=utcnow())
            doc = build_document(
                outcome,
                run.ruleset,
                snapshots=[_plan_summary(plan, request.plan)],
                frameworks=run.frameworks or None,
            )
        _locate(doc.findings, plan, blocks)
        result.doc = doc
        pscan_findings = doc.findings
        result.seconds["pscan"] = time.monotonic() - started
    checkov_findings, checkov_run = _checkov(run)
    result.doc.checkov = checkov_run
    if checkov_run.status == "ok":
        result.seconds["checkov"] = checkov_run.seconds
    result.doc.findings = sorted(
        [*pscan_findings, *checkov_findings],
        key=lambda f: (-f.severity.rank, f.source, f.rule_id, f.resource.id),
    )
    return result


# ---------------------------------------------------------------------- checkov
def _checkov(run: _Run) -> tuple[list[Finding], CheckovRun]:
    request, settings, cwd = run.request, run.checkov, run.cwd
    frameworks = list(settings.frameworks or DEFAULT_FRAMEWORKS)
    if not request.run_checkov or not settings.enabled:
        return [], CheckovRun(status="disabled", message="checkov was not run (--skip-checkov)")
    targets = list(request.paths)
    if request.plan is not None and not any(_inside(request.plan, p) for p in targets):
        targets.append(request.plan)
    if not targets:
        return [], CheckovRun(status="disabled", message="no IaC paths given")
    discovery = find_checkov(settings.path, cwd)
    if discovery.executable is None:
        logger.warning("%s", INSTALL_HINT)
        return [], CheckovRun(status="missing", message=INSTALL_HINT, frameworks=frameworks)
    try:
        reports, seconds = run_checkov(
            targets,
            executable=discovery.executable,
            frameworks=frameworks,
            timeout=settings.timeout,
            cwd=cwd,
        )
    except CheckovError as exc:
        logger.warning("checkov failed: %s", exc)
        return [], CheckovRun(
            status="failed",
            message=str(exc),
            executable=str(discovery.executable),
            frameworks=frameworks,
        )
    severities = load_severity_map().with_overrides(settings.severity)
    findings, skipped = report_to_findings(reports, severities, cwd)
    return findings, summarize(
        reports, skipped, executable=discovery.executable, frameworks=frameworks, seconds=seconds
    )


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------- pscan on the plan
def _plan_summary(plan: Plan, path: Path) -> SnapshotSummary:
    return SnapshotSummary(
        path=str(path),
        source=f"terraform-plan (terraform {plan.terraform_version})"
        if plan.terraform_version
        else "terraform-plan",
        resources=len(plan.resources),
    )


def _locate(findings: list[Finding], plan: Plan, blocks: Mapping[str, SourceBlock]) -> None:
    for finding in findings:
        if finding.location is None:
            finding.location = _location(plan, finding.resource.id, blocks)


def _location(plan: Plan, plan_id: str, blocks: Mapping[str, SourceBlock]) -> Location | None:
    """The file and lines of the first block of the plan's resource that could be found."""
    for address in plan.sources.get(plan_id, ()):
        block = blocks.get(address)
        if block is not None:
            return Location(file=block.file, start_line=block.start_line, end_line=block.end_line)
    return None


# ---------------------------------------------------------------------- the overlay
def _overlay_scan(
    plan: Plan, run: _Run, blocks: Mapping[str, SourceBlock]
) -> tuple[FindingsDocument, list[FixedFinding], list[ExposurePath]]:
    """Judge the live estate before and after the plan, streaming the snapshot each time."""
    from scanner.app.overlay import feed_graph, new_exposures, overlay

    request = run.request
    assert request.against is not None
    snapshot = open_snapshot(request.against)
    change = overlay(plan, snapshot.iter_resources())
    now: datetime = snapshot.manifest.created_at
    known, exposed_before = _judge_live(run.ruleset, snapshot.iter_resources(), now)
    graph = ResourceGraph()
    estate = change.after(snapshot.iter_resources())
    after = evaluate(run.ruleset, feed_graph(graph, estate), now=now)
    exposures = new_exposures(exposed_before, graph)
    diff = diff_findings(known, after.findings)
    diff.mark()
    # Findings on live ids point back at the plan's blocks through the renamed map.
    back = {live_id: plan_id for plan_id, live_id in change.renamed.items()}
    for finding in after.findings:
        plan_id = back.get(finding.resource.id)
        location = _location(plan, plan_id, blocks) if plan_id is not None else None
        if location is not None:
            finding.location = location
    summaries = [
        _plan_summary(plan, request.plan) if request.plan else None,
        snapshot_summary(snapshot),
    ]
    doc = build_document(
        after,
        run.ruleset,
        snapshots=[s for s in summaries if s is not None],
        errors=snapshot.manifest.errors,
        frameworks=run.frameworks or None,
    )
    return doc, diff.fixed, exposures


def _judge_live(
    ruleset: RuleSet, live: Iterable[Mapping[str, Any]], now: datetime
) -> tuple[list[FixedFinding], set[str]]:
    """The live estate's failing findings (kept small: what `fixed` reports) and exposure.

    Only these leave the pass, so the live estate's findings and graphs are freed before
    the estate after the change is judged.
    """
    from scanner.app.overlay import exposed_ids, feed_graph

    graph = ResourceGraph()
    outcome = evaluate(ruleset, feed_graph(graph, live), now=now)
    known = [fixed_finding(f) for f in outcome.findings if f.status is FindingStatus.FAIL]
    return known, exposed_ids(graph)
