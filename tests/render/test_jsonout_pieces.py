"""`iter_json` writes the very text `render_json` does, piece by piece."""

from __future__ import annotations

import pytest

from scanner.app import GateOptions, ScanRequest, run_scan
from scanner.model import FindingsDocument, GateSummary
from scanner.paths import data_dir
from scanner.render.jsonout import iter_json, render_json


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
