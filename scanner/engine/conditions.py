"""Compile rule conditions into Python closures, once, at load time.

A compiled condition is `fn(doc, ctx) -> bool | None`: `doc` is the document paths are
read from (the resource's attributes, or a list element inside `some`/`every`) and `ctx`
the `EvalContext` of the resource being judged. See docs/rule-language.md for the language.

Conditions are three-valued. A leaf that reads `scanner.model.UNKNOWN` (a value a
Terraform plan knows only after apply) is undecided, `None`, and `all`/`any`/`not`,
`some`/`every` and `related` combine undecided parts as Kleene logic does: `all` is false
as soon as one part is false and undecided when no part is false but one is undecided,
and so on. The engine records no finding for an undecided condition.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import CodeType
from typing import TYPE_CHECKING, Any

import jmespath
import re2  # type: ignore[import-untyped]  # google-re2 ships no type hints
from jmespath.exceptions import JMESPathError

from scanner.catalog import RESERVED_PATHS
from scanner.graph import EXPOSURE_RELATIONS, REVERSED
from scanner.model import UNKNOWN
from scanner.policy.network import cidr_is_internet

if TYPE_CHECKING:
    from scanner.graph import ResourceGraph

__all__ = [
    "OPERATORS",
    "CompileError",
    "Compiled",
    "EvalContext",
    "Getter",
    "compile_condition",
    "compile_path",
    "parse_time",
]

Getter = Callable[[Any], Any]
Fn = Callable[[Any, "EvalContext"], bool | None]

# Graph edge name -> the relation stored on resources (can_assume -> trusts, ...).
_STORED = {edge: stored for stored, edge in REVERSED.items()}

_SIMPLE_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_HEAD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*")


class CompileError(ValueError):
    """A condition that cannot be compiled; the message names the offending part."""


@dataclass(slots=True)
class EvalContext:
    """Everything a condition may consult about the resource being judged.

    Only a recording context (`record=True`, made for a resource that failed) collects
    evidence, match and path; a plain one is shared by every rule judging a resource.
    """

    resource: Mapping[str, Any]
    now: datetime
    graph: ResourceGraph | None = None
    record: bool = False
    evidence: dict[str, Any] = field(default_factory=dict)
    match: Any = None
    path: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # paths that read an UNKNOWN value


@dataclass
class Compiled:
    """A compiled condition and what it needs from the engine."""

    fn: Fn
    needs_graph: bool = False
    related_types: set[str] = field(default_factory=set)
    relations: set[str] = field(default_factory=set)


def compile_path(path: str) -> Getter:
    """A fast getter for a JMESPath expression (plain dotted names skip jmespath).

    A path that runs into an UNKNOWN value (e.g. `encryption.algorithm` when the whole
    `encryption` object is known only after apply) returns UNKNOWN, not null.
    """
    if _SIMPLE_PATH.match(path):
        parts = path.split(".")
        if len(parts) == 1:
            key = parts[0]

            def single(doc: Any) -> Any:
                if isinstance(doc, dict):
                    return doc.get(key)
                return UNKNOWN if doc == UNKNOWN else None

            return single

        def dotted(doc: Any) -> Any:
            for part in parts:
                if not isinstance(doc, dict):
                    return UNKNOWN if doc == UNKNOWN else None
                doc = doc.get(part)
            return doc

        return dotted
    try:
        expr = jmespath.compile(path)
    except JMESPathError as exc:
        msg = f"path {path[:200]!r}: invalid JMESPath ({str(exc).splitlines()[0]})"
        raise CompileError(msg) from None
    except RecursionError:  # jmespath's parser recurses once per nesting level
        msg = f"path {path[:200]!r}: nested too deep for a JMESPath expression"
        raise CompileError(msg) from None
    search = expr.search
    head = _HEAD.match(path)
    if head is None:
        return search
    key = head.group(0)

    def guarded(doc: Any) -> Any:
        # JMESPath reads a field of a string as null; an unknown first name stays unknown.
        if isinstance(doc, dict) and doc.get(key) == UNKNOWN:
            return UNKNOWN
        return search(doc)

    return guarded


def parse_time(value: Any) -> datetime | None:
    """Parse an ISO 8601 timestamp (a trailing Z is allowed); None if it is not one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_finite(value: Any) -> bool:
    """A number a comparison can decide on: `age_days_gt: .nan` would never fire."""
    return _is_number(value) and math.isfinite(value)


