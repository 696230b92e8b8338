"""The demo's GCP project: northwind-analytics, the data platform, in one folder.

Its problems have compliant twins inside the same project (one SSH firewall open to the
world, one to the VPN; one public bucket, one private; ...), except where a problem's
description says otherwise.
"""

from __future__ import annotations

import random
from typing import Any, NamedTuple

from scanner.synthetic.common import ANALYTICS_PROJECT, DOMAIN, ResourceDict, secret_entry
from scanner.synthetic.demo_spec import Problems, Recorder
from scanner.synthetic.gcp import Gcp
from scanner.synthetic.gcp_base import folder, organization
from scanner.synthetic.gcp_compute import CLOUD_PLATFORM

__all__ = ["GCP_PROJECT", "demo_gcp"]

GCP_PROJECT = ANALYTICS_PROJECT
_NUMBER = "418203557921"
_ORG = "583920174625"
_FOLDER = "730214889102"
_REGION = "europe-west1"
_DEFAULT_SA = f"{_NUMBER}-compute@developer.gserviceaccount.com"
_AUDIT_ACTIVITY = 'LOG_ID("cloudaudit.googleapis.com/activity")'
_AUDIT_SYSTEM = 'LOG_ID("cloudaudit.googleapis.com/system_event")'


def _binding(role: str, member: str) -> dict[str, Any]:
    return {"role": role, "members": [member], "condition": None}


def _project_bindings() -> list[dict[str, Any]]:
    """The project's IAM policy: an owner who is a person, the default account an editor."""
    return [
        _binding("roles/owner", "user:olga.petrov@northwind.example"),
        _binding("roles/editor", f"serviceAccount:{_DEFAULT_SA}"),
        _binding("roles/bigquery.admin", "group:data-eng@northwind.example"),
        _binding("roles/container.developer", "group:data-eng@northwind.example"),
        _binding("roles/iam.securityReviewer", "group:security@northwind.example"),
        _binding("roles/viewer", "group:analysts@northwind.example"),
    ]


class _Net(NamedTuple):
    default: ResourceDict
    vpc: ResourceDict
    default_sub: ResourceDict
    etl_sub: ResourceDict
    gke_sub: ResourceDict


class _Identities(NamedTuple):
    default: ResourceDict
    etl: ResourceDict
    gke: ResourceDict
    reports: ResourceDict
    ci: ResourceDict


def demo_gcp(rng: random.Random, flag: Problems) -> list[ResourceDict]:
    """The organization, the folder and the project with everything in it."""
    g = Gcp(rng, GCP_PROJECT, _NUMBER, "prod", "CC-2001")
    rec = Recorder(flag, [])
    _hierarchy(g, rec)
    net = _network(g, rec)
    _firewalls(g, rec, net)
    ids = _identities(g, rec)
    bq_key, gcs_key = _keys(g, rec)
    _compute(g, rec, net, ids, bq_key)
    _buckets(g, rec, ids, gcs_key)
    _services(g, rec, net, ids, bq_key)
    _logging_and_dns(g, rec)
    return rec.out


def _hierarchy(g: Gcp, rec: Recorder) -> None:
    """The organization, the data-platform folder and the project."""
    org = organization(
        _ORG,
        DOMAIN,
        [
            {
                "role": "roles/resourcemanager.organizationAdmin",
                "members": ["group:gcp-admins@northwind.example"],
            },
            {"role": "roles/billing.admin", "members": ["group:finance@northwind.example"]},
        ],
    )
    viewers = {
        "role": "roles/resourcemanager.folderViewer",
        "members": ["group:data-eng@northwind.example"],
    }
    parent = folder(_FOLDER, "data-platform", org, [viewers])
    rec.add(org)
    rec.add(parent)
    audit = [
        {
            "service": "storage.googleapis.com",
            "log_types": ["ADMIN_READ", "DATA_READ", "DATA_WRITE"],
        }
    ]
    rec.add(
        g.project_res(parent, _project_bindings(), audit),
        (
            "iam",
            "primitive role roles/owner granted to user:olga.petrov@northwind.example"
            " (twin: the other roles go to groups)",
        ),
        ("iam", "default compute service account holds roles/editor"),
        (
            "logging",
            "no audit config for allServices DATA_READ/DATA_WRITE (no twin: one project)",
        ),
    )


