"""What the graph hands `escalation.derive`: the attributes of `NO_ATTRIBUTE_TYPES` are
never read, so the graph may leave them out (it does, to hold less at once)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from scanner.app import generate_fixtures
from scanner.paths import data_dir
from scanner.policy import escalation
from scanner.snapshot import open_snapshot


def _inputs(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in resources if r["type"] in escalation.INPUT_TYPES]


@pytest.mark.parametrize("estate", ["demo", "generated"])
def test_derive_reads_no_attribute_of_those_types(estate: str, tmp_path: Any) -> None:
    if estate == "demo":
        snap = data_dir("fixtures/demo")
    else:
        snap = tmp_path / "snap"
        generate_fixtures(snap, 3000, seed=7)
    inputs = _inputs(list(open_snapshot(snap).iter_resources()))
    assert {r["type"] for r in inputs} & escalation.NO_ATTRIBUTE_TYPES
    blanked = copy.deepcopy(inputs)
    for resource in blanked:
        if resource["type"] in escalation.NO_ATTRIBUTE_TYPES:
            resource["attributes"] = {}
    full, without = escalation.derive(inputs), escalation.derive(blanked)
    assert full.steps or full.reads
    assert (without.steps, without.reads, without.unknown) == (full.steps, full.reads, full.unknown)
