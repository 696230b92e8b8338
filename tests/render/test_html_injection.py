"""Markup in cloud data stays text in every HTML page, in a real browser (tests/browser.py).

A copy of the demo estate whose resource names, tags and Product values, a bucket's id,
a collection error and an extra rule's title, message, remediation and references carry
`<script>`, `<img onerror>`, a `javascript:` link, `</style>` and a stylesheet link, and
an SVG `onload`. Each page (the scan report, the architecture document, the audit report
and trend) must show that text literally and run none of it: no window flag set, no
dialog, no console message, no request, no element or attribute the payload would make.

The pages' Content-Security-Policy would stop an injected inline script even if escaping
failed, so the flag alone proves little: the DOM checks are what prove the escaping.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest
import yaml
from playwright.sync_api import Browser

from scanner.model import CollectionError
from tests.audit.conftest import demo_snapshot
from tests.browser import Visit, needs_chromium, visit
from tests.render.test_html_browser import assert_counts_agree, matching, run

pytestmark = needs_chromium

T0 = datetime(2026, 11, 1, tzinfo=UTC)
PAYLOAD = (
    "<script>window.pwned='script'</script>"
    "<img src=x onerror=\"window.pwned='img';alert('img')\">"
    "<a href=\"javascript:window.pwned='link'\">link</a>"
    "</style><link rel=stylesheet href=http://127.0.0.1:9/x.css>"
    "\"'><svg onload=alert('svg')>"
)
BUCKET = f"arn:aws:s3:::{PAYLOAD}"
RULE = {
    "title": f"Bucket title {PAYLOAD}",
    "severity": "high",
    "category": "security",
    "resource_types": ["aws.s3.bucket"],
    "description": PAYLOAD,
    "risk": PAYLOAD,
    "message": f"Message {PAYLOAD} on {{resource.name}}",
    "condition": {"path": "lifecycle_rule_count", "op": "gt", "value": 1000},
    "remediation": {"summary": f"Fix {PAYLOAD}", "cli": f"aws s3 {PAYLOAD}"},
    "references": ["javascript:window.pwned='reference'", f"https://example.com/{PAYLOAD}"],
    "tests": [
        {
            "name": "counts",
            "resources": [
                {"id": "fail", "type": "aws.s3.bucket", "attributes": {"lifecycle_rule_count": 1}},
                {
                    "id": "pass",
                    "type": "aws.s3.bucket",
                    "attributes": {"lifecycle_rule_count": 2000},
                },
            ],
        }
    ],
}


def hostile(resource: dict[str, Any]) -> dict[str, Any]:
    """Every name, and Product value, ends in the payload; every resource gets a tag of it."""
    if resource.get("name"):
        resource["name"] = f"{resource['name']} {PAYLOAD}"
    tags = resource.setdefault("tags", {})
    if "Product" in tags:
        tags["Product"] = f"{tags['Product']}{PAYLOAD}"
    tags["Owner"] = PAYLOAD
    return resource


def with_bucket(resource: dict[str, Any]) -> dict[str, Any]:
    """`hostile`, and one bucket (that nothing refers to) gets the payload in its id."""
    if resource.get("id") == "arn:aws:s3:::northwind-staging-uploads":
        resource["id"] = BUCKET
    return hostile(resource)


@dataclass(frozen=True)
class Pages:
    scan: Path
    findings: list[dict[str, Any]]
    architecture: Path
    audit: Path
    trend: Path


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Pages:
    root = tmp_path_factory.mktemp("hostile")
    (root / "rules").mkdir()
    (root / "rules" / "aws_s3_bucket_hostile_text_shown.yaml").write_text(yaml.safe_dump(RULE))
    error = CollectionError(
        provider="aws", account="111122223333", region="eu-west-1", service="s3",
        operation=PAYLOAD, code=PAYLOAD, message=PAYLOAD,
    )  # fmt: skip
    before = demo_snapshot(root / "before", T0, hostile)
    snap = demo_snapshot(root / "snap", T0 + timedelta(days=7), with_bucket, errors=[error])
    rules = ["--rules", str(root / "rules")]
    scan = ["scan", str(snap), *rules, "--no-config", "--fail-on", "none", "-q"]
    run(*scan, "--format", "html", "-o", str(root / "report.html"))
    run(*scan, "--format", "json", "-o", str(root / "findings.json"))
    run("architecture", "document", str(snap), "-o", str(root / "arch"))
    db = str(root / "audits.sqlite")
    for each in (before, snap):
        run("audit", "run", str(each), *rules, "--db", db, "--fail-on", "none", "-q")
    run("audit", "report", "--db", db, "-o", str(root / "audit.html"))
    run("audit", "trend", "--since", "3650d", "--db", db, "--format", "html",
        "-o", str(root / "trend.html"))  # fmt: skip
    return Pages(
        scan=root / "report.html",
        findings=json.loads((root / "findings.json").read_text())["findings"],
        architecture=root / "arch" / "architecture.html",
        audit=root / "audit.html",
        trend=root / "trend.html",
    )


def assert_inert(page: Visit, scripts: int, shown: bool = True) -> None:
    """Nothing the payload asks for happened, and its text is on the page as written."""
    assert page.js("window.pwned") is None
    assert page.problems() == []
    assert page.requests == [page.url]
    assert page.js("document.scripts.length") == scripts
    assert page.js("document.querySelectorAll('img, link[rel=stylesheet], body style').length") == 0
    # links: in-page, to the web, or to a file written beside the page; no other scheme
    links = page.js("[...document.querySelectorAll('[href]')].map(e => e.getAttribute('href'))")
    folder = Path(unquote(urlparse(page.url).path)).parent
    odd = [h for h in links if not h.startswith(("#", "https://", "http://", "data:,"))]
    assert [h for h in odd if ":" in h or not (folder / unquote(h)).is_file()] == []
    handlers = page.js(
        """[...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
            .filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))"""
    )
    assert handlers == []
    assert page.js("document.body.checkVisibility()")
    assert (page.js("s => document.body.textContent.split(s).length - 1", PAYLOAD) > 0) == shown


def test_the_scan_report_shows_the_markup_as_text(browser: Browser, pages: Pages) -> None:
    assert any(f["resource"]["id"] == BUCKET for f in pages.findings)
    assert any(f["rule_id"] == "aws_s3_bucket_hostile_text_shown" for f in pages.findings)
    with visit(browser, pages.scan) as page:
        assert_inert(page, scripts=1)
        assert_counts_agree(page, pages.findings)  # every message shown exactly as in the JSON
        page.open_all_details()
        ui = page.page
        ui.click("#expand-all")
        ui.fill("#filter-text", "<script>window.pwned")
        expected = matching(pages.findings, "<script>window.pwned")
        assert 0 < expected == page.count_visible("details.finding")
        ui.select_option("#filter-product", f"checkout{PAYLOAD}")
        assert page.count_visible("details.cap-product[data-product]") == 1
        assert PAYLOAD in ui.inner_text("#collection-errors")
        assert PAYLOAD in ui.inner_text("#cost")
        assert_inert(page, scripts=1)


def test_the_architecture_document_shows_the_markup_as_text(browser: Browser, pages: Pages) -> None:
    with visit(browser, pages.architecture) as page:
        assert_inert(page, scripts=0)
        assert PAYLOAD in page.page.inner_text("#entry-points")
        assert page.broken_references() == []


def test_the_audit_report_shows_the_markup_as_text(browser: Browser, pages: Pages) -> None:
    """The renamed bucket's id, in the new findings and the inventory drift."""
    with visit(browser, pages.audit) as page:
        assert_inert(page, scripts=0)
        assert page.broken_references() == []
        assert BUCKET in page.page.inner_text("body")


def test_the_audit_trend_shows_no_markup(browser: Browser, pages: Pages) -> None:
    """The trend holds counts and framework ids only: none of the payload, and inert."""
    with visit(browser, pages.trend) as page:
        assert_inert(page, scripts=0, shown=False)
        assert page.broken_references() == []
