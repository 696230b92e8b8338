"""AWS offer files -> quotes: only on-demand US East prices of the products pscan prices."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from scanner.errors import ConfigError
from scanner.pricing import read_json, read_offer

DATA = Path(__file__).parent / "data"


def quotes(name: str) -> dict[tuple[str, str | None], Decimal]:
    path = DATA / name
    sheet = read_offer(path, read_json(path))
    assert sheet.warnings == []  # no decoy competed with a real price
    return {(q.key, q.row): q.rate for q in sheet.quotes}


def test_ec2_offer_gives_linux_shared_us_east_prices_and_ignores_decoys() -> None:
    assert quotes("aws-ec2.json") == {
        ("aws.ec2.instance_month", "t3.micro"): Decimal("0.0104"),
        ("aws.ec2.instance_month", "m4.large"): Decimal("0.1"),  # not the reserved 0.062
        ("aws.ec2.instance_month", "m6a.large"): Decimal("0.0864"),
        ("aws.ec2.instance_month", "m5.large"): Decimal("0.099"),  # not SQL Std, not 0 (CR)
        ("aws.ec2.instance_month", "x2iedn.32xlarge"): Decimal("26.68"),
        ("aws.ebs.gp2_gb_month", None): Decimal("0.11"),
        ("aws.ebs.gp3_gb_month", None): Decimal("0.085"),  # not Ohio's 0.07
        ("aws.ebs.snapshot_gb_month", None): Decimal("0.05"),
        ("aws.ebs.snapshot_archive_gb_month", None): Decimal("0.0125"),
        ("aws.ec2.nat_gateway_month", None): Decimal("0.048"),  # hours, not bytes
    }


def test_rds_offer_gives_mysql_single_az_and_postgres_for_savings() -> None:
    assert quotes("aws-rds.json") == {
        ("aws.rds.instance_month", "db.t3.micro"): Decimal("0.017"),
        ("aws.rds.instance_month", "db.m6g.large"): Decimal("0.152"),
        ("_aws.rds.postgres_instance", "db.m4.large"): Decimal("0.182"),
        ("_aws.rds.postgres_instance", "db.m6g.large"): Decimal("0.159"),
        ("aws.rds.storage_gb_month", None): Decimal("0.115"),
    }


def test_s3_standard_takes_the_first_tier_whatever_the_order_in_the_file() -> None:
    assert quotes("aws-s3.json") == {("aws.s3.standard_gb_month", None): Decimal("0.023")}


def test_elb_and_vpc_offers() -> None:
    assert quotes("aws-elb.json") == {("aws.elbv2.load_balancer_month", None): Decimal("0.0225")}
    assert quotes("aws-vpc.json") == {("aws.ec2.public_ipv4_month", None): Decimal("0.005")}


def test_the_source_is_the_offer_code_version_and_publication_date() -> None:
    path = DATA / "aws-ec2.json"
    source = read_offer(path, read_json(path)).source
    assert (source.provider, source.service, source.version, source.published, source.origin) == (
        "aws",
        "AmazonEC2",
        "20261115003208",
        "2026-11-15T00:32:08Z",
        "aws-ec2.json",
    )


def test_two_skus_for_one_price_keep_the_lowest_and_warn(tmp_path: Path) -> None:
    data = json.loads((DATA / "aws-ec2.json").read_text())
    sku = "AAAAT3MICROLNX01"
    data["products"]["TWIN"] = {**data["products"][sku], "sku": "TWIN"}
    twin = json.dumps(data["terms"]["OnDemand"][sku]).replace(sku, "TWIN")
    data["terms"]["OnDemand"]["TWIN"] = json.loads(twin.replace("0.0104000000", "0.0100000000"))
    sheet = read_offer(tmp_path / "o.json", data)
    rates = {(q.key, q.row): q.rate for q in sheet.quotes}
    assert rates[("aws.ec2.instance_month", "t3.micro")] == Decimal("0.01")
    assert len(sheet.warnings) == 1
    assert "t3.micro: several prices match, took the lowest" in sheet.warnings[0]


def _broken(change: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "aws-ec2.json").read_text())
    change(data)
    return data


def _dim(data: dict[str, Any]) -> dict[str, Any]:
    term = data["terms"]["OnDemand"]["AAAANATGATEWAY01"]["AAAANATGATEWAY01.JRTCKXETXF"]
    dim: dict[str, Any] = next(iter(term["priceDimensions"].values()))
    return dim


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("offerCode"), "field offerCode: missing"),
        (lambda d: d.update(offerCode="AmazonDynamoDB"), "'AmazonDynamoDB' is not an offer"),
        (lambda d: d.pop("publicationDate"), "field publicationDate: missing"),
        (lambda d: d.update(products=[]), "field products: expected an object, got list"),
        (lambda d: d["terms"].pop("OnDemand"), "field terms.OnDemand: missing"),
        (
            lambda d: d["products"]["AAAAEBSGP2000001"].update(attributes="x"),
            "field products.AAAAEBSGP2000001.attributes: expected an object, got str",
        ),
        (
            lambda d: _dim(d)["pricePerUnit"].update(USD="free"),
            "field terms.OnDemand.AAAANATGATEWAY01.AAAANATGATEWAY01.JRTCKXETXF.priceDimensions."
            "AAAANATGATEWAY01.JRTCKXETXF.6YS6EN2CT7.pricePerUnit.USD: not a price ('free')",
        ),
        (lambda d: _dim(d).pop("pricePerUnit"), "6YS6EN2CT7.pricePerUnit: missing"),
        (lambda d: _dim(d).update(unit="Quantity"), "6YS6EN2CT7.unit: 'Quantity' is not a unit"),
    ],
)
def test_a_bad_offer_names_the_file_and_field(change: Any, message: str) -> None:
    path = Path("offer.json")
    with pytest.raises(ConfigError) as err:
        read_offer(path, _broken(change))
    assert str(err.value).startswith("offer.json: field ")
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "index.json"
    bad.write_text('{"offerCode": "AmazonEC2",\n "products": {,}}')
    with pytest.raises(ConfigError, match=r"index.json:2: invalid JSON \(Expecting"):
        read_json(bad)
