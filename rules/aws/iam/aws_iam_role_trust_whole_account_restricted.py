"""Rule aws_iam_role_trust_whole_account_restricted: own-account trust names who or how.

A grant counts when it names the role's own account as a whole and its statement tests
no principal, MFA or source-identity condition key.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scanner.engine import Hit, RuleSpec, resource_rule
from scanner.policy.iam import trust_grants

__all__ = ["check"]

_NARROWING_PREFIXES = (
    "aws:principalarn",
    "aws:principaltag/",
    "aws:userid",
    "aws:username",
    "aws:multifactorauthpresent",
    "aws:multifactorauthage",
    "sts:sourceidentity",
    "aws:sourceidentity",
    "sts:rolesessionname",
)


@resource_rule
def check(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Hit]:
    """Yield one hit for the first unrestricted trust in the role's own account."""
    attributes: Mapping[str, Any] = resource.get("attributes") or {}
    own = str(resource.get("account") or "")
    for grant in trust_grants(attributes.get("trust_policy")):
        if not grant.is_account_root or grant.account != own:
            continue
        if any(key.startswith(_NARROWING_PREFIXES) for key in grant.condition_keys):
            continue
        yield Hit(evidence={"statement_index": grant.statement_index, "principal": grant.value})
        return
