"""AWS IAM policy documents, read the way IAM reads them: the one reading pscan has.

The AWS collector (which stores verdicts such as a queue's `policy_is_public`), the
Terraform plan reader (which stores the same verdicts for planned resources) and the
Python rules (which judge documents themselves) all call these functions, so a live
queue and a planned queue with the same policy always get the same answer:

- a document is a dict, its JSON text (Terraform plans carry the text) or URL-encoded
  JSON text (IAM's GetAccountAuthorizationDetails); `Statement`,
  `Action`, `NotAction`, `Resource`, `NotResource` and each principal list may be one
  value or a list (`as_list`);
- action and resource patterns use IAM wildcards, `*` and `?`, and actions compare
  case-insensitively (`action_matches`);
- `may_allow(doc, action)` is true when an `Allow` statement covers the action on some
  resource: a cheap first test before `allows` is asked per resource;
- `denies(doc, action, resource)` is true when an unconditional `Deny` covers the pair;
- `allows(doc, action, resource)` is true when an `Allow` statement covers the pair and no
  unconditional `Deny` statement does. A `Condition` on an Allow does not stop it from
  counting: the permission exists whenever the condition holds;
- `Grants(doc)` reads a document once to ask those three questions many times (the
  escalation derivation asks each principal about a dozen actions); the functions are
  the same questions asked once;
- `is_public_statement(statement)` / `is_public_policy(doc)`: an `Allow` for any
  principal (`*`, `{"AWS": "*"}`, or `NotPrincipal`) that no condition pins to known
  callers (see `limits_callers`);
- `denies_insecure_transport(doc)`: a `Deny` for requests where `aws:SecureTransport`
  is false;
- `admin_reason(statement)` says why a statement grants full administrator access
  (`*` on `*`, or `NotAction` that still leaves IAM allowed), or None;
- `grants_on_every_resource(doc, action)` lists the `Allow` statements that grant an
  action on every resource: by naming that very pattern (`kms:*`), or by any pattern
  covering it short of the administrator `*`;
- `documents_of(resource)` gives the policy documents a pscan IAM resource holds: a
  managed policy's default version, or a user's, group's or role's inline policies;
- `trust_grants(doc)` lists who may assume a role: one `TrustGrant` per principal of each
  `Allow` statement, with its account and the condition keys that restrict it.

Reference: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
"""

from __future__ import annotations

import fnmatch
import json
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from scanner.policy.network import cidr_is_internet

__all__ = [
    "LIMITING_CONDITION_KEYS",
    "Grants",
    "TrustGrant",
    "account_of",
    "action_matches",
    "admin_reason",
    "admin_statements",
    "allows",
    "as_list",
    "condition_keys",
    "denies",
    "denies_insecure_transport",
    "documents_of",
    "grants_on_every_resource",
    "is_public_policy",
    "is_public_statement",
    "limits_callers",
    "may_allow",
    "parse_document",
    "principal_node",
    "principals",
    "statements",
    "trust_grants",
    "trust_targets",
]

# Condition keys that pin an Allow for Principal "*" to a known caller (an account, an
# organization, a VPC endpoint, a source resource). With one of them, "*" is not "anyone".
LIMITING_CONDITION_KEYS = frozenset(
    key.lower()
    for key in (
        "aws:SourceAccount",
        "aws:SourceArn",
        "aws:SourceOwner",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceIp",
        "aws:VpcSourceIp",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalServiceName",
        "aws:ResourceOrgID",
        "aws:userid",
        "aws:username",
        "kms:CallerAccount",
        "kms:ViaService",
        "s3:DataAccessPointAccount",
        "s3:DataAccessPointArn",
        "lambda:EventSourceToken",
        "sts:ExternalId",
    )
)
# Condition keys whose values are IP ranges: a range that is the whole internet pins nothing.
_IP_KEYS = frozenset({"aws:sourceip", "aws:vpcsourceip"})

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ROOT_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):root$")
_ARN_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):")


