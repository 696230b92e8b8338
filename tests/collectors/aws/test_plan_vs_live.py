"""One rule, one misconfiguration: failed in a Terraform plan and in a live (moto) collection.

The plan is the IaC fixture (fixtures/iac/plan.json); the live estate is seeded into the
moto server with the same mistakes (SSH open to the internet on the web security group, a
bucket without a public access block) and collected with `pscan collect aws`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanner.collectors.terraform import read_plan
from scanner.engine import evaluate, load_rules

from .conftest import Moto

ROOT = Path(__file__).resolve().parents[3]
PLAN = ROOT / "fixtures" / "iac" / "plan.json"


def _seed(moto: Moto) -> None:
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="web", Description="web tier", VpcId=vpc)
    ec2.authorize_security_group_ingress(
        GroupId=group["GroupId"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            },
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "SSH for administrators"}],
            },
        ],
    )
    moto.client("s3").create_bucket(Bucket="northwind-assets")


@pytest.mark.parametrize(
    ("rule_id", "rtype", "name", "plan_id"),
    [
        (
            "aws_ec2_security_group_no_public_ssh",
            "aws.ec2.security_group",
            "web",
            "tf://module.network.aws_security_group.web",
        ),
        (
            "aws_s3_bucket_public_access_blocked",
            "aws.s3.bucket",
            "northwind-assets",
            'tf://module.storage["assets"].aws_s3_bucket.this',
        ),
    ],
)
def test_same_rule_fails_plan_and_live(
    moto: Moto, collect: Any, rule_id: str, rtype: str, name: str, plan_id: str
) -> None:
    _seed(moto)
    live = collect("--regions", "us-east-1", "--services", "ec2,s3")
    rules = load_rules().select(ids=[rule_id])
    in_live = evaluate(rules, [live.named(rtype, name)])
    plan = read_plan(PLAN)
    in_plan = evaluate(rules, [r.model_dump(mode="json") for r in plan.resources])
    assert [f.rule_id for f in in_live.findings] == [rule_id]
    assert [f.resource.id for f in in_plan.findings] == [plan_id]
    # the same attribute names carry the decision in both
    assert set(in_live.findings[0].evidence) == set(in_plan.findings[0].evidence)


def test_capacity_attributes_agree_between_plan_and_live(moto: Moto, collect: Any) -> None:
    from scanner.collectors.terraform import parse_plan

    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.0.0/26")
    moto.client("dynamodb").create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 40, "WriteCapacityUnits": 5},
    )
    live = collect("--regions", "us-east-1", "--services", "ec2,dynamodb")
    [subnet] = [
        r for r in live.of_type("aws.ec2.subnet") if r["attributes"]["cidr_block"] == "10.9.0.0/26"
    ]
    table = live.named("aws.dynamodb.table", "orders")

    def planned(tf_type: str, after: dict[str, Any]) -> dict[str, Any]:
        entry = {
            "address": f"{tf_type}.x",
            "mode": "managed",
            "type": tf_type,
            "name": "x",
            "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {}},
        }
        plan = parse_plan({"format_version": "1.2", "resource_changes": [entry]})
        return dict(plan.resources[0].attributes)

    plan_subnet = planned("aws_subnet", {"cidr_block": "10.9.0.0/26", "vpc_id": vpc})
    plan_table = planned(
        "aws_dynamodb_table",
        {"name": "orders", "billing_mode": "PROVISIONED", "read_capacity": 40, "write_capacity": 5},
    )
    assert plan_subnet["total_ip_count"] == subnet["attributes"]["total_ip_count"] == 59
    for name in ("billing_mode", "read_capacity_units", "write_capacity_units"):
        assert plan_table[name] == table["attributes"][name], name
