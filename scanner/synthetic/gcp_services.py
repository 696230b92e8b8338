"""GCP platform builders: log sinks, Cloud DNS zones, GKE, Cloud Run, Cloud Functions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scanner.synthetic.common import ResourceDict, rel
from scanner.synthetic.gcp_base import GcpBase

__all__ = ["GcpServices"]


class GcpServices(GcpBase):
    """Builders of logging, DNS and the managed platforms that run code."""

    def sink(self, name: str, destination: str, log_filter: str, *, default: bool) -> ResourceDict:
        """A log sink routing entries that match `log_filter` to `destination`."""
        attrs = {"destination": destination, "filter": log_filter, "is_default": default}
        rid = f"//logging.googleapis.com/projects/{self.number}/sinks/{name}"
        return self.res(rid, "gcp.logging.sink", name, attrs, [], tags={})

    def dns_zone(self, name: str, dns_name: str, *, public: bool, dnssec: bool) -> ResourceDict:
        """A Cloud DNS managed zone for `dns_name`."""
        attrs = {
            "visibility": "public" if public else "private",
            "dnssec_state": "on" if dnssec else "off",
            "dnssec_key_algorithms": ["ECDSAP256SHA256"] if dnssec else [],
        }
        rid = f"//dns.googleapis.com/projects/{self.project}/managedZones/{name}"
        return self.res(rid, "gcp.dns.managed_zone", dns_name, attrs, [], team="platform")

    def gke_cluster(self, name: str, location: str, network: ResourceDict) -> ResourceDict:
        """A hardened private GKE cluster on `network`."""
        attrs = {
            "private_nodes": True,
            "master_authorized_networks_enabled": True,
            "legacy_abac_enabled": False,
            "network_policy_enabled": True,
            "workload_identity_enabled": True,
            "shielded_nodes_enabled": True,
            "release_channel": "REGULAR",
        }
        where = f"projects/{self.project}/locations/{location}"
        rid = f"//container.googleapis.com/{where}/clusters/{name}"
        return self.res(
            rid,
            "gcp.container.cluster",
            name,
            attrs,
            [rel("in_network", network["id"])],
            region=location,
        )

    def run_service(
        self,
        name: str,
        region: str,
        sa: ResourceDict,
        *,
        ingress: str = "internal-and-cloud-load-balancing",
        public: bool = False,
        secrets: Sequence[dict[str, str]] = (),
    ) -> ResourceDict:
        """A Cloud Run service running as `sa`."""
        attrs = {"ingress": ingress, "is_public": public, "secrets": list(secrets)}
        rid = f"//run.googleapis.com/projects/{self.project}/locations/{region}/services/{name}"
        return self.res(
            rid, "gcp.run.service", name, attrs, [rel("runs_as", sa["id"])], region=region
        )

    def function(
        self, name: str, region: str, sa: ResourceDict, *, public: bool = False
    ) -> ResourceDict:
        """A Cloud Function running as `sa`; `public` lets anyone invoke it from anywhere."""
        attrs: dict[str, Any] = {
            "runtime": "python312",
            "ingress": "ALLOW_ALL" if public else "ALLOW_INTERNAL_ONLY",
            "is_public": public,
            "secrets": [],
        }
        where = f"projects/{self.project}/locations/{region}"
        rid = f"//cloudfunctions.googleapis.com/{where}/functions/{name}"
        return self.res(
            rid,
            "gcp.cloudfunctions.function",
            name,
            attrs,
            [rel("runs_as", sa["id"])],
            region=region,
        )
