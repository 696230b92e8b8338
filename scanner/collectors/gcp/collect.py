"""Turn a Cloud Asset source (the API or export files) into resources and a snapshot.

The flow, the same for both sources:

1. the source's first pass (`context_assets`): IAM and organisation policies of every
   asset, and the resources of `CONTEXT_TYPES`. They fill a `Context`: project numbers
   and ids, every IAM policy by asset name, service account e-mails, project metadata.
2. the context types' resources are normalised (those selected), then the source's
   second pass (`resource_assets`) streams every other resource: each is merged with
   its IAM policy by name, normalised by its registered function (`NORMALISERS`), and
   handed on. Nothing but policies and context is held in memory.

An asset whose data has an unexpected shape is recorded as a collection error (code
`NormaliseError`, naming the asset) and skipped; the rest go on.

With `--billing-table` or `--billing-export-file` the snapshot also gets the actual spend
of the Cloud Billing export (`billing`): export files are read (and refused when bad)
before anything else, the table is queried once; either works with or without assets.

With `--metrics` a `CapacitySource` (`capacity.Capacity`) joins in: once the context
names the projects it reads their usage series, each resource of a type with `usage`
gets its summaries (null without `--metrics`), and the projects' Compute quotas follow
the assets as `gcp.compute.quota` resources.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from scanner.catalog import TYPES
from scanner.collectors.gcp import (
    CONTEXT_ONLY_TYPES,
    CONTEXT_TYPES,
    HIERARCHY_TYPES,
    NORMALISERS,
)
from scanner.collectors.gcp.billing import (
    BillingOptions,
    BillingResult,
    query_billing_table,
    read_billing_files,
)
from scanner.collectors.gcp.common import (
    Asset,
    Context,
    SecretScanner,
    last_segment,
    no_secrets,
)
from scanner.errors import CollectorError, ConfigError
from scanner.heap import full_collections_paused
from scanner.model import CollectionError, MetricsInfo, Resource, SnapshotManifest
from scanner.processes import Workers, cpu_count
from scanner.snapshot import SnapshotWriter, encode_resource

if TYPE_CHECKING:
    from scanner.collectors.gcp.export import Chunk

__all__ = [
    "AUTO_MIN_EXPORT_BYTES",
    "AssetSource",
    "CapacityOptions",
    "CapacitySource",
    "GcpCollector",
    "add_spend",
    "collect_gcp",
    "normalise",
    "policy_types_for",
    "select_types",
    "write_snapshot",
    "write_spend_snapshot",
]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

# Below this many bytes of export files (about 280,000 assets), `collect_gcp` reads them
# in one process unless told otherwise: starting the workers and handing the context to
# them cost about what they save (bench/RESULTS.md, "GCP export reader": at 100,000
# assets two workers were 1.2x faster at best, 1.33-1.42x at 1M).
AUTO_MIN_EXPORT_BYTES = 256 << 20

_PROJECT = "cloudresourcemanager.googleapis.com/Project"
_COMPUTE_PROJECT = "compute.googleapis.com/Project"
_SERVICE_ACCOUNT = "iam.googleapis.com/ServiceAccount"
_CONTACT = "essentialcontacts.googleapis.com/Contact"
_SERVICE = "serviceusage.googleapis.com/Service"


class AssetSource(Protocol):
    """Where assets come from: `api.ApiSource` or `export.ExportSource`."""

    errors: list[CollectionError]
    read_time: datetime | None
    # asset types whose resources were listed completely
    listed_types: set[str]

    @property
    def description(self) -> str:
        """A short name for the manifest's `source`."""
        ...

    def context_assets(self) -> Iterator[Asset]:
        """Policies of any asset and resources of the context types."""
        ...

    def resource_assets(self) -> Iterator[Asset]:
        """Resources of the other selected types."""
        ...


