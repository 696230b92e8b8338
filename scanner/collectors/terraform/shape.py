"""The shape of a `terraform show -json` document, checked before anything reads it.

Only the parts pscan reads are described; everything else is allowed and ignored. A part
of the wrong type (a `configuration` that is a list, `actions: "create"`) is refused with
the path to it, so the mapping code below can trust the shapes it walks. The document's
nesting depth is bounded first (`MAX_DEPTH`) because both the JSON parser and the
checks recurse.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scanner.errors import CollectorError
from scanner.snapshot import nested_deeper_than

__all__ = ["MAX_DEPTH", "check_plan_shape", "finite_float"]

# Deepest nesting of objects and lists accepted in a plan. Real plans stay far below
# (resource values nest a few blocks deep, modules a few levels).
MAX_DEPTH = 200

_ACTIONS = frozenset({"no-op", "create", "read", "update", "delete", "forget"})


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class _Change(_Shape):
    actions: list[str] = Field(min_length=1)
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    after_unknown: dict[str, Any] | bool | None = None

    @field_validator("actions")
    @classmethod
    def _known_actions(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - _ACTIONS)
        if unknown:
            msg = f"unknown action {unknown[0]!r} (Terraform's are {', '.join(sorted(_ACTIONS))})"
            raise ValueError(msg)
        return value


class _ResourceChange(_Shape):
    address: str
    type: str
    name: str = ""
    mode: str = "managed"
    module_address: str = ""
    change: _Change


class _ValuesResource(_Shape):
    address: str
    type: str
    name: str = ""
    mode: str = "managed"
    values: dict[str, Any] | None = None


class _ValuesModule(_Shape):
    address: str = ""
    resources: list[_ValuesResource] = Field(default_factory=list)
    child_modules: list[_ValuesModule] = Field(default_factory=list)


class _Values(_Shape):
    root_module: _ValuesModule | None = None


class _ConfigResource(_Shape):
    address: str
    expressions: dict[str, Any] = Field(default_factory=dict)


class _Output(_Shape):
    expression: dict[str, Any] | None = None


class _ConfigModule(_Shape):
    resources: list[_ConfigResource] = Field(default_factory=list)
    module_calls: dict[str, _ModuleCall] = Field(default_factory=dict)
    outputs: dict[str, _Output] = Field(default_factory=dict)


class _ModuleCall(_Shape):
    expressions: dict[str, Any] = Field(default_factory=dict)
    module: _ConfigModule | None = None


class _ProviderConfig(_Shape):
    expressions: dict[str, Any] = Field(default_factory=dict)


class _Configuration(_Shape):
    provider_config: dict[str, _ProviderConfig] = Field(default_factory=dict)
    root_module: _ConfigModule | None = None


class _Plan(_Shape):
    format_version: str
    terraform_version: str = ""
    resource_changes: list[_ResourceChange] | None = None
    planned_values: _Values | None = None
    values: _Values | None = None
    configuration: _Configuration | None = None

    @field_validator("format_version")
    @classmethod
    def _major_one(cls, value: str) -> str:
        if value.split(".")[0] != "1":
            msg = f"format_version {value!r} is not 1.x, the only JSON plan format there is"
            raise ValueError(msg)
        return value


_ConfigModule.model_rebuild()


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
        _Plan.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(document)"
        msg = f"{source}: {where}: {first['msg']}"
        raise CollectorError(msg) from None
