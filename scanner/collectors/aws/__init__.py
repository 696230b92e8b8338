"""The AWS collector: every account and region, read-only, into one snapshot.

`collect_aws` resolves the caller's identity, the accounts to collect (the caller's;
`--accounts`; or every active account of the organisation with `--org`, entered with
sts:AssumeRole, credentials renewed before they expire: `assume.py`), and each account's
regions (enabled regions by default). It then runs every selected service of `SERVICES`
over account x region (global services once per account) in a bounded thread pool, and
streams the resources into a snapshot with one partition per account and region.
Expected errors (AccessDenied, regions not enabled, unreachable endpoints, throttling
after retries) become `CollectionError`s in the manifest; the run always finishes and
writes what it got. With `--cost`, spend and its
forecast are read once from Cost Explorer in the caller's account (`cost.py`) and written
as the snapshot's spend records.

Adding a service: write `scanner/collectors/aws/<service>.py` with `fetch`,
`to_resources` and `collect`, add one line to `SERVICES` (and to `GLOBAL_SERVICES` if it
is not regional), and test it in `tests/collectors/aws/test_<service>.py`.
"""

from __future__ import annotations

import logging
import queue
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import (
    ClientError,
    ConnectionError,
    CredentialRetrievalError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
    SSOError,
    TokenRetrievalError,
)

from scanner.collectors.aws import (
    account,
    acm,
    apigateway,
    apigatewayv2,
    autoscaling,
    awslambda,
    backup,
    cloudfront,
    cloudtrail,
    cloudwatch,
    cost,
    dynamodb,
    ec2,
    ecr,
    ecs,
    efs,
    eks,
    elb,
    elbv2,
    iam,
    kms,
    logs,
    metrics,
    organizations,
    rds,
    region,
    route53,
    s3,
    secretsmanager,
    servicequotas,
    sns,
    sqs,
    wafv2,
)
from scanner.collectors.aws.assume import assume_role_session
from scanner.collectors.aws.context import (
    AccountClients,
    AccountState,
    CollectOptions,
    MetricsCounter,
    Scope,
    ServiceContext,
    error_code,
    expected_errors,
    is_expected_error,
)
from scanner.errors import CollectorError, ConfigError
from scanner.model import CollectionError, MetricsInfo, Resource, SnapshotManifest, utcnow
from scanner.snapshot import SnapshotWriter

__all__ = [
    "GLOBAL_SERVICES",
    "HOME_REGIONS",
    "SERVICES",
    "CollectFn",
    "CollectOptions",
    "ProgressEvent",
    "collect_aws",
]

logger = logging.getLogger(__name__)

CollectFn = Callable[[ServiceContext], list[Resource]]

# One line per service module. Keys are the names `--services` accepts.
SERVICES: dict[str, CollectFn] = {
    "account": account.collect,
    "region": region.collect,
    "iam": iam.collect,
    "ec2": ec2.collect,
    "s3": s3.collect,
    "kms": kms.collect,
    "cloudtrail": cloudtrail.collect,
    "rds": rds.collect,
    "lambda": awslambda.collect,
    "logs": logs.collect,
    "elbv2": elbv2.collect,
    "dynamodb": dynamodb.collect,
    "secretsmanager": secretsmanager.collect,
    "acm": acm.collect,
    "autoscaling": autoscaling.collect,
    "efs": efs.collect,
    "sqs": sqs.collect,
    "sns": sns.collect,
    "ecs": ecs.collect,
    "eks": eks.collect,
    "ecr": ecr.collect,
    "elb": elb.collect,
    "apigateway": apigateway.collect,
    "apigatewayv2": apigatewayv2.collect,
    "backup": backup.collect,
    "wafv2": wafv2.collect,
    "cloudwatch": cloudwatch.collect,
    "organizations": organizations.collect,
    "cloudfront": cloudfront.collect,
    "route53": route53.collect,
    "servicequotas": servicequotas.collect,
}

