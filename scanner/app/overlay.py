"""A Terraform plan laid over a live snapshot, streamed: the estate before and after apply.

Planned resources replace the live ones they manage (matched by a known id or name of the
same type), partial ones (a rule added to an existing security group) merge into them,
and deletions remove them. `overlay` reads the live resources once and keeps only what
the plan refers to (its ids and names, looked up by type); `Overlay.after` then produces
the estate after apply lazily from a second pass over the same resources, so memory
grows with the plan, not with the live snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from scanner.collectors.terraform import REF_PREFIX, Plan
from scanner.graph import ResourceGraph
from scanner.model import ExposurePath, ResourceRef, is_unknown

__all__ = ["Overlay", "exposed_ids", "feed_graph", "new_exposures", "overlay", "planned_dicts"]

_Resource = Mapping[str, Any]


@dataclass
class Overlay:
    """What the plan does to the live estate, by live id."""

    renamed: dict[str, str] = field(default_factory=dict)  # plan id (tf://, ref:) -> live id
    removed: set[str] = field(default_factory=set)  # live ids the plan deletes
    # live id -> (is partial, planned resource) in plan order
    changes: dict[str, list[tuple[bool, dict[str, Any]]]] = field(default_factory=dict)
    added: list[dict[str, Any]] = field(default_factory=list)  # new to the estate

    def after(self, live: Iterable[_Resource]) -> Iterator[_Resource]:
        """The estate after apply, in the order of `live`, with the new resources last."""
        for resource in live:
            rid = str(resource["id"])
            ops = self.changes.get(rid)
            if ops:
                current: _Resource | None = None if rid in self.removed else resource
                for is_partial, planned in ops:
                    current = (
                        _merge_partial(current or resource, planned)
                        if is_partial
                        else _replace(resource, planned)
                    )
                yield current or resource
            elif rid not in self.removed:
                yield resource
        # Plan ids (tf://, ref:) never equal live ids, so new resources never shadow live ones.
        yield from self.added


def planned_dicts(plan: Plan) -> list[dict[str, Any]]:
    """The plan's resources in snapshot dict form."""
    return [r.model_dump(mode="json", exclude_none=True) for r in plan.resources]


def overlay(plan: Plan, live: Iterable[_Resource]) -> Overlay:
    """Match the plan against the live resources (one pass over them) and say what changes."""
    planned = planned_dicts(plan)
    index = _index(live, _wanted(plan, planned))
    result = Overlay()
    for resource in planned:
        rtype = resource["type"]
        keys = [k for k in _plan_keys(plan, resource["id"]) if (rtype, k) in index]
        if keys:
            result.renamed[resource["id"]] = index[(rtype, keys[0])]

    def target(value: str) -> str:
        if value in result.renamed:
            return result.renamed[value]
        if value.startswith(REF_PREFIX):
            rtype, _, key = value[len(REF_PREFIX) :].partition(":")
            return index.get((rtype, key), value)
        return value

    for change in plan.changes:
        if change.is_delete and change.resource_id is not None:
            rtype = _type_of(plan, change.resource_id)
            for key in plan.identities.get(change.resource_id, []):
                live_id = index.get((rtype, key))
                if live_id is not None:
                    result.removed.add(live_id)
    for resource in planned:
        resource["relations"] = [
            {**rel, "target": target(rel["target"])} for rel in resource.get("relations") or ()
        ]
        live_id = result.renamed.get(resource["id"])
        if live_id is None:
            result.added.append(resource)
        else:
            op = (resource["id"] in plan.partial, resource)
            result.changes.setdefault(live_id, []).append(op)
    return result


