"""Writing audits: one transaction per audit, bulk inserts, the lifecycle moved forward.

`write_audit` inserts the audit row, streams the inventory in (COPY on PostgreSQL,
executemany batches on SQLite), inserts the findings, loads the lifecycle of the
accounts in scope, advances it (`scanner.audit.lifecycle`) and writes the changes and
events, then fills in the audit's counts. Any exception on the way, including one from
the resource stream, rolls everything back: an interrupted audit leaves no rows.

Audits are written in the order the estate was observed: an audit whose snapshots are
older than the last audit of an overlapping scope is refused, since the lifecycle
(first seen, fixed at) would run backwards.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import JSON, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from scanner.audit.connect import Database
from scanner.audit.lifecycle import LifeRow, Transition, advance
from scanner.audit.record import AuditRecord, FindingRow, ResourceRow, Scope, gap_of, scope_key
from scanner.audit.schema import (
    Audit,
    AuditCollectionError,
    AuditFigure,
    AuditFinding,
    AuditFramework,
    AuditResource,
    Base,
    FindingEvent,
    FindingLifecycle,
    UtcDateTime,
)
from scanner.errors import ConfigError

__all__ = ["PruneResult", "prune", "write_audit"]

logger = logging.getLogger(__name__)

_BATCH = 10_000
_LIFE = Base.metadata.tables["finding_lifecycle"]
_LIFE_COLUMNS = [c.name for c in _LIFE.columns]


def write_audit(db: Database, record: AuditRecord) -> int:
    """Store an audit in one transaction and return its id.

    Raises:
        ConfigError: the audit is older than the last stored audit of an overlapping scope.
    """
    with db.write() as conn:
        _check_order(conn, record)
        audit_id = conn.execute(
            insert(Audit).values(**_audit_values(record)).returning(Audit.id)
        ).scalar_one()
        inventory, accounts = _insert_inventory(db, conn, audit_id, record.resources)
        scopes = _full_scopes(record.scopes, accounts)
        _bulk(db, conn, _table("audit_findings"), (_finding(audit_id, f) for f in record.findings))
        _bulk(
            db,
            conn,
            _table("audit_frameworks"),
            ({"audit_id": audit_id, **fw.__dict__} for fw in record.frameworks),
        )
        _bulk(
            db,
            conn,
            _table("audit_figures"),
            ({"audit_id": audit_id, **fig.__dict__} for fig in record.figures),
        )
        _bulk(
            db,
            conn,
            _table("audit_collection_errors"),
            (
                {"audit_id": audit_id, "seq": n, **e.model_dump()}
                for n, e in enumerate(record.errors)
            ),
        )
        known = _load_lifecycle(conn, {s.account for s in scopes})
        gaps = [gap_of(e) for e in record.errors]
        change = advance(
            known, record.findings, scopes, inventory, record.observed_at, audit_id, gaps
        )
        _write_lifecycle(db, conn, change)
        conn.execute(
            update(Audit)
            .where(Audit.id == audit_id)
            .values(**_counts(record, scopes, len(inventory), change))
        )
    logger.info(
        "stored audit %s: %d resources, %d findings", audit_id, len(inventory), len(record.findings)
    )
    return audit_id


def _check_order(conn: Connection, record: AuditRecord) -> None:
    accounts = {(s.provider, s.account) for s in record.scopes}
    rows = conn.execute(select(Audit.id, Audit.observed_at, Audit.scopes)).all()
    for audit_id, observed_at, scopes in rows:
        theirs = {tuple(text.split(":")[:2]) for text in scopes}
        if observed_at > record.observed_at and theirs & accounts:
            msg = (
                f"the snapshots were taken at {record.observed_at:%Y-%m-%d %H:%M:%S}, before"
                f" audit {audit_id} of the same scope ({observed_at:%Y-%m-%d %H:%M:%S}):"
                " audits are stored in the order the estate was observed"
            )
            raise ConfigError(msg)


def _audit_values(record: AuditRecord) -> dict[str, Any]:
    return {
        "started_at": record.started_at,
        "finished_at": record.finished_at,
        "observed_at": record.observed_at,
        "trigger": record.trigger,
        "scope_key": "",
        "scopes": [],
        "providers": [],
        "accounts": [],
        "regions": [],
        "pscan_version": record.pscan_version,
        "rule_pack": record.rule_pack,
        "snapshot_digest": record.snapshot_digest,
        "snapshots": record.snapshots,
        "gate_fail_on": record.gate_fail_on,
        "gate_tripped": record.gate_tripped,
        "resources": 0,
        "findings": len(record.findings),
        "open_by_severity": {},
        "suppressed": 0,
        "new": 0,
        "reopened": 0,
        "fixed": 0,
        "gone": 0,
        "not_seen": 0,
    }


def _counts(
    record: AuditRecord, scopes: list[Scope], resources: int, change: Transition
) -> dict[str, Any]:
    failing = [f for f in record.findings if not f.is_error]
    by_severity: dict[str, int] = {}
    for f in failing:
        if f.suppression is None:
            by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
    return {
        "scope_key": scope_key(str(s) for s in scopes),
        "scopes": [str(s) for s in scopes],
        "providers": sorted({s.provider for s in scopes}),
        "accounts": sorted({s.account for s in scopes}),
        "regions": sorted({s.region for s in scopes if s.region}),
        "resources": resources,
        "open_by_severity": by_severity,
        "suppressed": sum(1 for f in failing if f.suppression is not None),
        "new": change.count("new"),
        "reopened": change.count("reopened"),
        "fixed": change.count("fixed"),
        "gone": change.count("resource_gone"),
        "not_seen": change.count("not_seen"),
    }


def _full_scopes(scopes: Sequence[Scope], accounts: set[tuple[str, str]]) -> list[Scope]:
    """The record's scopes plus each account with resources that none of them covers."""
    covered = {(s.provider, s.account) for s in scopes}
    extra = [Scope(p, a) for p, a in accounts if (p, a) not in covered]
    return sorted([*scopes, *extra], key=str)


