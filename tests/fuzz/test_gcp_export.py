"""Hostile GCP inputs: Cloud Asset export lines (`pscan collect gcp --export-file`) and
billing export rows, NDJSON and CSV (`pscan collect gcp --billing-export-file`)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.paths import data_dir
from tests.fuzz.harness import assert_clean, examples, parse_snapshot, pscan
from tests.fuzz.strategies import damaged, encoded, mutated

# a hostile input is large by design; its repr in a failure report is long too
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

EXPORT = data_dir("fixtures/gcp/export")
EXPORT_LINES = {p.name: p.read_bytes().splitlines() for p in sorted(EXPORT.glob("*.ndjson"))}
PLACES = [(name, i) for name, lines in EXPORT_LINES.items() for i in range(len(lines))]
BILLING = Path(__file__).parents[1] / "collectors" / "gcp" / "data"
BILLING_NDJSON = (BILLING / "billing-export.ndjson").read_bytes().splitlines()
BILLING_CSV = (BILLING / "billing-export.csv").read_bytes()


@st.composite
def _export(draw: st.DrawFn) -> dict[str, list[bytes]]:
    files = {name: list(lines) for name, lines in EXPORT_LINES.items()}
    name, index = draw(st.sampled_from(PLACES))
    line = files[name][index]
    if draw(st.integers(min_value=0, max_value=5)) == 0:
        files[name][index] = draw(damaged(line))
    else:
        files[name][index] = draw(encoded(draw(mutated(json.loads(line)))))
    return files


@examples(40)
@given(files=_export())
def test_collect_any_export_line(files: dict[str, list[bytes]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        args: list[Any] = []
        for name, lines in files.items():
            (Path(tmp) / name).write_bytes(b"\n".join(lines) + b"\n")
            args += ["--export-file", Path(tmp) / name]
        out = Path(tmp) / "snap"
        assert_clean(pscan("collect", "gcp", *args, "-q", "-o", out), out, parse_snapshot)


@st.composite
def _billing(draw: st.DrawFn) -> tuple[str, bytes]:
    if draw(st.booleans()):
        return "billing.csv", draw(damaged(BILLING_CSV))
    lines = list(BILLING_NDJSON)
    index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
    if draw(st.integers(min_value=0, max_value=5)) == 0:
        lines[index] = draw(damaged(lines[index]))
    else:
        lines[index] = draw(encoded(draw(mutated(json.loads(lines[index])))))
    return "billing.ndjson", b"\n".join(lines) + b"\n"


@examples(150)
@given(case=_billing())
def test_collect_any_billing_row(case: tuple[str, bytes]) -> None:
    name, data = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        out = Path(tmp) / "snap"
        args = ("collect", "gcp", "--billing-export-file", path, "-q", "-o", out)
        assert_clean(pscan(*args), out, parse_snapshot)
