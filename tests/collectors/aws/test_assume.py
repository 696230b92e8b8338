"""Member-account sessions: AssumeRole credentials renew themselves before they expire."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from scanner.collectors.aws.assume import assume_role_session
from scanner.collectors.aws.context import AccountClients, CollectOptions, is_expected_error

from .conftest import REGION, Moto
from .test_collect import _sts_denied, inject, seed_organization


class _Member:
    """A member account entered through the audit role, on a clock the test moves."""

    def __init__(self, moto: Moto) -> None:
        self.member = seed_organization(moto)[0]
        moto.client("s3", account=self.member).create_bucket(Bucket="member-data")
        self.now = datetime.now().astimezone()
        self.expiries: list[datetime] = []
        self.keys: list[str] = []
        self.deny = threading.Event()
        self._denied, _ = inject(403, _sts_denied())
        base = AccountClients(
            boto3.Session(region_name=REGION),
            CollectOptions(
                endpoint_url=moto.endpoint,
                max_attempts=1,
                handlers=(
                    ("after-call.sts.AssumeRole", self._expiry),
                    ("before-send.sts.AssumeRole", self._maybe_deny),
                ),
            ),
        )
        session = assume_role_session(
            base,
            f"arn:aws:iam::{self.member}:role/OrganizationAccountAccessRole",
            home=REGION,
            region_name=REGION,
            clock=lambda: self.now,
        )
        options = CollectOptions(
            endpoint_url=moto.endpoint,
            max_attempts=1,
            handlers=(("before-send.s3.ListBuckets", self._key),),
        )
        self.s3 = AccountClients(session, options).client("s3", REGION)

    def _expiry(self, parsed: dict[str, Any], **_: Any) -> None:
        if "Credentials" in parsed:  # not on an error answer
            self.expiries.append(parsed["Credentials"]["Expiration"])

    def _maybe_deny(self, **kwargs: Any) -> Any:
        return self._denied(**kwargs) if self.deny.is_set() else None

    def _key(self, request: Any, **_: Any) -> None:
        authorization = request.headers["Authorization"].decode()
        self.keys.append(authorization.split("Credential=")[1].split("/")[0])

    def buckets(self) -> list[str]:
        return [b["Name"] for b in self.s3.list_buckets()["Buckets"]]


def test_credentials_are_renewed_before_they_expire(moto: Moto) -> None:
    member = _Member(moto)
    assert member.buckets() == ["member-data"]
    assert len(member.expiries) == 1  # assumed once, when the session was made
    expiry = member.expiries[0]
    member.now = expiry - timedelta(minutes=20)  # still fresh: no renewal
    assert member.buckets() == ["member-data"]
    assert len(member.expiries) == 1
    member.now = expiry - timedelta(minutes=5)  # inside the last 10 minutes: renewed first
    assert member.buckets() == ["member-data"]
    assert len(member.expiries) == 2
    assert member.keys[0] == member.keys[1] != member.keys[2]  # the renewed key signs the call


def test_a_renewal_that_is_refused_is_an_expected_error(moto: Moto) -> None:
    member = _Member(moto)
    member.deny.set()
    member.now = member.expiries[0] + timedelta(minutes=1)
    with pytest.raises(ClientError) as caught:
        member.buckets()
    assert caught.value.operation_name == "AssumeRole"
    assert is_expected_error(caught.value)  # recorded as a collection error, the run goes on
