"""Python rules: the decorators that tag a rule function, and what it yields.

A Python rule lives in `<rule_id>.py` beside `<rule_id>.yaml`. The decorators only
check the function's signature and tag it; the loader imports the file by path and
picks up the one tagged function. Importing a rule file registers nothing.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    from scanner.engine.spec import RuleSpec
    from scanner.graph import ResourceGraph

__all__ = [
    "KIND_ATTR",
    "GraphRuleFn",
    "Hit",
    "ResourceRuleFn",
    "graph_rule",
    "resource_rule",
]

KIND_ATTR = "__pscan_rule_kind__"


@dataclass
class Hit:
    """One failing resource reported by a Python rule.

    `resource_id` is required from graph rules (resource rules judge one resource);
    `evidence` is shown to the user and available to the message as `{evidence.KEY}`;
    `path` is a graph path for path findings.
    """

    resource_id: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    path: list[str] = field(default_factory=list)


ResourceRuleFn = Callable[[Mapping[str, Any], "RuleSpec"], Iterator[Hit]]
GraphRuleFn = Callable[["ResourceGraph", "RuleSpec"], Iterator[Hit]]
F = TypeVar("F", bound=Callable[..., Iterator[Hit]])


def _tag(fn: F, kind: Literal["resource", "graph"], first: str) -> F:
    params = list(inspect.signature(fn).parameters)
    if len(params) != 2:
        msg = (
            f"{fn.__module__}.{fn.__qualname__}: a {kind} rule takes ({first}, spec),"
            f" got ({', '.join(params)})"
        )
        raise TypeError(msg)
    setattr(fn, KIND_ATTR, kind)
    return fn


def resource_rule(fn: F) -> F:
    """Mark `check(resource, spec) -> Iterator[Hit]` as a per-resource rule."""
    return _tag(fn, "resource", "resource")


def graph_rule(fn: F) -> F:
    """Mark `check(graph, spec) -> Iterator[Hit]` as a rule over the whole graph."""
    return _tag(fn, "graph", "graph")
