"""Hostile `.pscan.yaml` configs (suppressions, rule include/exclude, frameworks, gate
settings, cost budgets) through `pscan scan --config` and `pscan cost --config`."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.estate import DEMO, small_snapshot
from tests.fuzz.harness import assert_clean, examples, pscan
from tests.fuzz.strategies import damaged, mutated, yaml_text

# a hostile input is large by design; its repr in a failure report is long too
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

SOON = (date.today() + timedelta(days=90)).isoformat()
CONFIG: dict[str, Any] = {
    "fail_on": "high",
    "frameworks": ["cis-aws-foundations-3.0"],
    "rules": {"include": ["aws_s3_*", "gcp_*"], "exclude": ["aws_s3_bucket_mfa_delete_enabled"]},
    "rule_errors": "fail",
    "suppression_max_days": 365,
    "suppressions": [
        {
            "rule": "aws_s3_bucket_access_logging_enabled",
            "resource": "*logs*",
            "reason": "the log bucket itself",
            "owner": "platform",
            "expires": SOON,
        }
    ],
    "capacity": {"product_tag": "Product"},
    **yaml.safe_load((DEMO / "pscan.yaml").read_text(encoding="utf-8")),
}
CONFIG.pop("architecture", None)  # a folder relative to the demo's file


@st.composite
def _config(draw: st.DrawFn) -> bytes:
    text = yaml_text(draw(mutated(CONFIG))).encode("utf-8", "surrogatepass")
    if draw(st.integers(min_value=0, max_value=5)) == 0:
        text = draw(damaged(text))
    return text


@examples(60)
@given(text=_config())
def test_scan_with_any_config(text: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / ".pscan.yaml"
        config.write_bytes(text)
        snap = small_snapshot(Path(tmp) / "snap")
        out = Path(tmp) / "findings.json"
        assert_clean(pscan("scan", snap, "--config", config, "-q", "-o", out), out)


@examples(15)
@given(text=_config())
def test_cost_with_any_config(text: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / ".pscan.yaml"
        config.write_bytes(text)
        out = Path(tmp) / "cost.json"
        snap = small_snapshot(Path(tmp) / "snap")
        assert_clean(pscan("cost", snap, "--config", config, "--format", "json", "-o", out), out)
