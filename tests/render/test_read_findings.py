"""Reading a findings file one finding at a time gives what parsing its whole text gives:
the same document, or the same error, whatever the file holds."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from scanner.errors import ReportError
from scanner.model import Finding, FindingsDocument
from scanner.render.jsonout import _head_of, iter_json, parse_findings, read_findings


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "findings.json"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def _outcome(read: object) -> tuple[str, object]:
    try:
        return "document", read()  # type: ignore[operator]
    except ReportError as exc:
        return "error", str(exc)


def _same_as_whole(path: Path) -> tuple[str, object]:
    """read_findings(path) against parse_findings of the whole text: equal outcomes."""
    streamed = _outcome(lambda: read_findings(path))
    whole = _outcome(lambda: parse_findings(path.read_bytes(), source=str(path)))
    assert streamed == whole
    if streamed[0] == "document":
        assert isinstance(streamed[1], FindingsDocument)
        assert isinstance(whole[1], FindingsDocument)
        assert streamed[1].model_fields_set == whole[1].model_fields_set
        assert "".join(iter_json(streamed[1])) == "".join(iter_json(whole[1]))
    return streamed


def _many(doc: FindingsDocument) -> FindingsDocument:
    """The document with each finding also on two more resources (a rule's findings)."""
    copies = [
        f.model_copy(
            update={
                "fingerprint": f"{f.fingerprint}-{n}",
                "resource": f.resource.model_copy(update={"id": f"{f.resource.id}-{n}"}),
            }
        )
        for f in doc.findings
        for n in range(2)
    ]
    return doc.model_copy(update={"findings": [*doc.findings, *copies]})


def test_a_file_pscan_wrote_is_read_a_finding_at_a_time(
    tmp_path: Path, doc: FindingsDocument
) -> None:
    path = _write(tmp_path, "".join(iter_json(_many(doc))))
    assert _head_of(path) is not None  # the file's layout is pscan's: not read whole
    kind, read = _same_as_whole(path)
    assert kind == "document"
    assert isinstance(read, FindingsDocument)
    # a rule's findings with the same parts share them, as the scan's do
    by_rule: dict[str, list[Finding]] = {}
    for finding in read.findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    shared = 0
    for findings in by_rule.values():
        for f in findings[1:]:
            if f.remediation == findings[0].remediation:
                assert f.remediation is findings[0].remediation
                shared += 1
    assert shared >= len(doc.findings)
    assert read.findings[0].__pydantic_fields_set__ is read.findings[1].__pydantic_fields_set__


def test_another_layout_is_read_whole(tmp_path: Path, doc: FindingsDocument) -> None:
    path = _write(tmp_path, orjson.dumps(orjson.loads("".join(iter_json(doc)))))
    assert _head_of(path) is None
    assert _same_as_whole(path)[0] == "document"


def _edited(doc: FindingsDocument, old: str, new: str, count: int = 1) -> str:
    text = "".join(iter_json(_many(doc)))
    assert old in text
    return text.replace(old, new, count)


def test_a_second_findings_member_is_read_as_the_whole_text_reads_it(
    tmp_path: Path, doc: FindingsDocument
) -> None:
    text = _edited(doc, '\n  "rule_stats": ', '\n  "findings": [],\n  "rule_stats": ')
    assert _same_as_whole(_write(tmp_path, text)) == ("document", parse_findings(text))


def test_a_line_that_closes_a_list_early_is_read_whole(
    tmp_path: Path, doc: FindingsDocument
) -> None:
    # a finding's own list closed on a line `  ]`: the cut ends early, and is refused
    text = "".join(iter_json(_many(doc)))
    close = text.index("]", text.index('"references": ['))
    text = text[:close] + "\n  " + text[close:]
    path = _write(tmp_path, text)
    assert _head_of(path) is None
    assert _same_as_whole(path)[0] == "document"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('"severity": "critical"', '"severity": "nope"'),  # an invalid finding
        ('"schema_version": "1"', '"schema_version": "99"'),  # another schema version
        ('"rule_count": ', '"no_such_field": 1,\n  "rule_count": '),  # an unknown member
        ('"references": [', '"references": null, "x": ['),  # null where a list belongs
    ],
    ids=["invalid finding", "schema version", "unknown member", "null references"],
)
def test_a_bad_document_gives_the_whole_texts_error(
    tmp_path: Path, doc: FindingsDocument, old: str, new: str
) -> None:
    kind, message = _same_as_whole(_write(tmp_path, _edited(doc, old, new)))
    assert kind == "error"
    assert str(tmp_path / "findings.json") in str(message)


def test_a_rules_later_finding_is_validated_even_when_its_first_was_not_given_the_part(
    tmp_path: Path, doc: FindingsDocument
) -> None:
    # the first finding of a rule names no references, a later one gives null: refused
    data = orjson.loads("".join(iter_json(_many(doc))))
    rule = data["findings"][0]["rule_id"]
    of_rule = [f for f in data["findings"] if f["rule_id"] == rule]
    del of_rule[0]["references"]
    of_rule[1]["references"] = None
    text = "".join(iter_json(FindingsDocument.model_validate(data | {"findings": []})))
    body = ",\n".join("    " + orjson.dumps(f).decode() for f in data["findings"])
    text = text.replace('"findings": []', '"findings": [\n' + body + "\n  ]")
    path = _write(tmp_path, text)
    assert _head_of(path) is not None
    kind, message = _same_as_whole(path)
    assert kind == "error"
    assert "references" in str(message)
