"""The estate as a C4 model, written in the Structurizr DSL, to be refined by hand.

Two levels (https://c4model.com), from products and tiers:

- **people**: one, *Internet users*, when something is reachable from the internet;
- **software systems**: one per product (the product tag's value, as
  `scanner.headroom.product_of` reads it; untagged resources form one system too);
- **containers**: per product, one per technology of its request tiers (edge, compute,
  messaging, data: `scanner.catalog.tiers`), named by the technology ("Amazon RDS"),
  described by what it holds ("2 RDS instances"); disks, volumes and snapshots belong to
  their instance and are left out;
- **relationships**, between containers (implied between systems):
  internet users -> what the internet reaches directly ("Sends requests to");
  `routes_to` ("Routes requests to"); `triggers` ("Triggers"); and the architecture
  model's access edges (`scanner.architecture.access`: what a workload's role or
  service account lets it read or write), "Reads from", "Writes to" or both. A grant on
  every resource of a type (`Resource: "*"`) names no container and is left out.

Views: a system context and a container view per product, laid out left to right.
Identifiers are `[a-z0-9_]` and every relationship names elements defined above it;
strings lose double quotes and line breaks, so a name from the cloud cannot break the
file. The output is sorted: the same snapshot gives the same text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scanner.architecture.access import ACCESS_KINDS
from scanner.architecture.model import ArchEdge
from scanner.catalog.tiers import REQUEST_TIERS, placement
from scanner.headroom import UNTAGGED, product_of

__all__ = ["RELATIONS", "to_structurizr"]

# relation on a resource -> what the relationship says
RELATIONS = {"routes_to": "Routes requests to", "triggers": "Triggers"}
# the kinds of access one container's workloads have to another's resources
_ACCESS = {
    frozenset({"reads"}): "Reads from",
    frozenset({"writes"}): "Writes to",
    frozenset({"reads", "writes"}): "Reads from and writes to",
}
_FROM_INTERNET = "Sends requests to"
_NOT_CONTAINERS = frozenset(
    {"aws.ec2.volume", "aws.ec2.snapshot", "aws.rds.snapshot", "gcp.compute.disk"}
    | {"gcp.compute.snapshot", "aws.ec2.image"}
)
_UNSAFE = re.compile(r"[^a-z0-9]+")


def _ident(*parts: str) -> str:
    text = "_".join(_UNSAFE.sub("_", p.lower()).strip("_") for p in parts)
    return text if text and not text[0].isdigit() else f"x_{text}"


def _q(text: str) -> str:
    """A DSL string: quoted, without quotes, backslashes or line breaks inside."""
    return '"' + " ".join(text.replace('"', "'").replace("\\", "/").split()) + '"'


@dataclass
class _Container:
    ident: str
    technology: str
    tier: str
    kinds: Counter[str] = field(default_factory=Counter)


@dataclass
class _System:
    ident: str
    name: str
    resources: int = 0
    accounts: set[str] = field(default_factory=set)
    containers: dict[str, _Container] = field(default_factory=dict)


def _container_of(resource: Mapping[str, Any]) -> tuple[str, str] | None:
    """(technology, tier) of the container a resource belongs to; None: not in one."""
    rtype = str(resource.get("type", ""))
    where = placement(rtype)
    if where.tier not in REQUEST_TIERS or rtype in _NOT_CONTAINERS:
        return None
    return where.technology, where.tier


def _systems(
    resources: Sequence[Mapping[str, Any]], keys: Sequence[str]
) -> tuple[dict[str, _System], dict[str, str]]:
    """Systems by product, and resource id -> the container identifier it belongs to."""
    systems: dict[str, _System] = {}
    placed: dict[str, str] = {}
    for r in resources:
        product = product_of(r.get("tags"), keys)
        system = systems.get(product)
        if system is None:
            name = "Untagged resources" if product == UNTAGGED else product
            system = systems[product] = _System(_ident("sys", name), name)
        system.resources += 1
        system.accounts.add(f"{r.get('provider', '')} {r.get('account') or ''}".strip())
        found = _container_of(r)
        if found is None:
            continue
        technology, tier = found
        container = system.containers.get(technology)
        if container is None:
            container = _Container(_ident(system.ident, technology), technology, tier)
            system.containers[technology] = container
        container.kinds[str(r["type"])] += 1
        placed[str(r["id"])] = container.ident
    return systems, placed


def _relationships(
    resources: Sequence[Mapping[str, Any]],
    placed: Mapping[str, str],
    entries: Iterable[str],
    edges: Iterable[ArchEdge],
) -> set[tuple[str, str, str]]:
    """(source, destination, description) between container identifiers (and `internet`)."""
    out: set[tuple[str, str, str]] = set()
    out.update(("internet", placed[e], _FROM_INTERNET) for e in entries if e in placed)
    for r in resources:
        source = placed.get(str(r["id"]))
        if source is None:
            continue
        for rel in r.get("relations") or ():
            target = str(rel["target"])
            if rel["type"] in RELATIONS and target in placed:
                out.add((source, placed[target], RELATIONS[rel["type"]]))
    kinds: dict[tuple[str, str], set[str]] = {}
    for e in edges:  # every resource of a type (`every:`) is not placed
        if e.kind in ACCESS_KINDS and e.source in placed and e.target in placed:
            kinds.setdefault((placed[e.source], placed[e.target]), set()).add(e.kind)
    out.update((s, d, _ACCESS[frozenset(k)]) for (s, d), k in kinds.items())
    return {(s, d, w) for s, d, w in out if s != d}


def to_structurizr(
    resources: Sequence[Mapping[str, Any]],
    product_tags: Sequence[str],
    internet_entries: Iterable[str] = (),
    edges: Iterable[ArchEdge] = (),
    *,
    name: str = "Estate architecture",
) -> str:
    """The estate as a Structurizr DSL workspace (see the module docstring).

    `internet_entries` are the ids of the resources the internet reaches directly;
    `edges` the architecture model's (`build_architecture`), of which the `reads` and
    `writes` edges give the access relationships.
    """
    keys = [k.lower() for k in product_tags]
    systems, placed = _systems(resources, keys)
    relations = sorted(_relationships(resources, placed, internet_entries, edges))
    ordered = sorted(systems.values(), key=lambda s: s.ident)
    lines = [
        f"workspace {_q(name)} {_q(f'Generated by pscan from {len(resources)} resources')} {{",
        "    model {",
    ]
    if any(s == "internet" for s, _, _ in relations):
        lines.append(f"        internet = person {_q('Internet users')} {_q('Anyone online')}")
    for system in ordered:
        accounts = ", ".join(sorted(system.accounts))
        what = f"{system.resources} resources in {accounts}"
        lines.append(f"        {system.ident} = softwareSystem {_q(system.name)} {_q(what)} {{")
        for c in sorted(system.containers.values(), key=lambda c: c.ident):
            held = ", ".join(_held(rtype, n) for rtype, n in sorted(c.kinds.items()))
            lines.append(
                f"            {c.ident} = container {_q(c.technology)} {_q(held)}"
                f" {_q(c.technology)} {_q(c.tier)}"
            )
        lines.append("        }")
    lines += [f"        {s} -> {d} {_q(w)}" for s, d, w in relations]
    lines += ["    }", "    views {"]
    for system in ordered:
        lines += _views(system)
    lines += [
        "        styles {",
        '            element "Person" {',
        "                shape person",
        "            }",
        "        }",
        "    }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def _held(rtype: str, count: int) -> str:
    """ "1 RDS instance", "2 RDS instances"."""
    where = placement(rtype)
    return f"{count} {where.label if count == 1 else where.plural}"


def _views(system: _System) -> list[str]:
    views = [f"        systemContext {system.ident} {_q(system.ident + '_context')} {{"]
    views += ["            include *", "            autolayout lr", "        }"]
    if system.containers:
        views += [f"        container {system.ident} {_q(system.ident + '_containers')} {{"]
        views += ["            include *", "            autolayout lr", "        }"]
    return views
