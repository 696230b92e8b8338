"""The shape of a `terraform show -json` document, checked before anything reads it.

Only the parts pscan reads are described; everything else is allowed and ignored. A part
of the wrong type (a `configuration` that is a list, `actions: "create"`) is refused with
the path to it, so the mapping code below can trust the shapes it walks. The document's
nesting depth is bounded first (`MAX_DEPTH`) because both the JSON parser and the
checks recurse.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, NotRequired

from pydantic import AfterValidator, ConfigDict, Field, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from scanner.errors import CollectorError
from scanner.snapshot import nested_deeper_than

__all__ = ["MAX_DEPTH", "check_plan_shape", "finite_float"]

# Deepest nesting of objects and lists accepted in a plan. Real plans stay far below
# (resource values nest a few blocks deep, modules a few levels).
MAX_DEPTH = 200

_ACTIONS = frozenset({"no-op", "create", "read", "update", "delete", "forget"})


# TypedDicts, not models: validating checks the types without building an object per
# resource change or copying the keys pscan does not read (3x faster on a 20,000-resource
# plan than BaseModels with extra="allow"; docs/scale.md, "Profiles").
_STRICT = ConfigDict(strict=True)


def _known_actions(value: list[str]) -> list[str]:
    if _ACTIONS.issuperset(value):
        return value
    unknown = sorted(set(value) - _ACTIONS)
    if unknown:
        msg = f"unknown action {unknown[0]!r} (Terraform's are {', '.join(sorted(_ACTIONS))})"
        raise ValueError(msg)
    return value


def _major_one(value: str) -> str:
    if value.split(".")[0] != "1":
        msg = f"format_version {value!r} is not 1.x, the only JSON plan format there is"
        raise ValueError(msg)
    return value


class _Change(TypedDict):
    __pydantic_config__ = _STRICT  # type: ignore[misc]
    actions: Annotated[list[str], Field(min_length=1), AfterValidator(_known_actions)]
    before: NotRequired[dict[str, Any] | None]
    after: NotRequired[dict[str, Any] | None]
    after_unknown: NotRequired[dict[str, Any] | bool | None]


class _ResourceChange(TypedDict):
    __pydantic_config__ = _STRICT  # type: ignore[misc]
    address: str
    type: str
    name: NotRequired[str]
    mode: NotRequired[str]
    module_address: NotRequired[str]
    change: _Change


class _ValuesResource(TypedDict):
    __pydantic_config__ = _STRICT  # type: ignore[misc]
    address: str
    type: str
    name: NotRequired[str]
    mode: NotRequired[str]
    values: NotRequired[dict[str, Any] | None]


class _ValuesModule(TypedDict):
    __pydantic_config__ = _STRICT  # type: ignore[misc]
    address: NotRequired[str]
    resources: NotRequired[list[_ValuesResource]]
    child_modules: NotRequired[list[_ValuesModule]]


class _Values(TypedDict):
    __pydantic_config__ = _STRICT  # type: ignore[misc]
    root_module: NotRequired[_ValuesModule | None]


class _ConfigResource(TypedDict):
    __pydantic_config__ = _STRICT  # type: ignore[misc]
    address: str
    expressions: NotRequired[dict[str, Any]]


class _Output(TypedDict):
    __pydantic_config__ = _STRICT  # type: ignore[misc]
    expression: NotRequired[dict[str, Any] | None]


class _ConfigModule(TypedDict):
    __pydantic_config__ = _STRICT  # type: ignore[misc]
    resources: NotRequired[list[_ConfigResource]]
    module_calls: NotRequired[dict[str, _ModuleCall]]
    outputs: NotRequired[dict[str, _Output]]


class _ModuleCall(TypedDict):
    __pydantic_config__ = _STRICT  # type: ignore[misc]
    expressions: NotRequired[dict[str, Any]]
    module: NotRequired[_ConfigModule | None]


class _ProviderConfig(TypedDict):
    __pydantic_config__ = _STRICT  # type: ignore[misc]
    expressions: NotRequired[dict[str, Any]]


class _Configuration(TypedDict):
    __pydantic_config__ = _STRICT  # type: ignore[misc]
    provider_config: NotRequired[dict[str, _ProviderConfig]]
    root_module: NotRequired[_ConfigModule | None]


class _Plan(TypedDict):
    __pydantic_config__ = _STRICT  # type: ignore[misc]
    format_version: Annotated[str, AfterValidator(_major_one)]
    terraform_version: NotRequired[str]
    resource_changes: NotRequired[list[_ResourceChange] | None]
    planned_values: NotRequired[_Values | None]
    values: NotRequired[_Values | None]
    configuration: NotRequired[_Configuration | None]


_PLAN = TypeAdapter(_Plan)


def finite_float(text: str) -> float:
    """`json.loads(parse_float=...)`: a number too large for a float is refused, not infinity."""
    value = float(text)
    if not math.isfinite(value):
        msg = f"number {text[:40]} is out of range"
        raise ValueError(msg)
    return value


def check_plan_shape(data: object, source: str) -> None:
    """Refuse a document whose parts pscan reads have the wrong type, naming the part.

    Raises:
        CollectorError: one line, `source: path.to.part: what is wrong`.
    """
    if nested_deeper_than(data, MAX_DEPTH):
        msg = f"{source}: nested deeper than {MAX_DEPTH} levels; not a Terraform plan"
        raise CollectorError(msg)
    try:
        _PLAN.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(document)"
        msg = f"{source}: {where}: {first['msg']}"
        raise CollectorError(msg) from None
