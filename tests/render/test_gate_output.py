"""How the gate's verdict shows in the reports: Markdown comment, SARIF, JUnit."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema

from scanner.model import (
    CheckovRun,
    CheckovSkip,
    ExposurePath,
    FindingsDocument,
    FixedFinding,
    GateSummary,
    Location,
    ResourceRef,
    Severity,
    Suppression,
    SuppressionReport,
)
from scanner.render.markdown import render_markdown
from scanner.render.sarif import render_sarif

from .conftest import build_doc

SCHEMA = Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json"


def gated_doc() -> FindingsDocument:
    doc = build_doc()
    old, new, hidden = doc.findings[0], doc.findings[2], doc.findings[1]
    old.is_new = False
    new.is_new = True
    hidden.suppression = Suppression(kind="inline", reason="static site", source="infra/site.tf:12")
    hidden.location = Location(file="infra/site.tf", start_line=13, end_line=20)
    doc.checkov = CheckovRun(
        status="ok",
        version="3.3.30",
        failed=4,
        passed=9,
        skipped=1,
        skipped_checks=[
            CheckovSkip(check_id="CKV_AWS_3", resource="aws_ebs_volume.s", reason="scratch")
        ],
    )
    doc.gate = GateSummary(
        fail_on="high",
        tripped=True,
        counted=1,
        new=1,
        existing=1,
        suppressed=1,
        fixed=[
            FixedFinding(
                fingerprint="f" * 32,
                rule_id="aws_rds_instance_not_publicly_accessible",
                severity=Severity.HIGH,
                resource=ResourceRef(id="arn:aws:rds:eu-west-1:1:db:old", type="aws.rds.instance"),
            )
        ],
        suppressions=[
            SuppressionReport(
                rule="aws_*",
                resource="*legacy*",
                reason="migrating",
                owner="platform@example.com",
                expires=date(2026, 1, 1),
                status="expired",
                matched=2,
            )
        ],
        new_exposures=[
            ExposurePath(
                resource=ResourceRef(id="db-1", type="aws.rds.instance", name="orders"),
                path=["internet", "sg-1", "db-1"],
            )
        ],
    )
    return doc


def test_markdown_puts_the_gate_first_and_new_findings_before_known_ones() -> None:
    text = render_markdown(gated_doc())
    order = [
        "### Gate: ❌ failed",
        "#### New findings",
        "#### Fixed",
        "#### New internet paths",
        "<summary>1 suppressed finding, 1 suppression in the config</summary>",
        "<summary>checkov: ok 3.3.30",
        "### Summary",
    ]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "| expired | aws_\\* | \\*legacy\\* | platform@example.com |" in text
    assert "orders (aws.rds.instance): internet → sg-1 → db-1" in text
    top = text[text.index("### Top findings") :]
    # suppressed findings are listed only in their own collapsible section
    assert "web-assets" not in top


def test_markdown_without_a_gate_is_unchanged() -> None:
    assert "### Gate" not in render_markdown(build_doc())


def test_sarif_marks_baseline_state_and_suppressions() -> None:
    log: dict[str, Any] = json.loads(render_sarif(gated_doc()))
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(log)
    results = log["runs"][0]["results"]
    states = [r.get("baselineState") for r in results]
    assert states.count("new") == 1 and states.count("unchanged") == 1
    (suppressed,) = [r for r in results if "suppressions" in r]
    assert suppressed["suppressions"][0]["kind"] == "inSource"
    assert suppressed["suppressions"][0]["justification"] == "static site"
    region = suppressed["suppressions"][0]["location"]["physicalLocation"]["region"]
    assert region == {"startLine": 12}
