"""The architecture document's facts: what `pscan architecture` writes about an estate.

`build_document(resources, findings, decisions, product_tags)` reads the snapshot's
resources (and its graph, for internet exposure) into the document's sections, as plain
data the renderers lay out (`scanner.render.architecture`):

- **at a glance**: clouds, accounts/projects with their regions, resource counts by
  service (the catalog's technology) and by product (`scanner.headroom.product_of`);
- **entry points**: the resources the internet reaches directly
  (`ResourceGraph.exposed_nodes()`: a path `internet -> filter -> resource`), each with
  what is behind it (what it routes to, hop by hop);
- **data stores**: the `data` tier (`scanner.catalog.tiers`) without volumes, disks and
  snapshots (they belong to their instance), with encryption, backup and replication as
  the catalog's attributes say; "not collected" where the snapshot does not tell;
- **identity boundaries**: role trusts that cross an account (to another account of the
  estate, an account outside it, or anyone), GCP bindings for anyone or for service
  accounts of other projects, and the roles/service accounts workloads run as;
- **network topology**: VPCs/networks with their subnets (public when their route
  table reaches an internet gateway), gateways and peerings;
- **architecture-level findings** (`is_architecture_level`): open findings of the rule
  categories network, resilience, architecture and capacity, findings on an edge-tier
  resource, and findings with an internet path, whatever their category: these are
  about how the estate is put together rather than one resource's settings;
- **decisions**: the team's records and the technologies no record governs.

Everything is sorted, so the same snapshot gives the same document.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scanner.architecture.decisions import Decision, TechnologyUse, technology_use
from scanner.catalog.tiers import placement, tier_of
from scanner.graph import INTERNET, ResourceGraph
from scanner.headroom import masked_ref, product_of
from scanner.masking import mask_text
from scanner.model import Category, Finding, FindingStatus, ResourceRef
from scanner.policy.gcp import is_public_member
from scanner.policy.iam import account_of

__all__ = [
    "ARCHITECTURE_CATEGORIES",
    "AccountSummary",
    "ArchitectureDocument",
    "Count",
    "DataStore",
    "DecisionUse",
    "EntryPoint",
    "Network",
    "Subnet",
    "Trust",
    "WorkloadIdentity",
    "build_document",
    "is_architecture_level",
    "open_findings",
]

ARCHITECTURE_CATEGORIES = frozenset(
    {Category.NETWORK, Category.RESILIENCE, Category.ARCHITECTURE, Category.CAPACITY}
)
NOT_COLLECTED = "not collected"
# Data-tier types that belong to something else: an instance's disks, copies of data.
_NOT_STORES = frozenset(
    {"aws.ec2.volume", "aws.ec2.snapshot", "aws.rds.snapshot", "gcp.compute.disk"}
    | {"gcp.compute.snapshot"}
)
_VPC_TYPES = ("aws.ec2.vpc", "gcp.compute.network")
_SUBNET_TYPES = ("aws.ec2.subnet", "gcp.compute.subnetwork")
_GATEWAY_TYPES = ("aws.ec2.internet_gateway", "aws.ec2.nat_gateway")


@dataclass(frozen=True)
class Count:
    """A name and how many."""

    name: str
    count: int


@dataclass(frozen=True)
class AccountSummary:
    """An AWS account or GCP project: its regions and how many resources it holds."""

    provider: str
    account: str
    regions: tuple[str, ...]
    resources: int


@dataclass(frozen=True)
class EntryPoint:
    """A resource the internet reaches directly, through which filter, and what is behind."""

    resource: ResourceRef
    via: ResourceRef
    behind: tuple[ResourceRef, ...] = ()


@dataclass(frozen=True)
class DataStore:
    """A place data lives, and how it is protected."""

    resource: ResourceRef
    product: str
    encryption: str
    backup: str
    replication: str
    internet_reachable: bool = False


@dataclass(frozen=True)
class Trust:
    """A principal outside a role's account (or anyone) that may act on it."""

    resource: ResourceRef
    principal: str
    kind: str  # "another account of the estate", "external account", "anyone", ...