def _equal(left: Any, right: Any) -> bool:
    # True == 1 in Python; in rules a boolean only equals a boolean.
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left is right
    return bool(left == right)


def _length(value: Any) -> int | None:
    return len(value) if isinstance(value, list | str | dict) else None


_Leaf = Callable[[Any, Any, datetime], bool]

OPERATORS: dict[str, tuple[bool, _Leaf]] = {
    # name: (takes a value, test(actual, expected, now))
    "eq": (True, lambda a, e, _n: _equal(a, e)),
    "ne": (True, lambda a, e, _n: not _equal(a, e)),
    "gt": (True, lambda a, e, _n: _is_number(a) and a > e),
    "gte": (True, lambda a, e, _n: _is_number(a) and a >= e),
    "lt": (True, lambda a, e, _n: _is_number(a) and a < e),
    "lte": (True, lambda a, e, _n: _is_number(a) and a <= e),
    "in": (True, lambda a, e, _n: any(_equal(a, x) for x in e)),
    "not_in": (True, lambda a, e, _n: not any(_equal(a, x) for x in e)),
    "contains": (
        True,
        lambda a, e, _n: (
            (isinstance(a, list) and any(_equal(x, e) for x in a))
            or (isinstance(a, str) and isinstance(e, str) and e in a)
        ),
    ),
    "regex": (True, lambda a, e, _n: isinstance(a, str) and e.search(a) is not None),
    "exists": (False, lambda a, _e, _n: a is not None),
    "absent": (False, lambda a, _e, _n: a is None),
    "truthy": (False, lambda a, _e, _n: bool(a)),
    "age_days_gt": (
        True,
        lambda a, e, n: (t := parse_time(a)) is not None and n - t > timedelta(days=e),
    ),
    "expires_within_days": (
        True,
        lambda a, e, n: (t := parse_time(a)) is not None and t - n < timedelta(days=e),
    ),
    "cidr_is_public": (False, lambda a, _e, _n: cidr_is_internet(a)),
    "len_gt": (True, lambda a, e, _n: (ln := _length(a)) is not None and ln > e),
    "len_lt": (True, lambda a, e, _n: (ln := _length(a)) is not None and ln < e),
}

_NUMERIC = {"gt", "gte", "lt", "lte", "age_days_gt", "expires_within_days", "len_gt", "len_lt"}


def compile_condition(node: Any, where: str = "condition", *, in_element: bool = False) -> Compiled:
    """Compile one condition node; `where` names its place for error messages.

    Inside `some`/`every` (`in_element`), every path reads the list element, even one
    named like a top-level field (`name`, `id`, ...).
    """
    if not isinstance(node, dict) or not node:
        msg = f"{where}: expected a mapping, got {type(node).__name__}"
        raise CompileError(msg)
    if "path" in node or "op" in node:
        return _compile_leaf(node, where, in_element)
    if len(node) != 1:
        msg = f"{where}: one key per block expected, got {sorted(node)}"
        raise CompileError(msg)
    key, body = next(iter(node.items()))
    if key in ("all", "any"):
        return _compile_bool(key, body, f"{where}.{key}", in_element)
    if key == "not":
        inner = compile_condition(body, f"{where}.not", in_element=in_element)
        inner_fn = inner.fn

        def negation(doc: Any, ctx: EvalContext) -> bool | None:
            verdict = inner_fn(doc, ctx)
            return None if verdict is None else not verdict

        return Compiled(negation, inner.needs_graph, inner.related_types, inner.relations)
    if key in ("some", "every"):
        return _compile_quantifier(key, body, f"{where}.{key}")
    if key == "reachable_from_internet":
        return _compile_reachable(body, f"{where}.{key}")
    if key == "related":
        return _compile_related(body, f"{where}.related")
    msg = (
        f"{where}: unknown key {key!r} (use one of: all, any, not, some, every,"
        " reachable_from_internet, related, or a {path, op, value} leaf)"
    )
    raise CompileError(msg)


