"""GCP mappers: firewalls, networks, instances, buckets, SQL, KMS, GKE, projects, BigQuery, DNS.

IAM members, bindings and policies of buckets, keys and projects fold into their
parent's `iam_bindings`; `finish_public` then decides `is_public` from them with
`scanner.policy.gcp`, as the live collector does. An unknown member leaves it UNKNOWN.
"""

from __future__ import annotations

from typing import Any

from scanner.collectors.secrets import scan_text
from scanner.collectors.terraform.builder import (
    Builder,
    append_items,
    relation,
    relations_to,
)
from scanner.collectors.terraform.instances import Instance
from scanner.collectors.terraform.values import (
    INTERNET,
    REF_PREFIX,
    all_blocks,
    as_bool,
    as_int,
    created_default,
    first_block,
    is_known,
    json_document,
    list_of,
    value_of,
)
from scanner.model import UNKNOWN, Relation, Resource
from scanner.policy.gcp import is_public_member
from scanner.policy.network import cidr_is_internet

__all__ = [
    "bigquery_dataset",
    "compute_instance",
    "container_cluster",
    "crypto_key",
    "dns_zone",
    "finish_public",
    "firewall",
    "fold_iam_binding",
    "network",
    "project",
    "service_account",
    "sql_instance",
    "storage_bucket",
    "subnetwork",
]

_NETWORK = ("google_compute_network",)
_CLOUD_PLATFORM = {"cloud-platform", "https://www.googleapis.com/auth/cloud-platform"}
_DEFAULT_COMPUTE_SA = "-compute@developer.gserviceaccount.com"


# ---------------------------------------------------------------------- networks
def _gcp_ports(blocks: Any) -> Any:
    if not is_known(blocks):
        return UNKNOWN
    out: list[dict[str, Any]] = []
    for block in blocks or ():
        protocol = str(block.get("protocol", "all")).lower()
        ports = block.get("ports") or []
        if not is_known(ports):
            out.append({"protocol": protocol, "from_port": UNKNOWN, "to_port": UNKNOWN})
            continue
        if not ports:
            out.append({"protocol": protocol, "from_port": 0, "to_port": 65535})
        for port in ports:
            low, _, high = str(port).partition("-")
            out.append(
                {"protocol": protocol, "from_port": as_int(low), "to_port": as_int(high or low)}
            )
    return out


def firewall(b: Builder, inst: Instance) -> Resource:
    """google_compute_firewall -> gcp.compute.firewall (+ `allows_from -> internet`)."""
    v = inst.values
    allowed = _gcp_ports(v.get("allow"))
    disabled = as_bool(v.get("disabled"), False)
    ranges = list_of(v.get("source_ranges"))
    direction = v.get("direction") or "INGRESS"
    attrs = {
        "direction": direction,
        "disabled": disabled,
        "priority": as_int(v.get("priority"), 1000),
        "source_ranges": ranges,
        "target_tags": list_of(v.get("target_tags")),
        "target_service_accounts": list_of(v.get("target_service_accounts")),
        "allowed": allowed,
        "denied": _gcp_ports(v.get("deny")),
        "logging_enabled": bool(first_block(v, "log_config")),
    }
    relations = relations_to("in_network", b.link(inst, "network", _NETWORK, "gcp.compute.network"))
    if (
        disabled is False
        and direction == "INGRESS"
        and isinstance(allowed, list)
        and allowed
        and isinstance(ranges, list)
        and any(cidr_is_internet(r) for r in ranges)
    ):
        relations.append(relation("allows_from", INTERNET, **allowed[0]))
    return b.resource(
        inst,
        "gcp.compute.firewall",
        attrs,
        name=v.get("name"),
        relations=relations,
        region="global",
    )


def network(b: Builder, inst: Instance) -> Resource:
    """google_compute_network -> gcp.compute.network."""
    v = inst.values
    attrs = {
        "auto_create_subnetworks": as_bool(v.get("auto_create_subnetworks"), True),
        "routing_mode": v.get("routing_mode") or "REGIONAL",
        "is_default": v.get("name") == "default",
    }
    return b.resource(inst, "gcp.compute.network", attrs, name=v.get("name"), region="global")