def _index(live: Iterable[_Resource], wanted: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(type, id or name) -> live id, for the keys the plan asks about (the first wins)."""
    index: dict[tuple[str, str], str] = {}
    for resource in live:
        rtype = str(resource["type"])
        for key in _keys(resource):
            if (rtype, key) in wanted:
                index.setdefault((rtype, key), str(resource["id"]))
    return index


def _plan_keys(plan: Plan, rid: str) -> list[str]:
    """The ids and names a planned resource may have in the live estate."""
    if rid.startswith(REF_PREFIX):
        return [rid.split(":", 2)[2]]
    return plan.identities.get(rid, [])


def _wanted(plan: Plan, planned: Iterable[Mapping[str, Any]]) -> set[tuple[str, str]]:
    """Every (type, id or name) the plan may refer to a live resource by."""
    wanted: set[tuple[str, str]] = set()
    for resource in planned:
        wanted.update((resource["type"], key) for key in _plan_keys(plan, resource["id"]))
        for rel in resource.get("relations") or ():
            if rel["target"].startswith(REF_PREFIX):
                rtype, _, key = rel["target"][len(REF_PREFIX) :].partition(":")
                wanted.add((rtype, key))
    for change in plan.changes:
        if change.is_delete and change.resource_id is not None:
            rtype = _type_of(plan, change.resource_id)
            wanted.update((rtype, key) for key in plan.identities.get(change.resource_id, []))
    return wanted


def _keys(resource: _Resource) -> set[str]:
    """Ids and names a live resource may be referred to by in a plan."""
    rid = str(resource["id"])
    keys = {rid, rid.rsplit("/", 1)[-1], rid.rsplit(":", 1)[-1]}
    name = resource.get("name")
    if name:
        keys.add(str(name))
    attrs = resource.get("attributes") or {}
    for attr in ("group_id", "email", "arn"):
        value = attrs.get(attr)
        if isinstance(value, str) and value:
            keys.add(value)
    return keys


def _type_of(plan: Plan, rid: str) -> str:
    for resource in (*plan.prior, *plan.resources):
        if resource.id == rid:
            return resource.type
    return ""


def _replace(live: _Resource, planned: _Resource) -> dict[str, Any]:
    """The planned resource under the live id; live relations of other kinds are kept."""
    out = dict(planned)
    out["id"] = live["id"]
    for key in ("account", "region", "name"):
        if not out.get(key) or out.get(key) == "global":
            out[key] = live.get(key, out.get(key))
    attrs = dict(live.get("attributes") or {})
    for key, value in (planned.get("attributes") or {}).items():
        if not is_unknown(value):
            attrs[key] = value
    out["attributes"] = attrs
    kinds = {r["type"] for r in planned.get("relations") or ()}
    kept = [r for r in live.get("relations") or () if r["type"] not in kinds]
    out["relations"] = [*kept, *(planned.get("relations") or ())]
    return out


def _merge_partial(live: _Resource, partial: _Resource) -> dict[str, Any]:
    """A live resource with what the plan adds to it (list entries, known values)."""
    out = dict(live)
    attrs = dict(live.get("attributes") or {})
    for key, value in (partial.get("attributes") or {}).items():
        if isinstance(value, list):
            added = [v for v in value if not is_unknown(v)]
            current = attrs.get(key)
            existing: list[Any] = current if isinstance(current, list) else []
            attrs[key] = [*existing, *(v for v in added if v not in existing)]
        elif not is_unknown(value):
            attrs[key] = value
    out["attributes"] = attrs
    relations = list(live.get("relations") or ())
    seen = {
        (r["type"], r["target"], repr(sorted((r.get("properties") or {}).items())))
        for r in relations
    }
    for rel in partial.get("relations") or ():
        key = (rel["type"], rel["target"], repr(sorted((rel.get("properties") or {}).items())))
        if key not in seen:
            relations.append(rel)
            seen.add(key)
    out["relations"] = relations
    return out


# ---------------------------------------------------------------------- exposure
def feed_graph(graph: ResourceGraph, resources: Iterable[_Resource]) -> Iterator[_Resource]:
    """Pass resources through, adding each to `graph` (one read serves two consumers)."""
    for resource in resources:
        graph.add_resource(resource)
        yield resource


def exposed_ids(graph: ResourceGraph) -> set[str]:
    """The nodes the internet reaches."""
    return set(graph.exposed_nodes())


def new_exposures(before: set[str], after: ResourceGraph) -> list[ExposurePath]:
    """Resources the internet reaches after the change and did not before, with the path."""
    out = []
    for node_id, path in sorted(after.exposed_nodes().items()):
        data = after.node(node_id)
        if node_id in before or not data.get("resource"):
            continue
        out.append(
            ExposurePath(
                resource=ResourceRef(
                    id=node_id,
                    type=str(data.get("type", "")),
                    name=str(data.get("name", "")),
                    provider=str(data.get("provider", "")),
                    account=str(data.get("account", "")),
                    region=str(data.get("region", "")),
                ),
                path=list(path),
            )
        )
    return out
