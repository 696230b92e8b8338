"""The resource-type catalog: every normal type, its attributes and its relations.

This is the vocabulary shared by collectors (what they emit), Terraform plan mapping,
rules (what they may read) and `docs/resource-types.md` (generated from it). A rule that
names a type missing here is refused at load time.

Conventions every collector follows:
- attribute names are snake_case; timestamps are ISO 8601 strings in UTC;
- a setting that is absent is `null`, never a made-up default;
- secrets found in a resource's text (env vars, user data, metadata) are never stored in
  clear: they appear in `secrets` as `{location, kind, masked}`;
- relations are stored on the resource they start from (see `RELATIONS`).
"""

from __future__ import annotations

from scanner.catalog.aws import AWS_TYPES
from scanner.catalog.gcp import GCP_TYPES
from scanner.catalog.resource_type import ResourceType

__all__ = ["RELATIONS", "RESERVED_PATHS", "TYPES", "ResourceType", "known_type"]

# Top-level Resource fields a rule path may read directly instead of `attributes`.
RESERVED_PATHS = ("tags", "name", "region", "account", "id")

# Relation types: name -> meaning. Stored on the source resource.
RELATIONS: dict[str, str] = {
    "in_vpc": "resource -> aws.ec2.vpc it lives in",
    "in_subnet": "resource -> subnet (aws.ec2.subnet / gcp.compute.subnetwork) it lives in",
    "in_network": "resource -> gcp.compute.network it lives in",
    "protected_by": "resource -> security group / firewall that filters its traffic",
    "allows_from": "security group or firewall -> source it admits (`internet` or another group);"
    " properties: protocol, from_port, to_port",
    "routes_to": "load balancer / gateway -> target it forwards traffic to",
    "attached_to": "volume / address / interface -> instance it is attached to",
    "encrypted_by": "resource -> KMS key that encrypts it",
    "runs_as": "compute -> role / service account whose permissions it uses",
    "trusts": "IAM role -> principal allowed to assume it (graph edge: principal can_assume role)",
    "iam_binding": "resource -> principal granted a role on it; properties: role"
    " (graph edge: principal grants resource)",
    "has_policy": "principal -> IAM policy attached to it",
    "member_of": "user -> group, project -> folder -> organization, account -> organization",
    "in_cluster": "node pool -> the Kubernetes cluster (gcp.container.cluster) it belongs to",
    "logs_to": "trail / sink / flow log -> bucket or log destination",
    "key_of": "service account key -> service account",
    "uses_image": "instance -> image it was launched from",
}

# Every normal type: AWS's (scanner/catalog/aws.py), then GCP's (scanner/catalog/gcp.py).
TYPES: dict[str, ResourceType] = {**AWS_TYPES, **GCP_TYPES}


def known_type(resource_type: str) -> bool:
    """True when the type is in the catalog."""
    return resource_type in TYPES
