"""The audit store on real databases: migrations, refusals, one transaction per audit,
concurrent writers (SQLite files and a PostgreSQL server; tests/audit/conftest.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, insert, select, text

from scanner.app.scan import ScanRequest, run_scan
from scanner.audit.connect import MIGRATIONS, open_database, resolve_url
from scanner.audit.history import diff_audits, show_audit
from scanner.audit.record import AuditRecord, ResourceRow, Scope, audit_record
from scanner.audit.schema import Audit, Base, FindingLifecycle
from scanner.audit.store import _audit_values, write_audit
from scanner.errors import ConfigError
from scanner.model import SpendRecord
from scanner.snapshot import SnapshotWriter, open_snapshot
from tests.audit.conftest import DEMO, demo_snapshot

T0 = datetime(2026, 11, 1, tzinfo=UTC)
_TABLES = Base.metadata.tables


@pytest.fixture(scope="module")
def demo_record() -> AuditRecord:
    result = run_scan(ScanRequest(snapshots=(DEMO,)))
    record = audit_record(
        result.doc,
        [open_snapshot(DEMO)],
        started_at=T0,
        finished_at=T0,
        trigger="test",
        rule_ids=result.doc.rule_stats,
    )
    return replace(record, resources=list(record.resources))


def _fresh(record: AuditRecord) -> AuditRecord:
    """A copy of the record for one write."""
    return replace(record, resources=list(record.resources))


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in Base.metadata.tables.items()
            }
    finally:
        engine.dispose()


def test_migrations_create_the_models_tables_from_an_empty_database(db_url: str) -> None:
    open_database(db_url).dispose()
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == "0002"
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diffs == []
    open_database(db_url).dispose()  # opening again: nothing to do


def test_a_store_of_the_first_schema_with_audits_migrates_up(
    db_url: str, demo_record: AuditRecord
) -> None:
    """0001 -> 0002: the lifecycle's resource types are filled in from the findings."""
    finding = demo_record.findings[0]
    engine = create_engine(db_url)
    with engine.begin() as conn:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        values = {k: v for k, v in _audit_values(demo_record).items() if k != "not_seen"}
        audit_id = conn.execute(
            insert(_TABLES["audits"]).values(**values).returning(_TABLES["audits"].c.id)
        ).scalar_one()
        conn.execute(
            insert(_TABLES["audit_findings"]).values(
                audit_id=1, **finding.__dict__, suppressed=False
            )
        )
        life = {
            k: getattr(finding, k) for k in ("fingerprint", "rule_id", "resource_id", "provider")
        }
        conn.execute(
            insert(_TABLES["finding_lifecycle"]).values(
                **life, account=finding.account, region=finding.region,
                severity=finding.severity, state="open", first_seen=T0, last_seen=T0,
                opened_at=T0, fixed_at=None, reopened_count=0, last_audit_id=audit_id,
            )
        )  # fmt: skip
    engine.dispose()
    db = open_database(db_url)
    with db.read() as conn:
        assert conn.execute(select(FindingLifecycle.resource_type)).scalars().all() == [
            finding.resource_type
        ]
        assert conn.execute(select(Audit.not_seen)).scalars().all() == [0]
    later = replace(_fresh(demo_record), observed_at=T0 + timedelta(days=1))
    assert write_audit(db, later) == audit_id + 1
    db.dispose()


def test_a_newer_schema_is_refused(db_url: str) -> None:
    open_database(db_url).dispose()
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(ConfigError, match=r"schema revision 0099 is newer than this pscan"):
        open_database(db_url)


