"""Compute Engine: instances, disks, snapshots, addresses, networks, firewalls, load balancers,
autoscalers.

Relations drawn here carry internet exposure (see scanner/graph.py): an instance is
`in_subnet` its subnetworks and `in_network` their networks, a firewall is `in_network`
and `allows_from` the `internet` (one edge per allowed protocol/port range) when it is
an enabled ingress rule with a source range meaning the internet
(`scanner.policy.network.cidr_is_internet`: /0 to /7 for IPv4, /0 to /15 for IPv6).
Instances `runs_as` their service accounts; disks and addresses are `attached_to` their
users; disks and snapshots are `encrypted_by` their CMEK key. An autoscaler names the
managed instance group it scales in `target` (the group's resource id).

Instance metadata values (startup scripts and any other key except SSH public keys)
are scanned for secrets; only masked findings are kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from scanner.collectors.gcp.common import (
    DEFAULT_COMPUTE_SA,
    Asset,
    Context,
    iso_time,
    kms_key_id,
    kms_key_name,
    last_segment,
    make_resource,
    metadata_items,
    region_of,
    rel,
    to_bool,
    to_int,
    url_to_name,
)
from scanner.model import Relation, Resource
from scanner.policy.network import cidr_is_internet

__all__ = [
    "CLOUD_PLATFORM_SCOPE",
    "address",
    "autoscaler",
    "backend_service",
    "disk",
    "firewall",
    "forwarding_rule",
    "instance",
    "network",
    "snapshot",
    "subnetwork",
]

logger = logging.getLogger(__name__)

CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
INTERNET = "internet"

# Metadata keys that hold no secrets: SSH public keys and boolean switches.
_NOT_SECRET_METADATA = frozenset(
    {
        "ssh-keys",
        "sshKeys",
        "block-project-ssh-keys",
        "enable-oslogin",
        "enable-oslogin-2fa",
        "serial-port-enable",
        "serial-port-logging-enable",
        "google-logging-enabled",
        "google-monitoring-enabled",
        "enable-guest-attributes",
        "enable-osconfig",
        "disable-legacy-endpoints",
        "gce-container-declaration",
    }
)


def _dedupe(relations: Iterable[Relation]) -> list[Relation]:
    seen: set[tuple[str, str, str]] = set()
    out: list[Relation] = []
    for relation in relations:
        key = (relation.type, relation.target, repr(sorted(relation.properties.items())))
        if key not in seen:
            seen.add(key)
            out.append(relation)
    return out


# ---------------------------------------------------------------------- instances
def _secrets(metadata: Mapping[str, str], ctx: Context) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for key in sorted(metadata):
        if key in _NOT_SECRET_METADATA:
            continue
        value = metadata[key]
        if "\n" in value.strip():
            found += ctx.scan_secrets(value, f"metadata:{key}")
        else:
            found += ctx.scan_secrets(f"{key}={value}", f"metadata:{key}")
    return found


def _is_gke_node(name: str, labels: Mapping[str, Any], metadata: Mapping[str, str]) -> bool:
    if "goog-gke-node" in labels:
        return True
    return name.startswith("gke-") and ("cluster-name" in metadata or "kube-labels" in metadata)


def instance(asset: Asset, ctx: Context) -> Resource:
    """compute.googleapis.com/Instance."""
    data = asset.data
    name = str(data.get("name") or last_segment(asset.name))
    zone = last_segment(str(data.get("zone") or asset.location))
    metadata = metadata_items(data.get("metadata"))
    labels = data.get("labels") or {}
    interfaces = [i for i in data.get("networkInterfaces") or () if isinstance(i, Mapping)]
    external_ips = [
        str(config["natIP"])
        for interface in interfaces
        for config in interface.get("accessConfigs") or ()
        if config.get("natIP")
    ]
    emails = [str(sa.get("email", "")) for sa in data.get("serviceAccounts") or ()]
    scopes = [str(s) for sa in data.get("serviceAccounts") or () for s in sa.get("scopes") or ()]
    accounts: list[dict[str, Any]] = [
        {"email": str(sa.get("email", "")), "scopes": [str(s) for s in sa.get("scopes") or ()]}
        for sa in data.get("serviceAccounts") or ()
    ]
    shielded = data.get("shieldedInstanceConfig")
    is_gke = _is_gke_node(name, labels, metadata)
    attributes: dict[str, Any] = {
        "machine_type": last_segment(str(data.get("machineType", ""))) or None,
        "status": data.get("status"),
        "zone": zone,
        "public_ip": external_ips[0] if external_ips else None,
        "external_ips": external_ips,
        "private_ip": next((str(i["networkIP"]) for i in interfaces if i.get("networkIP")), None),
        "network_tags": [str(t) for t in (data.get("tags") or {}).get("items") or ()],
        "service_accounts": accounts,
        "uses_default_service_account": any(DEFAULT_COMPUTE_SA.match(e) for e in emails),
        "has_full_api_access": CLOUD_PLATFORM_SCOPE in scopes,
        "block_project_ssh_keys": to_bool(metadata.get("block-project-ssh-keys")) is True,
        "os_login_enabled": to_bool(metadata["enable-oslogin"])
        if "enable-oslogin" in metadata
        else None,
        "serial_port_enabled": to_bool(metadata.get("serial-port-enable")) is True,
        "can_ip_forward": data.get("canIpForward") is True,
        "shielded_vm": {
            "secure_boot": shielded.get("enableSecureBoot") is True,
            "vtpm": shielded.get("enableVtpm") is True,
            "integrity_monitoring": shielded.get("enableIntegrityMonitoring") is True,
        }
        if isinstance(shielded, Mapping)
        else None,
        "confidential_compute": (data.get("confidentialInstanceConfig") or {}).get(
            "enableConfidentialCompute"
        )
        is True,
        "deletion_protection": data.get("deletionProtection") is True,
        "is_gke_node": is_gke,
        "metadata_keys": sorted(metadata),
        "secrets": _secrets(metadata, ctx),
        "created_at": iso_time(data.get("creationTimestamp")),
        "last_started_at": iso_time(data.get("lastStartTimestamp")),
        "last_stopped_at": iso_time(data.get("lastStopTimestamp")),
    }
    relations: list[Relation] = []
    for interface in interfaces:
        subnet = url_to_name(interface.get("subnetwork"))
        net = url_to_name(interface.get("network"))
        if subnet:
            relations.append(rel("in_subnet", subnet))
        if net:
            relations.append(rel("in_network", net))
    for email in emails:
        if email:
            relations.append(rel("runs_as", ctx.service_account_target(email)))
    return make_resource(
        asset,
        ctx,
        "gcp.compute.instance",
        attributes,
        _dedupe(relations),
        name=name,
        region=region_of(zone),
    )


# ---------------------------------------------------------------------- disks, snapshots
def disk(asset: Asset, ctx: Context) -> Resource:
    """compute.googleapis.com/Disk (zonal or regional)."""
    data = asset.data
    users = [u for u in (url_to_name(x) for x in data.get("users") or ()) if u]
    key = (data.get("diskEncryptionKey") or {}).get("kmsKeyName")
    where = last_segment(str(data.get("zone") or data.get("region") or asset.location))
    attributes = {
        "size_gb": to_int(data.get("sizeGb")),
        "disk_type": last_segment(str(data.get("type", ""))) or None,
        "is_attached": bool(users),
        "users": users,
        "zone": last_segment(str(data["zone"])) if data.get("zone") else None,
        "kms_key_name": kms_key_name(key),
        "csek_encrypted": bool(
            (data.get("diskEncryptionKey") or {}).get("sha256")
            or (data.get("diskEncryptionKey") or {}).get("rsaEncryptedKey")
        ),
        "source_image": last_segment(str(data["sourceImage"])) if data.get("sourceImage") else None,
        "status": data.get("status"),
        "created_at": iso_time(data.get("creationTimestamp")),
        "last_attached_at": iso_time(data.get("lastAttachTimestamp")),
        "last_detached_at": iso_time(data.get("lastDetachTimestamp")),
    }
    relations = [rel("attached_to", u) for u in users]
    key_id = kms_key_id(key)
    if key_id:
        relations.append(rel("encrypted_by", key_id))
    return make_resource(
        asset, ctx, "gcp.compute.disk", attributes, relations, region=region_of(where)
    )


def snapshot(asset: Asset, ctx: Context) -> Resource:
    """compute.googleapis.com/Snapshot."""
    data = asset.data
    storage_bytes = to_int(data.get("storageBytes"))
    key = (data.get("snapshotEncryptionKey") or {}).get("kmsKeyName")
    attributes = {
        "storage_gb": round(storage_bytes / 1e9, 1) if storage_bytes is not None else None,
        "disk_size_gb": to_int(data.get("diskSizeGb")),
        "source_disk": url_to_name(data.get("sourceDisk")),
        "status": data.get("status"),
        "auto_created": data.get("autoCreated") is True,
        "kms_key_name": kms_key_name(key),
        "storage_locations": [str(x) for x in data.get("storageLocations") or ()],
        "created_at": iso_time(data.get("creationTimestamp")),
    }
    key_id = kms_key_id(key)
    relations = [rel("encrypted_by", key_id)] if key_id else []
    return make_resource(asset, ctx, "gcp.compute.snapshot", attributes, relations)


# ---------------------------------------------------------------------- addresses
def address(asset: Asset, ctx: Context) -> Resource:
    """compute.googleapis.com/Address and GlobalAddress."""
    data = asset.data
    users = [u for u in (url_to_name(x) for x in data.get("users") or ()) if u]
    attributes = {
        "address": data.get("address"),
        # the API leaves addressType out for the default, EXTERNAL
        "address_type": data.get("addressType") or "EXTERNAL",
        "status": data.get("status"),
        "purpose": data.get("purpose"),
        "network_tier": data.get("networkTier"),
        "users": users,
        "created_at": iso_time(data.get("creationTimestamp")),
    }
    region = last_segment(str(data["region"])) if data.get("region") else asset.location
    return make_resource(
        asset,
        ctx,
        "gcp.compute.address",
        attributes,
        [rel("attached_to", u) for u in users],
        region=region_of(region),
    )


# ---------------------------------------------------------------------- networks
def network(asset: Asset, ctx: Context) -> Resource:
    """compute.googleapis.com/Network."""
    data = asset.data
    name = str(data.get("name") or last_segment(asset.name))
    is_legacy = "IPv4Range" in data or "gatewayIPv4" in data
    if "autoCreateSubnetworks" in data:
        auto: bool | None = data["autoCreateSubnetworks"] is True
    else:  # absent: a legacy network, or a custom-mode one (false is left out)
        auto = None if is_legacy else False
    attributes = {
        "auto_create_subnetworks": auto,
        "is_legacy": is_legacy,
        "routing_mode": (data.get("routingConfig") or {}).get("routingMode"),
        "is_default": name == "default",
        "mtu": to_int(data.get("mtu")),
        "subnetworks": [s for s in (url_to_name(x) for x in data.get("subnetworks") or ()) if s],
        "peerings": [
            {
                "name": p.get("name"),
                "network": url_to_name(p.get("network")),
                "state": p.get("state"),
            }
            for p in data.get("peerings") or ()
        ],
        "created_at": iso_time(data.get("creationTimestamp")),
    }
    return make_resource(asset, ctx, "gcp.compute.network", attributes, name=name)


def subnetwork(asset: Asset, ctx: Context) -> Resource:
    """compute.googleapis.com/Subnetwork."""
    data = asset.data
    log_config = data.get("logConfig")
    if isinstance(log_config, Mapping):
        flow_logs = log_config.get("enable") is True
        flow_config: dict[str, Any] | None = {
            "aggregation_interval": log_config.get("aggregationInterval"),
            "flow_sampling": log_config.get("flowSampling"),
            "metadata": log_config.get("metadata"),
        }
    else:
        flow_logs = data.get("enableFlowLogs") is True
        flow_config = None
    attributes = {
        "ip_cidr_range": data.get("ipCidrRange"),
        "secondary_ranges": [
            {"name": r.get("rangeName"), "ip_cidr_range": r.get("ipCidrRange")}
            for r in data.get("secondaryIpRanges") or ()
        ],
        "private_google_access": data.get("privateIpGoogleAccess") is True,
        "flow_logs_enabled": flow_logs,
        "flow_logs_config": flow_config if flow_logs else None,
        "purpose": data.get("purpose"),
        "stack_type": data.get("stackType"),
        "created_at": iso_time(data.get("creationTimestamp")),
    }
    net = url_to_name(data.get("network"))
    region = last_segment(str(data["region"])) if data.get("region") else asset.location
    return make_resource(
        asset,
        ctx,
        "gcp.compute.subnetwork",
        attributes,
        [rel("in_network", net)] if net else [],
        region=region_of(region),
    )


def _port_ranges(entries: Any) -> list[dict[str, Any]]:
    """Firewall allowed/denied entries flattened to one `{protocol, from_port, to_port}` each."""
    out: list[dict[str, Any]] = []
    for entry in entries or ():
        protocol = str(entry.get("IPProtocol") or entry.get("ipProtocol") or "all").lower()
        ports = [str(p) for p in entry.get("ports") or ()]
        if not ports:
            out.append({"protocol": protocol, "from_port": None, "to_port": None})
            continue
        for port in ports:
            low, _, high = port.partition("-")
            first, last = to_int(low), to_int(high or low)
            out.append({"protocol": protocol, "from_port": first, "to_port": last})
    return out


def firewall(asset: Asset, ctx: Context) -> Resource:
    """compute.googleapis.com/Firewall."""
    data = asset.data
    direction = str(data.get("direction") or "INGRESS").upper()
    source_ranges = [str(r) for r in data.get("sourceRanges") or ()]
    source_tags = [str(t) for t in data.get("sourceTags") or ()]
    source_accounts = [str(a) for a in data.get("sourceServiceAccounts") or ()]
    if direction == "INGRESS" and not (source_ranges or source_tags or source_accounts):
        # An ingress rule without any source applies to every source (the API default).
        source_ranges = ["0.0.0.0/0"]
    allowed = _port_ranges(data.get("allowed"))
    disabled = data.get("disabled") is True
    attributes = {
        "direction": direction,
        "disabled": disabled,
        "priority": to_int(data.get("priority")) if "priority" in data else 1000,
        "source_ranges": source_ranges,
        "destination_ranges": [str(r) for r in data.get("destinationRanges") or ()],
        "source_tags": source_tags,
        "source_service_accounts": source_accounts,
        "target_tags": [str(t) for t in data.get("targetTags") or ()],
        "target_service_accounts": [str(a) for a in data.get("targetServiceAccounts") or ()],
        "allowed": allowed,
        "denied": _port_ranges(data.get("denied")),
        "logging_enabled": (data.get("logConfig") or {}).get("enable") is True,
        "created_at": iso_time(data.get("creationTimestamp")),
    }
    relations: list[Relation] = []
    net = url_to_name(data.get("network"))
    if net:
        relations.append(rel("in_network", net))
    if direction == "INGRESS" and not disabled and any(map(cidr_is_internet, source_ranges)):
        relations += [rel("allows_from", INTERNET, dict(entry)) for entry in allowed]
    return make_resource(asset, ctx, "gcp.compute.firewall", attributes, _dedupe(relations))


# ---------------------------------------------------------------------- load balancing
def forwarding_rule(asset: Asset, ctx: Context) -> Resource:
    """compute.googleapis.com/ForwardingRule and GlobalForwardingRule."""
    data = asset.data
    scheme = data.get("loadBalancingScheme")
    target = url_to_name(data.get("target"))
    backend = url_to_name(data.get("backendService"))
    attributes = {
        "ip_address": data.get("IPAddress") or data.get("ipAddress"),
        "ip_protocol": data.get("IPProtocol") or data.get("ipProtocol"),
        "port_range": data.get("portRange"),
        "ports": [str(p) for p in data.get("ports") or ()],
        "all_ports": data.get("allPorts") is True,
        "load_balancing_scheme": scheme,
        "is_external": str(scheme or "").startswith("EXTERNAL"),
        "network_tier": data.get("networkTier"),
        "target": target,
        "backend_service": backend,
        "created_at": iso_time(data.get("creationTimestamp")),
    }
    relations = [rel("routes_to", t) for t in (target, backend) if t]
    net = url_to_name(data.get("network"))
    subnet = url_to_name(data.get("subnetwork"))
    if subnet:
        relations.append(rel("in_subnet", subnet))
    if net:
        relations.append(rel("in_network", net))
    region = last_segment(str(data["region"])) if data.get("region") else asset.location
    return make_resource(
        asset,
        ctx,
        "gcp.compute.forwarding_rule",
        attributes,
        relations,
        region=region_of(region),
    )


def backend_service(asset: Asset, ctx: Context) -> Resource:
    """compute.googleapis.com/BackendService and RegionBackendService."""
    data = asset.data
    log_config = data.get("logConfig") or {}
    groups = [g for g in (url_to_name(b.get("group")) for b in data.get("backends") or ()) if g]
    policy = data.get("securityPolicy")
    attributes = {
        "load_balancing_scheme": data.get("loadBalancingScheme"),
        "protocol": data.get("protocol"),
        "port_name": data.get("portName"),
        "timeout_sec": to_int(data.get("timeoutSec")),
        "logging_enabled": log_config.get("enable") is True,
        "log_sample_rate": log_config.get("sampleRate"),
        "security_policy": last_segment(str(policy)) if policy else None,
        "enable_cdn": data.get("enableCDN") is True,
        "backends": groups,
        "created_at": iso_time(data.get("creationTimestamp")),
    }
    region = last_segment(str(data["region"])) if data.get("region") else asset.location
    return make_resource(
        asset,
        ctx,
        "gcp.compute.backend_service",
        attributes,
        [rel("routes_to", g) for g in groups],
        region=region_of(region),
    )


def autoscaler(asset: Asset, ctx: Context) -> Resource:
    """compute.googleapis.com/Autoscaler (zonal or regional)."""
    data = asset.data
    policy = data.get("autoscalingPolicy") or {}
    attributes = {
        "target": url_to_name(data.get("target")),
        "min_replicas": to_int(policy.get("minNumReplicas")),
        "max_replicas": to_int(policy.get("maxNumReplicas")),
        "recommended_size": to_int(data.get("recommendedSize")),
        # the API leaves `mode` out for the default, ON
        "mode": policy.get("mode") or "ON",
    }
    where = last_segment(str(data.get("zone") or data.get("region") or asset.location))
    return make_resource(asset, ctx, "gcp.compute.autoscaler", attributes, region=region_of(where))
