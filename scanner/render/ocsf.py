"""OCSF output: one Detection Finding event per finding, for Security Lake and SIEMs.

The document is a JSON array of OCSF 1.5.0 Detection Finding events (class 2004,
category 2 Findings, activity 1 Create, type 200401), written one event at a time.
Each event carries:

- `finding_info`: uid (the fingerprint), title, desc (the message), types (the category),
  created_time, and the rule as `analytic` (type Rule);
- `severity_id` from pscan's severity, `status_id` New or Suppressed (with the reason
  in `status_detail`);
- `resources` (the resource), `cloud` (provider, region, account) and the `cloud`
  profile, when the provider is known (checkov findings on Kubernetes files have none);
- `remediation` (the summary and the web references), `evidences` (the evidence,
  masked like every output);
- `unmapped`: what OCSF has no attribute for in this class, among them `compliance`
  (a Detection Finding has no compliance attribute, so the framework mapping is an OCSF
  Compliance object kept here, as Security Hub spells it: control, standards,
  requirements), the graph path, the IaC location, suppression details and cost.

Schema: https://schema.ocsf.io/1.5.0/classes/detection_finding (tests validate every
event against it, generated from the schema the `ocsf-json-schema` package ships).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from scanner.masking import mask_secrets
from scanner.model import Finding, FindingsDocument, FindingStatus, ResourceRef, Severity
from scanner.render._summary import compliance_labels
from scanner.render._text import is_web_url
from scanner.render.sarif import INFORMATION_URI

__all__ = [
    "CLASS_UID",
    "OCSF_VERSION",
    "SEVERITY_ID",
    "STATUS_NEW",
    "STATUS_SUPPRESSED",
    "TYPE_UID",
    "iter_ocsf",
    "ocsf_event",
    "render_ocsf",
]

OCSF_VERSION = "1.5.0"
CLASS_UID = 2004  # Detection Finding
_CATEGORY_UID = 2  # Findings
_ACTIVITY_CREATE = 1
TYPE_UID = CLASS_UID * 100 + _ACTIVITY_CREATE
_RULE_ANALYTIC = 1  # analytic.type_id: Rule
# orjson: ten times the standard library's speed at indented output (a large scan writes
# one event per finding); evidence may hold non-JSON values and non-string keys.
_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS

# severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical (6 Fatal is unused).
SEVERITY_ID = {
    Severity.INFO: (1, "Informational"),
    Severity.LOW: (2, "Low"),
    Severity.MEDIUM: (3, "Medium"),
    Severity.HIGH: (4, "High"),
    Severity.CRITICAL: (5, "Critical"),
}
STATUS_NEW = (1, "New")
STATUS_SUPPRESSED = (3, "Suppressed")

# cloud.provider spelling, and account.type_id: 10 AWS Account, 11 GCP Project.
_PROVIDERS = {"aws": ("AWS", 10, "AWS Account"), "gcp": ("GCP", 11, "GCP Project")}


def render_ocsf(doc: FindingsDocument) -> str:
    """Render the document as a JSON array of OCSF Detection Finding events."""
    return "".join(iter_ocsf(doc))


def iter_ocsf(doc: FindingsDocument) -> Iterator[str]:
    """The text of `render_ocsf`, one piece per event."""
    time_ms = int(doc.generated_at.timestamp() * 1000)
    yield "["
    for n, finding in enumerate(doc.findings):
        text = orjson.dumps(
            ocsf_event(finding, doc.tool_version, time_ms), default=str, option=_OPTIONS
        ).decode()
        yield ("," if n else "") + "\n  " + text.replace("\n", "\n  ")
    yield "\n]\n" if doc.findings else "]\n"


def ocsf_event(finding: Finding, tool_version: str, time_ms: int) -> dict[str, Any]:
    """The OCSF Detection Finding event of one finding, found at `time_ms` (epoch ms)."""
    severity_id, severity = SEVERITY_ID[finding.severity]
    status_id, status = STATUS_SUPPRESSED if finding.suppression else STATUS_NEW
    cloud = _cloud(finding.resource)
    event: dict[str, Any] = {
        "class_uid": CLASS_UID,
        "class_name": "Detection Finding",
        "category_uid": _CATEGORY_UID,
        "category_name": "Findings",
        "activity_id": _ACTIVITY_CREATE,
        "activity_name": "Create",
        "type_uid": TYPE_UID,
        "type_name": "Detection Finding: Create",
        "time": time_ms,
        "severity_id": severity_id,
        "severity": severity,
        "status_id": status_id,
        "status": status,
        "is_alert": finding.suppression is None and finding.status is FindingStatus.FAIL,
        "message": mask_secrets(finding.message or finding.title),
        "metadata": _metadata(finding, tool_version, has_cloud=cloud is not None),
        "finding_info": _finding_info(finding, time_ms),
        "resources": [_resource(finding.resource)],
        "remediation": _remediation(finding),
    }
    if finding.suppression is not None:
        event["status_detail"] = finding.suppression.reason
    if cloud is not None:
        event["cloud"] = cloud
    if finding.evidence:
        event["evidences"] = [{"data": mask_secrets(finding.evidence)}]
    event["unmapped"] = _unmapped(finding)
    return event


def _metadata(finding: Finding, tool_version: str, *, has_cloud: bool) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "version": OCSF_VERSION,
        "product": {
            "name": "pscan",
            "vendor_name": "pscan",
            "version": tool_version,
            "url_string": INFORMATION_URI,
        },
        "event_code": finding.rule_id,
    }
    if has_cloud:
        metadata["profiles"] = ["cloud"]
    return metadata


def _finding_info(finding: Finding, time_ms: int) -> dict[str, Any]:
    return {
        "uid": finding.fingerprint,
        "title": finding.title,
        "desc": mask_secrets(finding.message or finding.title),
        "types": [finding.category.value],
        "created_time": time_ms,
        "analytic": {
            "uid": finding.rule_id,
            "name": finding.rule_id,
            "desc": finding.title,
            "type_id": _RULE_ANALYTIC,
            "type": "Rule",
            "category": finding.category.value,
        },
        "data_sources": [finding.source],
    }


def _resource(ref: ResourceRef) -> dict[str, Any]:
    resource: dict[str, Any] = {"uid": ref.id, "type": ref.type}
    if ref.name:
        resource["name"] = ref.name
    if ref.region and ref.provider in _PROVIDERS:
        resource["region"] = ref.region
    if ref.id.startswith("arn:") and ref.provider in _PROVIDERS:
        resource["cloud_partition"] = ref.id.split(":", 2)[1]  # aws, aws-cn, aws-us-gov
    if ref.tags:
        resource["tags"] = [{"name": key, "value": value} for key, value in ref.tags.items()]
    return resource


def _cloud(ref: ResourceRef) -> dict[str, Any] | None:
    """The `cloud` object, or None when the provider is not one pscan collects."""
    known = _PROVIDERS.get(ref.provider)
    if known is None:
        return None
    provider, account_type_id, account_type = known
    cloud: dict[str, Any] = {"provider": provider}
    if ref.region:
        cloud["region"] = ref.region
    if ref.account:
        cloud["account"] = {"uid": ref.account, "type_id": account_type_id, "type": account_type}
        if ref.provider == "gcp":
            cloud["project_uid"] = ref.account
    return cloud


def _remediation(finding: Finding) -> dict[str, Any]:
    remediation: dict[str, Any] = {"desc": finding.remediation.summary}
    links = [ref for ref in finding.references if is_web_url(ref)]
    if links:
        remediation["references"] = links
    return remediation


def _unmapped(finding: Finding) -> dict[str, Any]:
    """pscan's fields that the Detection Finding class has no attribute for."""
    out: dict[str, Any] = {
        "rule_id": finding.rule_id,
        "category": finding.category.value,
        "status": finding.status.value,
        "source": finding.source,
    }
    if finding.resource.provider not in _PROVIDERS and finding.resource.provider:
        out["provider"] = finding.resource.provider  # e.g. azure, from checkov: no cloud object
    if finding.compliance:
        out["compliance"] = {
            "control": finding.rule_id,
            "standards": sorted({ref.framework for ref in finding.compliance}),
            "requirements": compliance_labels(finding),
        }
    if finding.path:
        out["path"] = list(finding.path)
    if finding.location is not None:
        out["location"] = finding.location.model_dump()
    if finding.remediation.terraform:
        out["remediation_terraform"] = finding.remediation.terraform
    if finding.remediation.cli:
        out["remediation_cli"] = finding.remediation.cli
    if finding.suppression is not None:
        out["suppression"] = finding.suppression.model_dump(mode="json")
    if finding.is_new is not None:
        out["is_new"] = finding.is_new
    if finding.monthly_cost_usd is not None:
        out["monthly_cost_usd"] = finding.monthly_cost_usd
    return out
