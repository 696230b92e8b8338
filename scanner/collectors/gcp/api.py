"""Read Cloud Asset Inventory through ListAssets (google-cloud-asset, REST transport).

One `ApiSource` lists the assets of one or more scopes (`organizations/N`, `folders/N`,
`projects/ID`) in two passes, the way `scanner.collectors.gcp.collect` consumes them:

- `context_assets()`: resources of the context types (hierarchy, service accounts,
  compute projects), IAM policies of every selected type and the hierarchy, and the
  hierarchy's organisation policies;
- `resource_assets()`: resources of the other selected types, streamed page by page.

Every call pages through all results (`page_size` up to 1000) and retries transient
errors (HTTP 429, 500, 503, 504, connection errors) with exponential backoff
(`google.api_core.retry`); the client library applies the same retry to every page. All
calls after the first ask for the first response's `read_time`, so resources and
policies describe the same moment. An error that is not transient (or that outlasts the
retries) becomes a `CollectionError` and the other calls go on.

The REST transport is used everywhere (not only for emulators) so that the code path
the tests drive against a local fake is the one that runs against Google.

Credentials: Application Default Credentials. With `endpoint` (an emulator, a fake, a
private endpoint): a plain `http://` endpoint always gets anonymous credentials, so no
token is ever sent in clear; an `https://` endpoint uses ADC when there are any and
anonymous credentials otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from google.api_core import exceptions as gexc
from google.api_core import retry as gretry
from google.api_core.client_options import ClientOptions
from google.auth import exceptions as gauth
from google.auth.credentials import AnonymousCredentials, Credentials
from google.auth.exceptions import DefaultCredentialsError
from google.cloud import asset_v1

from scanner.collectors.gcp.common import Asset
from scanner.errors import CollectorError
from scanner.model import CollectionError

__all__ = [
    "API_ERRORS",
    "CLOUD_PLATFORM",
    "DEFAULT_PAGE_SIZE",
    "ApiSource",
    "asset_from_message",
    "close_client",
    "credentials_for",
    "error_details",
    "make_client",
    "make_retry",
]

logger = logging.getLogger(__name__)

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
DEFAULT_PAGE_SIZE = 1000

Progress = Callable[[str], None]

_CONTENT_NAMES = {
    asset_v1.ContentType.RESOURCE: "RESOURCE",
    asset_v1.ContentType.IAM_POLICY: "IAM_POLICY",
    asset_v1.ContentType.ORG_POLICY: "ORG_POLICY",
}

# Errors worth another try. OSError covers requests' connection errors and timeouts.
_TRANSIENT = (
    gexc.TooManyRequests,
    gexc.ResourceExhausted,
    gexc.InternalServerError,
    gexc.BadGateway,
    gexc.ServiceUnavailable,
    gexc.GatewayTimeout,
    gexc.DeadlineExceeded,
    OSError,
)


# What a failed call raises: an error answer, retries that ran out, or credentials that
# were refused (HTTP 401) and could not be refreshed (anonymous ones never can).
API_ERRORS = (gexc.GoogleAPICallError, gexc.RetryError, gauth.GoogleAuthError)


def make_retry(initial: float = 1.0, maximum: float = 32.0, timeout: float = 180.0) -> gretry.Retry:
    """Exponential backoff on transient errors; ListAssets quota is per minute, hence 180 s."""
    return gretry.Retry(
        predicate=gretry.if_exception_type(*_TRANSIENT),
        initial=initial,
        maximum=maximum,
        multiplier=2.0,
        timeout=timeout,
    )


def asset_from_message(message: Any) -> Asset:
    """An `Asset` from a `google.cloud.asset_v1.Asset` (the one dict form both sources share)."""
    return Asset.from_dict(
        asset_v1.Asset.to_dict(
            message,
            use_integers_for_enums=False,
            preserving_proto_field_name=True,
            always_print_fields_with_no_presence=False,
        )
    )


def _anonymous() -> Credentials:
    credentials: Credentials = AnonymousCredentials()  # type: ignore[no-untyped-call]
    return credentials


def credentials_for(endpoint: str | None) -> Credentials:
    """Credentials for a client at `endpoint` (see the module docstring).

    Raises:
        CollectorError: no endpoint and no Application Default Credentials.
    """
    if endpoint and endpoint.startswith("http://"):
        return _anonymous()
    import google.auth

    try:
        credentials, _project = google.auth.default(scopes=[CLOUD_PLATFORM])
    except DefaultCredentialsError as exc:
        if endpoint:
            logger.warning("no Application Default Credentials; calling %s anonymously", endpoint)
            return _anonymous()
        msg = (
            "no Google credentials found (Application Default Credentials): run"
            " `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS"
            f" to a service account key file ({exc})"
        )
        raise CollectorError(msg) from None
    result: Credentials = credentials
    return result


def make_client(
    endpoint: str | None = None, credentials: Credentials | None = None
) -> asset_v1.AssetServiceClient:
    """An AssetServiceClient on the REST transport, at `endpoint` when one is given."""
    options = ClientOptions(api_endpoint=endpoint) if endpoint else None
    return asset_v1.AssetServiceClient(
        credentials=credentials if credentials is not None else credentials_for(endpoint),
        transport="rest",
        client_options=options,
    )


def close_client(client: asset_v1.AssetServiceClient) -> None:
    """Close the client's HTTP session (its pooled connections)."""
    client.transport.close()  # type: ignore[no-untyped-call]


