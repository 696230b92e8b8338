"""GKE clusters and node pools."""

from __future__ import annotations

from typing import Any

from tests.collectors.gcp.conftest import make_asset, normalise, relations

PROD = "//container.googleapis.com/projects/acme-prod/locations/europe-west1/clusters/prod-cluster"
DEV = "//container.googleapis.com/projects/acme-dev/zones/europe-west1-b/clusters/dev-cluster"


def test_clusters(estate: dict[str, dict[str, Any]]) -> None:
    prod, dev = estate[PROD], estate[DEV]
    assert prod["attributes"]["private_nodes"] is False
    assert prod["attributes"]["workload_identity_enabled"] is False
    assert dev["attributes"]["private_nodes"] is dev["attributes"]["private_endpoint"] is True
    assert dev["attributes"]["master_authorized_networks"] == ["10.0.0.0/8"]
    assert dev["attributes"]["release_channel"] == "REGULAR"
    assert (prod["region"], dev["region"]) == ("europe-west1", "europe-west1")  # zone -> region
    assert relations(prod, "in_network") == [
        "//compute.googleapis.com/projects/acme-prod/global/networks/prod-vpc"
    ]
    assert relations(prod, "in_subnet") == [
        "//compute.googleapis.com/projects/acme-prod/regions/europe-west1/subnetworks/prod-gke"
    ]
    assert prod["tags"] == {"team": "platform"}


def test_node_pools(estate: dict[str, dict[str, Any]]) -> None:
    prod = estate[f"{PROD}/nodePools/default-pool"]
    dev = estate[f"{DEV}/nodePools/default-pool"]
    assert relations(prod, "in_cluster") == [PROD]
    assert relations(prod, "runs_as") == [
        "//iam.googleapis.com/projects/acme-prod/serviceAccounts/104000000000000000004"
    ]
    assert prod["attributes"]["has_full_api_access"] is True
    # "default" is the project's Compute Engine default service account
    assert dev["attributes"]["uses_default_service_account"] is True
    assert (
        dev["attributes"]["service_account"] == "200000000002-compute@developer.gserviceaccount.com"
    )
    assert relations(dev, "runs_as") == [
        "//iam.googleapis.com/projects/acme-dev/serviceAccounts/104000000000000000011"
    ]
    assert dev["attributes"]["workload_metadata_mode"] == "GKE_METADATA"


def test_dataplane_v2_enforces_network_policy() -> None:
    cluster = make_asset(
        "container.googleapis.com/Cluster",
        "//container.googleapis.com/projects/p/locations/us-central1/clusters/c",
        {"networkConfig": {"datapathProvider": "ADVANCED_DATAPATH"}, "network": "vpc"},
        location="us-central1",
    )
    resource = normalise(cluster)
    assert resource["attributes"]["network_policy_enabled"] is True
    assert relations(resource, "in_network") == [
        "//compute.googleapis.com/projects/p/global/networks/vpc"
    ]


def test_node_pool_zones_and_instance_groups(estate: dict[str, dict[str, Any]]) -> None:
    prod = estate[f"{PROD}/nodePools/default-pool"]["attributes"]
    assert prod["zone_count"] == 3
    assert prod["instance_groups"] == [
        "//compute.googleapis.com/projects/acme-prod/zones/europe-west1-b/instanceGroupManagers/"
        "gke-prod-cluster-default-pool-0-grp",
        "//compute.googleapis.com/projects/acme-prod/zones/europe-west1-c/instanceGroupManagers/"
        "gke-prod-cluster-default-pool-1-grp",
        "//compute.googleapis.com/projects/acme-prod/zones/europe-west1-d/instanceGroupManagers/"
        "gke-prod-cluster-default-pool-2-grp",
    ]
    assert estate[f"{DEV}/nodePools/default-pool"]["attributes"]["zone_count"] == 1
    # nothing said about zones: one in a zonal cluster, unknown in a regional one
    zonal = make_asset("container.googleapis.com/NodePool", f"{DEV}/nodePools/p", {})
    regional = make_asset("container.googleapis.com/NodePool", f"{PROD}/nodePools/p", {})
    assert normalise(zonal)["attributes"]["zone_count"] == 1
    assert normalise(regional)["attributes"]["zone_count"] is None
