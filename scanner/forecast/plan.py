"""A capacity plan: the demand of every tier at every horizon against what the estate can reach.

`make_plan` compares, per product, tier and horizon (`scanner.forecast.demand`), what the
tier needs with what its resources can reach (`scanner.forecast.supply`): instances
against the scaling maximum, the extra instances' vCPUs against the quota left in their
account and region, Lambda concurrency against reserved or account concurrency, DynamoDB
units against provisioned throughput. `plan_findings` turns each shortfall into a
capacity finding at the earliest horizon it appears, on the resource that limits it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scanner.forecast.demand import Demand, tier_demand
from scanner.forecast.model import CapacityModel
from scanner.forecast.supply import Supply, TierSupply
from scanner.model import (
    Category,
    Finding,
    ForecastReport,
    ForecastTier,
    Remediation,
    ResourceRef,
    Severity,
    fingerprint,
)

__all__ = ["Shortfall", "TierPlan", "forecast_report", "make_plan", "plan_findings"]


@dataclass(frozen=True)
class Shortfall:
    """One way a tier falls short at a horizon."""

    kind: str  # instances | vcpu_quota | concurrency | read_units | write_units
    needed: float
    available: float
    resource: dict[str, Any]  # the resource that limits it (ResourceRef fields)
    message: str


@dataclass
class TierPlan:
    """One tier of one product at one horizon: demand, reach and shortfalls."""

    demand: Demand
    kind: str
    instances_now: int
    instances_max: int | None
    per_instance_rps: float | None
    concurrency_limit: float | None = None
    read_units: float | None = None
    write_units: float | None = None
    shortfalls: list[Shortfall] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)


def _tier_label(d: Demand) -> str:
    return f"{d.tier} tier of {d.product}"


def _instances(plan: TierPlan, supply: TierSupply, s: Supply) -> None:
    d = plan.demand
    if d.instances is None or not supply.resources:
        return
    limiting = supply.resources[0]
    most = plan.instances_max
    if most is not None and d.instances > most:
        plan.shortfalls.append(
            Shortfall(
                "instances",
                d.instances,
                most,
                limiting,
                f"{_tier_label(d)} needs {d.instances} instances at the {d.horizon} forecast"
                f" ({d.peak_rps:,.0f} requests/s at peak); it can reach {most}",
            )
        )
    vcpus = supply.vcpus_per_instance
    extra = d.instances - plan.instances_now
    if not vcpus or extra <= 0:
        return
    for scope in sorted(supply.scopes):
        quota = s.vcpu_quotas.get(scope)
        left = quota.left if quota else None
        if quota is None or left is None:
            continue
        needed = extra * vcpus / max(1, len(supply.scopes))
        if needed > left:
            plan.shortfalls.append(
                Shortfall(
                    "vcpu_quota",
                    needed,
                    left,
                    quota.ref,
                    f"{_tier_label(d)} needs {extra} more instances at the {d.horizon}"
                    f" forecast, {needed:,.0f} more vCPUs in {scope[0]} {scope[1]}; the"
                    f" quota ({quota.limit:,.0f}) has {left:,.0f} left",
                )
            )


def _concurrency_and_units(plan: TierPlan, supply: TierSupply, s: Supply) -> None:
    d = plan.demand
    if not supply.resources:
        return
    limiting = supply.resources[0]
    if plan.kind == "function":
        limit = supply.reserved_concurrency
        if limit is None:
            limits = [s.lambda_limits[sc] for sc in supply.scopes if sc in s.lambda_limits]
            limit = int(min(limits)) if limits else None
        plan.concurrency_limit = limit
        if limit is not None and d.in_flight > limit:
            plan.shortfalls.append(
                Shortfall(
                    "concurrency",
                    d.in_flight,
                    limit,
                    limiting,
                    f"{_tier_label(d)} needs {math.ceil(d.in_flight)} concurrent executions"
                    f" at the {d.horizon} forecast; its limit is {limit}",
                )
            )
    for kind, needed, have in (
        ("read_units", d.read_units, supply.read_units),
        ("write_units", d.write_units, supply.write_units),
    ):
        if needed is None or have is None or supply.on_demand:
            continue
        if needed > have:
            plan.shortfalls.append(
                Shortfall(
                    kind,
                    needed,
                    have,
                    limiting,
                    f"{_tier_label(d)} needs {needed:,.0f} {kind.replace('_', ' ')}/s at"
                    f" the {d.horizon} forecast; {have:,.0f} are provisioned",
                )
            )
    plan.read_units, plan.write_units = supply.read_units, supply.write_units
    limit = supply.connections_limit
    if d.connections is not None and limit is not None and d.connections > limit:
        plan.shortfalls.append(
            Shortfall(
                "connections",
                d.connections,
                limit,
                limiting,
                f"{_tier_label(d)} needs {math.ceil(d.connections)} database connections at"
                f" the {d.horizon} forecast; the engine allows {limit}",
            )
        )


def make_plan(
    model: CapacityModel, supply: Supply, measured_rps: Mapping[tuple[str, str], float] = {}
) -> list[TierPlan]:
    """Every tier at every horizon; `measured_rps` (product, tier) -> load-tested RPS."""
    plans = []
    for horizon in model.horizons:
        for pname, product in model.products.items():
            for tname, tier in product.tiers.items():
                tier_supply = supply.tiers[(pname, tname)]
                rps = measured_rps.get((pname, tname)) or tier.per_instance_rps
                demand = tier_demand(model, pname, tname, horizon, per_instance_rps=rps)
                plan = TierPlan(
                    demand=demand,
                    kind=tier.kind,
                    instances_now=tier_supply.instances_now,
                    instances_max=tier_supply.instances_max if tier_supply.resources else None,
                    per_instance_rps=rps,
                    resources=[r["id"] for r in tier_supply.resources],
                )
                _instances(plan, tier_supply, supply)
                _concurrency_and_units(plan, tier_supply, supply)
                plans.append(plan)
    return plans


_RULES: dict[str, tuple[str, str]] = {
    "instances": (
        "Forecast load needs more instances than the tier can scale to",
        "Raise the scaling maximum (auto-scaling group max_size, autoscaler max_replicas,"
        " max_instances), or make each instance handle more (a larger type, a tuned"
        " service), before the forecast month.",
    ),
    "vcpu_quota": (
        "Forecast load needs more vCPUs than the quota has left",
        "Request a quota increase (Service Quotas / IAM & Admin > Quotas) well before the"
        " forecast month; increases can take days.",
    ),
    "concurrency": (
        "Forecast load needs more concurrency than the function may use",
        "Raise the function's reserved concurrency, or the account's concurrency quota.",
    ),
    "connections": (
        "Forecast load needs more database connections than the engine allows",
        "Pool connections (RDS Proxy, PgBouncer, Cloud SQL Auth Proxy with pooling), move"
        " to a larger instance class or tier, or raise max_connections in the parameter"
        " group or database flags if memory allows.",
    ),
    "read_units": (
        "Forecast load needs more read capacity than is provisioned",
        "Raise provisioned read capacity, enable auto scaling, or switch to on-demand.",
    ),
    "write_units": (
        "Forecast load needs more write capacity than is provisioned",
        "Raise provisioned write capacity, enable auto scaling, or switch to on-demand.",
    ),
}


def plan_findings(plans: list[TierPlan], first_horizon: str) -> list[Finding]:
    """One finding per (shortfall kind, limiting resource, tier), at its earliest horizon.

    A shortfall already at the first horizon is high; one that appears later is medium.
    """
    seen: dict[tuple[str, str, str, str], Finding] = {}
    for plan in sorted(plans, key=lambda p: p.demand.horizon):
        d = plan.demand
        for short in plan.shortfalls:
            key = (short.kind, short.resource["id"], d.product, d.tier)
            if key in seen:
                seen[key].evidence.setdefault("later_horizons", []).append(d.horizon)
                continue
            rule_id = f"forecast_{short.kind}"
            title, fix = _RULES[short.kind]
            seen[key] = Finding(
                fingerprint=fingerprint(f"{rule_id}:{d.product}:{d.tier}", short.resource["id"]),
                rule_id=rule_id,
                title=title,
                severity=Severity.HIGH if d.horizon == first_horizon else Severity.MEDIUM,
                category=Category.CAPACITY,
                resource=ResourceRef.model_validate(short.resource),
                message=short.message,
                evidence={
                    "product": d.product,
                    "tier": d.tier,
                    "horizon": d.horizon,
                    "users": round(d.users),
                    "peak_rps": round(d.peak_rps, 2),
                    "needed": round(short.needed, 2),
                    "available": round(short.available, 2),
                },
                remediation=Remediation(summary=fix),
                source="pscan capacity plan",
            )
    return list(seen.values())


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def forecast_report(
    model: CapacityModel, model_path: str, product_tag: str, plans: list[TierPlan]
) -> ForecastReport:
    """The plan as the findings document's `forecast` section."""
    return ForecastReport(
        model=model_path,
        as_of=model.as_of,
        horizons=list(model.horizons),
        product_tag=product_tag,
        tiers=[
            ForecastTier(
                product=p.demand.product,
                tier=p.demand.tier,
                kind=p.kind,
                horizon=p.demand.horizon,
                users=round(p.demand.users),
                peak_rps=round(p.demand.peak_rps, 2),
                in_flight=round(p.demand.in_flight, 2),
                per_instance_rps=p.per_instance_rps,
                instances_needed=p.demand.instances,
                instances_now=p.instances_now,
                instances_max=p.instances_max,
                concurrency_limit=p.concurrency_limit,
                read_units_needed=_round(p.demand.read_units),
                read_units=p.read_units,
                write_units_needed=_round(p.demand.write_units),
                write_units=p.write_units,
                connections_needed=_round(p.demand.connections),
                shortfalls=sorted({s.kind for s in p.shortfalls}),
                resources=p.resources,
            )
            for p in plans
        ],
    )
