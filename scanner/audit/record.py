"""What one audit stores, taken from a scan: its scope, findings, inventory and figures.

`audit_record` turns a gated findings document and the snapshots it was computed from
into an `AuditRecord`. The inventory is read from the snapshots again as a stream (one
pass, nothing but ids and digests kept), so a large estate is never held in memory.

Scope: the manifests' scopes (`aws:ACCOUNT:REGION`, `gcp:PROJECT`); the store adds, for
each provider and account that has resources but is covered by no manifest scope, that
whole account. A finding is *in scope* when its provider and account match a scope and the
scope names no region or the finding's region.

Collection errors (the manifests' `CollectionError`s) leave *gaps*: places where a
resource may be missing only because it could not be read (`Gap.covers`). The store
then says "not seen" instead of "resource gone".
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from scanner import __version__
from scanner.model import CollectionError, CostReport, FindingsDocument, FindingStatus
from scanner.snapshot import Snapshot

_SORTED = orjson.OPT_SORT_KEYS

__all__ = [
    "AuditRecord",
    "FigureRow",
    "FindingRow",
    "FrameworkRow",
    "Gap",
    "ResourceRow",
    "Scope",
    "attribute_digests",
    "audit_record",
    "gap_of",
    "in_gaps",
    "in_scope",
    "parse_scope",
    "scope_key",
]


@dataclass(frozen=True, order=True)
class Scope:
    """A provider's account (AWS account id, GCP project), optionally one region of it."""

    provider: str
    account: str
    region: str | None = None

    def __str__(self) -> str:
        parts = [self.provider, self.account] + ([self.region] if self.region else [])
        return ":".join(parts)

    def covers(self, provider: str, account: str, region: str) -> bool:
        """True when a finding or resource there belongs to this scope."""
        return (
            self.provider == provider
            and self.account == account
            and (self.region is None or self.region == region)
        )


def parse_scope(text: str) -> Scope | None:
    """`aws:123:eu-west-1` or `gcp:project` as a Scope; None for other shapes (folders...).

    `gcp:` is the scope of resources outside any project (organisation policies).
    """
    parts = text.split(":")
    if len(parts) not in (2, 3) or not parts[0] or "/" in parts[1]:
        return None
    if len(parts) == 3 and not parts[2]:
        return None
    return Scope(parts[0], parts[1], parts[2] if len(parts) == 3 else None)


def scope_key(scopes: Iterable[str]) -> str:
    """A fixed-size key of a set of scopes, to find audits of the same scope by index
    (an organisation's scope list can outgrow what a PostgreSQL btree entry holds)."""
    return hashlib.sha256("\n".join(sorted(scopes)).encode()).hexdigest()


def in_scope(scopes: Iterable[Scope], provider: str, account: str, region: str) -> bool:
    """True when some scope covers the place."""
    return any(s.covers(provider, account, region) for s in scopes)


# Errors that stop a whole account or region whatever the service: an account's role not
# assumed (sts), its regions not listed (DescribeRegions), a GCP scope's Cloud Asset listing.
_WHOLE_SCOPE = {("aws", "sts"), ("gcp", "cloudasset")}
_WHOLE_SCOPE_OPERATIONS = {"DescribeRegions"}
# GCP errors name an API (`sqladmin.googleapis.com`); catalog types name the product.
_GCP_APIS = {"sqladmin": "sql", "cloudkms": "kms", "cloudresourcemanager": "resourcemanager"}


@dataclass(frozen=True)
class Gap:
    """Where a collection error leaves a snapshot incomplete; "" matches anything."""

    provider: str
    account: str
    region: str
    service: str

    def covers(self, provider: str, account: str, region: str, resource_type: str) -> bool:
        """True when a resource there, of that type, may be missing for this error."""
        return (
            self.provider == provider
            and self.account in ("", account)
            and self.region in ("", region)
            and self.service in ("", _service_of(resource_type))
        )


def _service_of(resource_type: str) -> str:
    """The service of a catalog type: `aws.s3.bucket` -> `s3`, `aws.region` -> `region`."""
    parts = resource_type.split(".")
    return parts[1] if len(parts) > 1 else ""


