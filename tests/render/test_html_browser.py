"""The scan's HTML report in a real browser (tests/browser.py): the filters and every count
agree with the rows shown and with the JSON findings of the same scan; the page loads
nothing, logs nothing and every in-page reference resolves; the charts of the capacity,
forecast, cost and architecture sections are drawn with a size.

`pscan scan --format html` of the demo estate is the report under test; `pscan demo`'s
report.html adds the sections a scan alone does not have (the capacity plan, the diagram).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser

from scanner.cli import cli
from scanner.paths import data_dir
from tests.browser import Visit, needs_chromium, visit

pytestmark = needs_chromium

DEMO = data_dir("fixtures/demo")


@dataclass(frozen=True)
class Report:
    """An HTML report and the JSON document of the same findings."""

    html: Path
    doc: dict[str, Any]

    @property
    def findings(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.doc["findings"]
        return found


def run(*args: str) -> None:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """`pscan scan --format html` and `--format json` of the demo estate."""
    out = tmp_path_factory.mktemp("scan")
    common = ["scan", str(DEMO), "--no-config", "--fail-on", "none", "-q"]
    run(*common, "--format", "html", "-o", str(out / "report.html"))
    run(*common, "--format", "json", "-o", str(out / "findings.json"))
    return Report(out / "report.html", json.loads((out / "findings.json").read_text()))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """`pscan demo`: report.html with every section, and findings.json of the same scan."""
    out = tmp_path_factory.mktemp("demo") / "out"
    run("demo", "--out", str(out), "-q")
    return Report(out / "report.html", json.loads((out / "findings.json").read_text()))


def searchable(finding: dict[str, Any]) -> str:
    """What the search box matches: the finding's words, lower case."""
    resource = finding["resource"]
    parts = [
        finding["rule_id"], finding["title"], finding["message"],
        *(resource.get(key) or "" for key in ("id", "name", "type", "account", "region")),
        *(f"{ref['framework']}:{ref['control']}" for ref in finding["compliance"]),
    ]  # fmt: skip
    return " ".join(" ".join(parts).split()).lower()


def matching(findings: list[dict[str, Any]], text: str) -> int:
    words = text.lower().split()
    return sum(all(word in searchable(f) for word in words) for f in findings)


_COUNTS = """() => {
    const number = (e, s) => Number(e.querySelector(s).textContent.trim());
    const groups = s => [...document.querySelectorAll(s)].map(g => [
        g.dataset.severity || g.dataset.category,
        g.querySelector('h3, h4').textContent.replace(/\\s+/g, ' ').trim(),
        g.querySelectorAll('details.finding').length]);
    return {
        rows: document.querySelectorAll('details.finding').length,
        total: number(document, '.card-total .card-value'),
        cards: Object.fromEntries([...document.querySelectorAll('.sev-card')].map(
            c => [c.querySelector('.card-label').textContent, number(c, '.card-value')])),
        chips: Object.fromEntries([...document.querySelectorAll('input[name=severity]')].map(
            i => [i.value, number(i.parentElement, '.chip-count')])),
        categories: Object.fromEntries([...document.querySelectorAll('#filter-category option')]
            .filter(o => o.value).map(o => [o.value, o.textContent])),
        severityGroups: groups('.sev-group'),
        categoryGroups: groups('.cat-group'),
        messages: [...document.querySelectorAll('.f-message')].map(p => p.textContent),
        shown: number(document, '#shown-count'),
    };
}"""


_GROUP_COUNTS = """[...document.querySelectorAll('.group-count')]
    .filter(label => label.checkVisibility())
    .map(label => [label.textContent, label.dataset.total,
        [...label.closest('.cat-group, .sev-group').querySelectorAll('details.finding')]
            .filter(d => d.checkVisibility()).length])"""


