"""The cost section, presented: the view the templates share, charts, text and CSV.

The Markdown and HTML reports render a findings document's `cost` section with their
templates (`reports/markdown/cost.md.j2`, `reports/html/cost.html.j2`) from
`cost_view`; `pscan cost` prints `render_cost_text` or writes `render_cost_csv`.

Charts are plain inline SVG (the HTML report's CSP allows no inline style), every text
escaped, no script and no external reference, and readable without colour: each bar
carries its amount as text, the month in progress is hatched, the forecast is an
outlined dashed bar, and spend without a product tag is hatched in the breakdowns.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from scanner.cost.amounts import money
from scanner.model import CostLine, CostReport, CurrencyCost

__all__ = [
    "COST_CSV_COLUMNS",
    "BreakdownView",
    "CostView",
    "CurrencyView",
    "breakdown_chart",
    "cost_view",
    "render_cost_csv",
    "render_cost_json",
    "render_cost_text",
    "short_amount",
    "trend_chart",
]

_DIMENSIONS = (
    ("by_service", "service"),
    ("by_account", "account / project"),
    ("by_region", "region"),
    ("by_product", "product"),
)
_UNTAGGED = "(untagged)"
_ZERO = Decimal(0)


def short_amount(value: Decimal) -> str:
    """A chart label: 950, 16.9k, 1.2M."""
    number = float(value)
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(number) >= size:
            return f"{number / size:.1f}{suffix}"
    return f"{number:.0f}"


def _defs(uid: str) -> str:
    return (
        f'<defs><pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#34495e" stroke-width="3"/></pattern></defs>'
    )


def trend_chart(cur: CurrencyCost, uid: str) -> str:
    """Bars of net spend per month; the month in progress hatched, its forecast outlined."""
    points = [(m.month, m.net, m.partial) for m in cur.months]
    if not points:
        return ""
    forecast = cur.forecast if cur.current_month else None
    top = max([max(n, _ZERO) for _, n, _ in points] + [forecast or _ZERO]) or Decimal(1)
    bar, gap, height, pad = 30, 10, 140, 28
    width = pad * 2 + len(points) * (bar + gap)
    label = f"net spend per month in {cur.currency}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cost-chart" width="{width}"'
        f' height="{height + 2 * pad + 14}" viewBox="0 0 {width} {height + 2 * pad + 14}"'
        f' role="img" aria-label="{escape(label)}">{_defs(uid)}'
    ]
    x = pad
    for month, net, partial in points:
        if partial and forecast is not None:
            fh = round(height * float(forecast / top))
            out.append(
                f'<rect class="cost-forecast" x="{x}" y="{pad + height - fh}" width="{bar}"'
                f' height="{fh}" fill="none" stroke="#34495e" stroke-dasharray="4 3">'
                f"<title>{escape(month)}: forecast {escape(money(forecast, cur.currency))}"
                f"</title></rect>"
                f'<text x="{x + bar / 2}" y="{pad + height - fh - 3}" font-size="10"'
                f' text-anchor="middle">{escape(short_amount(forecast))} fc</text>'
            )
        h = round(height * float(max(net, _ZERO) / top))
        fill = f"url(#{uid}-hatch)" if partial else "#34495e"
        what = "month to date" if partial else "net"
        out.append(
            f'<rect class="cost-month" x="{x}" y="{pad + height - h}" width="{bar}" height="{h}"'
            f' fill="{fill}" stroke="#34495e"><title>{escape(month)}: {what}'
            f" {escape(money(net, cur.currency))}</title></rect>"
        )
        if not (partial and forecast is not None):
            out.append(
                f'<text x="{x + bar / 2}" y="{pad + height - h - 3}" font-size="10"'
                f' text-anchor="middle">{escape(short_amount(net))}</text>'
            )
        out.append(
            f'<text x="{x + bar / 2}" y="{pad + height + 14}" font-size="9"'
            f' text-anchor="middle">{escape(month[2:])}</text>'
        )
        x += bar + gap
    legend = "solid: full month; hatched: month to date; dashed outline: forecast"
    out.append(
        f'<text x="{pad}" y="{height + 2 * pad + 8}" font-size="10">{escape(legend)}</text></svg>'
    )
    return "".join(out)


def breakdown_chart(lines: list[CostLine], currency: str, uid: str, rows: int = 8) -> str:
    """Horizontal bars of the last full month per line, labelled; untagged hatched."""
    shown = [line for line in lines if line.last_month > 0][:rows]
    if not shown:
        return ""
    top = max(line.last_month for line in shown)
    label_w, bar_w, row_h, value_w = 230, 260, 20, 110
    width, height = label_w + bar_w + value_w, row_h * len(shown) + 8
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cost-chart" width="{width}"'
        f' height="{height}" viewBox="0 0 {width} {height}" role="img"'
        f' aria-label="last full month by {escape(uid.rsplit("-", 1)[-1])}">{_defs(uid)}'
    ]
    for i, line in enumerate(shown):
        y = 4 + i * row_h
        w = max(1, round(bar_w * float(line.last_month / top)))
        fill = f"url(#{uid}-hatch)" if line.name == _UNTAGGED else "#34495e"
        name = line.name if len(line.name) <= 34 else line.name[:33] + "…"
        amount = money(line.last_month, currency)
        out.append(
            f'<text x="{label_w - 6}" y="{y + 13}" font-size="11" text-anchor="end">'
            f"{escape(name)}</text>"
            f'<rect x="{label_w}" y="{y + 2}" width="{w}" height="{row_h - 6}" fill="{fill}"'
            f' stroke="#34495e"><title>{escape(line.name)}: {escape(amount)}</title></rect>'
            f'<text x="{label_w + w + 4}" y="{y + 13}" font-size="11">{escape(amount)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class BreakdownView:
    """One dimension of one currency: its lines (`rows` of them) and chart."""

    title: str
    lines: list[CostLine]
    more: int
    chart: str


@dataclass(frozen=True)
class CurrencyView:
    """One currency's spend with its charts."""

    cur: CurrencyCost
    trend: str
    breakdowns: list[BreakdownView]
    last_total: Decimal | None
    previous_total: Decimal | None
    twelve_months: Decimal

    @property
    def change(self) -> Decimal | None:
        """The last full month minus the one before; None without two full months."""
        if self.last_total is None or self.previous_total is None:
            return None
        return self.last_total - self.previous_total

    @property
    def change_percent(self) -> float | None:
        """That change in % of the month before."""
        change = self.change
        if change is None or not self.previous_total:
            return None
        return round(float(change / self.previous_total * 100), 1)


