"""scanner.policy.iam: documents read the way IAM reads them."""

from __future__ import annotations

import fnmatch
import json
from typing import Any

import pytest

from scanner.policy.iam import (
    Grants,
    account_of,
    action_matches,
    admin_reason,
    admin_statements,
    allows,
    as_list,
    condition_keys,
    denies,
    denies_insecure_transport,
    documents_of,
    grants_on_every_resource,
    is_public_policy,
    is_public_statement,
    may_allow,
    parse_document,
    principals,
    statements,
    trust_grants,
)

ADMIN = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def test_as_list_and_parse_document() -> None:
    assert as_list(None) == []
    assert as_list("s3:GetObject") == ["s3:GetObject"]
    assert as_list(["a", "b"]) == ["a", "b"]
    assert parse_document(json.dumps(ADMIN)) == ADMIN
    assert parse_document("not json") is None
    assert parse_document(42) is None


def test_statements_accepts_single_statement_and_text() -> None:
    single = {"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}
    assert len(statements(single)) == 1
    assert len(statements(json.dumps(ADMIN))) == 1
    assert statements(None) == []
    assert statements({"Statement": ["junk", {"Effect": "Deny"}]}) == [{"Effect": "Deny"}]


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("*", "iam:PassRole", True),
        ("*:*", "iam:PassRole", True),
        ("iam:*", "iam:PassRole", True),
        ("iam:Pass*", "iam:passrole", True),
        ("iam:Put?olePolicy", "iam:PutRolePolicy", True),
        ("s3:*", "iam:PassRole", False),
        ("iam:[P]assRole", "iam:PassRole", False),  # IAM has no character classes
    ],
)
def test_action_matches(pattern: str, action: str, expected: bool) -> None:
    assert action_matches(pattern, action) is expected


