"""Rule aws_iam_role_trust_policy_no_wildcard_principal: no role is assumable by anyone.

A trust statement fails when it allows Principal "*" (or {"AWS": "*"}) and no condition
pins the caller; see `scanner.policy.iam.is_public_statement`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scanner.engine import Hit, RuleSpec, resource_rule
from scanner.policy.iam import is_public_statement, statements

__all__ = ["check"]


@resource_rule
def check(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Hit]:
    """Yield one hit for the first trust statement open to any principal."""
    attributes: Mapping[str, Any] = resource.get("attributes") or {}
    for index, statement in enumerate(statements(attributes.get("trust_policy"))):
        if is_public_statement(statement):
            label = statement.get("Sid") or f"Statement[{index}]"
            yield Hit(evidence={"statement": label, "principal": statement.get("Principal")})
            return
