"""The audit store's tables, as SQLAlchemy 2 declarative models.

The migrations in `migrations/versions/` create exactly these tables; a change here
needs a new migration (tests/audit/test_store.py compares the migrated database with
these models).

    audits             one row per stored audit: when, what scope, versions, gate, counts
    audit_findings     the findings of an audit (failing and erroring, suppressed or not)
    audit_resources    the inventory of an audit: resource id, type, scope, digests
    audit_frameworks   compliance per framework of an audit
    audit_figures      cost and capacity figures of an audit, for trends
    audit_collection_errors  the collection errors of an audit's snapshots
    finding_lifecycle  one row per finding ever seen: its current state and history
    finding_events     what an audit changed: new, reopened, fixed, resource_gone, and
                       not_seen (its resource missing where collection failed)
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "Audit",
    "AuditCollectionError",
    "AuditFigure",
    "AuditFinding",
    "AuditFramework",
    "AuditResource",
    "Base",
    "FindingEvent",
    "FindingLifecycle",
    "UtcDateTime",
]


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """The audit store's metadata."""


class Audit(Base):
    """One stored audit."""

    __tablename__ = "audits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime] = mapped_column(UtcDateTime)
    observed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    trigger: Mapped[str] = mapped_column(String(64))
    scope_key: Mapped[str] = mapped_column(Text, index=True)  # record.scope_key(scopes)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    providers: Mapped[list[str]] = mapped_column(JSON)
    accounts: Mapped[list[str]] = mapped_column(JSON)
    regions: Mapped[list[str]] = mapped_column(JSON)
    pscan_version: Mapped[str] = mapped_column(String(64))
    rule_pack: Mapped[str] = mapped_column(String(64))
    snapshot_digest: Mapped[str] = mapped_column(String(64))
    snapshots: Mapped[list[str]] = mapped_column(JSON)
    gate_fail_on: Mapped[str] = mapped_column(String(16))
    gate_tripped: Mapped[bool] = mapped_column(Boolean)
    resources: Mapped[int] = mapped_column(Integer)
    findings: Mapped[int] = mapped_column(Integer)
    open_by_severity: Mapped[dict[str, int]] = mapped_column(JSON)
    suppressed: Mapped[int] = mapped_column(Integer)
    new: Mapped[int] = mapped_column(Integer)
    reopened: Mapped[int] = mapped_column(Integer)
    fixed: Mapped[int] = mapped_column(Integer)
    gone: Mapped[int] = mapped_column(Integer)
    not_seen: Mapped[int] = mapped_column(Integer, server_default="0")


class AuditFinding(Base):
    """A finding of one audit."""

    __tablename__ = "audit_findings"

    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    rule_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    resource_id: Mapped[str] = mapped_column(Text)
    resource_type: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(16))
    account: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    suppressed: Mapped[bool] = mapped_column(Boolean)
    suppression: Mapped[str | None] = mapped_column(Text, nullable=True)


class AuditResource(Base):
    """A resource of one audit's inventory, with a digest per attribute for drift."""

    __tablename__ = "audit_resources"

    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), primary_key=True)
    resource_id: Mapped[str] = mapped_column(Text, primary_key=True)
    type: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(16))
    account: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))
    attributes: Mapped[dict[str, str]] = mapped_column(JSON)


class AuditFramework(Base):
    """Compliance with one framework in one audit."""

    __tablename__ = "audit_frameworks"

    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), primary_key=True)
    framework: Mapped[str] = mapped_column(String(200), primary_key=True)
    passed: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    controls: Mapped[int] = mapped_column(Integer)


class AuditFigure(Base):
    """A cost or capacity figure of one audit (kinds: `scanner.audit.record.FigureRow`)."""

    __tablename__ = "audit_figures"

    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)


class AuditCollectionError(Base):
    """A collection error of one audit's snapshots (scanner.model.CollectionError)."""

    __tablename__ = "audit_collection_errors"

    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    provider: Mapped[str] = mapped_column(String(16))
    account: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(64))
    service: Mapped[str] = mapped_column(String(200))
    operation: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)


class FindingLifecycle(Base):
    """A finding over its life: state open, fixed, suppressed or resource_gone."""

    __tablename__ = "finding_lifecycle"

    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(200))
    resource_id: Mapped[str] = mapped_column(Text)
    resource_type: Mapped[str] = mapped_column(String(200), server_default="")
    provider: Mapped[str] = mapped_column(String(16))
    account: Mapped[str] = mapped_column(String(200), index=True)
    region: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    fixed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    reopened_count: Mapped[int] = mapped_column(Integer)
    last_audit_id: Mapped[int] = mapped_column(Integer)


class FindingEvent(Base):
    """A change an audit made to a finding's state; fixes carry how long it was open."""

    __tablename__ = "finding_events"

    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    event: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    open_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