def _compile_bool(key: str, body: Any, where: str, in_element: bool) -> Compiled:
    if not isinstance(body, list) or not body:
        msg = f"{where}: expected a non-empty list of conditions"
        raise CompileError(msg)
    parts = [
        compile_condition(item, f"{where}[{i}]", in_element=in_element)
        for i, item in enumerate(body)
    ]
    fns = [p.fn for p in parts]
    needs = any(p.needs_graph for p in parts)
    related = set().union(*(p.related_types for p in parts))
    relations = set().union(*(p.relations for p in parts))
    if key == "all":

        def conjunction(doc: Any, ctx: EvalContext) -> bool | None:
            verdict: bool | None = True
            for f in fns:
                part = f(doc, ctx)
                if part is None:
                    verdict = None
                elif not part:
                    return False
            return verdict

        return Compiled(conjunction, needs, related, relations)

    def disjunction(doc: Any, ctx: EvalContext) -> bool | None:
        verdict: bool | None = False
        for f in fns:
            part = f(doc, ctx)
            if part is None:
                verdict = None
            elif part:
                return True
        return verdict

    return Compiled(disjunction, needs, related, relations)


def _compile_leaf(node: dict[str, Any], where: str, in_element: bool) -> Compiled:
    unknown = set(node) - {"path", "op", "value"}
    if unknown:
        msg = f"{where}: unknown key(s) {sorted(unknown)} in a leaf (use path, op, value)"
        raise CompileError(msg)
    path, op = node.get("path"), node.get("op")
    if not isinstance(path, str) or not path:
        msg = f"{where}: a leaf needs a 'path' string"
        raise CompileError(msg)
    if not isinstance(op, str) or op not in OPERATORS:
        msg = f"{where}: unknown op {str(op)[:60]!r} (use one of: {', '.join(OPERATORS)})"
        raise CompileError(msg)
    takes_value, test = OPERATORS[op]
    if takes_value and "value" not in node:
        msg = f"{where}: op {op!r} needs a 'value'"
        raise CompileError(msg)
    if not takes_value and "value" in node:
        msg = f"{where}: op {op!r} takes no 'value'"
        raise CompileError(msg)
    expected = node.get("value")
    if op in _NUMERIC and not _is_finite(expected):
        msg = f"{where}: op {op!r} needs a finite numeric value, got {str(expected)[:60]!r}"
        raise CompileError(msg)
    if op in ("in", "not_in") and not isinstance(expected, list):
        msg = f"{where}: op {op!r} needs a list value"
        raise CompileError(msg)
    if op == "regex":
        try:  # RE2: linear time, no backtracking (no backreferences or lookaround)
            expected = re2.compile(str(expected))
        except re2.error as exc:
            msg = f"{where}: invalid regex {str(expected)[:200]!r} ({exc}; RE2 syntax)"
            raise CompileError(msg) from None
    try:
        getter = compile_path(path)
    except CompileError as exc:
        raise CompileError(f"{where}: {exc}") from None
    top_level = not in_element and path.split(".", 1)[0].split("[", 1)[0] in RESERVED_PATHS
    return Compiled(_leaf_fn(path, getter, top_level, test, *_fast_test(op, expected)))


