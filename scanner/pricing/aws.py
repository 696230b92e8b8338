"""AWS Price List bulk offer files (`index.json`) -> quotes for `rules/prices.yaml`.

An offer file lists `products` (sku -> productFamily, attributes) and `terms`
(`OnDemand` -> sku -> offer term -> priceDimensions -> rate -> unit, pricePerUnit.USD,
beginRange). Only on-demand terms of products in US East (N. Virginia) are read;
reserved terms, other regions, Windows, dedicated tenancy and licence-included images
never match. Where a price has volume tiers (S3 storage), the first tier that is not
free is the list price.
https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/reading-service-price-list-file-for-services.html
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from scanner.engine.spec import PriceSource
from scanner.errors import ConfigError
from scanner.pricing.sheet import PriceSheet, Quote, Unit, field_of, number_of

__all__ = ["LOCATION", "OFFERS", "RDS_POSTGRES", "read_offer"]

LOCATION = "US East (N. Virginia)"

# Internal rows for derived prices (older generation -> current savings on PostgreSQL).
RDS_POSTGRES = "_aws.rds.postgres_instance"

_UNITS: dict[str, Unit] = {"Hrs": "hour", "GB-Mo": "GB-month"}

Match = tuple[str, str | None] | None
Matcher = Callable[[str, dict[str, Any]], Match]


def _ec2(family: str, attrs: dict[str, Any]) -> Match:
    usage = str(attrs.get("usagetype", ""))
    if family in ("Compute Instance", "Compute Instance (bare metal)"):
        linux = (
            attrs.get("operatingSystem") == "Linux"
            and attrs.get("tenancy") == "Shared"
            and attrs.get("preInstalledSw") == "NA"
            and attrs.get("capacitystatus") == "Used"
            and attrs.get("licenseModel", "No License required") == "No License required"
        )
        return ("aws.ec2.instance_month", str(attrs.get("instanceType"))) if linux else None
    if family == "Storage" and attrs.get("volumeApiName") in ("gp2", "gp3", "io1", "st1", "sc1"):
        return (f"aws.ebs.{attrs['volumeApiName']}_gb_month", None)
    if family == "Storage Snapshot" and usage.endswith("EBS:SnapshotUsage"):
        return ("aws.ebs.snapshot_gb_month", None)
    if family == "Storage Snapshot" and usage.endswith("EBS:SnapshotArchiveStorage"):
        return ("aws.ebs.snapshot_archive_gb_month", None)
    if family == "NAT Gateway" and usage.endswith("NatGateway-Hours"):
        return ("aws.ec2.nat_gateway_month", None)
    if family in ("IP Address", "VPC Public IPv4 Address") and usage.endswith(
        "PublicIPv4:IdleAddress"
    ):
        return ("aws.ec2.public_ipv4_month", None)
    if family == "Load Balancer-Application" and usage.endswith("LoadBalancerUsage"):
        return ("aws.elbv2.load_balancer_month", None)
    return None


def _rds(family: str, attrs: dict[str, Any]) -> Match:
    if family == "Database Instance" and attrs.get("deploymentOption") == "Single-AZ":
        engine = attrs.get("databaseEngine")
        if engine == "MySQL":
            return ("aws.rds.instance_month", str(attrs.get("instanceType")))
        if engine == "PostgreSQL":
            return (RDS_POSTGRES, str(attrs.get("instanceType")))
    if (
        family == "Database Storage"
        and attrs.get("volumeType") == "General Purpose"
        and attrs.get("deploymentOption") == "Single-AZ"
        and attrs.get("databaseEngine") in ("Any", None)
    ):
        return ("aws.rds.storage_gb_month", None)
    return None


def _s3(family: str, attrs: dict[str, Any]) -> Match:
    standard = (
        family == "Storage"
        and attrs.get("storageClass") == "General Purpose"
        and attrs.get("volumeType") == "Standard"
        and str(attrs.get("usagetype", "")).endswith("TimedStorage-ByteHrs")
    )
    return ("aws.s3.standard_gb_month", None) if standard else None


# The offers pscan reads, and what it takes from each (ALB hours are in AWSELB, public
# IPv4 addresses in AmazonVPC since 2024; both matchers also accept them in AmazonEC2).
OFFERS: dict[str, Matcher] = {
    "AmazonEC2": _ec2,
    "AWSELB": _ec2,
    "AmazonVPC": _ec2,
    "AmazonRDS": _rds,
    "AmazonS3": _s3,
}


def read_offer(path: Path, data: Any, origin: str = "") -> PriceSheet:
    """The quotes of one offer file's on-demand US East prices."""
    code = field_of(path, data, (), "offerCode", str)
    matcher = OFFERS.get(code)
    if matcher is None:
        known = ", ".join(OFFERS)
        msg = f"{path}: field offerCode: {code!r} is not an offer pscan reads (one of: {known})"
        raise ConfigError(msg)
    source = PriceSource(
        provider="aws",
        service=code,
        version=str(data.get("version", "")),
        published=field_of(path, data, (), "publicationDate", str),
        origin=origin or path.name,
    )
    products = field_of(path, data, (), "products", dict)
    on_demand = field_of(
        path, field_of(path, data, (), "terms", dict), ("terms",), "OnDemand", dict
    )
    candidates: dict[tuple[str, str | None], list[Quote]] = defaultdict(list)
    for sku, product in products.items():
        where = ("products", sku)
        attrs = field_of(path, product, where, "attributes", dict)
        if attrs.get("location") != LOCATION:
            continue
        match = matcher(str(product.get("productFamily", "")), attrs)
        if match is None or sku not in on_demand:  # reserved-only SKUs have no OnDemand
            continue
        candidates[match].append(_quote(path, sku, on_demand[sku], match, code))
    sheet = PriceSheet(source)
    sheet.add(candidates)
    return sheet


def _quote(path: Path, sku: str, terms: Any, match: tuple[str, str | None], code: str) -> Quote:
    """The on-demand price of one SKU: its first dimension that is not free."""
    where = ("terms", "OnDemand", sku)
    if not isinstance(terms, dict) or not terms:
        msg = f"{path}: field {'.'.join(where)}: expected an object of offer terms"
        raise ConfigError(msg)
    dimensions: list[tuple[Decimal, Decimal, str, str]] = []
    for term_code, term in terms.items():
        term_where = (*where, str(term_code))
        dims = field_of(path, term, term_where, "priceDimensions", dict)
        for rate_code, dim in dims.items():
            dim_where = (*term_where, "priceDimensions", str(rate_code))
            unit = field_of(path, dim, dim_where, "unit", str)
            usd = field_of(
                path,
                field_of(path, dim, dim_where, "pricePerUnit", dict),
                (*dim_where, "pricePerUnit"),
                "USD",
                str,
            )
            dotted = ".".join((*dim_where, "pricePerUnit", "USD"))
            begin = number_of(
                path, dim.get("beginRange", "0"), ".".join((*dim_where, "beginRange"))
            )
            dimensions.append((begin, number_of(path, usd, dotted), unit, ".".join(dim_where)))
    if not dimensions:
        msg = f"{path}: field {'.'.join(where)}: no priceDimensions"
        raise ConfigError(msg)
    dimensions.sort()
    _, price, unit, dim_at = next((d for d in dimensions if d[1] > 0), dimensions[0])
    if unit not in _UNITS:
        msg = f"{path}: field {dim_at}.unit: {unit!r} is not a unit pscan converts (Hrs, GB-Mo)"
        raise ConfigError(msg)
    return Quote(match[0], match[1], price, _UNITS[unit], f"{code} sku {sku}")
