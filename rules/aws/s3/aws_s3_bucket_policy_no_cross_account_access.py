"""Rule aws_s3_bucket_policy_no_cross_account_access: bucket policies stay in the account.

A resource rule on the bucket's own policy: an `Allow` statement fails when one of its
AWS principals belongs to another account (`scanner.policy.iam.account_of`). Principals
that name no account (`*`, services, canonical users) are left to the public-access
rules, which read them with their conditions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scanner.engine import Hit, RuleSpec, resource_rule
from scanner.policy.iam import account_of, principals, statements

__all__ = ["check"]


@resource_rule
def check(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Hit]:
    """Yield one hit for the first statement that grants another account."""
    attributes: Mapping[str, Any] = resource.get("attributes") or {}
    own = str(resource.get("account"))
    for index, statement in enumerate(statements(attributes.get("policy"))):
        if statement.get("Effect") != "Allow":
            continue
        for kind, value in principals(statement):
            other = account_of(value) if kind == "AWS" else None
            if other is not None and other != own:
                yield Hit(evidence={"account": other, "principal": value, "statement_index": index})
                return
