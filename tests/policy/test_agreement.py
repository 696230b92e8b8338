"""One answer per fact: the live collectors, the Terraform reader and the engine agree.

The same IAM policy documents and the same address ranges go through every reader that
judges them, and each reader must give the answer stated in the table:

- policy documents: the live AWS normalisers (an SQS queue's and an S3 bucket's
  `is_public_by_policy`, from recorded-style API payloads), the Terraform plan reader
  (the same attribute on a planned queue and a planned bucket policy) and the engine
  (the Python rules `aws_kms_key_policy_not_public` and `aws_s3_bucket_not_public`
  judging a resource that holds the document, and the YAML rule
  `aws_sqs_queue_not_public` judging the live and the planned queue);
- S3 secure transport: the live and planned bucket's `secure_transport_enforced`;
- address ranges: the live AWS security group and route table normalisers, the GCP
  firewall normaliser, the Terraform reader (a security group's inline ingress and a
  firewall's source ranges), the engine's `cidr_is_public` operator and the SSH rules
  judging the live and the planned groups and firewalls.

When a case fails, fix the reader that disagrees, not the table.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from scanner.collectors.aws import s3 as aws_s3
from scanner.collectors.aws import sqs as aws_sqs
from scanner.collectors.aws.context import Scope
from scanner.collectors.aws.ec2_network import network_resources
from scanner.collectors.gcp.common import Asset, Context
from scanner.collectors.gcp.compute import firewall
from scanner.collectors.terraform import read_plan
from scanner.engine import RuleSet, evaluate, load_rules
from scanner.engine.conditions import EvalContext, compile_condition
from scanner.model import UNKNOWN, Resource

ACCOUNT = "111122223333"
REGION = "eu-west-1"
SCOPE = Scope(account=ACCOUNT, region=REGION)
NOW = datetime(2026, 11, 1, tzinfo=UTC)
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders"


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_rules()


# ---------------------------------------------------------------------- the documents
def _allow(**extra: Any) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": QUEUE_ARN}
    statement.update(extra)
    return {"Version": "2012-10-17", "Statement": [statement]}


def _url_encoded(document: dict[str, Any]) -> str:
    return urllib.parse.quote(json.dumps(document), safe="")


ANYONE = _allow(Principal="*")
ACCOUNT_ONLY = _allow(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"})

# (case, document as a dict or as the text an API or plan carries, public?)
POLICY_CASES: list[tuple[str, dict[str, Any] | str, bool]] = [
    ("principal-star", ANYONE, True),
    ("aws-star", _allow(Principal={"AWS": "*"}), True),
    ("aws-star-in-a-list", _allow(Principal={"AWS": [ACCOUNT, "*"]}), True),
    ("single-statement-object", {"Statement": ANYONE["Statement"][0]}, True),
    (
        "star-pinned-to-a-vpc-endpoint",
        _allow(Principal="*", Condition={"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d"}}),
        False,
    ),
    (
        "aws-star-pinned-to-an-account",
        _allow(Principal={"AWS": "*"}, Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}}),
        False,
    ),
    (
        "star-pinned-to-a-source-arn",
        _allow(
            Principal="*",
            Condition={"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:orders"}},
        ),
        False,
    ),
    (
        "star-pinned-to-an-organization",
        _allow(Principal="*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
        False,
    ),
    ("not-principal-allow", _allow(NotPrincipal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), True),
    (
        "secure-transport-restricts-nothing",
        _allow(Principal="*", Condition={"Bool": {"aws:SecureTransport": "true"}}),
        True,
    ),
    (
        "wildcard-source-arn-restricts-nothing",
        _allow(Principal="*", Condition={"StringLike": {"aws:SourceArn": "*"}}),
        True,
    ),
    (
        "negated-source-account-restricts-nothing",
        _allow(Principal="*", Condition={"StringNotEquals": {"aws:SourceAccount": ACCOUNT}}),
        True,
    ),
    (
        "if-exists-restricts-nothing",
        _allow(Principal="*", Condition={"StringEqualsIfExists": {"aws:SourceAccount": ACCOUNT}}),
        True,
    ),
    (
        "for-all-values-restricts-nothing",
        _allow(
            Principal="*",
            Condition={"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        ),
        True,
    ),
    (
        "internet-wide-source-ip-restricts-nothing",
        _allow(Principal="*", Condition={"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}),
        True,
    ),
    (
        "office-source-ip",
        _allow(Principal="*", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
        False,
    ),
    ("account-principal", ACCOUNT_ONLY, False),
    ("service-principal", _allow(Principal={"Service": "sns.amazonaws.com"}), False),
    (
        "deny-only",
        {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": "*"}]},
        False,
    ),
    ("url-encoded-public", _url_encoded(ANYONE), True),
    ("url-encoded-account", _url_encoded(ACCOUNT_ONLY), False),
    ("no-statements", {"Version": "2012-10-17", "Statement": []}, False),
]


def _text(document: dict[str, Any] | str) -> str:
    return document if isinstance(document, str) else json.dumps(document)


def _write_plan(tmp_path: Path, changes: dict[str, tuple[str, dict[str, Any]]]) -> list[Resource]:
    """A minimal `terraform show -json` plan creating the given resources, read back."""
    resource_changes = [
        {
            "address": address,
            "mode": "managed",
            "type": tf_type,
            "name": address.split(".", 1)[1],
            "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {}},
        }
        for address, (tf_type, after) in changes.items()
    ]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "resource_changes": resource_changes}))
    return read_plan(path).resources


def _dump(resource: Resource) -> dict[str, Any]:
    return resource.model_dump(mode="json")


def _failed(ruleset: RuleSet, rule_id: str, resources: list[dict[str, Any]]) -> set[str]:
    """Ids of the resources `rule_id` fails."""
    outcome = evaluate(ruleset.select(ids=[rule_id]), resources, now=NOW)
    return {f.resource.id for f in outcome.findings if f.rule_id == rule_id}


# ---------------------------------------------------------------------- policy readers
def _live_queue(document: dict[str, Any] | str) -> Resource:
    raw = {
        "queues": [
            {
                "url": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/orders",
                "attributes": {"QueueArn": QUEUE_ARN, "Policy": _text(document)},
            }
        ]
    }
    [queue] = aws_sqs.to_resources(raw, SCOPE)
    return queue


def _live_bucket(document: dict[str, Any] | str) -> Resource:
    raw = {"buckets": [{"Name": "orders-exports", "region": REGION, "policy": _text(document)}]}
    [bucket] = aws_s3.to_resources(raw, Scope(account=ACCOUNT, region=REGION, is_global=True))
    return bucket


def _planned(tmp_path: Path, document: dict[str, Any] | str) -> tuple[Resource, Resource]:
    """A planned queue with an inline policy and a bucket with a separate bucket policy."""
    text = _text(document)
    resources = _write_plan(
        tmp_path,
        {
            "aws_sqs_queue.orders": ("aws_sqs_queue", {"name": "orders", "policy": text}),
            "aws_s3_bucket.exports": ("aws_s3_bucket", {"bucket": "orders-exports"}),
            "aws_s3_bucket_policy.exports": (
                "aws_s3_bucket_policy",
                {"bucket": "orders-exports", "policy": text},
            ),
        },
    )
    by_type = {r.type: r for r in resources}
    return by_type["aws.sqs.queue"], by_type["aws.s3.bucket"]


def _engine_verdicts(ruleset: RuleSet, document: dict[str, Any] | str) -> dict[str, bool]:
    """The Python rules judging the document itself, held by a key and by a bucket."""
    key = {
        "id": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0f4aa467-64e2-4b77-a67a-73f91da3a124",
        "type": "aws.kms.key",
        "provider": "aws",
        "account": ACCOUNT,
        "region": REGION,
        "name": "orders",
        "attributes": {"policy": document, "state": "Enabled", "key_manager": "CUSTOMER"},
    }
    bucket = {
        "id": "arn:aws:s3:::orders-exports",
        "type": "aws.s3.bucket",
        "provider": "aws",
        "account": ACCOUNT,
        "region": REGION,
        "name": "orders-exports",
        "attributes": {"policy": document, "public_access_block": None},
    }
    return {
        "engine: aws_kms_key_policy_not_public": bool(
            _failed(ruleset, "aws_kms_key_policy_not_public", [key])
        ),
        "engine: aws_s3_bucket_not_public": bool(
            _failed(ruleset, "aws_s3_bucket_not_public", [bucket])
        ),
    }


@pytest.mark.parametrize(
    ("document", "public"),
    [pytest.param(doc, public, id=case) for case, doc, public in POLICY_CASES],
)
def test_policy_documents_get_one_answer(
    tmp_path: Path, ruleset: RuleSet, document: dict[str, Any] | str, public: bool
) -> None:
    live_queue, live_bucket = _live_queue(document), _live_bucket(document)
    planned_queue, planned_bucket = _planned(tmp_path, document)
    queues = [_dump(live_queue), _dump(planned_queue)]
    failed_queues = _failed(ruleset, "aws_sqs_queue_not_public", queues)
    answers = {
        "live sqs normaliser": live_queue.attributes["is_public_by_policy"],
        "live s3 normaliser": live_bucket.attributes["is_public_by_policy"],
        "terraform aws_sqs_queue": planned_queue.attributes["is_public_by_policy"],
        "terraform aws_s3_bucket_policy": planned_bucket.attributes["is_public_by_policy"],
        **_engine_verdicts(ruleset, document),
        "engine: aws_sqs_queue_not_public (live)": live_queue.id in failed_queues,
        "engine: aws_sqs_queue_not_public (plan)": planned_queue.id in failed_queues,
    }
    assert answers == dict.fromkeys(answers, public)


def test_an_unknown_planned_policy_stays_unknown(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    change = {
        "address": "aws_sqs_queue.orders",
        "mode": "managed",
        "type": "aws_sqs_queue",
        "name": "orders",
        "change": {
            "actions": ["create"],
            "before": None,
            "after": {"name": "orders"},
            "after_unknown": {"policy": True},
        },
    }
    path.write_text(json.dumps({"format_version": "1.2", "resource_changes": [change]}))
    [queue] = read_plan(path).resources
    assert queue.attributes["is_public_by_policy"] == UNKNOWN


# ---------------------------------------------------------------------- secure transport
def _deny_insecure(condition: dict[str, Any], effect: str = "Deny") -> dict[str, Any]:
    statement = {
        "Effect": effect,
        "Principal": "*",
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::orders-exports", "arn:aws:s3:::orders-exports/*"],
        "Condition": condition,
    }
    return {"Version": "2012-10-17", "Statement": [statement]}


TRANSPORT_CASES: list[tuple[str, dict[str, Any] | str, bool]] = [
    ("deny-insecure", _deny_insecure({"Bool": {"aws:SecureTransport": "false"}}), True),
    (
        "deny-insecure-if-exists-list",
        _deny_insecure({"BoolIfExists": {"aws:SecureTransport": ["false"]}}),
        True,
    ),
    ("key-in-another-case", _deny_insecure({"Bool": {"AWS:SecureTransport": False}}), True),
    ("deny-secure", _deny_insecure({"Bool": {"aws:SecureTransport": "true"}}), False),
    ("allow-insecure", _deny_insecure({"Bool": {"aws:SecureTransport": "false"}}, "Allow"), False),
    (
        "url-encoded",
        _url_encoded(_deny_insecure({"Bool": {"aws:SecureTransport": "false"}})),
        True,
    ),
    ("no-deny", ACCOUNT_ONLY, False),
]


@pytest.mark.parametrize(
    ("document", "enforced"),
    [pytest.param(doc, enforced, id=case) for case, doc, enforced in TRANSPORT_CASES],
)
def test_secure_transport_gets_one_answer(
    tmp_path: Path, document: dict[str, Any] | str, enforced: bool
) -> None:
    _, planned_bucket = _planned(tmp_path, document)
    answers = {
        "live s3 normaliser": _live_bucket(document).attributes["secure_transport_enforced"],
        "terraform aws_s3_bucket_policy": planned_bucket.attributes["secure_transport_enforced"],
    }
    assert answers == dict.fromkeys(answers, enforced)


# ---------------------------------------------------------------------- address ranges
CIDR_CASES: list[tuple[str, bool]] = [
    ("0.0.0.0/0", True),
    ("::/0", True),
    ("0.0.0.0/1", True),
    ("2000::/3", True),
    ("10.0.0.0/8", False),
    ("2001:db8::/32", False),
    ("203.0.113.7/32", False),
    ("garbage", False),
]


def _is_v6(cidr: str) -> bool:
    return ":" in cidr


def _internet_edge(resource: Resource) -> bool:
    return any(r.type == "allows_from" and r.target == "internet" for r in resource.relations)


def _live_aws(cidr: str) -> tuple[Resource, Resource]:
    """A live security group admitting SSH from `cidr`, and a route table routing it to an IGW."""
    ranges = (
        {"Ipv6Ranges": [{"CidrIpv6": cidr}]} if _is_v6(cidr) else {"IpRanges": [{"CidrIp": cidr}]}
    )
    destination = "DestinationIpv6CidrBlock" if _is_v6(cidr) else "DestinationCidrBlock"
    raw = {
        "security_groups": [
            {
                "GroupId": "sg-0123456789abcdef0",
                "GroupName": "web",
                "VpcId": "vpc-0a1",
                "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, **ranges}],
                "IpPermissionsEgress": [],
            }
        ],
        "route_tables": [
            {
                "RouteTableId": "rtb-0a1",
                "VpcId": "vpc-0a1",
                "Routes": [{destination: cidr, "GatewayId": "igw-0a1", "State": "active"}],
                "Associations": [],
            }
        ],
    }
    by_type = {r.type: r for r in network_resources(raw, SCOPE)}
    return by_type["aws.ec2.security_group"], by_type["aws.ec2.route_table"]


def _live_firewall(cidr: str) -> Resource:
    name = "//compute.googleapis.com/projects/acme-prod/global/firewalls/allow-ssh"
    data = {
        "name": "allow-ssh",
        "direction": "INGRESS",
        "sourceRanges": [cidr],
        "allowed": [{"IPProtocol": "tcp", "ports": ["22"]}],
        "network": "https://www.googleapis.com/compute/v1/projects/acme-prod/global/networks/prod",
    }
    asset = Asset(
        name=name, asset_type="compute.googleapis.com/Firewall", data=data, has_resource=True
    )
    return firewall(asset, Context())


def _planned_network(tmp_path: Path, cidr: str) -> tuple[Resource, Resource]:
    block = "ipv6_cidr_blocks" if _is_v6(cidr) else "cidr_blocks"
    ingress = {
        "from_port": 22,
        "to_port": 22,
        "protocol": "tcp",
        "cidr_blocks": [],
        "ipv6_cidr_blocks": [],
        "prefix_list_ids": [],
        "security_groups": [],
        "self": False,
        "description": "",
    }
    ingress[block] = [cidr]
    resources = _write_plan(
        tmp_path,
        {
            "aws_security_group.web": (
                "aws_security_group",
                {"name": "web", "ingress": [ingress], "egress": []},
            ),
            "google_compute_firewall.ssh": (
                "google_compute_firewall",
                {
                    "name": "allow-ssh",
                    "project": "acme-prod",
                    "network": "prod",
                    "direction": "INGRESS",
                    "source_ranges": [cidr],
                    "allow": [{"protocol": "tcp", "ports": ["22"]}],
                },
            ),
        },
    )
    by_type = {r.type: r for r in resources}
    return by_type["aws.ec2.security_group"], by_type["gcp.compute.firewall"]


_CIDR_IS_PUBLIC: Callable[..., Any] = compile_condition({"path": "c", "op": "cidr_is_public"}).fn


def _operator(cidr: str) -> bool:
    resource = {"id": "r", "type": "aws.ec2.security_group", "attributes": {"c": cidr}}
    return bool(_CIDR_IS_PUBLIC({"c": cidr}, EvalContext(resource=resource, now=NOW)))


@pytest.mark.parametrize(("cidr", "internet"), CIDR_CASES)
def test_address_ranges_get_one_answer(
    tmp_path: Path, ruleset: RuleSet, cidr: str, internet: bool
) -> None:
    live_group, live_routes = _live_aws(cidr)
    live_fw = _live_firewall(cidr)
    planned_group, planned_fw = _planned_network(tmp_path, cidr)
    groups = [_dump(live_group), _dump(planned_group)]
    failed_groups = _failed(ruleset, "aws_ec2_security_group_no_public_ssh", groups)
    firewalls = [_dump(live_fw), _dump(planned_fw)]
    failed_firewalls = _failed(ruleset, "gcp_compute_firewall_no_public_ssh", firewalls)
    answers = {
        "live aws security group": _internet_edge(live_group),
        "live aws route table": live_routes.attributes["has_internet_route"],
        "live gcp firewall": _internet_edge(live_fw),
        "terraform aws_security_group": _internet_edge(planned_group),
        "terraform google_compute_firewall": _internet_edge(planned_fw),
        "engine: cidr_is_public": _operator(cidr),
        "engine: ssh rule (live group)": live_group.id in failed_groups,
        "engine: ssh rule (planned group)": planned_group.id in failed_groups,
        "engine: ssh rule (live firewall)": live_fw.id in failed_firewalls,
        "engine: ssh rule (planned firewall)": planned_fw.id in failed_firewalls,
    }
    assert answers == dict.fromkeys(answers, internet)
