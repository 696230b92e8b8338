"""Self-contained HTML report: one file, inline CSS and JS, works offline, loads nothing.

The template is `reports/html/report.html.j2`; `style.css` and `report.js` beside it are
inlined. The jinja2 environment autoescapes, so every value from the findings document
is escaped; the only markup inserted unescaped is our own CSS and JS and the
architecture diagram's SVG, which `sanitize_svg` cleans first.

A Content-Security-Policy meta tag allows exactly the inlined style and script (by
SHA-256 hash) and nothing else: no network requests, and an injected `<script>` would
not run even if escaping ever failed. It also forbids inline `style` attributes, so the
capacity bars (`capacity.html.j2`) take their width from classes `cap-w0` .. `cap-w100`,
generated into the inlined CSS here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from scanner.cost.amounts import money
from scanner.errors import ReportError
from scanner.model import Finding, FindingsDocument, Severity
from scanner.render._paths import template_dir
from scanner.render._summary import (
    category_counts,
    format_cost,
    framework_counts,
    severity_counts,
    sort_findings,
    undecided_reasons,
)
from scanner.render._text import is_web_url, strip_control
from scanner.render.capacity import (
    CRITICAL_BELOW,
    LOW_BELOW,
    amount,
    capacity_view,
    headroom_level,
    used_percent,
)
from scanner.render.cost import cost_view
from scanner.render.forecast import forecast_view

__all__ = ["content_security_policy", "render_html", "report_css", "sanitize_svg"]

logger = logging.getLogger(__name__)

_PROLOG = re.compile(r"<\?xml.*?\?>", re.IGNORECASE | re.DOTALL)
_DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ACTIVE_ELEMENTS = "script|foreignObject|iframe|object|embed"
_ACTIVE_PAIRED = re.compile(rf"<({_ACTIVE_ELEMENTS})\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_ACTIVE_ANY = re.compile(rf"<\s*/?\s*({_ACTIVE_ELEMENTS})\b[^>]*>?", re.IGNORECASE)
_EVENT_ATTR = re.compile(r"""\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
_ID_ATTR = re.compile(r"""(\sid\s*=\s*["'])""", re.IGNORECASE)
_LOCAL_REF = re.compile(r"""(url\(\s*#|href\s*=\s*["']#)""", re.IGNORECASE)
_SCRIPT_URL = re.compile(
    r"""((?:xlink:)?href\s*=\s*["']?)\s*(?:javascript|data|vbscript):[^"'\s>]*""",
    re.IGNORECASE,
)


def sanitize_svg(svg: str, id_prefix: str = "") -> str:
    """Make Graphviz SVG safe to inline in HTML.

    Removes the XML prolog, the DOCTYPE and comments (invalid or useless inside HTML),
    and, defensively, script-capable elements, event-handler attributes and
    script URLs. Graphviz escapes labels itself; this guards against anything else.
    `id_prefix` (letters, digits, `-`) goes before every id and every local reference
    (`url(#...)`, `href="#..."`): Graphviz numbers each diagram's ids from `graph0`, so
    a page with several diagrams needs one prefix per diagram to keep ids unique.

    Raises:
        ReportError: the text holds no `<svg` element.
    """
    text = _PROLOG.sub("", svg)
    text = _DOCTYPE.sub("", text)
    text = _COMMENT.sub("", text)
    text = _ACTIVE_PAIRED.sub("", text)
    text = _ACTIVE_ANY.sub("", text)
    text = _EVENT_ATTR.sub("", text)
    text = _SCRIPT_URL.sub(r"\1#", text)
    if id_prefix:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", id_prefix):
            msg = f"SVG id prefix {id_prefix!r}: letters, digits and '-' only"
            raise ValueError(msg)
        text = _ID_ATTR.sub(rf"\g<1>{id_prefix}", text)
        text = _LOCAL_REF.sub(rf"\g<1>{id_prefix}", text)
    start = text.lower().find("<svg")
    if start < 0:
        msg = "architecture diagram: not an SVG document (no <svg> element); re-run `dot -Tsvg`"
        raise ReportError(msg)
    return text[start:].strip()


@dataclass(frozen=True)
class _Assets:
    css: str
    js: str
    csp: str


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@lru_cache(maxsize=1)
def _assets() -> _Assets:
    folder = template_dir("html")
    try:
        css = (folder / "style.css").read_text(encoding="utf-8")
        js = (folder / "report.js").read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"{folder}: cannot read report assets: {exc.strerror or exc}"
        raise ReportError(msg) from exc
    css += "".join(f".cap-w{n}{{width:{n}%}}" for n in range(101)) + "\n"
    return _Assets(css=css, js=js, csp=content_security_policy(css, js))


