"""List-price monthly estimates of single resources, from `rules/prices.yaml`.

`monthly_estimate(resource, prices)` is a pure function of one resource dict and the
price table: the resource's on-demand list price for a month (720 hours), in the table's
currency, rounded to the cent. It answers None when the type has no price, or the
resource lacks what its price depends on (an instance type the table does not list, a
size that was not collected): an estimate is never guessed.

What is priced, and from what (keys of `prices`, and `type_prices` tables by a value):

- `aws.ec2.instance`: `aws.ec2.instance_month[instance_type]` while running, 0 stopped;
- `aws.ec2.volume`: `aws.ebs.<volume_type>_gb_month` x `size_gb`;
- `aws.ec2.snapshot`: `aws.ebs.snapshot_gb_month` x `volume_size_gb` (the source
  volume's size: an upper bound, snapshots are incremental);
- `aws.rds.instance`: `aws.rds.instance_month[instance_class]` + `aws.rds.storage_gb_month`
  x `allocated_storage_gb`, twice that when Multi-AZ;
- `aws.elbv2.load_balancer`, `aws.elb.load_balancer`: `aws.elbv2.load_balancer_month`,
  `aws.elb.load_balancer_month` (capacity units and data extra);
- `aws.ec2.nat_gateway`: `aws.ec2.nat_gateway_month` (data processed extra);
- `aws.ec2.eip`: `aws.ec2.public_ipv4_month` (charged idle or in use);
- `aws.s3.bucket`: `aws.s3.standard_gb_month` x `stored_gb`, when collected;
- `gcp.compute.instance`: `gcp.compute.instance_month[machine_type]` while running, 0
  stopped;
- `gcp.compute.disk`: `gcp.compute.<disk_type, - as _>_gb_month` x `size_gb`;
- `gcp.compute.snapshot`: `gcp.compute.snapshot_gb_month` x `storage_gb`;
- `gcp.compute.address`: external only, `gcp.compute.address_idle_month` when RESERVED,
  `gcp.compute.address_in_use_month` when IN_USE;
- `gcp.sql.instance`: `gcp.sql.instance_month[tier]` + `gcp.sql.ssd_gb_month` x
  `disk_size_gb`, twice that when REGIONAL (HA);
- `gcp.storage.bucket`: `gcp.storage.<storage_class>_gb_month` x `stored_gb`, when
  collected.

`stored_gb` (GB stored) is not in the catalog yet: no collector records a bucket's size,
so buckets are priced only in snapshots that carry it.

Prices are floats in the table; they become exact decimals through their shortest
text (`Decimal(str(0.08))` is 0.08), so sums of estimates are exact to the cent.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from scanner.cost.amounts import cents
from scanner.engine.spec import PriceTable

__all__ = ["ESTIMATED_TYPES", "monthly_estimate"]

_TWO = Decimal(2)
_ZERO = Decimal(0)


def _price(prices: PriceTable, key: str) -> Decimal | None:
    value = prices.prices.get(key)
    return None if value is None else Decimal(str(value))


def _type_price(prices: PriceTable, table: str, kind: Any) -> Decimal | None:
    if not isinstance(kind, str):
        return None
    value = prices.type_prices.get(table, {}).get(kind)
    return None if value is None else Decimal(str(value))


def _size(value: Any) -> Decimal | None:
    """A non-negative finite size, or None (null, `(known after apply)`, a bool)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or value < 0:
        return None
    return Decimal(str(value))


def _per_gb(prices: PriceTable, key: str, size: Any) -> Decimal | None:
    price, gb = _price(prices, key), _size(size)
    return None if price is None or gb is None else price * gb


def _plus(total: Decimal | None, extra: Decimal | None) -> Decimal | None:
    """A base price plus a part that may be unknown (then the base alone counts)."""
    if total is None:
        return None
    return total + (extra or _ZERO)


# ---------------------------------------------------------------------- AWS
def _ec2_instance(a: Mapping[str, Any], p: PriceTable) -> Decimal | None:
    if a.get("state") in ("stopped", "stopping", "terminated", "shutting-down"):
        return _ZERO
    return _type_price(p, "aws.ec2.instance_month", a.get("instance_type"))


def _ebs_volume(a: Mapping[str, Any], p: PriceTable) -> Decimal | None:
    kind = a.get("volume_type")
    if not isinstance(kind, str):
        return None
    return _per_gb(p, f"aws.ebs.{kind}_gb_month", a.get("size_gb"))


def _ebs_snapshot(a: Mapping[str, Any], p: PriceTable) -> Decimal | None:
    return _per_gb(p, "aws.ebs.snapshot_gb_month", a.get("volume_size_gb"))


