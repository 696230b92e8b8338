"""The architecture document as Markdown and as one self-contained HTML page.

The facts are `scanner.architecture.document.ArchitectureDocument`; the templates are
`reports/markdown/architecture.md.j2` and `reports/html/architecture.html.j2`. Values
from the cloud go through the Markdown report's `md` filter (`escape_markdown`) or the
HTML environment's autoescaping; the only unescaped markup in the HTML is the report's
stylesheet and the diagrams' SVG after `sanitize_svg`. The page's Content-Security-Policy
allows that one stylesheet and nothing else (no script, no network).

One line of each output says when it was generated; everything else is a function of
the document, so regenerating it in CI shows a diff only when the estate changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from scanner import __version__
from scanner.architecture.document import ArchitectureDocument
from scanner.catalog.tiers import placement
from scanner.model import ResourceRef
from scanner.render._paths import template_dir
from scanner.render._text import strip_control
from scanner.render.html import content_security_policy, report_css, sanitize_svg
from scanner.render.markdown import escape_markdown

__all__ = ["DiagramFiles", "render_architecture_html", "render_architecture_markdown"]


@dataclass(frozen=True)
class DiagramFiles:
    """One view's files (paths relative to the document) and its SVG when drawn."""

    view: str
    title: str
    files: tuple[str, ...]
    svg: str | None = None

    @property
    def image(self) -> str | None:
        """The SVG file, when there is one."""
        return next((f for f in self.files if f.endswith(".svg")), None)


def _label(ref: ResourceRef) -> str:
    return ref.name or ref.id


def _kind(ref: ResourceRef) -> str:
    return "unknown resource" if ref.type == "unknown" else placement(ref.type).label


def _where(ref: ResourceRef) -> str:
    return " / ".join(p for p in (ref.provider, ref.account, ref.region) if p)


def _filters(env: jinja2.Environment) -> jinja2.Environment:
    env.filters["label"] = _label
    env.filters["kind"] = _kind
    env.filters["where"] = _where
    env.filters["clean"] = lambda value: strip_control(str(value))
    return env


@lru_cache(maxsize=2)
def _environment(fmt: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir(fmt)),
        # Markdown is not HTML: there, values are escaped by the `md` filter instead.
        autoescape=fmt == "html",
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = escape_markdown
    return _filters(env)


def _context(
    doc: ArchitectureDocument,
    diagrams: Sequence[DiagramFiles],
    generated_at: datetime,
    sources: Sequence[str],
    dsl: str | None,
) -> dict[str, Any]:
    return {
        "doc": doc,
        "diagrams": list(diagrams),
        "generated_at": generated_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "sources": list(sources),
        "dsl": dsl,
        "version": __version__,
        "behind_limit": 20,
    }


def render_architecture_markdown(
    doc: ArchitectureDocument,
    diagrams: Sequence[DiagramFiles] = (),
    *,
    generated_at: datetime,
    sources: Sequence[str] = (),
    dsl: str | None = None,
) -> str:
    """The document as Markdown; diagrams are linked (their SVG shown as an image).

    Raises:
        ReportError: the template is missing from the installation.
    """
    template = _environment("markdown").get_template("architecture.md.j2")
    return template.render(_context(doc, diagrams, generated_at, sources, dsl))


def render_architecture_html(
    doc: ArchitectureDocument,
    diagrams: Sequence[DiagramFiles] = (),
    *,
    generated_at: datetime,
    sources: Sequence[str] = (),
    dsl: str | None = None,
) -> str:
    """The document as one self-contained HTML page with the diagrams' SVG inlined.

    Raises:
        ReportError: the templates or assets are missing, or a diagram is not SVG.
    """
    css = report_css()
    context = _context(doc, diagrams, generated_at, sources, dsl)
    context.update(
        css=Markup(css),
        csp=content_security_policy(css),
        # The only unescaped markup besides our CSS: the sanitised diagrams.
        # one id prefix per diagram: Graphviz starts every diagram's ids at graph0, node1
        svgs={
            d.view: Markup(sanitize_svg(d.svg, id_prefix=f"d{n}-"))
            for n, d in enumerate(diagrams)
            if d.svg
        },
    )
    return _environment("html").get_template("architecture.html.j2").render(context)
