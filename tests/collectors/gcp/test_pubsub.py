"""Pub/Sub topics."""

from __future__ import annotations

from typing import Any

from tests.collectors.gcp.conftest import relations

T = "//pubsub.googleapis.com/projects/acme-prod/topics/"


def test_topics(estate: dict[str, dict[str, Any]]) -> None:
    orders, events = estate[f"{T}orders"], estate[f"{T}events"]
    assert orders["attributes"]["kms_key_name"].endswith("/cryptoKeys/data-key")
    assert orders["attributes"]["message_retention_days"] == 7
    assert orders["attributes"]["allowed_persistence_regions"] == ["europe-west1"]
    assert len(relations(orders, "encrypted_by")) == 1
    assert (orders["attributes"]["is_public"], events["attributes"]["is_public"]) == (False, True)
    assert relations(events, "iam_binding") == ["principal:gcp:allUsers"]
