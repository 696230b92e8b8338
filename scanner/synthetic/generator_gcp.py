"""The GCP part of the generated estate: the organization and folders, projects of app stacks.

Like the AWS part, every function draws from the builder's random stream in a fixed order
and streams; the caller cuts each stream at its budget.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from itertools import count
from typing import Any

from scanner.synthetic.common import ALNUM, DOMAIN, ResourceDict, secret_entry
from scanner.synthetic.gcp import Gcp
from scanner.synthetic.gcp_base import folder, organization
from scanner.synthetic.gcp_compute import CLOUD_PLATFORM, NARROW_SCOPES
from scanner.synthetic.generator_common import APPS, PROBLEM_RATE, TEAMS, folder_number, person

__all__ = ["GCP_ZONES", "gcp_org_stream", "gcp_project_stream"]

GCP_ZONES = {
    "europe-west1": "bcd",
    "europe-west4": "abc",
    "us-central1": "abcf",
    "us-east1": "bcd",
    "asia-southeast1": "abc",
}
"""The regions generated projects use, with the letters of their zones."""


def gcp_org_stream(number: str) -> Iterator[ResourceDict]:
    """The organization and one folder per environment."""
    org = organization(
        number,
        DOMAIN,
        [
            {
                "role": "roles/resourcemanager.organizationAdmin",
                "members": ["group:gcp-admins@northwind.example"],
            }
        ],
    )
    yield org
    for env in PROBLEM_RATE:
        viewers = {
            "role": "roles/resourcemanager.folderViewer",
            "members": [f"group:{env}-engineers@northwind.example"],
        }
        yield folder(folder_number(number, env), env, org, [viewers])


@dataclass
class _Project:
    """A project being built: its region and the resources every app stack uses."""

    g: Gcp
    bad: Callable[[], bool]
    region: str
    zones: str
    vpc: ResourceDict
    default_sub: ResourceDict | None
    default_sa: ResourceDict
    key: ResourceDict


def gcp_project_stream(g: Gcp, parent: str, p: float) -> Iterator[ResourceDict]:
    """A GCP project: the project, networks, shared keys and sinks, then app stacks forever."""
    project = yield from _project(g, parent, p)
    for k in count(1):
        yield from _app_compute(project, k)


def _project(g: Gcp, parent: str, p: float) -> Generator[ResourceDict, None, _Project]:
    """The project, its VPC (and a legacy default network when bad), firewalls, sinks, key."""
    rng = g.rng
    region = tuple(GCP_ZONES)[rng.randrange(len(GCP_ZONES))]

    def bad() -> bool:
        return rng.random() < p

    default_email = f"{g.number}-compute@developer.gserviceaccount.com"
    owner = (
        f"user:{person(rng, 0)}@northwind.example"
        if bad()
        else "group:platform-admins@northwind.example"
    )
    bindings = [
        {"role": "roles/owner", "members": [owner], "condition": None},
        {"role": "roles/editor", "members": [f"serviceAccount:{default_email}"], "condition": None},
        {
            "role": "roles/viewer",
            "members": [f"group:{g.env}-engineers@northwind.example"],
            "condition": None,
        },
    ]
    full_audit = [
        {"service": "allServices", "log_types": ["ADMIN_READ", "DATA_READ", "DATA_WRITE"]}
    ]
    yield g.project_res({"id": parent}, bindings, [] if bad() else full_audit, os_login=not bad())
    has_default = rng.random() < p * 4
    vpc = g.network(f"{g.env}-vpc")
    yield vpc
    default_sub = None
    if has_default:
        default_sub = yield from _default_network(g, region)
    yield from _project_shared(g, vpc)
    default_sa = g.service_account("", roles=["roles/editor"], default_compute=True)
    yield default_sa
    yield from _default_sinks(g)
    key = g.crypto_key(
        "main", "data", region, rotation_days=rng.choice((180, 365, None)) if bad() else 90
    )
    yield key
    return _Project(g, bad, region, GCP_ZONES[region], vpc, default_sub, default_sa, key)


def _default_network(g: Gcp, region: str) -> Generator[ResourceDict, None, ResourceDict]:
    """The legacy auto-mode `default` network, its subnetwork and its open SSH firewall."""
    default_net = g.network("default", auto=True)
    default_sub = g.subnetwork(default_net, "default", region, "10.132.0.0/20", flow_logs=False)
    yield default_net
    yield default_sub
    yield g.firewall(
        default_net, "default-allow-ssh", [("tcp", 22, 22)], ["0.0.0.0/0"], priority=65534
    )
    yield g.firewall(
        default_net,
        "default-allow-internal",
        [("tcp", 0, 65535), ("udp", 0, 65535)],
        ["10.128.0.0/9"],
        priority=65534,
    )
    return default_sub


def _project_shared(g: Gcp, vpc: ResourceDict) -> Iterator[ResourceDict]:
    """The VPC's firewalls: internal traffic, and HTTPS from anywhere to tagged instances."""
    yield g.firewall(
        vpc, "allow-internal", [("tcp", 0, 65535), ("udp", 0, 65535)], ["10.0.0.0/8"], logging=True
    )
    yield g.firewall(
        vpc,
        "allow-https-public",
        [("tcp", 443, 443)],
        ["0.0.0.0/0"],
        target_tags=["public-https"],
        logging=True,
    )


