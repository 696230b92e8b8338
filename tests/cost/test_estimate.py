"""List-price estimates of single resources, from the built-in price table."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from scanner.cost import ESTIMATED_TYPES, monthly_estimate
from scanner.engine import load_rules
from scanner.engine.spec import PriceTable
from scanner.synthetic.builders import resource


@pytest.fixture(scope="module")
def prices() -> PriceTable:
    table = load_rules().prices
    assert table is not None
    return table


def estimate(prices: PriceTable, rtype: str, **attributes: Any) -> Decimal | None:
    return monthly_estimate(resource("r-1", rtype, attributes=attributes), prices)


@pytest.mark.parametrize(
    ("rtype", "attributes", "expected"),
    [
        ("aws.ec2.instance", {"instance_type": "m5.large", "state": "running"}, "69.12"),
        ("aws.ec2.instance", {"instance_type": "m5.large", "state": "stopped"}, "0.00"),
        ("aws.ec2.volume", {"volume_type": "gp3", "size_gb": 100}, "8.00"),
        ("aws.ec2.volume", {"volume_type": "io2", "size_gb": 33}, "4.13"),  # 4.125 half up
        ("aws.ec2.snapshot", {"volume_size_gb": 50}, "2.50"),
        # 123.12 + 100 x 0.115, Multi-AZ twice
        (
            "aws.rds.instance",
            {"instance_class": "db.m5.large", "allocated_storage_gb": 100},
            "134.62",
        ),
        (
            "aws.rds.instance",
            {"instance_class": "db.m5.large", "allocated_storage_gb": 100, "multi_az": True},
            "269.24",
        ),
        ("aws.elbv2.load_balancer", {}, "16.20"),
        ("aws.elb.load_balancer", {}, "18.00"),
        ("aws.ec2.nat_gateway", {"state": "available"}, "32.40"),
        ("aws.ec2.eip", {"association_id": "eipassoc-1"}, "3.60"),
        ("aws.s3.bucket", {"stored_gb": 1000}, "23.00"),
        ("gcp.compute.instance", {"machine_type": "e2-standard-4", "status": "RUNNING"}, "96.49"),
        ("gcp.compute.instance", {"machine_type": "e2-standard-4", "status": "TERMINATED"}, "0.00"),
        ("gcp.compute.disk", {"disk_type": "pd-ssd", "size_gb": 200}, "34.00"),
        ("gcp.compute.snapshot", {"storage_gb": 12.5}, "0.63"),  # 0.625 half up
        ("gcp.compute.address", {"address_type": "EXTERNAL", "status": "RESERVED"}, "7.20"),
        ("gcp.compute.address", {"address_type": "EXTERNAL", "status": "IN_USE"}, "3.60"),
        # 97.27 + 50 x 0.17, REGIONAL twice
        ("gcp.sql.instance", {"tier": "db-custom-2-7680", "disk_size_gb": 50}, "105.77"),
        (
            "gcp.sql.instance",
            {"tier": "db-custom-2-7680", "disk_size_gb": 50, "availability_type": "REGIONAL"},
            "211.54",
        ),
        ("gcp.storage.bucket", {"stored_gb": 500, "storage_class": "NEARLINE"}, "5.00"),
    ],
)
def test_priced_types(
    prices: PriceTable, rtype: str, attributes: dict[str, Any], expected: str
) -> None:
    assert estimate(prices, rtype, **attributes) == Decimal(expected)


@pytest.mark.parametrize(
    ("rtype", "attributes"),
    [
        ("aws.iam.role", {}),  # a type without a price
        ("aws.ec2.instance", {"instance_type": "x9.mega", "state": "running"}),  # not listed
        ("aws.ec2.volume", {"volume_type": "gp3", "size_gb": None}),  # size not collected
        ("aws.ec2.volume", {"volume_type": "gp3", "size_gb": "(known after apply)"}),
        ("aws.ec2.volume", {"volume_type": "future9", "size_gb": 10}),
        ("aws.s3.bucket", {}),  # stored size not collected
        ("gcp.compute.address", {"address_type": "INTERNAL", "status": "IN_USE"}),
        ("gcp.sql.instance", {"tier": "db-unknown", "disk_size_gb": 10}),
    ],
)
def test_no_price_is_never_guessed(
    prices: PriceTable, rtype: str, attributes: dict[str, Any]
) -> None:
    assert estimate(prices, rtype, **attributes) is None


def test_a_missing_storage_size_leaves_the_instance_price(prices: PriceTable) -> None:
    assert estimate(prices, "aws.rds.instance", instance_class="db.t3.micro") == Decimal("12.24")


def test_every_estimated_type_is_in_the_catalog() -> None:
    from scanner.catalog import TYPES

    assert set(TYPES) >= ESTIMATED_TYPES
