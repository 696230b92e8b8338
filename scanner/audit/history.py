"""Reading the audit store: list, show, the diff between two audits, trends.

Metric definitions (docs/audits.md says the same for users):

- *open*: failing findings not suppressed, per severity, as the audit found them.
- *new* / *reopened* / *fixed* / *resource gone* / *not seen*: the lifecycle events the
  audit made (`scanner.audit.lifecycle`).
- *compliance %* of a framework: controls passed / (passed + failed) x 100; controls not
  judged, manual or not covered are left out (null when none was judged).
- *time to fix* per severity: over the findings an audit marked `fixed` (not resource
  gone), from the start of their open period to that audit; the mean and the 90th
  percentile (nearest rank), in days.

A diff compares only findings and resources in the scope of both audits, so two audits
of different accounts never report each other's findings as fixed; a resource missing
from B where B's collection errors leave a gap is "not seen", neither removed nor gone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from scanner.audit.connect import Database
from scanner.audit.record import Gap, Scope, gap_of, in_gaps, in_scope, parse_scope, scope_key
from scanner.audit.schema import (
    Audit,
    AuditCollectionError,
    AuditFigure,
    AuditFinding,
    AuditFramework,
    AuditResource,
    FindingEvent,
)
from scanner.errors import ConfigError
from scanner.model import CollectionError, Severity

__all__ = [
    "AuditDetail",
    "AuditDiff",
    "AuditSummary",
    "FindingChange",
    "FixTime",
    "ResourceChange",
    "Trend",
    "TrendPoint",
    "diff_audits",
    "list_audits",
    "show_audit",
    "trend",
]

SEVERITIES = [s.value for s in sorted(Severity, key=lambda s: -s.rank)]


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AuditSummary(_View):
    """One stored audit, as listed."""

    id: int
    observed_at: datetime = Field(description="when the snapshots were taken")
    started_at: datetime
    finished_at: datetime
    trigger: str
    scopes: list[str]
    resources: int
    findings: int
    open: int
    open_by_severity: dict[str, int]
    suppressed: int
    new: int
    reopened: int
    fixed: int
    resource_gone: int
    not_seen: int = Field(description="open findings whose resource collection errors hid")
    gate_fail_on: str
    gate_tripped: bool
    pscan_version: str
    rule_pack: str
    snapshot_digest: str
    snapshots: list[str]


class FrameworkScore(_View):
    """Compliance with one framework in one audit."""

    framework: str
    passed: int
    failed: int
    controls: int
    percent: float | None


class Figure(_View):
    """A cost or capacity figure of an audit."""

    kind: str
    name: str
    value: float
    unit: str
    detail: str


class FindingChange(_View):
    """A finding in a diff or an audit's events."""

    fingerprint: str
    rule_id: str
    title: str
    severity: str
    resource_id: str
    resource_type: str
    account: str
    region: str


class AuditDetail(_View):
    """One audit with its compliance, figures and what it changed."""

    audit: AuditSummary
    frameworks: list[FrameworkScore]
    figures: list[Figure]
    collection_errors: int = Field(description="collection errors in the audit's snapshots")
    events: dict[str, list[FindingChange]] = Field(
        description="new, reopened, fixed, resource_gone, not_seen: the findings each event touched"
    )


class ResourceChange(_View):
    """A resource added, removed or changed between two audits."""

    resource_id: str
    type: str
    account: str
    region: str
    attributes: list[str] = Field(default_factory=list, description="changed attribute names")


class AuditDiff(_View):
    """What changed from audit A to audit B (in the scope both share)."""

    before: AuditSummary
    after: AuditSummary
    new: list[FindingChange]
    reopened: list[FindingChange]
    fixed: list[FindingChange]
    resource_gone: list[FindingChange]
    not_seen: list[FindingChange] = Field(
        description="failing in A, resource missing from B where B's collection failed"
    )
    still_open: list[FindingChange]
    resources_added: list[ResourceChange]
    resources_removed: list[ResourceChange]
    resources_not_seen: list[ResourceChange] = Field(
        description="in A, missing from B where B's collection failed: maybe still there"
    )
    resources_changed: list[ResourceChange]


