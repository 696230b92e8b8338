"""Compute: instances, firewalls (internet edges), networks, disks, addresses, load balancers."""

from __future__ import annotations

from typing import Any

from scanner.collectors.gcp.common import Context
from scanner.collectors.secrets import scan_text
from tests.collectors.gcp.conftest import make_asset, normalise, relations

P = "//compute.googleapis.com/projects/acme-prod"
ZONE = f"{P}/zones/europe-west1-b"
VPC = f"{P}/global/networks/prod-vpc"
FW = f"{P}/global/firewalls"


def _edges(resource: dict[str, Any]) -> list[dict[str, Any]]:
    return [r["properties"] for r in resource["relations"] if r["type"] == "allows_from"]


def test_the_exposed_vm(estate: dict[str, dict[str, Any]]) -> None:
    web1 = estate[f"{ZONE}/instances/web-1"]
    attrs = web1["attributes"]
    assert (web1["region"], attrs["zone"], attrs["machine_type"]) == (
        "europe-west1",
        "europe-west1-b",
        "e2-standard-4",
    )
    assert attrs["public_ip"] == "34.76.10.20"
    assert attrs["network_tags"] == ["ssh", "web"]
    assert attrs["uses_default_service_account"] is attrs["has_full_api_access"] is True
    assert attrs["serial_port_enabled"] is attrs["can_ip_forward"] is True
    assert attrs["block_project_ssh_keys"] is False
    assert attrs["os_login_enabled"] is None
    assert attrs["shielded_vm"] == {
        "secure_boot": False,
        "vtpm": False,
        "integrity_monitoring": False,
    }
    assert attrs["secrets"] == [
        {
            "location": "metadata:startup-script line 5",
            "kind": "Secret Keyword",
            "masked": "Zx**********",
        }
    ]
    assert attrs["created_at"] == "2025-03-04T18:11:12Z"  # -08:00 in the data
    assert relations(web1, "in_subnet") == [f"{P}/regions/europe-west1/subnetworks/prod-web"]
    assert relations(web1, "in_network") == [VPC]
    assert relations(web1, "runs_as") == [
        "//iam.googleapis.com/projects/acme-prod/serviceAccounts/104000000000000000001"
    ]


def test_the_compliant_vm(estate: dict[str, dict[str, Any]]) -> None:
    attrs = estate[f"{ZONE}/instances/web-2"]["attributes"]
    assert attrs["public_ip"] is None
    assert attrs["secrets"] == []  # ssh-keys are public keys; $(...) values are references
    assert attrs["block_project_ssh_keys"] is attrs["os_login_enabled"] is True
    assert attrs["metadata_keys"] == [
        "block-project-ssh-keys",
        "enable-oslogin",
        "ssh-keys",
        "startup-script",
    ]


def test_gke_nodes_are_recognised(estate: dict[str, dict[str, Any]]) -> None:
    nodes = [r for r in estate.values() if r["name"].startswith("gke-prod-cluster")]
    assert len(nodes) == 2
    assert all(n["attributes"]["is_gke_node"] for n in nodes)
    assert not estate[f"{ZONE}/instances/web-1"]["attributes"]["is_gke_node"]


def test_a_service_account_not_collected_is_a_principal() -> None:
    instance = make_asset(
        "compute.googleapis.com/Instance",
        f"{ZONE}/instances/x",
        {"serviceAccounts": [{"email": "x@other.iam.gserviceaccount.com", "scopes": []}]},
        location="europe-west1-b",
    )
    assert relations(normalise(instance, Context()), "runs_as") == [
        "principal:gcp:serviceAccount:x@other.iam.gserviceaccount.com"
    ]