@dataclass(frozen=True)
class CapacityOptions:
    """`--metrics`: the window and where the Compute and Monitoring APIs are."""

    days: int = 14
    compute_endpoint: str | None = None
    monitoring_endpoint: str | None = None
    now: datetime | None = None  # the window ends at the start of this day (UTC); default today


class CapacitySource(Protocol):
    """Quotas and usage for the projects collected: `capacity.Capacity` (`--metrics`)."""

    @property
    def info(self) -> MetricsInfo:
        """What was asked of the metric API, for the manifest."""
        ...

    def start(self, projects: list[str]) -> None:
        """Read what `usage` answers from, for these projects."""
        ...

    def usage(self, resource: Resource) -> dict[str, Any] | None:
        """The resource's `usage` attribute."""
        ...

    def quotas(self, projects: Iterable[str]) -> Iterator[Resource]:
        """Quota resources of these projects."""
        ...

    def all_errors(self) -> list[CollectionError]:
        """Collection errors of the quota and metric calls."""
        ...

    def close(self) -> None:
        """Close the API clients."""
        ...


def select_types(asset_types: Iterable[str] = ()) -> frozenset[str]:
    """The asset types to normalise: all of `NORMALISERS`, or the ones asked for.

    Raises:
        CollectorError: a type pscan does not normalise (the message lists those it does).
    """
    wanted = [t.strip() for t in asset_types if t.strip()]
    if not wanted:
        return frozenset(NORMALISERS)
    unknown = sorted(set(wanted) - set(NORMALISERS))
    if unknown:
        known = ", ".join(sorted(NORMALISERS))
        msg = f"--asset-types: pscan does not normalise {', '.join(unknown)} (known: {known})"
        raise CollectorError(msg)
    return frozenset(wanted)


def policy_types_for(selected: Iterable[str]) -> frozenset[str]:
    """Asset types whose IAM policies matter for `selected` (key rings grant on their keys)."""
    types = {*selected, *HIERARCHY_TYPES}
    if "cloudkms.googleapis.com/CryptoKey" in types:
        types.add("cloudkms.googleapis.com/KeyRing")
    return frozenset(types)