def test_an_unreachable_server_and_bad_urls_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"cannot open it: .*") as err:
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/audits")
    assert "\n" not in str(err.value)
    with pytest.raises(ConfigError, match=r"cannot open it"):
        open_database(str(tmp_path / "no-such-dir" / "audits.sqlite"))
    with pytest.raises(ConfigError, match=r"not a database URL"):
        open_database("postgresql+psycopg://user@host:notaport/db")
    with pytest.raises(ConfigError, match=r"unsupported database 'mysql'"):
        open_database("mysql://user@host/db")
    with pytest.raises(ConfigError, match=r"--db postgresql\+nosuchdriver"):
        open_database("postgresql+nosuchdriver://user@host/db")


def test_the_default_store_is_a_sqlite_file_under_xdg_data_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PSCAN_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert resolve_url(None) == f"sqlite:///{tmp_path}/pscan/audits.sqlite"
    open_database(None).dispose()
    assert (tmp_path / "pscan" / "audits.sqlite").is_file()
    monkeypatch.setenv("PSCAN_DB", str(tmp_path / "other.sqlite"))
    assert resolve_url(None) == f"sqlite:///{tmp_path}/other.sqlite"
    assert resolve_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    open_database(url).dispose()
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
    engine.dispose()


def test_an_audit_interrupted_mid_write_leaves_no_rows(
    db_url: str, demo_record: AuditRecord
) -> None:
    rows = list(demo_record.resources)

    def interrupted() -> Iterator[ResourceRow]:
        yield from rows[:100]
        raise KeyboardInterrupt  # Ctrl-C half-way through the inventory

    db = open_database(db_url)
    with pytest.raises(KeyboardInterrupt):
        write_audit(db, replace(demo_record, resources=interrupted()))
    db.dispose()
    assert set(_counts(db_url).values()) == {0}


def test_an_audit_is_stored_whole(db_url: str, demo_record: AuditRecord) -> None:
    record = _fresh(demo_record)
    db = open_database(db_url)
    audit_id = write_audit(db, record)
    db.dispose()
    counts = _counts(db_url)
    assert audit_id == 1
    assert counts["audits"] == 1
    assert counts["audit_resources"] == 346
    found = len(record.findings)  # the demo scan's findings (every rule pack change moves it)
    assert found > 100
    assert counts["audit_findings"] == found
    assert counts["finding_lifecycle"] == found
    assert counts["finding_events"] == found  # all new
    assert counts["audit_frameworks"] == 4


def test_an_older_snapshot_after_a_newer_audit_is_refused(
    db_url: str, demo_record: AuditRecord
) -> None:
    db = open_database(db_url)
    write_audit(db, _fresh(demo_record))
    older = replace(_fresh(demo_record), observed_at=T0 - timedelta(days=1))
    with pytest.raises(ConfigError, match=r"in the order the estate was observed"):
        write_audit(db, older)
    db.dispose()


def test_an_audit_of_an_organisation_with_many_accounts(
    db_url: str, demo_record: AuditRecord
) -> None:
    """2,000 scopes: far more than a PostgreSQL index entry holds as one string."""
    many = [Scope("aws", f"{n:012d}", "eu-west-1") for n in range(2000)]
    record = replace(_fresh(demo_record), scopes=[*demo_record.scopes, *many])
    db = open_database(db_url)
    first = write_audit(db, record)
    second = write_audit(db, replace(record, observed_at=T0 + timedelta(days=7)))
    diff = diff_audits(db)
    db.dispose()
    assert (diff.before.id, diff.after.id) == (first, second)
    assert len(diff.after.scopes) == 2000 + len(demo_record.scopes) + 1  # + gcp: (no project)