class FixTime(_View):
    """Time to fix of one severity: over the findings fixed."""

    fixed: int
    mean_days: float
    p90_days: float


class TrendPoint(_View):
    """One audit in a trend."""

    audit_id: int
    observed_at: datetime
    scopes: list[str]
    open_by_severity: dict[str, int]
    open: int
    new: int
    reopened: int
    fixed: int
    resource_gone: int
    not_seen: int
    compliance: dict[str, float | None]
    time_to_fix: dict[str, FixTime]
    least_headroom: Figure | None = Field(description="the capacity first limit of least headroom")
    cost: list[Figure] = Field(
        description="the scan's cost report: cost (net spend of a full month), cost_to_date,"
        " cost_estimate (list prices), cost_waste (cost findings)"
    )


class Trend(_View):
    """Audits since a date, oldest first, and time to fix over the whole window."""

    since: datetime
    points: list[TrendPoint]
    time_to_fix: dict[str, FixTime]


def list_audits(db: Database, limit: int | None = None) -> list[AuditSummary]:
    """Stored audits, newest first."""
    with db.read() as connection, Session(connection) as conn:
        stmt = select(Audit).order_by(Audit.observed_at.desc(), Audit.id.desc()).limit(limit)
        return [_summary(row) for row in conn.execute(stmt).all()]


def show_audit(db: Database, audit_id: int) -> AuditDetail:
    """One audit in full.

    Raises:
        ConfigError: no audit has that id.
    """
    with db.read() as connection, Session(connection) as conn:
        audit = _get(conn, audit_id)
        frameworks = conn.execute(
            select(AuditFramework).where(AuditFramework.audit_id == audit_id)
        ).all()
        figures = conn.execute(select(AuditFigure).where(AuditFigure.audit_id == audit_id)).all()
        errors = conn.execute(
            select(func.count())
            .select_from(AuditCollectionError)
            .where(AuditCollectionError.audit_id == audit_id)
        ).scalar_one()
        events = _events(conn, audit_id)
    return AuditDetail(
        audit=audit,
        frameworks=[_score(row) for row in frameworks],
        figures=[_figure(row) for row in figures],
        collection_errors=errors,
        events=events,
    )


def _events(conn: Session, audit_id: int) -> dict[str, list[FindingChange]]:
    """The audit's events with their findings.

    New and reopened findings are in this audit's findings; fixed, gone and not seen ones
    are taken from the latest earlier audit that had them.
    """
    out: dict[str, list[FindingChange]] = {
        "new": [],
        "reopened": [],
        "fixed": [],
        "resource_gone": [],
        "not_seen": [],
    }
    opened = conn.execute(
        select(FindingEvent.event, AuditFinding)
        .join(
            AuditFinding,
            (AuditFinding.fingerprint == FindingEvent.fingerprint)
            & (AuditFinding.audit_id == FindingEvent.audit_id),
        )
        .where(FindingEvent.audit_id == audit_id)
    ).all()
    for event, finding in opened:
        out[event].append(_change(finding))
    closed = conn.execute(
        select(FindingEvent.event, AuditFinding)
        .join(AuditFinding, AuditFinding.fingerprint == FindingEvent.fingerprint)
        .where(
            FindingEvent.audit_id == audit_id,
            FindingEvent.event.in_(("fixed", "resource_gone", "not_seen")),
            AuditFinding.audit_id < audit_id,
        )
        .order_by(AuditFinding.audit_id.desc())
    ).all()
    seen: set[str] = set()
    for event, finding in closed:
        if finding.fingerprint not in seen:
            seen.add(finding.fingerprint)
            out[event].append(_change(finding))
    for changes in out.values():
        changes.sort(key=_order)
    return out


