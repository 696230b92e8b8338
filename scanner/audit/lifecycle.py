"""The finding lifecycle: how one audit moves each finding between states.

States: `open` (failing, not suppressed), `suppressed` (failing, covered by a
suppression), `fixed` (no longer failing, its resource still there) and `resource_gone`
(no longer failing because its resource disappeared: not a remediation).

An audit changes only findings *in its scope* (`scanner.audit.record.Scope`): an audit
of account A never marks account B's findings fixed; they keep their last known state.
A finding the audit could not judge (the rule errored on the resource) keeps its state,
and so does one whose resource is missing where a collection error leaves a gap
(`scanner.audit.record.Gap`): the audit did not see it, it may still be there.

Events, one per finding an audit changed: `new` (never seen before), `reopened` (was
fixed or gone, fails again), `fixed` and `resource_gone` (with the seconds it was open:
from the start of its current open period, first seen or last reopened, to this audit).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scanner.audit.record import FindingRow, Gap, Scope, in_gaps, in_scope

__all__ = ["ACTIVE", "LifeRow", "Transition", "advance"]

ACTIVE = ("open", "suppressed")  # states of a finding that is there


@dataclass
class LifeRow:
    """A finding_lifecycle row."""

    fingerprint: str
    rule_id: str
    resource_id: str
    resource_type: str
    provider: str
    account: str
    region: str
    severity: str
    state: str
    first_seen: datetime
    last_seen: datetime
    opened_at: datetime
    fixed_at: datetime | None
    reopened_count: int
    last_audit_id: int

    def as_row(self) -> dict[str, Any]:
        """Column values, for inserts and updates."""
        return dict(self.__dict__)


@dataclass
class Transition:
    """What to write: new lifecycle rows, changed ones, and the audit's events."""

    inserts: list[LifeRow] = field(default_factory=list)
    updates: list[LifeRow] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def count(self, event: str) -> int:
        """How many events of a kind."""
        return sum(1 for e in self.events if e["event"] == event)


def advance(
    known: dict[str, LifeRow],
    findings: Sequence[FindingRow],
    scopes: Iterable[Scope],
    inventory: set[str],
    at: datetime,
    audit_id: int,
    gaps: Sequence[Gap] = (),
) -> Transition:
    """Move the known findings (and the audit's new ones) to their state after this audit."""
    out = Transition()
    scopes = list(scopes)
    present: set[str] = set()
    for finding in findings:
        present.add(finding.fingerprint)
        if not finding.is_error:
            _seen(out, known.get(finding.fingerprint), finding, at, audit_id)
    for row in known.values():
        if row.fingerprint in present or row.state not in ACTIVE:
            continue
        if not in_scope(scopes, row.provider, row.account, row.region):
            continue
        if row.resource_id not in inventory and in_gaps(
            gaps, row.provider, row.account, row.region, row.resource_type
        ):
            out.events.append(_event(audit_id, row.fingerprint, "not_seen", row.severity))
            continue
        row.state = "fixed" if row.resource_id in inventory else "resource_gone"
        row.fixed_at = at
        row.last_audit_id = audit_id
        out.updates.append(row)
        seconds = (at - row.opened_at).total_seconds()
        out.events.append(_event(audit_id, row.fingerprint, row.state, row.severity, seconds))
    return out


def _seen(
    out: Transition, row: LifeRow | None, finding: FindingRow, at: datetime, audit_id: int
) -> None:
    state = "suppressed" if finding.suppression is not None else "open"
    if row is None:
        row = LifeRow(
            fingerprint=finding.fingerprint,
            rule_id=finding.rule_id,
            resource_id=finding.resource_id,
            resource_type=finding.resource_type,
            provider=finding.provider,
            account=finding.account,
            region=finding.region,
            severity=finding.severity,
            state=state,
            first_seen=at,
            last_seen=at,
            opened_at=at,
            fixed_at=None,
            reopened_count=0,
            last_audit_id=audit_id,
        )
        out.inserts.append(row)
        out.events.append(_event(audit_id, row.fingerprint, "new", row.severity))
        return
    if row.state not in ACTIVE:
        row.reopened_count += 1
        row.opened_at = at
        row.fixed_at = None
        out.events.append(_event(audit_id, row.fingerprint, "reopened", finding.severity))
    row.state = state
    row.severity = finding.severity
    row.last_seen = at
    row.last_audit_id = audit_id
    out.updates.append(row)


def _event(
    audit_id: int, fingerprint: str, event: str, severity: str, seconds: float | None = None
) -> dict[str, Any]:
    return {
        "audit_id": audit_id,
        "fingerprint": fingerprint,
        "event": event,
        "severity": severity,
        "open_seconds": seconds,
    }