def gap_of(error: CollectionError) -> Gap:
    """Where an error leaves its snapshot incomplete.

    AWS: the account; the region, except for errors recorded in `global` (global services,
    whose resources carry their own regions, and an account's role); the service, except
    for errors that stop the whole account or region. GCP: the project (a failed listing of
    an organisation or folder covers every project), every region, the API's service.
    """
    account = error.account.removeprefix("projects/")
    if "/" in account:  # organizations/N, folders/N
        account = ""
    region = "" if error.region in ("", "global") or error.provider == "gcp" else error.region
    service = error.service.split(".")[0]
    service = _GCP_APIS.get(service, service) if error.provider == "gcp" else service
    whole = (error.provider, error.service) in _WHOLE_SCOPE
    if whole or error.operation in _WHOLE_SCOPE_OPERATIONS:
        service = ""
    return Gap(error.provider, account, region, service)


def in_gaps(
    gaps: Iterable[Gap], provider: str, account: str, region: str, resource_type: str
) -> bool:
    """True when some gap covers a resource there, of that type."""
    return any(g.covers(provider, account, region, resource_type) for g in gaps)


@dataclass(frozen=True)
class FindingRow:
    """A finding as the store keeps it."""

    fingerprint: str
    rule_id: str
    title: str
    resource_id: str
    resource_type: str
    provider: str
    account: str
    region: str
    severity: str
    status: str  # fail or error
    suppression: str | None = None  # the reason, when suppressed

    @property
    def is_error(self) -> bool:
        """The rule could not judge the resource: says nothing about the finding's state."""
        return self.status == FindingStatus.ERROR.value


@dataclass(frozen=True)
class ResourceRow:
    """A resource of the inventory: where it is, and a digest per attribute."""

    resource_id: str
    type: str
    provider: str
    account: str
    region: str
    digest: str
    attributes: dict[str, str]


@dataclass(frozen=True)
class FrameworkRow:
    """Controls of a framework passed and failed, of those it has."""

    framework: str
    passed: int
    failed: int
    controls: int


@dataclass(frozen=True)
class FigureRow:
    """A figure for trends: kind capacity (a product's first limit), capacity_total, or
    cost, cost_to_date, cost_estimate, cost_waste (the scan's cost report)."""

    kind: str
    name: str
    value: float
    unit: str = ""
    detail: str = ""


@dataclass
class AuditRecord:
    """Everything one audit writes; `resources` is consumed once, inside the transaction."""

    started_at: datetime
    finished_at: datetime
    observed_at: datetime
    trigger: str
    scopes: list[Scope]
    snapshots: list[str]
    snapshot_digest: str
    rule_pack: str
    gate_fail_on: str
    gate_tripped: bool
    findings: list[FindingRow]
    resources: Iterable[ResourceRow]
    frameworks: list[FrameworkRow] = field(default_factory=list)
    figures: list[FigureRow] = field(default_factory=list)
    errors: list[CollectionError] = field(default_factory=list)
    pscan_version: str = __version__


