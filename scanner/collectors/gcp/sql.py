"""Cloud SQL instances: asset type sqladmin.googleapis.com/Instance, ids on cloudsql.googleapis.com.

The public address is kept as `public_ip_address`, not `public_ip`: a Cloud SQL public
IP is guarded by authorized networks, not by VPC firewall rules, so the graph's
firewall-based exposure must not treat it as a VM address.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from scanner.collectors.gcp.common import (
    Asset,
    Context,
    iso_time,
    kms_key_id,
    kms_key_name,
    make_resource,
    rel,
    to_int,
    url_to_name,
)
from scanner.model import Resource

__all__ = ["instance"]

logger = logging.getLogger(__name__)


def _ssl_mode(ip_config: Mapping[str, Any] | None) -> str | None:
    """The SSL mode; from the legacy `requireSsl` when `sslMode` is not set.

    Cloud SQL documents requireSsl=true as TRUSTED_CLIENT_CERTIFICATE_REQUIRED and
    requireSsl=false as ALLOW_UNENCRYPTED_AND_ENCRYPTED
    (https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1beta4/instances#sslmode).
    """
    if ip_config is None:
        return None
    if ip_config.get("sslMode"):
        return str(ip_config["sslMode"])
    if ip_config.get("requireSsl") is True:
        return "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
    return "ALLOW_UNENCRYPTED_AND_ENCRYPTED"


def instance(asset: Asset, ctx: Context) -> Resource:
    """sqladmin.googleapis.com/Instance."""
    data = asset.data
    settings = data.get("settings") or {}
    ip_config = settings.get("ipConfiguration")
    ip_config = ip_config if isinstance(ip_config, Mapping) else None
    addresses = [
        {"type": str(a.get("type", "")), "address": str(a.get("ipAddress", ""))}
        for a in data.get("ipAddresses") or ()
    ]
    public = [a["address"] for a in addresses if a["type"] == "PRIMARY"]
    backups = settings.get("backupConfiguration") or {}
    flags = {
        str(f.get("name")): str(f.get("value", ""))
        for f in settings.get("databaseFlags") or ()
        if f.get("name")
    }
    key = (data.get("diskEncryptionConfiguration") or {}).get("kmsKeyName")
    private_network = ip_config.get("privateNetwork") if ip_config else None
    attributes = {
        "database_version": data.get("databaseVersion"),
        "state": data.get("state"),
        "instance_type": data.get("instanceType"),
        "tier": settings.get("tier"),
        "availability_type": settings.get("availabilityType"),
        "public_ip_enabled": (ip_config or {}).get("ipv4Enabled") is True or bool(public),
        "public_ip_address": public[0] if public else None,
        "ip_addresses": addresses,
        "authorized_networks": [
            str(n.get("value")) for n in (ip_config or {}).get("authorizedNetworks") or ()
        ],
        "require_ssl": (ip_config or {}).get("requireSsl") is True,
        "ssl_mode": _ssl_mode(ip_config),
        "private_network": url_to_name(private_network),
        "backup_enabled": backups.get("enabled") is True,
        "pitr_enabled": backups.get("pointInTimeRecoveryEnabled") is True
        or backups.get("binaryLogEnabled") is True,
        "database_flags": flags,
        "deletion_protection": settings.get("deletionProtectionEnabled") is True,
        "kms_key_name": kms_key_name(key),
        "created_at": iso_time(data.get("createTime")),
        "disk_size_gb": to_int(settings.get("dataDiskSizeGb")),
        # on unless the settings say off (on is the default)
        "storage_auto_resize": settings.get("storageAutoResize") is not False,
        "storage_auto_resize_limit_gb": to_int(settings.get("storageAutoResizeLimit")),
    }
    relations = []
    network = url_to_name(private_network)
    if network:
        relations.append(rel("in_network", network))
    key_id = kms_key_id(key)
    if key_id:
        relations.append(rel("encrypted_by", key_id))
    labels = settings.get("userLabels") or {}
    return make_resource(
        asset,
        ctx,
        "gcp.sql.instance",
        attributes,
        relations,
        region=str(data.get("region") or asset.location or "global"),
        tags={str(k): str(v) for k, v in labels.items()},
    )
