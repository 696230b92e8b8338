"""Hostile Terraform plans (`terraform show -json`) through `pscan iac --plan`."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.paths import data_dir
from tests.fuzz.harness import assert_clean, examples, pscan
from tests.fuzz.strategies import damaged, encoded, mutated, paths_of

# a hostile input is large by design; its repr in a failure report is long too
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

PLAN_FILE = data_dir("fixtures/iac/plan.json")
PLAN: Any = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
# Every place in the plan: the shape checks and the mapping code walk all of them.
PLACES = paths_of(PLAN, limit=100_000)


@st.composite
def _plan(draw: st.DrawFn) -> bytes:
    if draw(st.integers(min_value=0, max_value=7)) == 0:
        return draw(damaged(PLAN_FILE.read_bytes()))
    return draw(encoded(draw(mutated(PLAN, PLACES))))


@examples(40)
@given(data=_plan())
def test_iac_any_plan(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        plan = Path(tmp) / "plan.json"
        plan.write_bytes(data)
        out = Path(tmp) / "findings.json"
        args = ("iac", "--plan", plan, "--skip-checkov", "--no-config", "-q", "-o", out)
        assert_clean(pscan(*args), out)
