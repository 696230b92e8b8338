"""`pscan scan --aws`: collect and scan in one go, keeping the snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.snapshot import open_snapshot

from .conftest import MANAGED_POLICIES, REGION, reset, run_cli
from .estate import seed_estate


def test_scan_aws_collects_keeps_and_scans(
    moto_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MANAGED_POLICIES, "true")  # the estate attaches AWSSupportAccess
    seed_estate(reset(moto_endpoint))
    out = tmp_path / "findings.json"
    keep = tmp_path / "kept"
    result = run_cli(
        "scan",
        "--aws",
        "--endpoint-url",
        moto_endpoint,
        "--regions",
        REGION,
        "--services",
        "ec2,s3",
        "--max-attempts",
        "1",
        "--snapshots-dir",
        str(keep),
        "-o",
        str(out),
        "--fail-on",
        "none",
        "-q",
    )
    assert result.exit_code == 0, result.output
    (kept,) = keep.iterdir()
    assert kept.name.startswith("aws-")
    assert open_snapshot(kept).manifest.resource_count > 0
    doc = json.loads(out.read_text())
    failing = {
        f["resource"]["name"]
        for f in doc["findings"]
        if f["rule_id"] == "aws_ec2_security_group_no_public_ssh"
    }
    assert "bad-ssh" in failing and "good-ssh" not in failing
    assert doc["snapshots"][0]["path"] == str(kept)


def test_scan_needs_a_snapshot_or_a_provider() -> None:
    result = run_cli("scan")
    assert result.exit_code == 2
    assert "--aws / --gcp" in result.output