# Services collected once per account (from its home region) instead of per region.
GLOBAL_SERVICES = frozenset({"account", "iam", "s3", "organizations", "cloudfront", "route53"})

# Where global services are called from, per partition.
HOME_REGIONS = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}

_ENABLED = frozenset({"opt-in-not-required", "opted-in"})
_NO_CREDENTIALS = (
    NoCredentialsError,
    PartialCredentialsError,
    CredentialRetrievalError,
    TokenRetrievalError,
    SSOError,
)


@dataclass(frozen=True)
class ProgressEvent:
    """One finished service run, for progress display."""

    done: int
    total: int
    account: str
    region: str
    service: str
    resources: int
    errors: int


@dataclass
class _Account:
    """An account ready to collect: its clients, shared state and regions."""

    account_id: str
    partition: str
    clients: AccountClients
    state: AccountState
    regions: tuple[str, ...]


@dataclass(frozen=True)
class _Task:
    account: _Account
    service: str
    region: str
    is_global: bool
    work: CollectFn | None = None  # a piece spawned by the service; else SERVICES[service]


def _error(
    account_id: str, region: str, service: str, operation: str, code: str, message: str
) -> CollectionError:
    return CollectionError(
        provider="aws",
        account=account_id,
        region=region,
        service=service,
        operation=operation,
        code=code,
        message=message,
    )


def _select_services(names: tuple[str, ...]) -> list[str]:
    if not names:
        return list(SERVICES)
    unknown = sorted(set(names) - set(SERVICES))
    if unknown:
        msg = (
            f"--services: unknown service(s) {', '.join(unknown)}"
            f" (valid: {', '.join(sorted(SERVICES))})"
        )
        raise ConfigError(msg)
    return [s for s in SERVICES if s in names]


def _base_session(options: CollectOptions) -> Any:
    try:
        return boto3.Session(profile_name=options.profile)
    except ProfileNotFound:
        msg = f"--profile {options.profile!r}: no such profile in the AWS config files"
        raise ConfigError(msg) from None


def _identity(clients: AccountClients, region: str) -> tuple[str, str]:
    """(account id, partition) of the caller; CollectorError when credentials do not work."""
    try:
        identity = clients.client("sts", region).get_caller_identity()
    except _NO_CREDENTIALS as exc:
        msg = (
            f"no usable AWS credentials ({type(exc).__name__}): set AWS_PROFILE or --profile,"
            " environment variables, SSO (aws sso login) or an instance role"
        )
        raise CollectorError(msg) from None
    except ClientError as exc:
        detail = exc.response.get("Error", {}).get("Message", "")
        msg = f"AWS rejected the credentials: {error_code(exc)}: {detail}"
        raise CollectorError(msg) from None
    except (ConnectionError, HTTPClientError) as exc:
        msg = f"cannot reach AWS STS to check the credentials: {exc}"
        raise CollectorError(msg) from None
    arn = str(identity.get("Arn", "arn:aws:"))
    return str(identity["Account"]), arn.split(":")[1] or "aws"


def _list_regions(
    clients: AccountClients, account_id: str, home: str
) -> tuple[dict[str, str] | None, CollectionError | None]:
    """region name -> opt-in status for the account, or (None, error) when unreadable."""
    try:
        listed = clients.client("ec2", home).describe_regions(AllRegions=True)["Regions"]
    except (ClientError, ConnectionError, HTTPClientError) as exc:
        if not is_expected_error(exc):
            raise
        code = error_code(exc) if isinstance(exc, ClientError) else type(exc).__name__
        return None, _error(account_id, home, "ec2", "DescribeRegions", code, str(exc)[:300])
    return {
        str(r["RegionName"]): str(r.get("OptInStatus", "opt-in-not-required")) for r in listed
    }, None


