"""GCP mappers for what capacity rules read: autoscalers, subscriptions, Run, functions, pools.

The attribute names are those of the live collector (scanner/collectors/gcp), so one
capacity rule judges a planned autoscaler and a running one alike. Usage (`usage`) and
what only the running resource knows (an autoscaler's `recommended_size`) are not known
before apply and stay UNKNOWN, as every attribute a mapper leaves out does.
"""

from __future__ import annotations

from typing import Any

from scanner.collectors.terraform.builder import Builder, relations_to
from scanner.collectors.terraform.instances import Instance
from scanner.collectors.terraform.values import (
    as_int,
    first_block,
    is_known,
    value_of,
)
from scanner.model import UNKNOWN, Resource

__all__ = [
    "autoscaler",
    "cloud_run_service",
    "cloud_run_v2_service",
    "cloudfunctions2_function",
    "cloudfunctions_function",
    "container_node_pool",
    "pubsub_subscription",
]

_MIGS = ("google_compute_instance_group_manager", "google_compute_region_instance_group_manager")
_TOPICS = ("google_pubsub_topic",)
_CLUSTERS = ("google_container_cluster",)
_INGRESS_V2 = {
    "INGRESS_TRAFFIC_ALL": "all",
    "INGRESS_TRAFFIC_INTERNAL_ONLY": "internal",
    "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER": "internal-and-cloud-load-balancing",
}


def _compute_name(value: Any) -> Any:
    """`//compute.googleapis.com/projects/...` for a self link or relative name; else as is."""
    if isinstance(value, str) and "projects/" in value:
        return "//compute.googleapis.com/" + value[value.index("projects/") :].rstrip("/")
    return value


def _seconds(value: Any, default: Any) -> Any:
    """Seconds in a duration string ("604800s"); `default` when null; UNKNOWN stays."""
    if value is None:
        return default
    if not is_known(value):
        return UNKNOWN
    try:
        seconds = float(str(value).removesuffix("s"))
    except ValueError:
        return None
    return int(seconds) if seconds.is_integer() else seconds


def autoscaler(b: Builder, inst: Instance) -> Resource:
    """google_compute_autoscaler, google_compute_region_autoscaler -> gcp.compute.autoscaler."""
    v = inst.values
    policy = first_block(v, "autoscaling_policy")
    targets = b.link(inst, "target", _MIGS, "gcp.compute.instance_group_manager")
    planned = [t for t in targets if t.startswith("tf://")]
    attrs = {
        "target": planned[0] if planned else _compute_name(v.get("target")),
        "min_replicas": as_int(value_of(policy, "min_replicas")),
        "max_replicas": as_int(value_of(policy, "max_replicas")),
        "mode": value_of(policy, "mode", "ON"),
    }
    return b.resource(inst, "gcp.compute.autoscaler", attrs, name=v.get("name"))


def pubsub_subscription(b: Builder, inst: Instance) -> Resource:
    """google_pubsub_subscription -> gcp.pubsub.subscription, `member_of` its topic."""
    v = inst.values
    topics = b.link(inst, "topic", _TOPICS, "gcp.pubsub.topic")
    topic: Any = next((t for t in topics if t.startswith("tf://")), None)
    name = v.get("topic")
    if topic is None and isinstance(name, str) and is_known(name):
        project = b.account(inst)
        path = name if name.startswith("projects/") else f"projects/{project}/topics/{name}"
        topic = f"//pubsub.googleapis.com/{path}"
    attrs = {
        "topic": topic if topic is not None else UNKNOWN,
        "ack_deadline_s": as_int(v.get("ack_deadline_seconds"), 10),
        "message_retention_s": _seconds(v.get("message_retention_duration"), 604800),
    }
    relations = relations_to("member_of", [topic] if topic else [])
    return b.resource(
        inst,
        "gcp.pubsub.subscription",
        attrs,
        name=v.get("name"),
        relations=relations,
        region="global",
    )


