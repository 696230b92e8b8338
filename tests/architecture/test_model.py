"""The architecture model: which resources are nodes, where they sit, which edges join them."""

from __future__ import annotations

from typing import Any

from scanner.architecture import Scope, build_architecture
from scanner.model import Resource

from .conftest import (
    ALB,
    ASSETS,
    CDN,
    DB,
    DEPLOY,
    GCP_BUCKET,
    GCP_DATASET,
    GCP_SA,
    GCP_SUB,
    GCP_TOPIC,
    GCP_VM,
    LOGS,
    OTHER,
    POLICY,
    PRIVATE_A,
    QUEUE,
    ROLE,
    TRAIL,
    VOLUME,
    VPC,
    WEB,
    WORKER,
    res,
)


def _edges(estate: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {(e.kind, e.source, e.target) for e in build_architecture(estate).edges}


def test_request_tiers_are_nodes_their_details_are_not(estate: list[dict[str, Any]]) -> None:
    nodes = build_architecture(estate).nodes
    assert {ALB, *WEB, WORKER, DB, ASSETS, QUEUE, CDN, GCP_VM, GCP_BUCKET} <= set(nodes)
    assert VOLUME not in nodes  # a detail of the instance
    assert ROLE not in nodes and POLICY not in nodes and GCP_SA not in nodes  # identity
    assert VPC not in nodes  # a place, not a node
    assert nodes[ALB].tier == "edge" and nodes[WEB[0]].tier == "compute"
    assert nodes[QUEUE].tier == "messaging" and nodes[ASSETS].tier == "data"


def test_scope_reads_the_network_subnet_and_zone(estate: list[dict[str, Any]]) -> None:
    nodes = build_architecture(estate).nodes
    assert nodes[WEB[0]].scope == Scope(
        "aws", "111111111111", "eu-west-1", VPC, PRIVATE_A, "eu-west-1a", "private"
    )
    # the database spans two private subnets (its subnet group): no single subnet or zone
    db = nodes[DB].scope
    assert (db.network, db.subnet, db.zone, db.subnet_class) == (VPC, "", "", "private")
    # the worker names only its subnet; the VPC comes through it
    assert nodes[WORKER].scope.network == VPC
    assert nodes[ASSETS].scope.network == ""


def test_every_edge_kind(estate: list[dict[str, Any]]) -> None:
    edges = _edges(estate)
    assert edges == {
        ("exposes", "internet", ALB),
        *{("routes_to", ALB, w) for w in WEB},
        ("origin", CDN, ASSETS),
        *{("reads", w, ASSETS) for w in WEB},  # s3:GetObject on assets/*
        *{("writes", w, QUEUE) for w in WEB},  # sqs:SendMessage on the queue
        ("logs_to", ASSETS, LOGS),
        ("logs_to", TRAIL, LOGS),
        ("trusts", f"external:aws:{OTHER}", DEPLOY),  # its own account is no boundary
        ("event", GCP_TOPIC, GCP_SUB),
        ("writes", GCP_VM, GCP_BUCKET),  # roles/storage.objectAdmin on the bucket
        ("reads", GCP_VM, GCP_DATASET),  # roles/bigquery.dataViewer on the project
    }  # roles/editor on the project is a basic role: no data flow drawn from it


def test_exposure_names_the_ports_and_marks_what_is_behind(estate: list[dict[str, Any]]) -> None:
    arch = build_architecture(estate)
    (exposes,) = [e for e in arch.edges if e.kind == "exposes"]
    assert exposes.label == "tcp 443"
    assert arch.nodes[ALB].exposed and all(arch.nodes[w].exposed for w in WEB)
    assert not arch.nodes[WORKER].exposed and not arch.nodes[DB].exposed
    assert arch.exposure[WEB[0]][0] == "internet" and arch.exposure[WEB[0]][-1] == WEB[0]


def test_a_deny_without_condition_cancels_the_grant(estate: list[dict[str, Any]]) -> None:
    policy = next(r for r in estate if r["id"] == POLICY)
    policy["attributes"]["document"]["Statement"].append(
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}
    )
    edges = _edges(estate)
    assert not any(kind == "reads" and target == ASSETS for kind, _, target in edges)
    assert ("writes", WEB[0], QUEUE) in edges


def test_anyone_may_assume_is_one_outside_node(estate: list[dict[str, Any]]) -> None:
    estate.append(
        res(
            "arn:aws:iam::111111111111:role/open",
            "aws.iam.role",
            relations=[("trusts", "principal:aws:*")],
        )
    )
    arch = build_architecture(estate)
    assert arch.nodes["external:aws:*"].name == "any AWS account"
    assert ("trusts", "external:aws:*", "arn:aws:iam::111111111111:role/open") in {
        (e.kind, e.source, e.target) for e in arch.edges
    }


def test_products_come_from_the_product_tag_keys(estate: list[dict[str, Any]]) -> None:
    nodes = build_architecture(estate).nodes
    assert nodes[ALB].product == "shop"  # Product
    assert nodes[GCP_VM].product == "shop"  # product, any case
    assert nodes[WORKER].product == "(untagged)"
    assert build_architecture(estate, ["Team"]).nodes[ALB].product == "(untagged)"


def test_models_and_dicts_build_the_same(estate: list[dict[str, Any]]) -> None:
    from_dicts = build_architecture(estate)
    from_models = build_architecture([Resource.model_validate(r) for r in estate])
    assert from_models.edges == from_dicts.edges
    assert set(from_models.nodes) == set(from_dicts.nodes)
    assert from_dicts.edge_ends_exist()


def test_a_grant_on_every_resource_is_one_edge_to_all_of_them(estate: list[dict[str, Any]]) -> None:
    policy = next(r for r in estate if r["id"] == POLICY)
    policy["attributes"]["document"]["Statement"].append(
        {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}
    )
    arch = build_architecture(estate)
    every = "every:aws:111111111111:aws.dynamodb.table"
    assert arch.nodes[every].name == "all DynamoDB tables" and not arch.nodes[every].is_resource
    assert {("reads", WEB[0], every), ("writes", WEB[0], every)} <= {
        (e.kind, e.source, e.target) for e in arch.edges
    }
