"""AWS IAM policy documents, read the way IAM reads them: pure helpers for Python rules.

Rules that judge identity policies, trust policies and resource policies (bucket, key,
queue policies) all need the same reading of a document, so it lives here once:

- a document is a dict or its JSON text (Terraform plans carry the text); `Statement`,
  `Action`, `NotAction`, `Resource`, `NotResource` and each principal list may be one
  value or a list (`as_list`);
- action and resource patterns use IAM wildcards, `*` and `?`, and actions compare
  case-insensitively (`action_matches`);
- `allows(doc, action, resource)` is true when an `Allow` statement covers the pair and no
  unconditional `Deny` statement does. A `Condition` on an Allow does not stop it from
  counting: the permission exists whenever the condition holds;
- `admin_reason(statement)` says why a statement grants full administrator access
  (`*` on `*`, or `NotAction` that still leaves IAM allowed), or None;
- `trust_grants(doc)` lists who may assume a role: one `TrustGrant` per principal of each
  `Allow` statement, with its account and the condition keys that restrict it.

Reference: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

__all__ = [
    "LIMITING_CONDITION_KEYS",
    "TrustGrant",
    "account_of",
    "action_matches",
    "admin_reason",
    "admin_statements",
    "allows",
    "as_list",
    "condition_keys",
    "is_public_statement",
    "parse_document",
    "principals",
    "statements",
    "trust_grants",
]

# Condition keys that pin an Allow for Principal "*" to a known caller (an account, an
# organization, a VPC endpoint, a source resource). With one of them, "*" is not "anyone".
LIMITING_CONDITION_KEYS = frozenset(
    {
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceowner",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceip",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:resourceorgid",
        "aws:userid",
        "aws:username",
        "kms:calleraccount",
        "kms:viaservice",
        "sts:externalid",
    }
)

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ARN_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):")


def as_list(value: Any) -> list[Any]:
    """IAM policy elements hold one value or a list of values; None is an empty list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def parse_document(document: Any) -> Mapping[str, Any] | None:
    """A policy document given as a dict or as its JSON text; None when it is neither."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return None
    return document if isinstance(document, Mapping) else None


def statements(document: Any) -> list[Mapping[str, Any]]:
    """The statements of a policy document (dict or JSON text), always as a list."""
    parsed = parse_document(document)
    if parsed is None:
        return []
    return [s for s in as_list(parsed.get("Statement")) if isinstance(s, Mapping)]


@lru_cache(maxsize=4096)
def _wildcard(pattern: str) -> re.Pattern[str]:
    # fnmatch also knows [...] classes, which IAM does not: escape them first.
    escaped = pattern.replace("[", "[[]")
    return re.compile(fnmatch.translate(escaped), re.IGNORECASE | re.DOTALL)


def action_matches(pattern: str, action: str) -> bool:
    """True when an IAM action pattern (`s3:Get*`, `*`) covers the action (`s3:GetObject`)."""
    if pattern in ("*", "*:*"):
        return True
    return bool(_wildcard(pattern).match(action))


def _resource_matches(pattern: str, resource: str) -> bool:
    if pattern == "*":
        return True
    if resource == "*":  # asking about every resource: only "*" covers it
        return False
    return bool(_wildcard(pattern).match(resource))


def _covers_action(statement: Mapping[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not any(action_matches(str(p), action) for p in as_list(statement["NotAction"]))
    return any(action_matches(str(p), action) for p in as_list(statement.get("Action")))


def _covers_resource(statement: Mapping[str, Any], resource: str) -> bool:
    if "NotResource" in statement:
        excluded = as_list(statement["NotResource"])
        return not any(_resource_matches(str(p), resource) for p in excluded if p != "*")
    return any(_resource_matches(str(p), resource) for p in as_list(statement.get("Resource")))


def allows(document: Any, action: str, resource: str = "*") -> bool:
    """True when the document allows `action` on `resource` (default: every resource).

    An Allow counts with or without a condition; a Deny cancels it only when it has no
    condition (a conditional deny leaves the permission in place for some requests).
    """
    granted = False
    for statement in statements(document):
        if not (_covers_action(statement, action) and _covers_resource(statement, resource)):
            continue
        effect = statement.get("Effect")
        if effect == "Deny" and not statement.get("Condition"):
            return False
        if effect == "Allow":
            granted = True
    return granted


# A NotAction list containing any of these leaves IAM changes denied.
_EXCLUDES_IAM = frozenset({"*", "*:*", "iam:*"})


def admin_reason(statement: Mapping[str, Any]) -> str | None:
    """Why the statement grants full administrator access, or None when it does not.

    Full access is an `Allow` on every resource (`Resource: "*"`, or any `NotResource`)
    that allows every action, or everything but a `NotAction` list that still leaves IAM
    itself allowed (whoever may change IAM can grant themselves the rest). Conditions are
    not considered: admin rights behind an MFA or source-IP condition are still admin rights.
    """
    if statement.get("Effect") != "Allow":
        return None
    resources = {str(r).lower() for r in as_list(statement.get("Resource"))}
    if "*" not in resources and "NotResource" not in statement:
        return None
    actions = {str(a).lower() for a in as_list(statement.get("Action"))}
    if actions & {"*", "*:*"}:
        return "Allow Action '*' on Resource '*'"
    if "NotAction" in statement:
        not_actions = {str(a).lower() for a in as_list(statement.get("NotAction"))}
        if not not_actions & _EXCLUDES_IAM:
            excluded = ", ".join(sorted(not_actions)) or "nothing"
            return f"Allow NotAction [{excluded}] on Resource '*' still allows IAM changes"
    return None


def admin_statements(document: Any) -> list[tuple[int, Mapping[str, Any], str]]:
    """(index, statement, reason) for every full-administrator statement of a document."""
    out = []
    for index, statement in enumerate(statements(document)):
        reason = admin_reason(statement)
        if reason is not None:
            out.append((index, statement, reason))
    return out


def principals(statement: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The statement's principals as (kind, value): ("AWS", arn), ("Service", name), ...

    `Principal: "*"` is reported as ("*", "*"); `{"AWS": "*"}` as ("AWS", "*").
    """
    principal = statement.get("Principal")
    if isinstance(principal, str):
        return [("*", principal)] if principal == "*" else [("AWS", principal)]
    out: list[tuple[str, str]] = []
    if isinstance(principal, Mapping):
        for kind, values in principal.items():
            out.extend((str(kind), str(v)) for v in as_list(values))
    return out


