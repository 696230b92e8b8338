"""Opening the audit store: which database, a working connection, the schema brought up to date.

The database is `--db`, else the `PSCAN_DB` environment variable, else the SQLite file
`$XDG_DATA_HOME/pscan/audits.sqlite` (`~/.local/share/pscan/audits.sqlite`). A value
with `://` is a SQLAlchemy URL (`sqlite:///path`, `postgresql+psycopg://user@host/db`);
anything else is the path of a SQLite file.

SQLite runs in WAL mode with a busy timeout; writes begin with `BEGIN IMMEDIATE`, so
two audits written at once take turns instead of failing half-way. On PostgreSQL,
migrations and audit writes take a transaction-level advisory lock for the same reason.

Every failure to open is one `ConfigError` line: a bad URL, an unreachable server, a
file that cannot be opened, a schema newer than this pscan.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from scanner.errors import ConfigError

__all__ = [
    "DB_ENV",
    "MIGRATIONS",
    "Database",
    "default_db_path",
    "open_database",
    "resolve_url",
]

logger = logging.getLogger(__name__)

DB_ENV = "PSCAN_DB"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# pg_advisory_xact_lock keys: one for migrations, one for audit writes ("pscan" in ASCII).
_MIGRATE_LOCK = 0x7073_6361_6E01
_WRITE_LOCK = 0x7073_6361_6E02
# How long a SQLite writer waits for another audit's write: longer than the longest write
# (a 1M-resource audit takes about a minute, bench/RESULTS.md; more on a loaded machine),
# as PostgreSQL's advisory lock waits with no limit. A minute made the second of two
# large audits started together fail after its whole scan.
_BUSY_MS = 30 * 60_000
_WAL_RETRY_S = 0.02


def default_db_path() -> Path:
    """`$XDG_DATA_HOME/pscan/audits.sqlite`, or `~/.local/share/pscan/audits.sqlite`."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "pscan" / "audits.sqlite"


def resolve_url(db: str | None) -> str:
    """The database URL: `db`, else $PSCAN_DB, else the default SQLite file."""
    value = db or os.environ.get(DB_ENV) or ""
    if "://" in value:
        return value
    path = Path(value) if value else default_db_path()
    if not value:
        path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


class Database:
    """An engine on the audit store, with write transactions that serialise writers."""

    def __init__(self, engine: Engine, display: str) -> None:
        self.engine = engine
        self.display = display  # the URL without its password, for messages

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @contextmanager
    def write(self, lock: int = _WRITE_LOCK) -> Iterator[Connection]:
        """One write transaction: committed on success, rolled back on any exception."""
        with self.engine.connect() as conn:
            conn.execution_options(pscan_write=True)
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock})
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (never blocks writers on SQLite in WAL mode)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        """Close the pooled connections."""
        self.engine.dispose()


def open_database(db: str | None) -> Database:
    """Connect, migrate an older (or empty) schema up, and refuse a newer one.

    Raises:
        ConfigError: a bad URL, an unreachable database, or a schema newer than this pscan.
    """
    url = resolve_url(db)
    database = Database(_engine(url), _display(url))
    try:
        with database.write(_MIGRATE_LOCK) as conn:
            _migrate(conn, database.display)
    except DBAPIError as exc:
        database.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        msg = f"audit database {database.display}: cannot open it: {reason}"
        raise ConfigError(msg) from None
    except ConfigError:
        database.dispose()
        raise
    return database


def _display(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url


def _engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        msg = f"--db {url!r}: not a database URL (use a file path, sqlite:///PATH or postgresql+psycopg://USER@HOST/DB)"
        raise ConfigError(msg) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        msg = f"--db {_display(url)}: unsupported database {backend!r} (use SQLite or PostgreSQL)"
        raise ConfigError(msg)
    kwargs: dict[str, Any] = {}
    if backend == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": 10}
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        msg = f"--db {_display(url)}: {exc}"
        raise ConfigError(msg) from None
    if backend == "sqlite":
        _sqlite_pragmas(engine)
    return engine


def _sqlite_pragmas(engine: Engine) -> None:
    """WAL, a busy timeout, foreign keys, and `BEGIN IMMEDIATE` for write transactions.

    pysqlite's own transaction handling is turned off (isolation_level None) so that the
    BEGIN below is the one that runs: the recipe of SQLAlchemy's SQLite dialect docs,
    "Serializable isolation / Savepoints / Transactional DDL".
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
        _wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("pscan_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _wal(cursor: Any) -> None:
    """Switch the database to WAL. The switch does not wait on the busy timeout: while
    another connection switches the same new file, it fails at once with "database is
    locked" (two audits opening a new store together). It is retried as long as the busy
    timeout would have waited."""
    deadline = time.monotonic() + _BUSY_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(_WAL_RETRY_S)


def _migrate(conn: Connection, display: str) -> None:
    script = ScriptDirectory(str(MIGRATIONS))
    current = MigrationContext.configure(conn).get_current_revision()
    head = script.get_current_head()
    if current == head:
        return
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        msg = (
            f"audit database {display}: schema revision {current} is newer than this pscan"
            f" knows (latest {head}): upgrade pscan to use it"
        )
        raise ConfigError(msg)
    logger.info("audit database %s: migrating schema %s -> %s", display, current, head)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    try:
        command.upgrade(config, "head")
    except SQLAlchemyError:
        logger.exception("migration failed")
        raise
