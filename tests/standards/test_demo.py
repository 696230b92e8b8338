"""Standards on the demo estate: silent by default, exact findings once declared."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scanner.catalog.tiers import REQUEST_TIERS, tier_of
from scanner.cli import cli
from scanner.paths import data_dir
from scanner.snapshot import open_snapshot

DEMO = data_dir("fixtures/demo")


def scan(tmp_path: Path, *flags: str) -> tuple[int, dict[str, Any]]:
    out = tmp_path / "findings.json"
    args = ["scan", str(DEMO), "--no-config", "--fail-on", "none", "-o", str(out), "-q", *flags]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, json.loads(out.read_text())


@pytest.fixture(scope="module")
def default_doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return scan(tmp_path_factory.mktemp("demo"))[1]


def test_without_standards_no_standards_rule_judges_the_demo(default_doc: dict[str, Any]) -> None:
    stats = {k: v for k, v in default_doc["rule_stats"].items() if "_standards_" in k}
    assert len(stats) == 16
    assert all(
        (s["evaluated"], s["failed"], s["undecided"], s["errors"]) == (0, 0, 0, 0)
        for s in stats.values()
    )
    assert not [f for f in default_doc["findings"] if "_standards_" in f["rule_id"]]


def test_a_region_left_out_of_the_standards_names_the_resources_there(
    tmp_path: Path, default_doc: dict[str, Any]
) -> None:
    standards = tmp_path / "standards.yaml"
    standards.write_text(
        "regions: {aws: [eu-west-1], gcp: [europe-west1, eu, us-central1]}\n", encoding="utf-8"
    )
    code, doc = scan(tmp_path, "--standards", str(standards))
    assert code == 0
    expected = {
        r["id"]
        for r in open_snapshot(DEMO).iter_resources()
        if r["provider"] == "aws"
        and r["region"] == "us-east-1"
        and tier_of(r["type"]) in REQUEST_TIERS
    }
    assert len(expected) >= 10  # the demo's DR copy and promo stack in us-east-1
    found = [f for f in doc["findings"] if f["rule_id"] == "aws_standards_region_allowed"]
    assert {f["resource"]["id"] for f in found} == expected
    assert all("us-east-1" in f["message"] for f in found)
    assert not [f for f in doc["findings"] if f["rule_id"] == "gcp_standards_region_allowed"]
    assert doc["rule_stats"]["gcp_standards_region_allowed"]["evaluated"] > 0
    # every other finding is the default scan's
    others = sorted(f["fingerprint"] for f in doc["findings"] if f not in found)
    assert others == sorted(f["fingerprint"] for f in default_doc["findings"])