def test_a_new_sqlite_store_opened_by_two_audits_at_once(tmp_path: Path) -> None:
    """Switching a new file to WAL fails at once, without the busy wait, while another
    connection switches it: one of two audits opening a new store together failed with
    "database is locked" about one time in five. Twenty new stores, two openers each."""
    errors: list[BaseException] = []

    def opener(url: str) -> None:
        try:
            open_database(url).dispose()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    for n in range(20):
        url = f"sqlite:///{tmp_path / f'audits-{n}.sqlite'}"
        threads = [threading.Thread(target=opener, args=(url,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert errors == []


def test_two_audits_written_at_once_are_both_stored_whole(
    db_url: str, demo_record: AuditRecord
) -> None:
    """Two writers, each with its own engine and connections, started together."""
    records = [_fresh(demo_record), _fresh(demo_record)]
    start = threading.Barrier(2)
    ids: list[int] = []
    errors: list[BaseException] = []

    def worker(record: AuditRecord) -> None:
        try:
            db = open_database(db_url)
            start.wait()
            ids.append(write_audit(db, record))
            db.dispose()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
            start.abort()  # the other writer stops waiting for this one

    threads = [threading.Thread(target=worker, args=(r,)) for r in records]
    for thread in threads:
        thread.start()
    for thread in threads:
        # generous: each write takes seconds, a loaded machine may stretch that many times
        thread.join(timeout=600)
    assert not any(t.is_alive() for t in threads), "a writer still waits after 10 minutes"
    assert errors == []
    assert sorted(ids) == [1, 2]
    counts = _counts(db_url)
    assert counts["audit_resources"] == 2 * 346
    found = len(records[0].findings)
    assert counts["audit_findings"] == 2 * found
    assert counts["finding_lifecycle"] == found
    # one of them saw every finding first: one "new" event a finding in all, never two
    assert counts["finding_events"] == found


def test_cost_figures_are_the_scans_own_cost_report(db_url: str, tmp_path: Path) -> None:
    """Net spend per month and currency (AWS unblended; GCP cost plus credits) exactly as the
    scan's cost section reported it, stored and read back; and each product's first
    capacity limit."""
    snap = demo_snapshot(tmp_path / "snap", T0)
    with SnapshotWriter(tmp_path / "spend", source="aws", created_at=T0) as writer:
        writer.add({"id": "arn:aws:s3:::b", "type": "aws.s3.bucket", "provider": "aws"})
        for provider, metric, amount, grouped in (
            ("aws", "unblended", "100.25", []),
            ("aws", "amortized", "999", []),  # another view of the same spend
            ("aws", "unblended", "60", ["service"]),  # a breakdown, not the total
            ("gcp", "cost", "50", []),
            ("gcp", "credits", "-5.5", []),
        ):
            writer.add_spend(
                SpendRecord(
                    provider=provider,
                    source="test",
                    month="2026-10",
                    grouped_by=grouped,
                    metric=metric,
                    amount=Decimal(amount),
                    currency="USD",
                    service="s3" if grouped else None,
                )
            )
    paths = (snap, tmp_path / "spend")
    result = run_scan(ScanRequest(snapshots=paths))
    record = audit_record(
        result.doc,
        [open_snapshot(p) for p in paths],
        started_at=T0,
        finished_at=T0,
        trigger="test",
        rule_ids=result.doc.rule_stats,
    )
    report = result.doc.cost
    assert report is not None and report.has_billing
    reported = {
        (kind, f"{m.month} {cur.currency}", float(m.net), cur.currency)
        for cur in report.currencies
        for m in cur.months
        for kind in ["cost_to_date" if m.partial else "cost"]
    }
    # the demo copy holds no spend: the records above are all of it
    assert {r for r in reported if r[0] == "cost"} == {("cost", "2026-10 USD", 144.75, "USD")}
    reported.add(("cost_estimate", "list price per month", float(report.estimated_monthly), "USD"))
    reported.add(("cost_waste", "cost findings per month", float(report.waste_monthly_usd), "USD"))
    db = open_database(db_url)
    detail = show_audit(db, write_audit(db, record))
    db.dispose()
    stored = {
        (f.kind, f.name, f.value, f.unit) for f in detail.figures if f.kind.startswith("cost")
    }
    assert stored == reported
    capacity = {f.name: f.value for f in detail.figures if f.kind == "capacity"}
    assert capacity["promotions"] == 98.0 and capacity["checkout"] == 6.67