def diff_audits(db: Database, before: int | None = None, after: int | None = None) -> AuditDiff:
    """The changes from audit `before` to `after`.

    Defaults: `after` is the latest audit (or the one given alone), `before` the audit
    of the same scope just before it.

    Raises:
        ConfigError: an unknown id, or no earlier audit of the same scope to compare with.
    """
    with db.read() as connection, Session(connection) as conn:
        if after is None and before is not None:
            before, after = None, before
        b = _get(conn, after) if after is not None else _latest(conn)
        a = _get(conn, before) if before is not None else _previous(conn, b)
        scopes = [s for s in (parse_scope(t) for t in a.scopes) if s]
        scopes_b = [s for s in (parse_scope(t) for t in b.scopes) if s]
        fa = _findings(conn, a.id, scopes, scopes_b)
        fb = _findings(conn, b.id, scopes, scopes_b)
        ra = _inventory(conn, a.id, scopes, scopes_b)
        rb = _inventory(conn, b.id, scopes, scopes_b)
        appeared = [fb[k] for k in fb.keys() - fa.keys()]
        earlier = _seen_before(conn, a, [f.fingerprint for f in appeared])
        gaps = _gaps(conn, b.id)
    missing = {k for k in ra.keys() - rb.keys() if _hidden(gaps, ra[k])}
    closed = [fa[k] for k in fa.keys() - fb.keys()]
    return AuditDiff(
        before=a,
        after=b,
        new=_sorted(f for f in appeared if f.fingerprint not in earlier),
        reopened=_sorted(f for f in appeared if f.fingerprint in earlier),
        fixed=_sorted(f for f in closed if f.resource_id in rb),
        resource_gone=_sorted(
            f for f in closed if f.resource_id not in rb and f.resource_id not in missing
        ),
        not_seen=_sorted(f for f in closed if f.resource_id in missing),
        still_open=_sorted(fb[k] for k in fb.keys() & fa.keys()),
        resources_added=_resources(rb, rb.keys() - ra.keys()),
        resources_removed=_resources(ra, ra.keys() - rb.keys() - missing),
        resources_not_seen=_resources(ra, missing),
        resources_changed=_changed(ra, rb),
    )


def _gaps(conn: Session, audit_id: int) -> list[Gap]:
    """Where the audit's collection errors leave its snapshots incomplete."""
    rows = conn.execute(
        select(AuditCollectionError).where(AuditCollectionError.audit_id == audit_id)
    ).all()
    return [
        gap_of(
            CollectionError(
                provider=e.provider,
                account=e.account,
                region=e.region,
                service=e.service,
                operation=e.operation,
                code=e.code,
                message=e.message,
            )
        )
        for (e,) in rows
    ]


def _hidden(gaps: list[Gap], resource: AuditResource) -> bool:
    return in_gaps(gaps, resource.provider, resource.account, resource.region, resource.type)


def trend(db: Database, since: datetime) -> Trend:
    """Per audit observed since `since`, oldest first: open, events, compliance, fix times."""
    with db.read() as connection, Session(connection) as conn:
        audits = conn.execute(
            select(Audit).where(Audit.observed_at >= since).order_by(Audit.observed_at, Audit.id)
        ).all()
        ids = [row[0].id for row in audits]
        scores = _by_audit(conn, AuditFramework, ids)
        figures = _by_audit(conn, AuditFigure, ids)
        fixes = conn.execute(
            select(FindingEvent.audit_id, FindingEvent.severity, FindingEvent.open_seconds).where(
                FindingEvent.audit_id.in_(ids), FindingEvent.event == "fixed"
            )
        ).all()
    seconds: dict[int, dict[str, list[float]]] = {}
    for audit_id, severity, open_seconds in fixes:
        seconds.setdefault(audit_id, {}).setdefault(severity, []).append(open_seconds or 0.0)
    points = [
        _point(
            _summary(row),
            scores.get(row[0].id, []),
            figures.get(row[0].id, []),
            seconds.get(row[0].id, {}),
        )
        for row in audits
    ]
    window: dict[str, list[float]] = {}
    for per in seconds.values():
        for severity, values in per.items():
            window.setdefault(severity, []).extend(values)
    return Trend(since=since, points=points, time_to_fix=_fix_times(window))


