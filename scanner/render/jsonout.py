"""JSON output: the versioned findings contract every other format is rendered from.

Named `jsonout` so that it does not shadow the standard library's `json` inside this
package. `read_findings` is the matching reader used by `pscan report`.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import ijson  # type: ignore[import-untyped]  # ijson ships no type hints
import orjson
from pydantic import BaseModel, ValidationError
from pydantic_core import to_json

from scanner.errors import ReportError, validation_summary
from scanner.heap import full_collections_paused
from scanner.model import FINDINGS_SCHEMA_VERSION, Finding, FindingsDocument, ResourceRef

__all__ = ["iter_json", "parse_findings", "read_findings", "render_json"]

logger = logging.getLogger(__name__)


def render_json(doc: FindingsDocument) -> str:
    """Serialise the document as indented JSON, ending with a newline."""
    return doc.model_dump_json(indent=2) + "\n"


# The fields whose lists are written item by item (a model's other fields are written
# whole): the findings, and the capacity report's groups and their constraints, which are
# the only parts of a document that grow with the estate.
_STREAMED = frozenset({"findings", "capacity", "products", "accounts", "constraints"})


def iter_json(doc: FindingsDocument) -> Iterator[str]:
    """The same text as `render_json`, in pieces: one per finding or capacity constraint.

    A large scan holds its findings once, as objects; serialising them one at a time
    spares a second copy of the document as one huge string (hundreds of megabytes at a
    million resources).
    """
    yield from _pieces(doc, "")
    yield "\n"


def _pieces(model: BaseModel, pad: str) -> Iterator[str]:
    """`model` as pydantic writes it with indent=2, nested `pad` deep, in pieces."""
    yield "{"
    for n, name in enumerate(type(model).model_fields):
        lead = ("," if n else "") + "\n" + pad
        value = getattr(model, name)
        if name in _STREAMED and isinstance(value, BaseModel):
            yield f'{lead}  "{name}": '
            yield from _pieces(value, pad + "  ")
        elif name == "findings" and value:
            yield f'{lead}  "{name}": ['
            findings = _Findings(value, pad + "    ")
            for i, item in enumerate(value):
                yield ("," if i else "") + "\n" + findings.pad + findings.text(item)
            yield "\n" + pad + "  ]"
        elif name in _STREAMED and isinstance(value, list) and value:
            yield f'{lead}  "{name}": ['
            inner = pad + "    "
            for i, item in enumerate(value):
                yield ("," if i else "") + "\n" + inner
                if isinstance(item, BaseModel) and _STREAMED.intersection(type(item).model_fields):
                    yield from _pieces(item, inner)
                elif isinstance(item, BaseModel):
                    yield item.model_dump_json(indent=2).replace("\n", "\n" + inner)
                else:
                    yield to_json(item, indent=2).decode().replace("\n", "\n" + inner)
            yield "\n" + pad + "  ]"
        else:  # '{\n  "name": value\n}' as pydantic writes it, without the braces
            text = model.model_dump_json(indent=2, include={name})
            yield lead + text[2:-2].replace("\n", "\n" + pad)
    yield "\n" + pad + "}"


# Findings whose remediations are this many different objects or fewer share them (a
# scan's findings of one rule share their rule's); more: each finding has its own (a
# document read back from a file), and sharing would only cost.
_MAX_SHARED = 4096
_SHARED_FIELDS = ("remediation", "compliance", "references", "location", "suppression")
# Values orjson would write otherwise than pydantic (datetimes, subclasses of str, int
# and dict, dataclasses) make it raise instead: those findings are written by pydantic.
_PLAIN_ONLY = (
    orjson.OPT_INDENT_2
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


class _Findings:
    """Findings as pydantic writes them with indent=2, each line after the first `pad` deep.

    The same text, about a third faster on a scan's findings: the parts a rule's
    findings share (remediation, compliance, references) are written once per object,
    and each finding around them by orjson (the finding's other values are plain JSON
    values: strings, numbers, and the evidence read back from JSON).
    """

    def __init__(self, findings: list[Finding], pad: str) -> None:
        self.pad = pad
        self._newline = ("\n" + pad).encode()
        self._parts: dict[int, tuple[Any, orjson.Fragment]] = {}
        self._share = len({id(f.remediation) for f in findings}) <= _MAX_SHARED

    def text(self, finding: Finding) -> str:
        """One finding's JSON text."""
        raw = None
        plain = self._plain(finding) if self._share else None
        if plain is not None:
            try:
                raw = orjson.dumps(plain, option=_PLAIN_ONLY)
            except orjson.JSONEncodeError:  # a value pydantic writes its own way
                raw = None
        if raw is None:
            raw = finding.__pydantic_serializer__.to_json(finding, indent=2)
        return raw.replace(b"\n", self._newline).decode()

    def _plain(self, finding: Finding) -> dict[str, Any] | None:
        """The finding's values, shared parts as fragments, in the order pydantic writes
        them (its attributes' order); None for a subclass, which pydantic writes."""
        if type(finding) is not Finding or type(finding.resource) is not ResourceRef:
            return None
        plain = dict(finding.__dict__)
        for name in _SHARED_FIELDS:
            if plain[name] is not None:
                plain[name] = self._part(plain[name])
        plain["resource"] = finding.resource.__dict__
        return plain

    def _part(self, value: Any) -> orjson.Fragment:
        """The JSON text of a value several findings share, one level deep."""
        known = self._parts.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        text = to_json(value, indent=2).replace(b"\n", b"\n  ")
        fragment = orjson.Fragment(text)
        if len(self._parts) < _MAX_SHARED:
            self._parts[id(value)] = (value, fragment)  # the value kept: its id stays its own
        return fragment


