"""`pscan cost` end to end: with and without billing data, every format, bad budgets."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scanner.cli import cli
from scanner.model import SpendRecord
from scanner.paths import data_dir
from scanner.snapshot import open_snapshot, write_snapshot
from scanner.synthetic.builders import resource

DEMO = data_dir("fixtures/demo")
HOSTILE = "<script>alert(1)</script>"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def assert_user_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture
def estimates_only(tmp_path: Path) -> Path:
    """Priced resources, no billing data; one of them with a hostile name."""
    path = tmp_path / "snap"
    write_snapshot(
        path,
        [
            resource(
                "arn:aws:ec2:eu-west-1:111122223333:instance/i-1",
                "aws.ec2.instance",
                name=HOSTILE,
                tags={"Product": HOSTILE},
                attributes={"instance_type": "m5.large", "state": "running"},
            ),
            resource(
                "arn:aws:ec2:eu-west-1:111122223333:volume/vol-1",
                "aws.ec2.volume",
                attributes={"volume_type": "gp3", "size_gb": 100, "state": "available"},
            ),
        ],
        source="test",
    )
    return path


def test_without_billing_data_the_estimates_are_labelled(estimates_only: Path) -> None:
    result = run("cost", str(estimates_only), "--no-config")
    assert result.exit_code == 0, result.output
    assert "No billing data" in result.output and "list-price estimates" in result.output
    # 69.12 (m5.large) + 8.00 (100 GiB gp3)
    assert "2 priced resources, USD 77.12 a month" in result.output
    doc = json.loads(run("cost", str(estimates_only), "--no-config", "--format", "json").output)
    assert doc["has_billing"] is False and doc["currencies"] == []
    assert Decimal(doc["estimated_monthly"]) == Decimal("77.12")
    # the unattached volume is a cost finding: its saving is the waste
    assert Decimal(doc["waste_monthly_usd"]) == Decimal("8.00") and doc["waste_findings"] == 1


def test_html_escapes_hostile_names(estimates_only: Path, tmp_path: Path) -> None:
    out = tmp_path / "cost.html"
    result = run("cost", str(estimates_only), "--no-config", "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert 'id="cost"' in html and "list-price estimates" in html
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_demo_totals_equal_the_spend_records_to_the_cent() -> None:
    doc = json.loads(run("cost", str(DEMO), "--no-config", "--format", "json").output)
    records = list(open_snapshot(DEMO).iter_spend())
    for cur in doc["currencies"]:
        for month in cur["months"]:
            totals = [
                r
                for r in records
                if r.currency == cur["currency"]
                and r.month == month["month"]
                and r.kind == "actual"
                and r.metric in ("unblended", "cost", "credits")
                and (r.grouped_by == [] or r.provider == "gcp")
            ]
            assert Decimal(month["net"]) == sum((r.amount for r in totals), Decimal(0))
            for dim in ("service", "account", "region", "product"):
                lines = cur[f"by_{dim}"]
                in_lines = sum(
                    (Decimal(x["months"].get(month["month"], "0")) for x in lines), Decimal(0)
                )
                assert in_lines == Decimal(month["net"]), (dim, month["month"])


def test_csv_is_one_row_per_amount() -> None:
    text = run("cost", str(DEMO), "--no-config", "--format", "csv").output
    rows = list(csv.DictReader(io.StringIO(text)))
    total = next(
        r
        for r in rows
        if (r["kind"], r["currency"], r["dimension"], r["month"])
        == ("actual", "USD", "total", "2026-10")
    )
    assert total["amount"] == "16910.85"
    services = [
        Decimal(r["amount"])
        for r in rows
        if (r["kind"], r["currency"], r["dimension"], r["month"])
        == ("actual", "USD", "service", "2026-10")
    ]
    assert sum(services) == Decimal("16910.85")
    assert {r["kind"] for r in rows} >= {
        "actual",
        "amortized",
        "credits",
        "forecast",
        "estimate",
        "waste",
    }


def test_markdown_and_text_show_the_story() -> None:
    md = run("cost", str(DEMO), "--no-config", "--format", "md").output
    assert "#### Spend in USD (aws)" in md and "#### Spend in EUR (gcp)" in md
    text = run("cost", str(DEMO), "--config", str(DEMO / "pscan.yaml")).output
    assert "cost_budget_not_exceeded: forecast USD 12,431.99 for 2026-11" in text
    assert "untagged 2026-10  USD 2,536.35 (15.0 %)" in text


@pytest.mark.parametrize(
    ("config", "fragment"),
    [
        ("cost: {budgets: [{product: a, account: b, monthly: 1}]}\n", "cost.budgets.0"),
        ("cost: {budgets: [{product: a, monthly: -5}]}\n", "cost.budgets.0.monthly"),
        ("cost: {growth_percent: 0}\n", "cost.growth_percent"),
        ("cost: {untagged: 10}\n", "cost.untagged"),
    ],
)
def test_a_bad_budget_config_is_one_line_exit_2(tmp_path: Path, config: str, fragment: str) -> None:
    path = tmp_path / ".pscan.yaml"
    path.write_text(config)
    assert_user_error(run("cost", str(DEMO), "--config", str(path)), str(path), fragment)
    assert_user_error(run("scan", str(DEMO), "--config", str(path), "-q"), str(path), fragment)


def test_snapshots_with_nothing_priced(tmp_path: Path) -> None:
    path = tmp_path / "snap"
    write_snapshot(
        path, [resource("arn:aws:iam::111122223333:role/r", "aws.iam.role")], source="test"
    )
    result = run("cost", str(path), "--no-config")
    assert result.exit_code == 0 and "0 priced resources" in result.output


def test_a_broken_spend_line_is_one_line_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "snap"
    record = SpendRecord(
        provider="aws",
        source="t",
        month="2026-10",
        grouped_by=[],
        metric="unblended",
        amount=Decimal("1.00"),
        currency="USD",
    )
    write_snapshot(path, [], source="test", spend=[record])
    (path / "spend.jsonl.gz").write_bytes(b"garbage")
    assert_user_error(run("cost", str(path), "--no-config"), "spend.jsonl.gz")
