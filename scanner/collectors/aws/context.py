"""What a service collector works with: guarded clients, error recording, ids and resources.

The orchestrator (`scanner.collectors.aws.collect_aws`) gives each service run a
`ServiceContext` for one account and one region (or the account's home region for
global services). Clients come from `AccountClients`, which builds each botocore client
once with the shared configuration (retries, user agent, endpoint) and the read-only
guard, and hands the same client to every thread (botocore clients are thread-safe;
building them is not, so building is serialised).

Expected cloud errors go through one helper, `expected_errors`, in the manner of
Cartography's `aws_handle_regions` (cartography/util.py): AccessDenied, a region that is
not enabled, an endpoint that cannot be reached, a timeout, throttling that outlasted the
retries, or a service error are recorded as a `CollectionError` and logged as a warning;
the run goes on with what it got. Every other exception propagates.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionError, HTTPClientError
from botocore.parsers import ResponseParserError

from scanner import __version__
from scanner.collectors.aws.guard import install_guard, strip_account_label
from scanner.collectors.aws.normalise import jsonable, kms_key_arn
from scanner.model import CollectionError, Relation, Resource

__all__ = [
    "EXPECTED_ERROR_CODES",
    "AccountClients",
    "AccountState",
    "CollectOptions",
    "MetricsCounter",
    "Scope",
    "ServiceContext",
    "error_code",
    "expected_errors",
    "is_expected_error",
    "missing_as",
    "missing_is_none",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")
D = TypeVar("D")

# ClientError codes that mean "this scope cannot be read", not "pscan is broken".
EXPECTED_ERROR_CODES = frozenset(
    {
        # permissions
        "AccessDenied",
        "AccessDeniedException",
        "AuthorizationError",
        "AuthorizationErrorException",
        "Forbidden",
        "UnauthorizedAccess",
        "UnauthorizedOperation",
        "UnauthorizedException",
        # region or service not enabled for the account
        "AuthFailure",
        "InvalidClientTokenId",
        "OptInRequired",
        "SubscriptionRequiredException",
        "UnrecognizedClientException",
        "InvalidAction",
        "UnknownOperationException",
        "UnsupportedOperation",
        "UnsupportedOperationException",
        "NotImplemented",
        # credentials that expired during a long run
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        # throttling that outlasted botocore's retries
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "SlowDown",
        # the service failed (after retries)
        "InternalError",
        "InternalFailure",
        "InternalServerError",
        "InternalServiceError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        # Cost Explorer: no data for the period (not enabled yet, new account), bills
        # older than it keeps, or its request quota spent
        "DataUnavailableException",
        "BillExpirationException",
        "LimitExceededException",
    }
)


def error_code(exc: ClientError) -> str:
    """The error code of a botocore ClientError ('' when the response has none)."""
    return str(exc.response.get("Error", {}).get("Code", ""))


# What `expected_errors` catches: API errors, unreachable endpoints, and answers that are
# not an AWS response at all (an emulator or proxy that does not serve the operation).
_CAUGHT = (ClientError, ConnectionError, HTTPClientError, ResponseParserError)


def is_expected_error(exc: BaseException) -> bool:
    """True for the errors `expected_errors` records instead of raising.

    Besides the codes above: HTTP 403 and 5xx, an error without an AWS error code (botocore
    then reports the bare HTTP status, e.g. `404`: the endpoint does not serve the
    operation) and a response botocore cannot parse.
    """
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        code = error_code(exc)
        return code in EXPECTED_ERROR_CODES or code.isdigit() or status == 403 or status >= 500
    return isinstance(exc, ConnectionError | HTTPClientError | ResponseParserError)


def _error_message(exc: BaseException) -> tuple[str, str, str]:
    """(operation, code, message) of an expected error, message on one short line."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        message = str(error.get("Message") or "")
        if not message or message.lstrip().startswith("<"):
            message = f"HTTP {status} from the service"
        return str(exc.operation_name or ""), error_code(exc), _one_line(message)
    code = type(exc).__name__
    return str(getattr(exc, "operation_name", "")), code, _one_line(str(exc))


def _name_the_operation(exception: BaseException, event_name: str, **_: Any) -> None:
    """A botocore `after-call-error` handler: name the failed call on the exception.

    Connection errors and timeouts (unlike a ClientError) do not say which operation
    failed; the collection error should.
    """
    if not isinstance(exception, ClientError) and not getattr(exception, "operation_name", ""):
        exception.operation_name = event_name.rsplit(".", 1)[-1]  # type: ignore[attr-defined]


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def missing_is_none(
    codes: Sequence[str], call: Callable[..., T], /, *args: Any, **kwargs: Any
) -> T | None:
    """`call(*args, **kwargs)`, or None when it fails with one of `codes`.

    For APIs that answer "not configured" with an error (NoSuchBucketPolicy,
    NoSuchEntity, ...): that is data (the setting is absent), not a collection error.
    """
    return missing_as(codes, None, call, *args, **kwargs)


