"""Markdown output, sized for a pull-request comment.

A summary (counts by severity and category), the top findings, one collapsible
`<details>` section per severity with each rule's affected resources and remediation,
the compliance summary per framework, headroom by product (when the document has a
capacity section: a table of each product's first limit, then one collapsible table per
product with a bar per limit) and the collection errors. The template is
`reports/markdown/report.md.j2`; the capacity part is `capacity.md.j2`, which
`render_capacity_markdown` renders alone for `pscan capacity show --format md`.

When the document carries a gate verdict (`pscan scan`/`pscan iac` with a baseline,
suppressions or a plan overlay), a gate section comes first: the verdict, the new
findings (those that count), the fixed ones, new internet paths, and collapsible lists of
suppressions and of checkov's run; the top-findings table then lists new findings first
and leaves suppressed ones out.

Every value that comes from the findings document goes through the `md` filter, which
escapes what would break a table or inject markup (`|`, `<`, `>`, `&`, backticks,
brackets, asterisks, backslashes, newlines), or through `fence`, which picks a code
fence longer than any backtick run in the text. GitHub rejects comments over 65,536
characters, so when the report is larger the detail shrinks step by step until it fits.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jinja2

from scanner.cost.amounts import money
from scanner.model import (
    CapacityConstraint,
    CapacityReport,
    CostReport,
    Finding,
    FindingsDocument,
    Severity,
)
from scanner.render._paths import template_dir
from scanner.render._summary import (
    category_counts,
    format_cost,
    framework_counts,
    severity_counts,
    sort_findings,
    undecided_reasons,
)
from scanner.render._text import code_fence, strip_control
from scanner.render.capacity import amount, capacity_view, headroom_level, text_bar
from scanner.render.cost import cost_view
from scanner.render.forecast import forecast_view

__all__ = [
    "MAX_COMMENT_CHARS",
    "escape_markdown",
    "render_capacity_markdown",
    "render_cost_markdown",
    "render_markdown",
]

logger = logging.getLogger(__name__)

# GitHub's limit on the body of an issue or pull-request comment.
MAX_COMMENT_CHARS = 65_536

_MD_SPECIAL = re.compile(r"([\\|`\[\]*])")
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")
_MENTION = re.compile(r"(?<![\w.])@")
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp)://")  # what GitHub turns into links (and www.)


def escape_markdown(value: object) -> str:
    """Escape a value for inline Markdown: one line, no table breaks, no markup, and
    inert in a pull-request comment: `@name` notifies nobody and no URL becomes a link."""
    text = _NEWLINES.sub(" ", strip_control(str(value)))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MENTION.sub("&#64;", text)  # an e-mail address (a@b) notifies nobody: kept
    return _AUTOLINK.sub(r"\1&#58;//", text).replace("www.", "www&#46;")


@dataclass
class _RuleGroup:
    rule_id: str
    title: str
    category: str
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class _Budget:
    top: int
    resources_per_rule: int
    show_details: bool
    show_remediation_code: bool
    capacity_rows: int = 10  # limits per product
    capacity_products: int = 30
    cost_rows: int = 10  # lines per cost breakdown


_LEVEL_ICONS = {"critical": "🔴", "low": "🟠", "ok": "🟢"}


def _level_icon(constraint: CapacityConstraint) -> str:
    return _LEVEL_ICONS[headroom_level(constraint)]


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir("markdown")),
        # Markdown is not HTML: values are escaped by the `md` filter instead.
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = escape_markdown
    env.filters["fence"] = lambda text, lang="": code_fence(strip_control(str(text)), lang)
    env.filters["cost"] = format_cost
    env.filters["undecided_reasons"] = undecided_reasons
    env.filters["amount"] = amount
    env.filters["money"] = money
    env.filters["bar"] = lambda c: text_bar(c, 10, "█", "░")
    env.filters["level_icon"] = _level_icon
    return env


def render_markdown(doc: FindingsDocument, limit: int = 50) -> str:
    """Render the document as a Markdown report that fits in a pull-request comment.

    Args:
        doc: the findings document.
        limit: the most findings listed in the top-findings table.
    """
    budgets = [
        _Budget(limit, 20, show_details=True, show_remediation_code=True),
        _Budget(limit, 5, show_details=True, show_remediation_code=False),
        _Budget(min(limit, 20), 0, True, False, capacity_rows=5, capacity_products=20),
        _Budget(min(limit, 20), 0, False, False, capacity_rows=3, capacity_products=10),
        _Budget(min(limit, 5), 0, False, False, 1, 5, cost_rows=3),
    ]
    template = _environment().get_template("report.md.j2")
    text = ""
    for budget in budgets:
        text = template.render(_context(doc, budget))
        if len(text) <= MAX_COMMENT_CHARS:
            return text
        logger.debug("markdown report is %d characters; shrinking it", len(text))
    logger.warning(
        "markdown report is %d characters, over GitHub's %d-character comment limit",
        len(text),
        MAX_COMMENT_CHARS,
    )
    return text


def render_capacity_markdown(report: CapacityReport, rows: int = 20) -> str:
    """Headroom by product alone, as the Markdown report shows it (`rows` per product, 0: all)."""
    template = _environment().get_template("capacity.md.j2")
    return template.render(capacity=capacity_view(report, rows=rows))


def render_cost_markdown(report: CostReport, rows: int = 10) -> str:
    """The cost section alone, as the Markdown report shows it (`rows` per breakdown, 0: all)."""
    template = _environment().get_template("cost.md.j2")
    return template.render(cost=cost_view(report, rows))


def _gate_context(doc: FindingsDocument, findings: list[Finding], top: int) -> dict[str, Any]:
    gate = doc.gate
    if gate is None:
        return {"gate": None, "checkov": doc.checkov}
    threshold = None if gate.fail_on == "none" else Severity(gate.fail_on).rank
    counted = [
        f
        for f in findings
        if f.status.value == "fail"
        and f.suppression is None
        and f.is_new is not False
        and (threshold is None or f.severity.rank >= threshold)
    ]
    suppressions = [s for s in gate.suppressions if s.status != "active"] + [
        s for s in gate.suppressions if s.status == "active"
    ]
    return {
        "gate": gate,
        "new_findings": counted[:top],
        "more_new": max(0, len(counted) - top),
        "fixed": gate.fixed[:top],
        "more_fixed": max(0, len(gate.fixed) - top),
        "suppressions": suppressions[:50],
        "suppressed_findings": [f for f in findings if f.suppression is not None][:50],
        "checkov": doc.checkov,
    }


def _context(doc: FindingsDocument, budget: _Budget) -> dict[str, Any]:
    findings = sort_findings(doc.findings)
    if doc.gate is not None:
        # New findings first; suppressed ones only in their own list.
        findings = [f for f in findings if f.suppression is None]
        findings.sort(key=lambda f: f.is_new is False)
    by_severity: dict[Severity, dict[str, _RuleGroup]] = {}
    for finding in findings:
        groups = by_severity.setdefault(finding.severity, {})
        group = groups.get(finding.rule_id)
        if group is None:
            group = groups[finding.rule_id] = _RuleGroup(
                finding.rule_id, finding.title, finding.category.value
            )
        group.findings.append(finding)
    sections = [
        {
            "severity": severity.value,
            "count": sum(len(group.findings) for group in by_severity[severity].values()),
            "rules": list(by_severity[severity].values()),
        }
        for severity in Severity
        if severity in by_severity
    ]
    frameworks = [
        {
            "framework": framework,
            "counts": framework_counts(framework),
            "not_judged": [c for c in framework.controls if c.status == "not_judged"],
        }
        for framework in doc.frameworks
    ]
    return {
        "doc": doc,
        "generated_at": doc.generated_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "severity_counts": {s.value: n for s, n in severity_counts(doc).items()},
        "category_counts": {c.value: n for c, n in category_counts(doc).items()},
        "top": findings[: budget.top],
        "more": max(0, len(findings) - budget.top),
        "sections": sections,
        "frameworks": frameworks,
        "errors": doc.collection_errors[:50],
        "more_errors": max(0, len(doc.collection_errors) - 50),
        "budget": budget,
        "capacity": capacity_view(doc.capacity, budget.capacity_rows, budget.capacity_products)
        if doc.capacity
        else None,
        "forecast": forecast_view(doc.forecast) if doc.forecast else None,
        "cost": cost_view(doc.cost, budget.cost_rows) if doc.cost else None,
        **_gate_context(doc, sort_findings(doc.findings), budget.top),
    }