def condition_keys(statement: Mapping[str, Any]) -> set[str]:
    """The condition keys a statement tests, lower-cased (`sts:externalid`, ...)."""
    keys: set[str] = set()
    condition = statement.get("Condition")
    if isinstance(condition, Mapping):
        for tests in condition.values():
            if isinstance(tests, Mapping):
                keys.update(str(k).lower() for k in tests)
    return keys


def _has_limiting_condition(statement: Mapping[str, Any]) -> bool:
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    for tests in condition.values():
        if not isinstance(tests, Mapping):
            continue
        for key, value in tests.items():
            if str(key).lower() in LIMITING_CONDITION_KEYS and "*" not in {
                str(v) for v in as_list(value)
            }:
                return True
    return False


def is_public_statement(statement: Mapping[str, Any]) -> bool:
    """An Allow for Principal `*` (or `{"AWS": "*"}`) that no condition pins to a caller."""
    if statement.get("Effect") != "Allow":
        return False
    if not any(value == "*" for _, value in principals(statement)):
        return False
    return not _has_limiting_condition(statement)


def account_of(principal: str) -> str | None:
    """The account id a principal value names (`123456789012`, an IAM/STS ARN), else None."""
    if _ACCOUNT_ID.match(principal):
        return principal
    match = _ARN_ACCOUNT.match(principal)
    return match.group(1) if match else None


@dataclass(frozen=True)
class TrustGrant:
    """One principal an `Allow` statement of a trust policy lets assume the role."""

    kind: str  # "AWS", "Service", "Federated", "CanonicalUser" or "*"
    value: str  # the principal as written
    statement_index: int
    actions: tuple[str, ...]
    condition_keys: frozenset[str] = field(default_factory=frozenset)

    @property
    def account(self) -> str | None:
        """The account the principal belongs to (AWS principals only)."""
        return account_of(self.value) if self.kind == "AWS" else None

    @property
    def is_wildcard(self) -> bool:
        """Any principal at all (`*` or `{"AWS": "*"}`)."""
        return self.value == "*"

    @property
    def is_account_root(self) -> bool:
        """A whole account: `123456789012` or `arn:aws:iam::123456789012:root`."""
        return self.kind == "AWS" and (
            bool(_ACCOUNT_ID.match(self.value)) or self.value.endswith(":root")
        )

    def has_condition(self, *keys: str) -> bool:
        """True when the statement tests one of the condition keys (any case)."""
        return any(k.lower() in self.condition_keys for k in keys)


def trust_grants(document: Any) -> list[TrustGrant]:
    """Who a trust (assume-role) policy lets in: one grant per principal of each Allow."""
    out: list[TrustGrant] = []
    for index, statement in enumerate(statements(document)):
        if statement.get("Effect") != "Allow":
            continue
        actions = tuple(str(a) for a in as_list(statement.get("Action")))
        keys = frozenset(condition_keys(statement))
        for kind, value in principals(statement):
            out.append(TrustGrant(kind, value, index, actions, keys))
    return out
