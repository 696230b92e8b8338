"""`pscan iac`: checkov on the IaC files, pscan's rules on the plan, one findings document.

This module wires layers that may not import each other (a collector's plan resources and
the engine), so it sits above the engine in the import-linter layers, below the CLI.

- **checkov** runs over the given paths (and the plan, as `terraform_plan`) through
  `scanner.checkov`; when it is missing or fails, the run goes on and says so.
- **pscan's rules** judge the planned resources (`scanner.collectors.terraform`). Findings
  get the file and lines of the resource's block in the `.tf` files when they can be
  found, so code scanning annotates the right line and inline ignores apply.
- **--against SNAPSHOT** overlays the plan on a live snapshot: planned resources replace
  the live ones they manage (matched by known id or name), partial ones (a rule added to
  an existing security group) merge into them, deletions remove them. Both estates are
  evaluated; a finding of the overlaid estate is `is_new` when the live one lacks it,
  live findings that disappear are *fixed*, and resources the internet reaches only
  after the change are reported as new exposure paths.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from scanner import __version__
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
from scanner.collectors.terraform import (
    REF_PREFIX,
    Plan,
    SourceBlock,
    locate_sources,
    read_plan,
)
from scanner.engine import RuleSet, build_document, evaluate
from scanner.gate import CheckovSettings
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
    ResourceRef,
    SnapshotSummary,
    is_unknown,
    utcnow,
)
from scanner.snapshot import open_snapshot

__all__ = ["IacRequest", "IacResult", "overlay", "run_iac"]

logger = logging.getLogger(__name__)


@dataclass
class IacRequest:
    """What `pscan iac` was asked to do."""

    paths: list[Path]
    ruleset: RuleSet
    plan: Path | None = None
    against: Path | None = None
    run_checkov: bool = True
    checkov: CheckovSettings = field(default_factory=CheckovSettings)
    frameworks: Sequence[str] | None = None
    cwd: Path | None = None


@dataclass
class IacResult:
    """The findings document and what it took."""

    doc: FindingsDocument
    fixed: list[FixedFinding] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    plan_changes: int = 0  # resource instances in the plan


def run_iac(request: IacRequest) -> IacResult:
    """Run checkov and pscan's rules; return one findings document (gate not yet applied)."""
    cwd = (request.cwd or Path.cwd()).resolve()
    result = IacResult(doc=FindingsDocument(tool_version=__version__))
    pscan_findings: list[Finding] = []
    if request.plan is not None:
        started = time.monotonic()
        plan = read_plan(request.plan)
        result.plan_changes = len(plan.changes)
        blocks = locate_sources(plan, request.paths, cwd, plan_dir=request.plan.parent)
        if request.against is not None:
            doc, fixed, exposures = _overlay_scan(plan, request, blocks)
            result.fixed = fixed
            doc.gate = GateSummary(
                fail_on="none", tripped=False, counted=0, new_exposures=exposures
            )
        else:
            outcome = evaluate(request.ruleset, _dicts(plan.resources), now=utcnow())
            doc = build_document(
                outcome,
                request.ruleset,
                snapshots=[_plan_summary(plan, request.plan)],
                frameworks=request.frameworks or None,
            )
        _locate(doc.findings, plan, blocks)
        result.doc = doc
        pscan_findings = doc.findings
        result.seconds["pscan"] = time.monotonic() - started
    checkov_findings, run = _checkov(request, cwd)
    result.doc.checkov = run
    if run.status == "ok":
        result.seconds["checkov"] = run.seconds
    result.doc.findings = sorted(
        [*pscan_findings, *checkov_findings],
        key=lambda f: (-f.severity.rank, f.source, f.rule_id, f.resource.id),
    )
    return result


# ---------------------------------------------------------------------- checkov
def _checkov(request: IacRequest, cwd: Path) -> tuple[list[Finding], CheckovRun]:
    settings = request.checkov
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
def _dicts(resources: Iterable[Any]) -> list[dict[str, Any]]:
    return [r.model_dump(mode="json", exclude_none=True) for r in resources]


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
        if finding.location is not None:
            continue
        for address in plan.sources.get(finding.resource.id, ()):
            block = blocks.get(address)
            if block is not None:
                finding.location = Location(
                    file=block.file, start_line=block.start_line, end_line=block.end_line
                )
                break