def test_firewall_rules_flatten_ports_and_link_the_internet(
    estate: dict[str, dict[str, Any]],
) -> None:
    https = estate[f"{FW}/allow-https"]
    assert https["attributes"]["allowed"] == [
        {"protocol": "tcp", "from_port": 443, "to_port": 443},
        {"protocol": "tcp", "from_port": 8443, "to_port": 8444},
    ]
    assert _edges(https) == https["attributes"]["allowed"]
    assert relations(https, "in_network") == [VPC]
    assert https["attributes"]["priority"] == 1000
    ssh = estate[f"{FW}/allow-ssh-anywhere"]
    assert _edges(ssh) == [{"protocol": "tcp", "from_port": 22, "to_port": 22}]
    assert ssh["attributes"]["target_tags"] == ["ssh"]
    for name in ("allow-ssh-from-iap", "allow-internal", "old-allow-rdp", "deny-telnet"):
        assert _edges(estate[f"{FW}/{name}"]) == [], name
    internal = estate[f"{FW}/allow-internal"]["attributes"]
    assert internal["allowed"] == [{"protocol": "all", "from_port": None, "to_port": None}]
    egress = estate[f"{FW}/allow-egress-https"]
    assert egress["attributes"]["direction"] == "EGRESS" and _edges(egress) == []
    assert egress["attributes"]["destination_ranges"] == ["0.0.0.0/0"]
    assert estate[f"{FW}/deny-telnet"]["attributes"]["denied"] == [
        {"protocol": "tcp", "from_port": 23, "to_port": 23}
    ]


def test_an_ingress_rule_without_a_source_is_open_to_all() -> None:
    rule = make_asset(
        "compute.googleapis.com/Firewall",
        f"{FW}/open",
        {
            "network": f"{VPC}",
            "allowed": [{"IPProtocol": "udp", "ports": ["53"]}],
            "priority": 10.0,
        },
    )
    resource = normalise(rule)
    assert resource["attributes"]["source_ranges"] == ["0.0.0.0/0"]
    assert resource["attributes"]["priority"] == 10
    assert _edges(resource) == [{"protocol": "udp", "from_port": 53, "to_port": 53}]


def test_networks_and_subnetworks(estate: dict[str, dict[str, Any]]) -> None:
    default = estate["//compute.googleapis.com/projects/acme-dev/global/networks/default"]
    assert default["attributes"]["is_default"] is default["attributes"]["auto_create_subnetworks"]
    assert default["attributes"]["is_default"] is True
    vpc = estate[VPC]["attributes"]
    assert (vpc["is_default"], vpc["auto_create_subnetworks"], vpc["routing_mode"]) == (
        False,
        False,
        "GLOBAL",
    )
    web = estate[f"{P}/regions/europe-west1/subnetworks/prod-web"]
    assert web["attributes"]["flow_logs_enabled"] is True
    assert web["attributes"]["flow_logs_config"]["flow_sampling"] == 1.0
    assert relations(web, "in_network") == [VPC]
    gke = estate[f"{P}/regions/europe-west1/subnetworks/prod-gke"]["attributes"]
    assert gke["flow_logs_enabled"] is False
    assert [r["name"] for r in gke["secondary_ranges"]] == ["pods", "services"]
    legacy = make_asset(
        "compute.googleapis.com/Network",
        f"{P}/global/networks/legacy",
        {"name": "legacy", "IPv4Range": "10.240.0.0/16", "gatewayIPv4": "10.240.0.1"},
    )
    attrs = normalise(legacy)["attributes"]
    assert (attrs["is_legacy"], attrs["auto_create_subnetworks"]) == (True, None)


def test_disks_snapshots_and_addresses(estate: dict[str, dict[str, Any]]) -> None:
    data = estate[f"{ZONE}/disks/web-2-data"]
    assert relations(data, "attached_to") == [f"{ZONE}/instances/web-2"]
    assert relations(data, "encrypted_by") == [
        "//cloudkms.googleapis.com/projects/acme-prod/locations/europe-west1/keyRings/prod-ring/"
        "cryptoKeys/data-key"
    ]
    assert data["attributes"]["kms_key_name"].endswith("/cryptoKeys/data-key")
    assert (data["attributes"]["size_gb"], data["attributes"]["disk_type"]) == (200, "pd-ssd")
    old = estate[f"{ZONE}/disks/old-data"]["attributes"]
    assert (old["is_attached"], old["last_detached_at"]) == (False, "2025-05-01T16:00:00Z")
    snapshot = estate[f"{P}/global/snapshots/web-1-boot-20261101"]["attributes"]
    assert (snapshot["storage_gb"], snapshot["disk_size_gb"]) == (4.1, 20)
    idle = estate[f"{P}/regions/europe-west1/addresses/old-ftp-ip"]
    assert (idle["attributes"]["address_type"], idle["attributes"]["status"]) == (
        "EXTERNAL",
        "RESERVED",
    )
    global_ip = estate[f"{P}/global/addresses/web-lb-ip"]
    assert global_ip["region"] == "global"
    assert relations(global_ip, "attached_to") == [f"{P}/global/forwardingRules/web-lb"]
    regional = make_asset(
        "compute.googleapis.com/Disk",
        f"{P}/regions/europe-west1/disks/r",
        {"region": "https://www.googleapis.com/compute/v1/projects/acme-prod/regions/europe-west1"},
    )
    attrs = normalise(regional)
    assert (attrs["region"], attrs["attributes"]["zone"], attrs["attributes"]["is_attached"]) == (
        "europe-west1",
        None,
        False,
    )