def _default_sinks(g: Gcp) -> Iterator[ResourceDict]:
    """The project's `_Required` and `_Default` log sinks."""
    for name, log_filter in (
        ("_Required", 'LOG_ID("cloudaudit.googleapis.com/activity")'),
        ("_Default", 'NOT LOG_ID("cloudaudit.googleapis.com/activity")'),
    ):
        yield g.sink(
            name,
            f"logging.googleapis.com/projects/{g.number}/locations/global/buckets/{name}",
            log_filter,
            default=True,
        )


def _app_compute(project: _Project, k: int) -> Iterator[ResourceDict]:
    """App stack `k`: subnetwork, service account (and key), 1-3 VMs, leftovers, then data."""
    g, rng, bad = project.g, project.g.rng, project.bad
    app = APPS[rng.randrange(len(APPS))]
    team = TEAMS[rng.randrange(len(TEAMS))]
    name = f"{app}-{k:03d}"
    subnet = g.subnetwork(
        project.vpc,
        name,
        project.region,
        f"10.{k % 250}.{(k // 250) % 16 * 16}.0/20",
        flow_logs=not bad(),
    )
    sa = g.service_account(
        f"{name}-runner",
        roles=["roles/logging.logWriter", "roles/storage.objectViewer"],
        users=[f"group:{team}@northwind.example"],
        team=team,
    )
    yield subnet
    yield sa
    if rng.random() < 0.3:
        old = bad()
        yield g.service_account_key(
            sa, user_managed=True, age_days=rng.randint(120, 900) if old else rng.randint(1, 80)
        )
    for i in range(rng.randint(1, 3)):
        yield from _app_vm(project, f"{name}-{i + 1}", app, team, subnet, sa)
    if bad():
        zone = f"{project.region}-{project.zones[0]}"
        yield g.disk(
            f"{name}-old-data",
            zone,
            rng.choice((200, 500)),
            disk_type="pd-standard",
            created_days=rng.randint(300, 900),
            detached_days=rng.randint(60, 290),
            team=team,
        )
    if bad():
        yield g.address(f"{name}-spare-ip", project.region, None, in_use=False)
    yield from _app_data(project, k, name, team, sa)


def _app_vm(
    project: _Project, name: str, app: str, team: str, subnet: ResourceDict, sa: ResourceDict
) -> Iterator[ResourceDict]:
    """A VM and its boot disk; when bad, exposed on the default network or to HTTPS."""
    g, rng, bad = project.g, project.g.rng, project.bad
    zones = project.zones
    zone = f"{project.region}-{zones[rng.randrange(len(zones))]}"
    exposed = bad()
    on_default = exposed and project.default_sub is not None
    inst = g.instance(
        name,
        zone,
        project.default_sub if on_default and project.default_sub is not None else subnet,
        project.default_sa if exposed else sa,
        scopes=[CLOUD_PLATFORM] if exposed else NARROW_SCOPES,
        public_ip=exposed or rng.random() < 0.05,
        network_tags=["public-https"] if exposed and not on_default else [app],
        secrets=[
            secret_entry("metadata:startup-script", "Secret Keyword", rng.choice(ALNUM) + "x****")
        ]
        if bad()
        else [],
        shielded=not bad(),
        machine_type=("e2-standard-2", "e2-standard-4", "n2-standard-8")[rng.randrange(3)],
        created_days=rng.randint(1, 900),
        team=team,
    )
    yield inst
    yield g.disk(
        inst["name"],
        zone,
        rng.choice((20, 50, 100)),
        instance=inst,
        created_days=rng.randint(1, 900),
        team=team,
    )


def _app_data(
    project: _Project, k: int, name: str, team: str, sa: ResourceDict
) -> Iterator[ResourceDict]:
    """App stack `k`'s bucket, and for some its database, service, dataset, secret, zone."""
    g, rng, bad, region = project.g, project.g.rng, project.bad, project.region
    public = bad()
    reader = "allUsers" if public else f"serviceAccount:{sa['attributes']['email']}"
    bindings: list[dict[str, Any]] = [{"role": "roles/storage.objectViewer", "members": [reader]}]
    yield g.bucket(
        f"{g.project}-{name}",
        region if rng.random() < 0.7 else "EU",
        bindings=bindings,
        prevention=None if public else "enforced",
        key=project.key if rng.random() < 0.4 else None,
        versioning=rng.random() < 0.6,
        team=team,
    )
    if rng.random() < 0.4:
        open_sql = bad()
        yield g.sql_instance(
            f"{name}-pg",
            region,
            project.vpc,
            public_ip=open_sql,
            authorized=["0.0.0.0/0"] if open_sql else [],
            ssl_mode="ALLOW_UNENCRYPTED_AND_ENCRYPTED" if bad() else "ENCRYPTED_ONLY",
            regional=g.env == "prod",
            team=team,
        )
    if rng.random() < 0.5:
        yield g.run_service(f"{name}-api", region, sa)
    if rng.random() < 0.3:
        yield g.dataset(
            name.replace("-", "_"), region, key=project.key if rng.random() < 0.5 else None
        )
    if rng.random() < 0.4:
        yield g.secret(f"{name}-db-password", rotation_days=None if bad() else 90)
    if k % 8 == 0:
        yield g.dns_zone(
            f"{name}-zone", f"{name}.{g.env}.northwind.example.", public=True, dnssec=not bad()
        )
    for day in range(1, rng.randint(1, 8)):
        yield g.snapshot(f"{name}-daily-{day}", rng.uniform(5, 80), day)
    if rng.random() < 0.3:
        yield g.snapshot(
            f"{name}-boot-{k}",
            rng.uniform(5, 80),
            rng.randint(700, 1000) if bad() else rng.randint(1, 30),
        )
