"""Attack-path checks: principals that can become administrators, and exposed workloads
whose identity is too powerful (docs/attack-paths.md).

Both are shared checks (`scanner.engine.shared.SHARED_CHECKS`), named by one rule per
provider. The paths themselves come from the graph (`ResourceGraph.admin_paths`,
`data_readers`, `exposed_nodes`), which derives them with `scanner.policy.escalation`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict

from scanner.engine.python_rules import Hit, Pass, Undecided, Verdict, graph_rule
from scanner.graph import EXPOSURE_RELATIONS, ResourceGraph
from scanner.policy import escalation

__all__ = [
    "ADMIN_PATH_TYPES",
    "EXPOSED_WORKLOAD_TYPES",
    "GRAPH_RELATIONS",
    "GRAPH_TYPES",
    "NoParams",
    "exposed_workload",
    "path_to_admin",
]

ADMIN_PATH_TYPES = ("aws.iam.user", "aws.iam.role", "gcp.iam.service_account")
EXPOSED_WORKLOAD_TYPES = (
    "aws.ec2.instance",
    "aws.lambda.function",
    "aws.ecs.service",
    "gcp.compute.instance",
)
GRAPH_TYPES = (*escalation.INPUT_TYPES, "aws.ecs.task_definition")
GRAPH_RELATIONS = ("runs_as", *sorted(EXPOSURE_RELATIONS))


class NoParams(BaseModel):
    """These checks take no `params`."""

    model_config = ConfigDict(extra="forbid")


def _admin_evidence(graph: ResourceGraph, path: list[str]) -> dict[str, Any]:
    evidence = graph.path_evidence(path)
    methods = [s.split(" ", 1)[0] for s in evidence["path_steps"]]
    # the last hop into an administrator's own rights is not an escalation step
    escalation_steps = [
        m for m in methods if m in escalation.METHODS and m != escalation.ADMIN_EDGE
    ]
    return {
        "admin": evidence["path_names"][-1],
        "steps": len(escalation_steps),
        "methods": " -> ".join(escalation_steps),
        **evidence,
    }


@graph_rule
def path_to_admin(graph: ResourceGraph, spec: Any) -> Iterator[Verdict]:
    """A hit per principal that is not an administrator but can become one.

    Judges the principals of `spec.resource_types`; a rule judging GCP service accounts
    also reports the other GCP members (users, groups, `allUsers`) that can escalate:
    they are principal nodes of the graph, not resources. Undecided: a principal with no
    path whose policies could not all be read (`escalation.Derivation.unknown`).
    """
    paths = graph.admin_paths()
    unknown = graph.attack_steps().unknown
    nodes = list(graph.nodes_of_type(spec.resource_types))
    if "gcp.iam.service_account" in spec.resource_types:
        nodes += sorted(n for n in paths if n.startswith("principal:gcp:"))
    for node in nodes:
        path = paths.get(node)
        if path is None:
            if node in unknown:
                yield Undecided(node, unknown[node])
            continue
        if graph.is_admin(node):
            yield Pass(node)  # an administrator already: rules on admin policies report it
            continue
        yield Hit(resource_id=node, evidence=_admin_evidence(graph, path), path=list(path))


def _identities(graph: ResourceGraph, node: str) -> list[tuple[list[str], str]]:
    """(hops from the workload to its identity, identity) for each identity it runs as."""
    if graph.field(node, "type") == "aws.ecs.service":
        definition = (graph.node(node).get("attributes") or {}).get("task_definition")
        if not definition or definition not in graph:
            return []
        return [([definition, role], role) for role in graph.runs_as(str(definition))]
    return [([identity], identity) for identity in graph.runs_as(node)]


@graph_rule
def exposed_workload(graph: ResourceGraph, spec: Any) -> Iterator[Verdict]:
    """A hit per internet-reachable workload whose role or service account can become an
    administrator (or is one), or can read a data store marked sensitive.

    The path runs from the internet through the workload and its identity to the
    administrator node or the data store. Undecided: an exposed workload whose identity
    is not in the snapshot, or whose policies could not all be read.
    """
    exposed = graph.exposed_nodes()
    paths = graph.admin_paths()
    unknown = graph.attack_steps().unknown
    for node in graph.nodes_of_type(spec.resource_types):
        internet = exposed.get(node)
        if internet is None:
            continue
        undecided = ""
        for hops, identity in _identities(graph, node):
            admin = paths.get(identity)
            reads = graph.data_readers(identity)
            if admin is not None:
                path = [*internet, *hops[:-1], *admin]
                reason = (
                    "is an administrator"
                    if graph.is_admin(identity)
                    else "can become an administrator"
                )
            elif reads:
                path = [*internet, *hops, str(reads[0]["target"])]
                reason = f"can read {reads[0]['detail']} data store {graph.field(path[-1], 'name')}"
            else:
                if identity in unknown or not graph.field(identity, "resource"):
                    undecided = unknown.get(identity, f"{identity} is not in the snapshot")
                continue
            evidence = graph.path_evidence(path)
            yield Hit(
                resource_id=node,
                evidence={
                    "identity": graph.field(identity, "name") or identity,
                    "reason": reason,
                    **evidence,
                },
                path=path,
            )
            break
        else:
            if undecided:
                yield Undecided(node, f"its identity's rights are not known: {undecided}")
