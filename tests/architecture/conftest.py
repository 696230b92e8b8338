"""A small estate with one of each architecture edge, for the model and view tests."""

from __future__ import annotations

from typing import Any

import pytest

ACCOUNT = "111111111111"
OTHER = "222222222222"
VPC = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc/vpc-1"
PUBLIC_A = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:subnet/subnet-pa"
PRIVATE_A = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:subnet/subnet-qa"
PRIVATE_B = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:subnet/subnet-qb"
OPEN_SG = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:security-group/sg-open"
ALB = f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:loadbalancer/app/front/1"
WEB = [f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-web{i}" for i in (1, 2, 3)]
WORKER = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-worker"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/web"
POLICY = f"arn:aws:iam::{ACCOUNT}:policy/assets-rw"
ASSETS = "arn:aws:s3:::assets"
LOGS = "arn:aws:s3:::logs"
QUEUE = f"arn:aws:sqs:eu-west-1:{ACCOUNT}:jobs"
CDN = f"arn:aws:cloudfront::{ACCOUNT}:distribution/E1"
TRAIL = f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/main"
DEPLOY = f"arn:aws:iam::{ACCOUNT}:role/deploy"
DB = f"arn:aws:rds:eu-west-1:{ACCOUNT}:db:orders"
VOLUME = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:volume/vol-1"
GCP_VM = "//compute.googleapis.com/projects/shop/zones/europe-west1-b/instances/etl-1"
GCP_SA = "//iam.googleapis.com/projects/shop/serviceAccounts/etl@shop.iam.gserviceaccount.com"
GCP_BUCKET = "//storage.googleapis.com/shop-raw"
GCP_TOPIC = "//pubsub.googleapis.com/projects/shop/topics/events"
GCP_SUB = "//pubsub.googleapis.com/projects/shop/subscriptions/events-worker"
GCP_DATASET = "//bigquery.googleapis.com/projects/shop/datasets/raw"
GCP_PROJECT = "//cloudresourcemanager.googleapis.com/projects/123"
SA_MEMBER = "principal:gcp:serviceAccount:etl@shop.iam.gserviceaccount.com"


def res(
    rid: str,
    rtype: str,
    *,
    name: str = "",
    account: str = ACCOUNT,
    provider: str = "aws",
    region: str = "eu-west-1",
    attributes: dict[str, Any] | None = None,
    relations: list[tuple[str, str] | tuple[str, str, dict[str, Any]]] = (),  # type: ignore[assignment]
    tags: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A resource in snapshot dict form."""
    return {
        "id": rid,
        "type": rtype,
        "provider": provider,
        "account": account,
        "region": region,
        "name": name or rid.rsplit("/", 1)[-1].rsplit(":", 1)[-1],
        "tags": tags or {},
        "attributes": attributes or {},
        "relations": [
            {"type": r[0], "target": r[1], "properties": r[2] if len(r) > 2 else {}}
            for r in relations
        ],
    }


def build() -> list[dict[str, Any]]:
    """An AWS account with a web tier behind an internet-facing ALB, and a GCP project."""
    web_rel: list[tuple[str, str] | tuple[str, str, dict[str, Any]]] = [("runs_as", ROLE)]
    out = [
        res(VPC, "aws.ec2.vpc", name="main"),
        res(
            PUBLIC_A,
            "aws.ec2.subnet",
            name="public-a",
            relations=[("in_vpc", VPC)],
            attributes={"has_internet_route": True, "availability_zone": "eu-west-1a"},
        ),
        res(
            PRIVATE_A,
            "aws.ec2.subnet",
            name="private-a",
            relations=[("in_vpc", VPC)],
            attributes={"has_internet_route": False, "availability_zone": "eu-west-1a"},
        ),
        res(
            PRIVATE_B,
            "aws.ec2.subnet",
            name="private-b",
            relations=[("in_vpc", VPC)],
            attributes={"has_internet_route": False, "availability_zone": "eu-west-1b"},
        ),
        res(
            OPEN_SG,
            "aws.ec2.security_group",
            relations=[
                ("allows_from", "internet", {"protocol": "tcp", "from_port": 443, "to_port": 443}),
                ("in_vpc", VPC),
            ],
        ),
        res(
            ALB,
            "aws.elbv2.load_balancer",
            name="front",
            attributes={"scheme": "internet-facing"},
            relations=[
                ("in_vpc", VPC),
                ("protected_by", OPEN_SG),
                *[("routes_to", w) for w in WEB],
            ],
            tags={"Product": "shop"},
        ),
        *[
            res(
                w,
                "aws.ec2.instance",
                name=f"web-{i}",
                tags={"Product": "shop"},
                relations=[
                    ("in_subnet", PRIVATE_A if i < 3 else PRIVATE_B),
                    ("in_vpc", VPC),
                    *web_rel,
                ],
            )
            for i, w in enumerate(WEB, 1)
        ],
        res(WORKER, "aws.ec2.instance", name="worker", relations=[("in_subnet", PRIVATE_B)]),
        res(VOLUME, "aws.ec2.volume", relations=[("attached_to", WORKER)]),
        res(
            DB,
            "aws.rds.instance",
            name="orders",
            attributes={"publicly_accessible": False},
            relations=[("in_subnet", PRIVATE_A), ("in_subnet", PRIVATE_B), ("in_vpc", VPC)],
        ),
        res(
            ROLE,
            "aws.iam.role",
            region="global",
            relations=[
                ("has_policy", POLICY),
                ("trusts", "principal:aws:service:ec2.amazonaws.com"),
            ],
        ),
        res(
            POLICY,
            "aws.iam.policy",
            region="global",
            attributes={
                "document": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"{ASSETS}/*"},
                        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": QUEUE},
                    ],
                }
            },
        ),
        res(
            DEPLOY,
            "aws.iam.role",
            region="global",
            relations=[
                ("trusts", f"principal:aws:account:{OTHER}"),
                ("trusts", f"principal:aws:account:{ACCOUNT}"),
            ],
        ),
        res(ASSETS, "aws.s3.bucket", relations=[("logs_to", LOGS)]),
        res(LOGS, "aws.s3.bucket"),
        res(QUEUE, "aws.sqs.queue"),
        res(CDN, "aws.cloudfront.distribution", region="global", relations=[("routes_to", ASSETS)]),
        res(TRAIL, "aws.cloudtrail.trail", relations=[("logs_to", LOGS)]),
        res(
            GCP_PROJECT,
            "gcp.resourcemanager.project",
            provider="gcp",
            account="shop",
            region="global",
            relations=[
                ("iam_binding", SA_MEMBER, {"role": "roles/bigquery.dataViewer"}),
                ("iam_binding", SA_MEMBER, {"role": "roles/editor"}),
            ],
        ),
        res(
            GCP_VM,
            "gcp.compute.instance",
            provider="gcp",
            account="shop",
            region="europe-west1",
            relations=[("runs_as", GCP_SA)],
            tags={"product": "shop"},
        ),
        res(GCP_SA, "gcp.iam.service_account", provider="gcp", account="shop", region="global"),
        res(
            GCP_BUCKET,
            "gcp.storage.bucket",
            provider="gcp",
            account="shop",
            region="eu",
            relations=[("iam_binding", SA_MEMBER, {"role": "roles/storage.objectAdmin"})],
        ),
        res(GCP_DATASET, "gcp.bigquery.dataset", provider="gcp", account="shop", region="eu"),
        res(GCP_TOPIC, "gcp.pubsub.topic", provider="gcp", account="shop", region="global"),
        res(
            GCP_SUB,
            "gcp.pubsub.subscription",
            provider="gcp",
            account="shop",
            region="global",
            relations=[("member_of", GCP_TOPIC)],
        ),
    ]
    return out


@pytest.fixture
def estate() -> list[dict[str, Any]]:
    """A fresh copy of the small estate."""
    return build()
