"""Rule aws_iam_policy_no_full_admin: attached managed policies grant no full admin rights.

The document is read with `scanner.policy.iam`: a statement counts as full
administrator access when it is an `Allow` that covers every resource (`Resource: "*"`,
or any `NotResource`) and either allows every action (`"*"`, or the `"*:*"` spelling CIS
uses) or allows everything but a `NotAction` list that still leaves IAM itself allowed.
A `NotAction` that excludes `iam:*`, like AWS's PowerUserAccess, is not full admin.

Conditions on the statement are ignored: admin rights behind an MFA or source-IP
condition are still admin rights (this matches CIS AWS 1.16).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scanner.engine import Hit, RuleSpec, resource_rule
from scanner.policy.iam import admin_statements

__all__ = ["check"]


@resource_rule
def check(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Hit]:
    """Yield one hit when an attached policy has a full-admin statement."""
    attributes: Mapping[str, Any] = resource.get("attributes") or {}
    # Policies known to be unattached grant nothing (also the rule's applies_if; kept here
    # so the function is right on its own). In a plan the count is unknown: judge it.
    if attributes.get("attachment_count") == 0:
        return
    for index, statement, reason in admin_statements(attributes.get("document")):
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