def _rds_instance(a: Mapping[str, Any], p: PriceTable) -> Decimal | None:
    compute = _type_price(p, "aws.rds.instance_month", a.get("instance_class"))
    total = _plus(compute, _per_gb(p, "aws.rds.storage_gb_month", a.get("allocated_storage_gb")))
    return total * _TWO if total is not None and a.get("multi_az") is True else total


def _flat(key: str) -> Callable[[Mapping[str, Any], PriceTable], Decimal | None]:
    def estimate(_attrs: Mapping[str, Any], prices: PriceTable) -> Decimal | None:
        return _price(prices, key)

    return estimate


def _nat_gateway(a: Mapping[str, Any], p: PriceTable) -> Decimal | None:
    return (
        None
        if a.get("state") in ("deleted", "deleting", "failed")
        else _price(p, "aws.ec2.nat_gateway_month")
    )


def _s3_bucket(a: Mapping[str, Any], p: PriceTable) -> Decimal | None:
    return _per_gb(p, "aws.s3.standard_gb_month", a.get("stored_gb"))


# ---------------------------------------------------------------------- GCP
def _gce_instance(a: Mapping[str, Any], p: PriceTable) -> Decimal | None:
    if a.get("status") in ("TERMINATED", "STOPPED", "SUSPENDED"):
        return _ZERO
    return _type_price(p, "gcp.compute.instance_month", a.get("machine_type"))


def _gce_disk(a: Mapping[str, Any], p: PriceTable) -> Decimal | None:
    kind = a.get("disk_type")
    if not isinstance(kind, str):
        return None
    return _per_gb(p, f"gcp.compute.{kind.replace('-', '_')}_gb_month", a.get("size_gb"))


def _gce_snapshot(a: Mapping[str, Any], p: PriceTable) -> Decimal | None:
    return _per_gb(p, "gcp.compute.snapshot_gb_month", a.get("storage_gb"))


def _gce_address(a: Mapping[str, Any], p: PriceTable) -> Decimal | None:
    if a.get("address_type") != "EXTERNAL":
        return None
    if a.get("status") == "RESERVED":
        return _price(p, "gcp.compute.address_idle_month")
    if a.get("status") == "IN_USE":
        return _price(p, "gcp.compute.address_in_use_month")
    return None


def _cloud_sql(a: Mapping[str, Any], p: PriceTable) -> Decimal | None:
    compute = _type_price(p, "gcp.sql.instance_month", a.get("tier"))
    total = _plus(compute, _per_gb(p, "gcp.sql.ssd_gb_month", a.get("disk_size_gb")))
    return total * _TWO if total is not None and a.get("availability_type") == "REGIONAL" else total


def _gcs_bucket(a: Mapping[str, Any], p: PriceTable) -> Decimal | None:
    kind = a.get("storage_class")
    kind = kind.lower() if isinstance(kind, str) else "standard"
    return _per_gb(p, f"gcp.storage.{kind}_gb_month", a.get("stored_gb"))


_ESTIMATORS: dict[str, Callable[[Mapping[str, Any], PriceTable], Decimal | None]] = {
    "aws.ec2.instance": _ec2_instance,
    "aws.ec2.volume": _ebs_volume,
    "aws.ec2.snapshot": _ebs_snapshot,
    "aws.rds.instance": _rds_instance,
    "aws.elbv2.load_balancer": _flat("aws.elbv2.load_balancer_month"),
    "aws.elb.load_balancer": _flat("aws.elb.load_balancer_month"),
    "aws.ec2.nat_gateway": _nat_gateway,
    "aws.ec2.eip": _flat("aws.ec2.public_ipv4_month"),
    "aws.s3.bucket": _s3_bucket,
    "gcp.compute.instance": _gce_instance,
    "gcp.compute.disk": _gce_disk,
    "gcp.compute.snapshot": _gce_snapshot,
    "gcp.compute.address": _gce_address,
    "gcp.sql.instance": _cloud_sql,
    "gcp.storage.bucket": _gcs_bucket,
}

ESTIMATED_TYPES = frozenset(_ESTIMATORS)


def monthly_estimate(resource: Mapping[str, Any], prices: PriceTable) -> Decimal | None:
    """The resource's monthly list price in `prices.currency`, to the cent; None: no price.

    None for a type without a price, and for a resource whose price depends on a value
    that is missing or not in the table (never a guess).
    """
    estimator = _ESTIMATORS.get(str(resource.get("type", "")))
    if estimator is None:
        return None
    attrs = resource.get("attributes")
    value = estimator(attrs if isinstance(attrs, Mapping) else {}, prices)
    return None if value is None else cents(value)