# ---------------------------------------------------------------------- the overlay
@dataclass
class Overlay:
    """The live estate before and after the plan, and how plan ids map to live ids."""

    before: list[dict[str, Any]]
    after: list[dict[str, Any]]
    renamed: dict[str, str]  # plan id (tf://, ref:) -> live id


def _keys(resource: Mapping[str, Any]) -> set[str]:
    """Ids and names a live resource may be referred to by in a plan."""
    rid = str(resource["id"])
    keys = {rid, rid.rsplit("/", 1)[-1], rid.rsplit(":", 1)[-1]}
    name = resource.get("name")
    if name:
        keys.add(str(name))
    attrs = resource.get("attributes") or {}
    for attr in ("group_id", "email", "arn"):
        value = attrs.get(attr)
        if isinstance(value, str) and value:
            keys.add(value)
    return keys


def overlay(plan: Plan, live: Sequence[Mapping[str, Any]]) -> Overlay:
    """Apply the plan's changes to the live resources (both given as snapshot dicts)."""
    index: dict[tuple[str, str], str] = {}
    by_id: dict[str, dict[str, Any]] = {}
    for resource in live:
        by_id[str(resource["id"])] = dict(resource)
        for key in _keys(resource):
            index.setdefault((str(resource["type"]), key), str(resource["id"]))
    renamed: dict[str, str] = {}
    planned = _dicts(plan.resources)
    for resource in planned:
        rid = resource["id"]
        keys = plan.identities.get(rid, [])
        if rid.startswith(REF_PREFIX):
            keys = [rid.split(":", 2)[2]]
        live_id = next(
            (index[(resource["type"], k)] for k in keys if (resource["type"], k) in index), None
        )
        if live_id is not None:
            renamed[rid] = live_id

    def target(value: str) -> str:
        if value in renamed:
            return renamed[value]
        if value.startswith(REF_PREFIX):
            rtype, _, key = value[len(REF_PREFIX) :].partition(":")
            return index.get((rtype, key), value)
        return value

    after = {rid: dict(resource) for rid, resource in by_id.items()}
    for change in plan.changes:
        if change.is_delete and change.resource_id is not None:
            keys = plan.identities.get(change.resource_id, [])
            rtype = _type_of(plan, change.resource_id)
            for key in keys:
                live_id = index.get((rtype, key))
                if live_id is not None:
                    after.pop(live_id, None)
    for resource in planned:
        resource["relations"] = [
            {**rel, "target": target(rel["target"])} for rel in resource.get("relations") or ()
        ]
        rid = resource["id"]
        live_id = renamed.get(rid)
        if live_id is None:
            after[rid] = resource
        elif rid in plan.partial:
            after[live_id] = _merge_partial(after.get(live_id) or by_id[live_id], resource)
        else:
            after[live_id] = _replace(by_id[live_id], resource)
    return Overlay(before=list(by_id.values()), after=list(after.values()), renamed=renamed)


def _type_of(plan: Plan, rid: str) -> str:
    for resource in (*plan.prior, *plan.resources):
        if resource.id == rid:
            return resource.type
    return ""


def _replace(live: Mapping[str, Any], planned: Mapping[str, Any]) -> dict[str, Any]:
    """The planned resource under the live id; live relations of other kinds are kept."""
    out = dict(planned)
    out["id"] = live["id"]
    for key in ("account", "region", "name"):
        if not out.get(key) or out.get(key) == "global":
            out[key] = live.get(key, out.get(key))
    attrs = dict(live.get("attributes") or {})
    for key, value in (planned.get("attributes") or {}).items():
        if not is_unknown(value):
            attrs[key] = value
    out["attributes"] = attrs
    kinds = {r["type"] for r in planned.get("relations") or ()}
    kept = [r for r in live.get("relations") or () if r["type"] not in kinds]
    out["relations"] = [*kept, *(planned.get("relations") or ())]
    return out


