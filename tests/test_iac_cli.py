"""`pscan iac`, `pscan baseline create` and the gate options of `pscan scan`, end to end."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from scanner.app import iac
from scanner.checkov import Discovery, find_checkov
from scanner.cli import cli
from scanner.paths import data_dir
from scanner.snapshot import write_snapshot
from scanner.synthetic.builders import resource

# an expiry inside the one-year horizon suppressions may have (suppression_max_days)
SOON = (date.today() + timedelta(days=180)).isoformat()

ROOT = Path(__file__).resolve().parents[1]
IAC = ROOT / "fixtures" / "iac"
PLAN = IAC / "plan.json"
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
HAS_CHECKOV = find_checkov(None, ROOT).executable is not None


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    # Locations are relative to the working directory, as in CI (the repository root).
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, dict[str, Any]]:
    """The issue's command: checkov and pscan's rules over the fixtures, one document."""
    out = tmp_path_factory.mktemp("iac") / "findings.json"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        result = run("iac", "fixtures/iac", "--plan", "fixtures/iac/plan.json", "-o", str(out))
    return result, json.loads(out.read_text())


@pytest.mark.slow
@pytest.mark.skipif(not HAS_CHECKOV, reason="checkov not installed (make checkov)")
@pytest.mark.library_output("checkov")  # checkov's check ids for the fixture problems
def test_one_document_holds_checkov_and_pscan_findings(
    full_run: tuple[Result, dict[str, Any]],
) -> None:
    result, doc = full_run
    assert result.exit_code == 1, result.output
    sources = {f["source"] for f in doc["findings"]}
    assert sources == {"checkov", "pscan"}
    assert doc["checkov"]["status"] == "ok"
    assert doc["checkov"]["skipped"] == 1
    located = {
        (f["source"], f["rule_id"], f["location"]["file"])
        for f in doc["findings"]
        if f.get("location")
    }
    assert (
        "pscan",
        "aws_rds_instance_not_publicly_accessible",
        "fixtures/iac/terraform/main.tf",
    ) in located
    assert ("checkov", "CKV_AWS_17", "fixtures/iac/terraform/main.tf") in located
    assert (
        "pscan",
        "aws_s3_bucket_public_access_blocked",
        "fixtures/iac/terraform/modules/storage/main.tf",
    ) in located
    assert "checkov" in result.output and "gate FAILED" in result.output


def test_pscan_rules_on_the_plan_with_locations(tmp_path: Path) -> None:
    out = tmp_path / "f.json"
    result = run(
        "iac",
        "fixtures/iac",
        "--plan",
        str(PLAN),
        "--skip-checkov",
        "-o",
        str(out),
        "--fail-on",
        "none",
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["checkov"]["status"] == "disabled"
    by_rule = {f["rule_id"]: f for f in doc["findings"]}
    rds = by_rule["aws_rds_instance_storage_encrypted"]
    assert rds["resource"]["id"] == "tf://aws_db_instance.orders"
    assert rds["location"]["file"] == "fixtures/iac/terraform/main.tf"
    assert rds["location"]["start_line"] > 1
    # the inline `pscan:ignore` above the scratch volume suppresses its finding
    volume = [f for f in doc["findings"] if f["rule_id"] == "aws_ec2_volume_encrypted"]
    assert [v["suppression"]["kind"] for v in volume] == ["inline"]
    assert doc["gate"]["undecided"] > 0


def test_fail_on_decides_the_exit_code() -> None:
    base = ("iac", str(IAC), "--plan", str(PLAN), "--skip-checkov", "-q")
    assert run(*base).exit_code == 1  # default: high
    assert run(*base, "--fail-on", "none").exit_code == 0


def test_missing_checkov_says_how_to_get_it_and_pscan_still_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(iac, "find_checkov", lambda *a, **k: Discovery(None, "missing"))
    out = tmp_path / "f.json"
    result = run("iac", str(IAC), "--plan", str(PLAN), "-o", str(out), "--fail-on", "none")
    assert result.exit_code == 0
    assert "make checkov" in result.output and "pipx install checkov" in result.output
    doc = json.loads(out.read_text())
    assert doc["checkov"]["status"] == "missing"
    assert {f["source"] for f in doc["findings"]} == {"pscan"}


def test_usage_errors_exit_2() -> None:
    result = run("iac")
    assert result.exit_code == 2
    assert "--plan" in result.output
    assert run("iac", "fixtures/iac", "--against", "snap").exit_code == 2


def test_bad_config_is_a_one_line_error(tmp_path: Path) -> None:
    config = tmp_path / ".pscan.yaml"
    config.write_text("fail_on: sometimes\n")
    result = run("iac", str(IAC), "--plan", str(PLAN), "--skip-checkov", "--config", str(config))
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert str(config) in lines[0] and "fail_on" in lines[0]


# ---------------------------------------------------------------------- gate config
def test_config_suppressions_expired_and_stale(tmp_path: Path) -> None:
    config = tmp_path / ".pscan.yaml"
    config.write_text(
        f"""