def as_list(value: Any) -> list[Any]:
    """IAM policy elements hold one value or a list of values; None is an empty list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def parse_document(document: Any) -> dict[str, Any] | None:
    """A policy document given as a dict, JSON text or URL-encoded JSON text; else None.

    Anything else (None, "", text that is not a JSON object, a Terraform unknown) is None.
    """
    if isinstance(document, str):
        text = document.strip()
        if text[:3].lower() == "%7b":  # IAM returns some documents URL-encoded
            text = urllib.parse.unquote(text)
        try:
            document = json.loads(text)
        except ValueError:
            return None
    if isinstance(document, dict):
        return document
    return dict(document) if isinstance(document, Mapping) else None


def statements(document: Any) -> list[Mapping[str, Any]]:
    """The statements of a policy document (dict or JSON text), always as a list."""
    parsed = parse_document(document)
    if parsed is None:
        return []
    # a dict first: isinstance against the Mapping ABC is the slow part of this
    return [
        s for s in as_list(parsed.get("Statement")) if type(s) is dict or isinstance(s, Mapping)
    ]


@lru_cache(maxsize=4096)
def _wildcard(pattern: str) -> re.Pattern[str]:
    # fnmatch also knows [...] classes, which IAM does not: escape them first.
    escaped = pattern.replace("[", "[[]")
    return re.compile(fnmatch.translate(escaped), re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=65536)  # an estate's policies repeat few patterns, asked about few actions
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


class _Scope(NamedTuple):
    """What one statement covers: its action patterns (all but these with `NotAction`),
    the ones without wildcards as a set of lower-case names, and its resource patterns
    (all but these with `NotResource`, whose `*` excludes nothing)."""

    not_action: bool
    names: frozenset[str]  # action patterns without wildcards, lower-case
    wildcards: tuple[str, ...]  # the other action patterns
    not_resource: bool
    resources: tuple[str, ...]

    @classmethod
    def of(cls, statement: Mapping[str, Any]) -> _Scope:
        not_action = "NotAction" in statement
        actions = _texts(as_list(statement["NotAction"] if not_action else statement.get("Action")))
        names = frozenset(a.lower() for a in actions if "*" not in a and "?" not in a)
        wildcards = tuple(a for a in actions if "*" in a or "?" in a)
        return cls(not_action, names, wildcards, *_resources(statement))

    def covers_action(self, action: str) -> bool:
        hit = action.lower() in self.names or any(action_matches(p, action) for p in self.wildcards)
        return hit != self.not_action

    def covers(self, action: str, resource: str) -> bool:
        if not self.covers_action(action):
            return False
        return _resource_covered(self.not_resource, self.resources, resource)


def _texts(values: Iterable[Any]) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


def _resources(statement: Mapping[str, Any]) -> tuple[bool, tuple[str, ...]]:
    """(NotResource?, its patterns): a `NotResource` `*` excludes nothing."""
    if "NotResource" in statement:
        return True, _texts(p for p in as_list(statement["NotResource"]) if p != "*")
    return False, _texts(as_list(statement.get("Resource")))


def _resource_covered(excluding: bool, patterns: tuple[str, ...], resource: str) -> bool:
    return any(_resource_matches(p, resource) for p in patterns) != excluding


def _covers_resource(statement: Mapping[str, Any], resource: str) -> bool:
    return _resource_covered(*_resources(statement), resource)


class Grants:
    """A document's `Allow` statements and unconditional `Deny` statements, read once, to
    ask `may_allow`, `allows` and `denies` many times (the escalation derivation asks
    each principal about a dozen actions and many resources). The three functions of
    the same names are these questions asked once."""

    __slots__ = ("_allow", "_deny", "_may")

    def __init__(
        self, document: Any, read: dict[int, tuple[Mapping[str, Any], _Scope]] | None = None
    ) -> None:
        """`read`: statements already read, by id (with the statement, so that its id
        stays its own), shared by the Grants of documents that share statements."""
        self._allow: list[_Scope] = []
        self._deny: list[_Scope] = []  # a conditional Deny leaves the permission in place
        self._may: dict[str, bool] = {}
        for statement in statements(document):
            effect = statement.get("Effect")
            if effect != "Allow" and (effect != "Deny" or statement.get("Condition")):
                continue
            if read is None:
                scope = _Scope.of(statement)
            else:
                known = read.get(id(statement))
                if known is None or known[0] is not statement:
                    known = read[id(statement)] = (statement, _Scope.of(statement))
                scope = known[1]
            (self._allow if effect == "Allow" else self._deny).append(scope)

    def shared(self, known: dict[tuple[int, ...], Grants]) -> Grants:
        """A Grants of the very same statements read before (in `known`, which holds
        them), else this one, kept there: principals with the same managed policies and
        no inline ones then share the answers `may_allow` keeps."""
        key = (*map(id, self._allow), 0, *map(id, self._deny))
        return known.setdefault(key, self)

    def may_allow(self, action: str) -> bool:
        """Some `Allow` covers the action on some resource (answers kept per action)."""
        known = self._may.get(action)
        if known is None:
            known = self._may[action] = any(s.covers_action(action) for s in self._allow)
        return known

    def denies(self, action: str, resource: str = "*") -> bool:
        """An unconditional `Deny` covers the action on the resource."""
        return any(s.covers(action, resource) for s in self._deny)

    def allows(self, action: str, resource: str = "*") -> bool:
        """An `Allow` covers the pair and no unconditional `Deny` does."""
        return any(s.covers(action, resource) for s in self._allow) and not self.denies(
            action, resource
        )


def may_allow(document: Any, action: str) -> bool:
    """True when some `Allow` statement covers `action` on some resource (a cheap test
    before asking `allows` about each resource of an estate)."""
    return Grants(document).may_allow(action)


def allows(document: Any, action: str, resource: str = "*") -> bool:
    """True when the document allows `action` on `resource` (default: every resource).

    An Allow counts with or without a condition; a Deny cancels it only when it has no
    condition (a conditional deny leaves the permission in place for some requests).
    """
    return Grants(document).allows(action, resource)


def denies(document: Any, action: str, resource: str = "*") -> bool:
    """True when an unconditional `Deny` statement covers `action` on `resource`.

    With `may_allow` it answers "is the action allowed on some resource?" for actions
    whose resources are not known in advance (ec2:RunInstances, lambda:CreateFunction).
    """
    return Grants(document).denies(action, resource)


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


def grants_on_every_resource(
    document: Any, action: str, *, literal: bool = False
) -> list[tuple[int, Mapping[str, Any]]]:
    """(index, statement) of each `Allow` that grants `action` on every resource.

    With `literal`, the statement must name the pattern itself (`kms:*` for "full access
    to KMS"); otherwise any action pattern covering it counts (`sts:*` and `sts:Assume*`
    for `sts:AssumeRole`), except the administrator `*`, which `admin_reason` reports.
    `NotAction` statements are left to `admin_reason` too.
    """
    wanted = action.lower()
    out = []
    for index, statement in enumerate(statements(document)):
        if statement.get("Effect") != "Allow" or not _covers_resource(statement, "*"):
            continue
        patterns = {str(p).lower() for p in as_list(statement.get("Action"))} - {"*", "*:*"}
        if (wanted in patterns) if literal else any(action_matches(p, wanted) for p in patterns):
            out.append((index, statement))
    return out


def documents_of(resource: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(policy name, document) of each policy a pscan IAM resource holds.

    An `aws.iam.policy` holds its default version; a user, group or role its inline
    policies (its attached managed policies are resources of their own).
    """
    attributes: Mapping[str, Any] = resource.get("attributes") or {}
    if resource.get("type") == "aws.iam.policy":
        return [(str(resource.get("name") or resource.get("id")), attributes.get("document"))]
    return [
        (str(inline.get("name")), inline.get("document"))
        for inline in as_list(attributes.get("inline_policies"))
        if isinstance(inline, Mapping)
    ]


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


