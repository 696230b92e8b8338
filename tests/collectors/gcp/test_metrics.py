"""The metric table: docs/capacity.md shows it, every entry has a place to go, units of quotas."""

from __future__ import annotations

import re

import pytest

from scanner import catalog
from scanner.collectors.gcp import NORMALISERS
from scanner.collectors.gcp.metrics import ASSET_TYPES, METRICS, MONITORED, Metric
from scanner.collectors.gcp.quotas import quota_unit
from tests.collectors.gcp.conftest import ROOT

_ROW = re.compile(
    r"^\| (`[^`]+`)? ?\| `(\w+)` \| `([^`]+)` \(`(\w+)`\)[^|]* \| `(\w+)` \|([^|]*)\|$"
)


def _documented() -> list[Metric]:
    text = (ROOT / "docs" / "capacity.md").read_text(encoding="utf-8")
    section = text.split("### GCP metrics", 1)[1]
    out: list[Metric] = []
    rtype = ""
    for line in section.splitlines():
        match = _ROW.match(line.strip())
        if not match:
            continue
        rtype = match.group(1).strip("`") if match.group(1) else rtype
        then = match.group(6)
        scale = re.search(r"x(\d+)", then)
        reducer = re.search(r"REDUCE_\w+", then)
        out.append(
            Metric(
                rtype,
                match.group(2),
                match.group(3),
                match.group(4),
                match.group(5),
                float(scale.group(1)) if scale else 1.0,
                reducer.group(0) if reducer else "REDUCE_NONE",
            )
        )
    return out


def test_the_docs_table_is_the_code_table() -> None:
    assert _documented() == list(METRICS)


def test_every_metric_lands_on_a_type_with_usage() -> None:
    for metric in METRICS:
        assert "usage" in catalog.TYPES[metric.rtype].attributes, metric
        assert metric.resource_type in MONITORED, metric
        assert set(ASSET_TYPES[metric.rtype]) <= set(NORMALISERS), metric
    usage_types = {
        t for t, r in catalog.TYPES.items() if t.startswith("gcp.") and "usage" in r.attributes
    }
    assert usage_types == {m.rtype for m in METRICS}


@pytest.mark.parametrize(
    ("metric", "unit"),
    [("CPUS", "vCPU"), ("N2_CPUS", "vCPU"), ("SSD_TOTAL_GB", "GB"), ("IN_USE_ADDRESSES", "Count")],
)
def test_quota_units(metric: str, unit: str) -> None:
    assert quota_unit(metric) == unit
