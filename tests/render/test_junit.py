"""JUnit XML: one suite per rule, one case per failing resource, passing rules included."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from scanner.model import FindingsDocument
from scanner.render.junit import render_junit

from .conftest import HOSTILE, make_finding


def _parse(doc: FindingsDocument) -> ET.Element:
    text = render_junit(doc)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def _suites(root: ET.Element) -> dict[str, ET.Element]:
    return {suite.attrib["name"]: suite for suite in root.iter("testsuite")}


def test_one_suite_per_rule_with_findings_or_passing(doc: FindingsDocument) -> None:
    root = _parse(doc)
    suites = _suites(root)
    failing = {f.rule_id for f in doc.findings}
    passing = {"aws_rds_instance_backup_enabled", "aws_sqs_queue_encrypted_at_rest"}
    assert set(suites) == failing | passing
    assert "gcp_storage_bucket_uniform_access" not in suites  # evaluated == 0
    assert list(suites) == sorted(suites)


def test_one_testcase_per_rule_and_failed_resource(doc: FindingsDocument) -> None:
    root = _parse(doc)
    cases = list(root.iter("testcase"))
    assert len(cases) == len(doc.findings) + 2
    failures = root.findall(".//failure")
    errors = root.findall(".//error")
    assert len(failures) == len(doc.findings) - 1
    assert len(errors) == 1
    assert root.attrib["tests"] == str(len(cases))
    assert root.attrib["failures"] == str(len(failures))
    assert root.attrib["errors"] == "1"
    s3 = _suites(root)["aws_s3_bucket_public_access_blocked"]
    assert s3.attrib["tests"] == "2"
    assert s3.attrib["failures"] == "2"
    names = [case.attrib["name"] for case in s3.iter("testcase")]
    assert names == ["arn:aws:s3:::customer-exports", "arn:aws:s3:::web-assets"]
    assert {case.attrib["classname"] for case in s3.iter("testcase")} == {
        "aws_s3_bucket_public_access_blocked"
    }


def test_failure_carries_message_severity_and_remediation(doc: FindingsDocument) -> None:
    s3 = _suites(_parse(doc))["aws_s3_bucket_public_access_blocked"]
    failure = s3.find("testcase/failure")
    assert failure is not None
    assert failure.attrib["type"] == "critical"
    assert failure.attrib["message"] == "Bucket customer-exports allows public ACLs and policies"
    body = failure.text or ""
    assert "Remediation: Turn on all four S3 Block Public Access settings." in body
    assert 'resource "aws_s3_bucket_public_access_block"' in body
    assert "Compliance: cis-aws-foundations-3.0:2.1.4" in body


def test_passing_rule_is_a_single_passing_testcase(doc: FindingsDocument) -> None:
    suite = _suites(_parse(doc))["aws_rds_instance_backup_enabled"]
    (case,) = list(suite.iter("testcase"))
    assert case.attrib["classname"] == "aws_rds_instance_backup_enabled"
    assert case.attrib["name"] == "all 2 resources passed"
    assert list(case) == []
    assert suite.attrib["failures"] == "0"


def test_rule_error_is_an_error_element(doc: FindingsDocument) -> None:
    suite = _suites(_parse(doc))["aws_lambda_function_runtime_supported"]
    assert suite.attrib["errors"] == "1"
    assert suite.find("testcase/error") is not None
    assert suite.find("testcase/failure") is None


def test_hostile_text_is_escaped_and_round_trips(doc: FindingsDocument) -> None:
    text = render_junit(doc)
    assert HOSTILE not in text
    root = ET.fromstring(text.encode("utf-8"))
    suite = _suites(root)["aws_iam_user_tags_reviewed"]
    case = suite.find("testcase")
    assert case is not None
    assert case.attrib["name"] == f"arn:aws:iam::123456789012:user/{HOSTILE}"
    failure = case.find("failure")
    assert failure is not None
    assert HOSTILE in failure.attrib["message"]


def test_control_characters_are_removed() -> None:
    finding = make_finding("rule_x", "res\x00-1", message="bell\x07 escape\x1b[31m red")
    doc = FindingsDocument(tool_version="0.1.0", findings=[finding])
    root = _parse(doc)
    case = root.find(".//testcase")
    assert case is not None
    assert case.attrib["name"] == "res-1"
    failure = case.find("failure")
    assert failure is not None
    assert failure.attrib["message"] == "bell escape[31m red"


def test_duplicate_rule_resource_findings_merge_into_one_case() -> None:
    first = make_finding("rule_x", "res-1", message="first")
    second = make_finding("rule_x", "res-1", message="second")
    second.fingerprint = "other"
    root = _parse(FindingsDocument(tool_version="0.1.0", findings=[first, second]))
    cases = list(root.iter("testcase"))
    assert len(cases) == 1
    failure = cases[0].find("failure")
    assert failure is not None
    assert "first" in (failure.text or "")
    assert "second" in (failure.text or "")


def test_empty_document_is_an_empty_report() -> None:
    root = _parse(FindingsDocument(tool_version="0.1.0"))
    assert root.tag == "testsuites"
    assert root.attrib["tests"] == "0"
    assert list(root) == []
