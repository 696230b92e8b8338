"""`create_baseline`: from findings documents or snapshots, written atomically."""

from __future__ import annotations

from pathlib import Path

from scanner.app import GateOptions, ScanRequest, create_baseline, run_scan, write_report
from scanner.gate import read_baseline
from scanner.paths import data_dir

DEMO = data_dir("fixtures/demo")


def test_a_snapshot_and_its_findings_give_the_same_baseline(tmp_path: Path) -> None:
    from_snapshot = create_baseline([DEMO], tmp_path / "a.json")
    doc = run_scan(ScanRequest(snapshots=(DEMO,), gate=GateOptions(no_config=True))).doc
    write_report(doc, "json", tmp_path / "findings.json")
    from_findings = create_baseline([tmp_path / "findings.json"], tmp_path / "b.json")
    assert from_snapshot.findings and from_snapshot.findings == from_findings.findings
    assert read_baseline(tmp_path / "a.json").findings == from_snapshot.findings
    assert from_findings.source == str(tmp_path / "findings.json")