@dataclass
class GcpCollector:
    """Normalise the assets of one source into resources (see the module docstring)."""

    source: AssetSource
    selected: frozenset[str] = field(default_factory=lambda: frozenset(NORMALISERS))
    scan_secrets: SecretScanner = no_secrets
    progress: Progress = field(default=lambda _text: None)
    capacity: CapacitySource | None = None
    # worker processes for export files (`lines()`: both passes of an `ExportSource`)
    workers: Workers | None = None
    context: Context = field(init=False)
    counts: Counter[str] = field(default_factory=Counter, init=False)
    errors: list[CollectionError] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.context = Context(scan_secrets=self.scan_secrets)

    def resources(self) -> Iterator[Resource]:
        """Every selected resource of the source, context types first."""
        held = self._read_context()
        if self.capacity is not None:
            self.progress(f"reading usage metrics of {len(self.projects)} projects")
            self.capacity.start(self.projects)
        seen: set[str] = set()
        for asset in held:
            resource = self._normalise(asset, seen)
            if resource is not None:
                yield resource
        for asset in self.source.resource_assets():
            resource = self._normalise(asset, seen)
            if resource is not None:
                yield resource
        self.progress(f"normalised {sum(self.counts.values()):,} resources")
        if self.capacity is not None:
            for quota in self.capacity.quotas(self.projects):
                self.counts[quota.type] += 1
                yield quota

    @property
    def projects(self) -> list[str]:
        """Ids of the projects seen, sorted."""
        return sorted(set(self.context.project_ids.values()))

    def _read_context(self) -> list[Asset]:
        ctx = self.context
        org_policies: dict[str, tuple[dict[str, Any], ...]] = {}
        held: dict[str, Asset] = {}
        for asset in self.source.context_assets():
            if asset.iam_policy is not None:
                ctx.policies[asset.name] = asset.iam_policy
            if asset.org_policy:
                org_policies[asset.name] = asset.org_policy
            if asset.has_resource and asset.asset_type in CONTEXT_TYPES:
                previous = held.get(asset.name)
                held[asset.name] = previous.merged(asset) if previous else asset
        for asset in held.values():
            if asset.asset_type == _PROJECT:
                number = str(asset.data.get("projectNumber") or last_segment(asset.name))
                ctx.project_ids[number] = str(asset.data.get("projectId") or number)
        for asset in held.values():
            if asset.asset_type == _COMPUTE_PROJECT:
                number = ctx.project_number(asset)
                if number:
                    ctx.compute_projects[number] = asset.data
            elif asset.asset_type == _SERVICE_ACCOUNT and asset.data.get("email"):
                ctx.service_accounts[str(asset.data["email"])] = asset.name
            elif asset.asset_type == _CONTACT:
                parent = asset.name.split("googleapis.com/", 1)[-1].split("/contacts/", 1)[0]
                categories = asset.data.get("notificationCategorySubscriptions") or ()
                ctx.contacts.setdefault(parent, []).append(
                    {
                        "email": asset.data.get("email"),
                        "notification_categories": sorted(str(c) for c in categories),
                    }
                )
            elif asset.asset_type == _SERVICE and asset.data.get("state") == "ENABLED":
                number = ctx.project_number(asset)
                service = (asset.data.get("config") or {}).get("name") or last_segment(asset.name)
                ctx.services.setdefault(number, []).append(str(service))
        ctx.contacts_listed = _CONTACT in self.source.listed_types
        ctx.services_listed = _SERVICE in self.source.listed_types
        logger.info(
            "context: %d projects, %d service accounts, %d IAM policies",
            len(ctx.project_ids),
            len(ctx.service_accounts),
            len(ctx.policies),
        )
        return [
            a.with_policies(ctx.policies.get(a.name), org_policies.get(a.name, ()))
            for a in held.values()
            if a.asset_type in self.selected and a.asset_type not in CONTEXT_ONLY_TYPES
        ]

    def _normalise(self, asset: Asset, seen: set[str]) -> Resource | None:
        if asset.name in seen or asset.asset_type not in self.selected:
            return None
        seen.add(asset.name)
        outcome = normalise(asset, self.context, self.capacity)
        if isinstance(outcome, CollectionError):
            self._failed(outcome)
            return None
        if outcome is not None:
            self.counts[outcome.type] += 1
        return outcome

    def _failed(self, error: CollectionError) -> None:
        logger.warning("cannot normalise %s", error.message)
        self.errors.append(error)

    def lines(self) -> Iterator[tuple[str, bytes]]:
        """Every selected resource as its snapshot partition key and line, in the order of
        `resources()`. With `workers` (export files only, no capacity source), the context
        types' resources and then the chunks of the second pass are read and normalised in
        the worker processes."""
        from scanner.collectors.gcp.export import ExportSource

        source = self.source
        if not (self.workers and self.capacity is None and isinstance(source, ExportSource)):
            for resource in self.resources():
                yield encode_resource(resource)
            return
        source.workers = self.workers  # the first pass too
        held = self._read_context()
        # the context types' resources first, as `resources()` has them, then the chunks
        parts: list[list[Asset] | Chunk] = [
            held[i : i + _HELD_PER_TASK] for i in range(0, len(held), _HELD_PER_TASK)
        ]
        first_chunk = 1 - len(parts)  # numbered so that the chunks count from 1
        parts += source.chunks
        seen: set[str] = set()
        with _context_file(self.context) as context:
            task = partial(_normalise_part, context=context, types=source.resource_types)
            for n, outcomes in enumerate(self.workers.map(task, parts), first_chunk):
                for name, outcome in outcomes:
                    if name in seen:
                        continue
                    seen.add(name)
                    if isinstance(outcome, CollectionError):
                        self._failed(outcome)
                    elif outcome is not None:
                        self.counts[outcome[0]] += 1
                        yield outcome[1], outcome[2]
                if n > 0:
                    source.chunk_read(n)
        self.progress(f"normalised {sum(self.counts.values()):,} resources")


