"""Reading YAML files pscan is given (rule packs, .pscan.yaml) with one-line errors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from scanner.errors import ScannerError

__all__ = ["LineOf", "located_problem", "read_yaml", "read_yaml_lines"]

# libyaml's safe loader parses about 7x faster than the pure-Python one; same result.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# A field's path -> the 1-based line it is written on (None: not in the file).
LineOf = Callable[[Sequence[str | int]], int | None]


def read_yaml(path: Path, error: type[ScannerError]) -> Any:
    """Parse a YAML file; an unreadable file or bad YAML raises `error` naming file:line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"{path}: cannot read ({exc.strerror or exc})"
        raise error(msg) from None
    try:
        return yaml.load(text, Loader=_LOADER)  # a safe loader (C or Python)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        msg = f"{where}: invalid YAML ({problem})"
        raise error(msg) from None


def read_yaml_lines(path: Path, error: type[ScannerError]) -> tuple[Any, LineOf]:
    """Parse a YAML file and return its data with a function that finds a field's line.

    `line_of(("products", "checkout", "users"))` is the 1-based line where that field is
    written (or the deepest part of the path that exists), for errors that name
    file:line:field; None when the path is not in the file at all.
    """
    data = read_yaml(path, error)
    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_LOADER)

    def line_of(loc: Sequence[str | int]) -> int | None:
        node = root
        line = None if node is None else node.start_mark.line + 1
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
            node, line = child, mark.line + 1
        return line

    return data, line_of


def located_problem(path: Path, exc: ValidationError, line_of: LineOf) -> str:
    """A pydantic error as `file:line: field a.b: problem`, on one line.

    The line is where the first failing field is written (see `read_yaml_lines`); the
    count of further problems follows, as in `scanner.errors.validation_summary`.
    """
    first = exc.errors()[0]
    loc = [p for p in first["loc"] if not str(p).startswith("function-")]
    field = ".".join(str(p) for p in loc) or "(top level)"
    line = line_of(loc)
    where = f"{path}:{line}" if line else str(path)
    problem = str(first["msg"]).removeprefix("Value error, ")
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: field {field}: {problem}{more}"
