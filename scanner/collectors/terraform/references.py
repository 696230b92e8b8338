"""References between planned resources, read from the plan's `configuration`.

A resource whose id is not known before apply is still linked by its expression:
`bucket = aws_s3_bucket.this.id` names `aws_s3_bucket.this`, also through module
outputs (`module.network.db_sg_id`) and module variables (`var.sg_ids`). The provider
blocks give the defaults (AWS region, GCP project and region) that a resource's own
values leave out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scanner.collectors.terraform.instances import JSON, Instance

__all__ = ["Defaults", "References", "expression_refs", "provider_defaults", "strip_index"]

# References that never name a managed resource of the plan.
_NOT_RESOURCES = frozenset({"var", "local", "data", "each", "count", "path", "self", "terraform"})


def strip_index(address: str) -> str:
    """`module.a["x"].module.b[0]` -> `module.a.module.b`."""
    return re.sub(r"\[[^\]]*\]", "", address)


class References:
    """Resolve a configuration expression's references to planned resource addresses."""

    def __init__(self, config: JSON, addresses: set[str]) -> None:
        self.addresses = addresses
        self.modules: dict[str, JSON] = {}  # config module path ("" root) -> module config
        self.calls: dict[str, JSON] = {}  # config module path -> its module_call in the parent
        # (ref, module) -> addresses; each reference is followed once, so references between
        # module outputs and variables cost linear time, and a cycle (which Terraform
        # refuses, but a hand-made plan may hold) ends where it closes.
        self._resolved: dict[tuple[str, str], list[str]] = {}
        self._walk(config.get("root_module") or {})

    def _walk(self, root: JSON) -> None:
        pending = [(root, "")]
        while pending:
            module, path = pending.pop()
            self.modules[path] = module
            for name, call in (module.get("module_calls") or {}).items():
                child = f"{path}.module.{name}" if path else f"module.{name}"
                self.calls[child] = call
                pending.append((call.get("module") or {}, child))

    def expressions(self, inst: Instance) -> JSON:
        """The configuration expressions of the instance's resource block."""
        module = self.modules.get(strip_index(inst.module)) or {}
        local = inst.address[len(inst.module) + 1 :] if inst.module else inst.address
        local = strip_index(local)
        for res in module.get("resources") or ():
            if res.get("address") == local:
                expressions: JSON = res.get("expressions") or {}
                return expressions
        return {}

    def resolve(self, inst: Instance, attr: str) -> list[str]:
        """Addresses of planned resources that attribute `attr` of `inst` refers to."""
        expression = self.expressions(inst).get(attr)
        return self._resolve_expression(expression, inst.module)

    def _resolve_expression(self, expression: Any, module: str) -> list[str]:
        out: dict[str, None] = {}
        for ref in expression_refs(expression):
            for address in self._resolve_ref(ref, module):
                out[address] = None
        return list(out)

    def _resolve_ref(self, ref: str, module: str) -> list[str]:
        key = (ref, module)
        if key not in self._resolved:
            self._resolved[key] = []  # a cycle back to this reference adds nothing
            self._resolved[key] = self._follow(ref, module)
        return self._resolved[key]

    def _follow(self, ref: str, module: str) -> list[str]:
        parts = ref.split(".")
        prefix = f"{module}." if module else ""
        if parts[0] == "module" and len(parts) >= 3:
            call_name = re.sub(r"\[[^\]]*\]$", "", parts[1])
            child = f"{prefix}module.{call_name}"
            outputs = (self.modules.get(strip_index(child)) or {}).get("outputs") or {}
            out = outputs.get(parts[2]) or {}
            return self._resolve_expression(out.get("expression"), child)
        if parts[0] == "var" and len(parts) >= 2 and module:
            call = self.calls.get(strip_index(module)) or {}
            parent = re.sub(r"\.?module\.[^.]+$", "", module)
            expression = (call.get("expressions") or {}).get(parts[1])
            return self._resolve_expression(expression, parent)
        if parts[0] in _NOT_RESOURCES or len(parts) < 2:
            return []
        base = f"{prefix}{parts[0]}.{parts[1]}"
        if base in self.addresses:
            return [base]
        return sorted(a for a in self.addresses if a.startswith(base + "["))


def expression_refs(expression: Any) -> Iterator[str]:
    """Every reference string inside an expression (lists and nested blocks included)."""
    if isinstance(expression, dict):
        refs = expression.get("references")
        if isinstance(refs, list):
            yield from (r for r in refs if isinstance(r, str))
        for key, value in expression.items():
            if key != "references":
                yield from expression_refs(value)
    elif isinstance(expression, list):
        for item in expression:
            yield from expression_refs(item)


@dataclass(frozen=True)
class Defaults:
    """Values the provider blocks set for every resource that does not set its own."""

    aws_region: str = ""
    gcp_project: str = ""


def provider_defaults(config: JSON) -> Defaults:
    """The root module's constant `aws` region and `google` project."""
    providers = config.get("provider_config") or {}

    def constant(name: str, key: str) -> str:
        expr = ((providers.get(name) or {}).get("expressions") or {}).get(key) or {}
        value = expr.get("constant_value") if isinstance(expr, dict) else None
        return value if isinstance(value, str) else ""

    return Defaults(
        aws_region=constant("aws", "region"),
        gcp_project=constant("google", "project"),
    )