# A leaf is the innermost call of every rule, a dozen times a resource: it is generated as
# one function from this template, with the path read and the operator's test inline
# (about a third of the time of a getter and a test called in turn). Only fixed text goes
# into the source; the path, the value and the test are names bound in its namespace.
_LEAF_TEMPLATE = """
def leaf(doc, ctx):
    src = {source}
    actual = {read}
    if ctx.record and doc is not None:
        ctx.evidence.setdefault(path, actual)
    if actual == UNKNOWN or (type(actual) is list and UNKNOWN in actual):
        ctx.unknown.append(path)
        return None
    return {test}
"""
_READ_KEY = "src.get(path) if isinstance(src, dict) else (UNKNOWN if src == UNKNOWN else None)"
_NUMBER = "isinstance(actual, NUMBER) and type(actual) is not bool and "


def _fast_test(op: str, expected: Any) -> tuple[str, Any]:
    """The operator's test as an expression of `actual` and `e`, and the value `e` is bound
    to. An inline expression is used where one gives `OPERATORS[op]`'s answer for every
    JSON value (tests/engine/test_conditions.py compares them); otherwise the expression
    calls the operator's own test."""
    if op == "regex":
        return "isinstance(actual, str) and e(actual)", _Matches(expected)
    if op == "cidr_is_public":
        return "e(actual)", cidr_is_internet
    inline = _inline_test(op, expected)
    if inline is None:
        return "test(actual, e, ctx.now)", expected
    if op in ("in", "not_in"):
        return inline, frozenset(expected)
    return inline, expected


class _Matches:
    """Whether a pattern finds a match in a text, the answers kept (at most `_KEPT`):
    the texts a rule matches repeat across an estate (instance types, engine versions,
    policy names), and each search goes through RE2's Python wrapper."""

    __slots__ = ("known", "pattern")
    _KEPT = 4096

    def __init__(self, pattern: Any) -> None:
        self.pattern = pattern
        self.known: dict[str, bool] = {}

    def __call__(self, text: str) -> bool:
        found = self.known.get(text)
        if found is None:
            found = self.pattern.search(text) is not None
            if len(self.known) < self._KEPT:
                self.known[text] = found
        return found


def _inline_test(op: str, expected: Any) -> str | None:
    kind = type(expected)
    if op in ("eq", "ne"):
        if kind is str:
            same = "actual == e"
        elif expected is None:
            same = "actual is None"
        elif kind is bool:
            same = "actual is e"
        elif kind in (int, float):
            same = "type(actual) is not bool and actual == e"
        else:
            return None
        return same if op == "eq" else f"not ({same})"
    if op in ("in", "not_in") and all(type(x) is str for x in expected):
        member = "isinstance(actual, str) and actual in e"
        return member if op == "in" else f"not ({member})"
    comparisons = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
    if op in comparisons:
        return f"{_NUMBER}actual {comparisons[op]} e"
    return {
        "exists": "actual is not None",
        "absent": "actual is None",
        "truthy": "bool(actual)",
    }.get(op)


def _leaf_fn(
    path: str, getter: Getter, top_level: bool, test: _Leaf, expression: str, expected: Any
) -> Fn:
    """The leaf's function, from `_LEAF_TEMPLATE`."""
    single = _SIMPLE_PATH.match(path) is not None and "." not in path
    source = _LEAF_TEMPLATE.format(
        source="ctx.resource" if top_level else "doc",
        read=_READ_KEY if single else "getter(src)",
        test=expression,
    )
    namespace: dict[str, Any] = {
        "UNKNOWN": UNKNOWN,
        "NUMBER": (int, float),
        "path": path,
        "getter": getter,
        "test": test,
        "e": expected,
    }
    exec(_leaf_code(source), namespace)  # the template: fixed text only
    fn: Fn = namespace["leaf"]
    return fn


@functools.cache
def _leaf_code(source: str) -> CodeType:
    """The template compiled once per text: leaves that differ only in their path and
    values (bound in the namespace) share it; a rule pack has a few dozen texts."""
    return compile(source, "<leaf>", "exec")


