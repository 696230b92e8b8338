"""The NIST 800-53, SOC 2, ISO 27001 and PCI DSS framework files: they load, map rules of
their own provider, and a demo scan reports them like the CIS benchmarks."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.app import GateOptions, ScanRequest, run_scan
from scanner.cli import cli
from scanner.engine import FrameworkSpec, RuleSet, load_rules
from scanner.model import FindingsDocument
from scanner.paths import data_dir

DEMO = data_dir("fixtures/demo")
NO_CONFIG = GateOptions(fail_on="none", no_config=True)
CIS = (
    "cis-aws-foundations-3.0",
    "cis-aws-foundations-5.0",
    "cis-gcp-foundations-2.0",
    "cis-gcp-foundations-3.0",
)
# framework id -> (controls listed, their verdicts on the demo estate)
NEW = {
    "nist-800-53-rev5-aws": (52, {"failed": 51, "passed": 1}),
    "nist-800-53-rev5-gcp": (47, {"failed": 36, "passed": 7, "not_applicable": 4}),
    "soc2-2017-aws": (17, {"failed": 17}),
    "soc2-2017-gcp": (17, {"failed": 15, "passed": 1, "not_applicable": 1}),
    "iso27001-2022-aws": (31, {"failed": 29, "not_applicable": 2}),
    "iso27001-2022-gcp": (32, {"failed": 23, "passed": 5, "not_applicable": 4}),
    "pci-dss-4.0-aws": (53, {"failed": 50, "passed": 2, "not_applicable": 1}),
    "pci-dss-4.0-gcp": (43, {"failed": 30, "passed": 6, "not_applicable": 7}),
}


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="module")
def new_scan() -> FindingsDocument:
    request = ScanRequest(snapshots=(DEMO,), frameworks=tuple(NEW), gate=NO_CONFIG)
    return run_scan(request).doc


def _framework(ruleset: RuleSet, framework_id: str) -> FrameworkSpec:
    return ruleset.frameworks[framework_id]


def _rules_of(ruleset: RuleSet, framework_id: str, control_id: str) -> set[str]:
    (control,) = [c for c in _framework(ruleset, framework_id).controls if c.id == control_id]
    return set(control.rules)


@pytest.mark.parametrize("framework_id", list(NEW))
def test_framework_loads_with_unique_controls_of_its_provider(
    ruleset: RuleSet, framework_id: str
) -> None:
    framework = _framework(ruleset, framework_id)
    assert framework.id.endswith("-" + framework.provider)
    assert framework.default is False
    ids = [c.id for c in framework.controls]
    assert len(ids) == NEW[framework_id][0]
    assert len(set(ids)) == len(ids), [i for i, n in Counter(ids).items() if n > 1]
    for control in framework.controls:
        # only technical controls are listed, each decided by rules
        assert control.automated, control.id
        assert control.rules, control.id
        assert len(set(control.rules)) == len(control.rules), control.id
        for rule_id in control.rules:
            assert ruleset.rules[rule_id].spec.provider == framework.provider, (control.id, rule_id)


@pytest.mark.parametrize("framework_id", list(NEW))
def test_rules_list_shows_every_control_covered(framework_id: str) -> None:
    result = CliRunner().invoke(
        cli, ["rules", "list", "--framework", framework_id, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["framework"]["id"] == framework_id
    assert document["counts"]["controls"] == NEW[framework_id][0]
    assert document["counts"]["automated_covered"] == NEW[framework_id][0]
    assert document["counts"]["automated_not_covered"] == 0
    assert document["counts"]["manual"] == 0


def test_spot_checks_of_what_each_control_must_map(ruleset: RuleSet) -> None:
    # NIST AU-2 event logging: CloudTrail, S3 data events, Config, flow logs
    assert {
        "aws_cloudtrail_trail_multi_region_logging",
        "aws_account_s3_object_level_logging_enabled",
        "aws_region_config_recorder_enabled",
        "aws_ec2_vpc_flow_logs_enabled",
    } <= _rules_of(ruleset, "nist-800-53-rev5-aws", "AU-2")
    assert "gcp_resourcemanager_project_audit_logging_all_services" in _rules_of(
        ruleset, "nist-800-53-rev5-gcp", "AU-2"
    )
    # NIST IA-2(1) and PCI 8.4.x: MFA
    assert _rules_of(ruleset, "nist-800-53-rev5-aws", "IA-2(1)") == {
        "aws_account_root_mfa_enabled",
        "aws_account_root_hardware_mfa_enabled",
        "aws_iam_user_console_mfa_enabled",
    }
    for control in ("8.4.1", "8.4.2", "8.4.3"):
        assert "aws_iam_user_console_mfa_enabled" in _rules_of(ruleset, "pci-dss-4.0-aws", control)
    assert "aws_account_root_mfa_enabled" in _rules_of(ruleset, "pci-dss-4.0-aws", "8.4.1")
    # PCI 8.3.6 password strength, 1.3.1 inbound traffic
    assert "aws_account_password_policy_min_length_14" in _rules_of(
        ruleset, "pci-dss-4.0-aws", "8.3.6"
    )
    assert "gcp_compute_firewall_no_public_ssh" in _rules_of(ruleset, "pci-dss-4.0-gcp", "1.3.1")
    # encryption at rest, backups, capacity
    assert {"aws_s3_bucket_default_encryption_enabled", "aws_rds_instance_storage_encrypted"} <= (
        _rules_of(ruleset, "nist-800-53-rev5-aws", "SC-28")
    )
    assert "gcp_sql_instance_backup_enabled" in _rules_of(ruleset, "iso27001-2022-gcp", "A.8.13")
    assert "aws_servicequotas_quota_not_exhausted" in _rules_of(ruleset, "soc2-2017-aws", "A1.1")
    assert "gcp_resourcemanager_project_kms_roles_separated" in _rules_of(
        ruleset, "soc2-2017-gcp", "CC6.3"
    )


@pytest.mark.parametrize("framework_id", list(NEW))
def test_demo_scan_reports_each_framework(new_scan: FindingsDocument, framework_id: str) -> None:
    (result,) = [fw for fw in new_scan.frameworks if fw.id == framework_id]
    verdicts = Counter(c.status for c in result.controls)
    assert dict(verdicts) == NEW[framework_id][1]


def test_demo_verdicts_follow_the_findings(new_scan: FindingsDocument) -> None:
    by_id = {fw.id: {c.id: c for c in fw.controls} for fw in new_scan.frameworks}
    public = [f for f in new_scan.findings if f.rule_id == "aws_s3_bucket_not_public"]
    access = by_id["nist-800-53-rev5-aws"]["AC-3"]
    assert access.status == "failed"
    assert access.failed_findings >= len(public) == 2
    # TLS settings of the demo's load balancers and distributions are all modern
    assert by_id["nist-800-53-rev5-aws"]["SC-13"].status == "passed"
    assert by_id["pci-dss-4.0-gcp"]["1.4.3"].status == "passed"
    # a finding cites the controls of the frameworks the report covers, and only those
    refs = {(r.framework, r.control) for f in public for r in f.compliance}
    assert ("nist-800-53-rev5-aws", "AC-3") in refs
    assert ("pci-dss-4.0-aws", "1.4.4") in refs
    cited = {r.framework for f in new_scan.findings for r in f.compliance}
    assert cited == set(NEW)  # CIS maps some of these findings too, but was not reported


def test_a_scan_without_framework_reports_only_cis() -> None:
    doc = run_scan(ScanRequest(snapshots=(DEMO,), gate=NO_CONFIG)).doc
    assert [fw.id for fw in doc.frameworks] == list(CIS)
    cited = {r.framework for f in doc.findings for r in f.compliance}
    assert cited == set(CIS)


def test_the_config_file_names_a_framework(tmp_path: Path) -> None:
    config = tmp_path / ".pscan.yaml"
    config.write_text("fail_on: none\nframeworks: [soc2-2017-gcp, iso27001-2022-aws]\n")
    doc = run_scan(ScanRequest(snapshots=(DEMO,), gate=GateOptions(config=config))).doc
    assert [fw.id for fw in doc.frameworks] == ["iso27001-2022-aws", "soc2-2017-gcp"]
    cited = {r.framework for f in doc.findings for r in f.compliance}
    assert cited == {"iso27001-2022-aws", "soc2-2017-gcp"}
