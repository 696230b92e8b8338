"""Rule aws_kms_key_policy_not_public: no key policy statement is open to anyone."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scanner.engine import Hit, RuleSpec, resource_rule
from scanner.policy.iam import as_list, is_public_statement, statements

__all__ = ["check"]


@resource_rule
def check(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Hit]:
    """Yield one hit for the first key policy statement open to any principal."""
    attributes: Mapping[str, Any] = resource.get("attributes") or {}
    for index, statement in enumerate(statements(attributes.get("policy"))):
        if is_public_statement(statement):
            actions = as_list(statement.get("Action") or statement.get("NotAction"))
            yield Hit(
                evidence={
                    "statement": statement.get("Sid") or f"Statement[{index}]",
                    "actions": ", ".join(str(a) for a in actions),
                }
            )
            return