def _point(
    audit: AuditSummary, scores: list[Any], figures: list[Any], seconds: dict[str, list[float]]
) -> TrendPoint:
    capacity = [_figure(f) for f in figures if f.kind == "capacity"]
    return TrendPoint(
        audit_id=audit.id,
        observed_at=audit.observed_at,
        scopes=audit.scopes,
        open_by_severity=audit.open_by_severity,
        open=audit.open,
        new=audit.new,
        reopened=audit.reopened,
        fixed=audit.fixed,
        resource_gone=audit.resource_gone,
        not_seen=audit.not_seen,
        compliance={s.framework: _score(s).percent for s in scores},
        time_to_fix=_fix_times(seconds),
        least_headroom=min(capacity, key=lambda f: f.value) if capacity else None,
        cost=[_figure(f) for f in figures if f.kind.startswith("cost")],
    )


def _fix_times(seconds: dict[str, list[float]]) -> dict[str, FixTime]:
    out = {}
    for severity in SEVERITIES:
        values = sorted(seconds.get(severity, []))
        if values:
            rank = max(1, math.ceil(0.9 * len(values)))  # nearest-rank percentile
            out[severity] = FixTime(
                fixed=len(values),
                mean_days=round(sum(values) / len(values) / 86400, 2),
                p90_days=round(values[rank - 1] / 86400, 2),
            )
    return out


