"""`run_report`: a saved document judged again by the same gate as `pscan scan`."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from scanner.app import GateOptions, ReportRequest, ScanRequest, run_report, run_scan, write_report
from scanner.model import ExposurePath, GateSummary, ResourceRef
from scanner.paths import data_dir

# an expiry inside the one-year horizon suppressions may have (suppression_max_days)
SOON = (date.today() + timedelta(days=180)).isoformat()

DEMO = data_dir("fixtures/demo")


def _findings(tmp_path: Path) -> Path:
    doc = run_scan(ScanRequest(snapshots=(DEMO,), gate=GateOptions(no_config=True))).doc
    path = tmp_path / "findings.json"
    write_report(doc, "json", path)
    return path


def test_without_config_or_flag_a_report_never_fails(tmp_path: Path) -> None:
    result = run_report(ReportRequest(_findings(tmp_path), GateOptions(no_config=True)))
    assert result.gate.fail_on == "none" and not result.gate.tripped
    assert result.doc.gate is result.gate


def test_the_config_decides_fail_on_and_suppressions(tmp_path: Path) -> None:
    findings = _findings(tmp_path)
    doc = json.loads(findings.read_text())
    critical = [f for f in doc["findings"] if f["severity"] == "critical"]
    rules = sorted({f["rule_id"] for f in critical})
    config = tmp_path / ".pscan.yaml"
    suppressions = "".join(
        f"  - {{rule: {r}, reason: accepted, owner: sec@example.com, expires: {SOON}}}\n"
        for r in rules
    )
    config.write_text(f"fail_on: critical\nsuppressions:\n{suppressions}")
    result = run_report(ReportRequest(findings, GateOptions(config=config)))
    assert result.gate.fail_on == "critical"
    assert result.gate.suppressed == len(critical) and not result.gate.tripped
    assert all(s.status == "active" for s in result.gate.suppressions)
    tripped = run_report(ReportRequest(findings, GateOptions(fail_on="high", config=config)))
    assert tripped.gate.tripped


def test_what_the_run_found_besides_findings_stays(tmp_path: Path) -> None:
    path = _findings(tmp_path)
    doc = json.loads(path.read_text())
    exposure = ExposurePath(resource=ResourceRef(id="db", type="aws.rds.instance"), path=["x"])
    doc["gate"] = GateSummary(
        fail_on="high", tripped=True, counted=1, new_exposures=[exposure], against="snap"
    ).model_dump(mode="json")
    path.write_text(json.dumps(doc))
    result = run_report(ReportRequest(path, GateOptions(no_config=True)))
    assert result.gate.new_exposures == [exposure]
    assert result.gate.against == "snap"
