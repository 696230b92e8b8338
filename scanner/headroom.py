"""Headroom by product: every capacity limit of a snapshot, grouped by a product tag.

A *constraint* is a limit something can run into and how much of it is used: a quota,
the addresses of a subnet, the maximum size of an auto-scaling group, a database's disk,
provisioned throughput, reserved concurrency, CPU (p95 against 100 %), an EBS volume's
burst balance. `constraints_of(resource)` reads them from one resource dict (the one
reading, which capacity rules may reuse); `Headroom` gathers them over a stream of
resources in a single pass and groups them by product:

- a resource's product is the value of the first of the product tag keys it has (keys
  match case-insensitively; an empty value counts as missing), else `(untagged)`;
- quotas belong to an account and region (or, global quotas, to an account), not to a
  product: each quota is listed under every product with resources in its account and
  region (global: anywhere in its account), and under its account when no product has;
- headroom % = (limit - used) / limit x 100; a product's first limit is the one with the
  least headroom.

Values that were not collected (usage null without `--metrics`, a limit unknown until
apply) are never guessed: the limit is left out and counted as *unmeasured*. A limit of 0
has no headroom to speak of and is left out too.

Memory: the stream is read once and each resource is dropped after its constraints are
taken; what is kept is the constraints, a count per product and the set of products per
account x region (for the quotas).

The usage summaries hold the average, p95 and maximum of daily values
(docs/capacity.md). Metrics of what is left (free storage, burst balance) are daily
minimums; their lowest value is not kept, so the average of the daily minimums is used.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from scanner.masking import mask_tags, mask_text
from scanner.model import CapacityConstraint, CapacityGroup, CapacityReport, ResourceRef, trusted

__all__ = [
    "DEFAULT_PRODUCT_TAGS",
    "QUOTA_TYPES",
    "UNTAGGED",
    "Headroom",
    "constraints_of",
    "headroom_percent",
    "headroom_report",
    "masked_ref",
    "product_name",
    "product_of",
]

# Tried in order when no product tag is configured (matched case-insensitively, so
# `product` and `PRODUCT` count too): `app` is the usual Kubernetes/GCP label.
DEFAULT_PRODUCT_TAGS = ("Product", "App", "Application")
UNTAGGED = "(untagged)"
QUOTA_TYPES = frozenset({"aws.servicequotas.quota", "gcp.compute.quota"})

# Types that are a scope rather than something running in one: they tie no product to
# an account or region (an `aws.region` resource exists in every enabled region).
_SCOPE_TYPES = frozenset({"aws.account", "aws.region"})
_SCOPE_PREFIXES = ("aws.organizations.", "gcp.resourcemanager.")

_GIB = 1024**3


class _Reading(NamedTuple):
    """A limit as a type's reader sees it; used or limit None when not collected."""

    kind: str
    limited: str
    used: float | None
    limit: float | None
    unit: str
    measure: str


def _num(value: Any) -> float | None:
    """A finite number, or None (null, a string such as `(known after apply)`, a bool)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _stat(attrs: Mapping[str, Any], metric: str, stat: str) -> tuple[float | None, str]:
    """One statistic of a usage metric and how to describe it, e.g. (83.5, 'p95 over 14 days')."""
    usage = attrs.get("usage")
    summary = usage.get(metric) if isinstance(usage, Mapping) else None
    if not isinstance(summary, Mapping):
        return None, ""
    value = _num(summary.get(stat))
    days = summary.get("days")
    return value, f"{stat} over {days} days" if isinstance(days, int) and days > 0 else stat


def _percent_of(attrs: Mapping[str, Any], metric: str, kind: str, limited: str) -> _Reading:
    """A utilisation metric's p95 against 100 %."""
    used, measure = _stat(attrs, metric, "p95")
    return _Reading(kind, limited, used, 100.0, "%", measure)


def _cpu(attrs: Mapping[str, Any]) -> _Reading:
    return _percent_of(attrs, "cpu_percent", "cpu", "CPU utilisation")


