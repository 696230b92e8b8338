"""`--metrics` for GCP: Compute quotas and Cloud Monitoring usage for the projects collected.

Cloud Asset Inventory carries neither, so with `--metrics` the collector also calls the
Compute API (`quotas.QuotaReader`) and Cloud Monitoring (`metrics.MetricsReader`) for
every project it collected, whether the assets came from the Cloud Asset API or from
export files. Without `--metrics` none of this runs and the run stays a Cloud Asset
read only.

Credentials follow the Cloud Asset client's rules (`api.credentials_for`): a plain
`http://` endpoint is called anonymously, anything else with Application Default
Credentials. When there are none (export files read offline, say), quotas and metrics
are not collected and the manifest says so in a collection error; the assets still are.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from google.auth.credentials import Credentials
from google.cloud.monitoring_v3 import MetricServiceClient

from scanner.collectors.gcp.api import credentials_for
from scanner.collectors.gcp.collect import CapacityOptions
from scanner.collectors.gcp.metrics import (
    MetricsReader,
    close_monitoring_client,
    make_monitoring_client,
)
from scanner.collectors.gcp.quotas import ComputeClients, QuotaReader, make_compute_clients
from scanner.errors import CollectorError
from scanner.model import CollectionError, MetricsInfo, Resource

__all__ = ["Capacity"]

logger = logging.getLogger(__name__)


class Capacity:
    """Quotas and usage for the projects of one collection (see the module docstring)."""

    def __init__(self, options: CapacityOptions, asset_types: Iterable[str]) -> None:
        self.options = options
        self.asset_types = frozenset(asset_types)
        self.errors: list[CollectionError] = []
        self._compute: ComputeClients | None = None
        self._quotas: QuotaReader | None = None
        self._monitoring: MetricServiceClient | None = None
        self._metrics: MetricsReader | None = None

    @property
    def info(self) -> MetricsInfo:
        """Queries and calls made to Cloud Monitoring (zero when it could not be called)."""
        if self._metrics is None:
            return MetricsInfo(window_days=self.options.days)
        return self._metrics.info

    def start(self, projects: list[str]) -> None:
        """Open the clients and read the usage series of `projects` (before any resource)."""
        options = self.options
        credentials = self._credentials("monitoring", options.monitoring_endpoint)
        if credentials is not None:
            self._monitoring = make_monitoring_client(options.monitoring_endpoint, credentials)
            self._metrics = MetricsReader(self._monitoring, options.days, now=options.now)
            self._metrics.read(projects, self.asset_types)
        credentials = self._credentials("compute", options.compute_endpoint)
        if credentials is not None:
            self._compute = make_compute_clients(options.compute_endpoint, credentials)
            self._quotas = QuotaReader(self._compute)

    def usage(self, resource: Resource) -> dict[str, Any] | None:
        """The resource's `usage`, or None when no metric of it could be read."""
        return self._metrics.usage(resource) if self._metrics is not None else None

    def quotas(self, projects: Iterable[str]) -> Iterator[Resource]:
        """The Compute quotas of `projects` (none when Compute could not be called)."""
        if self._quotas is not None:
            yield from self._quotas.quotas(projects)

    def all_errors(self) -> list[CollectionError]:
        """Errors of the credentials, the quota calls and the metric queries."""
        return [
            *self.errors,
            *(self._metrics.errors if self._metrics else ()),
            *(self._quotas.errors if self._quotas else ()),
        ]

    def close(self) -> None:
        """Close the clients that were opened."""
        if self._compute is not None:
            self._compute.close()
        if self._monitoring is not None:
            close_monitoring_client(self._monitoring)

    def _credentials(self, service: str, endpoint: str | None) -> Credentials | None:
        """Credentials for `service`'s client; None (and an error recorded) when there are none."""
        try:
            return credentials_for(endpoint)
        except CollectorError as exc:
            what = "Compute quotas" if service == "compute" else "Cloud Monitoring usage metrics"
            logger.warning("%s not collected: %s", what, exc)
            self.errors.append(
                CollectionError(
                    provider="gcp",
                    region="global",
                    service=service,
                    operation="credentials",
                    code="NoCredentials",
                    message=f"{what} not collected (--metrics): {exc}"[:500],
                )
            )
            return None
