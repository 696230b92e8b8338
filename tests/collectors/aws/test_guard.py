"""The read-only guard and the S3 Control endpoint fix."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from scanner.collectors.aws.context import AccountClients, CollectOptions
from scanner.collectors.aws.guard import (
    ReadOnlyViolation,
    install_guard,
    is_read_operation,
    strip_account_label,
)

from .conftest import ACCOUNT, REGION, Moto


@pytest.mark.parametrize(
    "operation",
    [
        "DescribeInstances",
        "ListBuckets",
        "GetBucketPolicy",
        "GetAccountAuthorizationDetails",
        "GenerateCredentialReport",
        "AssumeRole",
        "GetCallerIdentity",
        "SearchResources",
        "LookupEvents",
        "BatchGetRepositoryScanningConfiguration",
    ],
)
def test_reads_are_allowed(operation: str) -> None:
    assert is_read_operation(operation)


@pytest.mark.parametrize(
    "operation",
    [
        "CreateVpc",
        "RunInstances",
        "PutBucketPolicy",
        "DeleteBucket",
        "AttachRolePolicy",
        "UpdateAccountPasswordPolicy",
        "StartLogging",
        "TagResource",
        "Invoke",
        "GetSecretValue",
        "BatchGetSecretValue",
        "GetObject",
        "GetParameters",
        "GetPasswordData",
        "GetAuthorizationToken",
    ],
)
def test_writes_and_data_reads_are_refused(operation: str) -> None:
    assert not is_read_operation(operation)


def test_a_write_through_a_collector_client_is_refused(moto: Moto) -> None:
    calls: list[tuple[str, str]] = []
    clients = AccountClients(
        moto.session(),
        CollectOptions(endpoint_url=moto.endpoint, on_api_call=lambda s, o: calls.append((s, o))),
    )
    ec2 = clients.client("ec2", REGION)
    before = len(moto.client("ec2").describe_vpcs()["Vpcs"])
    with pytest.raises(ReadOnlyViolation, match="refused ec2:CreateVpc"):
        ec2.create_vpc(CidrBlock="10.1.0.0/16")
    assert len(moto.client("ec2").describe_vpcs()["Vpcs"]) == before  # nothing was sent
    secrets = clients.client("secretsmanager", REGION)
    with pytest.raises(ReadOnlyViolation, match="GetSecretValue"):
        secrets.get_secret_value(SecretId="x")
    assert ec2.describe_vpcs()["Vpcs"]  # reads go through
    assert calls == [
        ("ec2", "CreateVpc"),
        ("secretsmanager", "GetSecretValue"),
        ("ec2", "DescribeVpcs"),
    ]


def test_guard_on_a_plain_client_records_before_refusing(moto: Moto) -> None:
    client = moto.session().client("sqs", endpoint_url=moto.endpoint)
    seen: list[str] = []
    install_guard(client, lambda _s, op: seen.append(op))
    with pytest.raises(ReadOnlyViolation):
        client.create_queue(QueueName="q")
    assert seen == ["CreateQueue"]
    assert client.list_queues().get("QueueUrls") is None


def _request(url: str) -> Any:
    return SimpleNamespace(url=url, headers={"Host": url.split("/")[2]})


def test_strip_account_label_only_for_the_custom_endpoint() -> None:
    handler = strip_account_label("http://127.0.0.1:5000")
    request = _request(f"http://{ACCOUNT}.127.0.0.1:5000/v20180820/configuration/publicAccessBlock")
    handler(request=request)
    assert request.url == "http://127.0.0.1:5000/v20180820/configuration/publicAccessBlock"
    assert request.headers["Host"] == "127.0.0.1:5000"
    aws = _request(f"https://{ACCOUNT}.s3-control.us-east-1.amazonaws.com/v20180820/x")
    handler(request=aws)
    assert aws.url.startswith(f"https://{ACCOUNT}.s3-control")


def test_s3_control_is_reachable_through_a_custom_endpoint(moto: Moto) -> None:
    clients = AccountClients(moto.session(), CollectOptions(endpoint_url=moto.endpoint))
    s3control = clients.client("s3control", REGION)
    error = s3control.exceptions.NoSuchPublicAccessBlockConfiguration
    with pytest.raises(error):  # the emulator answered (no connection error)
        s3control.get_public_access_block(AccountId=ACCOUNT)
