"""Rule aws_iam_role_readonly_not_assumable_from_other_accounts: no foreign read-all role.

A resource rule: the role's attached policy ARNs and its trust policy are both on the
role. Only the AWS managed ReadOnlyAccess policy counts (it reads every service's data,
not just configuration, unlike SecurityAudit or ViewOnlyAccess).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scanner.engine import Hit, RuleSpec, resource_rule
from scanner.policy.iam import as_list, trust_grants

__all__ = ["check"]

_READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


@resource_rule
def check(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Hit]:
    """Yield one hit when a role holding ReadOnlyAccess trusts another account."""
    attributes: Mapping[str, Any] = resource.get("attributes") or {}
    if _READ_ONLY not in as_list(attributes.get("attached_policies")):
        return
    own = str(resource.get("account"))
    for grant in trust_grants(attributes.get("trust_policy")):
        if grant.is_wildcard or (grant.account is not None and grant.account != own):
            yield Hit(evidence={"trusted": grant.value, "statement_index": grant.statement_index})
            return