# ---------------------------------------------------------------------- readers per type
def _quota(attrs: Mapping[str, Any]) -> Iterator[_Reading]:
    name = attrs.get("quota_name") or attrs.get("metric") or attrs.get("quota_code") or "quota"
    unit = attrs.get("unit")
    yield _Reading(
        "quota",
        str(name),
        _num(attrs.get("used")),
        _num(attrs.get("limit")),
        "" if unit in (None, "None") else str(unit),
        "now",
    )


def _subnet(attrs: Mapping[str, Any]) -> Iterator[_Reading]:
    total = _num(attrs.get("total_ip_count"))
    available = _num(attrs.get("available_ip_count"))
    used = None if total is None or available is None else total - available
    yield _Reading("ip_addresses", "subnet IPv4 addresses", used, total, "IPs", "now")


def _asg(attrs: Mapping[str, Any]) -> Iterator[_Reading]:
    most = _num(attrs.get("max_size"))
    # a fixed-size group (min == max) does not scale: its size is a choice, not a limit
    if most is None or _num(attrs.get("min_size")) != most:
        desired = _num(attrs.get("desired_capacity"))
        yield _Reading("scaling", "ASG size (desired / max)", desired, most, "instances", "now")
    yield _cpu(attrs)


def _gcp_autoscaler(attrs: Mapping[str, Any]) -> Iterator[_Reading]:
    used, measure = _num(attrs.get("recommended_size")), "now (recommended size)"
    if used is None:
        used, measure = _stat(attrs, "group_size", "max")
    limit = _num(attrs.get("max_replicas"))
    yield _Reading(
        "scaling", "instance group size (max replicas)", used, limit, "instances", measure
    )


def _node_pool(attrs: Mapping[str, Any]) -> Iterator[_Reading]:
    per_zone = _num(attrs.get("max_node_count"))
    if per_zone is None:  # no autoscaling: no maximum to run into
        return
    zones = _num(attrs.get("zone_count"))
    used, measure = _stat(attrs, "node_count", "max")
    limit = None if zones is None else per_zone * zones
    yield _Reading("scaling", "node pool size (max nodes)", used, limit, "nodes", measure)


def _instances(attrs: Mapping[str, Any]) -> Iterator[_Reading]:
    limit = _num(attrs.get("max_instances"))
    if limit is None:  # the platform default applies; not configured, not read
        return
    used, measure = _stat(attrs, "instance_count", "max")
    yield _Reading("scaling", "instances (max instances)", used, limit, "instances", measure)


def _rds_instance(attrs: Mapping[str, Any]) -> Iterator[_Reading]:
    allocated = _num(attrs.get("allocated_storage_gb"))
    if allocated is not None and not attrs.get("cluster_id"):  # Aurora storage is the cluster's
        free, measure = _stat(attrs, "free_storage_bytes", "average")
        used = None if free is None else allocated - free / _GIB
        ceiling = _num(attrs.get("max_allocated_storage_gb"))
        limited = "DB storage (autoscaling maximum)" if ceiling else "DB storage"
        measure = measure.replace("average", "average of daily minimum free") if measure else ""
        yield _Reading("storage", limited, used, ceiling or allocated, "GiB", measure)
    yield _cpu(attrs)


def _cloud_sql(attrs: Mapping[str, Any]) -> Iterator[_Reading]:
    percent, measure = _stat(attrs, "disk_percent", "max")
    size = _num(attrs.get("disk_size_gb"))
    used = None if percent is None or size is None else percent * size / 100
    if attrs.get("storage_auto_resize") is True:
        ceiling = _num(attrs.get("storage_auto_resize_limit_gb"))
        if ceiling != 0:  # 0: grows without a limit of its own
            limited = "DB storage (auto-resize limit)"
            yield _Reading("storage", limited, used, ceiling, "GB", measure)
    elif size is not None:
        yield _Reading("storage", "DB storage", used, size, "GB", measure)
    else:
        yield _Reading("storage", "DB storage", percent, 100.0, "%", measure)
    yield _cpu(attrs)
    yield _percent_of(attrs, "memory_percent", "memory", "memory utilisation")