@dataclass(frozen=True)
class CostView:
    """What the templates show of a CostReport."""

    report: CostReport
    currencies: list[CurrencyView]


def _currency_view(cur: CurrencyCost, rows: int, index: int) -> CurrencyView:
    full = [m for m in cur.months if not m.partial]
    breakdowns = [
        BreakdownView(
            title=title,
            lines=getattr(cur, attr)[:rows] if rows else getattr(cur, attr),
            more=max(0, len(getattr(cur, attr)) - rows) if rows else 0,
            chart=breakdown_chart(getattr(cur, attr), cur.currency, f"cost{index}-{attr}"),
        )
        for attr, title in _DIMENSIONS
        if getattr(cur, attr)
    ]
    return CurrencyView(
        cur=cur,
        trend=trend_chart(cur, f"cost{index}-trend"),
        breakdowns=breakdowns,
        last_total=full[-1].net if full else None,
        previous_total=full[-2].net if len(full) > 1 else None,
        twelve_months=sum((m.net for m in full), _ZERO),
    )


def cost_view(report: CostReport, rows: int = 10) -> CostView:
    """The report with charts and at most `rows` lines per breakdown (0: all)."""
    return CostView(
        report=report,
        currencies=[_currency_view(c, rows, i) for i, c in enumerate(report.currencies)],
    )


def render_cost_json(report: CostReport) -> str:
    """The `cost` object of a findings document, as JSON."""
    return report.model_dump_json(indent=2) + "\n"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:+.1f} %"


