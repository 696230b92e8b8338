"""`run_scan` and `scan_snapshots`: selection, the gate, errors, progress events."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from scanner.app import GateOptions, RuleOptions, ScanRequest, run_scan, write_report
from scanner.app.events import Evaluated, Event
from scanner.errors import ConfigError, RuleLoadError
from scanner.model import Severity
from scanner.paths import data_dir

DEMO = data_dir("fixtures/demo")
NO_CONFIG = GateOptions(fail_on="none", no_config=True)


def test_scan_judges_gates_and_reports_progress() -> None:
    events: list[Event] = []
    result = run_scan(ScanRequest(snapshots=(DEMO,), gate=NO_CONFIG), events.append)
    assert result.doc.gate is result.gate
    assert result.gate.fail_on == "none" and not result.gate.tripped
    assert result.gate.counted == 0
    assert len(result.doc.findings) > 20
    assert result.collected == []
    (done,) = [e for e in events if isinstance(e, Evaluated)]
    assert done.resources == result.doc.resource_count
    assert done.rules == result.doc.rule_count


def test_each_phase_logs_its_time(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    """`pscan -v` says where a scan's time went: one line per phase, in order."""
    caplog.set_level(logging.INFO)
    result = run_scan(ScanRequest(snapshots=(DEMO,), gate=NO_CONFIG))
    write_report(result.doc, "json", tmp_path / "findings.json")
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("scanner.")]
    timed = [line for line in lines if re.search(r": \d+\.\d s( \(CPU \d+\.\d s\))?$", line)]
    count = result.doc.resource_count
    expected = [
        f"per-resource rules over {count:,} resources (in this process), graph of ",
        " graph rules: ",
        " findings built: ",  # the rules'; the report-level cost findings come after
        "document, capacity and cost sections: ",
        "gate: ",
        f"wrote {tmp_path / 'findings.json'} (json): ",
    ]
    assert len(timed) == len(expected), timed
    for line, fragment in zip(timed, expected, strict=True):
        assert fragment in line, (line, fragment)


def test_the_gate_default_is_high() -> None:
    result = run_scan(ScanRequest(snapshots=(DEMO,), gate=GateOptions(no_config=True)))
    assert result.gate.fail_on == "high"
    assert result.gate.tripped  # the demo has critical findings


def test_rule_ids_and_minimum_severity_select_the_rules() -> None:
    everything = run_scan(ScanRequest(snapshots=(DEMO,), gate=NO_CONFIG)).doc
    some = sorted({f.rule_id for f in everything.findings})[:2]
    chosen = run_scan(ScanRequest(snapshots=(DEMO,), rule_ids=tuple(some), gate=NO_CONFIG)).doc
    assert chosen.rule_count == 2
    assert {f.rule_id for f in chosen.findings} == set(some)
    high = run_scan(ScanRequest(snapshots=(DEMO,), min_severity=Severity.HIGH, gate=NO_CONFIG)).doc
    assert high.findings and {f.severity for f in high.findings} <= {
        Severity.CRITICAL,
        Severity.HIGH,
    }


def test_the_config_file_selects_rules_and_frameworks(tmp_path: Path) -> None:
    config = tmp_path / "gate.yaml"
    config.write_text(
        "fail_on: critical\nframeworks: [cis-gcp-foundations-2.0]\n"
        "rules: {include: ['gcp_*'], exclude: ['gcp_storage_*']}\n"
    )
    result = run_scan(ScanRequest(snapshots=(DEMO,), gate=GateOptions(config=config)))
    rules = {f.rule_id for f in result.doc.findings}
    assert rules and all(r.startswith("gcp_") and not r.startswith("gcp_storage_") for r in rules)
    assert [fw.id for fw in result.doc.frameworks] == ["cis-gcp-foundations-2.0"]
    assert result.gate.fail_on == "critical"
    assert result.gate.config == str(config)


@pytest.mark.parametrize(
    ("request_", "fragment"),
    [
        (ScanRequest(gate=NO_CONFIG), "give one or more SNAPSHOT folders"),
        (
            ScanRequest(snapshots=(DEMO,), rule_ids=("no_such_rule",), gate=NO_CONFIG),
            "--rule: unknown rule id(s): no_such_rule",
        ),
        (
            ScanRequest(snapshots=(DEMO,), frameworks=("nope",), gate=NO_CONFIG),
            "--framework 'nope': unknown framework",
        ),
    ],
)
def test_bad_requests_raise_config_errors(request_: ScanRequest, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        run_scan(request_)
    assert fragment in str(info.value)


def test_bad_rules_fail_before_anything_is_collected(tmp_path: Path) -> None:
    pack = tmp_path / "rules"
    pack.mkdir()
    (pack / "aws_s3_bucket_broken.yaml").write_text("title: [unclosed\n")
    request = ScanRequest(
        snapshots=(tmp_path / "never-opened",), rules=RuleOptions(paths=(pack,)), gate=NO_CONFIG
    )
    with pytest.raises(RuleLoadError, match=r"aws_s3_bucket_broken\.yaml"):
        run_scan(request)
