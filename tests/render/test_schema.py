"""The committed JSON Schema of the findings document is the generated one."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema

from scanner.model import FINDINGS_SCHEMA_VERSION
from scanner.render.schema import SCHEMA_PATH, findings_schema, findings_schema_text, main

COMMITTED = Path(__file__).parents[2] / "docs" / "schema" / "findings.schema.json"


def test_schema_path_is_the_docs_file() -> None:
    assert SCHEMA_PATH.resolve() == COMMITTED.resolve()


def test_committed_schema_is_up_to_date() -> None:
    if os.environ.get("PSCAN_UPDATE_GOLDEN") == "1":
        main([str(COMMITTED)])
    committed = COMMITTED.read_text(encoding="utf-8")
    assert committed == findings_schema_text(), (
        "docs/schema/findings.schema.json is stale: run `python -m scanner.render.schema`"
    )


def test_schema_is_valid_and_pins_the_version() -> None:
    schema = findings_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema_version"]["const"] == FINDINGS_SCHEMA_VERSION
    validator = jsonschema.Draft202012Validator(schema)
    assert not validator.is_valid({"schema_version": "2", "tool_version": "1"})
    assert validator.is_valid({"tool_version": "1"})


def test_main_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "schema.json"
    assert main([str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == findings_schema()
