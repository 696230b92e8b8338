"""What the audit commands show: terminal text, Markdown, JSON, and the HTML audit report.

The HTML pages (the audit report, and `pscan audit trend --format html`) are each one
self-contained file: inline CSS allowed by a Content-Security-Policy hash, no script,
nothing fetched. Both show the trend section (`audit-trends.html.j2`): charts drawn here
once, as inline SVG with presentation attributes only, built from escaped values (as
`scanner/render/forecast.py` does): open findings by severity per audit (stacked bars),
new and fixed per audit (paired bars), and compliance % per framework (lines); and the
trend table, the same cells as the terminal and Markdown tables (`trend_table`).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from html import escape

import jinja2
from pydantic import BaseModel, ConfigDict

from scanner.audit.history import (
    SEVERITIES,
    AuditDetail,
    AuditDiff,
    AuditSummary,
    Figure,
    FindingChange,
    Trend,
    TrendPoint,
)
from scanner.errors import ReportError
from scanner.paths import data_dir

__all__ = [
    "AuditReport",
    "compliance_chart",
    "events_chart",
    "open_chart",
    "render_diff",
    "render_list",
    "render_report",
    "render_show",
    "render_trend",
    "trend_table",
]

_COLORS = {
    "critical": "#7b241c",
    "high": "#c0392b",
    "medium": "#e67e22",
    "low": "#f1c40f",
    "info": "#95a5a6",
}
_LINE_COLORS = ["#2471a3", "#1e8449", "#884ea0", "#b9770e", "#566573", "#cb4335"]
_H, _PAD, _BAR = 140, 28, 16


class AuditReport(BaseModel):
    """The periodic audit report: the last audit, what changed since the previous, trends."""

    model_config = ConfigDict(extra="forbid")

    last: AuditDetail
    changes: AuditDiff | None
    trend: Trend


# ---------------------------------------------------------------------- terminal text
def render_list(audits: Sequence[AuditSummary]) -> str:
    """One line per audit, newest first."""
    if not audits:
        return "no audits stored yet (pscan audit run ...)\n"
    head = f"{'id':>5}  {'observed':16}  {'trigger':8}  {'open':>5}  {'new':>4}  {'fixed':>5}"
    head += "  gate  scope"
    lines = [head]
    for a in audits:
        gate = "FAIL" if a.gate_tripped else "ok"
        lines.append(
            f"{a.id:>5}  {a.observed_at:%Y-%m-%d %H:%M}  {a.trigger[:8]:8}  {a.open:>5}"
            f"  {a.new + a.reopened:>4}  {a.fixed:>5}  {gate:4}  {_scope(a)}"
        )
    return "\n".join(lines) + "\n"


def render_show(detail: AuditDetail, fmt: str = "text") -> str:
    """One audit: text, md or json."""
    if fmt == "json":
        return detail.model_dump_json(indent=2) + "\n"
    a = detail.audit
    lines = [
        f"audit {a.id}: observed {a.observed_at:%Y-%m-%d %H:%M} UTC, trigger {a.trigger}",
        f"  scope: {', '.join(a.scopes)}",
        f"  pscan {a.pscan_version}, rule pack {a.rule_pack}, snapshots {a.snapshot_digest[:12]}",
        f"  resources {a.resources}, findings {a.findings}, suppressed {a.suppressed}",
        "  open: " + ", ".join(f"{s} {a.open_by_severity.get(s, 0)}" for s in SEVERITIES),
        f"  gate (fail on {a.gate_fail_on}): {'tripped' if a.gate_tripped else 'passed'}",
    ]
    if detail.collection_errors:
        lines.append(
            f"  collection errors: {detail.collection_errors} (findings of resources missing"
            " where collection failed are not seen, not gone)"
        )
    for fw in detail.frameworks:
        pct = "not judged" if fw.percent is None else f"{fw.percent:.1f}%"
        lines.append(f"  {fw.framework}: {pct} ({fw.passed} passed, {fw.failed} failed)")
    for fig in detail.figures:
        if fig.kind != "capacity_total":
            lines.append(f"  {fig.kind} {fig.name}: {fig.value:g} {fig.unit} {fig.detail}".rstrip())
    for event, changes in detail.events.items():
        lines.append(f"  {event}: {len(changes)}")
        lines.extend(f"    {_finding(c)}" for c in changes)
    return "\n".join(lines) + "\n"


def render_diff(diff: AuditDiff, fmt: str = "text") -> str:
    """The diff between two audits: text, md or json."""
    if fmt == "json":
        return diff.model_dump_json(indent=2) + "\n"
    bullet = "- " if fmt == "md" else "  "
    lines = [
        f"{'## ' if fmt == 'md' else ''}audit {diff.before.id} -> {diff.after.id}"
        f" ({diff.before.observed_at:%Y-%m-%d} -> {diff.after.observed_at:%Y-%m-%d})",
    ]
    for name in ("new", "reopened", "fixed", "resource_gone", "not_seen", "still_open"):
        items: list[FindingChange] = getattr(diff, name)
        lines.append(f"{name.replace('_', ' ')}: {len(items)}")
        if name != "still_open":
            lines.extend(f"{bullet}{_finding(c)}" for c in items)
    for name in ("resources_added", "resources_removed", "resources_not_seen", "resources_changed"):
        resources = getattr(diff, name)
        lines.append(f"{name.replace('_', ' ')}: {len(resources)}")
        for r in resources:
            changed = f" [{', '.join(r.attributes)}]" if r.attributes else ""
            lines.append(f"{bullet}{r.type} {r.resource_id}{changed}")
    return "\n".join(lines) + "\n"


def render_trend(data: Trend, fmt: str = "table") -> str:
    """Per audit: open by severity, new/fixed, compliance, time to fix, headroom, cost
    (table, md, json, or html: a self-contained page with the report's charts)."""
    if fmt == "json":
        return data.model_dump_json(indent=2) + "\n"
    if fmt == "html":
        return _page("audit-trend.html.j2", trend=data)
    head, rows = trend_table(data)
    ttf = ", ".join(
        f"{sev} {t.mean_days:g}/{t.p90_days:g} d ({t.fixed})" for sev, t in data.time_to_fix.items()
    )
    footer = f"time to fix since {data.since:%Y-%m-%d} (mean/p90, fixes): {ttf or 'none fixed'}"
    if fmt == "md":
        table = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        table += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(table) + f"\n\n{footer}\n"
    widths = [max(len(str(c)) for c in col) for col in zip(head, *rows, strict=True)]
    fmt_row = "  ".join(f"{{:>{w}}}" for w in widths)
    text = [fmt_row.format(*head), *(fmt_row.format(*r) for r in rows)]
    return "\n".join(text) + f"\n{footer}\n"


def trend_table(data: Trend) -> tuple[list[str], list[list[str]]]:
    """The trend's columns and one row of cells per audit: the same in every format."""
    frameworks = sorted({fw for p in data.points for fw in p.compliance})
    head = ["audit", "observed", *SEVERITIES, "new", "reopened", "fixed", "gone", "not seen"]
    head += [f"{fw} %" for fw in frameworks]
    head += ["ttf mean/p90 d", "least headroom", "last month cost"]
    return head, [_trend_row(p, frameworks) for p in data.points]


def _trend_row(p: TrendPoint, frameworks: list[str]) -> list[str]:
    def pct(fw: str) -> str:
        value = p.compliance.get(fw)
        return "-" if value is None else f"{value:.1f}"

    ttf = " ".join(f"{s[0]}:{t.mean_days:g}/{t.p90_days:g}" for s, t in p.time_to_fix.items())
    room = p.least_headroom
    return [
        str(p.audit_id),
        f"{p.observed_at:%Y-%m-%d}",
        *(str(p.open_by_severity.get(s, 0)) for s in SEVERITIES),
        str(p.new),
        str(p.reopened),
        str(p.fixed),
        str(p.resource_gone),
        str(p.not_seen),
        *(pct(fw) for fw in frameworks),
        ttf or "-",
        f"{room.value:g}% {room.name}" if room else "-",
        _last_month(p),
    ]


def _last_month(p: TrendPoint) -> str:
    """The last full month's net spend per currency, as the scan's cost report gave it."""
    last: dict[str, Figure] = {}
    for fig in p.cost:
        if fig.kind == "cost" and (fig.unit not in last or fig.name > last[fig.unit].name):
            last[fig.unit] = fig
    cells = [f"{f.value:.2f} {f.unit} ({f.name.split()[0]})" for _, f in sorted(last.items())]
    return ", ".join(cells) or "-"


def _finding(c: FindingChange) -> str:
    return f"{c.severity:8} {c.rule_id}  {c.resource_id}"


def _scope(a: AuditSummary) -> str:
    text = ", ".join(a.scopes)
    return text if len(text) <= 60 else text[:57] + "..."


# ---------------------------------------------------------------------- the report
def render_report(report: AuditReport, fmt: str) -> str:
    """The periodic audit report as html, md or json.

    Raises:
        ReportError: an unknown format, or the HTML template missing from the install.
    """
    if fmt == "json":
        return report.model_dump_json(indent=2) + "\n"
    if fmt == "md":
        parts = [f"# Audit report\n\n```\n{render_show(report.last)}```\n"]
        if report.changes is not None:
            parts.append(render_diff(report.changes, "md"))
        parts.append("## Trends\n\n" + render_trend(report.trend, "md"))
        return "\n".join(parts)
    if fmt != "html":
        msg = f"--format {fmt!r}: use html, md or json"
        raise ReportError(msg)
    return _html(report)


def _html(report: AuditReport) -> str:
    return _page("audit.html.j2", report=report, trend=report.trend)


def _page(template: str, trend: Trend, **context: object) -> str:
    """An HTML page of the audit store: the shared stylesheet inline (allowed by its hash
    in the Content-Security-Policy), the trend's charts and table.

    Raises:
        ReportError: the template or stylesheet missing from the install.
    """
    folder = data_dir("reports") / "html"
    css = (folder / "audit.css").read_text(encoding="utf-8") if folder.is_dir() else ""
    if not css:
        msg = f"{folder}/audit.css: the audit report's stylesheet is missing (reinstall pscan)"
        raise ReportError(msg)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder), autoescape=True, undefined=jinja2.StrictUndefined
    )
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    head, rows = trend_table(trend)
    points = trend.points
    return env.get_template(template).render(
        **context,
        trend=trend,
        css=css,
        csp=f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:",
        severities=SEVERITIES,
        table={"head": head, "rows": rows},
        charts={
            "open": open_chart(points),
            "events": events_chart(points),
            "compliance": compliance_chart(points),
        },
    )