def subnetwork(b: Builder, inst: Instance) -> Resource:
    """google_compute_subnetwork -> gcp.compute.subnetwork."""
    v = inst.values
    attrs = {
        "ip_cidr_range": v.get("ip_cidr_range"),
        "private_google_access": as_bool(v.get("private_ip_google_access"), False),
        "flow_logs_enabled": bool(first_block(v, "log_config")),
    }
    relations = relations_to("in_network", b.link(inst, "network", _NETWORK, "gcp.compute.network"))
    return b.resource(
        inst, "gcp.compute.subnetwork", attrs, name=v.get("name"), relations=relations
    )


# ---------------------------------------------------------------------- compute instances
def _metadata_flag(metadata: Any, key: str) -> Any:
    if not is_known(metadata):
        return UNKNOWN
    value = (metadata or {}).get(key)
    if value is None:
        return None
    return str(value).lower() in ("true", "1", "yes")


def _public_ip(interfaces: Any) -> Any:
    """The first external address of the network interfaces: an IP, UNKNOWN or None."""
    if not is_known(interfaces):
        return UNKNOWN
    for nic in interfaces:
        access = all_blocks(nic, "access_config") if isinstance(nic, dict) else []
        if not is_known(access):
            return UNKNOWN
        if access:
            nat_ip = access[0].get("nat_ip") if isinstance(access[0], dict) else None
            return nat_ip if isinstance(nat_ip, str) and nat_ip else UNKNOWN
    return None


def _service_accounts(accounts: Any) -> tuple[Any, Any, Any]:
    """(service accounts, uses the default compute account, has full API access)."""
    if not is_known(accounts):
        return UNKNOWN, UNKNOWN, UNKNOWN
    service_accounts = [
        {"email": a.get("email") or None, "scopes": list_of(a.get("scopes"))}
        for a in accounts
        if isinstance(a, dict)
    ]
    uses_default = any(
        a["email"] is None
        or (isinstance(a["email"], str) and a["email"].endswith(_DEFAULT_COMPUTE_SA))
        for a in service_accounts
    )
    full_api = any(
        isinstance(a["scopes"], list) and bool(set(a["scopes"]) & _CLOUD_PLATFORM)
        for a in service_accounts
    )
    return service_accounts, uses_default, full_api


def _startup_secrets(values: Any, metadata: Any) -> Any:
    startup = values.get("metadata_startup_script")
    if isinstance(metadata, dict) and isinstance(metadata.get("startup-script"), str):
        startup = metadata.get("startup-script")
    if isinstance(startup, str) and is_known(startup):
        return scan_text(startup, "metadata:startup-script")
    return []


def _shielded_vm(shielded: Any) -> Any:
    if not is_known(shielded):
        return UNKNOWN
    return {
        "secure_boot": value_of(shielded, "enable_secure_boot", False),
        "vtpm": value_of(shielded, "enable_vtpm", True),
        "integrity_monitoring": value_of(shielded, "enable_integrity_monitoring", True),
    }


def _nic_relations(b: Builder, inst: Instance, interfaces: Any) -> list[Relation]:
    relations: list[Relation] = []
    if not isinstance(interfaces, list):
        return relations
    for nic in interfaces:
        if not isinstance(nic, dict):
            continue
        relations += relations_to(
            "in_network", b.link_nested(inst, nic, "network", _NETWORK, "gcp.compute.network")
        )
        relations += relations_to(
            "in_subnet",
            b.link_nested(
                inst,
                nic,
                "subnetwork",
                ("google_compute_subnetwork",),
                "gcp.compute.subnetwork",
            ),
        )
    return relations


