"""SARIF output validates against the official 2.1.0 schema and maps findings faithfully."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from scanner.model import Category, FindingsDocument, Remediation, RuleMeta, Severity
from scanner.render.sarif import SECURITY_SEVERITY, render_sarif, sarif_log

from .conftest import HOSTILE

SCHEMA_PATH = Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def _run(doc: FindingsDocument) -> dict[str, Any]:
    log = json.loads(render_sarif(doc))
    assert len(log["runs"]) == 1
    run: dict[str, Any] = log["runs"][0]
    return run


def test_output_validates_against_the_sarif_schema(
    doc: FindingsDocument, validator: jsonschema.Draft4Validator
) -> None:
    log = json.loads(render_sarif(doc))
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    assert log["version"] == "2.1.0"


def test_empty_document_validates(validator: jsonschema.Draft4Validator) -> None:
    log = json.loads(render_sarif(FindingsDocument(tool_version="0.1.0")))
    validator.validate(log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["tool"]["driver"]["rules"] == []


def test_driver_and_one_rule_per_rule_id(doc: FindingsDocument) -> None:
    run = _run(doc)
    driver = run["tool"]["driver"]
    assert driver["name"] == "pscan"
    assert driver["version"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert rule_ids == sorted({f.rule_id for f in doc.findings})
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_rule_descriptor_carries_severity_help_and_tags(doc: FindingsDocument) -> None:
    rules = {rule["id"]: rule for rule in _run(doc)["tool"]["driver"]["rules"]}
    s3 = rules["aws_s3_bucket_public_access_blocked"]
    assert s3["shortDescription"]["text"] == "S3 bucket blocks public access"
    assert s3["properties"]["security-severity"] == "9.5"
    assert s3["properties"]["severity"] == "critical"
    assert s3["properties"]["category"] == "security"
    assert "security" in s3["properties"]["tags"]
    assert "aws s3api put-public-access-block" in s3["help"]["text"]
    assert "```hcl\nresource" in s3["help"]["markdown"]
    assert s3["helpUri"].startswith("https://docs.aws.amazon.com/")
    assert "javascript:" not in json.dumps(s3)
    cost = rules["aws_ebs_volume_attached"]
    assert cost["properties"]["tags"] == ["cost"]
    assert cost["properties"]["security-severity"] == "3.0"
    assert rules["aws_cloudtrail_log_file_validation_enabled"]["properties"][
        "security-severity"
    ] == ("0.0")


def test_security_severity_table() -> None:
    assert SECURITY_SEVERITY == {
        Severity.CRITICAL: "9.5",
        Severity.HIGH: "8.0",
        Severity.MEDIUM: "5.5",
        Severity.LOW: "3.0",
        Severity.INFO: "0.0",
    }


def test_levels_follow_severity(doc: FindingsDocument) -> None:
    levels = {
        (r["ruleId"], r["properties"]["resource"]["id"]): (r["level"], r["kind"])
        for r in _run(doc)["results"]
    }
    by_severity = {f.severity: (f.rule_id, f.resource.id) for f in doc.findings}
    assert levels[by_severity[Severity.CRITICAL]] == ("error", "fail")
    assert levels[by_severity[Severity.HIGH]] == ("error", "fail")
    assert levels[by_severity[Severity.MEDIUM]] == ("warning", "fail")
    assert levels[by_severity[Severity.INFO]] == ("note", "fail")
    ebs = ("aws_ebs_volume_attached", "arn:aws:ec2:eu-west-1:123456789012:volume/vol-0idle")
    assert levels[ebs] == ("note", "fail")


def test_rule_errors_are_review_results_with_level_none(doc: FindingsDocument) -> None:
    (result,) = [
        r for r in _run(doc)["results"] if r["ruleId"] == "aws_lambda_function_runtime_supported"
    ]
    assert (result["kind"], result["level"]) == ("review", "none")


def test_locations_physical_for_iac_logical_otherwise(doc: FindingsDocument) -> None:
    results = {r["ruleId"]: r for r in _run(doc)["results"]}
    iac = results["aws_kms_key_used_for_rds_storage"]["locations"][0]
    assert iac["physicalLocation"] == {
        "artifactLocation": {"uri": "terraform/db%20main.tf"},
        "region": {"startLine": 10, "endLine": 24},
    }
    live = results["aws_ec2_instance_not_reachable_from_internet_on_admin_ports"]["locations"][0]
    assert "physicalLocation" not in live
    assert live["logicalLocations"] == [
        {
            "fullyQualifiedName": "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc",
            "name": "bastion",
            "kind": "resource",
        }
    ]
    path = results["aws_ec2_instance_not_reachable_from_internet_on_admin_ports"]
    assert path["properties"]["graphPath"][0] == "internet"


def test_region_omitted_when_lines_unknown(doc: FindingsDocument) -> None:
    finding = next(f for f in doc.findings if f.location is not None)
    assert finding.location is not None
    finding.location.start_line = 0
    finding.location.end_line = 0
    result = next(r for r in sarif_log(doc)["runs"][0]["results"] if r["ruleId"] == finding.rule_id)
    assert "region" not in result["locations"][0]["physicalLocation"]


def test_fingerprints_and_hostile_text_survive(doc: FindingsDocument) -> None:
    results = _run(doc)["results"]
    assert {r["partialFingerprints"]["pscan/v1"] for r in results} == {
        f.fingerprint for f in doc.findings
    }
    hostile = next(r for r in results if r["ruleId"] == "aws_iam_user_tags_reviewed")
    assert HOSTILE in hostile["message"]["text"]  # JSON carries text verbatim; viewers escape


def test_collection_errors_are_tool_notifications(doc: FindingsDocument) -> None:
    invocation = _run(doc)["invocations"][0]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notes] == ["OptInRequired", "AccessDenied", "Undecided"]
    assert "ec2.DescribeInstances" in notes[0]["message"]["text"]
    assert "aws/123456789012/ap-east-1" in notes[0]["message"]["text"]


def test_undecided_rules_are_notes_and_not_judged_controls_are_listed(
    doc: FindingsDocument,
) -> None:
    run = _run(doc)
    note = run["invocations"][0]["toolExecutionNotifications"][-1]
    assert note["level"] == "note"
    assert note["associatedRule"] == {"id": "aws_account_root_usage_alarm"}
    assert note["message"]["text"].startswith(
        "rule aws_account_root_usage_alarm left 1 resource undecided:"
        " arn:aws:account::123456789012:account: metric filters of log group"
    )
    assert not any(r["ruleId"] == "aws_account_root_usage_alarm" for r in run["results"])
    assert run["properties"]["notJudged"] == ["cis-aws-foundations-3.0:4.3"]


def test_rule_metadata_fills_full_description(doc: FindingsDocument) -> None:
    meta = RuleMeta(
        id="aws_ebs_volume_attached",
        title="EBS volume attached",
        severity=Severity.LOW,
        category=Category.COST,
        provider="aws",
        resource_types=["aws.ec2.volume"],
        description="Unattached volumes cost money.",
        risk="You pay for storage nobody uses.",
        remediation=Remediation(summary="Snapshot and delete the volume."),
    )
    log = sarif_log(doc, {meta.id: meta})
    rule = next(r for r in log["runs"][0]["tool"]["driver"]["rules"] if r["id"] == meta.id)
    assert rule["fullDescription"]["text"] == (
        "Unattached volumes cost money.\n\nYou pay for storage nobody uses."
    )
    assert rule["help"]["text"].startswith("Snapshot and delete the volume.")
