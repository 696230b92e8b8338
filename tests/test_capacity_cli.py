"""`pscan capacity show`, and --product-tag on scan and demo, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scanner.cli import cli
from scanner.snapshot import write_snapshot
from scanner.synthetic.builders import resource

GIB = 1024**3


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def assert_user_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture
def snap(tmp_path: Path) -> Path:
    usage = {
        "free_storage_bytes": {"average": 10 * GIB, "p95": 20 * GIB, "max": 30 * GIB, "days": 14}
    }
    resources = [
        resource(
            "arn:aws:rds:eu-west-1:111122223333:db:orders",
            "aws.rds.instance",
            name="orders",
            tags={"product": "checkout"},
            attributes={"allocated_storage_gb": 100, "usage": usage},
        ),
        resource(
            "arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-1",
            "aws.ec2.subnet",
            name="app-a",
            tags={"Product": "checkout", "app": "web"},
            attributes={"total_ip_count": 251, "available_ip_count": 200},
        ),
        resource(
            "arn:aws:lambda:eu-west-1:111122223333:function:thumbs",
            "aws.lambda.function",
            name="thumbs",
            tags={"App": "media"},
            attributes={
                "reserved_concurrency": 100,
                "usage": {
                    "concurrent_executions": {"average": 5, "p95": 40, "max": 50, "days": 14}
                },
            },
        ),
    ]
    path = tmp_path / "snap"
    write_snapshot(path, resources, source="test")
    return path


def test_show_prints_the_table(snap: Path) -> None:
    result = run("capacity", "show", str(snap), "--no-config")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Headroom by product (tag: Product, App, Application): 3 limits")
    checkout = next(n for n, line in enumerate(lines) if line.startswith("product checkout"))
    assert "first limit: DB storage at 10.0% headroom" in lines[checkout]
    first = lines[checkout + 2]
    assert first.lstrip().startswith(">") and first.endswith("<- first limit")
    assert "[##################--]" in first and "90 / 100 GiB" in first
    assert "\x1b[" not in result.output  # no styling when not a terminal
    assert any(line.startswith("product media") for line in lines)


def test_show_formats_and_output_file(snap: Path, tmp_path: Path) -> None:
    result = run("capacity", "show", str(snap), "--no-config", "--format", "json")
    data = json.loads(result.output)
    assert [p["name"] for p in data["products"]] == ["checkout", "media"]
    assert data["products"][0]["first_limit"]["limited"] == "DB storage"
    out = tmp_path / "capacity.md"
    result = run("capacity", "show", str(snap), "--no-config", "--format", "md", "-o", str(out))
    assert result.exit_code == 0 and result.output == ""
    assert "🟠 **first** | DB storage (storage) | orders" in out.read_text()  # 10 %: low


def test_show_product_tag_and_product(snap: Path) -> None:
    result = run("capacity", "show", str(snap), "--no-config", "--product-tag", "app")
    assert "product web" in result.output and "product checkout" not in result.output
    result = run("capacity", "show", str(snap), "--no-config", "--product", "media")
    assert "product media" in result.output and "checkout" not in result.output


def test_show_reads_the_config_file(snap: Path, tmp_path: Path) -> None:
    config = tmp_path / "pscan.yaml"
    config.write_text("capacity:\n  product_tag: app\n")
    result = run("capacity", "show", str(snap), "--config", str(config))
    assert "(tag: app)" in result.output and "product web" in result.output


def test_bad_input_is_one_line_and_exit_2(snap: Path, tmp_path: Path) -> None:
    assert_user_error(run("capacity", "show", str(tmp_path / "gone")), "no such snapshot")
    assert_user_error(
        run("capacity", "show", str(snap), "--no-config", "--product", "nope"),
        "--product 'nope'",
        "checkout, media",
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text("capacity: {product_tag: ''}\n")
    assert_user_error(run("capacity", "show", str(snap), "--config", str(bad)), "bad.yaml")
    assert run("capacity", "show").exit_code == 2  # no SNAPSHOT: click's usage error


def test_scan_takes_the_product_tag(snap: Path) -> None:
    result = run("scan", str(snap), "--no-config", "--fail-on", "none", "--product-tag", "app")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["capacity"]["product_tags"] == ["app"]
    assert {p["name"] for p in doc["capacity"]["products"]} == {"web", "(untagged)", "media"}


def test_report_rerenders_the_capacity_section(snap: Path, tmp_path: Path) -> None:
    findings = tmp_path / "findings.json"
    run("scan", str(snap), "--no-config", "--fail-on", "none", "-q", "-o", str(findings))
    html = tmp_path / "report.html"
    result = run("report", str(findings), "--no-config", "--format", "html", "-o", str(html))
    assert result.exit_code == 0, result.output
    text = html.read_text()
    assert 'id="capacity"' in text and 'class="cap-fill cap-w90"' in text


def test_capacity_help_has_examples() -> None:
    for args in (["capacity"], ["capacity", "show"]):
        result = run(*args, "--help")
        assert result.exit_code == 0
    assert "Examples" in run("capacity", "show", "--help").output


def test_scan_summary_names_the_limit_closest_to_being_hit(snap: Path, tmp_path: Path) -> None:
    out = tmp_path / "findings.json"
    result = run("scan", str(snap), "--no-config", "--fail-on", "none", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert (
        "headroom: 3 limits over 2 product(s); least: checkout: DB storage (orders) at 10.0%"
        in (result.output)
    )
