"""Cloud Run services.

Cloud Asset Inventory describes a service in the Knative shape of the Cloud Run Admin
API v1 (`metadata`, `spec.template.spec.containers[].env`, the ingress in the
annotation `run.googleapis.com/ingress`); the v2 shape (`template.containers[].env`,
`ingress: INGRESS_TRAFFIC_ALL`) is read too. Plain environment values are scanned for
secrets (values taken from Secret Manager are references, not secrets, and are skipped).
A service with no service account runs as the Compute Engine default account.

Scaling limits: v1 puts them in the revision template's annotations
(`autoscaling.knative.dev/maxScale`, `minScale`), v2 in `template.scaling`
(`maxInstanceCount`, `minInstanceCount`) or service-wide in `scaling`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from scanner.collectors.gcp.common import (
    Asset,
    Context,
    binding_relations,
    bindings_of,
    iso_time,
    last_segment,
    make_resource,
    region_of,
    rel,
    to_int,
)
from scanner.model import Resource
from scanner.policy.gcp import has_public_member

__all__ = ["env_secrets", "service"]

logger = logging.getLogger(__name__)

_MAX_SCALE = "autoscaling.knative.dev/maxScale"
_MIN_SCALE = "autoscaling.knative.dev/minScale"

_INGRESS_V2 = {
    "INGRESS_TRAFFIC_ALL": "all",
    "INGRESS_TRAFFIC_INTERNAL_ONLY": "internal",
    "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER": "internal-and-cloud-load-balancing",
}


def env_secrets(env: Mapping[str, str], ctx: Context) -> list[dict[str, str]]:
    """Secrets among plain environment variables, located as `env:NAME`."""
    found: list[dict[str, str]] = []
    for name in sorted(env):
        found += ctx.scan_secrets(f"{name}={env[name]}", f"env:{name}")
    return found


def _containers_env(containers: Any) -> dict[str, str]:
    env: dict[str, str] = {}
    for container in containers or ():
        for var in container.get("env") or ():
            if var.get("name") and "value" in var:
                env[str(var["name"])] = str(var["value"])
    return env


def _scaling(data: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """(max instances, min instances) of a v1 or v2 service; None where not set."""
    if data.get("metadata"):
        template = (data.get("spec") or {}).get("template") or {}
        annotations = (template.get("metadata") or {}).get("annotations") or {}
        return to_int(annotations.get(_MAX_SCALE)), to_int(annotations.get(_MIN_SCALE))
    scaling = (data.get("template") or {}).get("scaling") or {}
    service_wide = data.get("scaling") or {}
    most = to_int(scaling.get("maxInstanceCount")) or to_int(service_wide.get("maxInstanceCount"))
    least = to_int(scaling.get("minInstanceCount"))
    if least is None:
        least = to_int(service_wide.get("minInstanceCount"))
    return most, least


def service(asset: Asset, ctx: Context) -> Resource:
    """run.googleapis.com/Service."""
    data = asset.data
    metadata = data.get("metadata") or {}
    if metadata:  # v1 (Knative)
        annotations = metadata.get("annotations") or {}
        spec = ((data.get("spec") or {}).get("template") or {}).get("spec") or {}
        containers = spec.get("containers")
        account = spec.get("serviceAccountName")
        ingress = annotations.get("run.googleapis.com/ingress")
        name = str(metadata.get("name") or last_segment(asset.name))
        labels = metadata.get("labels") or {}
        url = (data.get("status") or {}).get("url")
        created = metadata.get("creationTimestamp")
        location = labels.get("cloud.googleapis.com/location")
    else:  # v2
        template = data.get("template") or {}
        containers = template.get("containers")
        account = template.get("serviceAccount")
        ingress = _INGRESS_V2.get(str(data.get("ingress")), data.get("ingress"))
        name = last_segment(str(data.get("name") or asset.name))
        labels = data.get("labels") or {}
        url = data.get("uri")
        created = data.get("createTime")
        location = None
    env = _containers_env(containers)
    if not account:
        number = ctx.project_number(asset)
        account = f"{number}-compute@developer.gserviceaccount.com" if number else None
    bindings = bindings_of(asset.iam_policy)
    max_instances, min_instances = _scaling(data)
    attributes = {
        "ingress": ingress or "all",
        "url": url,
        "service_account": account,
        "images": [str(c.get("image")) for c in containers or () if c.get("image")],
        "environment_keys": sorted(env),
        "secrets": env_secrets(env, ctx),
        "iam_bindings": bindings,
        "effective_iam_bindings": ctx.effective_bindings(asset),
        "is_public": has_public_member(bindings),
        "created_at": iso_time(created),
        "max_instances": max_instances,
        "min_instances": min_instances,
    }
    relations = binding_relations(bindings)
    if account:
        relations.insert(0, rel("runs_as", ctx.service_account_target(str(account))))
    if "/locations/" in asset.name:
        location = asset.name.split("/locations/", 1)[1].split("/", 1)[0]
    return make_resource(
        asset,
        ctx,
        "gcp.run.service",
        attributes,
        relations,
        name=name,
        region=region_of(str(asset.location or location or "")),
        tags={
            str(k): str(v) for k, v in labels.items() if not str(k).startswith("cloud.googleapis")
        },
    )
