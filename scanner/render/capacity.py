"""Headroom by product, presented: levels, bars, amounts, and the terminal table.

The Markdown and HTML reports render a findings document's `capacity` section with
their templates (`reports/markdown/capacity.md.j2`, `reports/html/capacity.html.j2`);
`pscan capacity show` prints `render_capacity_text`. All three take their rows, levels
and bars from `capacity_view`, so a limit looks the same everywhere:

- the bar is the used share of the limit (100 - headroom %, within 0..100);
- the level colours it: `critical` under 10 % headroom, `low` under 25 %, else `ok`;
- each product's first limit (least headroom) is marked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scanner.model import CapacityConstraint, CapacityGroup, CapacityReport
from scanner.render._text import strip_control

__all__ = [
    "CRITICAL_BELOW",
    "LOW_BELOW",
    "CapacityView",
    "GroupView",
    "amount",
    "capacity_view",
    "headroom_level",
    "render_capacity_json",
    "render_capacity_text",
    "text_bar",
    "used_percent",
]

# Headroom (%) under which a limit is shown critical, and low.
CRITICAL_BELOW = 10.0
LOW_BELOW = 25.0


def headroom_level(constraint: CapacityConstraint) -> str:
    """`critical`, `low` or `ok`, by the constraint's headroom."""
    if constraint.headroom_percent < CRITICAL_BELOW:
        return "critical"
    if constraint.headroom_percent < LOW_BELOW:
        return "low"
    return "ok"


def used_percent(constraint: CapacityConstraint) -> int:
    """The used share of the limit in whole percent, within 0..100 (a bar's width)."""
    return max(0, min(100, round(100.0 - constraint.headroom_percent)))


def text_bar(
    constraint: CapacityConstraint, width: int = 10, full: str = "#", empty: str = "-"
) -> str:
    """The used share as a bar of `width` characters."""
    filled = round(used_percent(constraint) * width / 100)
    return full * filled + empty * (width - filled)


def amount(value: float, unit: str = "") -> str:
    """A used or limit value for people: thousands separated, at most two decimals."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}" if unit else text


@dataclass(frozen=True)
class GroupView:
    """A product (or account) with the rows a report shows of it.

    The rows start with the group's first limit: constraints are sorted least headroom first.
    """

    group: CapacityGroup
    rows: list[CapacityConstraint]
    more: int = 0


@dataclass(frozen=True)
class CapacityView:
    """What a report shows of a capacity section: some groups, some rows of each."""

    report: CapacityReport
    products: list[GroupView] = field(default_factory=list)
    accounts: list[GroupView] = field(default_factory=list)
    more_products: int = 0
    more_accounts: int = 0


def capacity_view(report: CapacityReport, rows: int = 0, groups: int = 0) -> CapacityView:
    """The groups and rows to show: at most `rows` per group, `groups` products and as many
    accounts (0: all)."""

    def view(group: CapacityGroup) -> GroupView:
        shown = group.constraints[:rows] if rows else group.constraints
        return GroupView(group, shown, len(group.constraints) - len(shown))

    products = report.products[:groups] if groups else report.products
    accounts = report.accounts[:groups] if groups else report.accounts
    return CapacityView(
        report=report,
        products=[view(g) for g in products],
        accounts=[view(g) for g in accounts],
        more_products=len(report.products) - len(products),
        more_accounts=len(report.accounts) - len(accounts),
    )


def render_capacity_json(report: CapacityReport) -> str:
    """The capacity report as indented JSON (the `capacity` object of a findings document)."""
    return report.model_dump_json(indent=2) + "\n"


# ---------------------------------------------------------------------- terminal
_MAX_CELL = 48
_HEADERS = ("", "HEADROOM", "USE", "USED / LIMIT", "LIMIT", "RESOURCE", "SCOPE", "MEASURED")


def _cell(value: object) -> str:
    text = " ".join(strip_control(str(value)).split())
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def _row(c: CapacityConstraint, is_first: bool) -> tuple[str, ...]:
    ref = c.resource
    return (
        ">" if is_first else "",
        f"{c.headroom_percent:.1f}%",
        f"[{text_bar(c, 20)}]",
        f"{amount(c.used)} / {amount(c.limit, c.unit)}",
        _cell(f"{c.kind}: {c.limited}"),
        _cell(ref.name or ref.id),
        _cell("/".join(p for p in (ref.account, ref.region) if p)),
        _cell(c.measure),
    )


def _table(view: GroupView, highlight: Callable[[str], str]) -> list[str]:
    rows = [_HEADERS, *(_row(c, n == 0) for n, c in enumerate(view.rows))]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HEADERS))]
    right = {1}  # headroom
    lines = []
    for n, row in enumerate(rows):
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        line = "  " + "  ".join(cells).rstrip()
        if n and row[0]:
            line = highlight(line + "  <- first limit")
        lines.append(line)
    if view.more:
        lines.append(f"  ... and {view.more} more (--rows 0 shows all)")
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _title(view: GroupView, kind: str) -> str:
    group = view.group
    first = group.first_limit
    parts = [f"{kind} {_cell(group.name)}"]
    if group.resources:
        parts.append(_count(group.resources, "resource"))
    parts.append(_count(len(group.constraints), "limit"))
    if group.unmeasured:
        parts.append(f"{group.unmeasured} not measured")
    if first is not None:
        parts.append(
            f"first limit: {_cell(first.limited)} at {first.headroom_percent:.1f}% headroom"
        )
    return " · ".join(parts)


def render_capacity_text(
    report: CapacityReport, rows: int = 20, highlight: Callable[[str], str] = str
) -> str:
    """Headroom by product as aligned terminal columns, a character bar per limit.

    Args:
        report: the capacity report.
        rows: the most limits listed per product (0: all).
        highlight: styles the line of each product's first limit (e.g. bold on a terminal).
    """
    view = capacity_view(report, rows=rows)
    tags = ", ".join(report.product_tags)
    lines = [
        f"Headroom by product (tag: {_cell(tags)}): {_count(report.constraints, 'limit')} measured"
        + (
            f", {report.unmeasured} not measured (values not collected)"
            if report.unmeasured
            else ""
        )
    ]
    if not report.products and not report.accounts:
        lines.append(
            "No capacity data: collect usage and quotas with --metrics (docs/capacity.md)."
        )
    for group in view.products:
        lines += ["", _title(group, "product"), *_table(group, highlight)]
    for group in view.accounts:
        lines += ["", _title(group, "quotas of account") + " (no product runs there)"]
        lines += _table(group, highlight)
    return "\n".join(lines) + "\n"