def _dynamodb(attrs: Mapping[str, Any]) -> Iterator[_Reading]:
    for side in ("read", "write"):
        provisioned = _num(attrs.get(f"{side}_capacity_units"))
        if provisioned is None:  # on-demand
            continue
        used, measure = _stat(attrs, f"consumed_{side}_units", "max")
        limited = f"provisioned {side} capacity"
        yield _Reading("throughput", limited, used, provisioned, "units/s", measure)


def _lambda(attrs: Mapping[str, Any]) -> Iterator[_Reading]:
    reserved = _num(attrs.get("reserved_concurrency"))
    if reserved is None:  # shares the account's concurrency quota
        return
    used, measure = _stat(attrs, "concurrent_executions", "max")
    yield _Reading("concurrency", "reserved concurrency", used, reserved, "executions", measure)


def _ecs_service(attrs: Mapping[str, Any]) -> Iterator[_Reading]:
    yield _cpu(attrs)
    yield _percent_of(attrs, "memory_percent", "memory", "memory utilisation")


def _only_cpu(attrs: Mapping[str, Any]) -> Iterator[_Reading]:
    yield _cpu(attrs)


# Volume types that spend I/O credits (gp2, st1, sc1); the others have no burst balance.
_BURSTING_VOLUMES = frozenset({"gp2", "st1", "sc1"})


def _volume(attrs: Mapping[str, Any]) -> Iterator[_Reading]:
    if attrs.get("volume_type") not in _BURSTING_VOLUMES:
        return
    balance, measure = _stat(attrs, "burst_balance_percent", "average")
    spent = None if balance is None else 100.0 - balance
    measure = measure.replace("average", "average of daily minimum balance") if measure else ""
    yield _Reading("burst_balance", "EBS burst balance spent", spent, 100.0, "%", measure)


_READERS: dict[str, Callable[[Mapping[str, Any]], Iterator[_Reading]]] = {
    "aws.servicequotas.quota": _quota,
    "gcp.compute.quota": _quota,
    "aws.ec2.subnet": _subnet,
    "aws.autoscaling.group": _asg,
    "gcp.compute.autoscaler": _gcp_autoscaler,
    "gcp.container.node_pool": _node_pool,
    "gcp.run.service": _instances,
    "gcp.cloudfunctions.function": _instances,
    "aws.rds.instance": _rds_instance,
    "aws.rds.cluster": _only_cpu,
    "gcp.sql.instance": _cloud_sql,
    "aws.dynamodb.table": _dynamodb,
    "aws.lambda.function": _lambda,
    "aws.ec2.instance": _only_cpu,
    "gcp.compute.instance": _only_cpu,
    "aws.ecs.service": _ecs_service,
    "aws.ec2.volume": _volume,
}


# ---------------------------------------------------------------------- one resource
def headroom_percent(used: float, limit: float) -> float:
    """(limit - used) / limit x 100, rounded to 0.01 (limit must be positive)."""
    return round((limit - used) / limit * 100.0, 2)


def constraints_of(resource: Mapping[str, Any]) -> tuple[list[CapacityConstraint], int]:
    """The measured limits of one resource dict, and how many of its limits are unmeasured."""
    reader = _READERS.get(resource.get("type", ""))
    if reader is None:
        return [], 0
    attrs = resource.get("attributes") or {}
    measured: list[CapacityConstraint] = []
    unmeasured = 0
    ref: ResourceRef | None = None
    for reading in reader(attrs):
        if reading.used is None or reading.limit is None:
            unmeasured += 1
            continue
        if reading.limit <= 0:
            continue
        ref = ref or masked_ref(resource)
        measured.append(
            trusted(
                CapacityConstraint,
                kind=reading.kind,
                limited=mask_text(reading.limited),
                resource=ref,
                used=round(reading.used, 4),
                limit=reading.limit,
                unit=mask_text(reading.unit),
                headroom_percent=headroom_percent(reading.used, reading.limit),
                measure=reading.measure,
            )
        )
    return measured, unmeasured