fail_on: critical
suppressions:
  - rule: gcp_storage_bucket_not_public
    resource: "tf://google_storage_bucket.media"
    reason: public media, reviewed
    owner: media@example.com
    expires: {SOON}
  - rule: gcp_sql_instance_no_public_authorized_networks
    resource: "*reports*"
    reason: was temporary
    owner: data@example.com
    expires: 2020-01-01
  - rule: aws_s3_bucket_not_public
    resource: "*nothing-matches*"
    reason: old
    owner: nobody@example.com
    expires: {SOON}
"""
    )
    out = tmp_path / "f.json"
    result = run(
        "iac",
        "fixtures/iac",
        "--plan",
        str(PLAN),
        "--skip-checkov",
        "--config",
        str(config),
        "-o",
        str(out),
    )
    doc = json.loads(out.read_text())
    statuses = {s["rule"]: s["status"] for s in doc["gate"]["suppressions"]}
    assert statuses == {
        "gcp_storage_bucket_not_public": "active",
        "gcp_sql_instance_no_public_authorized_networks": "expired",
        "aws_s3_bucket_not_public": "stale",
    }
    assert doc["gate"]["fail_on"] == "critical"
    # the expired suppression leaves a critical finding counting: the gate trips
    assert result.exit_code == 1
    assert "expired" in result.output and "stale" in result.output


def test_config_is_found_upward_and_flags_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()  # the repository root, where the upward search stops
    (tmp_path / ".pscan.yaml").write_text("fail_on: none\nrules: {exclude: ['gcp_*']}\n")
    work = tmp_path / "sub"
    work.mkdir()
    monkeypatch.chdir(work)
    out = tmp_path / "f.json"
    result = run("iac", str(IAC), "--plan", str(PLAN), "--skip-checkov", "-o", str(out))
    assert result.exit_code == 0
    doc = json.loads(out.read_text())
    assert not any(f["rule_id"].startswith("gcp_") for f in doc["findings"])
    assert doc["gate"]["config"] == str(tmp_path / ".pscan.yaml")
    assert (
        run("iac", str(IAC), "--plan", str(PLAN), "--skip-checkov", "--fail-on", "high").exit_code
        == 1
    )
    assert run("iac", str(IAC), "--plan", str(PLAN), "--skip-checkov", "--no-config").exit_code == 1


# ---------------------------------------------------------------------- baselines
def test_baseline_makes_only_new_findings_count(tmp_path: Path) -> None:
    findings = tmp_path / "findings.json"
    baseline = tmp_path / "baseline.json"
    run(
        "iac",
        "fixtures/iac",
        "--plan",
        str(PLAN),
        "--skip-checkov",
        "--fail-on",
        "none",
        "-o",
        str(findings),
    )
    result = run("baseline", "create", str(findings), "-o", str(baseline))
    assert result.exit_code == 0, result.output
    entries = json.loads(baseline.read_text())["findings"]
    assert entries and all(e["rule_id"] != "aws_ec2_volume_encrypted" for e in entries)
    out = tmp_path / "again.json"
    result = run(
        "iac",
        "fixtures/iac",
        "--plan",
        str(PLAN),
        "--skip-checkov",
        "--baseline",
        str(baseline),
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    gate = json.loads(out.read_text())["gate"]
    assert (gate["new"], gate["counted"], gate["fixed"]) == (0, 0, [])
    assert gate["existing"] == len(entries)


def test_scan_takes_the_same_gate_options(tmp_path: Path) -> None:
    demo = data_dir("fixtures/demo")
    baseline = tmp_path / "baseline.json"
    assert run("baseline", "create", str(demo), "-o", str(baseline), "-q").exit_code == 0
    out = tmp_path / "scan.json"
    result = run("scan", str(demo), "--baseline", str(baseline), "-o", str(out), "-q")
    assert result.exit_code == 0
    assert json.loads(out.read_text())["gate"]["new"] == 0
    assert run("scan", str(demo), "-q", "--format", "csv").exit_code == 1


# ---------------------------------------------------------------------- plan against live
def live_estate() -> list[dict[str, Any]]:
    acct, region = "111122223333", "eu-west-1"
    arn = f"arn:aws:ec2:{region}:{acct}"
    subnet, group = f"{arn}:subnet/subnet-0pub", f"{arn}:security-group/sg-0db"
    from_app = {
        "protocol": "tcp",
        "from_port": 5432,
        "to_port": 5432,
        "source": "sg-0app",
        "source_type": "group",
    }
    return [
        resource(
            subnet,
            "aws.ec2.subnet",
            account=acct,
            region=region,
            name="public-a",
            attributes={"has_internet_route": True},
        ),
        resource(
            group,
            "aws.ec2.security_group",
            account=acct,
            region=region,
            name="db",
            attributes={
                "group_id": "sg-0db",
                "is_default": False,
                "ingress": [from_app],
                "egress": [],
            },
        ),
        resource(
            f"arn:aws:rds:{region}:{acct}:db:orders",
            "aws.rds.instance",
            account=acct,
            region=region,
            name="orders",
            attributes={
                "engine": "postgres",
                "publicly_accessible": True,
                "storage_encrypted": True,
                "backup_retention_days": 7,
                "multi_az": True,
                "auto_minor_version_upgrade": True,
            },
            relations=[("protected_by", group), ("in_subnet", subnet)],
        ),
        resource(
            "arn:aws:s3:::northwind-legacy-uploads",
            "aws.s3.bucket",
            account=acct,
            region=region,
            name="northwind-legacy-uploads",
            attributes={"is_public_by_acl": True, "public_access_block": None},
        ),
    ]


OVERLAY_PLAN = {
    "format_version": "1.2",
    "terraform_version": "1.7.5",
    "resource_changes": [
        {
            "address": "aws_vpc_security_group_ingress_rule.reporting",
            "mode": "managed",
            "type": "aws_vpc_security_group_ingress_rule",
            "name": "reporting",
            "change": {
                "actions": ["create"],
                "before": None,
                "after": {
                    "security_group_id": "sg-0db",
                    "ip_protocol": "tcp",
                    "from_port": 5432,
                    "to_port": 5432,
                    "cidr_ipv4": "0.0.0.0/0",
                    "description": "reporting from home",
                },
                "after_unknown": {"arn": True, "id": True, "security_group_rule_id": True},
            },
        },
        {
            "address": "aws_s3_bucket.legacy",
            "mode": "managed",
            "type": "aws_s3_bucket",
            "name": "legacy",
            "change": {
                "actions": ["delete"],
                "before": {
                    "bucket": "northwind-legacy-uploads",
                    "id": "northwind-legacy-uploads",
                    "arn": "arn:aws:s3:::northwind-legacy-uploads",
                    "acl": "public-read",
                },
                "after": None,
                "after_unknown": {},
            },
        },
    ],
    "configuration": {
        "provider_config": {"aws": {"expressions": {"region": {"constant_value": "eu-west-1"}}}}
    },
}


def test_plan_against_live_reports_a_new_internet_path(tmp_path: Path) -> None:
    snap = tmp_path / "live"
    write_snapshot(snap, live_estate(), source="aws")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(OVERLAY_PLAN))
    out = tmp_path / "f.json"
    result = run(
        "iac", "--plan", str(plan), "--against", str(snap), "--skip-checkov", "-o", str(out)
    )
    doc = json.loads(out.read_text())
    gate = doc["gate"]
    db = "arn:aws:rds:eu-west-1:111122223333:db:orders"
    assert [e["resource"]["id"] for e in gate["new_exposures"]] == [db]
    assert gate["new_exposures"][0]["path"] == [
        "internet",
        "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0db",
        db,
    ]
    new = {(f["rule_id"], f["resource"]["id"]) for f in doc["findings"] if f["is_new"]}
    assert ("aws_rds_instance_not_reachable_from_internet", db) in new
    # the deleted public bucket's findings are fixed, and pre-existing findings do not count
    assert {f["resource"]["id"] for f in gate["fixed"]} == {"arn:aws:s3:::northwind-legacy-uploads"}
    assert gate["against"] == str(snap)
    assert gate["existing"] > 0
    assert all(
        f["is_new"] for f in doc["findings"] if f["status"] == "fail" and f["is_new"] is not False
    )
    assert result.exit_code == 1
    assert "new internet path: internet ->" in result.output
    md = run("report", str(out), "--format", "md").output
    assert "New internet paths" in md and "#### Fixed" in md


# ---------------------------------------------------------------------- CI outputs
def test_sarif_validates_with_file_locations_and_suppressions(tmp_path: Path) -> None:
    out = tmp_path / "r.sarif"
    run(
        "iac",
        "fixtures/iac",
        "--plan",
        str(PLAN),
        "--skip-checkov",
        "--format",
        "sarif",
        "-o",
        str(out),
        "-q",
    )
    log = json.loads(out.read_text())
    schema = json.loads(SARIF_SCHEMA.read_text())
    errors = list(jsonschema.Draft4Validator(schema).iter_errors(log))
    assert not errors, [e.message for e in errors[:3]]
    results = log["runs"][0]["results"]
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in results
        if "physicalLocation" in r["locations"][0]
    }
    assert "fixtures/iac/terraform/main.tf" in uris
    suppressed = [r for r in results if r.get("suppressions")]
    assert [s["suppressions"][0]["kind"] for s in suppressed] == ["inSource"]


def test_junit_has_one_testcase_per_rule_and_resource(tmp_path: Path) -> None:
    out = tmp_path / "r.xml"
    run(
        "iac",
        "fixtures/iac",
        "--plan",
        str(PLAN),
        "--skip-checkov",
        "--format",
        "junit",
        "-o",
        str(out),
        "-q",
    )
    root = ET.parse(out).getroot()
    cases = [
        (c.get("classname"), c.get("name"))
        for c in root.iter("testcase")
        if c.find("failure") is not None
    ]
    assert ("aws_ec2_instance_imdsv2_required", "tf://aws_instance.web[0]") in cases
    assert ("aws_ec2_instance_imdsv2_required", "tf://aws_instance.web[1]") in cases
    assert len(cases) == len(set(cases))


def test_github_step_summary_gets_the_markdown(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("previous step\n")
    result = run(
        "iac",
        "fixtures/iac",
        "--plan",
        str(PLAN),
        "--skip-checkov",
        "-q",
        "--fail-on",
        "none",
        "-o",
        str(tmp_path / "f.json"),
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.exit_code == 0
    text = summary.read_text()
    assert text.startswith("previous step\n")
    assert "### Gate: ✅ passed" in text
    assert "1 suppressed finding" in text