def content_security_policy(css: str, js: str = "") -> str:
    """The CSP of a self-contained page: exactly this inline style (and script), nothing else."""
    script = f"script-src {_sha256(js)}; " if js else ""
    return (
        f"default-src 'none'; style-src {_sha256(css)}; {script}"
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def report_css() -> str:
    """The report's stylesheet, for other self-contained pages that look like it."""
    return _assets().css


def _to_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir("html")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["pretty_json"] = _to_json
    env.filters["cost"] = format_cost
    env.filters["undecided_reasons"] = undecided_reasons
    env.filters["clean"] = lambda value: strip_control(str(value))
    env.filters["amount"] = amount
    env.filters["money"] = money
    env.filters["level"] = headroom_level
    env.filters["used_percent"] = used_percent
    env.tests["web_url"] = is_web_url
    env.globals.update(critical_below=CRITICAL_BELOW, low_below=LOW_BELOW)
    return env


# Limits listed per product; the JSON document holds them all.
_CAPACITY_ROWS = 50
_COST_ROWS = 25  # lines per cost breakdown
# Findings listed per rule. A rule that fails on thousands of resources would otherwise
# make a page no browser opens (160 MB of HTML for the 56,614 findings of a generated
# 100k-resource estate); every count stays whole, and the other formats list them all.
FINDINGS_PER_RULE = 100


def _search_text(finding: Finding) -> str:
    resource = finding.resource
    parts = [
        finding.rule_id,
        finding.title,
        finding.message,
        resource.id,
        resource.name,
        resource.type,
        resource.account,
        resource.region,
        *(f"{ref.framework}:{ref.control}" for ref in finding.compliance),
    ]
    return " ".join(" ".join(parts).split()).lower()


@dataclass
class _Category:
    """One category's findings within a severity, as the page lists them."""

    name: str
    listed: list[Finding]
    count: int = 0  # findings in all, listed or not
    not_listed: dict[str, tuple[str, int]] = field(default_factory=dict)  # rule -> title, n


def _groups(findings: list[Finding], per_rule: int) -> list[dict[str, Any]]:
    """Sorted findings by severity, then category, each listing at most `per_rule`
    findings of a rule (0: all)."""
    groups: list[dict[str, Any]] = []
    for severity in Severity:
        categories: dict[str, _Category] = {}
        of_rule: dict[str, int] = {}
        for finding in findings:
            if finding.severity is not severity:
                continue
            name = finding.category.value
            category = categories.get(name) or categories.setdefault(name, _Category(name, []))
            category.count += 1
            seen = of_rule[finding.rule_id] = of_rule.get(finding.rule_id, 0) + 1
            if not per_rule or seen <= per_rule:
                category.listed.append(finding)
            else:
                n = category.not_listed.get(finding.rule_id, (finding.title, 0))[1]
                category.not_listed[finding.rule_id] = (finding.title, n + 1)
        if categories:
            listed = sum(len(c.listed) for c in categories.values())
            count = sum(c.count for c in categories.values())
            groups.append(
                {
                    "severity": severity.value,
                    "count": count,
                    "listed": listed,
                    "categories": list(categories.values()),
                }
            )
    return groups


def render_html(
    doc: FindingsDocument, diagram_svg: str | None = None, per_rule: int = FINDINGS_PER_RULE
) -> str:
    """Render the document as one self-contained HTML page.

    Args:
        doc: the findings document.
        diagram_svg: an architecture diagram from `diagram.to_svg`, inlined after
            `sanitize_svg`; omitted when None.
        per_rule: the most findings of one rule the page lists (0: all); the page says
            how many it leaves out, and where they all are.

    Raises:
        ReportError: the templates are missing, or diagram_svg is not SVG.
    """
    assets = _assets()
    findings = sort_findings(doc.findings)
    groups = _groups(findings, per_rule)
    context = {
        "doc": doc,
        "per_rule": per_rule,
        "listed": sum(g["listed"] for g in groups),
        "generated_at": doc.generated_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "severity_counts": {s.value: n for s, n in severity_counts(doc).items()},
        "category_counts": {c.value: n for c, n in category_counts(doc).items()},
        "total_cost": sum(f.monthly_cost_usd or 0.0 for f in findings),
        "groups": groups,
        "search_text": _search_text,
        "frameworks": [{"fw": fw, "counts": framework_counts(fw)} for fw in doc.frameworks],
        "capacity": capacity_view(doc.capacity, rows=_CAPACITY_ROWS) if doc.capacity else None,
        "forecast": forecast_view(doc.forecast) if doc.forecast else None,
        "cost": cost_view(doc.cost, rows=_COST_ROWS) if doc.cost else None,
        # The only unescaped markup: the sanitised diagram and our own CSS and JS.
        "diagram": Markup(sanitize_svg(diagram_svg)) if diagram_svg else None,
        "css": Markup(assets.css),
        "js": Markup(assets.js),
        "csp": assets.csp,
    }
    html_text = _environment().get_template("report.html.j2").render(context)
    logger.debug("rendered %d findings into %d characters of HTML", len(findings), len(html_text))
    return html_text
