"""Real databases for the audit store tests: SQLite files, and a PostgreSQL server.

The PostgreSQL server is the Debian `postgresql` package's (`make test` installs it, like
Graphviz): the session fixture runs `initdb` and `pg_ctl` on a data directory in a temp
folder, listening on a Unix socket in that folder only. Not on a TCP port: a free port
picked before the server binds it can be taken meanwhile by another process (initdb takes
seconds on a loaded machine, and other test sessions start servers on free ports too),
which made the server fail to start. As root the server runs as the `postgres` user the
package creates (PostgreSQL refuses root), through `runuser`. Each test gets a database
of its own.

Where PostgreSQL is not installed the PostgreSQL cases skip with a reason, except with
PSCAN_REQUIRE_TOOLS=1 (CI), where they fail.
"""

from __future__ import annotations

import gzip
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import psycopg
import pytest

from scanner.model import CollectionError
from scanner.paths import data_dir
from scanner.snapshot import SnapshotWriter, open_snapshot

REQUIRED = os.environ.get("PSCAN_REQUIRE_TOOLS") == "1"
DEMO = data_dir("fixtures/demo")


def pg_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin with initdb, if any."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


def _runner() -> tuple[list[str], str | None]:
    """The command prefix that runs the server as an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return [], None
    for user in ("postgres", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            continue
        return ["runuser", "-u", user, "--"], user
    pytest.fail("running as root with neither a postgres nor a nobody user for PostgreSQL")


@dataclass(frozen=True)
class PgServer:
    """A PostgreSQL server listening on a socket in `socket_dir` (user pscan, trust auth)."""

    socket_dir: Path
    port: int  # names the socket file: .s.PGSQL.<port>

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of one of its databases."""
        return f"postgresql+psycopg://pscan@/{database}?host={self.socket_dir}&port={self.port}"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PgServer]:
    """A PostgreSQL server for the session, on a socket in a temp folder."""
    bindir = pg_bindir()
    if bindir is None:
        if REQUIRED:
            pytest.fail("PostgreSQL is not installed: make postgresql")
        pytest.skip("PostgreSQL not installed (make postgresql installs the Debian package)")
    prefix, user = _runner()
    root = Path(tempfile.mkdtemp(prefix="pscan-pg-"))
    data, log = root / "data", root / "server.log"
    if user is not None:
        root.chmod(0o755)
        shutil.chown(root, user=user)
    port = 5432  # no TCP listener: the number only names the socket in our own folder
    run = [*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "pscan"]
    subprocess.run([*run, "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
    options = f"-p {port} -k {root} -c listen_addresses='' -c fsync=off"
    start = [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options]
    try:
        subprocess.run([*start, "-w", "-t", "300", "start"], check=True, capture_output=True)
    except subprocess.CalledProcessError:
        pytest.fail(f"PostgreSQL did not start: {log.read_text() if log.exists() else ''}")
    try:
        yield PgServer(root, port)
    finally:
        stop = [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
        subprocess.run(stop, check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def _new_pg_database(server: PgServer) -> str:
    name = f"audit_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(
        host=str(server.socket_dir), port=server.port, user="pscan", dbname="postgres",
        autocommit=True,
    ) as conn:  # fmt: skip
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty audit store: a SQLite file, or a fresh database on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'audits.sqlite'}"
    server: PgServer = request.getfixturevalue("postgres_server")
    return _new_pg_database(server)


Edit = Callable[[dict[str, Any]], dict[str, Any] | None]


def demo_snapshot(
    out: Path,
    created_at: datetime,
    edit: Edit | None = None,
    accounts: set[str] | None = None,
    errors: Sequence[CollectionError] = (),
) -> Path:
    """A copy of the demo estate taken at `created_at`, each resource passed through `edit`
    (None drops it), limited to `accounts` (with the manifest's scopes to match), with
    `errors` recorded in its manifest."""
    demo = open_snapshot(DEMO)
    scopes = [s for s in demo.manifest.scopes if accounts is None or s.split(":")[1] in accounts]
    with SnapshotWriter(out, source="demo", scopes=scopes, created_at=created_at) as writer:
        for part in demo.files:
            with gzip.open(str(part)) as stream:
                for line in stream:
                    resource = orjson.loads(line)
                    if accounts is not None and resource.get("account") not in accounts:
                        continue
                    kept = edit(resource) if edit else resource
                    if kept is not None:
                        writer.add(kept)
        for error in errors:
            writer.add_error(error)
    return out
