"""Compute Engine quotas (`gcp.compute.quota`) from the Compute API: `projects.get`, `regions.list`.

Cloud Asset Inventory carries no quotas, so these come from the Compute API itself
(google-cloud-compute, REST): `projects.get` lists a project's global quotas (networks,
firewalls, images, ...), `regions.list` each region's quotas (CPUS, N2_CPUS,
IN_USE_ADDRESSES, SSD_TOTAL_GB, ...), with `metric`, `limit` and `usage` each.

Two calls per project (plus pages of `regions.list`), made only with `--metrics`. Every
global quota is kept. Regional quotas are kept for the regions where the project uses
something (some quota with usage above 0): a region with nothing in use has ~100
quotas at 0 and would multiply the snapshot for nothing. A call that fails (the
Compute API not enabled, permission denied) is recorded as a collection error for that
project and the others go on.

Ids: `//compute.googleapis.com/projects/<project>/quotas/<metric>` (global) and
`//compute.googleapis.com/projects/<project>/regions/<region>/quotas/<metric>`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from google.api_core import retry as gretry
from google.api_core.client_options import ClientOptions
from google.auth.credentials import Credentials
from google.cloud import compute_v1

from scanner.collectors.gcp.api import API_ERRORS, error_details, make_retry
from scanner.collectors.usage import used_percent
from scanner.model import CollectionError, Resource

__all__ = ["ComputeClients", "QuotaReader", "make_compute_clients", "quota_unit"]

logger = logging.getLogger(__name__)

_PAGE_SIZE = 500  # regions.list's maximum
# Errors that say the project is out of reach (API disabled, denied): skip its other call.
_PROJECT_REFUSED = frozenset({"PERMISSION_DENIED", "NOT_FOUND", "UNAUTHENTICATED"})


def quota_unit(metric: str) -> str:
    """What a Compute quota counts: vCPU for the CPU families, GB for disk sizes, else Count."""
    if metric.endswith("CPUS"):
        return "vCPU"
    if metric.endswith("_GB"):
        return "GB"
    return "Count"


class ComputeClients:
    """The two Compute clients quotas need, sharing one endpoint and credentials."""

    def __init__(self, projects: compute_v1.ProjectsClient, regions: compute_v1.RegionsClient):
        self.projects = projects
        self.regions = regions

    def close(self) -> None:
        """Close both clients' HTTP sessions."""
        for client in (self.projects, self.regions):
            client.transport.close()  # type: ignore[no-untyped-call]


def make_compute_clients(endpoint: str | None, credentials: Credentials) -> ComputeClients:
    """Compute `ProjectsClient` and `RegionsClient` (REST), at `endpoint` when one is given."""
    options = ClientOptions(api_endpoint=endpoint) if endpoint else None
    return ComputeClients(
        compute_v1.ProjectsClient(
            credentials=credentials, transport="rest", client_options=options
        ),
        compute_v1.RegionsClient(credentials=credentials, transport="rest", client_options=options),
    )


def _quota(project: str, region: str | None, quota: Any) -> Resource:
    metric = str(quota.metric)
    limit, used = float(quota.limit), float(quota.usage)
    where = f"projects/{project}" + (f"/regions/{region}" if region else "")
    return Resource(
        id=f"//compute.googleapis.com/{where}/quotas/{metric}",
        type="gcp.compute.quota",
        provider="gcp",
        account=project,
        region=region or "global",
        name=metric,
        attributes={
            "metric": metric,
            "limit": int(limit) if limit.is_integer() else limit,
            "used": int(used) if used.is_integer() else used,
            "used_percent": used_percent(used, limit),
            "unit": quota_unit(metric),
            "scope": "region" if region else "project",
        },
    )


class QuotaReader:
    """Reads the quotas of projects; failures become `errors`, `calls` counts requests."""

    def __init__(self, clients: ComputeClients, retry: gretry.Retry | None = None) -> None:
        self.clients = clients
        self.retry = retry if retry is not None else make_retry()
        self.errors: list[CollectionError] = []
        self.calls = 0

    def quotas(self, projects: Iterable[str]) -> Iterator[Resource]:
        """Global and regional quotas of every project (see the module docstring)."""
        for project in projects:
            errors = len(self.errors)
            yield from self._global(project)
            if len(self.errors) > errors and self.errors[-1].code in _PROJECT_REFUSED:
                continue  # regions.list would be refused the same way
            yield from self._regional(project)

    def _global(self, project: str) -> list[Resource]:
        self.calls += 1
        try:
            found = self.clients.projects.get(project=project, retry=self.retry)
        except API_ERRORS as exc:
            self._record(project, "projects.get", exc)
            return []
        out = [_quota(project, None, q) for q in found.quotas]
        logger.info("%s: %d global quotas", project, len(out))
        return out

    def _regional(self, project: str) -> list[Resource]:
        out: list[Resource] = []
        request = compute_v1.ListRegionsRequest(project=project, max_results=_PAGE_SIZE)
        pages = 0
        try:
            self.calls += 1
            pager = self.clients.regions.list(request=request, retry=self.retry)
            for page in pager.pages:
                self.calls += 1 if pages else 0
                pages += 1
                for region in page.items:
                    if any(float(q.usage) > 0 for q in region.quotas):
                        out += [_quota(project, str(region.name), q) for q in region.quotas]
        except API_ERRORS as exc:
            # the regions of the pages read are kept; the list is not whole
            note = f"list incomplete: {pages} page(s) read and kept ({len(out)} quotas)"
            self._record(project, "regions.list", exc, note if pages else "")
        logger.info("%s: %d regional quotas", project, len(out))
        return out

    def _record(self, project: str, operation: str, exc: BaseException, note: str = "") -> None:
        code, message = error_details(exc)
        message = f"{note}: {message}" if note else message
        logger.warning("%s: Compute %s failed, skipped: %s %s", project, operation, code, message)
        self.errors.append(
            CollectionError(
                provider="gcp",
                account=project,
                region="global",
                service="compute",
                operation=operation,
                code=code,
                message=message,
            )
        )
