"""`capacity init`: a starting model from a snapshot, which loads as a valid model."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from scanner.forecast.init import starting_model
from scanner.forecast.model import load_model
from scanner.synthetic.builders import resource


def test_products_and_tiers_from_the_product_tag(tmp_path: Path) -> None:
    estate = [
        resource("asg", "aws.autoscaling.group", tags={"Product": "checkout"}),
        resource("db", "aws.rds.instance", tags={"product": "checkout"}),
        resource("tbl", "aws.dynamodb.table", tags={"Product": "checkout"}),
        resource("run", "gcp.run.service", tags={"product": "reports: eu"}),
        resource("vpc", "aws.ec2.vpc", tags={"Product": "network"}),  # serves no tier
        resource("fn", "aws.lambda.function"),  # no product
    ]
    text, count = starting_model(estate, ["Product"], date(2026, 12, 6))
    assert count == 2
    path = tmp_path / "capacity.yaml"
    path.write_text(text)
    model = load_model(path)
    assert model.horizons == ["2027-06", "2027-12"]
    assert model.product_tag == "Product"
    assert set(model.products) == {"checkout", "reports: eu"}
    checkout = model.products["checkout"]
    assert {name: t.kind for name, t in checkout.tiers.items()} == {
        "web": "web",
        "database": "database",
        "tables": "table",
    }
    web = checkout.tiers["web"].resources
    assert web is not None and web.type == "aws.autoscaling.group"
    assert "# fill in" in text


def test_no_product_found() -> None:
    _, count = starting_model(
        [resource("fn", "aws.lambda.function")], ["Product"], date(2026, 1, 31)
    )
    assert count == 0
