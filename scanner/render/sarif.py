"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.

One run; `tool.driver.rules` holds one entry per rule id that has findings, and each
result points at it by `ruleId` and `ruleIndex`. IaC findings carry a physical location
(file and lines); findings on live resources carry a logical location whose
`fullyQualifiedName` is the resource id. Collection errors become
`toolExecutionNotifications` of the single invocation, and so do rules that left
resources undecided (level `note`, with the reasons); `run.properties.notJudged` lists
the compliance controls decided only by undecided results.

Spec: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from scanner.model import (
    Category,
    CollectionError,
    Finding,
    FindingsDocument,
    FindingStatus,
    RuleMeta,
    RuleStats,
    Severity,
)
from scanner.render._summary import compliance_labels, format_cost, sort_findings
from scanner.render._text import code_fence, is_web_url

__all__ = [
    "INFORMATION_URI",
    "SARIF_SCHEMA_URI",
    "SARIF_VERSION",
    "SECURITY_SEVERITY",
    "render_sarif",
    "sarif_log",
]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
# The project page named by pyproject.toml's distribution name.
INFORMATION_URI = "https://pypi.org/project/platform-scanner/"

# GitHub code scanning ranks alerts by this property: >9.0 critical, 7.0-8.9 high,
# 4.0-6.9 medium, 0.1-3.9 low. https://docs.github.com/en/code-security/code-scanning/
# integrating-with-code-scanning/sarif-support-for-code-scanning#reportingdescriptor-object
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}

_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}

# Categories whose findings are security findings; GitHub shows `security-severity`
# only on rules tagged "security".
_SECURITY_CATEGORIES = frozenset(
    {
        Category.SECURITY,
        Category.IAM,
        Category.SECRETS,
        Category.NETWORK,
        Category.LOGGING,
        Category.ENCRYPTION,
        Category.CICD,
    }
)


def render_sarif(doc: FindingsDocument, rules: Mapping[str, RuleMeta] | None = None) -> str:
    """Render the document as a SARIF 2.1.0 log (indented JSON, ending with a newline).

    Args:
        doc: the findings document.
        rules: optional rule metadata by id; when given, its description and risk fill the
            rules' fullDescription instead of the title.
    """
    log = sarif_log(doc, rules)
    return json.dumps(log, indent=2, ensure_ascii=False, default=str) + "\n"


