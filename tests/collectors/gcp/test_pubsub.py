"""Pub/Sub topics and subscriptions."""

from __future__ import annotations

from typing import Any

from tests.collectors.gcp.conftest import make_asset, normalise, relations

T = "//pubsub.googleapis.com/projects/acme-prod/topics/"
S = "//pubsub.googleapis.com/projects/acme-prod/subscriptions/"


def test_topics(estate: dict[str, dict[str, Any]]) -> None:
    orders, events = estate[f"{T}orders"], estate[f"{T}events"]
    assert orders["attributes"]["kms_key_name"].endswith("/cryptoKeys/data-key")
    assert orders["attributes"]["message_retention_days"] == 7
    assert orders["attributes"]["allowed_persistence_regions"] == ["europe-west1"]
    assert len(relations(orders, "encrypted_by")) == 1
    assert (orders["attributes"]["is_public"], events["attributes"]["is_public"]) == (False, True)
    assert relations(events, "iam_binding") == ["principal:gcp:allUsers"]


def test_subscriptions(estate: dict[str, dict[str, Any]]) -> None:
    worker = estate[f"{S}orders-worker"]
    assert worker["attributes"] == {
        "topic": f"{T}orders",
        "ack_deadline_s": 60,
        "message_retention_s": 604800,
        "usage": None,  # no --metrics
    }
    assert relations(worker, "member_of") == [f"{T}orders"]
    assert (worker["account"], worker["region"], worker["name"]) == (
        "acme-prod",
        "global",
        "orders-worker",
    )


def test_a_subscription_of_a_deleted_topic() -> None:
    orphan = make_asset(
        "pubsub.googleapis.com/Subscription",
        f"{S}orphan",
        {"name": "projects/acme-prod/subscriptions/orphan", "topic": "_deleted-topic_"},
    )
    resource = normalise(orphan)
    assert resource["attributes"]["topic"] is None
    assert resource["relations"] == []
