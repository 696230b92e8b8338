"""Quotes -> the updated price table: hand-computed values, what is kept, the file written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scanner.engine.spec import PriceTable
from scanner.paths import data_dir
from scanner.pricing import PriceSheet, read_catalog, read_json, read_offer, render_table
from scanner.pricing import update_table as update

DATA = Path(__file__).parent / "data"
TABLE = data_dir("rules") / "prices.yaml"
AWS = ["aws-ec2.json", "aws-rds.json", "aws-s3.json", "aws-elb.json", "aws-vpc.json"]
GCP = ["gcp-compute.json", "gcp-sql.json", "gcp-storage.json"]


def sheets(names: list[str]) -> list[PriceSheet]:
    read = {"aws": read_offer, "gcp": read_catalog}
    return [read[name[:3]](DATA / name, read_json(DATA / name)) for name in names]


@pytest.fixture(scope="module")
def old() -> PriceTable:
    return PriceTable.model_validate(yaml.safe_load(TABLE.read_text()))


def test_every_key_the_sources_price_has_the_hand_computed_value(old: PriceTable) -> None:
    table = update(old, sheets(AWS + GCP)).table
    assert {k: table.prices[k] for k in table.prices if k != "aws.logs.storage_gb_month"} == {
        "aws.ebs.gp2_gb_month": 0.11,
        "aws.ebs.gp3_gb_month": 0.085,
        "aws.ebs.io1_gb_month": 0.125,  # not in the offer: kept
        "aws.ebs.io2_gb_month": 0.125,  # not in the offer: kept
        "aws.ebs.standard_gb_month": 0.05,  # not in the offer: kept
        "aws.ebs.st1_gb_month": 0.045,
        "aws.ebs.sc1_gb_month": 0.015,
        "aws.ebs.snapshot_gb_month": 0.05,
        "aws.ebs.snapshot_archive_gb_month": 0.0125,
        "aws.ebs.gp2_to_gp3_savings_gb_month": 0.025,  # 0.11 - 0.085
        "aws.ec2.public_ipv4_month": 3.6,  # 0.005 x 720
        "aws.ec2.older_generation_savings_month": 9.79,  # (0.1 - 0.0864) x 720 = 9.792
        "aws.rds.older_generation_savings_month": 16.56,  # (0.182 - 0.159) x 720
        "aws.ec2.nat_gateway_month": 34.56,  # 0.048 x 720
        "aws.elbv2.load_balancer_month": 16.2,
        "aws.elb.load_balancer_month": 18.0,  # not in the offer: kept
        "aws.rds.storage_gb_month": 0.115,
        "aws.s3.standard_gb_month": 0.023,
        "gcp.compute.pd_standard_gb_month": 0.04,
        "gcp.compute.pd_balanced_gb_month": 0.1,
        "gcp.compute.pd_ssd_gb_month": 0.17,
        "gcp.compute.snapshot_gb_month": 0.026,
        "gcp.compute.address_idle_month": 7.2,
        "gcp.compute.address_in_use_month": 3.6,  # not in the catalog pages: kept
        "gcp.sql.ssd_gb_month": 0.17,
        "gcp.storage.standard_gb_month": 0.02,
        "gcp.storage.nearline_gb_month": 0.01,  # not in the catalog pages: kept
        "gcp.storage.coldline_gb_month": 0.004,
        "gcp.storage.archive_gb_month": 0.0012,
    }
    rows = table.type_prices
    assert {t: rows["aws.ec2.instance_month"][t] for t in ("t3.micro", "m4.large", "m5.large")} == {
        "t3.micro": 7.49,  # 0.0104 x 720 = 7.488
        "m4.large": 72.0,
        "m5.large": 71.28,
    }
    assert "x2iedn.32xlarge" not in rows["aws.ec2.instance_month"]  # only existing rows
    assert rows["aws.rds.instance_month"]["db.t3.micro"] == 12.24
    assert rows["aws.rds.instance_month"]["db.m6g.large"] == 109.44
    gce = rows["gcp.compute.instance_month"]
    assert gce["e2-micro"] == 6.03  # (0.25 x 0.02181159 + 1 x 0.00292353) x 720 = 6.031
    assert gce["e2-standard-2"] == 48.25  # (2 x 0.02181159 + 8 x 0.00292353) x 720 = 48.248
    assert gce["e2-highmem-4"] == 130.18  # (4 x 0.02181159 + 32 x 0.00292353) x 720
    assert gce["n1-standard-4"] == 136.8  # (4 x 0.031611 + 15 x 0.004237) x 720 = 136.799
    sql = rows["gcp.sql.instance_month"]
    assert sql["db-custom-2-7680"] == 97.27  # (2 x 0.0413 + 7.5 x 0.007) x 720 = 97.272
    assert sql["db-n1-highmem-2"] == 124.99  # (2 x 0.0413 + 13 x 0.007) x 720 = 124.992
    assert (sql["db-f1-micro"], sql["db-g1-small"]) == (7.56, 25.2)


def test_keys_no_source_prices_keep_their_value_and_are_listed(old: PriceTable) -> None:
    result = update(old, sheets(["aws-s3.json"]))
    assert result.updated == [("aws.s3.standard_gb_month", None)]
    assert ("aws.logs.storage_gb_month", None) in result.not_updated
    assert ("gcp.compute.instance_month", "n2-standard-2") in result.not_updated
    assert len(result.not_updated) + 1 == len(old.prices) + sum(
        len(rows) for rows in old.type_prices.values()
    )
    assert (
        result.table.prices["aws.ec2.nat_gateway_month"] == old.prices["aws.ec2.nat_gateway_month"]
    )


def test_as_of_is_the_latest_publication_and_sources_replace_those_read_again(
    old: PriceTable,
) -> None:
    first = update(old, sheets(["aws-s3.json", "gcp-sql.json"])).table
    assert first.as_of == "2026-11-14"
    assert [(s.provider, s.service) for s in first.sources] == [
        ("aws", "AmazonS3"),
        ("gcp", "Cloud SQL"),
    ]
    second = update(first, sheets(["aws-ec2.json", "aws-s3.json"])).table
    assert second.as_of == "2026-11-15"
    assert [s.service for s in second.sources] == ["AmazonEC2", "AmazonS3", "Cloud SQL"]


def test_the_written_table_loads_back_with_its_header_and_kept_comments(
    old: PriceTable, tmp_path: Path
) -> None:
    result = update(old, sheets(AWS + GCP))
    text = render_table(result, TABLE.read_text())
    assert text.startswith(TABLE.read_text().split("\nas_of:")[0])  # the header, as it was
    assert PriceTable.model_validate(yaml.safe_load(text)) == result.table
    assert "  # CloudWatch Logs storage, per GB-month\n  aws.logs.storage_gb_month: 0.03\n" in text
    assert (
        "  # AmazonEC2 sku AAAANATGATEWAY01: $0.048/h\n  aws.ec2.nat_gateway_month: 34.56\n" in text
    )
    assert "  # EC2 Linux on-demand, us-east-1" in text  # a table's comment stays
    # written again from its own output, nothing changes
    again = update(result.table, sheets(AWS + GCP))
    assert render_table(again, text) == text