@dataclass(frozen=True)
class WorkloadIdentity:
    """A role or service account, and the workloads that run as it."""

    identity: ResourceRef
    workloads: tuple[ResourceRef, ...]


@dataclass(frozen=True)
class Subnet:
    """A subnet: its range, zone, and whether it routes to the internet (None: unknown)."""

    resource: ResourceRef
    cidr: str
    zone: str
    is_public: bool | None


@dataclass(frozen=True)
class Network:
    """A VPC or VPC network with its subnets, gateways and peerings."""

    resource: ResourceRef
    cidr: str
    is_default: bool
    resources: int  # resources placed in it
    subnets: tuple[Subnet, ...] = ()
    gateways: tuple[ResourceRef, ...] = ()
    peerings: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecisionUse:
    """A decision record and how many resources of the estate it governs."""

    decision: Decision
    resources: int


@dataclass
class ArchitectureDocument:
    """Every section of the architecture document, sorted."""

    resources: int
    clouds: list[str]
    accounts: list[AccountSummary]
    regions: list[Count]
    by_service: list[Count]
    by_product: list[Count]
    product_tags: list[str]
    entry_points: list[EntryPoint] = field(default_factory=list)
    data_stores: list[DataStore] = field(default_factory=list)
    trusts: list[Trust] = field(default_factory=list)
    identities: list[WorkloadIdentity] = field(default_factory=list)
    networks: list[Network] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    decisions: list[DecisionUse] = field(default_factory=list)
    technologies: list[TechnologyUse] = field(default_factory=list)

    @property
    def uncovered(self) -> list[TechnologyUse]:
        """The technologies in use that decisions do not fully govern."""
        return [t for t in self.technologies if not t.is_covered]


def _unknown_ref(node_id: str) -> ResourceRef:
    """A relation target the snapshot does not hold."""
    return ResourceRef(id=node_id, type="unknown", name=node_id.rsplit("/", 1)[-1])


def _order(ref: ResourceRef) -> tuple[str, ...]:
    return (ref.provider, ref.account, ref.region, ref.type, ref.name, ref.id)


