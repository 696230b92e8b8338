"""`iter_json` writes the very text `render_json` does, piece by piece."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from scanner.app import GateOptions, ScanRequest, run_scan
from scanner.model import (
    Finding,
    FindingsDocument,
    GateSummary,
    Location,
    Remediation,
    ResourceRef,
    Suppression,
    trusted,
)
from scanner.paths import data_dir
from scanner.render.jsonout import _MAX_SHARED, _Findings, iter_json, render_json


@pytest.fixture(scope="module")
def demo_doc() -> FindingsDocument:
    """The demo's scan: findings, capacity and cost sections."""
    demo = data_dir("fixtures/demo")
    request = ScanRequest(snapshots=(demo,), gate=GateOptions(config=demo / "pscan.yaml"))
    return run_scan(request).doc


def test_pieces_join_to_the_whole_document(demo_doc: FindingsDocument) -> None:
    assert demo_doc.findings and demo_doc.capacity is not None and demo_doc.cost is not None
    assert demo_doc.capacity.products and demo_doc.gate is not None
    pieces = list(iter_json(demo_doc))
    assert "".join(pieces) == render_json(demo_doc)
    # one piece per finding at least: no piece holds the whole findings list
    assert len(pieces) > len(demo_doc.findings)
    assert all(piece.count('"fingerprint"') <= 1 for piece in pieces)
    assert all(piece.count('"headroom_percent"') <= 1 for piece in pieces)


def test_an_empty_document_joins_to_the_same_text() -> None:
    doc = FindingsDocument(tool_version="0", resource_count=0, rule_count=0)
    assert "".join(iter_json(doc)) == render_json(doc)
    doc.gate = GateSummary(fail_on="high", tripped=False, counted=0)
    assert "".join(iter_json(doc)) == render_json(doc)


def _tricky_findings(base: Finding) -> list[Finding]:
    """Findings whose values orjson and pydantic could write apart, sharing the base's
    rule parts the way a scan's findings do."""
    evidence: list[dict[str, Any]] = [
        {"floats": [0.1, 1e16, 1e-7, 1.5e300, -0.0, 5e-324, 123456789.123, 1.0, 1e22]},
        {"text": 'é \u2028 \x01\x1f\x7f "quoted" back\\slash </script> \U0001f600'},
        {"nested": {"a": [], "b": {}, "c": [{"d": None}], "e": True, "f": 2**63 - 1}},
        {"big": 2**70},  # past 64 bits: orjson refuses, pydantic writes it
        {"when": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)},  # pydantic's own format
        {"day": date(2026, 1, 2), "set": {"x"}},
        {},
    ]
    found = [base.model_copy(update={"evidence": e}) for e in evidence]
    found.append(
        base.model_copy(
            update={
                "monthly_cost_usd": 12.25,
                "location": Location(file="main.tf", start_line=3, end_line=9),
                "suppression": Suppression(kind="config", reason="r", expires=date(2027, 1, 1)),
                "is_new": True,
                "path": ["internet", "sg-1", "x"],
                "resource": base.resource.model_copy(update={"tags": {"é": "\n"}}),
            }
        )
    )
    found.append(base.model_copy(update={"is_new": False, "monthly_cost_usd": 0.0}))
    # built from values in another order than the fields': pydantic keeps that order
    ref = trusted(ResourceRef, **dict(reversed(base.resource.__dict__.items())))
    found.append(trusted(Finding, **dict(reversed({**base.__dict__, "resource": ref}.items()))))
    return found


def test_each_finding_is_written_as_pydantic_writes_it(demo_doc: FindingsDocument) -> None:
    findings = [*demo_doc.findings, *_tricky_findings(demo_doc.findings[0])]
    writer = _Findings(findings, "    ")
    for finding in findings:
        expected = finding.model_dump_json(indent=2).replace("\n", "\n    ")
        assert writer.text(finding) == expected, finding.evidence
    assert writer._parts  # the shared parts were written once, not by pydantic each time


def test_findings_with_their_own_parts_are_written_the_same(demo_doc: FindingsDocument) -> None:
    """A document read back from a file: every finding has its own remediation."""
    base = demo_doc.findings[0]
    findings = [
        base.model_copy(
            update={"remediation": Remediation(summary=f"fix {n}"), "fingerprint": str(n)}
        )
        for n in range(_MAX_SHARED + 2)
    ]
    writer = _Findings(findings, "")
    for finding in (findings[0], findings[-1]):
        assert writer.text(finding) == finding.model_dump_json(indent=2)