def _frame(width: int, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="audit-chart" width="{width}"'
        f' height="{_H + 2 * _PAD}" viewBox="0 0 {width} {_H + 2 * _PAD}" role="img"'
        f' aria-label="{escape(label)}">'
        f'<line x1="{_PAD}" y1="{_PAD + _H}" x2="{width - 4}" y2="{_PAD + _H}" stroke="#888"/>'
    )


def _axis_label(x: float, p: TrendPoint) -> str:
    return (
        f'<text x="{x}" y="{_PAD + _H + 14}" font-size="10" text-anchor="middle">'
        f"{p.observed_at:%m-%d}</text>"
    )


def open_chart(points: Sequence[TrendPoint]) -> str:
    """Stacked bars: open findings by severity, one bar per audit."""
    if not points:
        return ""
    top = max(p.open for p in points) or 1
    step = _BAR + 14
    width = 2 * _PAD + len(points) * step
    parts = [_frame(width, "open findings by severity per audit")]
    for i, p in enumerate(points):
        x, y = _PAD + i * step, float(_PAD + _H)
        for sev in reversed(SEVERITIES):
            count = p.open_by_severity.get(sev, 0)
            if count:
                h = _H * count / top
                y -= h
                parts.append(
                    f'<rect x="{x}" y="{y:.1f}" width="{_BAR}" height="{h:.1f}"'
                    f' fill="{_COLORS[sev]}"><title>audit {p.audit_id}: {count} {sev}</title>'
                    "</rect>"
                )
        parts.append(
            f'<text x="{x + _BAR / 2}" y="{y - 3:.1f}" font-size="10" text-anchor="middle">'
            f"{p.open}</text>"
        )
        parts.append(_axis_label(x + _BAR / 2, p))
    return "".join(parts) + "</svg>"


