"""Hostile capacity models (`capacity.yaml`) through `pscan capacity plan --model`."""

from __future__ import annotations

import tempfile
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

MODEL: Any = yaml.safe_load((DEMO / "capacity.yaml").read_text(encoding="utf-8"))


@st.composite
def _model(draw: st.DrawFn) -> bytes:
    text = yaml_text(draw(mutated(MODEL))).encode("utf-8", "surrogatepass")
    if draw(st.integers(min_value=0, max_value=5)) == 0:
        text = draw(damaged(text))
    return text


@examples(120)
@given(text=_model())
def test_capacity_plan_any_model(text: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "capacity.yaml"
        model.write_bytes(text)
        snap = small_snapshot(Path(tmp) / "snap")
        out = Path(tmp) / "plan.json"
        args = ("capacity", "plan", snap, "--model", model, "--no-config", "-q")
        assert_clean(pscan(*args, "--format", "json", "-o", out), out)
