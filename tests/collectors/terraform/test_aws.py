"""AWS mappers: S3 folding, security groups, IAM, secrets, and the facts shared with live."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scanner.collectors.terraform import Plan, parse_plan
from scanner.engine import evaluate
from scanner.engine.loader import RuleSet
from scanner.model import UNKNOWN
from tests.standards.plans import aws_db_plan

from .conftest import by_id, change, one, small_plan


def test_s3_sub_resources_fold_into_one_bucket(plan: Plan) -> None:
    resources = by_id(plan)
    assets = resources['tf://module.storage["assets"].aws_s3_bucket.this'].attributes
    exports = resources['tf://module.storage["exports"].aws_s3_bucket.this'].attributes
    assert assets["public_access_block"] == dict.fromkeys(
        (
            "block_public_acls",
            "ignore_public_acls",
            "block_public_policy",
            "restrict_public_buckets",
        ),
        False,
    )
    assert all(exports["public_access_block"].values())
    assert exports["encryption"]["algorithm"] == "aws:kms"
    assert exports["versioning"] == "Enabled"
    # computed at create time, AWS default: no policy, so TLS is not enforced
    assert exports["policy"] is None
    assert exports["secure_transport_enforced"] is False
    sources = plan.sources['tf://module.storage["exports"].aws_s3_bucket.this']
    assert sources[0] == 'module.storage["exports"].aws_s3_bucket.this'
    assert len(sources) == 4


def test_security_group_rules_fold_with_internet_relations(plan: Plan) -> None:
    web = by_id(plan)["tf://module.network.aws_security_group.web"]
    ingress = web.attributes["ingress"]
    assert {(e["from_port"], e["source"]) for e in ingress} == {
        (443, "0.0.0.0/0"),
        (22, "0.0.0.0/0"),
        (22, "10.20.0.0/16"),
    }
    assert web.attributes["group_id"] == UNKNOWN
    internet = [r for r in web.relations if r.type == "allows_from" and r.target == "internet"]
    assert sorted(r.properties["from_port"] for r in internet) == [22, 443]
    db = by_id(plan)["tf://module.network.aws_security_group.db"]
    # a new group: no ingress but what the separate rule adds, all egress allowed
    assert [e["from_port"] for e in db.attributes["ingress"]] == [5432]
    assert db.attributes["egress"][0]["protocol"] == "-1"


@pytest.mark.parametrize(
    ("cidr", "is_internet"),
    [("::/0", True), ("2000::/3", True), ("0.0.0.0/1", True), ("10.0.0.0/8", False)],
)
def test_internet_ranges_are_those_of_scanner_policy(cidr: str, is_internet: bool) -> None:
    key = "cidr_ipv6" if ":" in cidr else "cidr_ipv4"
    rule = {"ip_protocol": "tcp", "from_port": 22, "to_port": 22, key: cidr}
    plan = small_plan(
        change("aws_security_group.g", {"id": "sg-1"}, actions=("no-op",)),
        change("aws_vpc_security_group_ingress_rule.ssh", {**rule, "security_group_id": "sg-1"}),
    )
    targets = [r.target for r in one(plan, "aws_security_group.g").relations]
    assert ("internet" in targets) is is_internet


def test_a_rule_from_another_group_relates_the_groups() -> None:
    plan = small_plan(
        change("aws_security_group.app", {"id": "sg-app"}, actions=("no-op",)),
        change("aws_security_group.db", {"id": "sg-db"}, actions=("no-op",)),
        change(
            "aws_security_group_rule.pg",
            {
                "type": "ingress",
                "protocol": "tcp",
                "from_port": 5432,
                "to_port": 5432,
                "security_group_id": "sg-db",
                "source_security_group_id": "sg-app",
            },
        ),
    )
    relations = one(plan, "aws_security_group.db").relations
    assert [(r.type, r.target, r.properties["from_port"]) for r in relations] == [
        ("allows_from", "tf://aws_security_group.app", 5432)
    ]


_ANYONE = {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}


@pytest.mark.parametrize(
    ("statement", "is_public"),
    [
        (_ANYONE, True),
        # pinned to a VPC endpoint: not anyone
        ({**_ANYONE, "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b"}}}, False),
        # a condition that restricts nothing about the caller
        ({**_ANYONE, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}, True),
        # everyone but one account
        (
            {
                "Effect": "Allow",
                "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "sqs:*",
                "Resource": "*",
            },
            True,
        ),
        ({**_ANYONE, "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}, False),
    ],
)
def test_queue_policies_are_judged_by_scanner_policy(
    statement: dict[str, Any], is_public: bool
) -> None:
    policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    plan = small_plan(change("aws_sqs_queue.q", {"name": "q", "policy": policy}))
    assert one(plan, "aws_sqs_queue.q").attributes["is_public_by_policy"] is is_public


def test_an_unknown_policy_leaves_the_verdicts_unknown() -> None:
    plan = small_plan(
        change("aws_s3_bucket.b", {"bucket": "b"}),
        change("aws_s3_bucket_policy.b", {"bucket": "b"}, unknown={"policy": True}),
        change("aws_sns_topic.t", {"name": "t"}, unknown={"policy": True}),
    )
    bucket = one(plan, "aws_s3_bucket.b").attributes
    assert bucket["is_public_by_policy"] == UNKNOWN
    assert bucket["secure_transport_enforced"] == UNKNOWN
    assert one(plan, "aws_sns_topic.t").attributes["is_public_by_policy"] == UNKNOWN


def test_a_bucket_policy_that_denies_plain_http_enforces_tls() -> None:
    deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    plan = small_plan(
        change("aws_s3_bucket.b", {"bucket": "b"}),
        change(
            "aws_s3_bucket_policy.b", {"bucket": "b", "policy": json.dumps({"Statement": deny})}
        ),
    )
    bucket = one(plan, "aws_s3_bucket.b").attributes
    assert bucket["secure_transport_enforced"] is True
    assert bucket["is_public_by_policy"] is False


def test_role_trust_relations_name_each_principal() -> None:
    trust = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {
                    "Service": "ec2.amazonaws.com",
                    "AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:role/ci"],
                },
                "Action": "sts:AssumeRole",
            },
            {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"},
        ]
    }
    plan = small_plan(
        change("aws_iam_role.r", {"name": "r", "assume_role_policy": json.dumps(trust)})
    )
    role = one(plan, "aws_iam_role.r")
    assert [(r.type, r.target) for r in role.relations] == [
        ("trusts", "principal:aws:service:ec2.amazonaws.com"),
        ("trusts", "principal:aws:account:111122223333"),
        ("trusts", "arn:aws:iam::444455556666:role/ci"),
    ]
    assert role.attributes["attached_policies"] == []  # created with none


def test_tags_unknown_until_apply_leave_the_name_to_the_address() -> None:
    plan = small_plan(
        change("aws_vpc.main", {"cidr_block": "10.0.0.0/16"}, unknown={"tags": True}),
        change("aws_subnet.a", {"cidr_block": "10.0.1.0/24"}, unknown={"tags": True}),
    )
    assert one(plan, "aws_vpc.main").name == "aws_vpc.main"
    assert one(plan, "aws_subnet.a").name == "aws_subnet.a"
    assert one(plan, "aws_vpc.main").attributes["flow_logs_enabled"] is False


def test_lambda_secrets_are_stored_masked(plan: Plan) -> None:
    fn = by_id(plan)["tf://aws_lambda_function.resize"].attributes
    assert fn["environment_keys"] == ["BUCKET", "DB_PASSWORD"]
    assert [s["location"] for s in fn["secrets"]] == ["env:DB_PASSWORD"]
    assert "Tr0ub4dor" not in json.dumps(fn)


# ---------------------------------------------------------------------- plan vs live
def _live_security_group() -> dict[str, Any]:
    """A security group as the live AWS collector emits it (scanner/catalog/aws.py)."""
    return {
        "id": "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0",
        "type": "aws.ec2.security_group",
        "provider": "aws",
        "account": "111122223333",
        "region": "eu-west-1",
        "name": "web",
        "attributes": {
            "group_id": "sg-0123456789abcdef0",
            "is_default": False,
            "description": "web tier",
            "ingress": [
                {
                    "protocol": "tcp",
                    "from_port": 443,
                    "to_port": 443,
                    "source": "0.0.0.0/0",
                    "source_type": "cidr4",
                    "description": "HTTPS",
                },
                {
                    "protocol": "tcp",
                    "from_port": 22,
                    "to_port": 22,
                    "source": "0.0.0.0/0",
                    "source_type": "cidr4",
                    "description": "SSH for administrators",
                },
            ],
            "egress": [],
            "attachment_count": 2,
        },
        "relations": [{"type": "allows_from", "target": "internet", "properties": {}}],
    }


def _live_bucket() -> dict[str, Any]:
    return {
        "id": "arn:aws:s3:::northwind-assets",
        "type": "aws.s3.bucket",
        "provider": "aws",
        "account": "111122223333",
        "region": "eu-west-1",
        "name": "northwind-assets",
        "attributes": {
            "public_access_block": {
                "block_public_acls": False,
                "ignore_public_acls": False,
                "block_public_policy": False,
                "restrict_public_buckets": False,
            },
            "encryption": {"algorithm": "aws:kms", "kms_key_id": None, "bucket_key_enabled": False},
            "versioning": "Enabled",
        },
    }


@pytest.mark.parametrize(
    ("rule_id", "plan_id", "live"),
    [
        (
            "aws_ec2_security_group_no_public_ssh",
            "tf://module.network.aws_security_group.web",
            _live_security_group,
        ),
        (
            "aws_s3_bucket_public_access_blocked",
            'tf://module.storage["assets"].aws_s3_bucket.this',
            _live_bucket,
        ),
    ],
)
def test_the_same_rule_fails_the_plan_and_the_live_resource(
    plan: Plan, ruleset: RuleSet, rule_id: str, plan_id: str, live: Any
) -> None:
    rules = ruleset.select(ids=[rule_id])
    planned = [r.model_dump(mode="json") for r in plan.resources]
    in_plan = evaluate(rules, planned)
    in_live = evaluate(rules, [live()])
    assert [f.resource.id for f in in_plan.findings] == [plan_id]
    assert [f.rule_id for f in in_live.findings] == [rule_id]


# ---------------------------------------------------------------------- capacity
def test_capacity_attributes_come_from_the_plan_where_it_knows_them() -> None:
    plan = small_plan(
        change("aws_subnet.small", {"cidr_block": "10.0.0.0/28", "vpc_id": "vpc-1"}),
        change("aws_ebs_volume.fast", {"type": "io2", "iops": 4000, "size": 50}),
        change("aws_ebs_volume.plain", {"type": "gp2", "iops": 300, "size": 50}),
        change(
            "aws_db_instance.db",
            {"identifier": "db", "allocated_storage": 100, "max_allocated_storage": 0},
            unknown={"iops": True},
        ),
        change(
            "aws_dynamodb_table.provisioned",
            {"name": "p", "billing_mode": "PROVISIONED", "read_capacity": 40, "write_capacity": 5},
        ),
        change(
            "aws_dynamodb_table.on_demand",
            {"name": "o", "billing_mode": "PAY_PER_REQUEST", "read_capacity": 0},
        ),
        change(
            "aws_lambda_function.capped",
            {"function_name": "c", "reserved_concurrent_executions": 50},
        ),
        change(
            "aws_lambda_function.shared",
            {"function_name": "s", "reserved_concurrent_executions": -1},
        ),
    )
    subnet = one(plan, "aws_subnet.small").attributes
    assert subnet["total_ip_count"] == 11
    assert subnet["available_ip_count"] == UNKNOWN  # only the live subnet knows its free IPs
    assert one(plan, "aws_ebs_volume.fast").attributes["iops"] == 4000
    assert one(plan, "aws_ebs_volume.plain").attributes["iops"] is None
    db = one(plan, "aws_db_instance.db").attributes
    assert (db["max_allocated_storage_gb"], db["iops"]) == (None, UNKNOWN)
    table = one(plan, "aws_dynamodb_table.provisioned").attributes
    assert (table["read_capacity_units"], table["write_capacity_units"]) == (40, 5)
    assert table["read_autoscaling"] == UNKNOWN
    on_demand = one(plan, "aws_dynamodb_table.on_demand").attributes
    assert (on_demand["read_capacity_units"], on_demand["write_capacity_units"]) == (None, None)
    assert one(plan, "aws_lambda_function.capped").attributes["reserved_concurrency"] == 50
    assert one(plan, "aws_lambda_function.shared").attributes["reserved_concurrency"] is None


def test_an_auto_scaling_group_takes_its_launch_templates_instance_type() -> None:
    from scanner.collectors.terraform import parse_plan

    group = {"name": "web", "min_size": 2, "max_size": 10, "availability_zones": ["b", "a"]}
    changes = [
        change("aws_launch_template.new", {"instance_type": "c5.large"}, unknown={"id": True}),
        change(
            "aws_launch_template.old",
            {"id": "lt-0abc", "instance_type": "m5.xlarge"},
            actions=("no-op",),
            before={"id": "lt-0abc", "instance_type": "m5.xlarge"},
        ),
        change(
            "aws_autoscaling_group.by_reference",
            group | {"launch_template": [{}]},
            unknown={"desired_capacity": True},  # computed: AWS starts at min_size
        ),
        change(
            "aws_autoscaling_group.by_id",
            group | {"launch_template": [{"id": "lt-0abc", "version": "$Latest"}]},
        ),
        change(
            "aws_autoscaling_group.mixed",
            group | {"mixed_instances_policy": [{"launch_template": [{}]}]},
        ),
    ]
    reference = {"references": ["aws_launch_template.new.id", "aws_launch_template.new"]}
    configuration = {
        "root_module": {
            "resources": [
                {
                    "address": "aws_autoscaling_group.by_reference",
                    "expressions": {"launch_template": [{"id": reference}]},
                }
            ]
        }
    }
    plan = parse_plan(
        {"format_version": "1.2", "resource_changes": changes, "configuration": configuration}
    )
    by_reference = one(plan, "aws_autoscaling_group.by_reference").attributes
    assert by_reference["instance_type"] == "c5.large"
    assert by_reference["vcpus_per_instance"] == UNKNOWN  # needs DescribeInstanceTypes
    assert by_reference["desired_capacity"] == 2  # AWS starts at min_size
    assert by_reference["availability_zones"] == ["a", "b"]
    assert one(plan, "aws_autoscaling_group.by_id").attributes["instance_type"] == "m5.xlarge"
    mixed = one(plan, "aws_autoscaling_group.mixed").attributes
    assert (mixed["instance_type"], mixed["vcpus_per_instance"]) == (None, None)


def test_subnet_internet_routes_and_rds_subnets_come_from_the_plan() -> None:
    plan = parse_plan(aws_db_plan(("public", "private")))
    public = one(plan, "aws_subnet.public").attributes
    private = one(plan, "aws_subnet.private").attributes
    assert (public["has_internet_route"], private["has_internet_route"]) == (True, False)
    db = one(plan, "aws_db_instance.orders")
    assert sorted(r.target for r in db.relations if r.type == "in_subnet") == [
        "tf://aws_subnet.private",
        "tf://aws_subnet.public",
    ]


def test_a_separate_route_to_an_igw_makes_a_subnet_public_and_no_association_unknown() -> None:
    changes = [
        change("aws_subnet.a", {"cidr_block": "10.0.1.0/24"}, unknown={"id": True}),
        change("aws_subnet.b", {"cidr_block": "10.0.2.0/24"}, unknown={"id": True}),
        change("aws_route_table.rt", {"route": []}, unknown={"id": True}),
        change(
            "aws_route.default",
            {"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-0abc"},
            unknown={"route_table_id": True},
        ),
        change("aws_route_table_association.a", {}, unknown={"subnet_id": True}),
    ]

    def ref(address: str) -> dict[str, Any]:
        return {"references": [f"{address}.id", address]}

    configuration = {
        "root_module": {
            "resources": [
                {
                    "address": "aws_route.default",
                    "expressions": {"route_table_id": ref("aws_route_table.rt")},
                },
                {
                    "address": "aws_route_table_association.a",
                    "expressions": {
                        "subnet_id": ref("aws_subnet.a"),
                        "route_table_id": ref("aws_route_table.rt"),
                    },
                },
            ]
        }
    }
    plan = parse_plan(
        {"format_version": "1.2", "resource_changes": changes, "configuration": configuration}
    )
    assert one(plan, "aws_subnet.a").attributes["has_internet_route"] is True
    assert one(plan, "aws_subnet.b").attributes["has_internet_route"] == UNKNOWN  # main table