def sarif_log(doc: FindingsDocument, rules: Mapping[str, RuleMeta] | None = None) -> dict[str, Any]:
    """Build the SARIF log object of the document."""
    findings = sort_findings(doc.findings)
    first_by_rule: dict[str, Finding] = {}
    for finding in findings:
        first_by_rule.setdefault(finding.rule_id, finding)
    rule_ids = sorted(first_by_rule)
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    metas = rules or {}
    descriptors = [
        _rule_descriptor(first_by_rule[rule_id], metas.get(rule_id)) for rule_id in rule_ids
    ]
    results = [_result(finding, index[finding.rule_id]) for finding in findings]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "pscan",
                "version": doc.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        "invocations": [_invocation(doc)],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {
            "schemaVersion": doc.schema_version,
            "resourceCount": doc.resource_count,
            "ruleCount": doc.rule_count,
            "snapshots": [snapshot.path for snapshot in doc.snapshots],
            "notJudged": [
                f"{fw.id}:{control.id}"
                for fw in doc.frameworks
                for control in fw.controls
                if control.status == "not_judged"
            ],
        },
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def _rule_descriptor(finding: Finding, meta: RuleMeta | None) -> dict[str, Any]:
    severity = meta.severity if meta else finding.severity
    category = meta.category if meta else finding.category
    remediation = meta.remediation if meta else finding.remediation
    references = meta.references if meta else finding.references
    full = finding.title
    if meta and meta.description:
        full = meta.description if not meta.risk else f"{meta.description}\n\n{meta.risk}"
    help_text = [remediation.summary]
    help_markdown = [remediation.summary]
    if remediation.terraform:
        help_text += ["", "Terraform:", remediation.terraform]
        help_markdown += ["", "Terraform:", "", code_fence(remediation.terraform, "hcl")]
    if remediation.cli:
        help_text += ["", "CLI:", remediation.cli]
        help_markdown += ["", "CLI:", "", code_fence(remediation.cli, "sh")]
    links = [ref for ref in references if is_web_url(ref)]
    if links:
        help_text += ["", "References:", *links]
        help_markdown += ["", "References:", "", *(f"- <{ref}>" for ref in links)]
    tags = sorted(
        {category.value, "security"} if category in _SECURITY_CATEGORIES else {category.value}
    )
    descriptor: dict[str, Any] = {
        "id": finding.rule_id,
        "name": finding.rule_id,
        "shortDescription": {"text": meta.title if meta else finding.title},
        "fullDescription": {"text": full},
        "help": {"text": "\n".join(help_text), "markdown": "\n".join(help_markdown)},
        "defaultConfiguration": {"level": _LEVEL[severity]},
        "properties": {
            "severity": severity.value,
            "category": category.value,
            "tags": tags,
            "security-severity": SECURITY_SEVERITY[severity],
        },
    }
    if links:
        descriptor["helpUri"] = links[0]
    return descriptor


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    resource = finding.resource
    location: dict[str, Any] = {}
    if finding.location is not None:
        artifact: dict[str, Any] = {"uri": _file_uri(finding.location.file)}
        physical: dict[str, Any] = {"artifactLocation": artifact}
        region: dict[str, int] = {}
        if finding.location.start_line > 0:
            region["startLine"] = finding.location.start_line
        if finding.location.end_line > 0 and finding.location.end_line >= region.get(
            "startLine", 1
        ):
            region["endLine"] = finding.location.end_line
        if "startLine" in region:
            physical["region"] = region
        location["physicalLocation"] = physical
    location["logicalLocations"] = [
        {
            "fullyQualifiedName": resource.id,
            "name": resource.name or resource.id,
            "kind": "resource",
        }
    ]
    properties: dict[str, Any] = {
        "severity": finding.severity.value,
        "category": finding.category.value,
        "status": finding.status.value,
        "source": finding.source,
        "resource": resource.model_dump(),
    }
    if finding.compliance:
        properties["compliance"] = compliance_labels(finding)
    if finding.path:
        properties["graphPath"] = list(finding.path)
    if finding.monthly_cost_usd is not None:
        properties["monthlyCostUsd"] = format_cost(finding.monthly_cost_usd)
    if finding.evidence:
        properties["evidence"] = finding.evidence
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "message": {"text": finding.message or finding.title},
        "locations": [location],
        "partialFingerprints": {"pscan/v1": finding.fingerprint},
        "properties": properties,
    }
    if finding.is_new is not None:
        result["baselineState"] = "new" if finding.is_new else "unchanged"
    if finding.suppression is not None:
        # Code scanning shows suppressed results as dismissed (sarif-v2.1.0 section 3.35).
        result["suppressions"] = [
            {
                "kind": "inSource" if finding.suppression.kind == "inline" else "external",
                "status": "accepted",
                "justification": finding.suppression.reason,
                **(
                    {"location": {"physicalLocation": _source_location(finding.suppression.source)}}
                    if finding.suppression.kind == "inline" and finding.suppression.source
                    else {}
                ),
            }
        ]
    if finding.status is FindingStatus.ERROR:
        # The rule could not be evaluated: not a failure. SARIF requires level "none"
        # for any kind other than "fail" (sarif-v2.1.0 section 3.27.9).
        result["kind"] = "review"
        result["level"] = "none"
    else:
        result["kind"] = "fail"
        result["level"] = _LEVEL[finding.severity]
    return result


def _invocation(doc: FindingsDocument) -> dict[str, Any]:
    return {
        "executionSuccessful": True,
        "endTimeUtc": doc.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "toolExecutionNotifications": [
            *(_notification(error) for error in doc.collection_errors),
            *(
                _undecided(rule_id, stats)
                for rule_id, stats in sorted(doc.rule_stats.items())
                if stats.undecided
            ),
        ],
    }


def _undecided(rule_id: str, stats: RuleStats) -> dict[str, Any]:
    """A rule that could not judge some resources: a note, never a result."""
    reasons = "; ".join(f"{e.resource_id}: {e.reason}" for e in stats.undecided_examples)
    noun = "resource" if stats.undecided == 1 else "resources"
    return {
        "level": "note",
        "message": {"text": f"rule {rule_id} left {stats.undecided} {noun} undecided: {reasons}"},
        "descriptor": {"id": "Undecided"},
        "associatedRule": {"id": rule_id},
        "properties": {
            "undecided": stats.undecided,
            "examples": [e.model_dump() for e in stats.undecided_examples],
        },
    }


def _notification(error: CollectionError) -> dict[str, Any]:
    scope = "/".join(part for part in (error.provider, error.account, error.region) if part)
    what = f"{error.service}.{error.operation}" if error.operation else error.service
    code = f"{error.code}: " if error.code else ""
    return {
        "level": "warning",
        "message": {"text": f"collection of {what} failed in {scope}: {code}{error.message}"},
        "descriptor": {"id": error.code or "CollectionError"},
        "properties": error.model_dump(),
    }


def _source_location(source: str) -> dict[str, Any]:
    """`file:line` of an inline suppression as a SARIF physical location."""
    file, _, line = source.rpartition(":")
    if not file or not line.isdigit():
        return {"artifactLocation": {"uri": _file_uri(source)}}
    return {"artifactLocation": {"uri": _file_uri(file)}, "region": {"startLine": int(line)}}


def _file_uri(path: str) -> str:
    # artifactLocation.uri is a URI reference: forward slashes, percent-encoded.
    # ":" is encoded too, so that "C:/x.tf" is not read as a URI with scheme "c".
    return quote(path.replace("\\", "/"), safe="/")