def _network(g: Gcp, rec: Recorder) -> _Net:
    """The legacy default network and the analytics VPC, with their subnetworks."""
    default_net = g.network("default", auto=True)
    vpc = g.network("analytics-vpc")
    rec.add(default_net, ("network", "the legacy auto-mode 'default' network exists"))
    rec.add(vpc)
    no_flow_logs = ("logging", "subnetwork without VPC flow logs")
    default_sub = g.subnetwork(
        default_net,
        "default",
        _REGION,
        "10.132.0.0/20",
        flow_logs=False,
        private_google_access=False,
    )
    etl_sub = g.subnetwork(vpc, "etl-europe-west1", _REGION, "10.40.0.0/20")
    gke_sub = g.subnetwork(vpc, "gke-europe-west1", _REGION, "10.40.16.0/20")
    batch_sub = g.subnetwork(
        vpc, "batch-us-central1", "us-central1", "10.41.0.0/20", flow_logs=False
    )
    rec.add(default_sub, no_flow_logs)
    rec.add(etl_sub)
    rec.add(gke_sub)
    rec.add(batch_sub, no_flow_logs)
    return _Net(default_net, vpc, default_sub, etl_sub, gke_sub)


def _firewalls(g: Gcp, rec: Recorder, net: _Net) -> None:
    """The default network's firewalls (SSH open to the world) and the VPC's."""
    default_net, vpc = net.default, net.vpc
    tcp_udp_icmp = [("tcp", 0, 65535), ("udp", 0, 65535), ("icmp", None, None)]
    anywhere = ["0.0.0.0/0"]
    rec.add(
        g.firewall(
            default_net, "default-allow-internal", tcp_udp_icmp, ["10.128.0.0/9"], priority=65534
        )
    )
    rec.add(
        g.firewall(default_net, "default-allow-ssh", [("tcp", 22, 22)], anywhere, priority=65534),
        ("network", "admits SSH (22) from 0.0.0.0/0 to every instance of the default network"),
    )
    rdp = [("tcp", 3389, 3389)]
    rec.add(
        g.firewall(default_net, "default-allow-rdp", rdp, anywhere, disabled=True, priority=65534)
    )
    icmp = [("icmp", None, None)]
    rec.add(g.firewall(default_net, "default-allow-icmp", icmp, anywhere, priority=65534))
    rec.add(g.firewall(vpc, "allow-internal", tcp_udp_icmp, ["10.40.0.0/14"], logging=True))
    ssh = [("tcp", 22, 22)]
    rec.add(g.firewall(vpc, "allow-ssh-from-vpn", ssh, ["10.8.0.0/16"], logging=True))
    rec.add(
        g.firewall(
            vpc, "allow-sftp-partner", ssh, ["198.51.100.0/24"], target_tags=["sftp"], logging=True
        )
    )
    rec.add(
        g.firewall(
            vpc,
            "allow-https-public",
            [("tcp", 443, 443)],
            anywhere,
            target_tags=["public-https"],
            logging=True,
        )
    )


def _identities(g: Gcp, rec: Recorder) -> _Identities:
    """Service accounts and their keys."""
    default_sa = g.service_account("", roles=["roles/editor"], default_compute=True)
    etl_sa = g.service_account(
        "etl-runner",
        roles=["roles/bigquery.dataEditor", "roles/storage.objectUser"],
        users=["group:data-eng@northwind.example"],
    )
    gke_sa = g.service_account(
        "gke-nodes", roles=["roles/logging.logWriter", "roles/monitoring.metricWriter"]
    )
    reports_sa = g.service_account("reports-api", roles=["roles/bigquery.dataViewer"])
    ci_sa = g.service_account(
        "ci-terraform",
        roles=["roles/compute.admin", "roles/storage.admin", "roles/iam.serviceAccountUser"],
        users=["group:platform@northwind.example"],
        team="platform",
    )
    exporter_sa = g.service_account("legacy-exporter", roles=["roles/storage.objectViewer"])
    editor = "the Compute Engine default service account holds roles/editor"
    rec.add(default_sa, ("iam", editor))
    rec.add(etl_sa)
    rec.add(gke_sa)
    rec.add(reports_sa)
    admin = "CI service account holds admin roles (compute.admin, storage.admin)"
    rec.add(ci_sa, ("iam", admin))
    rec.add(exporter_sa)
    rec.add(
        g.service_account_key(ci_sa, user_managed=True, age_days=400),
        ("iam", "user-managed service account key 400 days old"),
    )
    rec.add(g.service_account_key(etl_sa, user_managed=False, age_days=10))
    return _Identities(default_sa, etl_sa, gke_sa, reports_sa, ci_sa)


