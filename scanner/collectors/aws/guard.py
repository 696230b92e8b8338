"""The read-only guard: every AWS call pscan makes passes a botocore hook that refuses writes.

`install_guard` registers a `before-call` handler on a client. Before each API call it
sees the operation name and lets it through only when it reads: a name starting with
one of `READ_PREFIXES` (Describe, List, Get, ...) or one of the named exceptions in
`ALLOWED_OPERATIONS` (GenerateCredentialReport, AssumeRole). Reads that return data
rather than configuration (secret values, objects, parameters, credentials) are refused
too (`DENIED_OPERATIONS`): pscan inventories settings, never contents. A refused call
raises `ReadOnlyViolation` before any request leaves the process.

The same module holds the S3 Control endpoint fix: with a custom `endpoint_url`,
botocore prefixes S3 Control hosts with the account id (`123456789012.localhost`), which
emulators and private endpoints do not serve; `strip_account_label` removes that label.
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from collections.abc import Callable
from typing import Any

from scanner.errors import CollectorError

__all__ = [
    "ALLOWED_OPERATIONS",
    "DENIED_OPERATIONS",
    "READ_PREFIXES",
    "ReadOnlyViolation",
    "install_guard",
    "is_read_operation",
    "strip_account_label",
]

logger = logging.getLogger(__name__)

READ_PREFIXES = ("Describe", "List", "Get", "Search", "Lookup", "BatchGet")

# Operations that do not read by name but that collection needs. Neither changes a
# resource: GenerateCredentialReport asks IAM to (re)build the account's credential
# report; AssumeRole hands out credentials for a member account's audit role.
ALLOWED_OPERATIONS = frozenset({"GenerateCredentialReport", "AssumeRole"})

# Reads of data or credentials: never needed to judge configuration.
DENIED_OPERATIONS = frozenset(
    {
        "BatchGetSecretValue",
        "GetSecretValue",
        "GetObject",
        "GetObjectTorrent",
        "GetParameter",
        "GetParameters",
        "GetParametersByPath",
        "GetParameterHistory",
        "GetPasswordData",
        "GetConsoleOutput",
        "GetConsoleScreenshot",
        "GetAuthorizationToken",
        "GetSessionToken",
        "GetFederationToken",
        "GetRoleCredentials",
        "GetCredentialsForIdentity",
        "GetClusterCredentials",
        "GetDataKey",
        "GetQueryResults",
    }
)


class ReadOnlyViolation(CollectorError):
    """A collector tried to call an operation that is not on the read allow-list."""


def is_read_operation(operation: str) -> bool:
    """True when the guard lets `operation` (a botocore operation name) through."""
    if operation in DENIED_OPERATIONS:
        return False
    return operation in ALLOWED_OPERATIONS or operation.startswith(READ_PREFIXES)


def install_guard(client: Any, on_call: Callable[[str, str], None] | None = None) -> None:
    """Register the read-only check on `client`; `on_call(service, operation)` sees every call.

    `on_call` is called before the check, so an attempted write is recorded too.
    """

    def _check(model: Any, **_: Any) -> None:
        service = str(model.service_model.service_name)
        operation = str(model.name)
        if on_call is not None:
            on_call(service, operation)
        if not is_read_operation(operation):
            msg = (
                f"refused {service}:{operation}: pscan collectors make read-only calls only"
                f" ({', '.join(READ_PREFIXES)}* or {', '.join(sorted(ALLOWED_OPERATIONS))});"
                " this is a bug in the collector, please report it"
            )
            logger.error("%s", msg)
            raise ReadOnlyViolation(msg)

    client.meta.events.register("before-call", _check)


_ACCOUNT_LABEL = re.compile(r"^\d{12}\.")


def strip_account_label(endpoint_url: str) -> Callable[..., None]:
    """A `before-send.s3-control` handler that undoes botocore's account-id host prefix.

    Only a request whose host is `<12 digits>.<host of endpoint_url>` is changed, so the
    handler is inert for AWS's own endpoints.
    """
    expected = urllib.parse.urlsplit(endpoint_url).netloc

    def _strip(request: Any, **_: Any) -> None:
        parts = urllib.parse.urlsplit(request.url)
        if _ACCOUNT_LABEL.match(parts.netloc) and _ACCOUNT_LABEL.sub("", parts.netloc) == expected:
            request.url = urllib.parse.urlunsplit(parts._replace(netloc=expected))
            if "Host" in request.headers:
                request.headers["Host"] = expected

    return _strip
