"""GCP catalog pages -> quotes: on-demand us-central1 SKUs, per-vCPU/GiB rates by family."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from scanner.errors import ConfigError
from scanner.pricing import read_catalog, read_json

DATA = Path(__file__).parent / "data"


def quotes(name: str) -> dict[tuple[str, str | None], Decimal]:
    path = DATA / name
    sheet = read_catalog(path, read_json(path))
    assert sheet.warnings == []
    return {(q.key, q.row): q.rate for q in sheet.quotes}


def test_compute_catalog_gives_family_rates_and_disks_and_ignores_decoys() -> None:
    # not spot, not a commitment, not Belgium, not custom machines, not in-use IPs
    assert quotes("gcp-compute.json") == {
        ("_gcp.compute.core", "e2"): Decimal("0.02181159"),
        ("_gcp.compute.ram", "e2"): Decimal("0.00292353"),
        ("_gcp.compute.core", "n1"): Decimal("0.031611"),
        ("_gcp.compute.ram", "n1"): Decimal("0.004237"),
        ("gcp.compute.pd_standard_gb_month", None): Decimal("0.04"),
        ("gcp.compute.pd_balanced_gb_month", None): Decimal("0.1"),
        ("gcp.compute.pd_ssd_gb_month", None): Decimal("0.17"),
        ("gcp.compute.snapshot_gb_month", None): Decimal("0.026"),
        ("gcp.compute.address_idle_month", None): Decimal("0.01"),
    }


def test_cloud_sql_and_storage_catalogs() -> None:
    assert quotes("gcp-sql.json") == {
        ("_gcp.sql.vcpu", None): Decimal("0.0413"),  # zonal MySQL, not regional
        ("_gcp.sql.ram", None): Decimal("0.007"),
        ("gcp.sql.ssd_gb_month", None): Decimal("0.17"),
        ("gcp.sql.instance_month", "db-f1-micro"): Decimal("0.0105"),
        ("gcp.sql.instance_month", "db-g1-small"): Decimal("0.035"),
    }
    assert quotes("gcp-storage.json") == {("gcp.storage.standard_gb_month", None): Decimal("0.02")}


def test_the_source_is_the_service_and_the_latest_effective_time() -> None:
    path = DATA / "gcp-compute.json"
    source = read_catalog(path, read_json(path)).source
    assert (source.provider, source.service, source.version, source.published) == (
        "gcp",
        "Compute Engine",
        "6F81-5844-456A",
        "2026-11-14T08:12:45.213Z",
    )


def test_a_free_first_tier_is_skipped() -> None:
    data = json.loads((DATA / "gcp-storage.json").read_text())
    rates = data["skus"][0]["pricingInfo"][0]["pricingExpression"]["tieredRates"]
    rates.insert(0, {"startUsageAmount": 0, "unitPrice": {"units": "0", "nanos": 0}})
    rates[1]["startUsageAmount"] = 5
    sheet = read_catalog(Path("p.json"), data)
    assert [q.rate for q in sheet.quotes] == [Decimal("0.02")]


def _sku(data: dict[str, Any]) -> dict[str, Any]:
    sku: dict[str, Any] = data["skus"][0]
    return sku


def _expression(data: dict[str, Any]) -> dict[str, Any]:
    expression: dict[str, Any] = _sku(data)["pricingInfo"][0]["pricingExpression"]
    return expression


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("skus"), "field skus: missing"),
        (lambda d: _sku(d).pop("description"), "field skus.0.description: missing"),
        (lambda d: _sku(d).update(category=[]), "field skus.0.category: expected an object"),
        (lambda d: _sku(d).update(pricingInfo=[]), "field skus.0.pricingInfo: expected a list"),
        (
            lambda d: _expression(d).update(usageUnit="TiBy.mo"),
            "field skus.0.pricingInfo.0.pricingExpression.usageUnit: 'TiBy.mo' is not a unit",
        ),
        (
            lambda d: _expression(d)["tieredRates"][0]["unitPrice"].update(nanos="lots"),
            "field skus.0.pricingInfo.0.pricingExpression.tieredRates.0.unitPrice.nanos:"
            " not a price ('lots')",
        ),
        (
            lambda d: _expression(d)["tieredRates"][0]["unitPrice"].update(currencyCode="EUR"),
            "tieredRates.0.unitPrice.currencyCode: 'EUR', but the table is in USD",
        ),
    ],
)
def test_a_bad_catalog_names_the_file_and_field(change: Any, message: str) -> None:
    data = json.loads((DATA / "gcp-storage.json").read_text())
    change(data)
    with pytest.raises(ConfigError) as err:
        read_catalog(Path("catalog.json"), data)
    assert str(err.value).startswith("catalog.json: field ")
    assert message in str(err.value)