def _insert_inventory(
    db: Database, conn: Connection, audit_id: int, resources: Iterable[ResourceRow]
) -> tuple[set[str], set[tuple[str, str]]]:
    ids: set[str] = set()
    accounts: set[tuple[str, str]] = set()

    def rows() -> Iterator[dict[str, Any]]:
        for res in resources:
            if res.resource_id in ids:  # the same resource in two snapshots: keep the first
                continue
            ids.add(res.resource_id)
            accounts.add((res.provider, res.account))
            yield {"audit_id": audit_id, **res.__dict__}

    _bulk(db, conn, _table("audit_resources"), rows())
    return ids, accounts


def _finding(audit_id: int, f: FindingRow) -> dict[str, Any]:
    return {"audit_id": audit_id, **f.__dict__, "suppressed": f.suppression is not None}


def _bulk(db: Database, conn: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> None:
    """Insert many rows: COPY on PostgreSQL, executemany in batches on SQLite.

    Tables without date columns go to the sqlite3 cursor directly, JSON encoded by
    orjson: SQLAlchemy's per-row parameter processing was a third of a 100k-resource
    audit's write time. The lifecycle's dates keep SQLAlchemy's UtcDateTime handling.
    """
    if db.dialect == "postgresql":
        _copy(conn, table, rows)
        return
    columns = [c.name for c in table.columns]
    json_columns = _json_columns(table)
    raw = None
    if not any(isinstance(c.type, UtcDateTime) for c in table.columns):
        raw = conn.connection.driver_connection
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    )
    batch: list[Any] = []
    for row in rows:
        if raw is None:
            batch.append(row)
        else:
            batch.append(tuple(_json(row[c]) if c in json_columns else row[c] for c in columns))
        if len(batch) >= _BATCH:
            _flush(conn, raw, table, sql, batch)
            batch = []
    if batch:
        _flush(conn, raw, table, sql, batch)


def _flush(conn: Connection, raw: Any, table: Table, sql: str, batch: list[Any]) -> None:
    if raw is None:
        conn.execute(insert(table), batch)
    else:
        raw.executemany(sql, batch)


def _json_columns(table: Table) -> set[str]:
    return {c.name for c in table.columns if isinstance(c.type, JSON)}


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _copy(conn: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> None:
    columns = [c.name for c in table.columns]
    json_columns = _json_columns(table)
    names = ", ".join(f'"{c}"' for c in columns)
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                [orjson.dumps(row[c]).decode() if c in json_columns else row[c] for c in columns]
            )


def _load_lifecycle(conn: Connection, accounts: set[str]) -> dict[str, LifeRow]:
    known: dict[str, LifeRow] = {}
    for chunk in _chunks(sorted(accounts), 500):
        result = conn.execute(select(_LIFE).where(_LIFE.c.account.in_(chunk)))
        for row in result.mappings():
            known[row["fingerprint"]] = LifeRow(**dict(row))
    return known


def _write_lifecycle(db: Database, conn: Connection, change: Transition) -> None:
    _bulk(db, conn, _LIFE, (r.as_row() for r in change.inserts))
    if change.updates:
        stmt = (
            update(_LIFE)
            .where(_LIFE.c.fingerprint == bindparam("b_fingerprint"))
            .values({c: bindparam(f"b_{c}") for c in _LIFE_COLUMNS if c != "fingerprint"})
        )
        for chunk in _chunks(change.updates, _BATCH):
            conn.execute(stmt, [{f"b_{k}": v for k, v in r.as_row().items()} for r in chunk])
    _bulk(db, conn, _table("finding_events"), iter(change.events))


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class PruneResult:
    """What `prune` removed."""

    def __init__(self, audits: int, lifecycle: int) -> None:
        self.audits = audits
        self.lifecycle = lifecycle


def prune(db: Database, before: datetime) -> PruneResult:
    """Delete audits observed before `before`, and the closed findings last seen before it.

    Open and suppressed findings are kept whatever their age: they are still there.
    """
    with db.write() as conn:
        old = select(Audit.id).where(Audit.observed_at < before).scalar_subquery()
        count = conn.execute(
            select(func.count()).select_from(Audit).where(Audit.observed_at < before)
        ).scalar_one()
        for table in (
            AuditFinding,
            AuditResource,
            AuditFramework,
            AuditFigure,
            AuditCollectionError,
            FindingEvent,
        ):
            conn.execute(delete(table).where(table.audit_id.in_(old)))
        conn.execute(delete(Audit).where(Audit.observed_at < before))
        gone = conn.execute(
            delete(FindingLifecycle).where(
                FindingLifecycle.last_seen < before,
                FindingLifecycle.state.in_(("fixed", "resource_gone")),
            )
        ).rowcount
    return PruneResult(count, gone)
