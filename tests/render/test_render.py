"""The format registry: every format renders the sample document and has a golden file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import scanner.paths
from scanner.errors import ReportError
from scanner.model import FindingsDocument
from scanner.render import EXTENSIONS, FORMATS, render, reports_dir
from scanner.render._paths import template_dir

from .conftest import GOLDEN_DIR


def test_formats_are_registered_explicitly() -> None:
    assert list(FORMATS) == ["json", "sarif", "ocsf", "junit", "csv", "md", "html"]
    assert set(EXTENSIONS) == set(FORMATS)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_matches_its_golden_file(
    fmt: str, doc: FindingsDocument, golden: Callable[[str, str], None]
) -> None:
    golden(f"report{EXTENSIONS[fmt]}", render(doc, fmt))


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_renders_an_empty_document(fmt: str) -> None:
    text = render(FindingsDocument(tool_version="0.1.0"), fmt)
    assert text.endswith("\n")


def test_no_stray_golden_files() -> None:
    expected = {f"report{ext}" for ext in EXTENSIONS.values()}
    assert {path.name for path in GOLDEN_DIR.iterdir()} == expected


def test_unknown_format_names_the_valid_ones(doc: FindingsDocument) -> None:
    with pytest.raises(ReportError, match=r"unknown report format 'pdf' \(use one of: json, sarif"):
        render(doc, "pdf")


def test_reports_dir_in_a_checkout_is_the_top_level_folder() -> None:
    folder = reports_dir()
    assert (folder / "markdown" / "report.md.j2").is_file()
    assert (folder / "html" / "report.html.j2").is_file()


def test_reports_dir_prefers_the_copy_shipped_in_the_wheel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "scanner"
    (package / "_data" / "reports").mkdir(parents=True)
    monkeypatch.setattr(scanner.paths, "_PACKAGE", package)
    assert reports_dir() == package / "_data" / "reports"


def test_missing_templates_raise_report_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "scanner"
    (package / "_data" / "reports").mkdir(parents=True)
    monkeypatch.setattr(scanner.paths, "_PACKAGE", package)
    with pytest.raises(ReportError, match="report templates for format 'html' not found"):
        template_dir("html")