def attribute_digests(resource: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """A digest of the whole resource (less `raw`) and one per attribute, tags and relations."""
    parts: dict[str, Any] = dict(resource.get("attributes") or {})
    parts["tags"] = resource.get("tags") or {}
    parts["relations"] = resource.get("relations") or []
    parts["name"] = resource.get("name", "")
    # 48-bit digests per attribute: a change going unseen would take two values of one
    # attribute of one resource colliding (about 1 in 2.8e14); they keep the inventory small.
    digests = {
        key: hashlib.blake2b(orjson.dumps(value, option=_SORTED), digest_size=6).hexdigest()
        for key, value in parts.items()
    }
    whole = hashlib.blake2b(orjson.dumps(digests, option=_SORTED), digest_size=16).hexdigest()
    return whole, digests


def audit_record(
    doc: FindingsDocument,
    snaps: Sequence[Snapshot],
    *,
    started_at: datetime,
    finished_at: datetime,
    trigger: str,
    rule_ids: Iterable[str],
) -> AuditRecord:
    """The record of an audit from its gated findings document and its snapshots."""
    gate = doc.gate
    return AuditRecord(
        started_at=started_at,
        finished_at=finished_at,
        observed_at=max(s.manifest.created_at for s in snaps),
        trigger=trigger,
        scopes=_scopes(snaps),
        snapshots=[str(s.path) for s in snaps],
        snapshot_digest=_snapshot_digest(snaps),
        rule_pack=hashlib.sha256("\n".join(sorted(rule_ids)).encode()).hexdigest()[:16],
        gate_fail_on=gate.fail_on if gate else "none",
        gate_tripped=gate.tripped if gate else False,
        findings=[_finding_row(f) for f in doc.findings],
        resources=_inventory(snaps),
        frameworks=_frameworks(doc),
        figures=[*_capacity_figures(doc), *_cost_figures(doc.cost)],
        errors=doc.collection_errors,  # masked (scanner.engine.build_document)
    )


def _scopes(snaps: Sequence[Snapshot]) -> list[Scope]:
    """The manifests' scopes that name an account or project (the store adds the rest)."""
    scopes = {s for snap in snaps for text in snap.manifest.scopes if (s := parse_scope(text))}
    return sorted(scopes, key=str)


def _snapshot_digest(snaps: Sequence[Snapshot]) -> str:
    digest = hashlib.sha256()
    for snap in sorted(snaps, key=lambda s: str(s.path)):
        digest.update(snap.manifest.model_dump_json().encode())
    return digest.hexdigest()


def _finding_row(finding: Any) -> FindingRow:
    ref = finding.resource
    return FindingRow(
        fingerprint=finding.fingerprint,
        rule_id=finding.rule_id,
        title=finding.title,
        resource_id=ref.id,
        resource_type=ref.type,
        provider=ref.provider,
        account=ref.account,
        region=ref.region,
        severity=finding.severity.value,
        status=finding.status.value,
        suppression=finding.suppression.reason if finding.suppression else None,
    )


def _inventory(snaps: Sequence[Snapshot]) -> Iterator[ResourceRow]:
    for snap in snaps:
        for resource in snap.iter_resources():
            whole, digests = attribute_digests(resource)
            yield ResourceRow(
                resource_id=resource["id"],
                type=resource["type"],
                provider=resource.get("provider", ""),
                account=resource.get("account", ""),
                region=resource.get("region", "global"),
                digest=whole,
                attributes=digests,
            )


def _frameworks(doc: FindingsDocument) -> list[FrameworkRow]:
    rows = []
    for fw in doc.frameworks:
        counts = fw.counts()
        rows.append(
            FrameworkRow(fw.id, counts.get("passed", 0), counts.get("failed", 0), len(fw.controls))
        )
    return rows


def _capacity_figures(doc: FindingsDocument) -> list[FigureRow]:
    report = doc.capacity
    if report is None:
        return []
    rows = [
        FigureRow("capacity_total", "constraints", report.constraints),
        FigureRow("capacity_total", "unmeasured", report.unmeasured),
    ]
    for group in [*report.products, *report.accounts]:
        limit = group.first_limit
        if limit is not None:
            detail = f"{limit.limited} ({limit.resource.id})"
            rows.append(FigureRow("capacity", group.name, limit.headroom_percent, "%", detail))
    return rows


def _cost_figures(report: CostReport | None) -> list[FigureRow]:
    """The scan's own cost report, as it gave it: net spend per month and currency
    (named `YYYY-MM CUR`; `cost` for full months, `cost_to_date` for the month in
    progress), the list-price estimate (`cost_estimate`) and the waste the cost findings
    found (`cost_waste`)."""
    if report is None:
        return []
    rows = []
    for cur in report.currencies:
        for month in cur.months:
            kind, what = ("cost_to_date", "month to date") if month.partial else ("cost", "month")
            detail = f"net spend, {what} ({', '.join(cur.providers)})"
            name = f"{month.month} {cur.currency}"  # unique per audit and kind
            rows.append(FigureRow(kind, name, float(month.net), cur.currency, detail))
    if report.estimated_resources:
        detail = f"{report.estimated_resources} priced resources"
        if report.estimate_prices_as_of:
            detail += f", prices as of {report.estimate_prices_as_of}"
        rows.append(
            FigureRow(
                "cost_estimate",
                "list price per month",
                float(report.estimated_monthly),
                report.estimate_currency,
                detail,
            )
        )
    if report.waste_findings:
        rows.append(
            FigureRow(
                "cost_waste",
                "cost findings per month",
                float(report.waste_monthly_usd),
                "USD",
                f"{report.waste_findings} cost findings",
            )
        )
    return rows
