"""`pscan scan --gcp`: collect through the Cloud Asset API and scan in one go."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import ORG_SCOPE, run
from .fake_cai import FakeCloudAsset


def test_scan_gcp_collects_keeps_and_scans(fake_server: FakeCloudAsset, tmp_path: Path) -> None:
    fake_server.reset()
    out = tmp_path / "findings.json"
    result = run(
        "scan",
        "--gcp",
        "--scope",
        ORG_SCOPE,
        "--endpoint",
        fake_server.url,
        "--snapshots-dir",
        str(tmp_path / "kept"),
        "-o",
        str(out),
        "--fail-on",
        "none",
        "-q",
    )
    assert result.exit_code == 0, result.output
    (kept,) = (tmp_path / "kept").iterdir()
    assert kept.name.startswith("gcp-")
    doc = json.loads(out.read_text())
    rules = {f["rule_id"] for f in doc["findings"]}
    assert {"gcp_storage_bucket_not_public", "gcp_compute_firewall_no_public_ssh"} <= rules