def normalise(
    asset: Asset, context: Context, capacity: CapacitySource | None = None
) -> Resource | CollectionError | None:
    """The resource of one asset (with its IAM policy from the context), None for an
    asset pscan does not turn into a resource, or the error of an asset whose data has
    an unexpected shape."""
    normaliser = NORMALISERS.get(asset.asset_type)
    if normaliser is None:
        return None
    asset = asset.with_policies(context.policies.get(asset.name), ())
    try:
        resource = normaliser(asset, context)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        # Data of an unexpected shape in one asset must not lose the whole collection.
        logger.debug("cannot normalise %s", asset.name, exc_info=True)  # -vv: the traceback
        return CollectionError(
            provider="gcp",
            account=context.project_id(asset),
            region="global",
            service=asset.asset_type.split("/", 1)[0],
            operation="normalise",
            code="NormaliseError",
            message=f"{asset.name}: {type(exc).__name__}: {exc}"[:500],
        )
    if resource is not None and "usage" in TYPES[resource.type].attributes:
        resource.attributes["usage"] = capacity.usage(resource) if capacity else None
    return resource


# What a worker gives back for each asset of a chunk, by name: the resource's type,
# partition key and snapshot line; the error of an asset it could not normalise; or None.
_Outcome = tuple[str, str, bytes] | CollectionError | None

_worker_context: tuple[str, Context] | None = None  # (file, context) in a worker process
# Resources of the context types normalised per task (the parent holds them, pickled over)
_HELD_PER_TASK = 2_000


def _normalise_part(
    part: list[Asset] | Chunk, context: str, types: frozenset[str]
) -> list[tuple[str, _Outcome]]:
    """Normalise and encode, in a worker, the resources of the context types the parent
    holds (a list of them) or the resources of one chunk of the files (the second pass).
    `context` names the file of the pickled `Context`, read once per process."""
    from scanner.collectors.gcp.export import read_resources

    global _worker_context
    if _worker_context is None or _worker_context[0] != context:
        with open(context, "rb") as fh:
            _worker_context = (context, pickle.load(fh))  # the parent wrote it
    ctx = _worker_context[1]
    out: list[tuple[str, _Outcome]] = []
    for asset in part if isinstance(part, list) else read_resources(part, types):
        outcome = normalise(asset, ctx)
        if isinstance(outcome, Resource):
            key, line = encode_resource(outcome)
            out.append((asset.name, (outcome.type, key, line)))
        else:
            out.append((asset.name, outcome))
    return out


@contextlib.contextmanager
def _context_file(context: Context) -> Iterator[str]:
    """The context pickled to a private temporary file (removed after) for the workers:
    read once by each, instead of sent with every task."""
    handle, name = tempfile.mkstemp(prefix="pscan-gcp-context-", suffix=".pickle")
    try:
        with os.fdopen(handle, "wb") as fh:
            pickle.dump(context, fh, protocol=pickle.HIGHEST_PROTOCOL)
        yield name
    finally:
        os.unlink(name)


