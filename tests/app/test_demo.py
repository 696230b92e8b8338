"""`run_demo`: every report written; a missing Graphviz is a note, not a failure."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from scanner.app import demo as demo_module
from scanner.app import run_demo
from scanner.app.events import Evaluated, Evaluating, Event, RulesLoaded
from scanner.errors import ReportError
from scanner.render import diagram


def test_the_demo_writes_every_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diagram, "to_svg", lambda _dot: "<svg/>")
    events: list[Event] = []
    result = run_demo(tmp_path / "out", events.append)
    reports = [name for name in result.files if "/" not in name]
    assert reports == sorted(
        [
            "diagram-exposure.dot",
            "diagram-exposure.mmd",
            "diagram-exposure.svg",
            "diagram.dot",
            "diagram.mmd",
            "diagram.svg",
            "findings.csv",
            "findings.json",
            "report.html",
            "report.md",
            "results.junit.xml",
            "results.sarif",
        ]
    )
    # the architecture document, its diagrams and C4 model, in architecture/
    assert {
        "architecture/architecture.html",
        "architecture/architecture.md",
        "architecture/workspace.dsl",
        "architecture/diagrams/overview.svg",
        "architecture/diagrams/product-checkout.mmd",
    } <= set(result.files)
    assert result.architecture == tmp_path / "out" / "architecture" / "architecture.html"
    md = (tmp_path / "out" / "architecture" / "architecture.md").read_text()
    # the demo's decision records (fixtures/demo/decisions) sit beside the facts
    assert "| 0002-event-handlers-on-aws-lambda.md | Event handlers run on AWS Lambda |" in md
    assert all((tmp_path / "out" / name).stat().st_size > 0 for name in result.files)
    assert result.report == tmp_path / "out" / "report.html"
    assert result.notes == []
    overview = (tmp_path / "out" / "diagram.dot").read_text()
    assert 'digraph "overview"' in overview and "critical</b>" in overview  # severities drawn
    exposure = (tmp_path / "out" / "diagram-exposure.dot").read_text()
    assert 'digraph "exposure"' in exposure and 'penwidth="3.5"' in exposure  # critical paths
    assert [type(e) for e in events if not isinstance(e, Evaluating)] == [RulesLoaded, Evaluated]


def test_without_graphviz_the_svg_is_left_out_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(_dot: str) -> str:
        msg = "Graphviz's dot is not installed"
        raise ReportError(msg)

    monkeypatch.setattr(diagram, "to_svg", missing)
    result = run_demo(tmp_path)
    assert "diagram.svg" not in result.files and not (tmp_path / "diagram.svg").exists()
    assert "diagram-exposure.svg" not in result.files
    assert {"diagram.dot", "diagram.mmd", "diagram-exposure.dot"} <= set(result.files)
    assert result.notes == [
        "Graphviz's dot is not installed",  # once for both demo views
        "SVG diagrams left out: Graphviz's dot is not installed",  # the document's
    ]
    assert (tmp_path / "report.html").exists()
    assert not [name for name in result.files if name.endswith(".svg")]
    assert (tmp_path / "architecture" / "diagrams" / "overview.dot").exists()


def test_a_demo_that_fails_midway_leaves_the_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").write_text("the last good report")

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(demo_module, "write_architecture", full_disk)
    with pytest.raises(OSError, match="No space left"):
        run_demo(out)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left
    assert [p.name for p in out.iterdir()] == ["report.html"]
    assert (out / "report.html").read_text() == "the last good report"
