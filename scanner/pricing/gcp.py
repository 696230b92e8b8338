"""GCP Cloud Billing Catalog pages (`services.skus.list`) -> quotes for `rules/prices.yaml`.

A page is `{"skus": [...], "nextPageToken": ...}`; each SKU has a description, a
category (resourceFamily, resourceGroup, usageType), serviceRegions and pricingInfo
(pricingExpression.usageUnit, tieredRates[].unitPrice{units, nanos}). Only on-demand
SKUs sold in us-central1 are read; spot, commitments and other regions never match.
Compute Engine prices most machine types per vCPU and per GiB of memory of a family, so
the quotes here are those rates (internal keys `_gcp.compute.core` / `_gcp.compute.ram`
by family); `scanner.pricing.table` prices each machine type of the table from them.
https://cloud.google.com/billing/docs/reference/rest/v1/services.skus/list
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from scanner.engine.spec import PriceSource
from scanner.errors import ConfigError
from scanner.pricing.sheet import PriceSheet, Quote, Unit, field_of, number_of

__all__ = [
    "COMPUTE_CORE",
    "COMPUTE_RAM",
    "REGION",
    "SERVICES",
    "SQL_RAM",
    "SQL_VCPU",
    "read_catalog",
]

REGION = "us-central1"

# service id -> display name: the catalogs `--online` lists
SERVICES = {
    "6F81-5844-456A": "Compute Engine",
    "9662-B51E-5089": "Cloud SQL",
    "95FF-2EF5-5EA1": "Cloud Storage",
}

# internal keys: rates a machine type or Cloud SQL tier is priced from
COMPUTE_CORE = "_gcp.compute.core"
COMPUTE_RAM = "_gcp.compute.ram"
SQL_VCPU = "_gcp.sql.vcpu"
SQL_RAM = "_gcp.sql.ram"

_UNITS: dict[str, Unit] = {"h": "hour", "GiBy.h": "hour", "GiBy.mo": "GB-month"}

_MACHINE = re.compile(
    r"^(?P<family>[A-Z][A-Z0-9]*)(?: AMD)?(?: Predefined)? Instance (?P<part>Core|Ram) running in "
)
_SQL = re.compile(
    r"^Cloud SQL for MySQL: Zonal - "
    r"(?P<what>vCPU|RAM|Standard storage|Micro instance|Small instance)(?: in .*)?$"
)
_SQL_KEYS: dict[str, tuple[str, str | None]] = {
    "vCPU": (SQL_VCPU, None),
    "RAM": (SQL_RAM, None),
    "Standard storage": ("gcp.sql.ssd_gb_month", None),
    "Micro instance": ("gcp.sql.instance_month", "db-f1-micro"),
    "Small instance": ("gcp.sql.instance_month", "db-g1-small"),
}
_DISKS = {
    "Storage PD Capacity": "gcp.compute.pd_standard_gb_month",
    "Balanced PD Capacity": "gcp.compute.pd_balanced_gb_month",
    "SSD backed PD Capacity": "gcp.compute.pd_ssd_gb_month",
    "Storage PD Snapshot": "gcp.compute.snapshot_gb_month",
    "Static Ip Charge": "gcp.compute.address_idle_month",
}


def _match(description: str, category: dict[str, Any]) -> tuple[str, str | None] | None:
    if category.get("usageType") != "OnDemand":
        return None
    if machine := _MACHINE.match(description):
        key = COMPUTE_CORE if machine["part"] == "Core" else COMPUTE_RAM
        return (key, machine["family"].lower())
    if sql := _SQL.match(description):
        return _SQL_KEYS[sql["what"]]
    for prefix, key in _DISKS.items():
        if description.startswith(prefix):
            return (key, None)
    if (
        category.get("resourceFamily") == "Storage"
        and category.get("resourceGroup") == "RegionalStorage"
        and "Early Delete" not in description
    ):
        return ("gcp.storage.standard_gb_month", None)
    return None


def _dotted(*parts: str | int) -> str:
    return ".".join(str(part) for part in parts)


def read_catalog(path: Path, data: Any, origin: str = "") -> PriceSheet:
    """The quotes of one catalog page's on-demand us-central1 SKUs."""
    skus = field_of(path, data, (), "skus", list)
    candidates: dict[tuple[str, str | None], list[Quote]] = defaultdict(list)
    services: dict[str, str] = {}
    latest = ""
    for index, sku in enumerate(skus):
        where: tuple[str | int, ...] = ("skus", index)
        description = field_of(path, sku, where, "description", str)
        category = field_of(path, sku, where, "category", dict)
        match = _match(description, category)
        if match is None or REGION not in field_of(path, sku, where, "serviceRegions", list):
            continue
        name = str(sku.get("name", ""))
        service_id = name.split("/")[1] if name.startswith("services/") else ""
        services[service_id] = str(category.get("serviceDisplayName", SERVICES.get(service_id, "")))
        quote, effective = _quote(path, sku, where, match, description)
        candidates[match].append(quote)
        latest = max(latest, effective)
    source = PriceSource(
        provider="gcp",
        service=", ".join(sorted(filter(None, services.values()))),
        version=", ".join(sorted(filter(None, services))),
        published=latest,
        origin=origin or path.name,
    )
    sheet = PriceSheet(source)
    sheet.add(candidates)
    return sheet