def test_allows_action_resource_notaction_notresource_and_deny() -> None:
    doc = {
        "Statement": [
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::1:role/app/*"},
            {"Effect": "Allow", "NotAction": ["s3:*"], "Resource": "*"},
        ]
    }
    assert allows(doc, "iam:CreatePolicyVersion")  # through NotAction
    assert not allows(doc, "s3:GetObject", "*")
    assert allows(doc, "iam:PassRole", "arn:aws:iam::1:role/app/worker")
    denied = {
        "Statement": [
            {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"},
        ]
    }
    assert not allows(denied, "iam:PassRole")
    assert allows(denied, "iam:GetRole")
    conditional_deny = {
        "Statement": [
            {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
            {
                "Effect": "Deny",
                "Action": "iam:*",
                "Resource": "*",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
            },
        ]
    }
    assert allows(conditional_deny, "iam:PassRole")  # allowed whenever MFA is present
    not_resource = {"Statement": [{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:x"}]}
    assert allows(not_resource, "s3:GetObject", "*")


def test_admin_reason() -> None:
    assert admin_reason({"Effect": "Allow", "Action": "*:*", "Resource": ["*"]})
    assert admin_reason({"Effect": "Allow", "NotAction": "budgets:*", "Resource": "*"})
    assert admin_reason({"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"}) is None
    assert admin_reason({"Effect": "Deny", "Action": "*", "Resource": "*"}) is None
    assert admin_reason({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::x"}) is None
    assert admin_reason({"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::x"})
    assert [i for i, _, _ in admin_statements(ADMIN)] == [0]


def test_principals_and_condition_keys() -> None:
    assert principals({"Principal": "*"}) == [("*", "*")]
    assert principals({"Principal": {"AWS": ["1", "*"], "Service": "ec2.amazonaws.com"}}) == [
        ("AWS", "1"),
        ("AWS", "*"),
        ("Service", "ec2.amazonaws.com"),
    ]
    statement = {"Condition": {"StringEquals": {"sts:ExternalId": "x", "aws:PrincipalOrgID": "o"}}}
    assert condition_keys(statement) == {"sts:externalid", "aws:principalorgid"}


def test_is_public_statement() -> None:
    assert is_public_statement({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"})
    assert is_public_statement(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Condition": {"Bool": {"aws:SecureTransport": "true"}},  # does not pin the caller
        }
    )
    assert not is_public_statement(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-123"}},
        }
    )
    assert is_public_statement(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Condition": {"StringLike": {"aws:PrincipalOrgID": "*"}},  # a wildcard pins nothing
        }
    )
    assert not is_public_statement({"Effect": "Deny", "Principal": "*"})
    assert not is_public_statement({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}})


def test_account_of_and_trust_grants() -> None:
    assert account_of("123456789012") == "123456789012"
    assert account_of("arn:aws:iam::123456789012:role/x") == "123456789012"
    assert account_of("arn:aws:sts::123456789012:assumed-role/x/y") == "123456789012"
    assert account_of("ec2.amazonaws.com") is None
    trust = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ["arn:aws:iam::210987654321:root", "111111111111"]},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "abc"}},
            },
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}},
            {"Effect": "Deny", "Principal": "*"},
        ]
    }
    grants = trust_grants(trust)
    assert [(g.kind, g.account, g.is_account_root) for g in grants] == [
        ("AWS", "210987654321", True),
        ("AWS", "111111111111", True),
        ("Service", None, False),
    ]
    assert grants[0].has_condition("STS:ExternalId")
    assert not grants[2].has_condition("sts:ExternalId")
    assert trust_grants({"Statement": [{"Effect": "Allow", "Principal": "*"}]})[0].is_wildcard


def test_parse_document_url_encoding_and_non_documents() -> None:
    doc = {"Version": "2012-10-17", "Statement": []}
    assert (
        parse_document("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D") == doc
    )
    assert parse_document("  %7b%22Statement%22%3A%5B%5D%7D") == {"Statement": []}
    assert parse_document(None) is None
    assert parse_document("") is None
    assert parse_document("[1, 2]") is None  # JSON, but not a document
    assert parse_document("(known after apply)") is None


def _doc(**statement: object) -> dict[str, object]:
    return {"Statement": [statement]}


@pytest.mark.parametrize(
    ("statement", "public"),
    [
        ({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}, True),
        ({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sqs:*"}, True),
        ({"Effect": "Allow", "Principal": {"AWS": ["123456789012", "*"]}}, True),
        ({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}}, True),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
            },
            False,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Condition": {"StringEquals": {"AWS:PrincipalOrgID": "o-1"}},
            },
            False,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "true"}},
            },
            True,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Condition": {"StringNotEquals": {"aws:SourceAccount": "111122223333"}},
            },
            True,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Condition": {"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}},
            },
            True,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "::/0"]}},
            },
            True,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            },
            False,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Condition": {"ForAnyValue:StringEquals": {"aws:PrincipalOrgPaths": "o-1/r-1/"}},
            },
            False,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": []}},  # no value pins nothing
            },
            True,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                # true for a request without the key: callers outside any organization
                "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalOrgPaths": "o-1/"}},
            },
            True,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Condition": {"Null": {"aws:SourceVpce": "false"}},  # any endpoint at all
            },
            True,
        ),
        ({"Effect": "Deny", "Principal": "*", "Action": "s3:*"}, False),
        ({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}}, False),
        ({"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}}, False),
    ],
)
def test_is_public_policy(statement: dict[str, object], public: bool) -> None:
    assert is_public_policy(_doc(**statement)) is public
    assert is_public_policy(json.dumps(_doc(**statement))) is public


def test_is_public_policy_of_non_documents() -> None:
    assert not is_public_policy(None)
    assert not is_public_policy("not json")
    assert not is_public_policy({"Statement": "junk"})


def test_denies_insecure_transport() -> None:
    deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    assert denies_insecure_transport(_doc(**deny))
    assert denies_insecure_transport(json.dumps(_doc(**deny)))
    assert denies_insecure_transport(
        _doc(**dict(deny, Condition={"BoolIfExists": {"AWS:SecureTransport": [False]}}))
    )
    assert not denies_insecure_transport(_doc(**dict(deny, Effect="Allow")))
    assert not denies_insecure_transport(
        _doc(**dict(deny, Condition={"Bool": {"aws:SecureTransport": "true"}}))
    )
    assert not denies_insecure_transport(None)


def test_may_allow_is_true_when_some_allow_covers_the_action() -> None:
    document = {
        "Statement": [
            {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::assets/*"},
            {"Effect": "Deny", "Action": "sqs:*", "Resource": "*"},
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:dynamodb:*"},
        ]
    }
    assert may_allow(document, "s3:GetObject")  # on one bucket only, but somewhere
    assert not may_allow(document, "iam:PassRole")  # only NotAction names it
    assert may_allow(document, "sqs:SendMessage")  # NotAction iam:* leaves sqs allowed
    assert not may_allow({"Statement": []}, "s3:GetObject")
    assert may_allow(json.dumps(ADMIN), "anything:AtAll")  # the JSON text form too


def test_denies_only_unconditional_denies_covering_the_pair() -> None:
    document = {
        "Statement": [
            {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "arn:aws:iam::1:role/admin"},
            {
                "Effect": "Deny",
                "Action": "iam:CreateAccessKey",
                "Resource": "*",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
            },
        ]
    }
    assert denies(document, "iam:PassRole", "arn:aws:iam::1:role/admin")
    assert not denies(document, "iam:PassRole", "*")  # only one role is denied
    assert not denies(document, "iam:CreateAccessKey", "*")  # conditional
    assert not denies(document, "iam:AttachUserPolicy", "*")


# ---------------------------------------------------------------------- grants on every resource
def test_grants_on_every_resource_literal_and_covering() -> None:
    document = {
        "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "KMS:*"], "Resource": "*"},
            {"Effect": "Allow", "Action": "sts:Assume*", "NotResource": "arn:aws:iam::1:role/x"},
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::1:role/y"},
            {"Effect": "Deny", "Action": "cloudtrail:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
        ]
    }
    assert [i for i, _ in grants_on_every_resource(document, "kms:*", literal=True)] == [0]
    # a covering pattern counts unless literal; the admin "*" never does
    assert [i for i, _ in grants_on_every_resource(document, "sts:AssumeRole")] == [1]
    assert grants_on_every_resource(document, "sts:AssumeRole", literal=True) == []
    assert grants_on_every_resource(document, "cloudtrail:*", literal=True) == []
    assert grants_on_every_resource("not json", "kms:*") == []


def test_documents_of_managed_and_inline() -> None:
    managed = {"type": "aws.iam.policy", "name": "p", "attributes": {"document": {"x": 1}}}
    role = {
        "type": "aws.iam.role",
        "name": "r",
        "attributes": {"inline_policies": [{"name": "a", "document": "{}"}, "junk"]},
    }
    assert documents_of(managed) == [("p", {"x": 1})]
    assert documents_of(role) == [("a", "{}")]
    assert documents_of({"type": "aws.iam.user", "attributes": {}}) == []


def _reference_allows(document: dict[str, Any], action: str, resource: str) -> bool:
    """IAM's rule read statement by statement: an Allow covering the pair counts unless
    an unconditional Deny covers it too (`NotAction` / `NotResource` invert the lists)."""

    def listed(value: Any) -> list[str]:
        return [str(v) for v in (value if isinstance(value, list) else [value])] if value else []

    def covers(statement: dict[str, Any]) -> bool:
        if "NotAction" in statement:
            hit = not any(action_matches(p, action) for p in listed(statement["NotAction"]))
        else:
            hit = any(action_matches(p, action) for p in listed(statement.get("Action")))
        if "NotResource" in statement:
            excluded = [p for p in listed(statement["NotResource"]) if p != "*"]
            return hit and not any(fnmatch.fnmatchcase(resource, p) for p in excluded)
        patterns = listed(statement.get("Resource"))
        return hit and any(
            p == "*" or (resource != "*" and fnmatch.fnmatchcase(resource, p)) for p in patterns
        )

    granted = False
    for statement in document["Statement"]:
        if covers(statement):
            if statement["Effect"] == "Deny" and not statement.get("Condition"):
                return False
            granted = granted or statement["Effect"] == "Allow"
    return granted


def test_grants_answer_as_iam_reads_each_statement() -> None:
    """`Grants` reads a document once; its answers are the statement-by-statement ones,
    for every mix of Action/NotAction, Resource/NotResource, Deny and Condition."""
    actions: list[dict[str, Any]] = [
        {"Action": "s3:Get*"},
        {"Action": ["iam:PassRole", "s3:*"]},
        {"NotAction": "s3:*"},
        {"NotAction": []},
        {"Action": "*"},
    ]
    resources: list[dict[str, Any]] = [
        {"Resource": "*"},
        {"Resource": ["arn:aws:s3:::a/*"]},
        {"NotResource": "*"},
        {"NotResource": "arn:aws:s3:::a/*"},
        {},
    ]
    condition = {"Bool": {"aws:SecureTransport": "false"}}
    kinds: list[dict[str, Any]] = [
        {"Effect": "Allow"},
        {"Effect": "Deny"},
        {"Effect": "Deny", "Condition": condition},
    ]
    statements = [{**k, **a, **r} for k in kinds for a in actions for r in resources]
    questions = [(a, r) for a in ("s3:GetObject", "iam:PassRole", "ec2:RunInstances")
                 for r in ("*", "arn:aws:s3:::a/key", "arn:aws:s3:::b/key")]  # fmt: skip
    checked = 0
    for first in statements:
        for second in statements[::7]:
            document = {"Statement": [first, second]}
            grants = Grants(document)
            for action, resource in questions:
                expected = _reference_allows(document, action, resource)
                assert grants.allows(action, resource) is expected, (document, action, resource)
                assert allows(document, action, resource) is expected
                checked += 1
            for action, _ in questions:
                some = any(_reference_allows(document, action, r) for r in ("*", "x"))
                assert grants.may_allow(action) is grants.may_allow(action)  # kept answer
                if some:
                    assert grants.may_allow(action)
    assert checked == 75 * 11 * 9


def test_grants_of_the_same_statements_are_shared() -> None:
    """Principals with the same managed policies share one Grants (and its kept answers);
    one with a statement of its own has its own."""
    managed = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
    inline = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    read: dict[int, Any] = {}
    known: dict[tuple[int, ...], Grants] = {}
    first = Grants({"Statement": [managed]}, read).shared(known)
    second = Grants({"Statement": [managed]}, read).shared(known)
    own = Grants({"Statement": [managed, inline]}, read).shared(known)
    assert second is first and own is not first
    assert own.may_allow("s3:GetObject") and not first.may_allow("s3:GetObject")
    denied = Grants({"Statement": [managed, {**managed, "Effect": "Deny"}]}, read).shared(known)
    assert denied is not first and not denied.allows("iam:PassRole")
