"""What the estate can reach: each tier's resources in a snapshot and their ceilings.

One pass over the snapshot's resources picks, for every tier of the model, the resources
that serve it (the product's resources of the tier's type, or explicit ids) and the
quotas of the accounts and regions they live in. For each tier it then knows:

- instances: how many run now and the most they can scale to (auto-scaling group
  `max_size`, GCP autoscaler `max_replicas`, Cloud Run / Cloud Functions
  `max_instances`; plain instances and databases cannot scale out, so now = most);
- vCPUs per instance and the vCPU quota left in each account and region (an AWS tier
  that needs 40 more m5.large needs 80 more vCPUs of On-Demand Standard quota);
- concurrency: Lambda reserved concurrency, else the account's concurrency limit;
- provisioned DynamoDB read and write units (None for on-demand tables);
- database connections: the engine's default `max_connections` for the instance class
  (`scanner.policy.capacity`), or a Cloud SQL `max_connections` flag; the smallest of
  the tier's databases, since each must hold the tier's connections.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scanner.forecast.model import CapacityModel, TierResources
from scanner.headroom import product_of
from scanner.policy.capacity import cloudsql_max_connections, rds_default_max_connections

__all__ = ["QuotaRoom", "Supply", "TierSupply", "read_supply", "ref_of"]

# The quota an AWS tier's instances draw on (On-Demand Standard instances, in vCPUs).
AWS_VCPU_QUOTA = ("ec2", "L-1216C47A")
GCP_CPU_QUOTA = "CPUS"
_LAMBDA_CONCURRENCY = ("lambda", "ConcurrentExecutions")


@dataclass(frozen=True)
class QuotaRoom:
    """A vCPU quota of one account (or project) and region."""

    ref: dict[str, Any]  # the quota resource, for findings
    limit: float
    used: float | None

    @property
    def left(self) -> float | None:
        """What is left of the limit (None when usage is unknown)."""
        return None if self.used is None else max(0.0, self.limit - self.used)


@dataclass
class TierSupply:
    """One tier's resources in the snapshot and what they can reach."""

    product: str
    tier: str
    resources: list[dict[str, Any]] = field(default_factory=list)  # id, type, name, ... tags
    instances_now: int = 0
    instances_max: int | None = 0  # None: some resource has no known ceiling
    vcpus_per_instance: float | None = None
    scopes: set[tuple[str, str]] = field(default_factory=set)  # (account, region)
    reserved_concurrency: int | None = None
    read_units: float | None = None
    write_units: float | None = None
    on_demand: bool = False
    connections_limit: int | None = None  # the smallest default max_connections of its DBs

    def add_instances(self, now: int, most: int | None) -> None:
        """Count a scaling group (or instance) of the tier."""
        self.instances_now += now
        if self.instances_max is not None:
            self.instances_max = None if most is None else self.instances_max + most


