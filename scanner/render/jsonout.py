"""JSON output: the versioned findings contract every other format is rendered from.

Named `jsonout` so that it does not shadow the standard library's `json` inside this
package. `read_findings` is the matching reader used by `pscan report`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from scanner.errors import ReportError, validation_summary
from scanner.model import FINDINGS_SCHEMA_VERSION, FindingsDocument

__all__ = ["iter_json", "parse_findings", "read_findings", "render_json"]

logger = logging.getLogger(__name__)


def render_json(doc: FindingsDocument) -> str:
    """Serialise the document as indented JSON, ending with a newline."""
    return doc.model_dump_json(indent=2) + "\n"


_FINDINGS_MARK = '\n  "findings": [],\n'


def iter_json(doc: FindingsDocument) -> Iterator[str]:
    """The same text as `render_json`, in pieces: one per finding.

    A large scan holds its findings once, as objects; serialising them one at a time
    spares the second copy as one huge string.
    """
    head = doc.model_copy(update={"findings": []}).model_dump_json(indent=2)
    cut = head.find(_FINDINGS_MARK)
    if cut < 0:  # not where it is expected: fall back to one piece
        yield render_json(doc)
        return
    yield head[:cut] + '\n  "findings": ['
    for n, finding in enumerate(doc.findings):
        body = finding.model_dump_json(indent=2).replace("\n", "\n    ")
        yield ("," if n else "") + "\n    " + body
    yield ("\n  ]" if doc.findings else "]") + ",\n" + head[cut + len(_FINDINGS_MARK) :] + "\n"


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
