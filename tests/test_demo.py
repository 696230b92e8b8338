"""The bundled demo snapshot: current with its generator, and telling the intended story."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner import synthetic
from scanner.engine import evaluate, load_rules
from scanner.engine.evaluate import ScanOutcome
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