def assert_counts_agree(page: Visit, findings: list[dict[str, Any]]) -> None:
    """Every number the page shows is the JSON's, and is the number of rows it stands for."""
    shown = page.js(_COUNTS)
    severities = Counter(f["severity"] for f in findings)
    categories = Counter(f["category"] for f in findings)
    assert shown["rows"] == shown["total"] == shown["shown"] == len(findings) > 0
    assert page.count_visible("details.finding") == len(findings)
    assert shown["cards"] == shown["chips"] == {s: severities[s] for s in shown["cards"]}
    assert sum(shown["cards"].values()) == len(findings)
    assert shown["categories"] == {c: f"{c} ({n})" for c, n in categories.items()}
    for severity, title, rows in shown["severityGroups"]:
        assert title.endswith(f"{rows} finding{'' if rows == 1 else 's'}")
        assert rows == severities[severity]
    for category, title, rows in shown["categoryGroups"]:
        assert title == f"{category} ({rows})"
    assert sum(rows for _, _, rows in shown["categoryGroups"]) == len(findings)
    assert sorted(shown["messages"]) == sorted(f["message"] for f in findings)


def test_the_scan_report_loads_nothing_logs_nothing_and_its_links_resolve(
    browser: Browser, scan: Report
) -> None:
    with visit(browser, scan.html) as page:
        assert page.problems() == []
        assert page.requests == [page.url]
        assert page.broken_references() == []
        assert page.js("document.querySelectorAll('nav.toc a').length") >= 4
        assert page.js("document.scripts.length") == 1  # our own, allowed by its hash
        assert page.count_visible("#filters") == 1  # the script ran and showed the filters


def test_the_counts_agree_with_the_rows_and_the_json_findings(
    browser: Browser, scan: Report
) -> None:
    with visit(browser, scan.html) as page:
        assert_counts_agree(page, scan.findings)
        assert page.problems() == []


def test_each_filter_changes_the_visible_rows_and_the_count_shown(
    browser: Browser, scan: Report
) -> None:
    findings = scan.findings
    total = len(findings)
    severities = Counter(f["severity"] for f in findings)
    categories = Counter(f["category"] for f in findings)
    rule = Counter(f["rule_id"] for f in findings).most_common(1)[0][0]
    control = next(f"{r['framework']}:{r['control']}" for f in findings for r in f["compliance"])
    with visit(browser, scan.html) as page:
        ui = page.page

        def expect(rows: int) -> None:
            assert page.count_visible("details.finding") == rows
            # each group shown says how many of its rows are shown
            labels = page.js(_GROUP_COUNTS)
            groups = page.count_visible(".sev-group") + page.count_visible(".cat-group")
            assert len(labels) == groups
            for text, total, shown in labels:
                assert text == (total if str(shown) == total else f"{shown} of {total}")
            assert int(ui.text_content("#shown-count") or "") == rows
            assert page.count_visible("#no-match") == (rows == 0)
            assert page.count_visible(".sev-group") == page.js(
                "[...document.querySelectorAll('.sev-group')].filter("
                "g => g.querySelector('details.finding:not([hidden])')).length"
            )

        expect(total)
        for severity, count in severities.items():
            ui.uncheck(f"input[name=severity][value={severity}]")
            expect(total - count)
            ui.check(f"input[name=severity][value={severity}]")
        expect(total)
        for category, count in categories.items():
            ui.select_option("#filter-category", category)
            expect(count)
        ui.select_option("#filter-category", "")
        for text in (rule, control, f"{findings[0]['resource']['account']} {rule}", "S3"):
            ui.fill("#filter-text", text)
            expected = matching(findings, text)
            assert 0 < expected < total, text
            expect(expected)
        ui.fill("#filter-text", "no finding says this")
        expect(0)
        assert page.count_visible(".sev-group") == 0
        # all three at once: one category, one severity unticked, a word
        category = categories.most_common(1)[0][0]
        dropped = next(iter(severities))
        ui.select_option("#filter-category", category)
        ui.uncheck(f"input[name=severity][value={dropped}]")
        ui.fill("#filter-text", "aws")
        expect(
            sum(
                f["category"] == category and f["severity"] != dropped and "aws" in searchable(f)
                for f in findings
            )
        )
        ui.click("#expand-all")
        assert page.js("document.querySelectorAll('details.finding[open]').length") == (
            page.count_visible("details.finding")
        )
        assert page.problems() == []