def _text_currency(view: CurrencyView, rows: int) -> list[str]:
    cur, c = view.cur, view.cur.currency
    out = [f"{c} ({', '.join(cur.providers)})"]
    if cur.current_month:
        out.append(
            f"  {cur.current_month} month to date  {money(cur.month_to_date, c)}"
            + (
                f"   forecast {money(cur.forecast, c)} ({cur.forecast_basis})"
                if cur.forecast is not None
                else ""
            )
        )
    if view.last_total is not None:
        change = (
            f"   change {money(view.change, c)} ({_pct(view.change_percent)})"
            if view.change is not None
            else ""
        )
        out.append(f"  {cur.last_month} last full month  {money(view.last_total, c)}{change}")
    full = [m for m in cur.months if not m.partial]
    if full:
        out.append(
            f"  {full[0].month}..{full[-1].month} ({len(full)} months)"
            f"  {money(view.twelve_months, c)}"
        )
    if cur.untagged is not None:
        out.append(
            f"  untagged {cur.last_month}  {money(cur.untagged, c)} ({cur.untagged_percent} %)"
        )
    for b in view.breakdowns:
        out.append(f"  by {b.title} (last full month, change, month to date):")
        for line in b.lines[:rows] if rows else b.lines:
            out.append(
                f"    {line.name[:44]:<44} {money(line.last_month):>14}"
                f" {money(line.change):>13} {_pct(line.change_percent):>10}"
                f" {money(line.month_to_date):>12}"
            )
        if b.more:
            out.append(f"    ... and {b.more} more")
    if cur.movers:
        out.append("  biggest movers:")
        for line in cur.movers:
            out.append(
                f"    {line.name[:44]:<44} {money(line.change):>13} {_pct(line.change_percent)}"
            )
    return out


def render_cost_text(report: CostReport, rows: int = 10) -> str:
    """The report as aligned text for a terminal."""
    view = cost_view(report, rows)
    out: list[str] = []
    if report.has_billing:
        out.append(f"Actual spend (billing data: {', '.join(report.sources) or 'snapshot'})")
        for cv in view.currencies:
            out.extend(["", *_text_currency(cv, rows)])
    else:
        out.append(
            "No billing data in the snapshots (collect with `pscan collect aws --cost` or a GCP"
            " billing export): the figures below are list-price estimates, not a bill."
        )
    c = report.estimate_currency
    out += [
        "",
        f"List-price estimates ({c}, prices as of {report.estimate_prices_as_of or '?'}):"
        f" {report.estimated_resources} priced resources, {money(report.estimated_monthly, c)}"
        " a month",
    ]
    for item in report.top_resources[: rows or None]:
        r = item.resource
        out.append(
            f"  {money(item.monthly):>12}  {r.type:<24} {(r.name or r.id)[:40]:<40} {item.product}"
        )
    out.append(
        f"Estimated waste (cost findings): {money(report.waste_monthly_usd, 'USD')} a month"
        f" in {report.waste_findings} findings"
    )
    return "\n".join(out) + "\n"


COST_CSV_COLUMNS = ("kind", "currency", "dimension", "name", "provider", "month", "amount")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _guard(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def render_cost_csv(report: CostReport) -> str:
    """The cost report as one long table: a row per amount (see COST_CSV_COLUMNS).

    kind: `actual` (net; `amortized` and `credits` beside it), `forecast`, `estimate`
    (list price per month: by type, by product, and the top resources) or `waste`.
    Text cells that a spreadsheet would read as a formula are prefixed with a quote.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COST_CSV_COLUMNS)

    def row(kind: str, cur: str, dim: str, name: str, prov: str, month: str, v: Decimal) -> None:
        writer.writerow([kind, cur, dim, _guard(name), _guard(prov), month, str(v)])

    for cur in report.currencies:
        c, providers = cur.currency, ", ".join(cur.providers)
        for m in cur.months:
            row("actual", c, "total", "", providers, m.month, m.net)
            if m.amortized is not None:
                row("amortized", c, "total", "", "aws", m.month, m.amortized)
            if m.credits is not None:
                row("credits", c, "total", "", "gcp", m.month, m.credits)
        for attr, _ in _DIMENSIONS:
            for line in getattr(cur, attr):
                for month, amount in line.months.items():
                    row("actual", c, attr[3:], line.name, line.provider, month, amount)
        if cur.current_month and cur.forecast is not None:
            row("forecast", c, "total", "", providers, cur.current_month, cur.forecast)
        for m in cur.forecast_months:
            row("forecast", c, "total", "", providers, m.month, m.net)
    e = report.estimate_currency
    for rtype, amount in report.estimates_by_type.items():
        row("estimate", e, "type", rtype, rtype.split(".", 1)[0], "", amount)
    for product, amount in report.estimates_by_product.items():
        row("estimate", e, "product", product, "", "", amount)
    for item in report.top_resources:
        r = item.resource
        row("estimate", e, "resource", r.id, r.provider, "", item.monthly)
    row(
        "waste",
        "USD",
        "cost findings",
        str(report.waste_findings),
        "",
        "",
        report.waste_monthly_usd,
    )
    return out.getvalue()
