"""`pscan audit ...`: periodic audits kept in the audit store (scanner.audit).

`run_audit` opens the store first (a bad URL or an unreachable database fails before
anything slow), scans through `run_scan` (snapshots given, or collected with
`--aws`/`--gcp`), stores the audit in one transaction and returns it with the changes
since the previous audit of the same scope. The other use cases read the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from scanner.app.events import Listener, ignore
from scanner.app.scan import ScanRequest, ScanResult, run_scan
from scanner.audit.connect import Database, open_database
from scanner.audit.history import (
    AuditDetail,
    AuditDiff,
    AuditSummary,
    Trend,
    diff_audits,
    list_audits,
    show_audit,
    trend,
)
from scanner.audit.record import audit_record
from scanner.audit.report import AuditReport
from scanner.audit.store import PruneResult, prune, write_audit
from scanner.errors import ConfigError
from scanner.heap import full_collections_paused
from scanner.model import utcnow
from scanner.snapshot import open_snapshot

__all__ = [
    "AuditRequest",
    "AuditResult",
    "audit_diff",
    "audit_list",
    "audit_prune",
    "audit_report",
    "audit_show",
    "audit_trend",
    "parse_age",
    "run_audit",
]

_AGE = re.compile(r"^(\d+)([hdw])$")


@dataclass(frozen=True)
class AuditRequest:
    """What `pscan audit run` was asked to do."""

    scan: ScanRequest
    db: str | None = None  # --db; None: $PSCAN_DB, else the default SQLite file
    trigger: str = "manual"


@dataclass
class AuditResult:
    """The stored audit, its scan, and what changed since the previous audit of its scope."""

    audit: AuditDetail
    scan: ScanResult
    changes: AuditDiff | None


@contextmanager
def _store(db: str | None) -> Iterator[Database]:
    database = open_database(db)
    try:
        yield database
    finally:
        database.dispose()


@full_collections_paused()  # the scan's findings and the records built from them
def run_audit(request: AuditRequest, on_event: Listener = ignore) -> AuditResult:
    """Scan, store the audit, and return it.

    Raises:
        ConfigError: a bad database, or what `run_scan` raises for bad input.
    """
    with _store(request.db) as db:
        started = utcnow()
        result = run_scan(request.scan, on_event)
        snaps = [open_snapshot(p) for p in (*request.scan.snapshots, *result.collected)]
        record = audit_record(
            result.doc,
            snaps,
            started_at=started,
            finished_at=utcnow(),
            trigger=request.trigger,
            rule_ids=result.doc.rule_stats,
        )
        audit_id = write_audit(db, record)
        detail = show_audit(db, audit_id)
        changes = _changes(db, audit_id)
    return AuditResult(audit=detail, scan=result, changes=changes)


def _changes(db: Database, audit_id: int) -> AuditDiff | None:
    try:
        return diff_audits(db, audit_id)
    except ConfigError:  # the first audit of its scope
        return None


def audit_list(db: str | None, limit: int | None = None) -> list[AuditSummary]:
    """Stored audits, newest first."""
    with _store(db) as store:
        return list_audits(store, limit)


def audit_show(db: str | None, audit_id: int) -> AuditDetail:
    """One audit in full."""
    with _store(db) as store:
        return show_audit(store, audit_id)


def audit_diff(db: str | None, before: int | None = None, after: int | None = None) -> AuditDiff:
    """The changes between two audits (default: the last two of the same scope)."""
    with _store(db) as store:
        return diff_audits(store, before, after)


def audit_trend(db: str | None, since: str, now: datetime | None = None) -> Trend:
    """Trends over the audits observed in the last `since` (e.g. 90d)."""
    with _store(db) as store:
        return trend(store, (now or utcnow()) - parse_age(since, "--since"))


def audit_report(db: str | None, since: str = "365d") -> AuditReport:
    """The periodic audit report: the last audit, changes since the previous, trends."""
    with _store(db) as store:
        audits = list_audits(store, 1)
        if not audits:
            msg = "the audit store holds no audit yet (run pscan audit run first)"
            raise ConfigError(msg)
        last = show_audit(store, audits[0].id)
        changes = _changes(store, audits[0].id)
        history = trend(store, last.audit.observed_at - parse_age(since, "--since"))
    return AuditReport(last=last, changes=changes, trend=history)


def audit_prune(db: str | None, keep: str, now: datetime | None = None) -> PruneResult:
    """Delete audits older than `keep` (e.g. 365d)."""
    with _store(db) as store:
        return prune(store, (now or utcnow()) - parse_age(keep, "--keep"))


def parse_age(text: str, option: str) -> timedelta:
    """`90d`, `12w` or `48h` as a timedelta.

    Raises:
        ConfigError: any other shape.
    """
    match = _AGE.match(text.strip())
    if not match:
        msg = f"{option} {text!r}: give a number of hours, days or weeks, e.g. 48h, 90d, 12w"
        raise ConfigError(msg)
    value, unit = int(match.group(1)), match.group(2)
    return timedelta(**{{"h": "hours", "d": "days", "w": "weeks"}[unit]: value})