def compute_instance(b: Builder, inst: Instance) -> Resource:
    """google_compute_instance -> gcp.compute.instance."""
    v = inst.values
    interfaces = all_blocks(v, "network_interface")
    service_accounts, uses_default, full_api = _service_accounts(all_blocks(v, "service_account"))
    metadata = v.get("metadata") or {}
    attrs = {
        "machine_type": v.get("machine_type"),
        "status": v.get("desired_status") or "RUNNING",
        "zone": v.get("zone"),
        "public_ip": _public_ip(interfaces),
        "network_tags": list_of(v.get("tags")),
        "service_accounts": service_accounts,
        "uses_default_service_account": uses_default,
        "has_full_api_access": full_api,
        "block_project_ssh_keys": _metadata_flag(metadata, "block-project-ssh-keys") or False,
        "os_login_enabled": _metadata_flag(metadata, "enable-oslogin"),
        "serial_port_enabled": _metadata_flag(metadata, "serial-port-enable") or False,
        "can_ip_forward": as_bool(v.get("can_ip_forward"), False),
        "shielded_vm": _shielded_vm(first_block(v, "shielded_instance_config")),
        "confidential_compute": bool(first_block(v, "confidential_instance_config")),
        "is_gke_node": False,
        "secrets": _startup_secrets(v, metadata),
        "created_at": None,
    }
    return b.resource(
        inst,
        "gcp.compute.instance",
        attrs,
        name=v.get("name"),
        relations=_nic_relations(b, inst, interfaces),
    )


# ---------------------------------------------------------------------- IAM on resources
def _bindings(inst: Instance) -> list[Any]:
    """`{role, members}` per binding; a policy not known before apply is one UNKNOWN."""
    v = inst.values
    if inst.tf_type.endswith("_iam_policy"):
        doc = json_document(v.get("policy_data"))
        if not is_known(doc):  # e.g. members that name a service account being created
            return [UNKNOWN]
        out: list[Any] = []
        for binding in (doc or {}).get("bindings") or ():
            out.append({"role": binding.get("role"), "members": list(binding.get("members") or ())})
        return out
    if inst.tf_type.endswith("_iam_member"):
        members = [v.get("member")]
    else:
        members = list_of(v.get("members"))
    return [{"role": v.get("role"), "members": members if isinstance(members, list) else [UNKNOWN]}]


def fold_iam_binding(b: Builder, inst: Instance, parent: Resource) -> None:
    """google_*_iam_{member,binding,policy} -> the parent's `iam_bindings`, `iam_binding`s."""
    bindings = _bindings(inst)
    append_items(parent, "iam_bindings", bindings)
    for binding in bindings:
        if not isinstance(binding, dict):
            continue
        for member in binding["members"]:
            if isinstance(member, str) and is_known(member):
                parent.relations.append(
                    relation("iam_binding", f"principal:gcp:{member}", role=binding["role"])
                )


def finish_public(b: Builder, resource: Resource, partial: bool) -> None:
    """`is_public` from the folded bindings: a public member, an unknown one, or neither.

    A partial resource (outside the plan) with only known, private members in the plan
    keeps UNKNOWN: its other bindings are not in the plan.
    """
    bindings = resource.attributes.get("iam_bindings")
    if not isinstance(bindings, list):
        return
    members = [
        m for binding in bindings if isinstance(binding, dict) for m in binding.get("members") or ()
    ]
    if any(is_public_member(m) for m in members):
        resource.attributes["is_public"] = True
    elif any(not is_known(m) for m in members) or any(not is_known(x) for x in bindings):
        resource.attributes["is_public"] = UNKNOWN
    elif not partial:
        resource.attributes["is_public"] = False


# ---------------------------------------------------------------------- storage and data
def _retention_days(retention: Any) -> Any:
    if not is_known(retention):
        return UNKNOWN
    period = retention.get("retention_period") if retention else None
    if isinstance(period, int | str) and str(period).isdigit():
        return round(int(period) / 86400)
    return None


