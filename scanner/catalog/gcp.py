"""The GCP resource types of the catalog (`scanner.catalog.TYPES` holds them with AWS's)."""

from __future__ import annotations

from scanner.catalog.resource_type import QUOTA_ATTRIBUTES, USAGE, ResourceType

__all__ = ["GCP_TYPES"]

# Shared descriptions of the GCP IAM attributes (see the note at the top of GCP_TYPES).
_EFFECTIVE = (
    "its own bindings and those inherited from the project, folders and organization:"
    " list of {role, members, condition, inherited_from}"
)
_AUDIT = "list of {service, log_types, exempted_members} set on this node"
_EFFECTIVE_AUDIT = (
    "log types per service turned on here or on any ancestor: list of {service, log_types}"
)
_ORG_POLICIES = (
    "organization policies set on this node: list of {constraint, enforced (boolean"
    " constraints, else null), all_values, allowed_values, denied_values, restore_default}"
)

GCP_TYPES: dict[str, ResourceType] = {
    # ----------------------------------------------------------------- GCP hierarchy
    # GCP IAM (every type below with iam_bindings): `iam_bindings` is the policy set on the
    # resource itself, a list of {role, members, condition} (condition: {title, expression}
    # or null); each (role, member) is also an `iam_binding` relation to
    # `principal:gcp:<member>`. `effective_iam_bindings` adds the bindings inherited from
    # the project, folders and organisation above it (and, for a crypto key, its key
    # ring), each with `inherited_from`: the id of the resource the binding is set on
    # (null for its own). Other resources inherit their project's effective bindings.
    "gcp.resourcemanager.organization": ResourceType(
        "A GCP organization.",
        {
            "display_name": "organization domain",
            "iam_bindings": "list of {role, members}",
            "directory_customer_id": "Google Workspace / Cloud Identity customer id",
            "lifecycle_state": "ACTIVE, DELETE_REQUESTED, ...",
            "created_at": "creation time",
            "effective_iam_bindings": _EFFECTIVE,
            "audit_configs": _AUDIT,
            "effective_audit_configs": _EFFECTIVE_AUDIT,
            "org_policies": _ORG_POLICIES,
            "essential_contacts": "Essential Contacts set on the organization"
            " (essentialcontacts organizations.contacts.list): list of {email,"
            " notification_categories (ALL, SECURITY, TECHNICAL, TECHNICAL_INCIDENTS, LEGAL,"
            " SUSPENSION, BILLING, PRODUCT_UPDATES)}; null when not collected",
        },
        {"iam_binding": "principal"},
    ),
    "gcp.resourcemanager.folder": ResourceType(
        "A GCP folder.",
        {
            "display_name": "folder name",
            "iam_bindings": "list of {role, members}",
            "lifecycle_state": "ACTIVE, DELETE_REQUESTED, ...",
            "created_at": "creation time",
            "effective_iam_bindings": _EFFECTIVE,
            "audit_configs": _AUDIT,
            "effective_audit_configs": _EFFECTIVE_AUDIT,
            "org_policies": _ORG_POLICIES,
        },
        {"member_of": "parent folder / organization", "iam_binding": "principal"},
    ),
    "gcp.resourcemanager.project": ResourceType(
        "A GCP project with its IAM policy and audit configuration.",
        {
            "project_number": "numeric project number",
            "lifecycle_state": "ACTIVE, DELETE_REQUESTED, ...",
            "iam_bindings": "list of {role, members, condition}",
            "audit_configs": "list of {service, log_types} (DATA_READ, DATA_WRITE, ADMIN_READ)"
            " set on the project itself, with exempted_members",
            "os_login_enabled": "project metadata enable-oslogin is TRUE; null when the compute"
            " project metadata was not collected",
            "project_id": "project id (also the resource's account)",
            "display_name": "project display name",
            "created_at": "creation time",
            "default_service_account": "the Compute Engine default service account's e-mail",
            "effective_iam_bindings": _EFFECTIVE,
            "effective_audit_configs": _EFFECTIVE_AUDIT,
            "org_policies": _ORG_POLICIES,
            "enabled_services": "names of the services enabled on the project (Service Usage"
            " services.list with filter state:ENABLED, e.g. cloudasset.googleapis.com); null"
            " when not collected",
            "access_approval_enabled": "Access Approval is on for the project, set on it or"
            " inherited (accessapproval projects.getAccessApprovalSettings: enrolledServices"
            " not empty); null when not collected",
        },
        {"member_of": "gcp.resourcemanager.folder / organization", "iam_binding": "principal"},
    ),
    # ----------------------------------------------------------------- GCP network/compute
    "gcp.compute.network": ResourceType(
        "A VPC network.",
        {
            "auto_create_subnetworks": "auto-mode network (true), custom mode (false);"
            " null for a legacy network",
            "routing_mode": "REGIONAL or GLOBAL",
            "is_default": "named 'default'",
            "is_legacy": "a legacy (non-subnetted) network",
            "mtu": "maximum transmission unit",
            "subnetworks": "ids of its subnetworks",
            "peerings": "list of {name, network, state}",
            "created_at": "creation time",
        },
    ),
    "gcp.compute.subnetwork": ResourceType(
        "A VPC subnetwork.",
        {
            "ip_cidr_range": "primary range",
            "private_google_access": "Private Google Access enabled",
            "flow_logs_enabled": "VPC flow logs enabled",
            "secondary_ranges": "list of {name, ip_cidr_range}",
            "flow_logs_config": "object {aggregation_interval, flow_sampling, metadata}, or null",
            "purpose": "PRIVATE, REGIONAL_MANAGED_PROXY, PRIVATE_SERVICE_CONNECT, ...",
            "stack_type": "IPV4_ONLY or IPV4_IPV6",
            "created_at": "creation time",
        },
        {"in_network": "gcp.compute.network"},
    ),
    "gcp.compute.firewall": ResourceType(
        "A VPC firewall rule. Allowed ports are flattened to ranges.",
        {
            "direction": "INGRESS or EGRESS",
            "disabled": "the rule is disabled",
            "priority": "0-65535, lower wins",
            "source_ranges": "list of CIDRs (an ingress rule with no source at all applies to"
            " 0.0.0.0/0, and says so here)",
            "target_tags": "list of network tags (empty = all instances)",
            "target_service_accounts": "list of service account emails",
            "allowed": "list of {protocol ('all', 'tcp', ...), from_port, to_port}; ports null"
            " when the entry names no ports (all ports)",
            "denied": "list in the same shape as allowed",
            "logging_enabled": "firewall rules logging enabled",
            "destination_ranges": "list of CIDRs (egress rules)",
            "source_tags": "list of network tags the rule admits traffic from",
            "source_service_accounts": "list of service account emails it admits traffic from",
            "created_at": "creation time",
        },
        {
            "in_network": "gcp.compute.network",
            "allows_from": "internet (one edge per allowed entry, when enabled, ingress and a"
            " source range is /0-/7 or IPv6 /0-/15)",
        },
    ),
    "gcp.compute.instance": ResourceType(
        "A Compute Engine VM instance.",
        {
            "machine_type": "e.g. e2-standard-4",
            "status": "RUNNING, TERMINATED, ...",
            "zone": "zone name",
            "public_ip": "first external IPv4 address, or null",
            "network_tags": "list of network tags",
            "service_accounts": "list of {email, scopes}",
            "uses_default_service_account": "runs as the Compute Engine default SA",
            "has_full_api_access": "a service account has the cloud-platform scope",
            "block_project_ssh_keys": "metadata block-project-ssh-keys is true",
            "os_login_enabled": "metadata enable-oslogin true, or null (inherits project)",
            "serial_port_enabled": "metadata serial-port-enable is true",
            "can_ip_forward": "IP forwarding enabled",
            "shielded_vm": "object {secure_boot, vtpm, integrity_monitoring}",
            "confidential_compute": "Confidential VM enabled",
            "is_gke_node": "created by GKE for a node pool",
            "secrets": "secret-looking metadata / startup-script values: list of {location,"
            " kind, masked}",
            "created_at": "creation time",
            "external_ips": "every external IPv4 address of its interfaces",
            "private_ip": "first internal IPv4 address",
            "deletion_protection": "deletion protection enabled",
            "metadata_keys": "names of its custom metadata keys (values are never stored)",
            "last_started_at": "last start time, or null",
            "last_stopped_at": "last stop time, or null",
            "usage": USAGE,
        },
        {
            "in_subnet": "gcp.compute.subnetwork",
            "in_network": "gcp.compute.network",
            "runs_as": "gcp.iam.service_account (or principal:gcp:serviceAccount:EMAIL when the"
            " account was not collected)",
        },
    ),
    "gcp.compute.disk": ResourceType(
        "A persistent disk.",
        {
            "size_gb": "size in GB",
            "disk_type": "pd-standard, pd-balanced, pd-ssd, ...",
            "is_attached": "attached to at least one instance",
            "kms_key_name": "CMEK key, or null (Google-managed)",
            "created_at": "creation time",
            "last_detached_at": "last detach time, or null",
            "users": "ids of the instances using it",
            "zone": "zone name, or null for a regional disk",
            "source_image": "image it was created from, or null",
            "status": "READY, ...",
            "last_attached_at": "last attach time, or null",
            "csek_encrypted": "encrypted with a customer-supplied key (CSEK):"
            " diskEncryptionKey.sha256 or rsaEncryptedKey is set; false for Google-managed and"
            " CMEK (kmsKeyName) disks",
        },
        {"attached_to": "gcp.compute.instance", "encrypted_by": "gcp.kms.crypto_key"},
    ),
    "gcp.compute.address": ResourceType(
        "A reserved IP address (regional or global).",
        {
            "address": "the IP",
            "address_type": "EXTERNAL or INTERNAL",
            "status": "RESERVED (idle) or IN_USE",
            "purpose": "GCE_ENDPOINT, VPC_PEERING, PRIVATE_SERVICE_CONNECT, ..., or null",
            "network_tier": "PREMIUM or STANDARD",
            "users": "ids of the resources using it",
            "created_at": "creation time",
        },
        {"attached_to": "instance or forwarding rule using it"},
    ),
    "gcp.compute.snapshot": ResourceType(
        "A disk snapshot.",
        {
            "storage_gb": "storage bytes / 1e9",
            "created_at": "creation time",
            "disk_size_gb": "size of the source disk in GB",
            "source_disk": "id of the source disk",
            "status": "READY, ...",
            "auto_created": "made by a snapshot schedule",
            "kms_key_name": "CMEK key, or null",
            "storage_locations": "list of locations",
        },
        {"encrypted_by": "gcp.kms.crypto_key"},
    ),
    "gcp.compute.forwarding_rule": ResourceType(
        "A load balancer frontend (regional or global forwarding rule).",
        {
            "ip_address": "the frontend address",
            "ip_protocol": "TCP, UDP, ...",
            "port_range": "e.g. 443-443, or null",
            "ports": "list of ports, or empty",
            "all_ports": "forwards every port",
            "load_balancing_scheme": "EXTERNAL, EXTERNAL_MANAGED, INTERNAL, ...",
            "is_external": "the scheme is EXTERNAL or EXTERNAL_MANAGED",
            "network_tier": "PREMIUM or STANDARD",
            "target": "id of its target proxy / pool, or null",
            "backend_service": "id of its backend service, or null",
            "created_at": "creation time",
        },
        {
            "routes_to": "target proxy / pool / backend service",
            "in_network": "gcp.compute.network (internal schemes)",
            "in_subnet": "gcp.compute.subnetwork (internal schemes)",
        },
    ),
    "gcp.compute.backend_service": ResourceType(
        "A load balancer backend service.",
        {
            "load_balancing_scheme": "EXTERNAL, EXTERNAL_MANAGED, INTERNAL, ...",
            "protocol": "HTTP, HTTPS, TCP, ...",
            "logging_enabled": "request logging enabled",
            "security_policy": "Cloud Armor policy, or null",
            "port_name": "named port",
            "timeout_sec": "backend timeout in seconds",
            "log_sample_rate": "sampled fraction of requests logged, or null",
            "enable_cdn": "Cloud CDN enabled",
            "backends": "ids of its instance groups / NEGs",
            "created_at": "creation time",
        },
        {"routes_to": "instance group members"},
    ),
    # ----------------------------------------------------------------- GCP data
    "gcp.storage.bucket": ResourceType(
        "A Cloud Storage bucket.",
        {
            "location": "bucket location",
            "uniform_bucket_level_access": "uniform bucket-level access enabled",
            "public_access_prevention": "enforced, inherited or null",
            "versioning_enabled": "object versioning enabled",
            "retention_period_days": "retention policy in days, or null",
            "logging_bucket": "access log bucket, or null",
            "kms_key_name": "default CMEK key, or null",
            "iam_bindings": "list of {role, members}",
            "is_public": "allUsers or allAuthenticatedUsers hold a role on it (its own IAM"
            " policy, or its ACL without uniform access), unless public access prevention"
            " is enforced",
            "location_type": "region, dual-region or multi-region",
            "storage_class": "STANDARD, NEARLINE, ...",
            "retention_policy_locked": "the retention policy is locked",
            "soft_delete_retention_days": "soft delete retention in days, or null",
            "lifecycle_rule_count": "number of lifecycle rules",
            "effective_iam_bindings": _EFFECTIVE,
            "public_grants": "list of {member, role, via (iam|acl)} for allUsers /"
            " allAuthenticatedUsers",
            "created_at": "creation time",
        },
        {"iam_binding": "principal", "encrypted_by": "gcp.kms.crypto_key"},
    ),
    "gcp.sql.instance": ResourceType(
        "A Cloud SQL instance.",
        {
            "database_version": "e.g. POSTGRES_15, MYSQL_8_0",
            "public_ip_enabled": "has a public IPv4 address",
            "authorized_networks": "list of CIDRs allowed to connect",
            "ssl_mode": "ALLOW_UNENCRYPTED_AND_ENCRYPTED, ENCRYPTED_ONLY,"
            " TRUSTED_CLIENT_CERTIFICATE_REQUIRED (from requireSsl when sslMode is unset)",
            "backup_enabled": "automated backups enabled",
            "pitr_enabled": "point-in-time recovery enabled",
            "availability_type": "ZONAL or REGIONAL",
            "database_flags": "object flag name -> value",
            "deletion_protection": "deletion protection enabled",
            "tier": "machine tier",
            "state": "RUNNABLE, SUSPENDED, ...",
            "instance_type": "CLOUD_SQL_INSTANCE, READ_REPLICA_INSTANCE, ...",
            "public_ip_address": "the public (PRIMARY) address, or null",
            "ip_addresses": "list of {type (PRIMARY|PRIVATE|OUTGOING), address}",
            "require_ssl": "the legacy requireSsl setting",
            "private_network": "id of the VPC network of its private IP, or null",
            "kms_key_name": "CMEK key, or null",
            "created_at": "creation time",
            "disk_size_gb": "provisioned data disk size in GB",
            "storage_auto_resize": "the disk grows automatically when nearly full",
            "storage_auto_resize_limit_gb": "the most the disk may grow to in GB (0 = no"
            " limit), or null",
            "usage": USAGE,
        },
        {"in_network": "gcp.compute.network", "encrypted_by": "gcp.kms.crypto_key"},
    ),
    "gcp.bigquery.dataset": ResourceType(
        "A BigQuery dataset.",
        {
            "kms_key_name": "default CMEK key, or null",
            "is_public": "allUsers or allAuthenticatedUsers have access",
            "location": "dataset location",
            "access": "access list as {role, member} (member e.g. userByEmail:a@x,"
            " specialGroup:allAuthenticatedUsers, iamMember:allUsers; null for views)",
            "iam_bindings": "list of {role, members, condition}",
            "effective_iam_bindings": _EFFECTIVE,
            "default_table_expiration_days": "default table expiration in days, or null",
            "created_at": "creation time",
        },
        {"iam_binding": "principal", "encrypted_by": "gcp.kms.crypto_key"},
    ),
    "gcp.pubsub.topic": ResourceType(
        "A Pub/Sub topic.",
        {
            "kms_key_name": "CMEK key, or null",
            "message_retention_days": "message retention in days, or null",
            "allowed_persistence_regions": "regions messages may be stored in (empty = any)",
            "iam_bindings": "list of {role, members, condition}",
            "effective_iam_bindings": _EFFECTIVE,
            "is_public": "allUsers or allAuthenticatedUsers hold a role on it",
        },
        {"iam_binding": "principal", "encrypted_by": "gcp.kms.crypto_key"},
    ),
    # ----------------------------------------------------------------- GCP IAM, keys, logs
    "gcp.iam.service_account": ResourceType(
        "A service account.",
        {
            "email": "service account email",
            "disabled": "disabled",
            "is_default_compute": "the Compute Engine default service account",
            "project_roles": "roles it holds on its project: granted on the project or"
            " inherited from its folders and organization",
            "unique_id": "numeric unique id (the last part of the resource id)",
            "display_name": "display name",
            "description": "description",
            "project_role_bindings": "list of {role, inherited_from}: where each project role"
            " is granted",
            "iam_bindings": "who may act as it: list of {role, members, condition}",
            "effective_iam_bindings": _EFFECTIVE,
            "is_public": "allUsers or allAuthenticatedUsers hold a role on it",
        },
        {"iam_binding": "principal (who may act as it)"},
    ),
    "gcp.iam.service_account_key": ResourceType(
        "A service account key.",
        {
            "key_type": "USER_MANAGED or SYSTEM_MANAGED",
            "valid_after": "creation time",
            "disabled": "disabled",
            "valid_before": "expiry time",
            "key_origin": "GOOGLE_PROVIDED or USER_PROVIDED",
            "key_algorithm": "KEY_ALG_RSA_2048, ...",
            "service_account_email": "e-mail of the account the key belongs to",
        },
        {"key_of": "gcp.iam.service_account"},
    ),
    "gcp.kms.key_ring": ResourceType(
        "A Cloud KMS key ring; roles granted on it apply to every key in it.",
        {
            "location": "location",
            "created_at": "creation time",
            "iam_bindings": "list of {role, members, condition}",
            "effective_iam_bindings": _EFFECTIVE,
            "is_public": "allUsers or allAuthenticatedUsers hold a role on it",
        },
        {"iam_binding": "principal"},
    ),
    "gcp.kms.crypto_key": ResourceType(
        "A Cloud KMS key.",
        {
            "purpose": "ENCRYPT_DECRYPT, ASYMMETRIC_SIGN, ...",
            "rotation_period_days": "automatic rotation period in days, or null",
            "is_public": "allUsers or allAuthenticatedUsers hold a role on it or on its key ring",
            "next_rotation_at": "next automatic rotation, or null",
            "primary_state": "state of the primary version: ENABLED, DISABLED, ...",
            "protection_level": "SOFTWARE, HSM, EXTERNAL, ...",
            "algorithm": "e.g. GOOGLE_SYMMETRIC_ENCRYPTION",
            "key_ring": "id of its key ring",
            "import_only": "versions can only be imported",
            "created_at": "creation time",
            "iam_bindings": "list of {role, members, condition}",
            "effective_iam_bindings": _EFFECTIVE + " (including its key ring's)",
        },
        {"iam_binding": "principal"},
    ),
    "gcp.secretmanager.secret": ResourceType(
        "A Secret Manager secret (metadata only).",
        {
            "rotation_period_days": "rotation period in days, or null",
            "created_at": "time",
            "replication": "automatic or user_managed",
            "kms_key_names": "CMEK keys of its replicas (empty = Google-managed)",
            "next_rotation_at": "next rotation notification, or null",
            "expire_at": "expiry time, or null",
            "iam_bindings": "list of {role, members, condition}",
            "effective_iam_bindings": _EFFECTIVE,
            "is_public": "allUsers or allAuthenticatedUsers hold a role on it",
        },
        {"iam_binding": "principal", "encrypted_by": "gcp.kms.crypto_key"},
    ),
    "gcp.logging.sink": ResourceType(
        "A log sink.",
        {
            "destination": "sink destination",
            "filter": "log filter ('' = all logs)",
            "is_default": "one of the built-in _Default / _Required sinks",
            "disabled": "the sink is disabled",
            "include_children": "an organization / folder sink that exports its children's logs",
            "writer_identity": "the identity that writes to the destination",
            "exclusion_count": "number of exclusion filters",
            "scope": "where the sink is defined: projects/P, folders/N or organizations/N",
            "created_at": "creation time",
        },
        {"logs_to": "destination bucket / dataset / topic / log bucket"},
    ),
    "gcp.dns.managed_zone": ResourceType(
        "A Cloud DNS managed zone. Enums are lower case without underscores, whichever"
        " spelling the source used (CAI writes ON / RSASHA1, the DNS API on / rsasha1).",
        {
            "visibility": "public or private",
            "dnssec_state": "on, off, transfer or null",
            "dnssec_key_algorithms": "list of algorithms of the DNSSEC signing keys",
            "dns_name": "DNS name, e.g. example.com.",
            "description": "description",
            "dnssec_key_specs": "list of {key_type (keysigning|zonesigning), algorithm,"
            " key_length}",
            "logging_enabled": "Cloud DNS query logging enabled",
            "networks": "ids of the VPC networks a private zone is visible to",
            "created_at": "creation time",
        },
        {"in_network": "gcp.compute.network (private zones)"},
    ),
    "gcp.dns.policy": ResourceType(
        "A Cloud DNS server policy, bound to VPC networks.",
        {
            "logging_enabled": "DNS query logging enabled for its networks",
            "inbound_forwarding_enabled": "inbound DNS forwarding enabled",
            "networks": "ids of the VPC networks it applies to",
            "description": "description",
        },
        {"in_network": "gcp.compute.network"},
    ),
    "gcp.container.cluster": ResourceType(
        "A GKE cluster.",
        {
            "private_nodes": "nodes have no public IPs",
            "master_authorized_networks_enabled": "control-plane authorized networks on",
            "legacy_abac_enabled": "legacy ABAC on",
            "network_policy_enabled": "network policy enforcement on (or GKE Dataplane V2)",
            "workload_identity_enabled": "Workload Identity configured",
            "shielded_nodes_enabled": "Shielded GKE nodes on",
            "release_channel": "RAPID, REGULAR, STABLE or null",
            "location": "region or zone",
            "status": "RUNNING, ...",
            "current_master_version": "control plane version",
            "endpoint": "control plane address",
            "private_endpoint": "the control plane has no public endpoint",
            "master_authorized_networks": "CIDRs allowed to reach the control plane",
            "logging_service": "e.g. logging.googleapis.com/kubernetes, or none",
            "monitoring_service": "e.g. monitoring.googleapis.com/kubernetes, or none",
            "database_encryption_key": "KMS key encrypting Kubernetes secrets, or null",
            "node_pool_count": "number of node pools",
            "created_at": "creation time",
        },
        {
            "in_network": "gcp.compute.network",
            "in_subnet": "gcp.compute.subnetwork",
            "encrypted_by": "gcp.kms.crypto_key (application-layer secrets encryption)",
        },
    ),
    "gcp.container.node_pool": ResourceType(
        "A GKE node pool.",
        {
            "cluster": "id of its cluster",
            "machine_type": "e.g. e2-standard-4",
            "image_type": "COS_CONTAINERD, UBUNTU_CONTAINERD, ...",
            "disk_size_gb": "boot disk size in GB",
            "service_account": "the nodes' service account e-mail",
            "uses_default_service_account": "nodes run as the Compute Engine default SA",
            "oauth_scopes": "the nodes' access scopes",
            "has_full_api_access": "the nodes have the cloud-platform scope",
            "node_count": "initial node count",
            "autoscaling_enabled": "cluster autoscaler on",
            "min_node_count": "autoscaling minimum, or null",
            "max_node_count": "autoscaling maximum, or null",
            "auto_upgrade": "node auto-upgrade on",
            "auto_repair": "node auto-repair on",
            "secure_boot": "Shielded VM secure boot on, or null when not set",
            "integrity_monitoring": "Shielded VM integrity monitoring on, or null when not set",
            "workload_metadata_mode": "GKE_METADATA (Workload Identity) or GCE_METADATA",
            "version": "node version",
            "status": "RUNNING, ...",
            "zone_count": "zones the pool runs in (autoscaling limits are per zone)",
            "instance_groups": "ids of the managed instance groups of its nodes, one per zone",
            "usage": USAGE,
        },
        {"in_cluster": "gcp.container.cluster", "runs_as": "gcp.iam.service_account"},
    ),
    "gcp.run.service": ResourceType(
        "A Cloud Run service.",
        {
            "ingress": "all, internal, internal-and-cloud-load-balancing",
            "is_public": "allUsers may invoke it",
            "secrets": "secret-looking env values: list of {location, kind, masked}",
            "url": "service URL",
            "service_account": "the e-mail it runs as",
            "images": "container images",
            "environment_keys": "names of plain environment variables (values are never stored)",
            "iam_bindings": "list of {role, members, condition}",
            "effective_iam_bindings": _EFFECTIVE,
            "created_at": "creation time",
            "max_instances": "the most instances the service may scale to, or null (default)",
            "min_instances": "instances kept warm, or null",
            "usage": USAGE,
        },
        {"runs_as": "gcp.iam.service_account", "iam_binding": "principal"},
    ),
    "gcp.cloudfunctions.function": ResourceType(
        "A Cloud Function (1st or 2nd gen).",
        {
            "runtime": "e.g. python312",
            "ingress": "ALLOW_ALL, ALLOW_INTERNAL_ONLY, ...",
            "is_public": "allUsers may invoke it",
            "secrets": "secret-looking env values: list of {location, kind, masked}",
            "generation": "1 or 2",
            "url": "HTTPS trigger URL, or null",
            "https_security_level": "SECURE_ALWAYS or SECURE_OPTIONAL (1st gen), or null",
            "vpc_connector": "Serverless VPC connector, or null",
            "service_account": "the e-mail it runs as",
            "environment_keys": "names of runtime environment variables (values never stored)",
            "build_environment_keys": "names of build environment variables",
            "kms_key_name": "CMEK key, or null",
            "iam_bindings": "list of {role, members, condition}",
            "effective_iam_bindings": _EFFECTIVE,
            "updated_at": "last update time",
            "max_instances": "the most instances the function may scale to, or null (default)",
            "usage": USAGE,
        },
        {
            "runs_as": "gcp.iam.service_account",
            "iam_binding": "principal",
            "encrypted_by": "gcp.kms.crypto_key",
        },
    ),
    # ------------------------------------------------------------ GCP: added for rule packs
    "gcp.logging.metric": ResourceType(
        "A log-based metric (Logging API projects.metrics.list; CAI"
        " logging.googleapis.com/LogMetric). The resource name is the metric name.",
        {
            "filter": "the advanced logs filter that feeds the metric",
            "disabled": "the metric is disabled",
            "metric_type": "the Monitoring metric type it publishes:"
            " logging.googleapis.com/user/<metric name>",
            "description": "description",
        },
    ),
    "gcp.monitoring.alert_policy": ResourceType(
        "A Cloud Monitoring alert policy (Monitoring API projects.alertPolicies.list; CAI"
        " monitoring.googleapis.com/AlertPolicy).",
        {
            "display_name": "display name",
            "enabled": "the policy is enabled",
            "condition_filters": "the filter of each condition (conditionThreshold.filter,"
            " conditionAbsent.filter, ...), e.g."
            ' metric.type="logging.googleapis.com/user/owner-changes"',
            "notification_channels": "ids of the notification channels it notifies",
        },
    ),
    "gcp.apikeys.key": ResourceType(
        "An API key (API Keys API projects.locations.keys.list; CAI"
        " apikeys.googleapis.com/Key). Never holds the key string.",
        {
            "display_name": "display name",
            "created_at": "creation time (createTime)",
            "api_targets": "services the key is restricted to (restrictions.apiTargets[].service);"
            " empty when it may call any API",
            "has_application_restrictions": "restricted to browsers (HTTP referrers), server"
            " IPs, Android apps or iOS apps (one of restrictions.browserKeyRestrictions,"
            " serverKeyRestrictions, androidKeyRestrictions, iosKeyRestrictions)",
        },
    ),
    "gcp.dataproc.cluster": ResourceType(
        "A Dataproc cluster (Dataproc API projects.regions.clusters.list; CAI"
        " dataproc.googleapis.com/Cluster).",
        {
            "status": "RUNNING, STOPPED, ERROR, ...",
            "kms_key_name": "CMEK for the cluster's persistent disks"
            " (config.encryptionConfig.gcePdKmsKeyName), or null",
            "image_version": "Dataproc image version",
            "created_at": "creation time",
        },
        {"encrypted_by": "gcp.kms.crypto_key"},
    ),
    "gcp.bigquery.table": ResourceType(
        "A BigQuery table or view (tables.get; CAI bigquery.googleapis.com/Table).",
        {
            "dataset": "id of its dataset",
            "table_type": "TABLE, VIEW, MATERIALIZED_VIEW, EXTERNAL or SNAPSHOT",
            "kms_key_name": "CMEK (encryptionConfiguration.kmsKeyName), or null",
            "created_at": "creation time",
        },
        {"encrypted_by": "gcp.kms.crypto_key"},
    ),
    # ----------------------------------------------------------------- limits and scaling
    "gcp.compute.quota": ResourceType(
        "A Compute Engine quota of a project (global) or of one of its regions, with its"
        " usage, from the Compute API (Cloud Asset Inventory does not carry quotas). Id:"
        " //compute.googleapis.com/projects/<project>[/regions/<region>]/quotas/<metric>.",
        {
            "metric": "quota metric, e.g. CPUS, IN_USE_ADDRESSES, SSD_TOTAL_GB",
            **QUOTA_ATTRIBUTES,
            "scope": "project (global) or region",
        },
    ),
    "gcp.compute.autoscaler": ResourceType(
        "A Compute Engine autoscaler of a managed instance group.",
        {
            "target": "id of the managed instance group it scales",
            "min_replicas": "autoscaling minimum",
            "max_replicas": "autoscaling maximum",
            "recommended_size": "the size the autoscaler asks for now, or null",
            "mode": "ON, OFF, ONLY_SCALE_OUT",
            "usage": USAGE,
        },
    ),
    "gcp.pubsub.subscription": ResourceType(
        "A Pub/Sub subscription.",
        {
            "topic": "id of the topic it reads",
            "ack_deadline_s": "acknowledgement deadline in seconds",
            "message_retention_s": "how long unacknowledged messages are kept, in seconds",
            "usage": USAGE,
        },
        {"member_of": "gcp.pubsub.topic"},
    ),
}
