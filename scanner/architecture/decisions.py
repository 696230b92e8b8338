"""Decision records beside the facts: read MADR and Nygard records, and what each governs.

A folder of decision records holds one Markdown file per decision, named
`NNNN-title.md` (a number first, as adr-tools and MADR name them); other files in the
folder (README.md, a template) are not records and are left alone. Two formats are read:

- **MADR**: YAML front matter between `---` lines (`status`, `date`, ... and `governs`),
  then `# Title` and `## Context and Problem Statement`, `## Decision Outcome`, ...
- **Nygard**: `# 12. Title` (or `# ADR 0012: Title`), `## Status`, `## Context`,
  `## Decision`, `## Consequences`, and a `## Governs` section holding the YAML.

`governs` links a record to the resources it is about; every key given must match:

    governs:
      types: [aws.rds.*]            # globs over the resource type (any may match)
      tags: {Product: checkout}     # each tag key's value, a glob (all must match)
      ids: ["arn:aws:rds:*"]        # globs over the resource id (any may match)

A malformed record (unreadable, bad front matter, `governs` of the wrong shape) raises
`ConfigError` naming file:line, so a command fails before it writes anything.

The technologies in use are each resource's `placement().technology`, plus the engine or
runtime where an attribute names it (`Amazon RDS: postgres`, `AWS Lambda: python3.12`).
A technology is covered when every resource using it is governed by some record.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scanner.catalog.tiers import placement
from scanner.errors import ConfigError, validation_summary
from scanner.masking import mask_text
from scanner.yamlfile import parse_yaml, yaml_lines

__all__ = [
    "RECORD_NAME",
    "Decision",
    "Governs",
    "TechnologyUse",
    "next_number",
    "read_decision",
    "read_decisions",
    "technologies_of",
    "technology_use",
]

# A decision record's file name: a number, then the title (0007-use-postgres.md).
RECORD_NAME = re.compile(r"^(\d+)[-_ ].*\.md$")
_TITLE_NUMBER = re.compile(r"^(?:ADR[- ]?)?(\d+)\s*[.:]\s*(.+)$", re.IGNORECASE)
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")

# Where things are, not what they run on: no decision is about an account or a quota.
_PLACES = frozenset(
    {
        "aws.account",
        "aws.region",
        "aws.servicequotas.quota",
        "aws.organizations.account",
        "aws.organizations.ou",
        "gcp.compute.quota",
        "gcp.resourcemanager.organization",
        "gcp.resourcemanager.folder",
        "gcp.resourcemanager.project",
    }
)
# type -> the attribute that names its engine or runtime
_DETAIL = {
    "aws.rds.instance": "engine",
    "aws.rds.cluster": "engine",
    "aws.lambda.function": "runtime",
    "gcp.cloudfunctions.function": "runtime",
    "gcp.sql.instance": "database_version",
}


class Governs(BaseModel):
    """The resources a decision is about: type, tag and id globs (each key given must match)."""

    model_config = ConfigDict(extra="forbid")

    types: list[str] = Field(default_factory=list, description="globs over the resource type")
    tags: dict[str, str] = Field(default_factory=dict, description="tag key -> value glob")
    ids: list[str] = Field(default_factory=list, description="globs over the resource id")

    @model_validator(mode="after")
    def _something(self) -> Governs:
        if not (self.types or self.tags or self.ids):
            msg = "give at least one of types, tags, ids"
            raise ValueError(msg)
        return self

    def covers(self, resource: Mapping[str, Any]) -> bool:
        """True when the resource fits every key given."""
        if self.types and not _any_glob(str(resource.get("type", "")), self.types):
            return False
        if self.ids and not _any_glob(str(resource.get("id", "")), self.ids):
            return False
        tags: Mapping[str, Any] = resource.get("tags") or {}
        return all(
            isinstance(tags.get(key), str) and fnmatch.fnmatchcase(tags[key], pattern)
            for key, pattern in self.tags.items()
        )


def _any_glob(value: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(value, p) for p in patterns)


@dataclass(frozen=True)
class Decision:
    """One decision record as read from its file."""

    path: Path
    number: int | None
    title: str
    status: str
    style: str  # "madr" or "nygard"
    governs: Governs | None = None

    def covers(self, resource: Mapping[str, Any]) -> bool:
        """True when the record governs the resource."""
        return self.governs is not None and self.governs.covers(resource)


def read_decisions(folder: Path) -> list[Decision]:
    """Every decision record in a folder, by file name.

    Raises:
        ConfigError: the folder is missing, or a record is malformed (file:line).
    """
    if not folder.is_dir():
        msg = f"{folder}: not a folder of decision records (--decisions or architecture.decisions)"
        raise ConfigError(msg)
    return [
        read_decision(path)
        for path in sorted(folder.iterdir())
        if RECORD_NAME.match(path.name) and path.is_file()
    ]


@dataclass
class _Page:
    """A record's Markdown: title and `##` sections, with the lines they start on."""

    title: str = ""
    sections: dict[str, tuple[int, list[str]]] = field(default_factory=dict)


def _page(lines: Sequence[str], start: int) -> _Page:
    page = _Page()
    current: list[str] | None = None
    fenced = False
    for index in range(start, len(lines)):
        line = lines[index]
        if _FENCE.match(line):
            fenced = not fenced
        if not fenced and line.startswith("# ") and not page.title:
            page.title, current = line[2:].strip(), None
        elif not fenced and line.startswith("## "):
            current = []
            page.sections.setdefault(line[3:].strip().lower(), (index + 2, current))
        elif current is not None:
            current.append(line)
    return page


