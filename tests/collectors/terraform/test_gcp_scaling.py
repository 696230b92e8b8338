"""GCP mappers for capacity: the same attribute names as the live collector, unknowns kept."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.collectors.terraform import parse_plan
from scanner.model import UNKNOWN

from .conftest import change, one, small_plan


def _one(address: str, values: dict[str, Any], **kw: Any) -> dict[str, Any]:
    resource = one(small_plan(change(address, values, **kw)), address)
    return resource.model_dump(mode="json")


def test_an_autoscaler_of_a_planned_group() -> None:
    ref = "google_compute_instance_group_manager.web"
    scaler_address = "google_compute_autoscaler.web"
    changes = [
        change(ref, {"name": "web", "zone": "europe-west1-b"}),
        change(
            scaler_address,
            {
                "name": "web-as",
                "zone": "europe-west1-b",
                "autoscaling_policy": [{"min_replicas": 2, "max_replicas": 10}],
            },
            unknown={"target": True},
        ),
    ]
    expressions = {"target": {"references": [f"{ref}.id", ref]}}
    config = {
        "root_module": {"resources": [{"address": scaler_address, "expressions": expressions}]}
    }
    plan = parse_plan(
        {"format_version": "1.2", "resource_changes": changes, "configuration": config}
    )
    scaler = one(plan, scaler_address)
    assert scaler.type == "gcp.compute.autoscaler"
    assert scaler.attributes["target"] == f"tf://{ref}"
    assert (scaler.attributes["min_replicas"], scaler.attributes["max_replicas"]) == (2, 10)
    assert scaler.attributes["mode"] == "ON"  # the provider's default
    assert scaler.attributes["recommended_size"] == UNKNOWN  # known only once it runs
    assert scaler.attributes["usage"] == UNKNOWN
    assert scaler.region == "europe-west1"


def test_an_autoscaler_of_an_existing_group() -> None:
    attrs = _one(
        "google_compute_region_autoscaler.api",
        {
            "name": "api-as",
            "region": "us-east1",
            "target": "https://www.googleapis.com/compute/v1/projects/p/regions/us-east1"
            "/instanceGroupManagers/api",
            "autoscaling_policy": [
                {"max_replicas": 4, "min_replicas": 1, "mode": "ONLY_SCALE_OUT"}
            ],
        },
    )["attributes"]
    assert attrs["target"] == (
        "//compute.googleapis.com/projects/p/regions/us-east1/instanceGroupManagers/api"
    )
    assert (attrs["max_replicas"], attrs["mode"]) == (4, "ONLY_SCALE_OUT")


def test_a_subscription_of_a_planned_topic() -> None:
    plan = small_plan(
        change("google_pubsub_topic.orders", {"name": "orders"}),
        change(
            "google_pubsub_subscription.worker",
            {"name": "worker", "topic": "orders", "project": "acme", "ack_deadline_seconds": 60},
        ),
    )
    sub = one(plan, "google_pubsub_subscription.worker")
    assert sub.attributes["ack_deadline_s"] == 60
    assert sub.attributes["message_retention_s"] == 604800  # the default, 7 days
    # the topic is found by its name among the planned ones
    assert sub.attributes["topic"] == "tf://google_pubsub_topic.orders"
    assert [(r.type, r.target) for r in sub.relations] == [
        ("member_of", "tf://google_pubsub_topic.orders")
    ]


def test_a_subscription_of_a_topic_outside_the_plan() -> None:
    sub = _one(
        "google_pubsub_subscription.s",
        {
            "name": "s",
            "project": "acme",
            "topic": "projects/acme/topics/events",
            "message_retention_duration": "86400s",
        },
    )
    assert sub["attributes"]["topic"] == "//pubsub.googleapis.com/projects/acme/topics/events"
    assert (sub["attributes"]["ack_deadline_s"], sub["attributes"]["message_retention_s"]) == (
        10,
        86400,
    )
    assert sub["relations"][0]["target"] == "//pubsub.googleapis.com/projects/acme/topics/events"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"disk_size": 100, "disk_autoresize": False}, (100, False, 0)),
        ({"disk_autoresize_limit": 500}, (None, True, 500)),  # size computed by the provider
    ],
)
def test_sql_disk_settings(settings: dict[str, Any], expected: tuple[Any, ...]) -> None:
    attrs = _one(
        "google_sql_database_instance.db", {"name": "db", "settings": [{"tier": "t", **settings}]}
    )["attributes"]
    keys = ("disk_size_gb", "storage_auto_resize", "storage_auto_resize_limit_gb")
    assert tuple(attrs[k] for k in keys) == expected


def test_sql_disk_size_known_only_after_apply() -> None:
    attrs = _one(
        "google_sql_database_instance.db",
        {"name": "db", "settings": [{"tier": "t"}]},
        unknown={"settings": [{"disk_size": True}]},
    )["attributes"]
    assert attrs["disk_size_gb"] == UNKNOWN


def test_cloud_run_scaling_v2_and_v1() -> None:
    v2 = _one(
        "google_cloud_run_v2_service.api",
        {
            "name": "api",
            "location": "europe-west1",
            "ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY",
            "template": [{"scaling": [{"max_instance_count": 20, "min_instance_count": 1}]}],
        },
    )
    assert v2["type"] == "gcp.run.service"
    attrs = v2["attributes"]
    assert (attrs["max_instances"], attrs["min_instances"], attrs["ingress"]) == (20, 1, "internal")
    v1 = _one(
        "google_cloud_run_service.web",
        {
            "name": "web",
            "location": "europe-west1",
            "template": [
                {"metadata": [{"annotations": {"autoscaling.knative.dev/maxScale": "5"}}]}
            ],
        },
    )["attributes"]
    assert (v1["max_instances"], v1["min_instances"]) == (5, None)


def test_function_max_instances() -> None:
    gen2 = _one(
        "google_cloudfunctions2_function.f",
        {"name": "f", "location": "europe-west1", "service_config": [{"max_instance_count": 50}]},
    )
    assert (gen2["type"], gen2["attributes"]["max_instances"]) == (
        "gcp.cloudfunctions.function",
        50,
    )
    gen1 = _one("google_cloudfunctions_function.g", {"name": "g", "max_instances": 0})
    assert gen1["attributes"]["max_instances"] is None  # 0: no limit of its own


@pytest.mark.parametrize(
    ("values", "zones"),
    [
        ({"location": "europe-west1", "node_locations": ["europe-west1-b", "europe-west1-c"]}, 2),
        ({"location": "europe-west1-b"}, 1),  # a zonal cluster's pool
        ({"location": "europe-west1"}, UNKNOWN),  # as many zones as its cluster
    ],
)
def test_node_pool_zones(values: dict[str, Any], zones: Any) -> None:
    pool = {
        "name": "pool",
        "initial_node_count": 1,
        "autoscaling": [{"min_node_count": 1, "max_node_count": 5}],
        "node_config": [{"machine_type": "e2-standard-4"}],
        **values,
    }
    attrs = _one("google_container_node_pool.pool", pool)["attributes"]
    assert attrs["zone_count"] == zones
    assert (attrs["min_node_count"], attrs["max_node_count"]) == (1, 5)
    assert (attrs["autoscaling_enabled"], attrs["machine_type"]) == (True, "e2-standard-4")
