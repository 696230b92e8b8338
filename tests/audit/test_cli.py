"""`pscan audit ...` end to end: errors as one line with exit 2, the report, list, prune."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from playwright.sync_api import Browser
from sqlalchemy import create_engine, text

from scanner.cli import cli
from tests.audit.conftest import demo_snapshot
from tests.browser import needs_chromium, visit

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def assert_user_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite store with two audits of the demo, two weeks apart."""
    root = tmp_path_factory.mktemp("audit-cli")
    db = str(root / "audits.sqlite")
    for days in (0, 14):
        snap = demo_snapshot(root / f"s{days}", T0 + timedelta(days=days))
        assert run("audit", "run", str(snap), "--db", db, "-q").exit_code == 1
    return db


def test_a_newer_schema_is_refused_with_exit_2(db_url: str, tmp_path: Path) -> None:
    assert run("audit", "list", "--db", db_url).exit_code == 0  # migrates the empty database
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    engine.dispose()
    assert_user_error(run("audit", "list", "--db", db_url), "schema revision ffff is newer")
    snap = demo_snapshot(tmp_path / "snap", T0)
    assert_user_error(run("audit", "run", str(snap), "--db", db_url, "-q"), "is newer")


def test_unreachable_and_bad_urls_exit_2_with_one_line(tmp_path: Path) -> None:
    assert_user_error(
        run("audit", "list", "--db", "postgresql+psycopg://pscan@127.0.0.1:1/audits"),
        "audit database postgresql+psycopg://pscan@127.0.0.1:1/audits: cannot open it",
    )
    assert_user_error(run("audit", "list", "--db", "oracle://x@y/z"), "unsupported database")
    assert_user_error(
        run("audit", "trend", "--db", str(tmp_path / "a.sqlite"), "--since", "soon"),
        "--since 'soon'",
    )


def test_the_password_of_a_url_is_never_shown() -> None:
    result = run("audit", "list", "--db", "postgresql+psycopg://pscan:s3cret@127.0.0.1:1/a")
    assert result.exit_code == 2 and "s3cret" not in result.output and "***" in result.output


def test_list_and_show(store: str) -> None:
    listing = run("audit", "list", "--db", store)
    assert listing.exit_code == 0
    assert re.search(
        r"^\s+2\s+2026-11-15 00:00\s+manual\s+\d+\s+1\s+0\s+FAIL", listing.output, re.M
    )
    shown = run("audit", "show", "2", "--db", store)
    assert "audit 2: observed 2026-11-15 00:00 UTC" in shown.output
    assert_user_error(run("audit", "show", "99", "--db", store), "audit 99: no such audit")


def test_trend_as_a_table_and_markdown(store: str) -> None:
    table = run("audit", "trend", "--since", "3650d", "--db", store)
    assert table.exit_code == 0
    lines = table.output.splitlines()
    assert lines[0].split()[:9] == [
        "audit", "observed", "critical", "high", "medium", "low", "info", "new", "reopened"
    ]  # fmt: skip
    assert lines[2].split()[:2] == ["2", "2026-11-15"]
    md = run("audit", "trend", "--since", "3650d", "--format", "md", "--db", store)
    assert md.output.startswith("| audit | observed | critical |")


def test_the_html_report_is_self_contained_with_charts(store: str, tmp_path: Path) -> None:
    out = tmp_path / "audit.html"
    assert run("audit", "report", "--db", store, "-o", str(out)).exit_code == 0
    html = out.read_text()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="audit-chart"') == 3
    assert "Content-Security-Policy" in html and "default-src &#39;none&#39;" in html
    assert "<script" not in html
    # nothing to fetch: no external URL in src/href attributes or CSS
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "url(" not in html
    assert "Changes since the previous audit" in html and "aws_iam_role_used_within_90_days" in html
    data = json.loads(run("audit", "report", "--db", store, "--format", "json").output)
    assert data["last"]["audit"]["id"] == 2 and data["changes"]["before"]["id"] == 1
    assert [p["audit_id"] for p in data["trend"]["points"]] == [1, 2]


def test_run_writes_the_report_it_is_asked_for(tmp_path: Path) -> None:
    snap = demo_snapshot(tmp_path / "snap", T0)
    report = tmp_path / "r.md"
    db = str(tmp_path / "a.sqlite")
    result = run("audit", "run", str(snap), "--db", db, "-q", "--report", str(report))
    assert result.exit_code == 1
    assert report.read_text().startswith("# Audit report")


def test_prune_keeps_the_window(tmp_path: Path) -> None:
    db = str(tmp_path / "a.sqlite")
    old = demo_snapshot(tmp_path / "old", datetime.now(UTC) - timedelta(days=400))
    new = demo_snapshot(tmp_path / "new", datetime.now(UTC) - timedelta(days=1))
    for snap in (old, new):
        run("audit", "run", str(snap), "--db", db, "-q")
    result = run("audit", "prune", "--keep", "365d", "--db", db)
    assert result.exit_code == 0
    assert result.output.startswith("deleted 1 audit(s)")
    ids = [line.split()[0] for line in run("audit", "list", "--db", db).output.splitlines()[1:]]
    assert ids == ["2"]


@needs_chromium
def test_the_html_report_opens_in_a_browser_without_a_console_message(
    store: str, tmp_path: Path, browser: Browser
) -> None:
    """No console message (a CSP violation would be one), no request, no script; the
    three trend charts are drawn with a size."""
    out = tmp_path / "audit.html"
    assert run("audit", "report", "--db", store, "-o", str(out)).exit_code == 0
    with visit(browser, out) as page:
        assert page.problems() == []
        assert page.requests == [page.url]
        assert page.broken_references() == []
        assert page.js("document.scripts.length") == 0
        charts = page.svg_sizes(".charts")
        assert len(charts) == 3
        assert all(w > 100 and h > 50 for w, h in charts), charts
        assert "Open findings by severity" in page.page.inner_text("body")


@needs_chromium
def test_the_html_trend_opens_in_a_browser_without_a_console_message(
    store: str, tmp_path: Path, browser: Browser
) -> None:
    out = tmp_path / "trend.html"
    assert run("audit", "trend", "--since", "3650d", "--db", store, "--format", "html",
               "-o", str(out)).exit_code == 0  # fmt: skip
    with visit(browser, out) as page:
        assert page.problems() == []
        assert page.requests == [page.url]
        assert page.broken_references() == []
        charts = page.svg_sizes(".charts")
        assert len(charts) == 3
        assert all(w > 100 and h > 50 for w, h in charts), charts
        assert "Compliance % per framework" in page.page.inner_text("body")
        # one table row per audit in the store, as the title says
        audits = page.js("document.querySelectorAll('table.trend tbody tr').length")
        assert audits == 2
        assert page.page.title().startswith("pscan audit trends")
