"""Shared normalisers: times, tags, policy documents, principals, CIDRs, key ids."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from scanner.collectors.aws.normalise import (
    cidr_is_internet,
    denies_insecure_transport,
    encrypted_by,
    is_public_policy,
    iso,
    jsonable,
    kms_key_arn,
    parse_policy,
    tags_of,
    trusted_principals,
)


def test_iso_accepts_every_aws_spelling() -> None:
    assert iso(datetime(2024, 5, 1, 12, 0, 0, 123, tzinfo=UTC)) == "2024-05-01T12:00:00Z"
    assert iso(datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))) == (
        "2024-05-01T12:00:00Z"
    )
    assert iso(datetime(2024, 5, 1, 12, 0)) == "2024-05-01T12:00:00Z"
    assert iso("2024-05-01T12:00:00.000+0000") == "2024-05-01T12:00:00Z"
    assert iso("2024-05-01T12:00:00Z") == "2024-05-01T12:00:00Z"
    assert iso(date(2024, 5, 1)) == "2024-05-01T00:00:00Z"
    assert iso(1714564800) == "2024-05-01T12:00:00Z"
    assert iso(None) is None and iso("") is None and iso("N/A") is None


def test_tags_of_every_shape() -> None:
    assert tags_of([{"Key": "a", "Value": "1"}, {"key": "b", "value": "2"}]) == {"a": "1", "b": "2"}
    assert tags_of({"a": "1", "b": None}) == {"a": "1", "b": ""}
    assert tags_of(None) == {}


def test_parse_policy_from_dict_json_and_url_encoding() -> None:
    doc = {"Version": "2012-10-17", "Statement": []}
    assert parse_policy(doc) == doc
    assert parse_policy('{"Version": "2012-10-17", "Statement": []}') == doc
    assert parse_policy("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D") == doc
    assert parse_policy("not json") is None and parse_policy(None) is None


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
        ({"Effect": "Deny", "Principal": "*", "Action": "s3:*"}, False),
        ({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}}, False),
        ({"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}}, False),
    ],
)
def test_is_public_policy(statement: dict[str, object], public: bool) -> None:
    assert is_public_policy(_doc(**statement)) is public


def test_denies_insecure_transport() -> None:
    deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    assert denies_insecure_transport(_doc(**deny))
    assert denies_insecure_transport(
        _doc(**dict(deny, Condition={"BoolIfExists": {"aws:SecureTransport": [False]}}))
    )
    assert not denies_insecure_transport(_doc(**dict(deny, Effect="Allow")))
    assert not denies_insecure_transport(None)


def test_trusted_principals_every_kind() -> None:
    trust = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {
                    "AWS": [
                        "arn:aws:iam::111111111111:root",
                        "222222222222",
                        "arn:aws:iam::333333333333:role/ci",
                        "*",
                        "AROAEXAMPLEDELETED",
                    ],
                    "Service": "ec2.amazonaws.com",
                    "Federated": [
                        "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com",
                        "cognito-identity.amazonaws.com",
                    ],
                },
                "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"],
                "Condition": {"StringEquals": {"sts:ExternalId": "x"}},
            },
            {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"},
            {"Effect": "Allow", "Principal": {"AWS": "444444444444"}, "Action": "sts:TagSession"},
        ]
    }
    relations = trusted_principals(trust)
    assert [r.target for r in relations] == [
        "principal:aws:account:111111111111",
        "principal:aws:account:222222222222",
        "arn:aws:iam::333333333333:role/ci",
        "principal:aws:*",
        "principal:aws:id:AROAEXAMPLEDELETED",
        "principal:aws:service:ec2.amazonaws.com",
        "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com",
        "principal:aws:federated:cognito-identity.amazonaws.com",
    ]
    assert {r.type for r in relations} == {"trusts"}
    assert relations[0].properties == {"condition_keys": ["sts:externalid"]}


@pytest.mark.parametrize(
    ("cidr", "internet"),
    [
        ("0.0.0.0/0", True),
        ("0.0.0.0/7", True),
        ("0.0.0.0/8", False),
        ("::/0", True),
        ("2000::/15", True),
        ("2000::/16", False),
        ("10.0.0.0/8", False),
        ("bogus", False),
    ],
)
def test_cidr_is_internet(cidr: str, internet: bool) -> None:
    assert cidr_is_internet(cidr) is internet


def test_kms_key_arn_and_relation() -> None:
    key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
    arn = kms_key_arn(key_id, partition="aws", region="eu-west-1", account="111111111111")
    assert arn == f"arn:aws:kms:eu-west-1:111111111111:key/{key_id}"
    assert kms_key_arn("alias/aws/s3", partition="aws", region="r", account="a") == "alias/aws/s3"
    assert [r.target for r in encrypted_by(arn)] == [arn]
    assert encrypted_by("arn:aws:kms:eu-west-1:1:alias/x") == [] and encrypted_by(None) == []


def test_jsonable_drops_bytes_and_metadata_and_masks() -> None:
    value = {
        "ResponseMetadata": {"RequestId": "x"},
        "When": datetime(2024, 1, 1, tzinfo=UTC),
        "Blob": b"\x00",
        "MasterUserPassword": "hunter2hunter2",
        "Items": [b"\x01", 1],
    }
    assert jsonable(value) == {
        "When": "2024-01-01T00:00:00Z",
        "MasterUserPassword": "hu**********",
        "Items": [1],
    }
