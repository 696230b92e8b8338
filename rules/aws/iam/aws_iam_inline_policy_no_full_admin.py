"""Rule aws_iam_inline_policy_no_full_admin: no inline policy grants full admin access."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scanner.engine import Hit, RuleSpec, resource_rule
from scanner.policy.iam import admin_statements, as_list

__all__ = ["check"]


@resource_rule
def check(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Hit]:
    """Yield one hit for the first inline policy with a full-admin statement."""
    attributes: Mapping[str, Any] = resource.get("attributes") or {}
    if attributes.get("is_service_linked") is True:
        return
    for inline in as_list(attributes.get("inline_policies")):
        if not isinstance(inline, Mapping):
            continue
        found = admin_statements(inline.get("document"))
        if found:
            index, _statement, reason = found[0]
            yield Hit(
                evidence={"policy": inline.get("name"), "statement_index": index, "reason": reason}
            )
            return
