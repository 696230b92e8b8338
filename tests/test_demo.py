"""The bundled demo snapshot: current with its generator, and telling the intended story."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from scanner import synthetic
from scanner.app.demo import run_demo
from scanner.cost import COST_SOURCE
from scanner.engine import evaluate, load_rules
from scanner.engine.evaluate import ScanOutcome
from scanner.headroom import headroom_report
from scanner.paths import data_dir
from scanner.snapshot import open_snapshot

DEMO = data_dir("fixtures/demo")


@pytest.fixture(scope="module")
def outcome() -> ScanOutcome:
    snap = open_snapshot(DEMO)
    return evaluate(load_rules(), snap.iter_resources(), now=snap.manifest.created_at)


def test_committed_demo_matches_the_generator() -> None:
    committed = {r["id"]: r for r in open_snapshot(DEMO).iter_resources()}
    generated = {
        r.id: r.model_dump(mode="json", exclude_none=True) for r in synthetic.demo_estate()
    }
    assert committed == generated, "regenerate: python fixtures/generate.py --demo -o fixtures/demo"
    manifest = open_snapshot(DEMO).manifest
    assert manifest.created_at == synthetic.REFERENCE_DATE


def test_demo_scans_without_rule_errors(outcome: ScanOutcome) -> None:
    errors = [
        (f.rule_id, f.resource.id, f.message) for f in outcome.findings if f.status == "error"
    ]
    assert errors == []


def test_every_seeded_problem_is_found(outcome: ScanOutcome) -> None:
    flagged = {f.resource.id for f in outcome.findings}
    missed = sorted((rid, what) for _, rid, what in synthetic.demo_problems() if rid not in flagged)
    assert missed == []


def test_graph_story(outcome: ScanOutcome) -> None:
    by_rule: dict[str, set[str]] = {}
    for f in outcome.findings:
        by_rule.setdefault(f.rule_id, set()).add(f.resource.name)
    assert "reporting-db" in by_rule["aws_rds_instance_not_reachable_from_internet"]
    assert "orders-db" not in by_rule["aws_rds_instance_not_reachable_from_internet"]
    assert "etl-1" in by_rule["gcp_compute_instance_not_reachable_from_internet"]
    path = next(
        f.path
        for f in outcome.findings
        if f.rule_id == "aws_rds_instance_not_reachable_from_internet"
    )
    assert path[0] == "internet" and len(path) >= 3


def test_demo_snapshot_is_small_enough_to_ship() -> None:
    size = sum(p.stat().st_size for p in Path(DEMO).iterdir())
    assert size < 2_000_000


def test_capacity_story() -> None:
    """Headroom by product tells the demo's seeded story: which limit each product hits first."""
    report = headroom_report(open_snapshot(DEMO).iter_resources())
    assert report is not None
    first = {
        g.name: (g.first_limit.limited, g.first_limit.resource.name)
        for g in report.products
        if g.first_limit
    }
    vcpu = "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances"
    assert first["checkout"] == (vcpu, vcpu)
    assert first["reports"] == ("instances (max instances)", "reports-api")
    assert first["analytics"] == ("DB storage", "warehouse-pg")
    assert first["(untagged)"] == ("subnet IPv4 addresses", "prod-private-a")
    checkout = next(g for g in report.products if g.name == "checkout")
    storage = next(c for c in checkout.constraints if c.resource.name == "orders-db")
    assert storage.headroom_percent < 10
    twin = next(
        c
        for g in report.products
        for c in g.constraints
        if c.resource.name == "orders-db-dr" and c.kind == "storage"
    )
    assert twin.headroom_percent > 40


def test_cost_story(tmp_path: Path) -> None:
    """`pscan demo` shows the cost section: checkout's launch, the untagged share, a budget."""
    result = run_demo(tmp_path)
    cost = result.doc.cost
    assert cost is not None and cost.has_billing
    usd = next(c for c in cost.currencies if c.currency == "USD")
    eur = next(c for c in cost.currencies if c.currency == "EUR")
    checkout = next(line for line in usd.by_product if line.name == "checkout")
    # checkout's streams add up to USD 5,550.00 a month, growing 1 % a month, doubled at launch
    assert checkout.previous_month == Decimal("5550.00") * Decimal("1.10")
    assert checkout.last_month == Decimal("5550.00") * Decimal("1.11") * 2
    assert usd.untagged_percent == 15.0 and eur.untagged_percent == 4.0
    by_rule: dict[str, list[str]] = {}
    for f in result.doc.findings:
        if f.source == COST_SOURCE:
            by_rule.setdefault(f.rule_id, []).append(f.resource.name)
    # checkout's budget is forecast to be exceeded; reporting's and staging's are fine
    assert by_rule["cost_budget_not_exceeded"] == ["product checkout"]
    grew = set(by_rule["cost_service_growth_within_limit"])
    assert "Amazon Elastic Compute Cloud - Compute" in grew
    assert grew.isdisjoint({"EC2 - Other", "AmazonCloudWatch", "Amazon Simple Storage Service"})
    assert not any(name.startswith(("Compute Engine", "BigQuery")) for name in grew)
    assert by_rule["cost_untagged_spend_within_limit"] == ["(untagged) USD"]
    md = (tmp_path / "report.md").read_text()
    assert "### Cost" in md and "| Forecast for 2026-11 (aws forecast) | 17,063.20 |" in md
    html = (tmp_path / "report.html").read_text()
    assert 'id="cost"' in html and html.count('class="cost-chart"') >= 4
    assert cost.waste_monthly_usd > 0 and cost.estimated_resources > 50
