"""The plan's managed resource instances, with values Terraform learns only at apply.

`instances(document)` reads `resource_changes` (a plan) or `values` (a state, all
no-op). Each `Instance` carries its values after apply, with `scanner.model.UNKNOWN`
wherever `after_unknown` says the value is not known yet, and its values before apply.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scanner.model import UNKNOWN

__all__ = ["JSON", "Instance", "count_unknown", "instances", "with_unknown"]

JSON = dict[str, Any]


@dataclass
class Instance:
    """One managed resource instance of the plan (or state)."""

    address: str
    module: str  # module instance address, "" for the root module
    tf_type: str
    name: str
    actions: tuple[str, ...]
    values: JSON
    before_values: JSON | None = None
    unknown_count: int = 0

    @property
    def is_create(self) -> bool:
        """Applying the plan creates the instance (also when it replaces it)."""
        return "create" in self.actions

    @property
    def is_replace(self) -> bool:
        """The instance is destroyed and created again."""
        return "create" in self.actions and "delete" in self.actions

    @property
    def is_only_delete(self) -> bool:
        """The instance is destroyed and not created again."""
        return "delete" in self.actions and "create" not in self.actions

    @property
    def provider(self) -> str:
        """`gcp` for `google_*` types, else `aws`."""
        return "gcp" if self.tf_type.startswith("google_") else "aws"

    def as_before(self) -> Instance | None:
        """The instance as it is before apply (unchanged), or None when it does not exist yet."""
        if self.before_values is None:
            return None
        return Instance(
            self.address, self.module, self.tf_type, self.name, ("no-op",), self.before_values
        )

    def with_values(self, values: JSON) -> Instance:
        """The same instance with other values: a nested block read as if it were the resource."""
        return Instance(self.address, self.module, self.tf_type, self.name, self.actions, values)


def instances(data: JSON) -> Iterator[Instance]:
    """Every managed instance of a `terraform show -json` document (plan or state)."""
    changes = data.get("resource_changes")
    if isinstance(changes, list):
        for rc in changes:
            if not isinstance(rc, dict) or rc.get("mode", "managed") != "managed":
                continue
            yield _changed_instance(rc)
        return
    root = (data.get("planned_values") or data.get("values") or {}).get("root_module") or {}
    yield from _module_instances(root)


def _changed_instance(rc: JSON) -> Instance:
    change = rc.get("change") or {}
    after = change.get("after")
    unknown = change.get("after_unknown") or {}
    values = with_unknown(after if isinstance(after, dict) else {}, unknown)
    before = change.get("before")
    return Instance(
        address=str(rc.get("address", "")),
        module=str(rc.get("module_address", "")),
        tf_type=str(rc.get("type", "")),
        name=str(rc.get("name", "")),
        actions=tuple(change.get("actions") or ("no-op",)),
        values=values if isinstance(values, dict) else {},
        before_values=before if isinstance(before, dict) else None,
        unknown_count=count_unknown(unknown),
    )


def _module_instances(module: JSON) -> Iterator[Instance]:
    for res in module.get("resources") or ():
        if res.get("mode", "managed") != "managed":
            continue
        yield Instance(
            address=str(res.get("address", "")),
            module=str(module.get("address", "")),
            tf_type=str(res.get("type", "")),
            name=str(res.get("name", "")),
            actions=("no-op",),
            values=res.get("values") or {},
            before_values=res.get("values") or {},
        )
    for child in module.get("child_modules") or ():
        yield from _module_instances(child)


def count_unknown(unknown: Any) -> int:
    """How many values an `after_unknown` tree marks as unknown (`true`)."""
    if unknown is True:
        return 1
    if isinstance(unknown, dict):
        return sum(count_unknown(v) for v in unknown.values())
    if isinstance(unknown, list):
        return sum(count_unknown(v) for v in unknown)
    return 0


def with_unknown(value: Any, unknown: Any) -> Any:
    """`value` with UNKNOWN wherever `after_unknown` says true."""
    if unknown is True:
        return UNKNOWN
    if not count_unknown(unknown):
        return value
    if isinstance(unknown, dict):
        merged = dict(value) if isinstance(value, dict) else {}
        for key, sub in unknown.items():
            if count_unknown(sub):
                merged[key] = with_unknown(merged.get(key), sub)
        return merged
    if isinstance(unknown, list):
        items = list(value) if isinstance(value, list) else []
        for index, sub in enumerate(unknown):
            if index < len(items):
                items[index] = with_unknown(items[index], sub)
            else:
                items.append(with_unknown(None, sub))
        return items
    return value