def test_the_compliance_counts_agree_with_the_controls_listed(
    browser: Browser, scan: Report
) -> None:
    frameworks = scan.doc["frameworks"]
    assert frameworks
    with visit(browser, scan.html) as page:
        shown = page.js(
            """() => [...document.querySelectorAll('details.framework')].map(d => ({
                summary: [...d.querySelectorAll('summary .status')].map(s => s.textContent.trim()),
                rows: [...d.querySelectorAll('table.controls tbody tr .status')].map(
                    s => s.textContent.trim()),
            }))"""
        )
    assert len(shown) == len(frameworks)
    for framework, section in zip(frameworks, shown, strict=True):
        statuses = Counter(c["status"].replace("_", " ") for c in framework["controls"])
        rows = Counter(section["rows"])
        assert rows == statuses, framework["id"]
        for text in section["summary"]:
            count, status = text.split(" ", 1)
            assert int(count) == rows[status], (framework["id"], text)


def test_the_product_filter_shows_one_product(browser: Browser, scan: Report) -> None:
    products = [p["name"] for p in scan.doc["capacity"]["products"]]
    assert len(products) > 1
    with visit(browser, scan.html) as page:
        assert page.count_visible("details.cap-product[data-product]") == len(products)
        for product in products:
            page.page.select_option("#filter-product", product)
            assert page.js(
                """() => [...document.querySelectorAll('details.cap-product[data-product]')]
                    .filter(d => d.checkVisibility()).map(d => [d.dataset.product, d.open])"""
            ) == [[product, True]]
        page.page.select_option("#filter-product", "")
        assert page.count_visible("details.cap-product[data-product]") == len(products)
        assert page.problems() == []


def test_the_demo_report_draws_every_section(browser: Browser, demo: Report) -> None:
    """Capacity bars as wide as the share used, one chart per forecast tier, the cost
    charts and the architecture diagram: all on screen with a size, and the counts agree."""
    doc = demo.doc
    with visit(browser, demo.html) as page:
        assert page.problems() == []
        assert page.broken_references() == []
        assert_counts_agree(page, demo.findings)
        page.open_all_details()
        for section in ("capacity", "forecast", "cost", "architecture"):
            assert page.count_visible(f"section#{section}") == 1, section
        forecast = page.svg_sizes("#forecast")
        cost = page.svg_sizes("#cost")
        diagram = page.svg_sizes("#architecture")
        assert len(forecast) == len({(t["product"], t["tier"]) for t in doc["forecast"]["tiers"]})
        assert len(cost) >= 2 * len(doc["cost"]["currencies"])  # a trend and a breakdown each
        assert len(diagram) == 1
        assert all(w > 50 and h > 50 for w, h in forecast + diagram), forecast + diagram
        assert all(w > 50 and h > 10 for w, h in cost), cost
        bars = page.js(
            """[...document.querySelectorAll('#capacity .cap-fill')].map(f => [
                Number(f.className.match(/cap-w(\\d+)/)[1]),
                f.getBoundingClientRect().width / f.parentElement.clientWidth])"""
        )
        assert len(bars) >= 10
        assert any(percent > 0 for percent, _ in bars)
        for percent, share in bars:
            assert share == pytest.approx(percent / 100, abs=0.01)
        assert page.problems() == []


def test_a_report_without_findings_says_so_and_offers_no_filters(
    browser: Browser, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    run("scan", str(DEMO), "--no-config", "--rule", "aws_account_root_mfa_enabled",
        "--format", "html", "-o", str(out), "-q")  # fmt: skip
    with visit(browser, out) as page:
        assert page.problems() == []
        assert page.broken_references() == []
        assert page.js("document.querySelectorAll('details.finding, #filters').length") == 0
        assert "No findings. Every evaluated rule passed." in page.page.inner_text("#findings")
        assert page.page.inner_text(".card-total .card-value") == "0"
