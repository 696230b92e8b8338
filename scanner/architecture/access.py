"""What compute can read or write, derived from the identity it runs as.

AWS: compute `runs_as` a role; the role's policies (`has_policy` -> `aws.iam.policy`
`document`, and its `inline_policies`) are asked, through `scanner.policy.iam.allows`,
whether they allow a type's read or write actions on each data or messaging resource of
the estate (`_AWS_ACTIONS`). A grant on `Resource: "*"` is one edge to a node standing for
every resource of the type in the account (`every`), so an estate with thousands of
buckets and functions does not get millions of edges; roles with the same policies are
asked once.

GCP: compute `runs_as` a service account; a resource's `iam_binding` to that service
account grants a role, read or write by its name (`_gcp_access`). A binding on the
project grants its service's role on every resource of that service in the project.
Basic roles (owner, editor, viewer) grant everything and are left out: they are an IAM
finding, not a data flow.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from scanner.policy.iam import allows, may_allow

if TYPE_CHECKING:
    from scanner.architecture.model import ArchNode

__all__ = ["ACCESS_KINDS", "access_edges", "every"]

# the kinds of the edges `access_edges` gives
ACCESS_KINDS = frozenset({"reads", "writes"})

# type -> (read actions, write actions, resource suffix the actions apply to)
_AWS_ACTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "aws.s3.bucket": (("s3:GetObject",), ("s3:PutObject", "s3:DeleteObject"), "/*"),
    "aws.dynamodb.table": (
        ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"),
        ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
        "",
    ),
    "aws.sqs.queue": (("sqs:ReceiveMessage",), ("sqs:SendMessage",), ""),
    "aws.sns.topic": ((), ("sns:Publish",), ""),
    "aws.efs.file_system": (
        ("elasticfilesystem:ClientMount",),
        ("elasticfilesystem:ClientWrite",),
        "",
    ),
}
# GCP role service -> type prefix of the resources it covers
_GCP_SERVICES = {
    "storage": "gcp.storage.",
    "bigquery": "gcp.bigquery.",
    "pubsub": "gcp.pubsub.",
    "cloudsql": "gcp.sql.",
}
_GCP_WRITE_WORDS = ("admin", "editor", "writer", "creator", "publisher", "owner", "client")
_GCP_READ_WORDS = ("viewer", "reader", "subscriber", "user")
_BASIC_ROLES = frozenset({"roles/owner", "roles/editor", "roles/viewer"})


def _targets(resource: Mapping[str, Any], kind: str) -> list[str]:
    return sorted(
        str(rel.get("target", ""))
        for rel in resource.get("relations") or ()
        if isinstance(rel, Mapping) and rel.get("type") == kind
    )


def access_edges(
    by_id: Mapping[str, Mapping[str, Any]], nodes: Mapping[str, ArchNode]
) -> Iterator[tuple[str, str, str]]:
    """(compute, target, `reads` | `writes`) for the data and messaging compute reaches."""
    runs_as: dict[str, list[str]] = {}  # identity id -> compute node ids
    for rid, node in nodes.items():
        if node.tier == "compute" and rid in by_id:
            for identity in _targets(by_id[rid], "runs_as"):
                runs_as.setdefault(identity, []).append(rid)
    data: dict[str, list[ArchNode]] = {}  # account / project -> its data and messaging
    for node in nodes.values():
        if node.tier in ("data", "messaging"):
            data.setdefault(node.scope.account, []).append(node)
    bindings = _gcp_bindings(by_id, runs_as)
    cache: dict[str, list[tuple[str, str]]] = {}
    for identity, computes in sorted(runs_as.items()):
        role = by_id.get(identity)
        grants: Iterable[tuple[str, str]]
        if role is not None and role.get("type") == "aws.iam.role":
            account_data = data.get(str(role.get("account", "")), [])
            grants = _aws_grants(role, by_id, account_data, cache)
        else:
            grants = _gcp_grants(identity, bindings, data, nodes)
        for target, kind in sorted(set(grants)):
            for compute in computes:
                yield compute, target, kind


def every(provider: str, account: str, rtype: str) -> str:
    """The node id standing for every resource of a type in an account (`Resource: *`)."""
    return f"every:{provider}:{account}:{rtype}"


def _aws_grants(
    role: Mapping[str, Any],
    by_id: Mapping[str, Mapping[str, Any]],
    data: list[ArchNode],
    cache: dict[str, list[tuple[str, str]]],
) -> list[tuple[str, str]]:
    policies = [p for p in _targets(role, "has_policy") if p in by_id]
    documents = [(by_id[p].get("attributes") or {}).get("document") for p in policies]
    attrs = role.get("attributes") or {}
    documents += [p.get("document") for p in attrs.get("inline_policies") or () if p]
    documents = [d for d in documents if d]
    account = str(role.get("account", ""))
    # roles with the same policies reach the same resources: ask once
    key = json.dumps([account, sorted(policies), attrs.get("inline_policies")], sort_keys=True)
    if key not in cache:
        cache[key] = sorted(_aws_reach(documents, account, data))
    return cache[key]


def _aws_reach(
    documents: list[Any], account: str, data: list[ArchNode]
) -> Iterator[tuple[str, str]]:
    for rtype, (reads, writes, suffix) in _AWS_ACTIONS.items():
        for kind, actions in (("reads", reads), ("writes", writes)):
            # cheap first: no statement allows the actions at all -> no resource to ask about
            possible = [a for a in actions if any(may_allow(d, a) for d in documents)]
            if not possible:
                continue
            if any(allows(d, a, "*") for d in documents for a in possible):
                yield every("aws", account, rtype), kind  # Resource "*": all of them
                continue
            for node in data:
                arn = node.id + suffix
                if node.type == rtype and any(
                    allows(d, a, arn) for d in documents for a in possible
                ):
                    yield node.id, kind


def _gcp_access(role: str) -> str | None:
    """`reads` or `writes` for a predefined role name, None for basic or unrelated roles."""
    if role in _BASIC_ROLES:
        return None
    name = role.rsplit(".", 1)[-1].lower()
    if any(word in name for word in _GCP_WRITE_WORDS):
        return "writes"
    if any(word in name for word in _GCP_READ_WORDS):
        return "reads"
    return None


def _email(identity: str) -> str:
    """The e-mail of a service account id (CAI name or `principal:gcp:serviceAccount:E`)."""
    return identity.rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def _gcp_bindings(
    by_id: Mapping[str, Mapping[str, Any]], runs_as: Mapping[str, list[str]]
) -> dict[str, list[tuple[Mapping[str, Any], str]]]:
    """Service account e-mail -> (resource, role) of each binding that names it."""
    wanted = {f"principal:gcp:serviceAccount:{_email(i)}" for i in runs_as}
    out: dict[str, list[tuple[Mapping[str, Any], str]]] = {}
    for resource in by_id.values():
        if not str(resource.get("type", "")).startswith("gcp."):
            continue
        for rel in resource.get("relations") or ():
            target = rel.get("target")
            if rel.get("type") == "iam_binding" and target in wanted:
                role = str((rel.get("properties") or {}).get("role", ""))
                out.setdefault(_email(str(target)), []).append((resource, role))
    return out


def _gcp_grants(
    identity: str,
    bindings: Mapping[str, list[tuple[Mapping[str, Any], str]]],
    data: Mapping[str, list[ArchNode]],
    nodes: Mapping[str, ArchNode],
) -> Iterator[tuple[str, str]]:
    for resource, role in bindings.get(_email(identity), []):
        kind = _gcp_access(role)
        if kind is None:
            continue
        rid = str(resource.get("id", ""))
        if resource.get("type") != "gcp.resourcemanager.project":
            if rid in nodes and nodes[rid].tier in ("data", "messaging"):
                yield rid, kind
            continue
        prefix = _GCP_SERVICES.get(role.removeprefix("roles/").split(".", 1)[0])
        for node in data.get(str(resource.get("account", "")), []):
            if prefix and node.type.startswith(prefix):
                yield node.id, kind