def _by_audit(conn: Session, model: Any, ids: list[int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for (row,) in conn.execute(select(model).where(model.audit_id.in_(ids))).all():
        out.setdefault(row.audit_id, []).append(row)
    return out


def _get(conn: Session, audit_id: int) -> AuditSummary:
    row = conn.execute(select(Audit).where(Audit.id == audit_id)).first()
    if row is None:
        msg = f"audit {audit_id}: no such audit in the store (see pscan audit list)"
        raise ConfigError(msg)
    return _summary(row)


def _latest(conn: Session) -> AuditSummary:
    row = conn.execute(select(Audit).order_by(Audit.observed_at.desc(), Audit.id.desc())).first()
    if row is None:
        msg = "the audit store holds no audit yet (run pscan audit run first)"
        raise ConfigError(msg)
    return _summary(row)


def _previous(conn: Session, audit: AuditSummary) -> AuditSummary:
    row = conn.execute(
        select(Audit)
        .where(Audit.scope_key == scope_key(audit.scopes), Audit.id != audit.id)
        .where(Audit.observed_at <= audit.observed_at)
        .order_by(Audit.observed_at.desc(), Audit.id.desc())
    ).first()
    if row is None:
        msg = f"audit {audit.id}: no earlier audit of the same scope to compare with"
        raise ConfigError(msg)
    return _summary(row)


def _both(a: list[Scope], b: list[Scope], provider: str, account: str, region: str) -> bool:
    return in_scope(a, provider, account, region) and in_scope(b, provider, account, region)


def _findings(
    conn: Session, audit_id: int, a: list[Scope], b: list[Scope]
) -> dict[str, FindingChange]:
    """Failing findings (suppressed or not) in both scopes; errors say nothing, left out."""
    rows = conn.execute(select(AuditFinding).where(AuditFinding.audit_id == audit_id)).all()
    return {
        f.fingerprint: _change(f)
        for (f,) in rows
        if f.status == "fail" and _both(a, b, f.provider, f.account, f.region)
    }


def _inventory(conn: Session, audit_id: int, a: list[Scope], b: list[Scope]) -> dict[str, Any]:
    rows = conn.execute(select(AuditResource).where(AuditResource.audit_id == audit_id)).all()
    return {r.resource_id: r for (r,) in rows if _both(a, b, r.provider, r.account, r.region)}


def _seen_before(conn: Session, audit: AuditSummary, fingerprints: list[str]) -> set[str]:
    """Which fingerprints failed in an audit up to `audit` (inclusive): reopened, not new."""
    seen: set[str] = set()
    for start in range(0, len(fingerprints), 500):
        chunk = fingerprints[start : start + 500]
        stmt = (
            select(AuditFinding.fingerprint)
            .join(Audit, Audit.id == AuditFinding.audit_id)
            .where(AuditFinding.fingerprint.in_(chunk), AuditFinding.status == "fail")
            .where(Audit.observed_at <= audit.observed_at)
        )
        seen.update(conn.execute(stmt).scalars())
    return seen


def _resources(rows: dict[str, Any], ids: Iterable[str]) -> list[ResourceChange]:
    return sorted(
        (
            ResourceChange(
                resource_id=i, type=rows[i].type, account=rows[i].account, region=rows[i].region
            )
            for i in ids
        ),
        key=lambda r: (r.type, r.resource_id),
    )


def _changed(before: dict[str, Any], after: dict[str, Any]) -> list[ResourceChange]:
    out = []
    for rid in sorted(before.keys() & after.keys()):
        old, new = before[rid], after[rid]
        if old.digest != new.digest:
            keys = old.attributes.keys() | new.attributes.keys()
            names = sorted(k for k in keys if old.attributes.get(k) != new.attributes.get(k))
            out.append(
                ResourceChange(
                    resource_id=rid,
                    type=new.type,
                    account=new.account,
                    region=new.region,
                    attributes=names,
                )
            )
    return sorted(out, key=lambda r: (r.type, r.resource_id))


def _summary(row: Row[Any]) -> AuditSummary:
    a = row[0]
    return AuditSummary(
        id=a.id,
        observed_at=a.observed_at,
        started_at=a.started_at,
        finished_at=a.finished_at,
        trigger=a.trigger,
        scopes=list(a.scopes),
        resources=a.resources,
        findings=a.findings,
        open=sum(a.open_by_severity.values()),
        open_by_severity={s: a.open_by_severity.get(s, 0) for s in SEVERITIES},
        suppressed=a.suppressed,
        new=a.new,
        reopened=a.reopened,
        fixed=a.fixed,
        resource_gone=a.gone,
        not_seen=a.not_seen,
        gate_fail_on=a.gate_fail_on,
        gate_tripped=a.gate_tripped,
        pscan_version=a.pscan_version,
        rule_pack=a.rule_pack,
        snapshot_digest=a.snapshot_digest,
        snapshots=list(a.snapshots),
    )


def _score(row: Any) -> FrameworkScore:
    fw = row[0] if isinstance(row, Row) else row
    judged = fw.passed + fw.failed
    percent = round(100.0 * fw.passed / judged, 1) if judged else None
    return FrameworkScore(
        framework=fw.framework,
        passed=fw.passed,
        failed=fw.failed,
        controls=fw.controls,
        percent=percent,
    )


def _figure(row: Any) -> Figure:
    f = row[0] if isinstance(row, Row) else row
    return Figure(kind=f.kind, name=f.name, value=f.value, unit=f.unit, detail=f.detail)


def _change(f: AuditFinding) -> FindingChange:
    return FindingChange(
        fingerprint=f.fingerprint,
        rule_id=f.rule_id,
        title=f.title,
        severity=f.severity,
        resource_id=f.resource_id,
        resource_type=f.resource_type,
        account=f.account,
        region=f.region,
    )


def _order(f: FindingChange) -> tuple[int, str, str]:
    return (
        SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 99,
        f.rule_id,
        f.resource_id,
    )


def _sorted(items: Iterable[FindingChange]) -> list[FindingChange]:
    return sorted(items, key=_order)
