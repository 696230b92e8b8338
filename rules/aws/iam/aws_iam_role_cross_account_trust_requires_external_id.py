"""Rule aws_iam_role_cross_account_trust_requires_external_id: vendors need an external id.

A grant counts when it names another account as a whole (its id or its `:root` ARN) and
the statement tests neither `sts:ExternalId` nor an organization condition.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scanner.engine import Hit, RuleSpec, resource_rule
from scanner.policy.iam import trust_grants

__all__ = ["check"]

_ACCEPTED = ("sts:ExternalId", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths")


@resource_rule
def check(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Hit]:
    """Yield one hit for the first foreign account trusted without an external id."""
    attributes: Mapping[str, Any] = resource.get("attributes") or {}
    own = str(resource.get("account") or "")
    for grant in trust_grants(attributes.get("trust_policy")):
        if not grant.is_account_root or grant.account in (None, own):
            continue
        if grant.has_condition(*_ACCEPTED):
            continue
        yield Hit(
            evidence={
                "trusted_account": grant.account,
                "principal": grant.value,
                "statement_index": grant.statement_index,
            }
        )
        return