def masked_ref(resource: Mapping[str, Any], *, tags: bool = False) -> ResourceRef:
    """`ResourceRef.of(resource)` with its name masked (`scanner.masking`), for reports;
    with `tags`, its tags too (keys and values)."""
    ref = ResourceRef.of(resource)
    ref.name = mask_text(ref.name)
    raw = resource.get("tags")
    if tags and isinstance(raw, Mapping):
        ref.tags = mask_tags(raw)
    return ref


def product_of(tags: Mapping[str, str] | None, keys: Sequence[str]) -> str:
    """The product a resource belongs to: the first key's value it has, else UNTAGGED.

    `keys` are lower-case; tag keys match case-insensitively. A value shaped like a
    secret is masked (`scanner.masking`): the name is shown in every report.
    """
    global _last_product
    if not tags:
        return UNTAGGED
    last = _last_product
    if last[0] is tags and last[1] == keys:  # the taps of a scan ask in turn of one resource
        return last[2]
    product = UNTAGGED
    lowered = {str(k).lower(): v for k, v in tags.items()}
    for key in keys:
        value = lowered.get(key)
        if isinstance(value, str) and value.strip():
            product = product_name(value.strip())
            break
    _last_product = (tags, list(keys), product)
    return product


# The last answer of `product_of`, with its tags object (held, so no other takes its id).
_last_product: tuple[Any, Sequence[str], str] = (None, (), UNTAGGED)


@lru_cache(maxsize=4096)  # an estate has few products and many resources
def product_name(value: str) -> str:
    """A product tag's value as reports show it: masked when shaped like a secret."""
    return mask_text(value)


def _is_scope(rtype: str) -> bool:
    return rtype in _SCOPE_TYPES or rtype.startswith(_SCOPE_PREFIXES)


def _is_global_quota(resource: Mapping[str, Any]) -> bool:
    attrs = resource.get("attributes") or {}
    return (
        resource.get("region") in (None, "", "global")
        or attrs.get("global_quota") is True
        or attrs.get("scope") == "project"
    )


# ---------------------------------------------------------------------- the stream
class _Quota(NamedTuple):
    account: str
    region: str | None  # None: a global quota
    constraint: CapacityConstraint