def missing_as(
    codes: Sequence[str], default: D, call: Callable[..., T], /, *args: Any, **kwargs: Any
) -> T | D:
    """`call(*args, **kwargs)`, or `default` when it fails with one of `codes`.

    Inside `ServiceContext.attempt`, a non-None `default` keeps "not configured" apart
    from "could not be read" (which `attempt` turns into None).
    """
    try:
        return call(*args, **kwargs)
    except ClientError as exc:
        if error_code(exc) in codes:
            return default
        raise


@dataclass(frozen=True)
class CollectOptions:
    """How to collect: credentials, scope, concurrency and retries.

    `regions` empty means the regions enabled for each account; `all_regions` means
    every region of the partition (regions not enabled for an account are skipped with
    one recorded error). `handlers` are extra botocore event handlers registered on
    every client (tests and benchmarks inject errors or count calls with them), and
    `on_api_call(service, operation)` sees every API call the guard checks.
    """

    profile: str | None = None
    regions: tuple[str, ...] = ()
    all_regions: bool = False
    services: tuple[str, ...] = ()
    org: bool = False
    role_name: str = "OrganizationAccountAccessRole"
    external_id: str | None = None
    accounts: tuple[str, ...] = ()
    max_workers: int = 8
    endpoint_url: str | None = None
    max_attempts: int = 10
    retry_mode: str = "adaptive"
    connect_timeout: float = 10.0  # seconds; a call that outlasts either is retried
    read_timeout: float = 60.0
    include_raw: bool = True
    metrics: bool = False  # usage metrics and quota usage from CloudWatch GetMetricData
    metrics_days: int = 14  # the window the daily values are summarised over
    cost: bool = False  # spend and forecast from Cost Explorer (billed per request)
    cost_tag: str = "Product"  # the tag key naming products in the spend by product
    handlers: tuple[tuple[str, Callable[..., Any]], ...] = ()
    on_api_call: Callable[[str, str], None] | None = None

    def client_config(self) -> Config:
        """The botocore Config every client gets."""
        return Config(
            retries={"mode": self.retry_mode, "total_max_attempts": self.max_attempts},
            user_agent_extra=f"pscan/{__version__}",
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            # every worker thread may share one client per service and region
            max_pool_connections=max(10, self.max_workers * 2),
            # emulators and private endpoints serve path-style S3 requests
            s3={"addressing_style": "path"} if self.endpoint_url else None,
        )


