"""The pull-request gate enforces the standards: `pscan iac --plan` with standards.

A plan that adds a database in a public subnet (AWS) or with a public IP (GCP) fails the
gate through the standards rule; the same plan with the database kept private passes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from scanner.cli import cli
from tests.standards.plans import aws_db_plan, gcp_sql_plan

CONFIG = """\
checkov: {enabled: false}
standards:
  network: {databases_in_private_subnets: true}
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def iac(tmp_path: Path, plan: dict[str, Any], *flags: str) -> tuple[Result, dict[str, Any]]:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    out = tmp_path / "findings.json"
    result = run("iac", "--plan", str(plan_file), "-o", str(out), "-q", *flags)
    return result, json.loads(out.read_text()) if out.exists() else {}


def failing(doc: dict[str, Any], rule_id: str) -> list[str]:
    return [f["resource"]["id"] for f in doc["findings"] if f["rule_id"] == rule_id]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / ".pscan.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


AWS_RULE = "aws_standards_database_in_private_network"
GCP_RULE = "gcp_standards_database_in_private_network"


def test_rds_in_a_public_subnet_fails_the_gate(tmp_path: Path, config: Path) -> None:
    result, doc = iac(tmp_path, aws_db_plan(("private", "public")), "--config", str(config))
    assert result.exit_code == 1, result.output
    assert failing(doc, AWS_RULE) == ["tf://aws_db_instance.orders"]
    finding = next(f for f in doc["findings"] if f["rule_id"] == AWS_RULE)
    assert finding["evidence"] == {"public_subnets": ["aws_subnet.public"]}
    assert finding["category"] == "architecture"
    # the standards rule alone trips the gate: nothing else at or above high
    assert [f["rule_id"] for f in doc["findings"] if f["severity"] in ("critical", "high")] == [
        AWS_RULE
    ]


def test_the_same_plan_with_the_database_private_passes(tmp_path: Path, config: Path) -> None:
    result, doc = iac(tmp_path, aws_db_plan(("private",)), "--config", str(config))
    assert result.exit_code == 0, result.output
    assert failing(doc, AWS_RULE) == []
    assert doc["rule_stats"][AWS_RULE]["evaluated"] == 1  # judged, and passed


def test_without_standards_the_rule_does_not_judge(tmp_path: Path) -> None:
    result, doc = iac(tmp_path, aws_db_plan(("public",)), "--no-config", "--skip-checkov")
    assert result.exit_code == 0, result.output
    stats = doc["rule_stats"][AWS_RULE]
    assert (stats["evaluated"], stats["failed"], stats["undecided"]) == (0, 0, 0)


def test_the_standards_flag_gates_like_the_config(tmp_path: Path) -> None:
    standards = tmp_path / "standards.yaml"
    standards.write_text("network: {databases_in_private_subnets: true}\n", encoding="utf-8")
    args = ("--no-config", "--skip-checkov", "--standards", str(standards))
    result, doc = iac(tmp_path, aws_db_plan(("public",)), *args)
    assert result.exit_code == 1, result.output
    assert failing(doc, AWS_RULE) == ["tf://aws_db_instance.orders"]


def test_cloud_sql_with_a_public_ip_fails_and_private_passes(tmp_path: Path, config: Path) -> None:
    result, doc = iac(tmp_path, gcp_sql_plan(public_ip=True), "--config", str(config))
    assert result.exit_code == 1, result.output
    assert failing(doc, GCP_RULE) == ["tf://google_sql_database_instance.orders"]
    result, doc = iac(tmp_path, gcp_sql_plan(public_ip=False), "--config", str(config))
    assert result.exit_code == 0, result.output
    assert failing(doc, GCP_RULE) == []


def test_a_bad_standards_file_exits_2_naming_file_line_field(tmp_path: Path) -> None:
    standards = tmp_path / "standards.yaml"
    standards.write_text("network:\n  databases_private: true\n", encoding="utf-8")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(aws_db_plan()), encoding="utf-8")
    result = run("iac", "--plan", str(plan), "--no-config", "--standards", str(standards), "-q")
    assert result.exit_code == 2
    assert f"{standards}:2: field network.databases_private: Extra inputs" in result.output
    assert "Traceback" not in result.output
