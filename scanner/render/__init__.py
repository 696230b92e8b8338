"""Renderers: a findings document in, the text of one output format out.

Every format is one module here and one line in `FORMATS`; nothing registers itself on
import. `render(doc, "sarif")` looks the format up and raises ReportError for unknown
names. Diagrams take resources rather than findings and live in `scanner.render.diagram`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from scanner.errors import ReportError
from scanner.model import FindingsDocument
from scanner.render._paths import reports_dir
from scanner.render.csv_ import render_csv
from scanner.render.html import render_html
from scanner.render.jsonout import iter_json, render_json
from scanner.render.junit import render_junit
from scanner.render.markdown import render_markdown
from scanner.render.ocsf import iter_ocsf, render_ocsf
from scanner.render.sarif import render_sarif

__all__ = ["EXTENSIONS", "FORMATS", "render", "render_pieces", "reports_dir"]


FORMATS: dict[str, Callable[[FindingsDocument], str]] = {
    "json": render_json,
    "sarif": render_sarif,
    "ocsf": render_ocsf,
    "junit": render_junit,
    "csv": render_csv,
    "md": render_markdown,
    "html": render_html,  # without a diagram; call render_html directly to add one
}

# Formats that can be written piece by piece (the same text as FORMATS gives).
_STREAMING: dict[str, Callable[[FindingsDocument], Iterator[str]]] = {
    "json": iter_json,
    "ocsf": iter_ocsf,
}

# The usual file extension of each format, for writing several reports at once.
EXTENSIONS: dict[str, str] = {
    "json": ".json",
    "sarif": ".sarif",
    "ocsf": ".ocsf.json",
    "junit": ".xml",
    "csv": ".csv",
    "md": ".md",
    "html": ".html",
}


def render(doc: FindingsDocument, fmt: str) -> str:
    """Render the document in the named format (one of FORMATS).

    Raises:
        ReportError: fmt is not a known format.
    """
    renderer = FORMATS.get(fmt)
    if renderer is None:
        msg = f"unknown report format {fmt!r} (use one of: {', '.join(FORMATS)})"
        raise ReportError(msg)
    return renderer(doc)


def render_pieces(doc: FindingsDocument, fmt: str) -> Iterator[str]:
    """The text of `render(doc, fmt)` in pieces, for writing large documents to a file."""
    streaming = _STREAMING.get(fmt)
    if streaming is not None:
        return streaming(doc)
    return iter([render(doc, fmt)])