def _choose_regions(
    account_id: str, statuses: dict[str, str] | None, options: CollectOptions, home: str
) -> tuple[tuple[str, ...], list[CollectionError]]:
    """The regions to collect for an account, and one error per wanted region not enabled."""
    if statuses is None:  # cannot tell: take the regions asked for, else the home region
        return tuple(options.regions or (home,)), []
    enabled = sorted(r for r, s in statuses.items() if s in _ENABLED)
    if options.all_regions:
        wanted = sorted(statuses)
    elif options.regions:
        wanted = list(options.regions)
    else:
        wanted = enabled
    errors = [
        _error(
            account_id,
            r,
            "ec2",
            "DescribeRegions",
            "OptInRequired",
            f"region {r} is not enabled for account {account_id}; skipped",
        )
        for r in wanted
        if r in statuses and r not in enabled
    ]
    return tuple(r for r in wanted if r in enabled), errors


def _check_region_names(statuses: dict[str, str] | None, options: CollectOptions) -> None:
    if statuses is None or not options.regions:
        return
    unknown = sorted(set(options.regions) - set(statuses))
    if unknown:
        msg = (
            f"--regions: unknown region(s) {', '.join(unknown)}"
            f" (known: {', '.join(sorted(statuses))})"
        )
        raise ConfigError(msg)


def _assume(
    base: AccountClients, account_id: str, partition: str, home: str, options: CollectOptions
) -> tuple[Any | None, CollectionError | None]:
    """A boto3 session in `account_id` through the audit role (renewed before its
    credentials expire), or (None, error)."""
    role_arn = f"arn:{partition}:iam::{account_id}:role/{options.role_name}"
    try:
        session = assume_role_session(
            base,
            role_arn,
            home=home,
            region_name=base.session.region_name or home,
            external_id=options.external_id,
        )
    except (ClientError, ConnectionError, HTTPClientError) as exc:
        if not is_expected_error(exc):
            raise
        code = error_code(exc) if isinstance(exc, ClientError) else type(exc).__name__
        message = (
            exc.response.get("Error", {}).get("Message", "")
            if isinstance(exc, ClientError)
            else str(exc)
        )
        return None, _error(
            account_id,
            "global",
            "sts",
            "AssumeRole",
            code,
            f"cannot assume {role_arn}: {message}"[:300],
        )
    return session, None


def _org_accounts(
    base: AccountClients, caller: str, home: str
) -> tuple[list[str], list[CollectionError]]:
    """Active account ids of the caller's organisation (the caller's alone if unreadable)."""
    scope = Scope(account=caller, region=home, is_global=True)
    ctx = ServiceContext(service="organizations", scope=scope, clients=base, state=AccountState())
    accounts: list[dict[str, Any]] | None = None
    with expected_errors(ctx):
        accounts = ctx.paginate(base.client("organizations", home), "list_accounts", "Accounts")
    if accounts is None:
        return [caller], ctx.errors
    ids = [str(a["Id"]) for a in accounts if a.get("Status", "ACTIVE") == "ACTIVE"]
    return sorted(set(ids) | {caller}), ctx.errors


def _run(
    task: _Task,
    include_raw: bool,
    spawned: queue.SimpleQueue[_Task],
    counter: MetricsCounter | None,
) -> tuple[list[Resource], list[CollectionError]]:
    acct = task.account
    scope = Scope(
        account=acct.account_id,
        region=task.region,
        partition=acct.partition,
        is_global=task.is_global,
        include_raw=include_raw,
    )
    ctx = ServiceContext(
        service=task.service,
        scope=scope,
        clients=acct.clients,
        state=acct.state,
        regions=acct.regions,
        spawner=lambda work: spawned.put(replace(task, work=work)),
        metrics=counter,
    )
    where = "global" if task.is_global else task.region
    logger.info("collecting %s in %s %s", task.service, acct.account_id, where)
    resources: list[Resource] = []
    with expected_errors(ctx):
        resources = (task.work or SERVICES[task.service])(ctx)
    metrics.add_usage(ctx, resources)  # usage: null without --metrics
    logger.info(
        "collected %s in %s %s: %d resources, %d errors",
        task.service,
        acct.account_id,
        where,
        len(resources),
        len(ctx.errors),
    )
    return resources, ctx.errors


