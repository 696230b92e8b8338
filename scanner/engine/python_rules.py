"""Python rules: the decorators that tag a rule function, and the verdicts it yields.

A Python rule lives in `<rule_id>.py` beside `<rule_id>.yaml`, or is a shared check that
several YAML files name with `check:` (`scanner.engine.shared`). The decorators only
check the function's signature and tag it; the loader imports the file by path and
picks up the one tagged function. Importing a rule file registers nothing.

A rule yields verdicts, three-valued like YAML conditions:

- `Hit`: the resource fails (a finding);
- `Pass`: the resource is compliant;
- `Undecided(resource_id, reason)`: the rule cannot tell, e.g. the data it needs was
  not collected or is known only after `terraform apply`. It is counted, not reported as
  a finding, and a compliance control decided only by undecided results is "not judged".

A resource of the rule's types that gets no verdict passes, so a rule that only yields
`Hit` reads as before. When one resource gets several verdicts, a `Hit` wins over
`Undecided`, which wins over `Pass`: one known failing part fails the resource.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    from scanner.engine.spec import RuleSpec
    from scanner.graph import ResourceGraph

__all__ = [
    "KIND_ATTR",
    "GraphRuleFn",
    "Hit",
    "Pass",
    "ResourceRuleFn",
    "Undecided",
    "Verdict",
    "decide",
    "graph_rule",
    "resource_rule",
    "stronger",
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


@dataclass(frozen=True)
class Pass:
    """A compliant resource (`resource_id` required from graph rules)."""

    resource_id: str | None = None


@dataclass(frozen=True)
class Undecided:
    """A resource the rule cannot judge, and why (`resource_id` required from graph rules).

    The reason is shown in the compliance report: say what could not be seen, e.g.
    "metric filters of log group /aws/cloudtrail/prod were not collected".
    """

    resource_id: str | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        if not self.reason.strip():
            msg = f"Undecided({self.resource_id!r}) needs a reason: what could the rule not see?"
            raise ValueError(msg)


Verdict = Hit | Pass | Undecided

_RANK = {Pass: 0, Undecided: 1, Hit: 2}


def stronger(current: Verdict | None, new: Verdict) -> Verdict:
    """The verdict that decides when one resource gets both: Hit > Undecided > Pass."""
    if current is None or _RANK[type(new)] > _RANK[type(current)]:
        return new
    return current


def decide(verdicts: Iterable[Verdict]) -> Verdict | None:
    """One resource's verdict from what a resource rule yielded; stops at the first Hit.

    None when the rule yielded nothing (the resource passes).
    """
    out: Verdict | None = None
    for verdict in verdicts:
        out = stronger(out, verdict)
        if isinstance(out, Hit):
            break
    return out


ResourceRuleFn = Callable[[Mapping[str, Any], "RuleSpec"], Iterator[Verdict]]
GraphRuleFn = Callable[["ResourceGraph", "RuleSpec"], Iterator[Verdict]]
F = TypeVar("F", bound=Callable[..., Iterator[Verdict]])


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
    """Mark `check(resource, spec) -> Iterator[Verdict]` as a per-resource rule."""
    return _tag(fn, "resource", "resource")


def graph_rule(fn: F) -> F:
    """Mark `check(graph, spec) -> Iterator[Verdict]` as a rule over the whole graph."""
    return _tag(fn, "graph", "graph")