def events_chart(points: Sequence[TrendPoint]) -> str:
    """Paired bars per audit: new + reopened (red) and fixed (green)."""
    if not points:
        return ""
    top = max(max(p.new + p.reopened, p.fixed) for p in points) or 1
    step = 2 * _BAR + 16
    width = 2 * _PAD + len(points) * step
    parts = [_frame(width, "new and fixed findings per audit")]
    for i, p in enumerate(points):
        x = _PAD + i * step
        for j, (value, fill, what) in enumerate(
            ((p.new + p.reopened, "#c0392b", "new or reopened"), (p.fixed, "#1e8449", "fixed"))
        ):
            h = _H * value / top
            parts.append(
                f'<rect x="{x + j * _BAR}" y="{_PAD + _H - h:.1f}" width="{_BAR - 2}"'
                f' height="{h:.1f}" fill="{fill}"><title>audit {p.audit_id}: {value} {what}'
                "</title></rect>"
            )
        parts.append(_axis_label(x + _BAR, p))
    return "".join(parts) + "</svg>"


def compliance_chart(points: Sequence[TrendPoint]) -> str:
    """One line per framework: compliance % (0-100) per audit."""
    frameworks = sorted({fw for p in points for fw, v in p.compliance.items() if v is not None})
    if not points or not frameworks:
        return ""
    step = 48
    width = 2 * _PAD + max(1, len(points)) * step + 220
    parts = [_frame(width, "compliance % per framework per audit")]
    for k, fw in enumerate(frameworks):
        color = _LINE_COLORS[k % len(_LINE_COLORS)]
        coords = [
            (_PAD + i * step + step / 2, _PAD + _H - _H * (p.compliance[fw] or 0.0) / 100)
            for i, p in enumerate(points)
            if p.compliance.get(fw) is not None
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>' for x, y in coords)
        legend_x = _PAD + len(points) * step + 10
        parts.append(
            f'<text x="{legend_x}" y="{_PAD + 12 * (k + 1)}" font-size="10" fill="{color}">'
            f"{escape(fw)}</text>"
        )
    parts.extend(_axis_label(_PAD + i * step + step / 2, p) for i, p in enumerate(points))
    return "".join(parts) + "</svg>"
