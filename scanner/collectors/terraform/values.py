"""Reading planned values that may be unknown until apply.

Every helper here keeps Terraform's unknowns: a value that is `scanner.model.UNKNOWN`
(or sits inside an unknown block) comes out as UNKNOWN, never as a guessed default,
so a rule that depends on it is undecided rather than failed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.terraform.instances import Instance
from scanner.model import PARTIAL_PREFIX, UNKNOWN
from scanner.policy.iam import parse_document

__all__ = [
    "INTERNET",
    "REF_PREFIX",
    "TF_PREFIX",
    "all_blocks",
    "as_bool",
    "as_int",
    "created_default",
    "first_block",
    "is_known",
    "json_document",
    "list_of",
    "name_tag",
    "value_of",
]

TF_PREFIX = "tf://"
REF_PREFIX = PARTIAL_PREFIX  # a resource the plan holds only in part (scanner.model)
INTERNET = "internet"


def is_known(value: Any) -> bool:
    """False for UNKNOWN (a value Terraform learns only at apply)."""
    return not (isinstance(value, str) and value == UNKNOWN)


def first_block(values: Any, key: str) -> Any:
    """The first element of a nested block (`metadata_options { ... }`), UNKNOWN or None."""
    if not isinstance(values, Mapping):
        return UNKNOWN if not is_known(values) else None
    block = values.get(key)
    if not is_known(block):
        return UNKNOWN
    if isinstance(block, list):
        return block[0] if block else None
    return block if isinstance(block, dict) else None


def all_blocks(values: Any, key: str) -> Any:
    """Every element of a repeated nested block: a list, or UNKNOWN."""
    if not isinstance(values, Mapping):
        return UNKNOWN if not is_known(values) else []
    block = values.get(key)
    if not is_known(block):
        return UNKNOWN
    if isinstance(block, list):
        return block
    return [block] if isinstance(block, dict) else []


def value_of(values: Any, key: str, default: Any = None) -> Any:
    """values[key]; UNKNOWN when values is unknown; `default` when absent or null."""
    if not isinstance(values, Mapping):
        return UNKNOWN if not is_known(values) else default
    value = values.get(key)
    return default if value is None else value


def as_bool(value: Any, default: Any = None) -> Any:
    """The value as a bool; `default` when null; UNKNOWN stays UNKNOWN."""
    if value is None:
        return default
    if not is_known(value):
        return UNKNOWN
    return bool(value)


def as_int(value: Any, default: Any = None) -> Any:
    """The value as an int; `default` when null, empty or not a number; UNKNOWN stays."""
    if value is None or value == "":
        return default
    if not is_known(value):
        return UNKNOWN
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def list_of(value: Any) -> Any:
    """The value as a list (null is empty, one value is a list of one); UNKNOWN stays."""
    if not is_known(value):
        return UNKNOWN
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple | set) else [value]


def json_document(value: Any) -> Any:
    """A policy document (JSON text from jsonencode, URL-encoded text or an object); else None."""
    if not is_known(value):
        return UNKNOWN
    return parse_document(value)


def created_default(inst: Instance, value: Any, default: Any) -> Any:
    """A computed value the cloud fills with a fixed default when the resource is created."""
    if not is_known(value) and inst.is_create:
        return default
    return value


def name_tag(values: Any) -> Any:
    """The `Name` tag of an AWS resource, or None (also when its tags are not known yet)."""
    tags = value_of(values, "tags")
    return tags.get("Name") if isinstance(tags, Mapping) else None
