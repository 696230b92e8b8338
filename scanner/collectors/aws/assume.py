"""Sessions in member accounts through sts:AssumeRole, renewed before the credentials expire.

AssumeRole credentials last an hour by default, and an `--org` run over many accounts
can take longer. The session's credentials are botocore `RefreshableCredentials` whose
refresh calls AssumeRole again: botocore renews them on the next API call once they are
within 15 minutes of expiry (one thread refreshes, the others go on with the old ones)
and makes every thread wait for new ones in the last 10 minutes. The first AssumeRole is
made at once, so a role that cannot be assumed fails here, before any work is queued.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import botocore.session
from botocore.credentials import CredentialProvider, CredentialResolver, RefreshableCredentials

from scanner.collectors.aws.context import AccountClients

__all__ = ["SESSION_NAME", "assume_role_session"]

SESSION_NAME = "pscan-collect"
_METHOD = "pscan-assume-role"


def _utcnow() -> datetime:
    return datetime.now(UTC)


class _Provider(CredentialProvider):  # type: ignore[misc]
    """Hands botocore the refreshable credentials (the session's only provider)."""

    METHOD = _METHOD

    def __init__(self, credentials: RefreshableCredentials) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> RefreshableCredentials:
        return self._credentials


def assume_role_session(
    base: AccountClients,
    role_arn: str,
    *,
    home: str,
    region_name: str,
    external_id: str | None = None,
    clock: Callable[[], datetime] = _utcnow,
) -> Any:
    """A boto3 Session in the role's account whose credentials renew themselves.

    AssumeRole is called through `base`'s guarded STS client in `home`; `clock` is the
    time botocore compares the expiry with (tests move it forward). Raises the
    ClientError (or connection error) of the first AssumeRole.
    """
    kwargs: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": SESSION_NAME}
    if external_id:
        kwargs["ExternalId"] = external_id

    def fetch() -> dict[str, str]:
        credentials = base.client("sts", home).assume_role(**kwargs)["Credentials"]
        return {
            "access_key": credentials["AccessKeyId"],
            "secret_key": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
            "expiry_time": credentials["Expiration"].isoformat(),
        }

    first = fetch()
    credentials = RefreshableCredentials(
        access_key=first["access_key"],
        secret_key=first["secret_key"],
        token=first["token"],
        expiry_time=datetime.fromisoformat(first["expiry_time"]),
        refresh_using=fetch,
        method=_METHOD,
        time_fetcher=clock,
    )
    session = botocore.session.Session()
    session.register_component("credential_provider", CredentialResolver([_Provider(credentials)]))
    return boto3.Session(botocore_session=session, region_name=region_name)
