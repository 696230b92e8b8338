"""`run_iac`: one gated document; the overlay's exposures and fixed findings reach the gate
as arguments, and `doc.gate` is what the gate returned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.app import GateOptions, IacRequest, run_iac
from scanner.errors import ConfigError
from scanner.snapshot import write_snapshot
from tests.test_iac_cli import OVERLAY_PLAN, live_estate

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "fixtures" / "iac" / "plan.json"
DB = "arn:aws:rds:eu-west-1:111122223333:db:orders"


def test_the_overlay_hands_its_changes_to_the_gate(tmp_path: Path) -> None:
    snap = tmp_path / "live"
    write_snapshot(snap, live_estate(), source="aws")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(OVERLAY_PLAN))
    result = run_iac(
        IacRequest(
            plan=plan,
            against=snap,
            run_checkov=False,
            gate=GateOptions(fail_on="none", no_config=True),
            cwd=tmp_path,
        )
    )
    assert result.doc.gate is result.gate
    assert [e.resource.id for e in result.exposures] == [DB]
    assert result.gate.new_exposures == result.exposures
    assert {f.resource.id for f in result.fixed} == {"arn:aws:s3:::northwind-legacy-uploads"}
    assert result.gate.fixed == result.fixed
    assert result.gate.against == str(snap)
    new = {f.rule_id for f in result.doc.findings if f.is_new}
    assert "aws_rds_instance_not_reachable_from_internet" in new
    assert result.gate.existing > 0


def test_a_plan_alone_has_no_exposures_and_is_gated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_iac(
        IacRequest(
            paths=(ROOT / "fixtures" / "iac",),
            plan=PLAN,
            run_checkov=False,
            gate=GateOptions(no_config=True),
        )
    )
    assert result.exposures == [] and result.fixed == []
    assert result.gate.fail_on == "high" and result.gate.tripped
    assert result.plan_changes > 0 and "pscan" in result.seconds
    assert result.doc.checkov is not None and result.doc.checkov.status == "disabled"


@pytest.mark.parametrize(
    ("request_", "fragment"),
    [
        (IacRequest(), "give IaC PATHS to scan, --plan plan.json, or both"),
        (IacRequest(paths=(ROOT,), against=ROOT), "--against needs --plan"),
    ],
)
def test_usage_errors(request_: IacRequest, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        run_iac(request_)
