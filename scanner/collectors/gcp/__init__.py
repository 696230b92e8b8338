"""The GCP collector: Cloud Asset Inventory (ListAssets or `gcloud asset export`) to resources.

    api.py      ListAssets through google-cloud-asset (REST transport), pages, retries
    export.py   `gcloud asset export` NDJSON files (snake_case envelope, camelCase data)
    collect.py  both sources -> Context -> normalisers -> Resources (-> snapshot)
    common.py   the asset form, the context, converters shared by the normalisers
    capacity.py --metrics: quotas.py (Compute API quotas) and metrics.py (Cloud Monitoring
                usage, its METRICS table) for the projects collected
    <family>.py one module per service family: asset dicts -> scanner.model.Resource

`NORMALISERS` below is the registry: Cloud Asset type -> the function that turns one
asset of that type into a resource. Adding a type is one module function and one line
here (and its attributes in scanner/catalog/gcp.py). `CONTEXT_TYPES` are read before
anything else, because other assets' normalisers need them: the hierarchy (project
numbers and ids, inherited IAM), service accounts (e-mail -> resource id) and the
compute Project and enabled services (which become attributes of the project) and
Essential Contacts (which become an attribute of the organization).
"""

from __future__ import annotations

from collections.abc import Callable

from scanner.collectors.gcp import (
    apikeys,
    bigquery,
    compute,
    container,
    dataproc,
    dns,
    functions,
    iam,
    kms,
    logging,
    monitoring,
    pubsub,
    resourcemanager,
    run,
    secretmanager,
    sql,
    storage,
)
from scanner.collectors.gcp.common import Asset, Context
from scanner.model import Resource

__all__ = [
    "ASSET_TYPES",
    "CONTEXT_ONLY_TYPES",
    "CONTEXT_TYPES",
    "HIERARCHY_TYPES",
    "NORMALISERS",
    "Normaliser",
]

Normaliser = Callable[[Asset, Context], Resource | None]

NORMALISERS: dict[str, Normaliser] = {
    "cloudresourcemanager.googleapis.com/Organization": resourcemanager.organization,
    "cloudresourcemanager.googleapis.com/Folder": resourcemanager.folder,
    "cloudresourcemanager.googleapis.com/Project": resourcemanager.project,
    "compute.googleapis.com/Instance": compute.instance,
    "compute.googleapis.com/Firewall": compute.firewall,
    "compute.googleapis.com/Network": compute.network,
    "compute.googleapis.com/Subnetwork": compute.subnetwork,
    "compute.googleapis.com/Disk": compute.disk,
    "compute.googleapis.com/Address": compute.address,
    "compute.googleapis.com/GlobalAddress": compute.address,
    "compute.googleapis.com/Snapshot": compute.snapshot,
    "compute.googleapis.com/ForwardingRule": compute.forwarding_rule,
    "compute.googleapis.com/GlobalForwardingRule": compute.forwarding_rule,
    "compute.googleapis.com/BackendService": compute.backend_service,
    "compute.googleapis.com/RegionBackendService": compute.backend_service,
    "compute.googleapis.com/Autoscaler": compute.autoscaler,
    "storage.googleapis.com/Bucket": storage.bucket,
    "sqladmin.googleapis.com/Instance": sql.instance,
    "iam.googleapis.com/ServiceAccount": iam.service_account,
    "iam.googleapis.com/ServiceAccountKey": iam.service_account_key,
    "cloudkms.googleapis.com/KeyRing": kms.key_ring,
    "cloudkms.googleapis.com/CryptoKey": kms.crypto_key,
    "container.googleapis.com/Cluster": container.cluster,
    "container.googleapis.com/NodePool": container.node_pool,
    "logging.googleapis.com/LogSink": logging.sink,
    "logging.googleapis.com/LogMetric": logging.metric,
    "monitoring.googleapis.com/AlertPolicy": monitoring.alert_policy,
    "dns.googleapis.com/ManagedZone": dns.managed_zone,
    "dns.googleapis.com/Policy": dns.policy,
    "bigquery.googleapis.com/Dataset": bigquery.dataset,
    "bigquery.googleapis.com/Table": bigquery.table,
    "dataproc.googleapis.com/Cluster": dataproc.cluster,
    "apikeys.googleapis.com/Key": apikeys.key,
    "secretmanager.googleapis.com/Secret": secretmanager.secret,
    "run.googleapis.com/Service": run.service,
    "cloudfunctions.googleapis.com/CloudFunction": functions.function,
    "cloudfunctions.googleapis.com/Function": functions.function,
    "pubsub.googleapis.com/Topic": pubsub.topic,
    "pubsub.googleapis.com/Subscription": pubsub.subscription,
}

HIERARCHY_TYPES: tuple[str, ...] = (
    "cloudresourcemanager.googleapis.com/Organization",
    "cloudresourcemanager.googleapis.com/Folder",
    "cloudresourcemanager.googleapis.com/Project",
)

# Read only for what they tell other assets; they make no resource of their own: a
# project's instance metadata and enabled services, an organization's Essential Contacts.
CONTEXT_ONLY_TYPES: tuple[str, ...] = (
    "compute.googleapis.com/Project",
    "essentialcontacts.googleapis.com/Contact",
    "serviceusage.googleapis.com/Service",
)

CONTEXT_TYPES: tuple[str, ...] = (
    *HIERARCHY_TYPES,
    *CONTEXT_ONLY_TYPES,
    "iam.googleapis.com/ServiceAccount",
)

ASSET_TYPES: tuple[str, ...] = tuple(sorted({*NORMALISERS, *CONTEXT_ONLY_TYPES}))
