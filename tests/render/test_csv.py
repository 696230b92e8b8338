"""CSV: a header and one row per finding, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest

from scanner.model import ComplianceRef, FindingsDocument
from scanner.render.csv_ import CSV_COLUMNS, _guard, render_csv

from .conftest import HOSTILE, make_finding


def _rows(doc: FindingsDocument) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(render_csv(doc), newline="")))


def test_header_and_one_row_per_finding(doc: FindingsDocument) -> None:
    text = render_csv(doc)
    header = next(csv.reader(io.StringIO(text)))
    assert tuple(header) == CSV_COLUMNS
    assert CSV_COLUMNS[0] == "severity"
    rows = _rows(doc)
    assert len(rows) == len(doc.findings)
    assert [row["severity"] for row in rows] == [
        "critical",
        "critical",
        "high",
        "high",
        "medium",
        "low",
        "low",
        "info",
    ]


def test_fields(doc: FindingsDocument) -> None:
    rows = {row["resource_id"]: row for row in _rows(doc)}
    bucket = rows["arn:aws:s3:::customer-exports"]
    assert bucket["rule_id"] == "aws_s3_bucket_public_access_blocked"
    assert bucket["compliance"] == "cis-aws-foundations-3.0:2.1.4"
    assert bucket["provider"] == "aws"
    assert bucket["account"] == "123456789012"
    assert bucket["region"] == "eu-west-1"
    assert bucket["resource_type"] == "aws.s3.bucket"
    assert bucket["monthly_cost_usd"] == ""
    volume = rows["arn:aws:ec2:eu-west-1:123456789012:volume/vol-0idle"]
    assert volume["monthly_cost_usd"] == "42.50"
    assert volume["category"] == "cost"


def test_multiline_and_hostile_text_round_trips(doc: FindingsDocument) -> None:
    hostile = next(row for row in _rows(doc) if row["rule_id"] == "aws_iam_user_tags_reviewed")
    assert hostile["resource_name"] == HOSTILE
    assert hostile["message"].endswith("here\nnew line")


def test_formula_cells_are_neutralised(doc: FindingsDocument) -> None:
    volume = next(row for row in _rows(doc) if row["rule_id"] == "aws_ebs_volume_attached")
    assert volume["resource_name"] == "'=SUM(1+1)"
    assert volume["message"].startswith("'@cmd")
    cells = [make_finding("r", "+1", name="-2", message="\tTAB")]
    row = _rows(FindingsDocument(tool_version="0", findings=cells))[0]
    assert row["resource_id"] == "'+1"
    assert row["resource_name"] == "'-2"
    assert row["message"] == "'\tTAB"


def test_negative_cost_stays_numeric() -> None:
    finding = make_finding("r", "id", monthly_cost_usd=-3.0)
    row = _rows(FindingsDocument(tool_version="0", findings=[finding]))[0]
    assert row["monthly_cost_usd"] == "-3.00"


def test_multiple_compliance_refs_are_semicolon_joined() -> None:
    finding = make_finding(
        "r",
        "id",
        compliance=[
            ComplianceRef(framework="soc2", control="CC6.1"),
            ComplianceRef(framework="cis-aws-foundations-3.0", control="2.1.4"),
        ],
    )
    row = _rows(FindingsDocument(tool_version="0", findings=[finding]))[0]
    assert row["compliance"] == "cis-aws-foundations-3.0:2.1.4;soc2:CC6.1"


@pytest.mark.parametrize("cell", [" =1+1", "\u00a0+cmd", "  @SUM(A1)", "\n-2+3"])
def test_formula_cells_behind_whitespace_are_neutralised(cell: str) -> None:
    assert _guard(cell) == "'" + cell


def test_ordinary_cells_are_left_alone() -> None:
    assert _guard("prod-web 1 = 2") == "prod-web 1 = 2"