class Headroom:
    """Constraints gathered over a stream of resources, grouped by product in one pass.

    Feed it with `add` (or wrap an iterator with `observe`), then call `report`.
    """

    def __init__(self, product_tags: Sequence[str] = DEFAULT_PRODUCT_TAGS) -> None:
        self.product_tags = list(product_tags) or list(DEFAULT_PRODUCT_TAGS)
        self._keys = [k.lower() for k in self.product_tags]
        self._constraints: dict[str, list[CapacityConstraint]] = {}
        self._unmeasured: Counter[str] = Counter()
        self._resources: Counter[str] = Counter()
        self._scopes: dict[tuple[str, str], set[str]] = {}
        self._quotas: list[_Quota] = []
        self._quota_unmeasured: Counter[str] = Counter()

    def observe(self, resources: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
        """Yield each resource unchanged after taking its constraints (for a shared pass)."""
        for resource in resources:
            self.add(resource)
            yield resource

    def add(self, resource: Mapping[str, Any]) -> None:
        """Take one resource's constraints and note its product's account and region."""
        rtype = resource.get("type", "")
        if rtype in QUOTA_TYPES:
            self._add_quota(resource)
            return
        if _is_scope(rtype):
            return
        product = product_of(resource.get("tags"), self._keys)
        self._resources[product] += 1
        scope = (str(resource.get("account") or ""), str(resource.get("region") or "global"))
        products = self._scopes.get(scope)
        if products is None:
            products = self._scopes[scope] = set()
        products.add(product)
        if rtype not in _READERS:
            return
        measured, unmeasured = constraints_of(resource)
        if measured:
            self._constraints.setdefault(product, []).extend(measured)
        if unmeasured:
            self._unmeasured[product] += unmeasured

    def merge(self, later: Headroom) -> None:
        """Take in what `later` gathered from the resources that follow this one's.

        A parallel scan gathers headroom partition by partition in its workers and merges
        the parts in partition order: the report is then the one pass's report.
        """
        for product, constraints in later._constraints.items():
            self._constraints.setdefault(product, []).extend(constraints)
        self._unmeasured.update(later._unmeasured)
        self._resources.update(later._resources)
        for scope, products in later._scopes.items():
            self._scopes.setdefault(scope, set()).update(products)
        self._quotas.extend(later._quotas)
        self._quota_unmeasured.update(later._quota_unmeasured)

    def _add_quota(self, resource: Mapping[str, Any]) -> None:
        account = str(resource.get("account") or "")
        measured, unmeasured = constraints_of(resource)
        if unmeasured:
            self._quota_unmeasured[account] += unmeasured
        region = None if _is_global_quota(resource) else str(resource.get("region"))
        self._quotas.extend(_Quota(account, region, c) for c in measured)

    def report(self) -> CapacityReport | None:
        """The constraints by product; None when the stream held no measured limit."""
        if not self._constraints and not self._quotas:
            return None
        by_product = {p: list(cs) for p, cs in self._constraints.items()}
        by_account: dict[str, list[CapacityConstraint]] = {}
        in_account: dict[str, set[str]] = {}
        for (account, _region), products in self._scopes.items():
            in_account.setdefault(account, set()).update(products)
        for quota in self._quotas:
            if quota.region is None:
                products = in_account.get(quota.account, set())
            else:
                products = self._scopes.get((quota.account, quota.region), set())
            for product in products:
                by_product.setdefault(product, []).append(quota.constraint)
            if not products:
                by_account.setdefault(quota.account, []).append(quota.constraint)
        unmeasured = self._unmeasured + self._quota_unmeasured
        groups = [
            _group(p, cs, self._resources[p], self._unmeasured[p]) for p, cs in by_product.items()
        ]
        accounts = [
            _group(a, cs, 0, self._quota_unmeasured[a]) for a, cs in sorted(by_account.items())
        ]
        return CapacityReport(
            product_tags=self.product_tags,
            products=sorted(groups, key=_urgency),
            accounts=accounts,
            constraints=sum(len(cs) for cs in self._constraints.values()) + len(self._quotas),
            unmeasured=sum(unmeasured.values()),
        )


def _order(constraint: CapacityConstraint) -> tuple[float, str, str, str]:
    return (
        constraint.headroom_percent,
        constraint.kind,
        constraint.resource.id,
        constraint.limited,
    )


def _group(
    name: str, constraints: list[CapacityConstraint], resources: int, unmeasured: int
) -> CapacityGroup:
    constraints.sort(key=_order)
    return CapacityGroup.model_construct(
        name=mask_text(name),  # a tag's value, or an account
        resources=resources,
        constraints=constraints,
        first_limit=constraints[0] if constraints else None,
        unmeasured=unmeasured,
    )


def _urgency(group: CapacityGroup) -> tuple[float, str]:
    first = group.first_limit
    return (first.headroom_percent if first else math.inf, group.name)


def headroom_report(
    resources: Iterable[Mapping[str, Any]], product_tags: Sequence[str] = DEFAULT_PRODUCT_TAGS
) -> CapacityReport | None:
    """Headroom by product of a stream of resource dicts (one pass); None without limits."""
    headroom = Headroom(product_tags)
    for resource in resources:
        headroom.add(resource)
    return headroom.report()