def _pins(operator: str, key: str, values: list[Any]) -> bool:
    """True when one condition test admits only known callers."""
    qualifier, _, op = operator.lower().rpartition(":")  # ForAnyValue:/ForAllValues:
    # Negated tests ("everyone but X"), IfExists tests (callers without the key pass),
    # ForAllValues tests (true when the request has no value for the key at all) and
    # Null tests say nothing about who the caller is.
    if "not" in op or op.endswith("ifexists") or op == "null" or qualifier == "forallvalues":
        return False
    if key not in LIMITING_CONDITION_KEYS or not values:
        return False
    texts = [str(v) for v in values]
    if any(t.strip("*?") == "" for t in texts):  # "*", "?*": any value at all
        return False
    return not (key in _IP_KEYS and any(cidr_is_internet(t) for t in texts))


def limits_callers(statement: Mapping[str, Any]) -> bool:
    """True when a condition of the statement pins it to known callers.

    A test pins when it is a positive test (not `StringNotEquals`, not `...IfExists`, not
    `ForAllValues:`, not `Null`) of one of `LIMITING_CONDITION_KEYS` with a concrete
    value: an account, organization, source ARN, VPC or VPC endpoint, or an IP range
    narrower than the internet.
    """
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    for operator, tests in condition.items():
        if not isinstance(tests, Mapping):
            continue
        for key, value in tests.items():
            if _pins(str(operator), str(key).lower(), as_list(value)):
                return True
    return False