class AccountClients:
    """Guarded botocore clients of one account, built once per (service, region)."""

    def __init__(self, session: Any, options: CollectOptions) -> None:
        self.session = session
        self.options = options
        self._config = options.client_config()
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}

    def client(self, service: str, region: str) -> Any:
        """The client for `service` in `region`, with the read-only guard installed."""
        key = (service, region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self.session.client(
                    service,
                    region_name=region,
                    endpoint_url=self.options.endpoint_url,
                    config=self._config,
                )
                install_guard(client, self.options.on_api_call)
                client.meta.events.register("after-call-error", _name_the_operation)
                if self.options.endpoint_url and service == "s3control":
                    client.meta.events.register(
                        "before-send.s3-control", strip_account_label(self.options.endpoint_url)
                    )
                for event, handler in self.options.handlers:
                    client.meta.events.register(event, handler)
                self._clients[key] = client
        return client


class MetricsCounter:
    """Metric queries and metric API calls over a whole run, for the manifest (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.queries = 0
        self.api_calls = 0

    def add(self, *, queries: int = 0, api_calls: int = 0) -> None:
        """Count `queries` more metric queries and `api_calls` more calls."""
        with self._lock:
            self.queries += queries
            self.api_calls += api_calls


class AccountState:
    """Values computed once per account and shared by its service runs (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self._values: dict[str, Any] = {}

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """`compute()` the first time `key` is asked for; the stored value afterwards."""
        with self._lock:
            lock = self._key_locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._values:
                self._values[key] = compute()
            value: T = self._values[key]
            return value


@dataclass(frozen=True)
class Scope:
    """Where resources are collected: account, region and partition; builds ids and resources.

    Normalisers get a Scope (not a client), so they stay pure and testable on JSON.
    """

    account: str
    region: str
    partition: str = "aws"
    is_global: bool = False
    include_raw: bool = True

    @property
    def scope_region(self) -> str:
        """The region errors and resources are filed under ('global' for global runs)."""
        return "global" if self.is_global else self.region

    def arn(
        self, service: str, resource: str, *, region: str | None = None, account: str | None = None
    ) -> str:
        """An ARN in this partition, region and account (override either)."""
        where = self.region if region is None else region
        who = self.account if account is None else account
        return f"arn:{self.partition}:{service}:{where}:{who}:{resource}"

    def kms_key_arn(self, key: str | None) -> str | None:
        """A KMS key reference as a key ARN of this partition, region and account if bare."""
        return kms_key_arn(key, partition=self.partition, region=self.region, account=self.account)

    def resource(
        self,
        rid: str,
        rtype: str,
        name: str,
        attributes: Mapping[str, Any],
        relations: Sequence[Relation] = (),
        *,
        tags: Mapping[str, str] | None = None,
        raw: Any = None,
        region: str | None = None,
    ) -> Resource:
        """A Resource of this account; `raw` is made JSON-safe (and dropped when disabled)."""
        return Resource(
            id=rid,
            type=rtype,
            provider="aws",
            account=self.account,
            region=region or self.scope_region,
            name=name,
            tags=dict(tags or {}),
            attributes=dict(attributes),
            relations=list(relations),
            raw=jsonable(raw) if self.include_raw and raw is not None else None,
        )


@dataclass
class ServiceContext:
    """One service run: one account, one region (the home region for global services)."""

    service: str
    scope: Scope
    clients: AccountClients
    state: AccountState
    regions: tuple[str, ...] = ()
    errors: list[CollectionError] = field(default_factory=list)
    # Set by the orchestrator: queue more work of this service as its own pool task.
    spawner: Callable[[Callable[[ServiceContext], list[Resource]]], None] | None = None
    # Set by the orchestrator with --metrics: usage metrics are read and counted here.
    metrics: MetricsCounter | None = None

    def spawn(self, work: Callable[[ServiceContext], list[Resource]]) -> list[Resource]:
        """Run `work` as a separate task of the pool (inline when there is no pool).

        For services with much per-item work in one scope (S3 buckets): the pieces run
        in parallel within the same `--max-workers` bound. Returns the resources when
        run inline, [] when queued (the orchestrator writes them when the task ends).
        """
        if self.spawner is None:
            return work(self)
        self.spawner(work)
        return []

    @property
    def account(self) -> str:
        """The account id."""
        return self.scope.account

    @property
    def region(self) -> str:
        """The region clients are made for (the home region for global services)."""
        return self.scope.region

    @property
    def partition(self) -> str:
        """aws, aws-cn or aws-us-gov."""
        return self.scope.partition

    # ------------------------------------------------------------------ clients
    def client(self, service: str, region: str | None = None) -> Any:
        """A guarded client for `service` in `region` (default: this run's region)."""
        return self.clients.client(service, region or self.region)

    def pages(self, client: Any, operation: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """The pages of `operation` through botocore's paginator; what was read is kept
        when a later page fails (see `kept`)."""
        name = client.meta.method_to_api_mapping.get(operation, operation)
        return self.kept(client.get_paginator(operation).paginate(**kwargs), name)

    def kept(self, pages: Iterable[T], operation: str) -> Iterator[T]:
        """`pages` (of one list operation) until one fails; the pages read before stand.

        A first page that fails raises, as a plain call does (`attempt` or the service's
        caller records it). A later page that fails with an expected error (credentials
        that expired mid-list, throttling or a service error that outlasted the retries,
        a reset connection) ends the pages: those already yielded stand, and the error is
        recorded with a message that says the list is incomplete.
        """
        read = 0
        try:
            for page in pages:
                read += 1
                yield page
        except _CAUGHT as exc:
            if not read or not is_expected_error(exc):
                raise
            note = f"list incomplete: {read} page(s) read and kept, the rest not read"
            self.record(exc, operation, note=note)

    def paginate(
        self, client: Any, operation: str, key: str, **kwargs: Any
    ) -> list[dict[str, Any]]:
        """Every item under `key` of `operation`'s pages (a plain call if it has no paginator).

        Items of the pages read before a later page failed are kept (see `pages`).
        """
        if client.can_paginate(operation):
            items: list[dict[str, Any]] = []
            for page in self.pages(client, operation, **kwargs):
                items.extend(page.get(key) or [])
            return items
        response = getattr(client, operation)(**kwargs)
        return list(response.get(key) or [])

    # ------------------------------------------------------------------ errors
    def record(
        self, exc: BaseException, operation: str = "", *, region: str | None = None, note: str = ""
    ) -> None:
        """Record an expected error as a CollectionError and log a warning.

        `note` goes before the message (e.g. that a list is incomplete).
        """
        op, code, message = _error_message(exc)
        message = f"{note}: {message}" if note else message
        error = CollectionError(
            provider="aws",
            account=self.account,
            region=region or self.scope.scope_region,
            service=self.service,
            operation=op or operation,
            code=code,
            message=message,
        )
        self.errors.append(error)
        logger.warning(
            "aws %s %s %s %s: %s %s (skipped)",
            error.account,
            error.region,
            error.service,
            error.operation,
            error.code,
            error.message,
        )

    def attempt(self, call: Callable[..., T], /, *args: Any, **kwargs: Any) -> T | None:
        """`call(*args, **kwargs)`, or None after recording an expected error."""
        with expected_errors(self):
            return call(*args, **kwargs)
        return None


@contextlib.contextmanager
def expected_errors(ctx: ServiceContext, operation: str = "") -> Iterator[None]:
    """Record expected AWS errors raised in the block as CollectionErrors; re-raise others.

    The one place that decides what counts as expected (`is_expected_error`): permission
    and opt-in errors, unreachable endpoints, timeouts, throttling and service errors
    that outlasted botocore's retries.
    """
    try:
        yield
    except _CAUGHT as exc:
        if not is_expected_error(exc):
            raise
        ctx.record(exc, operation)