def storage_bucket(b: Builder, inst: Instance) -> Resource:
    """google_storage_bucket -> gcp.storage.bucket."""
    v = inst.values
    versioning = first_block(v, "versioning")
    location = v.get("location")
    attrs = {
        "location": location,
        "uniform_bucket_level_access": as_bool(v.get("uniform_bucket_level_access"), False),
        "public_access_prevention": created_default(
            inst, v.get("public_access_prevention"), "inherited"
        ),
        "versioning_enabled": UNKNOWN
        if not is_known(versioning)
        else bool(versioning and versioning.get("enabled")),
        "retention_period_days": _retention_days(first_block(v, "retention_policy")),
        "logging_bucket": value_of(first_block(v, "logging"), "log_bucket"),
        "kms_key_name": value_of(first_block(v, "encryption"), "default_kms_key_name"),
        "iam_bindings": [] if inst.is_create else [UNKNOWN],
        "is_public": False if inst.is_create else UNKNOWN,
    }
    region = str(location or "global").lower() if is_known(location) else "global"
    return b.resource(inst, "gcp.storage.bucket", attrs, name=v.get("name"), region=region)


def _sql_ip_configuration(ip: Any) -> tuple[Any, Any, Any]:
    """(public IP enabled, authorized networks, SSL mode) of `settings.ip_configuration`."""
    if not is_known(ip):
        return UNKNOWN, UNKNOWN, UNKNOWN
    ip = ip or {}
    authorized = all_blocks(ip, "authorized_networks")
    networks = (
        [n.get("value") for n in authorized if isinstance(n, dict)]
        if isinstance(authorized, list)
        else UNKNOWN
    )
    ssl_mode = ip.get("ssl_mode") or (
        "ENCRYPTED_ONLY" if ip.get("require_ssl") is True else "ALLOW_UNENCRYPTED_AND_ENCRYPTED"
    )
    return as_bool(ip.get("ipv4_enabled"), True), networks, ssl_mode


def sql_instance(b: Builder, inst: Instance) -> Resource:
    """google_sql_database_instance -> gcp.sql.instance."""
    v = inst.values
    settings = first_block(v, "settings")
    ip: Any = first_block(settings, "ip_configuration")
    backup: Any = first_block(settings, "backup_configuration")
    flags = all_blocks(settings, "database_flags") if isinstance(settings, dict) else UNKNOWN
    public, networks, ssl_mode = _sql_ip_configuration(ip)
    attrs = {
        "database_version": v.get("database_version"),
        "public_ip_enabled": public,
        "authorized_networks": networks,
        "ssl_mode": ssl_mode,
        "backup_enabled": UNKNOWN
        if not is_known(backup)
        else bool(backup and backup.get("enabled")),
        "pitr_enabled": UNKNOWN
        if not is_known(backup)
        else bool(backup and backup.get("point_in_time_recovery_enabled")),
        "availability_type": value_of(settings, "availability_type", "ZONAL"),
        "database_flags": {f.get("name"): f.get("value") for f in flags if isinstance(f, dict)}
        if isinstance(flags, list)
        else UNKNOWN,
        "deletion_protection": as_bool(v.get("deletion_protection"), True),
        "tier": value_of(settings, "tier"),
        # the provider's defaults: disk_autoresize on, no autoresize limit (0)
        "disk_size_gb": as_int(value_of(settings, "disk_size")),
        "storage_auto_resize": as_bool(value_of(settings, "disk_autoresize"), True),
        "storage_auto_resize_limit_gb": as_int(value_of(settings, "disk_autoresize_limit"), 0),
    }
    relations: list[Relation] = []
    if isinstance(ip, dict) and isinstance(ip.get("private_network"), str):
        relations.append(
            relation("in_network", f"{REF_PREFIX}gcp.compute.network:{ip['private_network']}")
        )
    return b.resource(inst, "gcp.sql.instance", attrs, name=v.get("name"), relations=relations)


def _seconds_to_days(value: Any) -> Any:
    if not is_known(value):
        return UNKNOWN
    if not isinstance(value, str) or not value.endswith("s"):
        return None
    try:
        return round(float(value[:-1]) / 86400)
    except ValueError:
        return None


def crypto_key(b: Builder, inst: Instance) -> Resource:
    """google_kms_crypto_key -> gcp.kms.crypto_key."""
    v = inst.values
    attrs = {
        "purpose": v.get("purpose") or "ENCRYPT_DECRYPT",
        "rotation_period_days": _seconds_to_days(v.get("rotation_period")),
        "iam_bindings": [] if inst.is_create else [UNKNOWN],
        "is_public": False if inst.is_create else UNKNOWN,
    }
    return b.resource(inst, "gcp.kms.crypto_key", attrs, name=v.get("name"))