def parse_findings(text: str | bytes, source: str = "<findings>") -> FindingsDocument:
    """Parse a findings document, refusing unknown schema versions.

    Args:
        text: the JSON text of a findings document.
        source: the file name used in error messages.

    Raises:
        ReportError: the text is not JSON, has another schema version, or a field is invalid.
    """
    try:
        doc = FindingsDocument.model_validate_json(text)
    except ValidationError as exc:
        version_hint = _schema_version_hint(text)
        msg = f"{source}: invalid findings document: {validation_summary(exc)}{version_hint}"
        raise ReportError(msg) from exc
    if doc.schema_version != FINDINGS_SCHEMA_VERSION:
        msg = (
            f"{source}: schema_version {doc.schema_version!r} is not supported "
            f"(this pscan reads version {FINDINGS_SCHEMA_VERSION}; re-run `pscan scan`)"
        )
        raise ReportError(msg)
    return doc


def _schema_version_hint(text: str | bytes) -> str:
    # A document from a newer pscan usually fails validation on some new field first;
    # naming its schema version then tells the user the real cause.
    try:
        data = json.loads(text)
    except ValueError:
        return ""
    version = data.get("schema_version") if isinstance(data, dict) else None
    if isinstance(version, str) and version != FINDINGS_SCHEMA_VERSION:
        return f" (schema_version {version!r}; this pscan reads {FINDINGS_SCHEMA_VERSION})"
    return ""


def read_findings(path: Path) -> FindingsDocument:
    """Read a findings JSON file written by `pscan scan`.

    The same document as `parse_findings` of the file's text. A file laid out as pscan
    writes it is read the way the scan holds it: the findings one at a time (ijson), each
    rule's remediation, compliance and references validated once and shared by its
    findings, one reference per resource; the other members through pydantic, from the
    text without the findings. Validating the whole text at once took 6.1 GB at a
    million resources, twice the scan's own peak (docs/scale.md). Any other file, and
    any file this path does not accept, is read by `parse_findings`, so every error is
    the one it gives.

    Raises:
        ReportError: the file is missing or unreadable, or its content is not a valid
            findings document of a supported schema version.
    """
    head = findings = None
    try:
        head = _head_of(path)
        findings = _findings_of(path) if head is not None else None
    except (ValidationError, ijson.JSONError, ValueError, TypeError):
        findings = None
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    if head is not None and findings is not None:
        head.findings = findings
        return head
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    logger.debug("read %d bytes of findings from %s", len(data), path)
    return parse_findings(data, source=str(path))


def _unreadable(path: Path, exc: OSError) -> ReportError:
    return ReportError(f"{path}: cannot read findings file: {exc.strerror or exc}")


# How pscan lays out a document's findings (`iter_json`, indent 2): the array opens on
# the line `  "findings": [` among the top-level members and closes on the first line
# that is `  ]` after it (a finding's own lines are indented deeper).
_OPEN = b'\n  "findings": [\n'
_CLOSE = b"\n  ]"
_BLOCK = 1 << 24