def write_snapshot(
    collector: GcpCollector,
    output: Path,
    *,
    scopes: Sequence[str] = (),
    created_at: datetime | None = None,
    source_name: str = "gcp",
    spend: BillingResult | None = None,
) -> SnapshotManifest:
    """Collect into a snapshot at `output` (atomic: nothing is left behind on failure).

    `created_at` defaults to the source's read time (ListAssets' `read_time`, or the
    newest `update_time` of an export). Collection errors of the source and of the
    normalisers go into the manifest, and so does `spend` (billing records, errors, calls).

    Raises:
        CollectorError: the API source could not read anything at all (every call failed).
    """
    source = collector.source
    with SnapshotWriter(output, source=source_name) as writer:
        if collector.workers is not None:
            writer.map = collector.workers.map  # the partitions compressed by the workers
        for key, line in collector.lines():
            writer.add_line(key, line)
        calls = getattr(source, "calls", 0)
        if calls and getattr(source, "failed_calls", 0) == calls:
            first = source.errors[0]
            msg = (
                f"{first.account}: every Cloud Asset Inventory call failed, nothing collected"
                f" (first: {first.operation} {first.code}: {first.message})"
            )
            raise CollectorError(msg)
        capacity = collector.capacity
        for error in [
            *source.errors,
            *collector.errors,
            *(capacity.all_errors() if capacity else ()),
        ]:
            writer.add_error(error)
        if capacity is not None:
            writer.manifest.metrics = capacity.info
        if spend is not None:
            add_spend(writer, spend)
        writer.manifest.scopes = [*scopes, *(f"gcp:{p}" for p in collector.projects)]
        moment = created_at or source.read_time
        if moment is not None:
            # a plain UTC datetime (the client's is a DatetimeWithNanoseconds subclass)
            writer.manifest.created_at = datetime.fromtimestamp(int(moment.timestamp()), UTC)
    return writer.manifest


def add_spend(writer: SnapshotWriter, spend: BillingResult) -> None:
    """Write billing records and errors; the manifest counts the BigQuery calls made."""
    for record in spend.records:
        writer.add_spend(record)
    for error in spend.errors:
        writer.add_error(error)
    if writer.manifest.spend is not None:
        writer.manifest.spend.api_calls = spend.calls


def write_spend_snapshot(
    spend: BillingResult, output: Path, *, created_at: datetime | None = None
) -> SnapshotManifest:
    """A snapshot of spend alone (billing flags without --scope or --export-file)."""
    with SnapshotWriter(output, source="gcp-billing", created_at=created_at) as writer:
        add_spend(writer, spend)
    return writer.manifest


_SCOPE = re.compile(r"(organizations|folders|projects)/[A-Za-z0-9._:-]+")


def _check_request(
    scopes: Sequence[str],
    export_files: Sequence[Path],
    endpoint: str | None,
    read_time: datetime | None,
    billing: BillingOptions | None = None,
) -> None:
    """Raise ConfigError when the request mixes or misuses sources."""
    if scopes and export_files:
        msg = "collect gcp: give --scope (Cloud Asset API) or --export-file (files), not both"
        raise ConfigError(msg)
    if billing is not None:
        billing.check()
    if not scopes and not export_files and not (billing and billing.requested):
        msg = (
            "collect gcp: give --scope (Cloud Asset API) or --export-file (files), and/or"
            " --billing-table or --billing-export-file (spend)"
        )
        raise ConfigError(msg)
    for scope in scopes:
        if not _SCOPE.fullmatch(scope):
            msg = f"--scope {scope!r}: use organizations/ID, folders/ID or projects/ID"
            raise ConfigError(msg)
    if endpoint and not scopes:
        msg = "--endpoint applies to the Cloud Asset API; use it with --scope"
        raise ConfigError(msg)
    if read_time is not None and not export_files:
        msg = "--read-time applies to export files; use it with --export-file"
        raise ConfigError(msg)


