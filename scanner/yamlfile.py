"""Reading YAML files pscan is given (rule packs, .pscan.yaml) with one-line errors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from scanner.errors import ScannerError

__all__ = ["parse_yaml", "read_yaml", "read_yaml_lines", "yaml_lines"]

# libyaml's safe loader parses about 7x faster than the pure-Python one; same result.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, error: type[ScannerError]) -> Any:
    """Parse a YAML file; an unreadable file or bad YAML raises `error` naming file:line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"{path}: cannot read ({exc.strerror or exc})"
        raise error(msg) from None
    return parse_yaml(text, str(path), error)


def parse_yaml(text: str, where: str, error: type[ScannerError], first_line: int = 1) -> Any:
    """Parse YAML text found in `where` from line `first_line` on (front matter, a section
    of a Markdown file); bad YAML raises `error` naming where:line."""
    try:
        return yaml.load(text, Loader=_LOADER)  # a safe loader (C or Python)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"{where}:{mark.line + first_line}" if mark is not None else where
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        msg = f"{at}: invalid YAML ({problem})"
        raise error(msg) from None


def read_yaml_lines(
    path: Path, error: type[ScannerError]
) -> tuple[Any, Callable[[Sequence[str | int]], int | None]]:
    """Parse a YAML file and return its data with a function that finds a field's line.

    `line_of(("products", "checkout", "users"))` is the 1-based line where that field is
    written (or the deepest part of the path that exists), for errors that name
    file:line:field; None when the path is not in the file at all.
    """
    data = read_yaml(path, error)
    return data, yaml_lines(path.read_text(encoding="utf-8"))


def yaml_lines(text: str, first_line: int = 1) -> Callable[[Sequence[str | int]], int | None]:
    """A function that finds a field's line in YAML text that starts at line `first_line`
    of its file (see `read_yaml_lines`)."""
    root = yaml.compose(text, Loader=_LOADER)
    offset = first_line - 1

    def line_of(loc: Sequence[str | int]) -> int | None:
        node = root
        line = None if node is None else node.start_mark.line + 1 + offset
        for part in loc:
            child, mark = None, None
            if isinstance(node, yaml.MappingNode):
                pair = next(((k, v) for k, v in node.value if k.value == str(part)), None)
                if pair is not None:  # the line of the key, where the field is written
                    child, mark = pair[1], pair[0].start_mark
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(part, int)
                and 0 <= part < len(node.value)
            ):
                child = node.value[part]
                mark = child.start_mark
            if child is None or mark is None:
                break
            node, line = child, mark.line + 1 + offset
        return line

    return line_of