@dataclass(frozen=True)
class _Caller:
    """Where collection starts: the caller's clients, account, partition and regions."""

    clients: AccountClients
    account_id: str
    partition: str
    home: str
    statuses: dict[str, str] | None  # region -> opt-in status; None when unreadable


def _account_ids(
    caller: _Caller, options: CollectOptions
) -> tuple[list[str], list[CollectionError]]:
    """The accounts to collect: the organisation's (`--org`), `--accounts`, or the caller's."""
    if options.org:
        account_ids, errors = _org_accounts(caller.clients, caller.account_id, caller.home)
        if options.accounts:
            account_ids = [a for a in account_ids if a in set(options.accounts)]
        return account_ids, errors
    if options.accounts:
        return list(dict.fromkeys(options.accounts)), []
    return [caller.account_id], []


def _setup(
    caller: _Caller, options: CollectOptions, account_id: str
) -> tuple[_Account | None, list[CollectionError]]:
    """An account's clients (assumed into, unless it is the caller's) and its regions."""
    errors: list[CollectionError] = []
    if account_id == caller.account_id:
        clients, statuses = caller.clients, caller.statuses
    else:
        assumed, error = _assume(caller.clients, account_id, caller.partition, caller.home, options)
        if assumed is None:
            return None, [error] if error else []
        clients = AccountClients(assumed, options)
        statuses, error = _list_regions(clients, account_id, caller.home)
        errors += [error] if error else []
    regions, skipped = _choose_regions(account_id, statuses, options, caller.home)
    errors += skipped
    return _Account(account_id, caller.partition, clients, AccountState(), regions), errors


class _Collection:
    """One run over the thread pool: account set-up, then every service task it yields.

    Everything here runs in the calling thread; only `_setup` and `_run` run in the pool.
    `aws.region` resources are held back until the end, when their resource counts are
    known.
    """

    def __init__(
        self,
        writer: SnapshotWriter,
        pool: ThreadPoolExecutor,
        caller: _Caller,
        options: CollectOptions,
        services: list[str],
        progress: Callable[[ProgressEvent], None] | None,
    ) -> None:
        self.writer = writer
        self.pool = pool
        self.caller = caller
        self.options = options
        self.regional = [s for s in services if s not in GLOBAL_SERVICES]
        self.global_ = [s for s in services if s in GLOBAL_SERVICES]
        self.progress = progress
        self.pending: dict[Future[Any], tuple[str, Any]] = {}
        self.spawned: queue.SimpleQueue[_Task] = queue.SimpleQueue()
        self.counts: Counter[tuple[str, str]] = Counter()
        self.held_regions: list[Resource] = []
        self.scopes: list[str] = []
        self.total = self.done = 0
        self.metrics = MetricsCounter() if options.metrics else None

    def run(self, account_ids: list[str]) -> None:
        """Set every account up, run every task until none is left, write the regions."""
        for account_id in account_ids:
            setup = self.pool.submit(_setup, self.caller, self.options, account_id)
            self.pending[setup] = ("setup", account_id)
        while self.pending:
            # poll: a running service may queue pieces of its work (ServiceContext.spawn)
            finished, _ = wait(self.pending, timeout=0.2, return_when=FIRST_COMPLETED)
            while not self.spawned.empty():
                self._submit(self.spawned.get())
            for future in finished:
                kind, info = self.pending.pop(future)
                if kind == "setup":
                    self._account_ready(*future.result())
                else:
                    self._task_done(info, *future.result())
        for resource in self.held_regions:
            resource.attributes["resource_count"] = self.counts[(resource.account, resource.region)]
            self.writer.add(resource)
        self.writer.manifest.scopes = self.scopes
        if self.metrics is not None:
            self.writer.manifest.metrics = MetricsInfo(
                window_days=self.options.metrics_days,
                queries=self.metrics.queries,
                api_calls=self.metrics.api_calls,
            )

    def _submit(self, task: _Task) -> None:
        self.total += 1
        future = self.pool.submit(_run, task, self.options.include_raw, self.spawned, self.metrics)
        self.pending[future] = ("task", task)

    def _account_ready(self, acct: _Account | None, errors: list[CollectionError]) -> None:
        for error in errors:
            self.writer.add_error(error)
        if acct is None:
            return
        self.scopes.append(f"aws:{acct.account_id}:global")
        self.scopes += [f"aws:{acct.account_id}:{r}" for r in acct.regions]
        tasks = [_Task(acct, s, self.caller.home, True) for s in self.global_]
        tasks += [_Task(acct, s, r, False) for r in acct.regions for s in self.regional]
        for task in tasks:
            self._submit(task)

    def _task_done(
        self, task: _Task, resources: list[Resource], errors: list[CollectionError]
    ) -> None:
        for resource in resources:
            if resource.type == "aws.region":
                self.held_regions.append(resource)
                continue
            self.writer.add(resource)
            self.counts[(resource.account, resource.region)] += 1
        for error in errors:
            self.writer.add_error(error)
        self.done += 1
        if self.progress is not None:
            self.progress(
                ProgressEvent(
                    done=self.done,
                    total=self.total,
                    account=task.account.account_id,
                    region="global" if task.is_global else task.region,
                    service=task.service,
                    resources=len(resources),
                    errors=len(errors),
                )
            )


