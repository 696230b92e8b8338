"""JUnit XML output, for the test-report views of CI systems.

One `<testsuite>` per rule. A rule's failing resources are its testcases
(`classname` = rule id, `name` = resource id) with a `<failure>` (or an `<error>` when
the rule could not be evaluated on that resource). A rule that was evaluated and found
nothing is a suite with one passing testcase, so a clean run still shows what was checked.

The tree is built with ElementTree, which escapes text and attributes; characters that
XML 1.0 cannot carry at all (control characters) are removed first.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from scanner.model import Finding, FindingsDocument, FindingStatus
from scanner.render._summary import compliance_labels, format_cost, sort_findings
from scanner.render._text import strip_control

__all__ = ["render_junit"]


def render_junit(doc: FindingsDocument) -> str:
    """Render the document as a JUnit XML report (UTF-8, with an XML declaration)."""
    by_rule: dict[str, dict[str, list[Finding]]] = {}
    for finding in sort_findings(doc.findings):
        by_rule.setdefault(finding.rule_id, {}).setdefault(finding.resource.id, []).append(finding)
    passing = {
        rule_id: stats.evaluated
        for rule_id, stats in doc.rule_stats.items()
        if stats.evaluated > 0 and stats.failed == 0 and rule_id not in by_rule
    }
    timestamp = doc.generated_at.strftime("%Y-%m-%dT%H:%M:%S")
    root = ET.Element("testsuites", name="pscan")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for rule_id in sorted({*by_rule, *passing}):
        if rule_id in by_rule:
            suite = _failing_suite(rule_id, by_rule[rule_id])
        else:
            suite = _passing_suite(rule_id, passing[rule_id])
        suite.set("timestamp", timestamp)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
        root.append(suite)
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", "0")
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def _suite(rule_id: str, tests: int, failures: int, errors: int) -> ET.Element:
    return ET.Element(
        "testsuite",
        name=_clean(rule_id),
        tests=str(tests),
        failures=str(failures),
        errors=str(errors),
        skipped="0",
        time="0",
    )


def _failing_suite(rule_id: str, by_resource: dict[str, list[Finding]]) -> ET.Element:
    cases = []
    failures = errors = 0
    for resource_id in sorted(by_resource):
        findings = by_resource[resource_id]
        first = findings[0]
        case = ET.Element("testcase", classname=_clean(rule_id), name=_clean(resource_id), time="0")
        is_error = all(f.status is FindingStatus.ERROR for f in findings)
        tag = "error" if is_error else "failure"
        errors += is_error
        failures += not is_error
        outcome = ET.SubElement(case, tag, message=_clean(first.message), type=first.severity.value)
        outcome.text = _clean("\n\n".join(_failure_body(f) for f in findings))
        cases.append(case)
    suite = _suite(rule_id, len(cases), failures, errors)
    first = next(iter(by_resource.values()))[0]
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("title", first.title),
        ("severity", first.severity.value),
        ("category", first.category.value),
    ):
        ET.SubElement(properties, "property", name=name, value=_clean(value))
    suite.extend(cases)
    return suite


def _passing_suite(rule_id: str, evaluated: int) -> ET.Element:
    suite = _suite(rule_id, 1, 0, 0)
    noun = "resource" if evaluated == 1 else "resources"
    ET.SubElement(
        suite,
        "testcase",
        classname=_clean(rule_id),
        name=f"all {evaluated} {noun} passed",
        time="0",
    )
    return suite


def _failure_body(finding: Finding) -> str:
    resource = finding.resource
    lines = [
        finding.message,
        "",
        f"Rule: {finding.rule_id} ({finding.title})",
        f"Severity: {finding.severity.value}  Category: {finding.category.value}",
        f"Resource: {resource.id}",
        f"Type: {resource.type}  Account: {resource.account}  Region: {resource.region}",
    ]
    if resource.name:
        lines.append(f"Name: {resource.name}")
    if finding.location is not None:
        where = finding.location.file
        if finding.location.start_line > 0:
            where += f":{finding.location.start_line}"
        lines.append(f"Location: {where}")
    if finding.path:
        lines.append("Path: " + " -> ".join(finding.path))
    if finding.monthly_cost_usd is not None:
        lines.append(f"Monthly cost (USD): {format_cost(finding.monthly_cost_usd)}")
    labels = compliance_labels(finding)
    if labels:
        lines.append("Compliance: " + ", ".join(labels))
    lines += ["", f"Remediation: {finding.remediation.summary}"]
    if finding.remediation.terraform:
        lines += ["", "Terraform:", finding.remediation.terraform.rstrip()]
    if finding.remediation.cli:
        lines += ["", "CLI:", finding.remediation.cli.rstrip()]
    return "\n".join(lines)


def _clean(text: str) -> str:
    return strip_control(text)
