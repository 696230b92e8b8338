"""`pscan collect aws|gcp` (and `pscan scan --aws/--gcp`): options checked, estate collected.

The command-line options of each provider arrive as one frozen dataclass (`AwsOptions`,
`GcpOptions`) holding what the user typed; this module checks and normalises them
(comma-separated lists, `--regions all`, account ids, `--read-time`) and runs the
collector, which writes the snapshot. Bad usage raises `ConfigError` before any call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from scanner.app.events import AwsStep, Collected, GcpStep, Listener, ignore
from scanner.errors import ConfigError
from scanner.gate import GateConfig, find_config, load_config
from scanner.model import SnapshotManifest

if TYPE_CHECKING:  # boto3 is imported only when AWS is collected
    from scanner.collectors.aws import CollectOptions

__all__ = [
    "DEFAULT_COST_TAG",
    "AwsOptions",
    "CostOptions",
    "GcpOptions",
    "MetricsOptions",
    "collect_aws",
    "collect_gcp",
    "cost_tag",
    "parse_read_time",
    "split_values",
]

DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole"
DEFAULT_COST_TAG = "Product"


def split_values(values: Iterable[str]) -> tuple[str, ...]:
    """Repeatable, comma-separated option values as one tuple, in order, without repeats."""
    items = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return tuple(dict.fromkeys(items))


@dataclass(frozen=True)
class MetricsOptions:
    """`--metrics/--no-metrics` and `--metrics-days`: usage metrics are billed API calls."""

    enabled: bool = False
    days: int = 14


@dataclass(frozen=True)
class CostOptions:
    """`--cost/--no-cost` and `--cost-tag`: actual spend from billing APIs (billed per call).

    `tag` is the tag key whose value names a product in the spend by product; None: the
    first key of `capacity: product_tag` in `.pscan.yaml`, else `Product` (`cost_tag`).
    """

    enabled: bool = False
    tag: str | None = None


def cost_tag(options: CostOptions, config: GateConfig) -> str:
    """The product tag key spend is grouped by: the flag, the config's first key, `Product`."""
    if options.tag is not None:
        return options.tag
    return next(iter(config.capacity.product_tags), DEFAULT_COST_TAG)


# ---------------------------------------------------------------------- AWS
@dataclass(frozen=True)
class AwsOptions:
    """How to collect AWS, as given on the command line (lists may be comma-separated)."""

    profile: str | None = None
    regions: tuple[str, ...] = ()  # region names, or "all"; empty: the enabled regions
    services: tuple[str, ...] = ()
    org: bool = False
    role_name: str = DEFAULT_ROLE_NAME
    external_id: str | None = None
    accounts: tuple[str, ...] = ()
    max_workers: int = 8
    endpoint_url: str | None = None
    max_attempts: int = 10
    metrics: MetricsOptions = field(default_factory=lambda: MetricsOptions())
    cost: CostOptions = field(default_factory=lambda: CostOptions())

    def collect_options(
        self, on_api_call: Callable[[str, str], None] | None = None
    ) -> CollectOptions:
        """The collector's options, after checking these.

        With `--cost` and no `--cost-tag`, the product tag comes from the first
        `.pscan.yaml` from here upward (`cost_tag`).

        Raises:
            ConfigError: `all` mixed with region names, an account id that is not 12
                digits, `--cost-tag` without `--cost`, or an unreadable `.pscan.yaml`
                (with `--cost` and no `--cost-tag`).
        """
        from scanner.collectors.aws import CollectOptions

        regions = split_values(self.regions)
        all_regions = "all" in regions
        if all_regions and len(regions) > 1:
            msg = "--regions: give 'all' or a list of regions, not both"
            raise ConfigError(msg)
        if self.cost.tag is not None and not self.cost.enabled:
            msg = "--cost-tag names the product tag of the spend; use it with --cost"
            raise ConfigError(msg)
        if self.cost.tag is not None and not self.cost.tag.strip():
            msg = "--cost-tag: give a tag key, e.g. Product"
            raise ConfigError(msg)
        accounts = split_values(self.accounts)
        bad = [a for a in accounts if not (a.isdigit() and len(a) == 12)]
        if bad:
            msg = f"--accounts: not 12-digit account ids: {', '.join(bad)}"
            raise ConfigError(msg)
        return CollectOptions(
            profile=self.profile,
            regions=() if all_regions else regions,
            all_regions=all_regions,
            services=split_values(self.services),
            org=self.org,
            role_name=self.role_name or DEFAULT_ROLE_NAME,
            external_id=self.external_id,
            accounts=accounts,
            max_workers=self.max_workers,
            endpoint_url=self.endpoint_url,
            max_attempts=self.max_attempts,
            metrics=self.metrics.enabled,
            metrics_days=self.metrics.days,
            cost=self.cost.enabled,
            cost_tag=self._cost_tag(),
            on_api_call=on_api_call,
        )

    def _cost_tag(self) -> str:
        if not self.cost.enabled:
            return DEFAULT_COST_TAG
        if self.cost.tag is not None:
            return self.cost.tag  # checked above
        path = find_config()
        return cost_tag(self.cost, load_config(path) if path else GateConfig())