def _compile_quantifier(key: str, body: Any, where: str) -> Compiled:
    if not isinstance(body, dict) or set(body) != {"path", "where"}:
        msg = f"{where}: expected {{path: LIST, where: CONDITION}}"
        raise CompileError(msg)
    try:
        getter = compile_path(str(body["path"]))
    except CompileError as exc:
        raise CompileError(f"{where}: {exc}") from None
    inner = compile_condition(body["where"], f"{where}.where", in_element=True)
    inner_fn = inner.fn
    label = str(body["path"])
    is_some = key == "some"

    def quantifier(doc: Any, ctx: EvalContext) -> bool | None:
        items = getter(doc)
        if not isinstance(items, list):
            if items == UNKNOWN:
                ctx.unknown.append(label)
                return None
            items = []
        record, ctx.record = ctx.record, False  # element leaves are not evidence
        undecided = False
        try:
            for index, item in enumerate(items):
                verdict = inner_fn(item, ctx)
                if verdict is None:
                    undecided = True
                elif verdict == is_some:
                    if record:
                        ctx.evidence[f"{label}[{index}]"] = item
                        if ctx.match is None:
                            ctx.match = item
                    return is_some
        finally:
            ctx.record = record
        return None if undecided else not is_some

    return Compiled(quantifier, inner.needs_graph, inner.related_types, inner.relations)


def _compile_reachable(body: Any, where: str) -> Compiled:
    if not isinstance(body, bool):
        msg = f"{where}: expected true or false"
        raise CompileError(msg)
    expected = body

    def reachable(_doc: Any, ctx: EvalContext) -> bool:
        if ctx.graph is None:
            msg = "graph condition evaluated without a graph"
            raise RuntimeError(msg)
        path = ctx.graph.internet_path(ctx.resource["id"])
        if ctx.record:
            ctx.evidence["reachable_from_internet"] = path is not None
            if path and not ctx.path:
                ctx.path = path
        return (path is not None) is expected

    return Compiled(reachable, needs_graph=True, relations=set(EXPOSURE_RELATIONS))


def _compile_related(body: Any, where: str) -> Compiled:
    if not isinstance(body, dict) or "relation" not in body:
        msg = f"{where}: expected {{relation, type?, direction?, where?}}"
        raise CompileError(msg)
    unknown = set(body) - {"relation", "type", "direction", "where"}
    if unknown:
        msg = f"{where}: unknown key(s) {sorted(unknown)}"
        raise CompileError(msg)
    relation = str(body["relation"])
    rtype = body.get("type")
    direction = body.get("direction", "out")
    if direction not in ("out", "in"):
        msg = f"{where}.direction: expected 'out' or 'in', got {direction!r}"
        raise CompileError(msg)
    inner: Compiled | None = None
    if "where" in body:
        if not rtype:
            msg = f"{where}: 'where' needs a 'type' (the graph keeps attributes per type)"
            raise CompileError(msg)
        inner = compile_condition(body["where"], f"{where}.where")
    inner_fn = inner.fn if inner else None
    related_types = {str(rtype)} if rtype else set()
    if inner:
        related_types |= inner.related_types

    def related(_doc: Any, ctx: EvalContext) -> bool | None:
        graph = ctx.graph
        if graph is None:
            msg = "graph condition evaluated without a graph"
            raise RuntimeError(msg)
        rid = ctx.resource["id"]
        undecided = False
        for other in graph.neighbours(rid, relation, type=rtype, direction=direction):
            hit: bool | None = True
            if inner_fn is not None:
                view = graph.resource_view(other)
                sub = EvalContext(resource=view, now=ctx.now, graph=graph)
                hit = inner_fn(view["attributes"], sub)
                if hit is None:
                    undecided = True
                    ctx.unknown.extend(f"related.{relation}.{p}" for p in sub.unknown)
                    continue
            if hit:
                if ctx.record:
                    ctx.evidence.setdefault(f"related.{relation}", other)
                    if not ctx.path:
                        ctx.path = [rid, other] if direction == "out" else [other, rid]
                return True
        return None if undecided else False

    relations = {_STORED.get(relation, relation)}
    if inner:
        relations |= inner.relations
    return Compiled(related, needs_graph=True, related_types=related_types, relations=relations)
