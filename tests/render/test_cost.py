"""The cost section's charts and tables: escaped, offline, readable without colour."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from scanner.cost import spend_by_currency
from scanner.model import CostReport, FindingsDocument, SpendRecord
from scanner.render.cost import breakdown_chart, cost_view, render_cost_csv, trend_chart
from scanner.render.html import render_html
from scanner.render.markdown import render_cost_markdown

from .conftest import HOSTILE, HOSTILE_ESCAPED


def _report() -> CostReport:
    records = [
        SpendRecord(
            provider="aws",
            source="test",
            month=month,
            partial=month == "2026-11",
            grouped_by=["service"],
            service=name,
            metric="unblended",
            amount=Decimal(amount),
            currency="USD",
        )
        for month in ("2026-09", "2026-10", "2026-11")
        for name, amount in ((HOSTILE, "10.00"), ("=HYPERLINK(1)", "5.00"))
    ]
    now = datetime(2026, 11, 15, tzinfo=UTC)
    return CostReport(
        has_billing=True, sources=["test"], currencies=spend_by_currency(records, now)
    )


def test_charts_escape_names_and_carry_their_amounts_as_text() -> None:
    cur = _report().currencies[0]
    trend = trend_chart(cur, "t")
    assert "<script" not in trend and "15.00" in trend and "hatched: month to date" in trend
    assert "url(#t-hatch)" in trend  # the month in progress is told by a pattern, not a colour
    bars = breakdown_chart(cur.by_service, "USD", "b")
    assert HOSTILE not in bars and HOSTILE_ESCAPED in bars and "USD 10.00" in bars


def test_html_and_markdown_sections_escape() -> None:
    doc = FindingsDocument(tool_version="t", cost=_report())
    html = render_html(doc)
    assert HOSTILE not in html and 'href="#cost"' in html
    md = render_cost_markdown(_report())
    assert HOSTILE not in md and "&lt;script&gt;" in md
    assert cost_view(_report()).currencies[0].last_total == Decimal("15.00")


def test_csv_guards_formulas() -> None:
    text = render_cost_csv(_report())
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text