def _collect_spend(
    writer: SnapshotWriter, caller: _Caller, options: CollectOptions, today: date
) -> None:
    """Spend and forecast from Cost Explorer, once, from the caller's account (billed)."""
    scope = Scope(
        account=caller.account_id, region=caller.home, partition=caller.partition, is_global=True
    )
    ctx = ServiceContext(service="ce", scope=scope, clients=caller.clients, state=AccountState())
    logger.info("reading spend from Cost Explorer in %s", caller.account_id)
    spend = cost.read_spend(ctx, options.cost_tag, today)
    writer.spend_info().api_calls = spend.api_calls
    for record in spend.records:
        writer.add_spend(record)
    for error in ctx.errors:
        writer.add_error(error)


def collect_aws(
    output: Path,
    options: CollectOptions,
    progress: Callable[[ProgressEvent], None] | None = None,
) -> SnapshotManifest:
    """Collect the AWS estate described by `options` into a snapshot at `output`.

    Raises ConfigError for bad options (unknown service or region, missing profile) and
    CollectorError when the credentials do not work at all. Per-scope failures are
    recorded in the manifest's `errors`.
    """
    services = _select_services(options.services)
    started = utcnow()
    session = _base_session(options)
    base = AccountClients(session, options)
    caller_id, partition = _identity(base, session.region_name or "us-east-1")
    home = HOME_REGIONS.get(partition, session.region_name or "us-east-1")
    statuses, region_error = _list_regions(base, caller_id, home)
    _check_region_names(statuses, options)
    caller = _Caller(base, caller_id, partition, home, statuses)
    account_ids, org_errors = _account_ids(caller, options)

    with SnapshotWriter(output, source="aws", created_at=started) as writer:
        for error in [region_error] if region_error else []:
            writer.add_error(error)
        for error in org_errors:
            writer.add_error(error)
        pool = ThreadPoolExecutor(max_workers=options.max_workers, thread_name_prefix="pscan-aws")
        try:
            _Collection(writer, pool, caller, options, services, progress).run(account_ids)
            if options.cost:
                _collect_spend(writer, caller, options, started.date())
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
    return writer.manifest
