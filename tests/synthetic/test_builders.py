"""The public resource builder: the snapshot's normal form, with defaults and checks."""

from __future__ import annotations

import pytest

from scanner.catalog import TYPES
from scanner.model import Resource
from scanner.synthetic.builders import resource


def test_the_normal_form_with_its_defaults() -> None:
    aws = resource("arn:aws:s3:::assets", "aws.s3.bucket")
    assert aws == {
        "id": "arn:aws:s3:::assets",
        "type": "aws.s3.bucket",
        "provider": "aws",
        "account": "111122223333",
        "region": "eu-west-1",
        "name": "arn:aws:s3:::assets",
        "tags": {},
        "attributes": {},
        "relations": [],
    }
    vm = "//compute.googleapis.com/projects/p/zones/europe-west1-b/instances/vm-1"
    gcp = resource(vm, "gcp.compute.instance")
    assert (gcp["provider"], gcp["account"], gcp["region"], gcp["name"]) == (
        "gcp",
        "northwind-analytics",
        "europe-west1",
        "vm-1",
    )
    assert Resource.model_validate(aws).model_dump(mode="json", exclude={"raw"}) == aws


def test_given_fields_win_over_defaults() -> None:
    tags = {"team": "web"}
    built = resource(
        "r-1",
        "aws.ec2.instance",
        provider="aws",
        account="1",
        region="us-east-1",
        name="",
        tags=tags,
        attributes={"public_ip": None},
    )
    assert (built["account"], built["region"], built["name"]) == ("1", "us-east-1", "")
    assert built["tags"] is tags  # the caller's dicts become the resource's
    assert built["attributes"] == {"public_ip": None}


def test_relations_from_pairs_or_dicts() -> None:
    given = {"type": "allows_from", "target": "internet", "properties": {"from_port": 22}}
    built = resource("sg", "aws.ec2.security_group", relations=[("in_vpc", "vpc"), given])
    assert built["relations"] == [
        {"type": "in_vpc", "target": "vpc", "properties": {}},
        given,
    ]


def test_complete_attributes_gives_every_catalog_attribute() -> None:
    attributes = {"versioning": "Enabled"}
    built = resource("b", "aws.s3.bucket", attributes=attributes, complete_attributes=True)
    assert list(built["attributes"]) == list(TYPES["aws.s3.bucket"].attributes)
    assert built["attributes"]["versioning"] == "Enabled"
    assert {v for k, v in built["attributes"].items() if k != "versioning"} == {None}


def test_complete_attributes_refuses_what_the_catalog_does_not_know() -> None:
    with pytest.raises(ValueError, match=r"aws.s3.bucket: \['colour'\] are not catalog"):
        resource("b", "aws.s3.bucket", attributes={"colour": "red"}, complete_attributes=True)
