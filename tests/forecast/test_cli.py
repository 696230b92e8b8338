"""`pscan capacity init`, `pscan capacity plan` and the forecast in the reports and the demo."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from scanner.app.forecast import PlanRequest, run_plan
from scanner.app.gate import GateOptions
from scanner.cli import cli
from scanner.model import ForecastReport, ForecastTier
from scanner.paths import data_dir
from scanner.render.forecast import tier_chart
from scanner.synthetic.demo_model import DEMO_MODEL
from tests.loadtest.samples import sample_result as loadtest_result

DEMO = data_dir("fixtures/demo")
MODEL = DEMO / "capacity.yaml"
NO_CONFIG = GateOptions(no_config=True)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_the_committed_demo_model_is_the_generators() -> None:
    assert MODEL.read_text(encoding="utf-8") == DEMO_MODEL


def test_demo_plan_tells_the_story() -> None:
    result = run_plan(PlanRequest(model=MODEL, snapshots=(DEMO,), gate=NO_CONFIG))
    found = {(f.rule_id, f.resource.name, f.evidence["horizon"]) for f in result.doc.findings}
    vcpu = "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances"
    assert found == {
        ("forecast_vcpu_quota", vcpu, "2027-06"),
        ("forecast_instances", "orders-db", "2027-06"),
        ("forecast_instances", "prod-web-asg", "2027-12"),
    }
    assert result.gate.tripped  # two high shortfalls at the first horizon trip the default gate
    forecast = result.doc.forecast
    assert forecast is not None
    web = {t.horizon: t for t in forecast.tiers if t.tier == "web"}
    assert (web["2027-06"].instances_needed, web["2027-12"].instances_needed) == (7, 12)
    assert all(not t.shortfalls for t in forecast.tiers if t.product == "reports")


def test_plan_cli_gates_and_writes(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = run(
        "capacity", "plan", str(DEMO), "--model", str(MODEL), "--no-config", "-q", "-o", str(out)
    )
    assert result.exit_code == 1, result.output  # high shortfalls: the gate trips
    doc = json.loads(out.read_text())
    assert doc["forecast"]["horizons"] == ["2027-06", "2027-12"]
    relaxed = run(
        "capacity",
        "plan",
        str(DEMO),
        "--model",
        str(MODEL),
        "--no-config",
        "--fail-on",
        "critical",
        "--format",
        "md",
    )
    assert relaxed.exit_code == 0
    assert "### Capacity plan" in relaxed.output


def test_a_bad_model_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "capacity.yaml"
    bad.write_text(DEMO_MODEL.replace("per_instance_rps: 60", "per_instance_rps: fast"))
    result = run("capacity", "plan", str(DEMO), "--model", str(bad), "--no-config")
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert f"{bad}:" in lines[0] and "products.checkout.tiers.web.per_instance_rps" in lines[0]


def test_init_writes_a_model_that_plans(tmp_path: Path) -> None:
    out = tmp_path / "capacity.yaml"
    result = run("capacity", "init", str(DEMO), "-o", str(out), "--no-config")
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "checkout:" in text and "# fill in" in text
    again = run("capacity", "init", str(DEMO), "-o", str(out), "--no-config")
    assert again.exit_code == 2 and "already exists" in again.output
    planned = run("capacity", "plan", str(DEMO), "--model", str(out), "--no-config", "-q")
    assert planned.exit_code == 0  # users 0 until filled in: nothing falls short


def test_the_chart_escapes_and_marks_shortfalls() -> None:
    rows = [
        ForecastTier(
            product="p",
            tier="t",
            kind="web",
            horizon=h,
            users=1,
            peak_rps=1,
            in_flight=1,
            instances_needed=n,
            instances_max=9,
        )
        for h, n in (("2027-06", 7), ("<b>", 12))
    ]
    svg = tier_chart(rows)
    assert svg.startswith("<svg") and "<script" not in svg
    assert "&lt;b&gt;" in svg and "<b>" not in svg
    assert svg.count('fill="#c0392b"') == 1  # only 12 > 9 is short


def test_demo_reports_carry_the_plan(tmp_path: Path) -> None:
    result = run("demo", "--out", str(tmp_path / "demo"), "-q")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "demo" / "report.html").read_text()
    assert 'id="forecast"' in html and "<svg" in html
    assert "### Capacity plan" in (tmp_path / "demo" / "report.md").read_text()
    doc = json.loads((tmp_path / "demo" / "findings.json").read_text())
    assert ForecastReport.model_validate(doc["forecast"]).model == "fixtures/demo/capacity.yaml"


def _write_results(path: Path, product: str | None, tier: str | None, rps: float) -> None:
    """A results file as `pscan loadtest` writes it, measuring `rps` per instance."""
    result = loadtest_result().model_copy(
        update={"product": product, "tier": tier, "per_instance_rps": rps}
    )
    path.write_text(result.model_dump_json())


def test_load_tested_throughput_replaces_the_declared_one(tmp_path: Path) -> None:
    results = tmp_path / "web.json"
    _write_results(results, "checkout", "web", 120.0)  # twice the declared 60/s
    plan = run_plan(
        PlanRequest(model=MODEL, snapshots=(DEMO,), loadtests=(results,), gate=NO_CONFIG)
    )
    assert plan.doc.forecast is not None
    web = {t.horizon: t for t in plan.doc.forecast.tiers if t.tier == "web"}
    # 288 requests/s / (120 x 0.7) = 3.4 -> 4; 480 / 84 = 5.7 -> 6: within the max of 9
    assert (web["2027-06"].instances_needed, web["2027-12"].instances_needed) == (4, 6)
    assert web["2027-06"].per_instance_rps == 120.0
    # a tier's own `loadtest:` file, relative to the model
    model = tmp_path / "capacity.yaml"
    model.write_text(DEMO_MODEL.replace("per_instance_rps: 60", "loadtest: web.json"))
    own = run_plan(PlanRequest(model=model, snapshots=(DEMO,), gate=NO_CONFIG))
    assert own.doc.forecast is not None
    assert {t.per_instance_rps for t in own.doc.forecast.tiers if t.tier == "web"} == {120.0}


def test_results_without_a_tier_are_refused(tmp_path: Path) -> None:
    results = tmp_path / "anon.json"
    _write_results(results, None, None, 100.0)
    result = run(
        "capacity",
        "plan",
        str(DEMO),
        "--model",
        str(MODEL),
        "--loadtest",
        str(results),
        "--no-config",
    )
    assert result.exit_code == 2
    assert "names no product and tier" in result.output