def ref_of(r: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a resource a finding names it by (`scanner.model.ResourceRef`)."""
    return {
        "id": str(r["id"]),
        "type": str(r["type"]),
        "name": str(r.get("name") or ""),
        "provider": str(r.get("provider") or ""),
        "account": str(r.get("account") or ""),
        "region": str(r.get("region") or ""),
        "tags": {str(k): str(v) for k, v in (r.get("tags") or {}).items()},
    }


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _usage_max(attrs: Mapping[str, Any], metric: str) -> float | None:
    summary = (attrs.get("usage") or {}).get(metric) or {}
    return _num(summary.get("max")) if summary.get("days") else None


def _add(supply: TierSupply, r: Mapping[str, Any]) -> None:
    attrs: Mapping[str, Any] = r.get("attributes") or {}
    rtype = r["type"]
    supply.resources.append(ref_of(r))
    supply.scopes.add((str(r.get("account") or ""), str(r.get("region") or "")))
    if rtype == "aws.autoscaling.group":
        supply.add_instances(_int(attrs.get("desired_capacity")), _int(attrs.get("max_size")))
        supply.vcpus_per_instance = _num(attrs.get("vcpus_per_instance"))
    elif rtype == "gcp.compute.autoscaler":
        now = _int(attrs.get("recommended_size") or _usage_max(attrs, "group_size") or 0)
        supply.add_instances(now, _int(attrs.get("max_replicas")))
    elif rtype in ("gcp.run.service", "gcp.cloudfunctions.function"):
        most = attrs.get("max_instances")
        seen = _usage_max(attrs, "instance_count") or 0.0
        supply.add_instances(int(seen), _int(most) if most is not None else None)
    elif rtype in ("aws.ec2.instance", "gcp.compute.instance"):
        running = attrs.get("state") == "running" or attrs.get("status") == "RUNNING"
        supply.add_instances(int(running), int(running))
        supply.vcpus_per_instance = _num(attrs.get("vcpus")) or supply.vcpus_per_instance
    elif rtype == "aws.ecs.service":
        supply.add_instances(_int(attrs.get("desired_count")), None)
    elif rtype == "aws.lambda.function":
        reserved = attrs.get("reserved_concurrency")
        if reserved is not None:
            supply.reserved_concurrency = (supply.reserved_concurrency or 0) + _int(reserved)
    elif rtype in ("aws.rds.instance", "gcp.sql.instance"):
        # one primary that does not scale out: more load needs a larger class or replicas
        supply.add_instances(1, 1)
        if rtype == "aws.rds.instance":
            limit = rds_default_max_connections(attrs.get("engine"), attrs.get("instance_class"))
        else:
            flags = attrs.get("database_flags") or {}
            flagged = _num(flags.get("max_connections")) if isinstance(flags, dict) else None
            limit = (
                int(flagged)
                if flagged
                else cloudsql_max_connections(attrs.get("database_version"), attrs.get("tier"))
            )
        if limit is not None:
            known = supply.connections_limit
            supply.connections_limit = limit if known is None else min(known, limit)
    elif rtype == "aws.dynamodb.table":
        reads, writes = (
            _num(attrs.get("read_capacity_units")),
            _num(attrs.get("write_capacity_units")),
        )
        if reads is None and writes is None:
            supply.on_demand = True
        supply.read_units = (supply.read_units or 0) + (reads or 0)
        supply.write_units = (supply.write_units or 0) + (writes or 0)


@dataclass
class Supply:
    """Every tier's supply, and the quotas seen, from one pass over a snapshot."""

    tiers: dict[tuple[str, str], TierSupply]
    vcpu_quotas: dict[tuple[str, str], QuotaRoom]
    lambda_limits: dict[tuple[str, str], float]


def read_supply(
    model: CapacityModel, resources: Iterable[Mapping[str, Any]], product_tags: Sequence[str]
) -> Supply:
    """Match the model's tiers to the snapshot's resources in one pass.

    A resource's product is the value of the first of `product_tags` it carries (keys
    match case-insensitively, as in headroom by product); product names match
    case-insensitively too.
    """
    by_id: dict[str, list[TierSupply]] = {}
    by_type: dict[tuple[str, str], list[tuple[TierSupply, TierResources]]] = {}
    tiers: dict[tuple[str, str], TierSupply] = {}
    for pname, product in model.products.items():
        for tname, tier in product.tiers.items():
            supply = tiers[(pname, tname)] = TierSupply(pname, tname)
            if tier.resources is None:
                continue
            for rid in tier.resources.ids:
                by_id.setdefault(rid, []).append(supply)
            if tier.resources.type:
                wanted = (tier.resources.product or pname).lower()
                by_type.setdefault((wanted, tier.resources.type), []).append(
                    (supply, tier.resources)
                )
    keys = [k.lower() for k in product_tags]
    quotas: dict[tuple[str, str], QuotaRoom] = {}
    lambda_limits: dict[tuple[str, str], float] = {}
    for r in resources:
        rtype = r.get("type")
        attrs: Mapping[str, Any] = r.get("attributes") or {}
        scope = (str(r.get("account") or ""), str(r.get("region") or ""))
        if rtype in ("aws.servicequotas.quota", "gcp.compute.quota"):
            _quota(r, attrs, scope, quotas, lambda_limits)
            continue
        for supply in by_id.get(str(r.get("id")), []):
            _add(supply, r)
        owner = product_of(r.get("tags"), keys).lower()
        for supply, chosen in by_type.get((owner, str(rtype)), []):
            if (not chosen.accounts or scope[0] in chosen.accounts) and (
                not chosen.regions or scope[1] in chosen.regions
            ):
                _add(supply, r)
    return Supply(tiers=tiers, vcpu_quotas=quotas, lambda_limits=lambda_limits)


def _quota(
    r: Mapping[str, Any],
    attrs: Mapping[str, Any],
    scope: tuple[str, str],
    quotas: dict[tuple[str, str], QuotaRoom],
    lambda_limits: dict[tuple[str, str], float],
) -> None:
    limit = _num(attrs.get("limit"))
    if limit is None:
        return
    code = (attrs.get("service_code"), attrs.get("quota_code"))
    if code == AWS_VCPU_QUOTA or attrs.get("metric") == GCP_CPU_QUOTA:
        quotas[scope] = QuotaRoom(ref_of(r), limit, _num(attrs.get("used")))
    elif code == _LAMBDA_CONCURRENCY:
        lambda_limits[scope] = limit
