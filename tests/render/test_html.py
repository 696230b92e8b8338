"""HTML: one self-contained, escaped, offline page."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from scanner.errors import ReportError
from scanner.model import FindingsDocument
from scanner.render.diagram import to_dot, to_svg
from scanner.render.html import render_html, sanitize_svg

from .conftest import HOSTILE, HOSTILE_ESCAPED, build_estate


class _Collector(HTMLParser):
    """Collects tags with their attributes, and the text of <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag in self.raw:
            self._in = tag
            self.raw[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.raw[self._in][-1] += data


def _parse(html_text: str) -> _Collector:
    collector = _Collector()
    collector.feed(html_text)
    collector.close()
    return collector


def _sha(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_hostile_values_are_escaped_everywhere(doc: FindingsDocument) -> None:
    html_text = render_html(doc)
    assert HOSTILE not in html_text
    assert HOSTILE_ESCAPED in html_text
    assert "<script>alert" not in html_text
    # The evidence JSON is escaped too, including a closing </pre> inside it.
    assert "&lt;/pre&gt;" in html_text
    # Exactly one script element: ours.
    page = _parse(html_text)
    assert [tag for tag, _ in page.tags if tag == "script"] == ["script"]


def test_self_contained_no_external_loads(doc: FindingsDocument) -> None:
    page = _parse(render_html(doc))
    for tag, attrs in page.tags:
        assert "src" not in attrs, tag
        if tag == "link":
            assert attrs.get("href") == "data:,"
        if "href" in attrs and tag == "a":
            assert attrs["href"].startswith(("#", "https://", "http://")), attrs["href"]
    assert not any(tag in ("iframe", "img", "object", "embed") for tag, _ in page.tags)


def test_csp_allows_exactly_the_inlined_style_and_script(doc: FindingsDocument) -> None:
    page = _parse(render_html(doc))
    csp = next(
        attrs["content"]
        for tag, attrs in page.tags
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in csp
    (script,) = page.raw["script"]
    (style,) = page.raw["style"]
    assert f"script-src 'sha256-{_sha(script)}'" in csp
    assert f"style-src 'sha256-{_sha(style)}'" in csp
    assert "function apply()" in script
    assert ".badge" in style


def test_only_web_references_become_links(doc: FindingsDocument) -> None:
    page = _parse(render_html(doc))
    hrefs = [attrs["href"] for tag, attrs in page.tags if tag == "a" and "href" in attrs]
    assert any(h.startswith("https://docs.aws.amazon.com/") for h in hrefs)
    assert not any("javascript" in h for h in hrefs)
    assert "javascript:alert(1)" in render_html(doc)  # shown as text


def test_content_sections(doc: FindingsDocument) -> None:
    html_text = render_html(doc)
    for section in ('id="summary"', 'id="compliance"', 'id="findings"', 'id="collection-errors"'):
        assert section in html_text
    assert 'id="architecture"' not in html_text
    assert html_text.count('<details class="finding"') == len(doc.findings)
    assert 'data-severity="critical"' in html_text
    assert "Ensure that S3 is configured with Block Public Access" in html_text
    assert 'class="status status-not_covered"' in html_text
    assert '<span class="status status-not_judged">not judged</span>' in html_text
    assert (
        '<span class="reason">arn:aws:account::123456789012:account: metric filters of log'
        " group /aws/cloudtrail/&lt;script&gt;alert(1)&lt;/script&gt; were not collected</span>"
    ) in html_text
    assert "$42.50/mo" in html_text
    assert "terraform/db main.tf:10-24" in html_text
    assert '<ol class="path">' in html_text
    assert "The region ap-east-1 is not enabled for this account" in html_text
    assert "snapshots/2024-05-01" in html_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text


def test_findings_are_grouped_by_severity_then_category(doc: FindingsDocument) -> None:
    html_text = render_html(doc)
    order = re.findall(r'<section class="sev-group" data-severity="(\w+)">', html_text)
    assert order == ["critical", "high", "medium", "low", "info"]
    high = html_text.split('data-severity="high">')[1].split('<section class="sev-group"')[0]
    assert re.findall(r'<div class="cat-group" data-category="(\w+)">', high) == [
        "iam",
        "network",
    ]


def test_empty_document() -> None:
    html_text = render_html(FindingsDocument(tool_version="0.1.0"))
    assert "No findings. Every evaluated rule passed." in html_text
    assert 'id="filters"' not in html_text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")
def test_diagram_from_dot_is_inlined_and_escaped(doc: FindingsDocument) -> None:
    svg = to_svg(to_dot(build_estate()))
    html_text = render_html(doc, diagram_svg=svg)
    assert 'id="architecture"' in html_text
    assert "<?xml" not in html_text
    assert "<!DOCTYPE svg" not in html_text
    assert "<svg" in html_text
    assert HOSTILE not in html_text
    assert [tag for tag, _ in _parse(html_text).tags if tag == "script"] == ["script"]


def test_sanitize_svg_strips_prolog_scripts_and_handlers() -> None:
    svg = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
        ' "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        "<!-- Generated by graphviz -->\n"
        '<svg width="10pt" onload="alert(1)"><g id="n1">'
        "<script>alert(1)</script><SCRIPT src=x.js/>"
        '<a xlink:href="javascript:alert(1)"><text>ok &lt;script&gt;</text></a>'
        "<foreignObject><div>x</div></foreignObject><script>unclosed"
        "</g></svg>"
    )
    clean = sanitize_svg(svg)
    assert clean.startswith("<svg")
    assert "<script" not in clean.lower()
    assert "onload" not in clean
    assert "javascript:" not in clean
    assert "foreignObject" not in clean
    assert "<!--" not in clean
    assert "ok &lt;script&gt;" in clean


def test_sanitize_svg_prefixes_ids_and_the_references_to_them() -> None:
    """Several Graphviz diagrams on one page each start at graph0: prefixed, ids stay unique."""
    svg = (
        '<svg><g id="graph0"><pattern id="h"/><rect fill="url(#h)"/>'
        '<use xlink:href=\'#node1\'/><a href="#edge1"><text>id="x"</text></a></g></svg>'
    )
    assert sanitize_svg(svg, id_prefix="d2-") == (
        '<svg><g id="d2-graph0"><pattern id="d2-h"/><rect fill="url(#d2-h)"/>'
        '<use xlink:href=\'#d2-node1\'/><a href="#d2-edge1"><text>id="x"</text></a></g></svg>'
    )
    assert sanitize_svg(svg) == svg
    with pytest.raises(ValueError, match="id prefix"):
        sanitize_svg(svg, id_prefix='x"><script>')


def test_sanitize_svg_rejects_non_svg() -> None:
    with pytest.raises(ReportError, match="not an SVG document"):
        sanitize_svg("<html><body>hi</body></html>")


def test_a_rule_is_listed_up_to_the_limit_and_the_rest_counted(doc: FindingsDocument) -> None:
    first = doc.findings[0]
    copies = [
        first.model_copy(
            update={"fingerprint": f"copy-{n}", "resource": first.resource.model_copy(
                update={"id": f"{first.resource.id}-copy-{n}"})}
        )
        for n in range(7)
    ]  # fmt: skip
    big = doc.model_copy(update={"findings": [*doc.findings, *copies]})
    of_rule = sum(f.rule_id == first.rule_id for f in big.findings)
    html_text = render_html(big, per_rule=3)
    listed = sum(min(3, sum(f.rule_id == r for f in big.findings)) for r in
                 {f.rule_id for f in big.findings})  # fmt: skip
    assert html_text.count('<details class="finding"') == listed
    assert html_text.count(f'<dt>Rule</dt><dd class="mono">{first.rule_id}</dd>') == 3
    assert (
        f"{of_rule - 3} more findings of {escape(first.title)}"
        f' (<span class="mono">{first.rule_id}</span>) not listed here'
    ) in html_text
    assert f"{listed} of {len(big.findings)}. The counts include them all" in html_text
    assert f'<span id="shown-count">{listed}</span> of {len(big.findings)} shown' in html_text
    # the severity's header: the rows listed (what the filters count) of all its findings
    severity = first.severity.value
    in_severity = sum(f.severity is first.severity for f in big.findings)
    section = html_text.split(f'<section class="sev-group" data-severity="{severity}">')[1]
    assert f'data-total="{in_severity - (of_rule - 3)}"' in section.split("</h3>")[0]
    assert f" of {in_severity} findings listed</h3>" in section

    every = render_html(big, per_rule=0)
    assert every.count('<details class="finding"') == len(big.findings)
    assert 'id="listing-limit"' not in every
    assert "not listed here" not in every