def is_public_statement(statement: Mapping[str, Any]) -> bool:
    """An Allow for any principal that no condition pins to known callers.

    Any principal: `Principal: "*"`, a `*` principal of any kind (`{"AWS": "*"}`), or
    `NotPrincipal` (an Allow for everyone but the listed principals).
    """
    if statement.get("Effect") != "Allow":
        return False
    anyone = "NotPrincipal" in statement or any(v == "*" for _, v in principals(statement))
    return anyone and not limits_callers(statement)


def is_public_policy(document: Any) -> bool:
    """True when some statement of a resource policy admits anyone (`is_public_statement`)."""
    return any(is_public_statement(s) for s in statements(document))


def denies_insecure_transport(document: Any) -> bool:
    """True when a `Deny` statement applies to requests where `aws:SecureTransport` is false."""
    for statement in statements(document):
        if statement.get("Effect") != "Deny":
            continue
        condition = statement.get("Condition")
        if not isinstance(condition, Mapping):
            continue
        for operator, tests in condition.items():
            if not str(operator).startswith("Bool") or not isinstance(tests, Mapping):
                continue
            for key, value in tests.items():
                if str(key).lower() == "aws:securetransport" and any(
                    str(v).lower() == "false" for v in as_list(value)
                ):
                    return True
    return False


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


def principal_node(kind: str, value: str) -> str:
    """The graph node id of a policy principal, as every reader names it.

    `principal:aws:*` (anyone), `principal:aws:account:<id>` (an account id or its root
    ARN), another principal's ARN, `principal:aws:service:<service>`,
    `principal:aws:federated:<idp>`, or `principal:aws:id:<unique id>` (the unique id IAM
    shows once the principal was deleted).
    """
    if kind in ("AWS", "*"):
        if value == "*":
            return "principal:aws:*"
        if _ACCOUNT_ID.match(value):
            return f"principal:aws:account:{value}"
        root = _ROOT_ARN.match(value)
        if root:
            return f"principal:aws:account:{root.group(1)}"
        if value.startswith("arn:"):
            return value
        return f"principal:aws:id:{value}"
    if kind == "Service":
        return f"principal:aws:service:{value}"
    if kind == "Federated":
        return value if value.startswith("arn:") else f"principal:aws:federated:{value}"
    return f"principal:aws:{kind.lower()}:{value}"


def _assumes_role(statement: Mapping[str, Any]) -> bool:
    actions = [str(a).lower() for a in as_list(statement.get("Action"))]
    if not actions:
        return "NotAction" in statement
    return any(a in ("*", "sts:*") or a.startswith("sts:assumerole") for a in actions)


def trust_targets(document: Any) -> dict[str, list[str]]:
    """Who a trust policy lets assume the role: principal node -> sorted condition keys.

    Only `Allow` statements that allow an `sts:AssumeRole*` action count; the condition
    keys are those of the first statement naming the principal (empty: unconditional).
    """
    out: dict[str, list[str]] = {}
    for statement in statements(document):
        if statement.get("Effect") != "Allow" or not _assumes_role(statement):
            continue
        keys = sorted(condition_keys(statement))
        for kind, value in principals(statement):
            out.setdefault(principal_node(kind, value), keys)
    return out
