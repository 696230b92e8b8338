"""JSON output: the versioned findings contract every other format is rendered from.

Named `jsonout` so that it does not shadow the standard library's `json` inside this
package. `read_findings` is the matching reader used by `pscan report`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ValidationError
from pydantic_core import to_json

from scanner.errors import ReportError, validation_summary
from scanner.model import FINDINGS_SCHEMA_VERSION, FindingsDocument

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

    Raises:
        ReportError: the file is missing or unreadable, or its content is not a valid
            findings document of a supported schema version.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        msg = f"{path}: cannot read findings file: {exc.strerror or exc}"
        raise ReportError(msg) from exc
    logger.debug("read %d bytes of findings from %s", len(data), path)
    return parse_findings(data, source=str(path))
