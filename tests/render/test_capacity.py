"""Headroom by product in the reports: text, Markdown and HTML show bars and escape names."""

from __future__ import annotations

import re
from typing import Any

import pytest

from scanner.headroom import headroom_report
from scanner.model import CapacityReport, FindingsDocument
from scanner.render import render
from scanner.render.capacity import (
    amount,
    capacity_view,
    headroom_level,
    render_capacity_json,
    render_capacity_text,
    text_bar,
    used_percent,
)
from scanner.render.html import render_html
from scanner.render.markdown import MAX_COMMENT_CHARS, render_capacity_markdown, render_markdown
from scanner.synthetic.builders import resource

from .conftest import HOSTILE, HOSTILE_ESCAPED, build_doc

ACCOUNT = "111122223333"


def _subnet(name: str, product: str, total: int, available: int) -> dict[str, Any]:
    return resource(
        f"arn:aws:ec2:eu-west-1:{ACCOUNT}:subnet/{name}",
        "aws.ec2.subnet",
        account=ACCOUNT,
        name=name,
        tags={"Product": product},
        attributes={"total_ip_count": total, "available_ip_count": available},
    )


def _report() -> CapacityReport:
    resources = [
        _subnet("shop-a", "shop", 100, 5),  # 5 % headroom: critical
        _subnet("shop-b", "shop", 100, 80),  # 80 %: ok
        _subnet(HOSTILE, HOSTILE, 200, 30),  # 15 %: low
        resource(
            f"arn:aws:servicequotas:eu-west-1:{ACCOUNT}:ec2/L-1216C47A",
            "aws.servicequotas.quota",
            account=ACCOUNT,
            name="L-1216C47A",
            attributes={"quota_name": f"vCPUs {HOSTILE}", "used": 40, "limit": 64, "unit": "vCPU"},
        ),
    ]
    report = headroom_report(resources)
    assert report is not None
    return report


@pytest.fixture
def report() -> CapacityReport:
    return _report()


def test_levels_bars_and_amounts(report: CapacityReport) -> None:
    shop = next(g for g in report.products if g.name == "shop")
    critical, _quota, ok = shop.constraints
    assert (headroom_level(critical), headroom_level(ok)) == ("critical", "ok")
    hostile = next(g for g in report.products if g.name == HOSTILE).first_limit
    assert hostile is not None and headroom_level(hostile) == "low"
    assert used_percent(critical) == 95 and text_bar(critical, 10) == "##########"
    assert text_bar(ok, 10) == "##--------"
    assert amount(1234.5, "GiB") == "1,234.5 GiB" and amount(80.0) == "80"


def test_view_limits_rows_and_products(report: CapacityReport) -> None:
    view = capacity_view(report, rows=1, groups=1)
    assert len(view.products) == 1 and view.more_products == 1
    (first,) = view.products
    assert first.rows == [first.group.first_limit]
    assert first.more == len(first.group.constraints) - 1


def test_text_columns_are_aligned_and_the_first_limit_marked(report: CapacityReport) -> None:
    text = render_capacity_text(report, highlight=lambda line: f"*{line}*")
    lines = text.splitlines()
    assert lines[0].startswith("Headroom by product (tag: Product, App, Application): 4 limits")
    shop = lines.index(next(line for line in lines if line.startswith("product shop")))
    header, first, *rest = lines[shop + 1 : shop + 5]
    assert first.startswith("*  >") and first.endswith("<- first limit*")
    assert "[###################-]" in first and "95 / 100 IPs" in first
    assert all(not line.startswith("*") for line in rest)
    # the columns line up: every row's bar starts under the header's USE
    column = header.index("USE")
    assert first.index("[") - 1 == column and rest[0].index("[") == column
    assert "first limit: subnet IPv4 addresses at 5.0% headroom" in lines[shop]