def container_cluster(b: Builder, inst: Instance) -> Resource:
    """google_container_cluster -> gcp.container.cluster."""
    v = inst.values
    private = first_block(v, "private_cluster_config")
    policy = first_block(v, "network_policy")
    attrs = {
        "private_nodes": UNKNOWN
        if not is_known(private)
        else bool(private and private.get("enable_private_nodes")),
        "master_authorized_networks_enabled": bool(
            first_block(v, "master_authorized_networks_config")
        ),
        "legacy_abac_enabled": as_bool(v.get("enable_legacy_abac"), False),
        "network_policy_enabled": UNKNOWN
        if not is_known(policy)
        else bool(policy and policy.get("enabled")),
        "workload_identity_enabled": bool(first_block(v, "workload_identity_config")),
        "shielded_nodes_enabled": as_bool(v.get("enable_shielded_nodes"), True),
        "release_channel": value_of(first_block(v, "release_channel"), "channel"),
    }
    relations = relations_to("in_network", b.link(inst, "network", _NETWORK, "gcp.compute.network"))
    return b.resource(inst, "gcp.container.cluster", attrs, name=v.get("name"), relations=relations)


def project(b: Builder, inst: Instance) -> Resource:
    """google_project -> gcp.resourcemanager.project."""
    v = inst.values
    attrs = {
        "project_number": v.get("number"),
        "lifecycle_state": "ACTIVE",
        "iam_bindings": [] if inst.is_create else [UNKNOWN],
        "audit_configs": [] if inst.is_create else [UNKNOWN],
        "os_login_enabled": False if inst.is_create else UNKNOWN,
    }
    resource = b.resource(
        inst, "gcp.resourcemanager.project", attrs, name=v.get("project_id"), region="global"
    )
    if isinstance(v.get("project_id"), str):
        resource.account = v["project_id"]
    return resource


def service_account(b: Builder, inst: Instance) -> Resource:
    """google_service_account -> gcp.iam.service_account."""
    v = inst.values
    attrs = {
        "email": v.get("email", UNKNOWN),
        "disabled": as_bool(v.get("disabled"), False),
        "is_default_compute": False,
        "project_roles": UNKNOWN,
    }
    return b.resource(
        inst, "gcp.iam.service_account", attrs, name=v.get("account_id"), region="global"
    )


def bigquery_dataset(b: Builder, inst: Instance) -> Resource:
    """google_bigquery_dataset -> gcp.bigquery.dataset; public when an access entry names
    allUsers or allAuthenticatedUsers."""
    v = inst.values
    access = all_blocks(v, "access")
    public: Any = UNKNOWN
    if isinstance(access, list):
        public = any(
            isinstance(a, dict)
            and (is_public_member(a.get("special_group")) or is_public_member(a.get("iam_member")))
            for a in access
        )
    elif inst.is_create:
        public = False
    encryption = first_block(v, "default_encryption_configuration")
    attrs = {"kms_key_name": value_of(encryption, "kms_key_name"), "is_public": public}
    return b.resource(inst, "gcp.bigquery.dataset", attrs, name=v.get("dataset_id"))


def dns_zone(b: Builder, inst: Instance) -> Resource:
    """google_dns_managed_zone -> gcp.dns.managed_zone."""
    v = inst.values
    dnssec = first_block(v, "dnssec_config")
    specs = all_blocks(dnssec, "default_key_specs") if isinstance(dnssec, dict) else []
    attrs = {
        "visibility": v.get("visibility") or "public",
        "dnssec_state": value_of(dnssec, "state", "off") if is_known(dnssec) else UNKNOWN,
        "dnssec_key_algorithms": [s.get("algorithm") for s in specs if isinstance(s, dict)]
        if isinstance(specs, list)
        else UNKNOWN,
    }
    return b.resource(inst, "gcp.dns.managed_zone", attrs, name=v.get("name"), region="global")