def _error_body(exc: BaseException) -> dict[str, Any]:
    """The `error` object of a Google JSON error response, or {} (also for gRPC errors)."""
    response = getattr(exc, "response", None)
    reader = getattr(response, "json", None)
    try:
        payload = reader() if callable(reader) else None
    except ValueError:
        return {}
    error = payload.get("error") if isinstance(payload, dict) else None
    return error if isinstance(error, dict) else {}


def _error_code(exc: BaseException, body: dict[str, Any]) -> str:
    """`PERMISSION_DENIED`, `UNAVAILABLE`, ...: the status the API names, else the class."""
    if body.get("status"):
        return str(body["status"])
    status = getattr(exc, "grpc_status_code", None)
    name = getattr(status, "name", None)
    return str(name) if name else type(exc).__name__


def error_details(exc: BaseException) -> tuple[str, str]:
    """(code, first line of the message) of a failed Google API call, REST or gRPC.

    A `RetryError` (the retries ran out) is described by its last cause; credentials
    refused and not refreshable are `UNAUTHENTICATED`.
    """
    cause = exc.cause if isinstance(exc, gexc.RetryError) and exc.cause else exc
    if isinstance(cause, gauth.RefreshError | gauth.InvalidOperation):
        return "UNAUTHENTICATED", f"credentials refused and not renewed: {cause}"[:500]
    body = _error_body(cause)
    message = body.get("message") or getattr(cause, "message", None) or str(cause)
    lines = str(message).strip().splitlines() or [type(cause).__name__]
    return _error_code(cause, body), lines[0][:500]


class ApiSource:
    """Assets of some scopes, read through ListAssets in the two passes the collector needs."""

    def __init__(
        self,
        client: asset_v1.AssetServiceClient,
        scopes: Sequence[str],
        *,
        context_types: Iterable[str],
        resource_types: Iterable[str],
        policy_types: Iterable[str],
        org_policy_types: Iterable[str],
        page_size: int = DEFAULT_PAGE_SIZE,
        retry: gretry.Retry | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.client = client
        self.scopes = list(scopes)
        self.context_types = sorted(set(context_types))
        self.resource_types = sorted(set(resource_types) - set(self.context_types))
        self.policy_types = sorted(set(policy_types))
        self.org_policy_types = sorted(set(org_policy_types))
        self.page_size = page_size
        self.retry = retry if retry is not None else make_retry()
        self.progress = progress or (lambda _text: None)
        self.errors: list[CollectionError] = []
        self.read_time: datetime | None = None
        self.calls = 0
        self.failed_calls = 0
        self.assets_read = 0
        # asset types whose resources were listed completely (in some scope)
        self.listed_types: set[str] = set()

    @property
    def description(self) -> str:
        """What was read, for the snapshot manifest's `source`."""
        return "gcp-cai-api"

    def context_assets(self) -> Iterator[Asset]:
        """Context resources, IAM policies and organisation policies of every scope."""
        for scope in self.scopes:
            yield from self._list(scope, asset_v1.ContentType.RESOURCE, self.context_types)
            yield from self._list(scope, asset_v1.ContentType.IAM_POLICY, self.policy_types)
            yield from self._list(scope, asset_v1.ContentType.ORG_POLICY, self.org_policy_types)

    def resource_assets(self) -> Iterator[Asset]:
        """Resources of the other selected types, page by page."""
        for scope in self.scopes:
            yield from self._list(scope, asset_v1.ContentType.RESOURCE, self.resource_types)

    def _list(self, scope: str, content_type: int, asset_types: list[str]) -> Iterator[Asset]:
        if not asset_types:
            return
        kind = _CONTENT_NAMES.get(content_type, str(content_type))
        request: dict[str, Any] = {
            "parent": scope,
            "content_type": content_type,
            "asset_types": asset_types,
            "page_size": self.page_size,
        }
        if self.read_time is not None:
            request["read_time"] = self.read_time
        self.calls += 1
        logger.info("ListAssets %s %s (%d asset types)", scope, kind, len(asset_types))
        count = 0
        try:
            pager = self.client.list_assets(request=request, retry=self.retry)
            for page in pager.pages:
                if self.read_time is None and page.read_time:
                    self.read_time = page.read_time
                for message in page.assets:
                    count += 1
                    yield asset_from_message(message)
                self.assets_read += len(page.assets)
                self.progress(f"{scope}: {kind}: {count:,} assets ({self.assets_read:,} in all)")
        except API_ERRORS as exc:
            # the assets of the pages read are kept (already yielded); the list is not whole
            note = (
                f"list incomplete: {count:,} assets read and kept, the rest not read"
                if count
                else ""
            )
            self._record(scope, kind, exc, note)
        else:
            if content_type == asset_v1.ContentType.RESOURCE:
                self.listed_types.update(asset_types)
        logger.info("ListAssets %s %s: %d assets", scope, kind, count)

    def _record(self, scope: str, kind: str, exc: BaseException, note: str = "") -> None:
        self.failed_calls += 1
        code, message = error_details(exc)
        message = f"{note}: {message}" if note else message
        error = CollectionError(
            provider="gcp",
            account=scope,
            region="global",
            service="cloudasset",
            operation=f"ListAssets({kind})",
            code=code,
            message=message,
        )
        logger.warning(
            "%s: ListAssets(%s) failed, skipped: %s %s", scope, kind, error.code, error.message
        )
        self.errors.append(error)