def _head_of(path: Path) -> FindingsDocument | None:
    """The document with no findings, validated from its text with the findings array
    left out; None when the file is laid out otherwise, or the cut or the rest is not
    exactly a valid document of this schema version.

    The cut is checked: what comes before the array must be the first members of the
    top-level object, and no other member may be named `findings`. A line `  ]` inside a
    finding would end the cut early; the text then left is not JSON (the finding's own
    closing brace ends the top-level object before the rest).
    """
    with path.open("rb") as fh:
        start = _find(fh, _OPEN, 0)
        end = _find(fh, _CLOSE, start + len(_OPEN) - 1) if start >= 0 else -1
        if end < 0:
            return None
        fh.seek(0)
        before = fh.read(start)
        fh.seek(end)
        text = before + _OPEN[:-1] + fh.read()
    try:
        orjson.loads(before.rstrip().removesuffix(b",") + b"}")  # closed: a whole object
        keys = [key for key, _ in ijson.kvitems(io.BytesIO(text), "")]
        head = FindingsDocument.model_validate_json(text)
    except (orjson.JSONDecodeError, ijson.JSONError, ValidationError):
        return None
    if keys.count("findings") != 1 or head.findings:
        return None
    return head if head.schema_version == FINDINGS_SCHEMA_VERSION else None


def _find(fh: BinaryIO, pattern: bytes, offset: int) -> int:
    """Where `pattern` first occurs in the file at or after `offset` (-1: nowhere),
    read a block at a time."""
    fh.seek(offset)
    tail = b""
    at = offset  # the file offset of `tail`'s first byte
    while block := fh.read(_BLOCK):
        text = tail + block
        found = text.find(pattern)
        if found >= 0:
            return at + found
        keep = min(len(text), len(pattern) - 1)
        at += len(text) - keep
        tail = text[len(text) - keep :]
    return -1


# A finding's parts its rule gives every one of its findings.
_RULE_PARTS = ("remediation", "compliance", "references")
_ABSENT = object()


@full_collections_paused()
def _findings_of(path: Path) -> list[Finding]:
    """The document's findings, validated one at a time. Like the scan's, they share
    what is the same: a rule part (remediation, compliance, references) given as its
    rule's first finding gave it is that finding's validated part, one `ResourceRef`
    serves a resource's findings, and models that name every field share one fields-set,
    as `scanner.model.trusted` gives the scan's (adding a name to it changes nothing).

    Raises:
        ValidationError, ijson.JSONError: a finding is not valid, or the text not JSON.
    """
    findings: list[Finding] = []
    first: dict[str, tuple[tuple[Any, ...], Finding]] = {}  # rule id -> its first finding
    refs: dict[str, ResourceRef] = {}  # resource id -> its reference
    every, every_ref = set(Finding.model_fields), set(ResourceRef.model_fields)
    with path.open("rb") as fh:
        for item in ijson.items(fh, "findings.item", use_float=True):
            rule_id = item.get("rule_id") if type(item) is dict else None
            if type(rule_id) is not str:
                findings.append(Finding.model_validate(item))
                continue
            parts = tuple(item.get(name, _ABSENT) for name in _RULE_PARTS)
            known = first.get(rule_id)
            if known is not None:
                for name, part, its in zip(_RULE_PARTS, parts, known[0], strict=True):
                    if part is not _ABSENT and part == its:
                        # an instance is taken as it is, not validated again
                        item[name] = getattr(known[1], name)
            resource = item.get("resource")
            rid = resource.get("id") if type(resource) is dict else None
            ref = refs.get(rid) if type(rid) is str else None
            if ref is not None and ref.__dict__ == resource:
                item["resource"] = ref
            finding = Finding.model_validate(item)
            if known is None:
                first[rule_id] = (parts, finding)
            if finding.__pydantic_fields_set__ == every:
                object.__setattr__(finding, "__pydantic_fields_set__", every)
            ref = finding.resource
            if ref.__pydantic_fields_set__ == every_ref:
                object.__setattr__(ref, "__pydantic_fields_set__", every_ref)
                refs.setdefault(ref.id, ref)
            findings.append(finding)
    return findings