@full_collections_paused()  # the context and the names seen live to the end
def collect_gcp(
    output: Path,
    *,
    scopes: Sequence[str] = (),
    export_files: Sequence[Path] = (),
    asset_types: Iterable[str] = (),
    endpoint: str | None = None,
    read_time: datetime | None = None,
    progress: Progress | None = None,
    metrics: CapacityOptions | None = None,
    billing: BillingOptions | None = None,
    workers: int | None = None,
) -> tuple[SnapshotManifest, dict[str, int]]:
    """Collect through the Cloud Asset API (`scopes`) or export files into a snapshot.

    Export files are read and normalised in `workers` processes (None: one per core for
    files of `AUTO_MIN_EXPORT_BYTES` or more; 1: in this process); with `metrics` they
    are read in this process. The snapshot is the same for any number.

    With `metrics` (`--metrics`), also the Compute quotas and the usage metrics of every
    project collected, from the Compute and Cloud Monitoring APIs (see `capacity`). With
    `billing`, the spend of the Cloud Billing export; with it alone, a snapshot of spend.

    Returns the manifest and the resources written per type.

    Raises:
        ConfigError: the request mixes or misuses sources (scopes vs files, endpoint,
            read time, billing table vs files), names a malformed scope, or a billing
            export file is bad (`file:line:column`; nothing is written).
        CollectorError: nothing could be read at all.
    """
    # Imported here: it pulls in google-cloud-asset, which the normalisers do not need.
    from scanner.collectors.gcp.api import close_client
    from scanner.collectors.secrets import scan_text

    _check_request(scopes, export_files, endpoint, read_time, billing)
    selected = select_types(asset_types)
    spend = _read_spend(billing, progress or (lambda _text: None))
    if not scopes and not export_files:
        assert spend is not None
        return write_spend_snapshot(spend, output, created_at=read_time), {}
    source, client = _open_source(scopes, export_files, selected, endpoint, progress)
    collector = GcpCollector(source, selected=selected, scan_secrets=scan_text)
    if progress is not None:
        collector.progress = progress
    if metrics is not None:
        from scanner.collectors.gcp.capacity import Capacity

        collector.capacity = Capacity(metrics, selected)
    collector.workers = _export_workers(workers, source, metrics)
    try:
        manifest = write_snapshot(
            collector,
            output,
            scopes=[f"gcp:{s}" for s in scopes],
            created_at=read_time,
            source_name="gcp" if scopes else "gcp-export",
            spend=spend,
        )
    finally:
        if collector.workers is not None:
            collector.workers.close()
        if client is not None:
            close_client(client)
        if collector.capacity is not None:
            collector.capacity.close()
    return manifest, dict(collector.counts)


def _open_source(
    scopes: Sequence[str],
    export_files: Sequence[Path],
    selected: frozenset[str],
    endpoint: str | None,
    progress: Progress | None,
) -> tuple[AssetSource, Any]:
    """The Cloud Asset API (and its client, to close) or the export files."""
    # Imported here: both pull in google-cloud-asset, which the normalisers do not need.
    from scanner.collectors.gcp.api import ApiSource, make_client
    from scanner.collectors.gcp.export import ExportSource

    if not scopes:
        files = ExportSource(
            list(export_files),
            context_types=CONTEXT_TYPES,
            resource_types=selected,
            progress=progress,
        )
        return files, None
    client = make_client(endpoint)
    api = ApiSource(
        client,
        scopes,
        context_types=CONTEXT_TYPES,
        resource_types=selected,
        policy_types=policy_types_for(selected),
        org_policy_types=HIERARCHY_TYPES,
        progress=progress,
    )
    return api, client


def _export_workers(workers: int | None, source: AssetSource, metrics: object) -> Workers | None:
    """The processes that read the export (both passes), None for this one alone."""
    count = _worker_count(workers, source, metrics)
    if count <= 1:
        return None
    return Workers(
        count,
        "a process reading the export died (crashed or killed); nothing was written."
        " Rerun with --export-workers 1 to read in one process",
    )


def _worker_count(workers: int | None, source: AssetSource, metrics: object) -> int:
    """How many processes read the export (1: this one)."""
    from scanner.collectors.gcp.export import ExportSource

    if not isinstance(source, ExportSource) or metrics is not None:
        return 1
    if workers is None:
        size = sum(path.stat().st_size for path in source.paths)
        workers = cpu_count() if size >= AUTO_MIN_EXPORT_BYTES else 1
    return min(workers, len(source.chunks))


def _read_spend(billing: BillingOptions | None, progress: Progress) -> BillingResult | None:
    """The billing source's records: files first (bad ones raise), else the table."""
    if billing is None or not billing.requested:
        return None
    if billing.files:
        return BillingResult(records=read_billing_files(billing.files, billing.label, progress))
    return query_billing_table(billing, progress)
