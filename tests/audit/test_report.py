"""The audit trend and report pages: self-contained HTML, the shared charts and table, and
every value from the store escaped (scanner/audit/report.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from markupsafe import escape

from scanner.audit.connect import open_database
from scanner.audit.history import trend
from scanner.audit.record import (
    AuditRecord,
    FigureRow,
    FindingRow,
    FrameworkRow,
    ResourceRow,
    Scope,
)
from scanner.audit.report import render_trend, trend_table
from scanner.audit.store import write_audit

T0 = datetime(2026, 11, 1, tzinfo=UTC)
HOSTILE = '<img src=x onerror="alert(1)">'
FRAMEWORK = "<script>alert('fw')</script>"


def _record(at: datetime, failing: bool) -> AuditRecord:
    rid = "arn:aws:s3:::b"
    finding = FindingRow(
        fingerprint="f1",
        rule_id="aws_s3_bucket_versioning_enabled",
        title=HOSTILE,
        resource_id=rid,
        resource_type="aws.s3.bucket",
        provider="aws",
        account="111122223333",
        region="eu-west-1",
        severity="high",
        status="fail",
    )
    resource = ResourceRow(rid, "aws.s3.bucket", "aws", "111122223333", "eu-west-1", "d", {})
    return AuditRecord(
        started_at=at,
        finished_at=at,
        observed_at=at,
        trigger=HOSTILE,
        scopes=[Scope("aws", "111122223333")],
        snapshots=[HOSTILE],
        snapshot_digest="x",
        rule_pack="p",
        gate_fail_on="high",
        gate_tripped=failing,
        findings=[finding] if failing else [],
        resources=[resource],
        frameworks=[FrameworkRow(FRAMEWORK, 3 if failing else 4, 1 if failing else 0, 4)],
        figures=[
            FigureRow("capacity", HOSTILE, 12.5, "%", HOSTILE),
            FigureRow("cost", "2026-10 USD", 100.0, "USD"),
        ],
    )


def test_the_html_trend_is_self_contained_with_charts_and_the_table(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "a.sqlite"))
    write_audit(db, _record(T0, failing=True))
    write_audit(db, _record(T0 + timedelta(days=7), failing=False))
    data = trend(db, T0 - timedelta(days=1))
    db.dispose()
    html = render_trend(data, "html")
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="audit-chart"') == 3
    assert "Content-Security-Policy" in html and "<script" not in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    # the values from the store only ever appear escaped
    assert HOSTILE not in html and "<img" not in html
    assert "&lt;img src=x onerror=" in html and "&lt;script&gt;alert(" in html
    # the table is the text table's, cell for cell
    head, rows = trend_table(data)
    assert [r[0] for r in rows] == ["1", "2"]
    assert rows[0][-1] == "100.00 USD (2026-10)"
    assert [r[-3] for r in rows] == ["-", "h:7/7"]  # time to fix: high, 7 days
    for cells in (head, *rows):
        wanted = "".join(f"<t[dh]>{re.escape(str(escape(c)))}</t[dh]>" for c in cells)
        assert re.search(wanted, html), cells
    assert "1 high" in html  # the open chart's title of audit 1


def test_an_empty_window_is_a_page_without_charts(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "a.sqlite"))
    data = trend(db, T0)
    db.dispose()
    html = render_trend(data, "html")
    assert "<svg" not in html and "No audit was observed in this period." in html
