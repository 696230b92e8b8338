"""End to end: collect the fixture estate through the Cloud Asset fake, scan it, find the seeds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.collectors.gcp.conftest import ESTATE, EXPECTED, ORG_SCOPE, run
from tests.collectors.gcp.fake_cai import FakeCloudAsset


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory, fake_server: FakeCloudAsset) -> Any:
    fake_server.reset()
    folder = tmp_path_factory.mktemp("gcp-e2e")
    snap = folder / "snap"
    result = run(
        "collect", "gcp", "--scope", ORG_SCOPE, "--endpoint", fake_server.url, "-o", str(snap), "-q"
    )
    assert result.exit_code == 0, result.output
    out = folder / "findings.json"
    result = run("scan", str(snap), "-o", str(out), "-q", "--framework", "cis-gcp-foundations-2.0")
    assert result.exit_code == 1, result.output  # high and critical findings trip the gate
    return json.loads(out.read_text())


def test_the_scan_finds_every_seeded_problem(findings: Any) -> None:
    failed = {(f["rule_id"], f["resource"]["id"]) for f in findings["findings"]}
    missing = [seed for seed in ESTATE.SEEDED if seed not in failed]
    assert not missing


def test_the_compliant_twins_pass(findings: Any) -> None:
    failed = {(f["rule_id"], f["resource"]["id"]) for f in findings["findings"]}
    assert [twin for twin in ESTATE.TWINS if twin in failed] == []
    evaluated = findings["rule_stats"]
    assert all(evaluated[rule]["evaluated"] > 0 for rule, _ in ESTATE.TWINS)


def test_no_rule_errors_and_no_collection_errors(findings: Any) -> None:
    assert [f for f in findings["findings"] if f["status"] == "error"] == []
    assert findings["collection_errors"] == []
    assert findings["resource_count"] == EXPECTED


def test_the_internet_path_of_the_exposed_vm(findings: Any) -> None:
    [finding] = [
        f
        for f in findings["findings"]
        if f["rule_id"] == "gcp_compute_instance_not_reachable_from_internet"
    ]
    # web-1 carries the tags of two open rules (ssh, web); the graph names either one
    fw = "//compute.googleapis.com/projects/acme-prod/global/firewalls/"
    internet, via, vm = finding["path"]
    assert internet == "internet"
    assert via in {f"{fw}allow-ssh-anywhere", f"{fw}allow-https"}
    assert vm == "//compute.googleapis.com/projects/acme-prod/zones/europe-west1-b/instances/web-1"


def test_messages_show_secrets_masked(findings: Any) -> None:
    [finding] = [
        f
        for f in findings["findings"]
        if f["rule_id"] == "gcp_compute_instance_metadata_no_secrets"
    ]
    assert "Zx**********" in finding["message"]
    assert "metadata:startup-script line 5" in finding["message"]


def test_cis_controls_are_decided(findings: Any) -> None:
    [framework] = findings["frameworks"]
    failed = [c["id"] for c in framework["controls"] if c["status"] == "failed"]
    assert len(failed) >= 20
    assert [c for c in framework["controls"] if c["status"] == "error"] == []


def test_the_snapshot_diagram_draws(tmp_path: Path, fake: FakeCloudAsset) -> None:
    snap = tmp_path / "snap"
    args = ("collect", "gcp", "--scope", ORG_SCOPE, "--endpoint", fake.url, "-o", str(snap), "-q")
    assert run(*args).exit_code == 0
    result = run("diagram", str(snap), "--format", "mermaid")
    assert result.exit_code == 0, result.output
    # the collected estate drawn as architecture: networks, exposed VMs, databases
    assert 'subgraph c8["VPC network prod-vpc"]' in result.output, result.output
    assert "internet ==>|tcp 22, tcp 443, tcp 8443-8444|" in result.output
    assert "<b>orders-pg</b><br/>Cloud SQL instance" in result.output
