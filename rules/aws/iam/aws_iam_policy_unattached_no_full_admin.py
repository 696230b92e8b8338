"""Rule aws_iam_policy_unattached_no_full_admin: no full-admin policy waits to be attached.

The companion of aws_iam_policy_no_full_admin, which judges attached policies (and
planned ones, whose attachments a plan does not know). This rule judges the customer
managed policies known to be attached to nobody, with the same reading of the document
(`scanner.policy.iam.admin_statements`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scanner.engine import Hit, RuleSpec, resource_rule
from scanner.policy.iam import admin_statements

__all__ = ["check"]


@resource_rule
def check(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Hit]:
    """Yield one hit when an unattached customer policy has a full-admin statement."""
    attributes: Mapping[str, Any] = resource.get("attributes") or {}
    if attributes.get("attachment_count") != 0 or attributes.get("is_aws_managed") is True:
        return
    for index, statement, reason in admin_statements(attributes.get("document")):
        yield Hit(
            evidence={"statement_index": index, "sid": statement.get("Sid"), "reason": reason}
        )
        return