def _quote(
    path: Path,
    sku: Any,
    where: tuple[str | int, ...],
    match: tuple[str, str | None],
    description: str,
) -> tuple[Quote, str]:
    infos = field_of(path, sku, where, "pricingInfo", list)
    if not infos or not all(isinstance(info, dict) for info in infos):
        msg = f"{path}: field {_dotted(*where, 'pricingInfo')}: expected a list of prices"
        raise ConfigError(msg)
    index, info = max(enumerate(infos), key=lambda pair: str(pair[1].get("effectiveTime", "")))
    at: tuple[str | int, ...] = (*where, "pricingInfo", index)
    expression = field_of(path, info, at, "pricingExpression", dict)
    at = (*at, "pricingExpression")
    unit = field_of(path, expression, at, "usageUnit", str)
    if unit not in _UNITS:
        known = ", ".join(_UNITS)
        field = _dotted(*at, "usageUnit")
        msg = f"{path}: field {field}: {unit!r} is not a unit pscan converts ({known})"
        raise ConfigError(msg)
    rates: list[tuple[Decimal, Decimal]] = []
    for tier, rate in enumerate(field_of(path, expression, at, "tieredRates", list)):
        tier_at = (*at, "tieredRates", tier)
        price = field_of(path, rate, tier_at, "unitPrice", dict)
        price_at = _dotted(*tier_at, "unitPrice")
        if price.get("currencyCode", "USD") != "USD":
            msg = (
                f"{path}: field {price_at}.currencyCode: {price['currencyCode']!r}, but the"
                " table is in USD (ask the catalog for currencyCode=USD)"
            )
            raise ConfigError(msg)
        units = number_of(path, price.get("units", "0"), f"{price_at}.units")
        nanos = number_of(path, price.get("nanos", 0), f"{price_at}.nanos")
        start = number_of(
            path,
            rate.get("startUsageAmount", 0),
            _dotted(*tier_at, "startUsageAmount"),
        )
        rates.append((start, units + nanos / Decimal(1_000_000_000)))
    if not rates:
        msg = f"{path}: field {_dotted(*at, 'tieredRates')}: no rates"
        raise ConfigError(msg)
    rates.sort()
    value = next((r for _, r in rates if r > 0), rates[0][1])
    sku_id = str(sku.get("skuId", "?"))
    note = f"{description} (sku {sku_id})"
    return Quote(match[0], match[1], value, _UNITS[unit], note), str(info.get("effectiveTime", ""))
