"""GKE clusters and node pools.

A node pool is `in_cluster` its cluster and `runs_as` its nodes' service account (the
Compute Engine default account when the pool names none, or names `default`). The node
VMs themselves are compute instances with `is_gke_node: true`. A pool's nodes are the
managed instance groups in `instance_groups`, one per zone it runs in (`zone_count`);
its autoscaling limits apply per zone.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from scanner.collectors.gcp.common import (
    DEFAULT_COMPUTE_SA,
    Asset,
    Context,
    iso_time,
    kms_key_id,
    last_segment,
    make_resource,
    region_of,
    rel,
    to_int,
    url_to_name,
)
from scanner.collectors.gcp.compute import CLOUD_PLATFORM_SCOPE
from scanner.model import Resource

__all__ = ["cluster", "node_pool"]

logger = logging.getLogger(__name__)


def _network_name(value: Any, project: str, kind: str, region: str = "") -> str | None:
    """A cluster's network / subnetwork: a relative name, a URL, or a bare name."""
    if not value:
        return None
    text = str(value)
    if "projects/" in text:
        return url_to_name(text)
    if kind == "networks":
        return f"//compute.googleapis.com/projects/{project}/global/networks/{text}"
    return f"//compute.googleapis.com/projects/{project}/regions/{region}/subnetworks/{text}"


def cluster(asset: Asset, ctx: Context) -> Resource:
    """container.googleapis.com/Cluster."""
    data = asset.data
    project = ctx.project_id(asset)
    location = str(data.get("location") or data.get("zone") or asset.location)
    private = data.get("privateClusterConfig") or {}
    net_config = data.get("networkConfig") or {}
    endpoints = (data.get("controlPlaneEndpointsConfig") or {}).get("ipEndpointsConfig") or {}
    authorized = data.get("masterAuthorizedNetworksConfig") or {}
    policy = data.get("networkPolicy") or {}
    encryption = data.get("databaseEncryption") or {}
    channel = (data.get("releaseChannel") or {}).get("channel")
    private_endpoint = private.get("enablePrivateEndpoint") is True or (
        endpoints.get("enablePublicEndpoint") is False
    )
    attributes = {
        "location": location,
        "status": data.get("status"),
        "current_master_version": data.get("currentMasterVersion"),
        "endpoint": data.get("endpoint"),
        "private_nodes": private.get("enablePrivateNodes") is True
        or net_config.get("defaultEnablePrivateNodes") is True,
        "private_endpoint": private_endpoint,
        "master_authorized_networks_enabled": authorized.get("enabled") is True,
        "master_authorized_networks": [
            str(c.get("cidrBlock")) for c in authorized.get("cidrBlocks") or ()
        ],
        "legacy_abac_enabled": (data.get("legacyAbac") or {}).get("enabled") is True,
        "network_policy_enabled": policy.get("enabled") is True
        or net_config.get("datapathProvider") == "ADVANCED_DATAPATH",
        "workload_identity_enabled": bool(
            (data.get("workloadIdentityConfig") or {}).get("workloadPool")
        ),
        "shielded_nodes_enabled": (data.get("shieldedNodes") or {}).get("enabled") is True,
        "release_channel": channel if channel and channel != "UNSPECIFIED" else None,
        "logging_service": data.get("loggingService"),
        "monitoring_service": data.get("monitoringService"),
        "database_encryption_key": encryption.get("keyName")
        if encryption.get("state") == "ENCRYPTED"
        else None,
        "node_pool_count": len(data.get("nodePools") or ()),
        "created_at": iso_time(data.get("createTime")),
    }
    relations = []
    region = region_of(location)
    network = _network_name(net_config.get("network") or data.get("network"), project, "networks")
    subnet = _network_name(
        net_config.get("subnetwork") or data.get("subnetwork"), project, "subnetworks", region
    )
    if network:
        relations.append(rel("in_network", network))
    if subnet:
        relations.append(rel("in_subnet", subnet))
    key_id = kms_key_id(attributes["database_encryption_key"])
    if key_id:
        relations.append(rel("encrypted_by", key_id))
    labels = data.get("resourceLabels") or {}
    return make_resource(
        asset,
        ctx,
        "gcp.container.cluster",
        attributes,
        relations,
        region=region,
        tags={str(k): str(v) for k, v in labels.items()},
    )


def _zone_count(data: Mapping[str, Any], groups: list[str], name: str) -> int | None:
    """Zones of a node pool: its `locations`, else its groups, else 1 in a zonal cluster."""
    if data.get("locations"):
        return len(data["locations"])
    if groups:
        return len(groups)
    return 1 if "/zones/" in name else None


def node_pool(asset: Asset, ctx: Context) -> Resource:
    """container.googleapis.com/NodePool."""
    data = asset.data
    config = data.get("config") or {}
    account = str(config.get("serviceAccount") or "default")
    if account == "default":
        number = ctx.project_number(asset)
        email = f"{number}-compute@developer.gserviceaccount.com" if number else ""
    else:
        email = account
    scopes = [str(s) for s in config.get("oauthScopes") or ()]
    shielded = config.get("shieldedInstanceConfig")
    autoscaling = data.get("autoscaling") or {}
    management = data.get("management") or {}
    cluster_id = asset.name.rsplit("/nodePools/", 1)[0]
    groups = [
        name for name in (url_to_name(u) for u in data.get("instanceGroupUrls") or ()) if name
    ]
    attributes: dict[str, Any] = {
        "cluster": cluster_id,
        "machine_type": config.get("machineType"),
        "image_type": config.get("imageType"),
        "disk_size_gb": to_int(config.get("diskSizeGb")),
        "service_account": email or account,
        "uses_default_service_account": account == "default"
        or bool(DEFAULT_COMPUTE_SA.match(account)),
        "oauth_scopes": scopes,
        "has_full_api_access": CLOUD_PLATFORM_SCOPE in scopes,
        "node_count": to_int(data.get("initialNodeCount")),
        "autoscaling_enabled": autoscaling.get("enabled") is True,
        "min_node_count": to_int(autoscaling.get("minNodeCount")),
        "max_node_count": to_int(autoscaling.get("maxNodeCount")),
        "auto_upgrade": management.get("autoUpgrade") is True,
        "auto_repair": management.get("autoRepair") is True,
        "secure_boot": shielded.get("enableSecureBoot") is True
        if isinstance(shielded, Mapping)
        else None,
        "integrity_monitoring": shielded.get("enableIntegrityMonitoring") is True
        if isinstance(shielded, Mapping)
        else None,
        "workload_metadata_mode": (config.get("workloadMetadataConfig") or {}).get("mode"),
        "version": data.get("version"),
        "status": data.get("status"),
        "instance_groups": groups,
        "zone_count": _zone_count(data, groups, asset.name),
    }
    relations = [rel("in_cluster", cluster_id)]
    if email:
        relations.append(rel("runs_as", ctx.service_account_target(email)))
    location_match = asset.name.split("/locations/", 1)[-1].split("/", 1)[0]
    if "/zones/" in asset.name:
        location_match = asset.name.split("/zones/", 1)[-1].split("/", 1)[0]
    return make_resource(
        asset,
        ctx,
        "gcp.container.node_pool",
        attributes,
        relations,
        name=str(data.get("name") or last_segment(asset.name)),
        region=region_of(asset.location or location_match),
        tags={str(k): str(v) for k, v in (config.get("resourceLabels") or {}).items()},
    )
