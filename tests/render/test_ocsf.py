"""OCSF output validates against the OCSF schema and maps findings faithfully.

The schema is the OCSF 1.5.0 export that the `ocsf-json-schema` package ships, turned
into JSON Schema 2020-12 by that package (objects closed: unknown attributes fail).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema

from scanner.app.demo import run_demo
from scanner.cli import cli
from scanner.model import (
    Category,
    Finding,
    FindingsDocument,
    Remediation,
    Severity,
    Suppression,
)
from scanner.paths import data_dir
from scanner.render import render, render_pieces
from scanner.render.ocsf import (
    CLASS_UID,
    OCSF_VERSION,
    SEVERITY_ID,
    TYPE_UID,
    render_ocsf,
)
from scanner.render.sarif import INFORMATION_URI

from .conftest import ACCOUNT, GENERATED_AT, HOSTILE, make_finding

DEMO = data_dir("fixtures/demo")
PLAN = data_dir("fixtures/iac") / "plan.json"

Validate = Callable[[dict[str, Any]], list[str]]

_SCHEMA = OcsfJsonSchemaEmbedded(get_ocsf_schema(version=OCSF_VERSION))


def _validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def validate() -> Validate:
    """Errors of one event against Detection Finding with the profiles the event names."""
    cache: dict[tuple[str, ...], jsonschema.Draft202012Validator] = {}

    def check(event: dict[str, Any]) -> list[str]:
        profiles = tuple(event.get("metadata", {}).get("profiles", []))
        if profiles not in cache:
            cache[profiles] = _validator(
                _SCHEMA.get_class_schema("detection_finding", list(profiles))
            )
        errors = cache[profiles].iter_errors(event)
        return [f"{list(e.absolute_path)}: {e.message}" for e in errors]

    return check


@pytest.fixture(scope="module")
def demo_events(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """Every finding of `pscan demo` as an OCSF event."""
    doc = run_demo(tmp_path_factory.mktemp("demo")).doc
    events: list[dict[str, Any]] = json.loads(render(doc, "ocsf"))
    assert len(events) == len(doc.findings) > 100
    return events


def _events(doc: FindingsDocument) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = json.loads(render_ocsf(doc))
    return events


def _event_of(events: list[dict[str, Any]], rule_id: str, resource_id: str) -> dict[str, Any]:
    return next(
        e
        for e in events
        if e["finding_info"]["analytic"]["uid"] == rule_id
        and e["resources"][0]["uid"] == resource_id
    )


def test_the_schema_rejects_what_the_class_does_not_define(validate: Validate) -> None:
    event = _events(FindingsDocument(tool_version="0.1.0", findings=[_finding()]))[0]
    assert validate(event) == []
    event["compliance"] = {"standards": ["cis"]}  # Compliance Finding's, not Detection's
    event["status_id"] = 7
    del event["cloud"]  # required by the cloud profile the event names
    errors = " | ".join(validate(event))
    assert "'compliance' was unexpected" in errors
    assert "7 is not one of" in errors
    assert "'cloud' is a required property" in errors


def test_every_demo_finding_validates(
    demo_events: list[dict[str, Any]], validate: Validate
) -> None:
    failures = {e["finding_info"]["uid"]: errors for e in demo_events if (errors := validate(e))}
    assert failures == {}
    assert {e["metadata"]["version"] for e in demo_events} == {OCSF_VERSION}
    # cross-cloud findings (untagged spend over both clouds' bills) have no provider
    assert {e["cloud"]["provider"] for e in demo_events if "cloud" in e} == {"AWS", "GCP"}
    assert {e["unmapped"]["rule_id"] for e in demo_events if "cloud" not in e} == {
        "cost_untagged_spend_within_limit"
    }
    assert {(e["class_uid"], e["type_uid"], e["activity_id"]) for e in demo_events} == {
        (CLASS_UID, TYPE_UID, 1)
    }
    fingerprints = [e["finding_info"]["uid"] for e in demo_events]
    assert len(set(fingerprints)) == len(fingerprints)


def test_sample_document_validates(doc: FindingsDocument, validate: Validate) -> None:
    events = _events(doc)
    assert [validate(e) for e in events] == [[]] * len(doc.findings)
    assert [e["finding_info"]["uid"] for e in events] == [f.fingerprint for f in doc.findings]


def test_demo_aws_finding_maps_severity_resource_and_compliance(
    demo_events: list[dict[str, Any]],
) -> None:
    event = _event_of(
        demo_events, "aws_account_root_no_access_keys", "arn:aws:account::444455556666:account"
    )
    assert (event["severity_id"], event["severity"]) == (5, "Critical")
    assert (event["status_id"], event["status"], event["is_alert"]) == (1, "New", True)
    assert event["resources"] == [
        {
            "uid": "arn:aws:account::444455556666:account",
            "type": "aws.account",
            "name": "northwind-staging",
            "region": "global",
            "cloud_partition": "aws",
            "tags": [
                {"name": "CostCenter", "value": "CC-1002"},
                {"name": "Environment", "value": "staging"},
            ],
        }
    ]
    assert event["cloud"] == {
        "provider": "AWS",
        "region": "global",
        "account": {"uid": "444455556666", "type_id": 10, "type": "AWS Account"},
    }
    compliance = event["unmapped"]["compliance"]
    assert compliance["control"] == "aws_account_root_no_access_keys"
    assert "cis-aws-foundations-3.0" in compliance["standards"]
    assert "cis-aws-foundations-3.0:1.4" in compliance["requirements"]
    assert event["finding_info"]["analytic"] == {
        "uid": "aws_account_root_no_access_keys",
        "name": "aws_account_root_no_access_keys",
        "desc": "The root user has no access keys",
        "type_id": 1,
        "type": "Rule",
        "category": "iam",
    }
    assert event["evidences"] == [{"data": {"root.has_access_keys": True}}]


def test_demo_gcp_finding_names_the_project(demo_events: list[dict[str, Any]]) -> None:
    sql = "//cloudsql.googleapis.com/projects/northwind-analytics/instances/warehouse-pg"
    event = _event_of(demo_events, "gcp_sql_instance_no_public_authorized_networks", sql)
    assert (event["severity_id"], event["severity"]) == (5, "Critical")
    resource = event["resources"][0]
    assert (resource["type"], resource["name"], resource["region"]) == (
        "gcp.sql.instance",
        "warehouse-pg",
        "europe-west1",
    )
    assert "cloud_partition" not in resource
    assert {"name": "environment", "value": "prod"} in resource["tags"]
    assert event["cloud"] == {
        "provider": "GCP",
        "region": "europe-west1",
        "account": {"uid": "northwind-analytics", "type_id": 11, "type": "GCP Project"},
        "project_uid": "northwind-analytics",
    }
    assert event["unmapped"]["compliance"]["requirements"] == [
        "cis-gcp-foundations-2.0:6.5",
        "cis-gcp-foundations-3.0:6.5",
    ]


def test_compliance_is_an_ocsf_compliance_object(demo_events: list[dict[str, Any]]) -> None:
    validator = _validator(_SCHEMA.get_object_schema("compliance", []))
    mapped = [e["unmapped"]["compliance"] for e in demo_events if "compliance" in e["unmapped"]]
    assert len(mapped) > 50
    errors = [err.message for c in mapped for err in validator.iter_errors(c)]
    assert errors == []


def test_demo_path_finding_keeps_its_path(demo_events: list[dict[str, Any]]) -> None:
    db = "arn:aws:rds:eu-west-1:444455556666:db:reporting-db"
    event = _event_of(demo_events, "aws_rds_instance_not_reachable_from_internet", db)
    assert event["unmapped"]["path"] == [
        "internet",
        "arn:aws:ec2:eu-west-1:444455556666:security-group/sg-8a75b3cb44f7d8174",
        db,
    ]


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        (Severity.CRITICAL, (5, "Critical")),
        (Severity.HIGH, (4, "High")),
        (Severity.MEDIUM, (3, "Medium")),
        (Severity.LOW, (2, "Low")),
        (Severity.INFO, (1, "Informational")),
    ],
)
def test_severity_maps_to_severity_id(severity: Severity, expected: tuple[int, str]) -> None:
    event = _events(FindingsDocument(tool_version="0.1.0", findings=[_finding(severity)]))[0]
    assert (event["severity_id"], event["severity"]) == expected
    assert SEVERITY_ID[severity] == expected


def _finding(severity: Severity = Severity.HIGH, **extra: Any) -> Finding:
    return make_finding(
        "aws_s3_bucket_public_access_blocked",
        "arn:aws:s3:::exports",
        severity=severity,
        name="exports",
        **extra,
    )


def test_suppressed_finding_is_suppressed_and_no_alert(validate: Validate) -> None:
    hidden = _finding(
        suppression=Suppression(
            kind="config",
            reason="static website",
            owner="web-team",
            expires=date(2030, 1, 1),
            source="x.yaml",
        ),
        is_new=False,
    )
    events = _events(FindingsDocument(tool_version="0.1.0", findings=[hidden, _finding()]))
    suppressed, open_ = events
    assert (suppressed["status_id"], suppressed["status"]) == (3, "Suppressed")
    assert suppressed["status_detail"] == "static website"
    assert suppressed["is_alert"] is False
    assert suppressed["unmapped"]["suppression"] == {
        "kind": "config",
        "reason": "static website",
        "owner": "web-team",
        "expires": "2030-01-01",
        "source": "x.yaml",
    }
    assert suppressed["unmapped"]["is_new"] is False
    assert (open_["status_id"], open_["status"], open_["is_alert"]) == (1, "New", True)
    assert "status_detail" not in open_
    assert [validate(e) for e in events] == [[], []]


def test_rule_errors_are_no_alerts(doc: FindingsDocument) -> None:
    errored = next(e for e in _events(doc) if e["unmapped"]["status"] == "error")
    assert errored["is_alert"] is False
    assert errored["status_id"] == 1


def test_secrets_are_masked() -> None:
    key = "AKIAIOSFODNN7EXAMPLE"
    finding = _finding(
        message=f"user data holds {key}",
        evidence={"env": {"DB_PASSWORD": "hunter2-hunter2", "region": "eu-west-1"}},
    )
    text = render_ocsf(FindingsDocument(tool_version="0.1.0", findings=[finding]))
    assert key not in text and "hunter2-hunter2" not in text
    event = json.loads(text)[0]
    assert event["message"] == f"user data holds {key[:2]}{'*' * 10}"
    assert event["evidences"][0]["data"]["env"] == {
        "DB_PASSWORD": "hu**********",
        "region": "eu-west-1",
    }


def test_time_remediation_and_product(doc: FindingsDocument) -> None:
    event = _events(doc)[0]  # customer-exports: references hold a javascript: link
    ms = int(GENERATED_AT.timestamp() * 1000)
    assert event["time"] == event["finding_info"]["created_time"] == ms
    assert event["remediation"] == {
        "desc": "Turn on all four S3 Block Public Access settings.",
        "references": [
            "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"
        ],
    }
    assert event["unmapped"]["remediation_terraform"].startswith("resource ")
    assert event["unmapped"]["remediation_cli"].startswith("aws s3api ")
    assert event["metadata"]["product"] == {
        "name": "pscan",
        "vendor_name": "pscan",
        "version": "0.1.0",
        "url_string": INFORMATION_URI,
    }
    assert event["metadata"]["profiles"] == ["cloud"]
    assert event["cloud"]["account"]["uid"] == ACCOUNT


def test_iac_finding_without_a_cloud_has_no_cloud_profile(validate: Validate) -> None:
    k8s = make_finding(
        "CKV_K8S_20",
        "deploy/app.yaml:Deployment.default.web",
        category=Category.SECURITY,
        resource_type="Deployment",
        remediation=Remediation(summary="See checkov's guideline."),
        source="checkov",
    )
    k8s.resource.provider = ""
    k8s.resource.account = ""
    k8s.resource.region = ""
    azure = _finding().model_copy(deep=True)
    azure.resource.provider = "azure"
    events = _events(FindingsDocument(tool_version="0.1.0", findings=[k8s, azure]))
    for event in events:
        assert "cloud" not in event and "profiles" not in event["metadata"]
        assert "region" not in event["resources"][0]
        assert validate(event) == []
    assert "provider" not in events[0]["unmapped"]
    assert events[1]["unmapped"]["provider"] == "azure"


def test_hostile_text_survives_as_data(doc: FindingsDocument) -> None:
    event = next(e for e in _events(doc) if e["resources"][0]["name"] == HOSTILE)
    assert HOSTILE in event["message"]
    assert event["evidences"][0]["data"]["tags"] == {"owner": HOSTILE}


def test_written_piece_by_piece(doc: FindingsDocument) -> None:
    pieces = list(render_pieces(doc, "ocsf"))
    assert len(pieces) == len(doc.findings) + 2
    assert "".join(pieces) == render(doc, "ocsf")
    empty = FindingsDocument(tool_version="0.1.0")
    assert render(empty, "ocsf") == "".join(render_pieces(empty, "ocsf")) == "[]\n"


def _timeless(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for event in events:
        del event["time"], event["finding_info"]["created_time"]
    return events


def test_cli_scan_report_and_iac_write_ocsf(tmp_path: Path, validate: Validate) -> None:
    """`--format ocsf` wherever a findings format is chosen: scan, report and iac."""
    runner = CliRunner()
    findings, scanned, reported, planned = (
        tmp_path / name for name in ("f.json", "s.ocsf.json", "r.ocsf.json", "p.ocsf.json")
    )
    fail_none = ["--fail-on", "none", "-q"]
    for args in (
        ["scan", str(DEMO), "-o", str(findings), *fail_none],
        ["scan", str(DEMO), "--format", "ocsf", "-o", str(scanned), *fail_none],
        ["report", str(findings), "--format", "ocsf", "-o", str(reported), "--fail-on", "none"],
        [
            "iac",
            "--plan",
            str(PLAN),
            "--skip-checkov",
            "--format",
            "ocsf",
            "-o",
            str(planned),
            *fail_none,
        ],
    ):
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    events = json.loads(scanned.read_text(encoding="utf-8"))
    # two scans, two times: the same events otherwise
    assert _timeless(events) == _timeless(json.loads(reported.read_text(encoding="utf-8")))
    document = json.loads(findings.read_text(encoding="utf-8"))
    assert [e["finding_info"]["uid"] for e in events] == [
        f["fingerprint"] for f in document["findings"]
    ]
    plan_events = json.loads(planned.read_text(encoding="utf-8"))
    assert "tf://aws_db_instance.orders" in {e["resources"][0]["uid"] for e in plan_events}
    assert [e for e in plan_events if validate(e)] == []
