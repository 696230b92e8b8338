"""Hypothesis strategies for hostile inputs: mutations of valid documents and raw bytes.

`mutated(doc)` takes a valid document (a snapshot resource, a plan, a rule, a config)
and changes one place in it: a value of the wrong type, a missing field, a huge, deep,
NaN or infinite number, a very long string, control characters or escape sequences, an
unexpected extra key. `encoded(...)` then writes the document as JSON the way a
hostile producer might (NaN and Infinity tokens included), and `damaged(...)` breaks
the bytes themselves: bad UTF-8, a truncation, control bytes.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import strategies as st

__all__ = [
    "DEEP",
    "LONG",
    "damaged",
    "encoded",
    "hostile_values",
    "mutated",
    "paths_of",
    "yaml_text",
]

LONG = "A" * 200_000


def _nest(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


# Deep enough to pass every recursion limit pscan relies on (the Python stack, orjson's
# 1024 levels, PSCAN_MAX_DEPTH 64, the plan's 200).
DEEP = _nest(1100)

_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)  # no lone surrogates
_CONTROL = st.sampled_from(
    ["\x00", "\x1b]0;owned\x07", "\x1b[2J", "\r\npscan: gate passed\n", "\u202e", "\ufeff"]
)

hostile_values: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**63, 10**30, -(10**30)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([float("nan"), float("inf"), float("-inf"), 1e308, 5e-324]),
    _TEXT,
    _CONTROL,
    st.just(LONG),
    st.sampled_from(["", " ", "*", "..", "../../etc/hostname", "2026-13-45", "1e400", "null"]),
    st.just(DEEP),
    st.just(_nest(70)),
    st.just(_nest(250)),
    st.lists(_TEXT, max_size=3),
    st.dictionaries(_TEXT, _TEXT, max_size=3),
    st.just([]),
    st.just({}),
)


def paths_of(doc: Any, limit: int = 4000) -> list[tuple[Any, ...]]:
    """Every place in a JSON-like document (breadth first, at most `limit`)."""
    out: list[tuple[Any, ...]] = [()]
    queue: list[tuple[tuple[Any, ...], Any]] = [((), doc)]
    while queue and len(out) < limit:
        path, node = queue.pop(0)
        items: list[tuple[Any, Any]] = []
        if isinstance(node, dict):
            items = list(node.items())
        elif isinstance(node, list):
            items = list(enumerate(node))
        for key, child in items:
            out.append((*path, key))
            queue.append(((*path, key), child))
    return out


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    node = doc
    for key in path[:-1]:
        node = node[key]
    return node


@st.composite
def mutated(draw: st.DrawFn, doc: Any, paths: list[tuple[Any, ...]] | None = None) -> Any:
    """`doc` with one to three places changed (see the module docstring)."""
    doc = copy.deepcopy(doc)
    places = paths if paths is not None else paths_of(doc)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(places))
        if not path:
            if draw(st.booleans()):
                return draw(hostile_values)
            continue
        try:
            parent = _parent(doc, path)
            key = path[-1]
            current = parent[key]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this place
        if not isinstance(parent, dict | list):
            continue  # an earlier change made it a string or a number
        action = draw(st.sampled_from(["replace", "replace", "delete", "wrap", "stringify", "add"]))
        if action == "replace":
            parent[key] = draw(hostile_values)
        elif action == "delete":
            del parent[key]
        elif action == "wrap":
            parent[key] = [current]
        elif action == "stringify":
            parent[key] = json.dumps(current, default=str)
        elif isinstance(current, dict):
            current[draw(_TEXT)] = draw(hostile_values)
        elif isinstance(current, list):
            current.append(draw(hostile_values))
    return doc


@st.composite
def encoded(draw: st.DrawFn, doc: Any) -> bytes:
    """`doc` as one line of JSON; NaN and Infinity written as the bare tokens Python emits."""
    try:
        text = json.dumps(doc, ensure_ascii=draw(st.booleans()), default=str)
    except (RecursionError, ValueError):
        text = "[" * 1100 + "]" * 1100
    return text.encode("utf-8", "surrogatepass")


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` with its bytes broken in one place: bad UTF-8, a cut, a control byte."""
    if not data:
        return b"\xff"
    at = draw(st.integers(min_value=0, max_value=len(data) - 1))
    kind = draw(st.sampled_from(["utf8", "cut", "control", "bom", "nul"]))
    if kind == "utf8":
        return (
            data[:at]
            + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80"]))
            + data[at:]
        )
    if kind == "cut":
        return data[:at]
    if kind == "control":
        return data[:at] + bytes([draw(st.integers(min_value=0, max_value=31))]) + data[at:]
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    return data[:at] + b"\x00" + data[at + 1 :]


def yaml_text(doc: Any) -> str:
    """`doc` as YAML (NaN and infinities as `.nan`, `.inf`); a document nested past the
    dumper's recursion as flow-style brackets instead."""
    import yaml

    try:
        return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    except RecursionError:
        return "[" * 1100 + "]" * 1100 + "\n"
    except yaml.representer.RepresenterError:
        return json.dumps(doc) + "\n"
