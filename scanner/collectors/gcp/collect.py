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

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

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
from scanner.collectors.gcp.common import Asset, Context, SecretScanner, last_segment
from scanner.errors import CollectorError, ConfigError
from scanner.model import CollectionError, MetricsInfo, Resource, SnapshotManifest
from scanner.snapshot import SnapshotWriter

__all__ = [
    "AssetSource",
    "CapacityOptions",
    "CapacitySource",
    "GcpCollector",
    "add_spend",
    "collect_gcp",
    "policy_types_for",
    "select_types",
    "write_snapshot",
    "write_spend_snapshot",
]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

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
    scan_secrets: SecretScanner = field(default=lambda _text, _where: [])
    progress: Progress = field(default=lambda _text: None)
    capacity: CapacitySource | None = None
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
        normaliser = NORMALISERS.get(asset.asset_type)
        if normaliser is None:
            return None
        asset = asset.with_policies(self.context.policies.get(asset.name), ())
        try:
            resource = normaliser(asset, self.context)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            # Data of an unexpected shape in one asset must not lose the whole collection.
            logger.warning("cannot normalise %s (%s): %s", asset.name, asset.asset_type, exc)
            logger.debug("cannot normalise %s", asset.name, exc_info=True)  # -vv: the traceback
            self.errors.append(
                CollectionError(
                    provider="gcp",
                    account=self.context.project_id(asset),
                    region="global",
                    service=asset.asset_type.split("/", 1)[0],
                    operation="normalise",
                    code="NormaliseError",
                    message=f"{asset.name}: {type(exc).__name__}: {exc}"[:500],
                )
            )
            return None
        if resource is not None:
            self.counts[resource.type] += 1
            if "usage" in TYPES[resource.type].attributes:
                capacity = self.capacity
                resource.attributes["usage"] = capacity.usage(resource) if capacity else None
        return resource


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
        for resource in collector.resources():
            writer.add(resource)
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
) -> tuple[SnapshotManifest, dict[str, int]]:
    """Collect through the Cloud Asset API (`scopes`) or export files into a snapshot.

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
    # Imported here: both pull in google-cloud-asset, which the normalisers do not need.
    from scanner.collectors.gcp.api import ApiSource, close_client, make_client
    from scanner.collectors.gcp.export import ExportSource
    from scanner.collectors.secrets import scan_text

    _check_request(scopes, export_files, endpoint, read_time, billing)
    selected = select_types(asset_types)
    spend = _read_spend(billing, progress or (lambda _text: None))
    if not scopes and not export_files:
        assert spend is not None
        return write_spend_snapshot(spend, output, created_at=read_time), {}
    source: AssetSource
    client = None
    if scopes:
        client = make_client(endpoint)
        source = ApiSource(
            client,
            scopes,
            context_types=CONTEXT_TYPES,
            resource_types=selected,
            policy_types=policy_types_for(selected),
            org_policy_types=HIERARCHY_TYPES,
            progress=progress,
        )
    else:
        source = ExportSource(
            list(export_files),
            context_types=CONTEXT_TYPES,
            resource_types=selected,
            progress=progress,
        )
    collector = GcpCollector(source, selected=selected, scan_secrets=scan_text)
    if progress is not None:
        collector.progress = progress
    if metrics is not None:
        from scanner.collectors.gcp.capacity import Capacity

        collector.capacity = Capacity(metrics, selected)
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
        if client is not None:
            close_client(client)
        if collector.capacity is not None:
            collector.capacity.close()
    return manifest, dict(collector.counts)


def _read_spend(billing: BillingOptions | None, progress: Progress) -> BillingResult | None:
    """The billing source's records: files first (bad ones raise), else the table."""
    if billing is None or not billing.requested:
        return None
    if billing.files:
        return BillingResult(records=read_billing_files(billing.files, billing.label, progress))
    return query_billing_table(billing, progress)