def cloud_run_v2_service(b: Builder, inst: Instance) -> Resource:
    """google_cloud_run_v2_service -> gcp.run.service (scaling in `template.scaling`)."""
    v = inst.values
    template = first_block(v, "template")
    scaling = first_block(template, "scaling")
    service_wide = first_block(v, "scaling")
    most = as_int(value_of(scaling, "max_instance_count"))
    least = as_int(value_of(scaling, "min_instance_count"))
    if least is None:
        least = as_int(value_of(service_wide, "min_instance_count"))
    ingress = v.get("ingress") or "INGRESS_TRAFFIC_ALL"
    attrs = {
        "ingress": _INGRESS_V2.get(ingress, ingress) if is_known(ingress) else UNKNOWN,
        "max_instances": most,
        "min_instances": least,
    }
    return b.resource(inst, "gcp.run.service", attrs, name=v.get("name"))


def cloud_run_service(b: Builder, inst: Instance) -> Resource:
    """google_cloud_run_service (v1) -> gcp.run.service (scaling in template annotations)."""
    v = inst.values
    metadata = first_block(first_block(v, "template"), "metadata")
    annotations = value_of(metadata, "annotations", {})
    if not isinstance(annotations, dict):
        most = least = UNKNOWN if not is_known(annotations) else None
    else:
        most = as_int(annotations.get("autoscaling.knative.dev/maxScale"))
        least = as_int(annotations.get("autoscaling.knative.dev/minScale"))
    attrs = {"max_instances": most, "min_instances": least}
    return b.resource(inst, "gcp.run.service", attrs, name=v.get("name"))


def cloudfunctions2_function(b: Builder, inst: Instance) -> Resource:
    """google_cloudfunctions2_function -> gcp.cloudfunctions.function (2nd gen)."""
    v = inst.values
    service = first_block(v, "service_config")
    most = as_int(value_of(service, "max_instance_count"))
    attrs = {"generation": "2", "max_instances": (most or None) if is_known(most) else UNKNOWN}
    return b.resource(inst, "gcp.cloudfunctions.function", attrs, name=v.get("name"))


def cloudfunctions_function(b: Builder, inst: Instance) -> Resource:
    """google_cloudfunctions_function -> gcp.cloudfunctions.function (1st gen; 0 = no limit)."""
    v = inst.values
    most = as_int(v.get("max_instances"))
    attrs = {"generation": "1", "max_instances": (most or None) if is_known(most) else UNKNOWN}
    return b.resource(inst, "gcp.cloudfunctions.function", attrs, name=v.get("name"))


def _zone_count(v: dict[str, Any]) -> Any:
    """Zones of a planned pool: its node_locations, else 1 in a zonal cluster, else UNKNOWN."""
    locations = v.get("node_locations")
    if not is_known(locations):
        return UNKNOWN
    if isinstance(locations, list) and locations:
        return len(locations)
    location = v.get("location")
    if isinstance(location, str) and is_known(location) and location.count("-") >= 2:
        return 1  # a zone (europe-west1-b); the pool runs where its cluster does
    return UNKNOWN


def container_node_pool(b: Builder, inst: Instance) -> Resource:
    """google_container_node_pool -> gcp.container.node_pool, `in_cluster` its cluster."""
    v = inst.values
    autoscaling = first_block(v, "autoscaling")
    clusters = b.link(inst, "cluster", _CLUSTERS, "gcp.container.cluster")
    attrs = {
        "cluster": clusters[0] if clusters else UNKNOWN,
        "machine_type": value_of(first_block(v, "node_config"), "machine_type"),
        "node_count": as_int(v.get("initial_node_count"), as_int(v.get("node_count"))),
        "autoscaling_enabled": UNKNOWN if not is_known(autoscaling) else bool(autoscaling),
        "min_node_count": as_int(value_of(autoscaling, "min_node_count")),
        "max_node_count": as_int(value_of(autoscaling, "max_node_count")),
        "zone_count": _zone_count(v),
    }
    return b.resource(
        inst,
        "gcp.container.node_pool",
        attrs,
        name=v.get("name"),
        relations=relations_to("in_cluster", clusters),
    )
