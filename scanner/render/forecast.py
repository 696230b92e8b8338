"""The forecast section of the reports: rows per tier, and an inline SVG chart per tier.

The chart compares, for each horizon, the instances a tier needs with what it can reach
(its scaling maximum), as paired bars on one scale, so "needs 12, can reach 9" reads at
a glance. It is plain SVG with presentation attributes (the HTML report's CSP allows no
inline style), every text escaped, no script and no external reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from scanner.model import ForecastReport, ForecastTier

__all__ = ["ForecastView", "TierView", "forecast_view", "tier_chart"]

_BAR_W, _GAP, _GROUP_GAP, _HEIGHT, _PAD = 18, 4, 22, 120, 24


@dataclass(frozen=True)
class TierView:
    """One product tier over the horizons, with its chart."""

    product: str
    tier: str
    kind: str
    rows: list[ForecastTier]
    chart: str  # SVG markup built from escaped values (empty when nothing to draw)

    @property
    def short(self) -> bool:
        """True when some horizon falls short."""
        return any(r.shortfalls for r in self.rows)


@dataclass(frozen=True)
class ForecastView:
    """What the templates show of a ForecastReport."""

    report: ForecastReport
    tiers: list[TierView]


def forecast_view(report: ForecastReport) -> ForecastView:
    """Group the report's rows by product and tier (shortfalls first), each with a chart."""
    groups: dict[tuple[str, str], list[ForecastTier]] = {}
    for row in report.tiers:
        groups.setdefault((row.product, row.tier), []).append(row)
    tiers = [
        TierView(
            product, tier, rows[0].kind, sorted(rows, key=lambda r: r.horizon), tier_chart(rows)
        )
        for (product, tier), rows in groups.items()
    ]
    tiers.sort(key=lambda t: (not t.short, t.product, t.tier))
    return ForecastView(report=report, tiers=tiers)


def tier_chart(rows: list[ForecastTier]) -> str:
    """Paired bars per horizon: instances needed (dark) and reachable (light)."""
    points = [
        (r.horizon, r.instances_needed, r.instances_max)
        for r in sorted(rows, key=lambda r: r.horizon)
        if r.instances_needed is not None
    ]
    if not points:
        return ""
    top = max(max(n or 0, m or 0) for _, n, m in points) or 1
    width = _PAD + len(points) * (2 * _BAR_W + _GAP + _GROUP_GAP)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="forecast-chart" width="{width}"'
        f' height="{_HEIGHT + 2 * _PAD}" viewBox="0 0 {width} {_HEIGHT + 2 * _PAD}"'
        ' role="img" aria-label="instances needed and reachable per horizon">'
    ]
    x = _PAD
    for horizon, needed, most in points:
        for value, cls, label in ((needed, "fc-need", "needed"), (most, "fc-have", "can reach")):
            if value is not None:
                h = round(_HEIGHT * value / top)
                y = _PAD + _HEIGHT - h
                short = cls == "fc-need" and most is not None and value > most
                fill = "#c0392b" if short else ("#34495e" if cls == "fc-need" else "#aed6f1")
                parts.append(
                    f'<rect class="{cls}" x="{x}" y="{y}" width="{_BAR_W}" height="{h}"'
                    f' fill="{fill}"><title>{escape(horizon)}: {label} {value}</title></rect>'
                    f'<text x="{x + _BAR_W / 2}" y="{y - 3}" font-size="10"'
                    f' text-anchor="middle">{value}</text>'
                )
            x += _BAR_W + _GAP
        parts.append(
            f'<text x="{x - _GAP - _BAR_W}" y="{_PAD + _HEIGHT + 14}" font-size="10"'
            f' text-anchor="middle">{escape(horizon)}</text>'
        )
        x += _GROUP_GAP - _GAP
    parts.append("</svg>")
    return "".join(parts)
