"""Reading YAML files pscan is given (rule packs, .pscan.yaml) with one-line errors.

Every YAML file pscan reads comes through here, so the limits hold everywhere:

- only regular files are read (a FIFO named `*.yaml` would block forever);
- the text must be UTF-8;
- a mapping may not repeat a key (YAML says keys are unique; a silent "last one wins"
  hides mistakes);
- aliases may not expand the document beyond `MAX_NODES` nodes (an alias "bomb" of a
  few hundred bytes otherwise grows to gigabytes when constructed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from scanner.errors import ScannerError

__all__ = [
    "MAX_NODES",
    "LineOf",
    "located_problem",
    "parse_yaml",
    "read_yaml",
    "read_yaml_lines",
    "yaml_lines",
]

# The most nodes a document may have with every alias expanded. The largest bundled file
# (a framework mapping) has under 10,000.
MAX_NODES = 1_000_000

# libyaml's safe loader parses about 7x faster than the pure-Python one; same result.
_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_MERGE = "tag:yaml.org,2002:merge"


class _Loader(_BASE):  # type: ignore[misc]  # a safe loader (C or Python)
    """The safe loader, refusing a key written twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                continue  # merge keys (`<<`) may override; complex keys are left to YAML
            key = (key_node.tag, key_node.value)
            if key in seen:
                msg = f"duplicate key {key_node.value[:60]!r}"
                raise yaml.constructor.ConstructorError(None, None, msg, key_node.start_mark)
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _expanded_size(root: yaml.Node) -> int:
    """Nodes of the document with every alias expanded (shared nodes counted each time)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if children_done or not children:
            sizes[id(node)] = 1 + sum(sizes.get(id(c), 1) for c in children)
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def _may_expand(text: str) -> bool:
    """Whether the document may have more than `MAX_NODES` nodes once aliases are expanded.

    Without an anchor (`&`) no node is shared, and the text bounds the nodes: every node
    needs a character or an indicator of its own, and no character gives more than three
    (`?` alone: a mapping, an empty key and an empty value; tests/test_yamlfile.py checks
    the bound). So a short text without `&` need not be walked.
    """
    return "&" in text or len(text) * 4 >= MAX_NODES


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _read_text(path: Path, error: type[ScannerError]) -> str:
    try:
        if path.exists() and not path.is_file():
            msg = f"{path}: cannot read (not a regular file)"
            raise error(msg)
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"{path}: cannot read ({exc.strerror or exc})"
        raise error(msg) from None
    except UnicodeDecodeError as exc:
        msg = f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
        raise error(msg) from None


def _load(
    text: str, where: str, error: type[ScannerError], first_line: int = 1
) -> tuple[Any, yaml.Node | None]:
    """The data and node tree of YAML text that starts at line `first_line` of `where`."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _may_expand(text) and _expanded_size(node) > MAX_NODES:
            msg = f"{where}: aliases expand the document beyond {MAX_NODES:,} nodes"
            raise error(msg)
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"{where}:{mark.line + first_line}" if mark is not None else where
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        msg = f"{at}: invalid YAML ({problem})"
        raise error(msg) from None
    except RecursionError:
        msg = f"{where}: invalid YAML (nested too deep)"
        raise error(msg) from None
    finally:
        loader.dispose()


# A field's path -> the 1-based line it is written on (None: not in the file).
LineOf = Callable[[Sequence[str | int]], int | None]


def read_yaml(path: Path, error: type[ScannerError]) -> Any:
    """Parse a YAML file; an unreadable file or bad YAML raises `error` naming file:line."""
    return _load(_read_text(path, error), str(path), error)[0]


def parse_yaml(text: str, where: str, error: type[ScannerError], first_line: int = 1) -> Any:
    """Parse YAML text found in `where` from line `first_line` on (front matter, a section
    of a Markdown file), with the same limits; bad YAML raises `error` naming where:line."""
    return _load(text, where, error, first_line)[0]


def read_yaml_lines(path: Path, error: type[ScannerError]) -> tuple[Any, LineOf]:
    """Parse a YAML file and return its data with a function that finds a field's line.

    `line_of(("products", "checkout", "users"))` is the 1-based line where that field is
    written (or the deepest part of the path that exists), for errors that name
    file:line:field; None when the path is not in the file at all.
    """
    data, root = _load(_read_text(path, error), str(path), error)
    return data, _line_finder(root, 0)


def yaml_lines(text: str, first_line: int = 1) -> LineOf:
    """A function that finds a field's line in YAML text that starts at line `first_line`
    of its file (see `read_yaml_lines`); the text must already have parsed."""
    return _line_finder(yaml.compose(text, Loader=_Loader), first_line - 1)


def _line_finder(root: yaml.Node | None, offset: int) -> LineOf:
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