def test_load_balancers(estate: dict[str, dict[str, Any]]) -> None:
    frontend = estate[f"{P}/global/forwardingRules/web-lb"]
    assert frontend["attributes"]["is_external"] is True
    assert relations(frontend, "routes_to") == [f"{P}/global/targetHttpsProxies/web-lb-proxy"]
    ilb = estate[f"{P}/regions/europe-west1/forwardingRules/orders-ilb"]
    assert ilb["region"] == "europe-west1" and ilb["attributes"]["is_external"] is False
    assert relations(ilb, "routes_to") == [
        f"{P}/regions/europe-west1/backendServices/orders-ilb-backend"
    ]
    assert relations(ilb, "in_network") == [VPC]
    web = estate[f"{P}/global/backendServices/web-backend"]["attributes"]
    api = estate[f"{P}/global/backendServices/api-backend"]["attributes"]
    assert (web["logging_enabled"], api["logging_enabled"]) == (False, True)
    assert api["security_policy"] == "edge-armor"
    backend = estate[f"{P}/regions/europe-west1/backendServices/orders-ilb-backend"]
    assert relations(backend, "routes_to") == [f"{ZONE}/instanceGroups/orders-ig"]


def test_metadata_values_are_scanned_key_by_key() -> None:
    instance = make_asset(
        "compute.googleapis.com/Instance",
        f"{ZONE}/instances/x",
        {
            "metadata": {
                "items": [
                    {"key": "db-password", "value": "Zx9mQ2vLp8wRt7Kq"},
                    {"key": "aws-key", "value": "AKIAIOSFODNN7EXAMPLE"},
                    {"key": "enable-oslogin", "value": "FALSE"},
                ]
            }
        },
    )
    attrs = normalise(instance, Context(scan_secrets=scan_text))["attributes"]
    assert {(s["location"], s["kind"]) for s in attrs["secrets"]} == {
        ("metadata:aws-key", "AWS Access Key"),
        ("metadata:db-password", "Secret Keyword"),
    }
    assert all("*" in s["masked"] for s in attrs["secrets"])
    assert attrs["os_login_enabled"] is False


def test_customer_supplied_keys(estate: dict[str, dict[str, Any]]) -> None:
    assert estate[f"{ZONE}/disks/legacy-csek"]["attributes"]["csek_encrypted"] is True
    assert estate[f"{ZONE}/disks/web-2-data"]["attributes"]["csek_encrypted"] is False  # CMEK


def test_autoscalers(estate: dict[str, dict[str, Any]]) -> None:
    scaler = estate[f"{ZONE}/autoscalers/web-backend-as"]
    assert scaler["attributes"] == {
        "target": f"{ZONE}/instanceGroupManagers/web-backend-ig",
        "min_replicas": 2,
        "max_replicas": 10,
        "recommended_size": 4,
        "mode": "ON",
        "usage": None,  # no --metrics
    }
    assert (scaler["region"], scaler["account"]) == ("europe-west1", "acme-prod")
    regional = make_asset(
        "compute.googleapis.com/Autoscaler",
        f"{P}/regions/us-east1/autoscalers/r",
        {
            "region": "https://www.googleapis.com/compute/v1/projects/acme-prod/regions/us-east1",
            "target": "https://www.googleapis.com/compute/v1/projects/acme-prod/regions/us-east1"
            "/instanceGroupManagers/api",
            "autoscalingPolicy": {"maxNumReplicas": 3, "mode": "ONLY_SCALE_OUT"},
        },
    )
    attrs = normalise(regional)["attributes"]
    assert attrs["target"] == f"{P}/regions/us-east1/instanceGroupManagers/api"
    assert (attrs["min_replicas"], attrs["max_replicas"], attrs["mode"]) == (
        None,
        3,
        "ONLY_SCALE_OUT",
    )
    assert attrs["recommended_size"] is None
    assert normalise(regional)["region"] == "us-east1"
