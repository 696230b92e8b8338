"""JSON: the versioned contract round-trips, validates against its schema, and is read back."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from scanner.errors import ReportError
from scanner.model import FINDINGS_SCHEMA_VERSION, FindingsDocument
from scanner.render import render
from scanner.render.jsonout import parse_findings, read_findings, render_json
from scanner.render.schema import findings_schema


def test_round_trip(doc: FindingsDocument) -> None:
    text = render_json(doc)
    assert text.endswith("}\n")
    assert FindingsDocument.model_validate_json(text) == doc


def test_versioned_contract(doc: FindingsDocument) -> None:
    data = json.loads(render_json(doc))
    assert data["schema_version"] == FINDINGS_SCHEMA_VERSION
    assert data["generated_at"] == "2024-05-01T12:00:00Z"
    assert list(data)[:3] == ["schema_version", "tool_version", "generated_at"]


def test_output_validates_against_the_published_schema(doc: FindingsDocument) -> None:
    schema = findings_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(json.loads(render_json(doc)))


def test_read_findings(tmp_path: Path, doc: FindingsDocument) -> None:
    path = tmp_path / "findings.json"
    path.write_text(render_json(doc), encoding="utf-8")
    assert read_findings(path) == doc


def test_read_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(ReportError, match=r"nope\.json: cannot read findings file"):
        read_findings(path)


def test_parse_names_the_source_and_field() -> None:
    with pytest.raises(
        ReportError, match=r"^f\.json: invalid findings document: field findings\.0"
    ):
        parse_findings('{"tool_version": "1", "findings": [{"rule_id": 3}]}', source="f.json")
    with pytest.raises(ReportError, match=r"^f\.json: invalid findings document"):
        parse_findings("not json", source="f.json")


def test_parse_refuses_other_schema_versions() -> None:
    with pytest.raises(ReportError, match=r"schema_version '2' is not supported"):
        parse_findings('{"schema_version": "2", "tool_version": "9.0"}', source="f.json")
    with pytest.raises(ReportError, match=r"\(schema_version '2'; this pscan reads 1\)"):
        parse_findings('{"schema_version": "2", "tool_version": "9", "new": 1}', source="f.json")


def test_pieces_give_the_same_text(doc: FindingsDocument) -> None:
    from scanner.render import render_pieces

    assert "".join(render_pieces(doc, "json")) == render_json(doc)
    empty = doc.model_copy(update={"findings": []})
    assert "".join(render_pieces(empty, "json")) == render_json(empty)
    assert "".join(render_pieces(doc, "csv")) == render(doc, "csv")