def _keys(g: Gcp, rec: Recorder) -> tuple[ResourceDict, ResourceDict]:
    """The analytics key ring's keys; returns the BigQuery and Cloud Storage keys."""
    bq_key = g.crypto_key("analytics", "bigquery", _REGION, rotation_days=90)
    gcs_key = g.crypto_key("analytics", "gcs", _REGION, rotation_days=365)
    legacy_key = g.crypto_key("analytics", "legacy-exports", _REGION, rotation_days=None)
    rec.add(bq_key)
    rec.add(gcs_key, ("encryption", "KMS key rotates every 365 days (more than 90)"))
    rec.add(legacy_key, ("encryption", "KMS key without automatic rotation"))
    rec.add(
        g.crypto_key(
            "analytics", "release-signing", _REGION, rotation_days=None, purpose="ASYMMETRIC_SIGN"
        )
    )
    return bq_key, gcs_key


def _compute(g: Gcp, rec: Recorder, net: _Net, ids: _Identities, bq_key: ResourceDict) -> None:
    """The VMs, then their disks, a forgotten disk, addresses and boot snapshots."""
    etl1, etl2, reporting, sftp, *gke_nodes = _vms(g, rec, net, ids)
    for inst, size, dtype in (
        (etl1, 100, "pd-balanced"),
        (etl2, 100, "pd-balanced"),
        (reporting, 50, "pd-balanced"),
        (sftp, 20, "pd-standard"),
        (gke_nodes[0], 100, "pd-standard"),
        (gke_nodes[1], 100, "pd-standard"),
    ):
        zone = inst["attributes"]["zone"]
        rec.add(g.disk(inst["name"], zone, size, disk_type=dtype, instance=inst, created_days=25))
    rec.add(
        g.disk(
            "etl-2-data",
            f"{_REGION}-c",
            1000,
            disk_type="pd-ssd",
            instance=etl2,
            key=bq_key,
            created_days=90,
        )
    )
    rec.add(
        g.disk(
            "etl-scratch-old",
            f"{_REGION}-b",
            500,
            disk_type="pd-standard",
            created_days=500,
            detached_days=210,
        ),
        ("cost", "unattached 500 GB persistent disk (detached 210 days ago)"),
    )
    for name, inst in (("etl-1-ip", etl1), ("sftp-gateway-ip", sftp)):
        rec.add(g.address(name, _REGION, inst["attributes"]["public_ip"], in_use=True))
    rec.add(
        g.address("old-ftp-ip", _REGION, None, in_use=False),
        ("cost", "static external address reserved but unused"),
    )
    rec.add(g.snapshot("etl-1-boot-2026-10-30", 38.2, 2))
    rec.add(g.snapshot("etl-1-boot-2024-09-12", 41.7, 780))


def _vms(g: Gcp, rec: Recorder, net: _Net, ids: _Identities) -> list[ResourceDict]:
    """etl-1 (exposed), etl-2, reporting-vm, sftp-gateway and two GKE nodes."""
    etl1 = g.instance(
        "etl-1",
        f"{_REGION}-b",
        net.default_sub,
        ids.default,
        scopes=[CLOUD_PLATFORM],
        public_ip=True,
        shielded=False,
        os_login=None,
        machine_type="n2-standard-8",
        created_days=700,
    )
    rec.add(
        etl1,
        ("iam", "runs as the default compute service account with the cloud-platform scope"),
        ("network", "public IP reachable from the internet on SSH via default-allow-ssh"),
    )
    etl2 = g.instance(
        "etl-2",
        f"{_REGION}-c",
        net.etl_sub,
        ids.etl,
        network_tags=["etl"],
        machine_type="n2-standard-8",
        created_days=90,
    )
    rec.add(etl2)
    credentials = secret_entry("metadata:startup-script", "Basic Auth Credentials", "ad****")
    reporting = g.instance(
        "reporting-vm",
        f"{_REGION}-b",
        net.etl_sub,
        ids.etl,
        network_tags=["reporting"],
        secrets=[credentials],
        created_days=300,
    )
    what = "startup-script metadata contains credentials (stored masked)"
    rec.add(reporting, ("secrets", what))
    sftp = g.instance(
        "sftp-gateway",
        f"{_REGION}-d",
        net.etl_sub,
        ids.etl,
        network_tags=["sftp"],
        public_ip=True,
        machine_type="e2-small",
        created_days=400,
    )
    what = "has an external IP (not reachable: its firewall admits only a partner range)"
    rec.add(sftp, ("network", what))
    gke_nodes = [
        g.instance(
            f"gke-analytics-default-pool-3f9a1c2e-{suffix}",
            f"{_REGION}-{zone}",
            net.gke_sub,
            ids.gke,
            scopes=[CLOUD_PLATFORM],
            network_tags=["gke-analytics-3f9a1c2e-node"],
            gke_node=True,
            os_login=None,
            machine_type="e2-standard-8",
            created_days=25,
            labels={"goog-gke-node": "", **g.labels("data")},
        )
        for suffix, zone in (("x7k2", "b"), ("p4m9", "c"))
    ]
    for node in gke_nodes:
        rec.add(node)
    return [etl1, etl2, reporting, sftp, *gke_nodes]


