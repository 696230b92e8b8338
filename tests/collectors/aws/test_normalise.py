"""Shared normalisers: times, tags, trust principals, key ids.

Policy documents and CIDRs are read by scanner.policy: see tests/policy.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from scanner.collectors.aws.normalise import (
    encrypted_by,
    iso,
    jsonable,
    kms_key_arn,
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


def test_trusted_principals_reads_any_document_spelling() -> None:
    anyone = {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}}
    assert [r.target for r in trusted_principals(anyone)] == ["principal:aws:*"]
    text = '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "NotAction": "s3:*"}]}'
    assert [r.target for r in trusted_principals(text)] == ["principal:aws:*"]
    assert trusted_principals(None) == []


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
