"""GCP Compute Engine builders: networks, subnetworks, firewalls, instances, disks, addresses.

An enabled INGRESS firewall that allows something from a range open to the whole internet
(`scanner.policy.network.cidr_is_internet`) carries an `allows_from -> internet` relation.
"""

from __future__ import annotations

from collections.abc import Sequence

from scanner.policy.network import cidr_is_internet
from scanner.synthetic.common import INTERNET, ResourceDict, rel, ts
from scanner.synthetic.gcp_base import GcpBase, kms_name

__all__ = ["CLOUD_PLATFORM", "NARROW_SCOPES", "GcpCompute"]

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
"""The OAuth scope that gives an instance's service account every API it has roles for."""
NARROW_SCOPES = (
    "https://www.googleapis.com/auth/devstorage.read_only",
    "https://www.googleapis.com/auth/logging.write",
    "https://www.googleapis.com/auth/monitoring.write",
)
_SHIELDED_ON = {"secure_boot": True, "vtpm": True, "integrity_monitoring": True}
_SHIELDED_OFF = {"secure_boot": False, "vtpm": True, "integrity_monitoring": True}


class GcpCompute(GcpBase):
    """Builders of the VPC network and of the VMs, disks and addresses in it."""

    def network(self, name: str, *, auto: bool = False) -> ResourceDict:
        """A VPC network; `auto` creates a subnetwork per region (like `default`)."""
        attrs = {
            "auto_create_subnetworks": auto,
            "routing_mode": "REGIONAL",
            "is_default": name == "default",
        }
        return self.res(
            self.compute(f"global/networks/{name}"),
            "gcp.compute.network",
            name,
            attrs,
            [],
            team="platform",
        )

    def subnetwork(
        self,
        network: ResourceDict,
        name: str,
        region: str,
        cidr: str,
        *,
        flow_logs: bool = True,
        private_google_access: bool = True,
    ) -> ResourceDict:
        """A subnetwork of `network` in `region`."""
        attrs = {
            "ip_cidr_range": cidr,
            "private_google_access": private_google_access,
            "flow_logs_enabled": flow_logs,
        }
        rid = self.compute(f"regions/{region}/subnetworks/{name}")
        rels = [rel("in_network", network["id"])]
        return self.res(
            rid, "gcp.compute.subnetwork", name, attrs, rels, region=region, team="platform"
        )

    def firewall(
        self,
        network: ResourceDict,
        name: str,
        allowed: Sequence[tuple[str, int | None, int | None]],
        source_ranges: Sequence[str],
        *,
        target_tags: Sequence[str] = (),
        disabled: bool = False,
        priority: int = 1000,
        logging: bool = False,
    ) -> ResourceDict:
        """An INGRESS firewall rule; `allowed` holds (protocol, from port, to port)."""
        allow = [{"protocol": p, "from_port": f, "to_port": t} for p, f, t in allowed]
        attrs = {
            "direction": "INGRESS",
            "disabled": disabled,
            "priority": priority,
            "source_ranges": list(source_ranges),
            "target_tags": list(target_tags),
            "target_service_accounts": [],
            "allowed": allow,
            "denied": [],
            "logging_enabled": logging,
        }
        rels = [rel("in_network", network["id"])]
        if not disabled and allow and any(cidr_is_internet(r) for r in source_ranges):
            rels.append(rel("allows_from", INTERNET, dict(allow[0])))
        return self.res(
            self.compute(f"global/firewalls/{name}"),
            "gcp.compute.firewall",
            name,
            attrs,
            rels,
            team="platform",
        )

    def instance(
        self,
        name: str,
        zone: str,
        subnet: ResourceDict,
        sa: ResourceDict,
        *,
        scopes: Sequence[str] = NARROW_SCOPES,
        public_ip: bool = False,
        network_tags: Sequence[str] = (),
        secrets: Sequence[dict[str, str]] = (),
        gke_node: bool = False,
        shielded: bool = True,
        os_login: bool | None = True,
        machine_type: str = "e2-standard-4",
        created_days: int = 120,
        team: str = "data",
        labels: dict[str, str] | None = None,
    ) -> ResourceDict:
        """A VM in `subnet` running as service account `sa` with OAuth `scopes`."""
        sa_email = sa["attributes"]["email"]
        attrs = {
            "machine_type": machine_type,
            "status": "RUNNING",
            "zone": zone,
            "public_ip": self.external_ip() if public_ip else None,
            "network_tags": list(network_tags),
            "service_accounts": [{"email": sa_email, "scopes": list(scopes)}],
            "uses_default_service_account": sa["attributes"]["is_default_compute"],
            "has_full_api_access": CLOUD_PLATFORM in scopes,
            "block_project_ssh_keys": not gke_node,
            "os_login_enabled": os_login,
            "serial_port_enabled": False,
            "can_ip_forward": False,
            "shielded_vm": dict(_SHIELDED_ON if shielded else _SHIELDED_OFF),
            "confidential_compute": False,
            "is_gke_node": gke_node,
            "secrets": list(secrets),
            "created_at": ts(created_days, self.rng.randrange(86400)),
        }
        rels = [
            rel("in_subnet", subnet["id"]),
            rel("in_network", subnet["relations"][0]["target"]),
            rel("runs_as", sa["id"]),
        ]
        rid = self.compute(f"zones/{zone}/instances/{name}")
        tags = labels if labels is not None else self.labels(team)
        return self.res(rid, "gcp.compute.instance", name, attrs, rels, region=zone[:-2], tags=tags)

    def disk(
        self,
        name: str,
        zone: str,
        size_gb: int,
        *,
        disk_type: str = "pd-balanced",
        instance: ResourceDict | None = None,
        key: ResourceDict | None = None,
        created_days: int = 120,
        detached_days: int | None = None,
        team: str = "data",
    ) -> ResourceDict:
        """A persistent disk, attached to `instance` or (None) unattached."""
        attrs = {
            "size_gb": size_gb,
            "disk_type": disk_type,
            "is_attached": instance is not None,
            "kms_key_name": kms_name(key) if key is not None else None,
            "created_at": ts(created_days, self.rng.randrange(86400)),
            "last_detached_at": None if detached_days is None else ts(detached_days),
        }
        rels = [rel("attached_to", instance["id"])] if instance is not None else []
        if key is not None:
            rels.append(rel("encrypted_by", key["id"]))
        rid = self.compute(f"zones/{zone}/disks/{name}")
        return self.res(rid, "gcp.compute.disk", name, attrs, rels, region=zone[:-2], team=team)

    def address(self, name: str, region: str, ip: str | None, *, in_use: bool) -> ResourceDict:
        """A static external address (`ip=None`: a new random one)."""
        attrs = {
            "address": ip if ip is not None else self.external_ip(),
            "address_type": "EXTERNAL",
            "status": "IN_USE" if in_use else "RESERVED",
        }
        rid = self.compute(f"regions/{region}/addresses/{name}")
        return self.res(rid, "gcp.compute.address", name, attrs, [], region=region, team="platform")

    def snapshot(self, name: str, storage_gb: float, created_days: int) -> ResourceDict:
        """A disk snapshot."""
        attrs = {
            "storage_gb": round(storage_gb, 1),
            "created_at": ts(created_days, self.rng.randrange(86400)),
        }
        return self.res(
            self.compute(f"global/snapshots/{name}"), "gcp.compute.snapshot", name, attrs, []
        )