def _buckets(g: Gcp, rec: Recorder, ids: _Identities, gcs_key: ResourceDict) -> None:
    """Logs, raw data, a public reports bucket, Terraform state."""
    logs = "northwind-analytics-logs"
    security = {
        "role": "roles/storage.objectViewer",
        "members": ["group:security@northwind.example"],
    }
    rec.add(g.bucket(logs, "EU", bindings=[security], retention_days=365, team="security"))
    etl = f"serviceAccount:{ids.etl['attributes']['email']}"
    raw_readers = [
        {"role": "roles/storage.objectAdmin", "members": [etl]},
        {"role": "roles/storage.objectViewer", "members": ["group:data-eng@northwind.example"]},
    ]
    rec.add(
        g.bucket(
            "northwind-analytics-raw",
            "EUROPE-WEST1",
            key=gcs_key,
            log_bucket=logs,
            bindings=raw_readers,
        )
    )
    public = [{"role": "roles/storage.objectViewer", "members": ["allUsers"]}]
    rec.add(
        g.bucket(
            "northwind-analytics-public-reports",
            "EU",
            prevention="inherited",
            versioning=False,
            bindings=public,
        ),
        ("security", "allUsers hold roles/storage.objectViewer (public bucket)"),
    )
    ci = f"serviceAccount:{ids.ci['attributes']['email']}"
    rec.add(
        g.bucket(
            "northwind-analytics-tfstate",
            "EU",
            log_bucket=logs,
            team="platform",
            bindings=[{"role": "roles/storage.admin", "members": [ci]}],
        )
    )


def _services(g: Gcp, rec: Recorder, net: _Net, ids: _Identities, bq_key: ResourceDict) -> None:
    """Cloud SQL, BigQuery, Cloud Run, secrets, GKE and a function."""
    warehouse = g.sql_instance(
        "warehouse-pg",
        _REGION,
        net.vpc,
        public_ip=True,
        authorized=["0.0.0.0/0"],
        ssl_mode="ALLOW_UNENCRYPTED_AND_ENCRYPTED",
        regional=False,
    )
    rec.add(
        warehouse,
        ("network", "Cloud SQL authorizes 0.0.0.0/0 on its public IP"),
        (
            "encryption",
            "Cloud SQL accepts unencrypted connections (ALLOW_UNENCRYPTED_AND_ENCRYPTED)",
        ),
    )
    rec.add(g.sql_instance("metadata-pg", _REGION, net.vpc))
    rec.add(g.dataset("warehouse", "EU", key=bq_key))
    rec.add(
        g.dataset("marketing_exports", "EU", key=None),
        ("encryption", "BigQuery dataset without a customer-managed key"),
    )
    rec.add(g.dataset("staging_area", "EU", key=bq_key))
    rec.add(g.run_service("dashboard", _REGION, ids.reports))
    rec.add(g.secret("warehouse-db-password", rotation_days=90))
    rec.add(g.secret("sftp-partner-key", rotation_days=180, created_days=400))
    rec.add(g.gke_cluster("analytics", _REGION, net.vpc))
    rec.add(g.run_service("reports-api", _REGION, ids.reports))
    rec.add(g.function("ingest-webhook", _REGION, ids.etl))


def _logging_and_dns(g: Gcp, rec: Recorder) -> None:
    """The default log sinks, an audit sink to Cloud Storage, three DNS zones."""
    buckets = f"logging.googleapis.com/projects/{_NUMBER}/locations/global/buckets"
    rec.add(
        g.sink(
            "_Required",
            f"{buckets}/_Required",
            f"{_AUDIT_ACTIVITY} OR {_AUDIT_SYSTEM}",
            default=True,
        )
    )
    rec.add(
        g.sink(
            "_Default",
            f"{buckets}/_Default",
            f"NOT {_AUDIT_ACTIVITY} AND NOT {_AUDIT_SYSTEM}",
            default=True,
        )
    )
    rec.add(
        g.sink(
            "audit-to-gcs",
            "storage.googleapis.com/northwind-analytics-logs",
            'logName:"cloudaudit.googleapis.com"',
            default=False,
        )
    )
    rec.add(
        g.dns_zone("northwind-example", "northwind.example.", public=True, dnssec=False),
        ("network", "public DNS zone without DNSSEC"),
    )
    rec.add(
        g.dns_zone("data-northwind-example", "data.northwind.example.", public=True, dnssec=True)
    )
    rec.add(g.dns_zone("internal", "internal.northwind.example.", public=False, dnssec=False))