def _merge_partial(live: Mapping[str, Any], partial: Mapping[str, Any]) -> dict[str, Any]:
    """A live resource with what the plan adds to it (list entries, known values)."""
    out = dict(live)
    attrs = dict(live.get("attributes") or {})
    for key, value in (partial.get("attributes") or {}).items():
        if isinstance(value, list):
            added = [v for v in value if not is_unknown(v)]
            current = attrs.get(key)
            existing: list[Any] = current if isinstance(current, list) else []
            attrs[key] = [*existing, *(v for v in added if v not in existing)]
        elif not is_unknown(value):
            attrs[key] = value
    out["attributes"] = attrs
    relations = list(live.get("relations") or ())
    seen = {
        (r["type"], r["target"], repr(sorted((r.get("properties") or {}).items())))
        for r in relations
    }
    for rel in partial.get("relations") or ():
        key = (rel["type"], rel["target"], repr(sorted((rel.get("properties") or {}).items())))
        if key not in seen:
            relations.append(rel)
            seen.add(key)
    out["relations"] = relations
    return out


def _overlay_scan(
    plan: Plan, request: IacRequest, blocks: Mapping[str, SourceBlock]
) -> tuple[FindingsDocument, list[FixedFinding], list[ExposurePath]]:
    assert request.against is not None
    snapshot = open_snapshot(request.against)
    live = list(snapshot.iter_resources())
    result = overlay(plan, live)
    now: datetime = snapshot.manifest.created_at
    before = evaluate(request.ruleset, result.before, now=now)
    after = evaluate(request.ruleset, result.after, now=now)
    known = {f.fingerprint for f in before.findings if f.status is FindingStatus.FAIL}
    present = {f.fingerprint for f in after.findings}
    for finding in after.findings:
        if finding.status is FindingStatus.FAIL:
            finding.is_new = finding.fingerprint not in known
    fixed = [
        FixedFinding(
            fingerprint=f.fingerprint,
            rule_id=f.rule_id,
            title=f.title,
            severity=f.severity,
            resource=f.resource,
        )
        for f in before.findings
        if f.status is FindingStatus.FAIL and f.fingerprint not in present
    ]
    exposures = _new_exposures(result)
    # Findings on live ids point back at the plan's blocks through the renamed map.
    back = {live_id: plan_id for plan_id, live_id in result.renamed.items()}
    for finding in after.findings:
        plan_id = back.get(finding.resource.id)
        if plan_id is not None:
            for address in plan.sources.get(plan_id, ()):
                block = blocks.get(address)
                if block is not None:
                    finding.location = Location(
                        file=block.file, start_line=block.start_line, end_line=block.end_line
                    )
                    break
    summaries = [
        _plan_summary(plan, request.plan) if request.plan else None,
        SnapshotSummary(
            path=str(request.against),
            source=snapshot.manifest.source,
            created_at=snapshot.manifest.created_at,
            resources=snapshot.manifest.resource_count,
            scopes=snapshot.manifest.scopes,
        ),
    ]
    doc = build_document(
        after,
        request.ruleset,
        snapshots=[s for s in summaries if s is not None],
        errors=snapshot.manifest.errors,
        frameworks=request.frameworks or None,
    )
    return doc, fixed, exposures


def _new_exposures(result: Overlay) -> list[ExposurePath]:
    before = ResourceGraph.build(result.before).exposed_nodes()
    graph = ResourceGraph.build(result.after)
    out = []
    for node_id, path in sorted(graph.exposed_nodes().items()):
        if node_id in before or not graph.node(node_id).get("resource"):
            continue
        data = graph.node(node_id)
        out.append(
            ExposurePath(
                resource=ResourceRef(
                    id=node_id,
                    type=str(data.get("type", "")),
                    name=str(data.get("name", "")),
                    provider=str(data.get("provider", "")),
                    account=str(data.get("account", "")),
                    region=str(data.get("region", "")),
                ),
                path=list(path),
            )
        )
    return out
