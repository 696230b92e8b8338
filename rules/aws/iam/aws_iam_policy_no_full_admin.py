"""Rule aws_iam_policy_no_full_admin: attached managed policies grant no full admin rights.

The policy document is parsed statement by statement. IAM accepts `Statement`, `Action`,
`NotAction`, `Resource` and `NotResource` either as one value or as a list, so each is
normalised to a list first. A statement counts as full administrator access when it is
an `Allow` that covers every resource (`Resource: "*"`, or any `NotResource`) and either

- allows every action (`Action: "*"`, or the `"*:*"` spelling CIS uses), or
- allows everything but a short list (`NotAction`) that still leaves IAM itself allowed:
  whoever may change IAM can grant themselves the rest. A `NotAction` that excludes
  `iam:*`, like AWS's PowerUserAccess, is not full admin and is not reported.

Conditions on the statement are ignored: admin rights behind an MFA or source-IP
condition are still admin rights (this matches CIS AWS 1.16).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from scanner.engine import Hit, RuleSpec, resource_rule

__all__ = ["check"]

_ALL_ACTIONS = frozenset({"*", "*:*"})
# A NotAction list containing any of these leaves IAM changes denied.
_EXCLUDES_IAM = frozenset({"*", "*:*", "iam:*"})


def _as_list(value: Any) -> list[Any]:
    """IAM policy elements hold one value or a list of values."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def _statements(document: Any) -> list[Mapping[str, Any]]:
    """The statements of a policy document given as a dict or as its JSON text."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return []
    if not isinstance(document, Mapping):
        return []
    return [s for s in _as_list(document.get("Statement")) if isinstance(s, Mapping)]


def _lowered(values: list[Any]) -> set[str]:
    return {str(v).lower() for v in values}


def _admin_reason(statement: Mapping[str, Any]) -> str | None:
    """Why the statement grants full admin, or None when it does not."""
    if statement.get("Effect") != "Allow":
        return None
    all_resources = "*" in _lowered(_as_list(statement.get("Resource"))) or (
        "NotResource" in statement
    )
    if not all_resources:
        return None
    actions = _lowered(_as_list(statement.get("Action")))
    if actions & _ALL_ACTIONS:
        return "Allow Action '*' on Resource '*'"
    if "NotAction" in statement:
        not_actions = _lowered(_as_list(statement.get("NotAction")))
        if not not_actions & _EXCLUDES_IAM:
            excluded = ", ".join(sorted(not_actions)) or "nothing"
            return f"Allow NotAction [{excluded}] on Resource '*' still allows IAM changes"
    return None


@resource_rule
def check(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Hit]:
    """Yield one hit when an attached policy has a full-admin statement."""
    attributes: Mapping[str, Any] = resource.get("attributes") or {}
    # Policies known to be unattached grant nothing (also the rule's applies_if; kept here
    # so the function is right on its own). In a plan the count is unknown: judge it.
    if attributes.get("attachment_count") == 0:
        return
    for index, statement in enumerate(_statements(attributes.get("document"))):
        reason = _admin_reason(statement)
        if reason is not None:
            yield Hit(
                evidence={
                    "statement_index": index,
                    "sid": statement.get("Sid"),
                    "reason": reason,
                    "attachment_count": attributes.get("attachment_count"),
                    "is_aws_managed": attributes.get("is_aws_managed"),
                }
            )
            return