def collect_aws(
    output: Path,
    options: AwsOptions,
    on_event: Listener = ignore,
    *,
    on_api_call: Callable[[str, str], None] | None = None,
) -> SnapshotManifest:
    """Collect AWS into a snapshot at `output`; returns its manifest.

    `on_api_call(service, operation)` sees every API call (benchmarks count them).

    Raises:
        ConfigError: bad options (checked before any call) or an unknown service/region.
        CollectorError: the credentials do not work at all. Failures per account, region
            or service are recorded in the manifest and collection goes on.
    """
    collect_options = options.collect_options(on_api_call)
    # Imported here: boto3 takes a while to import and most commands skip it.
    from scanner.collectors.aws import ProgressEvent
    from scanner.collectors.aws import collect_aws as run_collector

    # botocore logs request headers (session tokens included) at DEBUG: never show them.
    for name in ("botocore", "boto3", "urllib3", "s3transfer"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger(name).level))
    started = time.monotonic()

    def _progress(step: ProgressEvent) -> None:
        on_event(AwsStep(step))

    manifest = run_collector(output, collect_options, progress=_progress)
    on_event(Collected("aws", output, manifest, time.monotonic() - started))
    return manifest


# ---------------------------------------------------------------------- GCP
@dataclass(frozen=True)
class GcpOptions:
    """How to collect GCP, as given on the command line."""

    scopes: tuple[str, ...] = ()
    export_files: tuple[Path, ...] = ()
    export_workers: int | None = None  # None: one per core for large exports
    asset_types: tuple[str, ...] = ()  # may be comma-separated
    endpoint: str | None = None
    read_time: str | None = None  # ISO 8601, as typed
    metrics: MetricsOptions = field(default_factory=lambda: MetricsOptions())
    compute_endpoint: str | None = None  # quotas, with metrics
    monitoring_endpoint: str | None = None  # usage metrics, with metrics
    billing_table: str | None = None  # PROJECT.DATASET.TABLE of the Cloud Billing export
    billing_export_files: tuple[Path, ...] = ()  # the same rows, extracted (NDJSON or CSV)
    billing_label: str = "product"  # the label key naming a cost's product
    bigquery_endpoint: str | None = None  # with billing_table


def parse_read_time(text: str) -> datetime:
    """`--read-time` as an aware datetime (UTC when no offset is given).

    Raises:
        ConfigError: not an ISO 8601 time.
    """
    try:
        read_time = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        msg = f"--read-time {text!r}: not an ISO 8601 time, e.g. 2026-11-26T12:00:00Z"
        raise ConfigError(msg) from None
    return read_time if read_time.tzinfo is not None else read_time.replace(tzinfo=UTC)


def collect_gcp(output: Path, options: GcpOptions, on_event: Listener = ignore) -> SnapshotManifest:
    """Collect GCP (Cloud Asset API or export files, and/or billing spend) into `output`.

    Raises:
        ConfigError: the options mix or misuse sources, `read_time` is not a time, or
            a billing export file is bad.
        CollectorError: nothing could be read at all.
    """
    read_time = parse_read_time(options.read_time) if options.read_time else None
    endpoint = options.compute_endpoint or options.monitoring_endpoint
    if endpoint and not options.metrics.enabled:
        flag = "--compute-endpoint" if options.compute_endpoint else "--monitoring-endpoint"
        msg = f"{flag} applies to quotas and usage metrics; use it with --metrics"
        raise ConfigError(msg)
    # Imported here: google-cloud-asset takes a while to import and most commands skip it.
    from scanner.collectors.gcp.billing import BillingOptions
    from scanner.collectors.gcp.collect import CapacityOptions
    from scanner.collectors.gcp.collect import collect_gcp as run_collector

    started = time.monotonic()
    manifest, counts = run_collector(
        output,
        scopes=list(options.scopes),
        export_files=list(options.export_files),
        asset_types=split_values(options.asset_types),
        endpoint=options.endpoint,
        read_time=read_time,
        progress=lambda text: on_event(GcpStep(text)),
        metrics=CapacityOptions(
            options.metrics.days, options.compute_endpoint, options.monitoring_endpoint
        )
        if options.metrics.enabled
        else None,
        billing=BillingOptions(
            table=options.billing_table,
            files=options.billing_export_files,
            label=options.billing_label,
            endpoint=options.bigquery_endpoint,
        ),
        workers=options.export_workers,
    )
    on_event(Collected("gcp", output, manifest, time.monotonic() - started, counts))
    return manifest