def open_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Failing findings no suppression covers."""
    return [f for f in findings if f.status is FindingStatus.FAIL and f.suppression is None]


def is_architecture_level(finding: Finding) -> bool:
    """About how the estate is put together: see the module docstring."""
    return (
        finding.category in ARCHITECTURE_CATEGORIES
        or tier_of(finding.resource.type) == "edge"
        or (bool(finding.path) and finding.path[0] == INTERNET)
    )


def build_document(
    resources: Sequence[Mapping[str, Any]],
    findings: Sequence[Finding],
    decisions: Sequence[Decision],
    product_tags: Sequence[str],
) -> ArchitectureDocument:
    """The architecture document of an estate (see the module docstring)."""
    by_id = {str(r["id"]): r for r in resources}
    keys = [k.lower() for k in product_tags]
    graph = ResourceGraph.build(resources)
    exposed = graph.exposed_nodes()
    accounts: dict[tuple[str, str], set[str]] = {}
    per_account: Counter[tuple[str, str]] = Counter()
    for r in resources:
        scope = (str(r.get("provider", "")), str(r.get("account") or ""))
        accounts.setdefault(scope, set()).add(str(r.get("region") or "global"))
        per_account[scope] += 1
    picked = [f for f in open_findings(findings) if is_architecture_level(f)]
    return ArchitectureDocument(
        resources=len(resources),
        clouds=sorted({p for p, _ in accounts}),
        accounts=[
            AccountSummary(p, a, tuple(sorted(regions)), per_account[(p, a)])
            for (p, a), regions in sorted(accounts.items())
        ],
        regions=_counts(str(r.get("region") or "global") for r in resources),
        by_service=_counts(placement(str(r["type"])).technology for r in resources),
        by_product=_counts(product_of(r.get("tags"), keys) for r in resources),
        product_tags=list(product_tags),
        entry_points=_entry_points(by_id, exposed),
        # the values these sections quote from attributes, masked (names already are)
        data_stores=_masked(_data_stores(resources, keys, exposed)),
        trusts=_masked(_trusts(resources, {a for _, a in accounts})),
        identities=_identities(resources, by_id),
        networks=_masked(_networks(resources)),
        findings=sorted(picked, key=lambda f: (-f.severity.rank, f.rule_id, f.resource.id)),
        decisions=[DecisionUse(d, sum(1 for r in resources if d.covers(r))) for d in decisions],
        technologies=technology_use(resources, decisions),
    )


def _masked(value: Any) -> Any:
    """`value` (sections' dataclasses, tuples, lists) with every string in it masked."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, tuple):
        return tuple(_masked(v) for v in value)
    if isinstance(value, list):
        return [_masked(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _masked(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **fields)
    return value  # ResourceRef: made by masked_ref


def _counts(names: Iterable[str]) -> list[Count]:
    """Counts, largest first, then by name."""
    return [Count(n, c) for n, c in sorted(Counter(names).items(), key=lambda x: (-x[1], x[0]))]


# ---------------------------------------------------------------------- entry points
def _entry_points(
    by_id: Mapping[str, Mapping[str, Any]], exposed: Mapping[str, list[str]]
) -> list[EntryPoint]:
    behind: dict[str, list[str]] = {}
    for node, path in exposed.items():
        if len(path) > 3 and node in by_id:
            behind.setdefault(path[2], []).append(node)
    points = []
    for node, path in exposed.items():
        if len(path) != 3 or node not in by_id:
            continue
        via = by_id.get(path[1])
        points.append(
            EntryPoint(
                resource=masked_ref(by_id[node]),
                via=masked_ref(via) if via is not None else _unknown_ref(path[1]),
                behind=tuple(
                    sorted((masked_ref(by_id[b]) for b in behind.get(node, ())), key=_order)
                ),
            )
        )
    return sorted(points, key=lambda p: _order(p.resource))


# ---------------------------------------------------------------------- data stores
def _said(value: Any, yes: str, no: str) -> str:
    """A boolean attribute in words; null is not collected."""
    return NOT_COLLECTED if value is None else yes if value else no


def _key(kms: Any, managed: str) -> str:
    return "customer-managed key (KMS)" if kms else managed


def _s3(a: Mapping[str, Any]) -> tuple[str, str, str]:
    enc = a.get("encryption")
    algorithm = enc.get("algorithm") if isinstance(enc, Mapping) else None
    versioning = a.get("versioning")
    return (
        f"{algorithm}" if algorithm else "none",
        f"versioning {versioning}" if versioning else "no versioning",
        NOT_COLLECTED,
    )


def _rds(a: Mapping[str, Any]) -> tuple[str, str, str]:
    days = a.get("backup_retention_days")
    backup = (
        NOT_COLLECTED
        if not isinstance(days, int)
        else f"automated, {days} days"
        if days > 0
        else "automated backups off"
    )
    encrypted = a.get("storage_encrypted")
    encryption = _key(a.get("kms_key_id"), "AWS-managed key") if encrypted else "none"
    return (
        NOT_COLLECTED if encrypted is None else encryption,
        backup,
        _said(a.get("multi_az"), "Multi-AZ", "single AZ"),
    )


def _dynamodb(a: Mapping[str, Any]) -> tuple[str, str, str]:
    sse = a.get("sse_type")
    encryption = "KMS key" if sse == "KMS" else "AWS owned key"
    return (
        encryption,
        _said(a.get("pitr_enabled"), "point-in-time recovery", "no point-in-time recovery"),
        NOT_COLLECTED,
    )


def _efs(a: Mapping[str, Any]) -> tuple[str, str, str]:
    encrypted = a.get("encrypted")
    return (
        _said(encrypted, _key(a.get("kms_key_id"), "AWS-managed key"), "none"),
        _said(a.get("backup_policy_enabled"), "AWS Backup policy", "no backup policy"),
        NOT_COLLECTED,
    )


def _gcs(a: Mapping[str, Any]) -> tuple[str, str, str]:
    backup = [
        "versioning" if a.get("versioning_enabled") else "no versioning",
        *(
            [f"soft delete {a['soft_delete_retention_days']} days"]
            if a.get("soft_delete_retention_days")
            else []
        ),
    ]
    where = " ".join(str(a.get(k)) for k in ("location_type", "location") if a.get(k))
    return (
        _key(a.get("kms_key_name"), "Google-managed key"),
        ", ".join(backup),
        where or NOT_COLLECTED,
    )


def _cloud_sql(a: Mapping[str, Any]) -> tuple[str, str, str]:
    backup = _said(a.get("backup_enabled"), "automated", "automated backups off")
    if a.get("pitr_enabled"):
        backup += ", point-in-time recovery"
    availability = a.get("availability_type")
    return (
        _key(a.get("kms_key_name"), "Google-managed key"),
        backup,
        "regional (HA)"
        if availability == "REGIONAL"
        else "zonal"
        if availability
        else NOT_COLLECTED,
    )


def _bigquery(a: Mapping[str, Any]) -> tuple[str, str, str]:
    return (
        _key(a.get("kms_key_name"), "Google-managed key"),
        NOT_COLLECTED,
        str(a.get("location") or NOT_COLLECTED),
    )


_STORES: dict[str, Callable[[Mapping[str, Any]], tuple[str, str, str]]] = {
    "aws.s3.bucket": _s3,
    "aws.rds.instance": _rds,
    "aws.rds.cluster": _rds,
    "aws.dynamodb.table": _dynamodb,
    "aws.efs.file_system": _efs,
    "gcp.storage.bucket": _gcs,
    "gcp.sql.instance": _cloud_sql,
    "gcp.bigquery.dataset": _bigquery,
    "gcp.bigquery.table": _bigquery,
}


def _data_stores(
    resources: Iterable[Mapping[str, Any]], keys: Sequence[str], exposed: Mapping[str, Any]
) -> list[DataStore]:
    stores = []
    for r in resources:
        rtype = str(r["type"])
        if tier_of(rtype) != "data" or rtype in _NOT_STORES:
            continue
        read = _STORES.get(rtype)
        attrs = r.get("attributes") or {}
        encryption, backup, replication = (
            read(attrs) if read else (NOT_COLLECTED, NOT_COLLECTED, NOT_COLLECTED)
        )
        stores.append(
            DataStore(
                resource=masked_ref(r),
                product=product_of(r.get("tags"), keys),
                encryption=encryption,
                backup=backup,
                replication=replication,
                internet_reachable=str(r["id"]) in exposed,
            )
        )
    return sorted(stores, key=lambda s: _order(s.resource))


# ---------------------------------------------------------------------- identity
def _aws_trust_kind(principal: str, own: str, estate: set[str]) -> str | None:
    """How far outside its account a role's trusted principal is; None: not a boundary."""
    if principal.startswith("principal:aws:service:"):
        return None
    if principal.startswith("principal:aws:federated:") or ":saml-provider/" in principal:
        return "federated identity provider"
    if principal == "principal:aws:*" or principal.endswith(":*"):
        return "anyone"
    if principal.startswith("principal:aws:account:"):
        account: str | None = principal.rsplit(":", 1)[-1]
    else:
        account = account_of(principal)
    if account is None or account == own:
        return None
    return "another account of the estate" if account in estate else "external account"


def _gcp_binding_kind(principal: str, project: str, estate: set[str]) -> str | None:
    member = principal.removeprefix("principal:gcp:")
    if is_public_member(member):
        return "anyone"
    if not member.startswith("serviceAccount:") or not member.endswith(".iam.gserviceaccount.com"):
        return None
    owner = member.split("@", 1)[-1].removesuffix(".iam.gserviceaccount.com")
    if owner == project:
        return None
    return "another project of the estate" if owner in estate else "external project"


def _trusts(resources: Iterable[Mapping[str, Any]], estate: set[str]) -> list[Trust]:
    out = []
    for r in resources:
        own = str(r.get("account") or "")
        for rel in r.get("relations") or ():
            target = str(rel["target"])
            if rel["type"] == "trusts":
                kind = _aws_trust_kind(target, own, estate)
            elif rel["type"] == "iam_binding":
                kind = _gcp_binding_kind(target, own, estate)
            else:
                continue
            if kind is not None:
                principal = target.removeprefix("principal:aws:").removeprefix("principal:gcp:")
                out.append(Trust(masked_ref(r), principal, kind))
    unique = {(t.resource.id, t.principal): t for t in out}
    return sorted(unique.values(), key=lambda t: (t.kind, *_order(t.resource), t.principal))


def _identities(
    resources: Iterable[Mapping[str, Any]], by_id: Mapping[str, Mapping[str, Any]]
) -> list[WorkloadIdentity]:
    users: dict[str, dict[str, ResourceRef]] = {}
    for r in resources:
        for rel in r.get("relations") or ():
            if rel["type"] == "runs_as":
                users.setdefault(str(rel["target"]), {})[str(r["id"])] = masked_ref(r)
    out = [
        WorkloadIdentity(
            identity=masked_ref(by_id[i]) if i in by_id else _unknown_ref(i),
            workloads=tuple(sorted(w.values(), key=_order)),
        )
        for i, w in users.items()
    ]
    return sorted(out, key=lambda x: _order(x.identity))


# ---------------------------------------------------------------------- networks
def _networks(resources: Sequence[Mapping[str, Any]]) -> list[Network]:
    members: Counter[str] = Counter()
    subnets: dict[str, list[Subnet]] = {}
    gateways: dict[str, list[ResourceRef]] = {}
    for r in resources:
        for rel in r.get("relations") or ():
            if rel["type"] not in ("in_vpc", "in_network"):
                continue
            network = str(rel["target"])
            members[network] += 1
            attrs = r.get("attributes") or {}
            if r["type"] in _SUBNET_TYPES:
                public = attrs.get("has_internet_route")
                subnets.setdefault(network, []).append(
                    Subnet(
                        resource=masked_ref(r),
                        cidr=str(attrs.get("cidr_block") or attrs.get("ip_cidr_range") or ""),
                        zone=str(attrs.get("availability_zone") or r.get("region") or ""),
                        is_public=public if isinstance(public, bool) else None,
                    )
                )
            elif r["type"] in _GATEWAY_TYPES:
                gateways.setdefault(network, []).append(masked_ref(r))
    out = []
    for r in resources:
        if r["type"] not in _VPC_TYPES:
            continue
        rid, attrs = str(r["id"]), r.get("attributes") or {}
        peerings = attrs.get("peerings") or ()
        out.append(
            Network(
                resource=masked_ref(r),
                cidr=str(attrs.get("cidr_block") or ""),
                is_default=attrs.get("is_default") is True,
                resources=members[rid],
                subnets=tuple(sorted(subnets.get(rid, ()), key=lambda s: _order(s.resource))),
                gateways=tuple(sorted(gateways.get(rid, ()), key=_order)),
                peerings=tuple(
                    sorted(
                        f"{p.get('name', '')} -> {p.get('network', '')} ({p.get('state', '')})"
                        for p in peerings
                        if isinstance(p, Mapping)
                    )
                ),
            )
        )
    return sorted(out, key=lambda n: _order(n.resource))