def read_decision(path: Path) -> Decision:
    """Read one record (MADR or Nygard).

    Raises:
        ConfigError: unreadable, bad front matter or `governs` section, no title (file:line).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        msg = f"{path}:1: cannot read the decision record ({reason or exc})"
        raise ConfigError(msg) from None
    lines = text.splitlines()
    front: dict[str, Any] = {}
    front_text, body = "", 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is None:
            msg = f"{path}:1: front matter opened with '---' is never closed"
            raise ConfigError(msg)
        front_text = "\n".join(lines[1:end])
        front = _front_matter(path, front_text)
        body = end + 1
    page = _page(lines, body)
    if not page.title:
        msg = f"{path}:{body + 1}: no '# Title' heading (a decision record starts with one)"
        raise ConfigError(msg)
    number, title = _numbered(path, page.title)
    status_section = page.sections.get("status")
    status = str(front.get("status") or "").strip()
    if not status and status_section is not None:
        status = next((s.strip() for s in status_section[1] if s.strip()), "")
    return Decision(
        path=path,
        number=number,
        title=title,
        status=status or "unknown",
        style="madr" if front or status_section is None else "nygard",
        governs=_governs(path, front, front_text, page.sections.get("governs")),
    )


def _front_matter(path: Path, text: str) -> dict[str, Any]:
    data = parse_yaml(text, str(path), ConfigError, first_line=2)
    if data is None:
        return {}
    if not isinstance(data, dict):
        msg = f"{path}:2: front matter must be a mapping of fields, got {type(data).__name__}"
        raise ConfigError(msg)
    return data


def _numbered(path: Path, heading: str) -> tuple[int | None, str]:
    """The number and title of `# 12. Title` / `# ADR 0012: Title`, else the file's number."""
    match = _TITLE_NUMBER.match(heading)
    if match:
        return int(match.group(1)), match.group(2).strip()
    named = RECORD_NAME.match(path.name)
    return (int(named.group(1)) if named else None), heading


def _governs(
    path: Path,
    front: Mapping[str, Any],
    front_text: str,
    section: tuple[int, list[str]] | None,
) -> Governs | None:
    """`governs` from the front matter, or from a `## Governs` section's YAML."""
    in_front = "governs" in front
    if in_front and section is not None:
        msg = f"{path}:{section[0] - 1}: governs is given twice (front matter and ## Governs)"
        raise ConfigError(msg)
    if in_front:
        return _validated(path, front["governs"], ("governs",), front_text, 2)
    if section is None:
        return None
    first, body = section
    text_lines = ["" if _FENCE.match(line) else line for line in body]  # keep line numbers
    data = parse_yaml("\n".join(text_lines), str(path), ConfigError, first_line=first)
    if data is None:
        return None
    prefix: tuple[str, ...] = ()
    if isinstance(data, dict) and set(data) == {"governs"}:
        data, prefix = data["governs"], ("governs",)
    return _validated(path, data, prefix, "\n".join(text_lines), first)


def _validated(
    path: Path, data: Any, prefix: tuple[str, ...], text: str, first_line: int
) -> Governs:
    try:
        return Governs.model_validate(data)
    except ValidationError as exc:
        loc = [*prefix, *(part for part in exc.errors()[0]["loc"])]
        line = yaml_lines(text, first_line)([p for p in loc if isinstance(p, str | int)])
        msg = f"{path}:{line or first_line}: governs: {validation_summary(exc)}"
        msg += " (expected {types: [glob], tags: {Key: glob}, ids: [glob]})"
        raise ConfigError(msg) from None


def next_number(folder: Path) -> int:
    """The number the next record in `folder` gets (1 in an empty or missing folder)."""
    numbers = [
        int(match.group(1))
        for path in (folder.iterdir() if folder.is_dir() else ())
        if (match := RECORD_NAME.match(path.name))
    ]
    return max(numbers, default=0) + 1


# ---------------------------------------------------------------------- technologies
def technologies_of(resource: Mapping[str, Any]) -> list[str]:
    """The technologies a resource is built on: its product, and its engine or runtime."""
    rtype = str(resource.get("type", ""))
    if rtype in _PLACES or rtype.startswith("gcp.resourcemanager."):
        return []
    base = placement(rtype).technology
    attribute = _DETAIL.get(rtype)
    detail = (resource.get("attributes") or {}).get(attribute) if attribute else None
    if isinstance(detail, str) and detail.strip():
        return [base, f"{base}: {mask_text(detail.strip())}"]
    return [base]


@dataclass(frozen=True)
class TechnologyUse:
    """A technology, how many resources use it, and how many of them no decision governs."""

    technology: str
    resources: int
    ungoverned: int
    decisions: tuple[str, ...] = ()  # titles of the records governing some of them

    @property
    def is_covered(self) -> bool:
        """True when every resource using it is governed by a decision."""
        return self.ungoverned == 0


def technology_use(
    resources: Iterable[Mapping[str, Any]], decisions: Sequence[Decision]
) -> list[TechnologyUse]:
    """Every technology in use, sorted by name, with how far decisions cover it."""
    counts: dict[str, list[int]] = {}
    governing: dict[str, set[str]] = {}
    for resource in resources:
        techs = technologies_of(resource)
        if not techs:
            continue
        titles = {d.title for d in decisions if d.covers(resource)}
        for tech in techs:
            count = counts.setdefault(tech, [0, 0])
            count[0] += 1
            count[1] += 0 if titles else 1
            governing.setdefault(tech, set()).update(titles)
    return [
        TechnologyUse(tech, n, ungoverned, tuple(sorted(governing[tech])))
        for tech, (n, ungoverned) in sorted(counts.items())
    ]