def test_text_strips_terminal_control_characters() -> None:
    nasty = _subnet("evil\x1b[31mred", "p\x07", 10, 5)
    report = headroom_report([nasty])
    assert report is not None
    text = render_capacity_text(report)
    assert "\x1b" not in text and "\x07" not in text


def test_text_lists_at_most_rows_per_product(report: CapacityReport) -> None:
    text = render_capacity_text(report, rows=1)
    assert "... and 2 more (--rows 0 shows all)" in text
    assert "... and" not in render_capacity_text(report, rows=0)


def test_text_of_an_empty_report_says_how_to_get_data() -> None:
    text = render_capacity_text(CapacityReport(product_tags=["Product"]))
    assert "No capacity data" in text and "--metrics" in text


def test_markdown_has_bars_marks_the_first_limit_and_escapes(report: CapacityReport) -> None:
    text = render_capacity_markdown(report)
    assert "### Headroom by product" in text
    assert "`██████████`" in text  # 95 % used
    assert "`██░░░░░░░░`" in text  # 20 % used
    assert "🔴 **first** | subnet IPv4 addresses (ip_addresses) | shop-a" in text
    assert HOSTILE not in text and HOSTILE_ESCAPED in text
    # the summary table: one row per product, its first limit
    summary = text[text.index("| Product |") : text.index("<details>")]
    assert summary.count("\n| ") == 2  # a row per product, after header and separator


def test_markdown_report_carries_the_section_only_with_capacity() -> None:
    doc = build_doc()
    assert "Headroom by product" not in render_markdown(doc)
    doc.capacity = _report()
    text = render_markdown(doc)
    assert "### Headroom by product" in text
    assert text.index("### Headroom by product") < text.index("### Collection errors")


def test_a_large_capacity_section_still_fits_a_pull_request_comment() -> None:
    resources = [
        _subnet(f"subnet-{p}-{n}", f"product-{p:03d}", 1000, n)
        for p in range(300)
        for n in range(1, 60)
    ]
    report = headroom_report(resources)
    assert report is not None and len(report.products) == 300
    doc = build_doc()
    doc.capacity = report
    text = render_markdown(doc)
    assert len(text) <= MAX_COMMENT_CHARS
    assert "### Headroom by product" in text and "more products in the full report" in text


def test_html_bars_are_classes_coloured_by_headroom(report: CapacityReport) -> None:
    doc = build_doc()
    assert 'id="capacity"' not in render_html(doc)
    doc.capacity = report
    html_text = render_html(doc)
    assert 'id="capacity"' in html_text and 'href="#capacity"' in html_text
    rows = re.findall(r'<tr class="cap-(\w+)( cap-first)?">', html_text)
    assert (
        ("critical", " cap-first") in rows and ("ok", "") in rows and ("low", " cap-first") in rows
    )
    assert '<span class="cap-fill cap-w95"></span>' in html_text
    assert ".cap-w95{width:95%}" in html_text  # the width comes from the inlined CSS
    assert "style=" not in html_text.split("<body>", 1)[1]  # the CSP forbids inline styles
    assert 'data-product="shop"' in html_text and 'id="filter-product"' in html_text


def test_html_escapes_names_from_the_cloud(report: CapacityReport) -> None:
    doc = build_doc()
    doc.capacity = report
    html_text = render_html(doc)
    section = html_text[html_text.index('<section id="capacity"') :]
    section = section[: section.index("</section>")]
    assert HOSTILE not in section
    assert f'data-product="{HOSTILE_ESCAPED}"' in section.replace("&#34;", '"')
    assert f"vCPUs {HOSTILE_ESCAPED}" in section


def test_json_carries_the_report_and_the_report_command_rerenders_it(
    report: CapacityReport,
) -> None:
    doc = FindingsDocument(tool_version="test", capacity=report)
    again = FindingsDocument.model_validate_json(render(doc, "json"))
    assert again.capacity == report
    assert "### Headroom by product" in render(again, "md")
    assert CapacityReport.model_validate_json(render_capacity_json(report)) == report
