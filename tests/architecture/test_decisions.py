"""Decision records: MADR and Nygard read, `governs` matched, malformed files named file:line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanner.architecture.decisions import (
    Governs,
    next_number,
    read_decision,
    read_decisions,
    technologies_of,
    technology_use,
)
from scanner.errors import ConfigError
from scanner.paths import data_dir

ROOT = Path(__file__).resolve().parents[2]
DEMO_DECISIONS = data_dir("fixtures/demo") / "decisions"

MADR = """\
---
status: accepted
date: 2025-03-14
governs:
  types: [aws.rds.*]
  tags: {Product: check*}
---

# Use PostgreSQL on Amazon RDS

## Context and Problem Statement

Orders need transactions.
"""

NYGARD = """\
# 7. Queues are Amazon SQS

## Status

Superseded by 9

## Context

We need queues.

## Decision

Amazon SQS.

## Consequences

None.

## Governs

```yaml
ids: ["arn:aws:sqs:*"]
```
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_madr_record(tmp_path: Path) -> None:
    d = read_decision(write(tmp_path, "0003-use-postgres.md", MADR))
    assert (d.number, d.title, d.status, d.style) == (
        3,
        "Use PostgreSQL on Amazon RDS",
        "accepted",
        "madr",
    )
    assert d.governs == Governs(types=["aws.rds.*"], tags={"Product": "check*"})
    db = {"type": "aws.rds.instance", "id": "db", "tags": {"Product": "checkout"}}
    assert d.covers(db)
    assert not d.covers({**db, "tags": {"Product": "reporting"}})  # every key must match
    assert not d.covers({**db, "type": "aws.dynamodb.table"})
    assert not d.covers({**db, "tags": {}})


def test_nygard_record(tmp_path: Path) -> None:
    d = read_decision(write(tmp_path, "0007-queues.md", NYGARD))
    assert (d.number, d.title, d.status, d.style) == (
        7,
        "Queues are Amazon SQS",
        "Superseded by 9",
        "nygard",
    )
    assert d.governs == Governs(ids=["arn:aws:sqs:*"])
    assert d.covers({"type": "aws.sqs.queue", "id": "arn:aws:sqs:eu-west-1:1:q"})
    assert not d.covers({"type": "aws.sqs.queue", "id": "https://sqs/q"})


def test_the_projects_own_records_read_as_nygard() -> None:
    """docs/adr uses `# ADR 0003: Title`; no governs section, so they govern nothing."""
    folder = ROOT / "docs" / "adr"
    records = read_decisions(folder)
    assert [d.number for d in records] == sorted(int(p.name[:4]) for p in folder.glob("0*.md"))
    third = records[2]
    assert third.title == "Checkov runs in its own virtualenv" and third.status == "Accepted."
    assert third.style == "nygard" and third.governs is None


def test_only_numbered_markdown_files_are_records(tmp_path: Path) -> None:
    write(tmp_path, "README.md", "not a record: no front matter, no number\n")
    write(tmp_path, "template.md", "---\n: bad yaml [\n---\n")
    write(tmp_path, "0002-b.md", NYGARD)
    write(tmp_path, "0001-a.md", MADR)
    assert [d.path.name for d in read_decisions(tmp_path)] == ["0001-a.md", "0002-b.md"]
    assert next_number(tmp_path) == 3
    assert next_number(tmp_path / "missing") == 1


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("---\nstatus: [accepted\n---\n# T\n", 3, "invalid YAML"),
        ("---\nstatus: ok\n", 1, "never closed"),
        ("---\n- a\n- b\n---\n# T\n", 2, "mapping"),
        (
            "---\nstatus: ok\ngoverns:\n  types: aws.rds.*\n---\n# T\n",
            4,
            "governs: field types: Input should be a valid list",
        ),
        ("---\ngoverns:\n  kinds: [x]\n---\n# T\n", 3, "governs: field kinds: Extra inputs"),
        ("---\ngoverns: {}\n---\n# T\n", 2, "at least one of types, tags, ids"),
        ("---\ngoverns:\n  tags:\n    Product: [a, b]\n---\n# T\n", 4, "field tags.Product"),
        ("# 1. T\n\n## Status\n\nAccepted\n\n## Governs\n\n```yaml\ntypes: 3\n```\n", 10, "types"),
        # an unclosed list: the parser notices at the end of the section
        ("# 1. T\n\n## Governs\n\ntypes: [a\n", 6, "invalid YAML"),
        ("---\ngoverns: {types: [a]}\n---\n# T\n\n## Governs\n\ntypes: [b]\n", 6, "twice"),
        ("No heading at all.\n", 1, "no '# Title' heading"),
    ],
)
def test_malformed_records_name_file_and_line(
    tmp_path: Path, text: str, line: int, fragment: str
) -> None:
    path = write(tmp_path, "0001-bad.md", text)
    with pytest.raises(ConfigError) as err:
        read_decisions(tmp_path)
    message = str(err.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert fragment in message and "\n" not in message


def test_an_unreadable_record_is_named(tmp_path: Path) -> None:
    path = tmp_path / "0001-binary.md"
    path.write_bytes(b"\xff\xfe\x00 not utf-8")
    with pytest.raises(ConfigError, match=rf"^{path}:1: cannot read"):
        read_decisions(tmp_path)
    with pytest.raises(ConfigError, match="not a folder of decision records"):
        read_decisions(tmp_path / "missing")


def test_technologies_name_engines_and_runtimes() -> None:
    db = {"type": "aws.rds.instance", "attributes": {"engine": "postgres"}}
    assert technologies_of(db) == ["Amazon RDS", "Amazon RDS: postgres"]
    fn = {"type": "aws.lambda.function", "attributes": {"runtime": None}}
    assert technologies_of(fn) == ["AWS Lambda"]
    assert technologies_of({"type": "aws.account"}) == []  # a place, not a technology


def test_uncovered_technologies() -> None:
    decisions = read_decisions(DEMO_DECISIONS)
    resources: list[dict[str, Any]] = [
        {"id": "a", "type": "aws.rds.instance", "attributes": {"engine": "postgres"}},
        {"id": "b", "type": "aws.lambda.function", "attributes": {"runtime": "python3.12"}},
        {"id": "c", "type": "aws.sqs.queue"},
        {"id": "d", "type": "aws.sqs.queue"},
    ]
    uses = {u.technology: u for u in technology_use(resources, decisions)}
    assert sorted(t for t, u in uses.items() if not u.is_covered) == ["Amazon SQS"]
    assert (uses["Amazon SQS"].resources, uses["Amazon SQS"].ungoverned) == (2, 2)
    assert uses["AWS Lambda: python3.12"].decisions == ("Event handlers run on AWS Lambda",)
