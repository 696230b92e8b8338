"""The builder: maps the instances of one state (after or before apply) to normal resources.

Three passes, driven by the registries in `registry.py`: each primary instance becomes a
resource (`PRIMARY`), each sub-resource folds into its parents (`FOLDS`; a parent outside
the plan becomes a *partial* resource with id `ref:<type>:<key>`), and each resource gets
a last look once everything is folded in (`FINISH`). The mappers call back into the
builder for links between resources (`link`) and for the common fields (`resource`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from scanner.catalog import TYPES
from scanner.collectors.terraform.instances import Instance
from scanner.collectors.terraform.references import Defaults, References
from scanner.collectors.terraform.values import REF_PREFIX, TF_PREFIX, is_known
from scanner.errors import CollectorError
from scanner.model import UNKNOWN, Relation, Resource

__all__ = [
    "Builder",
    "Built",
    "Finisher",
    "Folder",
    "Mapper",
    "append_items",
    "identity_values",
    "relation",
    "relations_to",
]


@contextmanager
def _values_of(address: str) -> Iterator[None]:
    """Map one resource's values, which the shape check does not cover (they follow the
    provider's schema): a block of a type no provider writes (a list where an object
    belongs) is the plan's fault, one line naming the resource, not an internal error."""
    try:
        yield
    except (AttributeError, KeyError, TypeError, ValueError, IndexError) as exc:
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        msg = f"{address}: values of an unexpected shape ({type(exc).__name__}: {detail})"
        raise CollectorError(msg) from None


@dataclass
class Built:
    """What one state maps to."""

    resources: list[Resource]
    sources: dict[str, list[str]]  # resource id -> the addresses it is made of
    identities: dict[str, list[str]]  # resource id -> known ids and names
    partial: set[str]  # ids of partial (ref:) resources
    unmapped: Counter[str]  # tf type -> instances of a type pscan does not map


class Builder:
    """Maps the instances of one state (after or before) and folds sub-resources."""

    def __init__(self, instances: list[Instance], refs: References, defaults: Defaults) -> None:
        self.instances = instances
        self.by_address = {i.address: i for i in instances}
        self.refs = refs
        self.defaults = defaults
        self.resources: dict[str, Resource] = {}
        self.sources: dict[str, list[str]] = {}
        self.partial: set[str] = set()
        self.identity_index: dict[tuple[str, str], str] = {}
        for inst in instances:
            for key in identity_values(inst):
                self.identity_index.setdefault((inst.tf_type, key), inst.address)

    def build(
        self,
        primary: Mapping[str, tuple[str, Mapper]],
        folds: Mapping[str, tuple[str, tuple[str, ...], str, Folder]],
        finish: Mapping[str, Finisher],
    ) -> Built:
        """Map, fold and finish every instance; see the module docstring."""
        unmapped: Counter[str] = Counter()
        for inst in self.instances:
            entry = primary.get(inst.tf_type)
            if entry is None:
                if inst.tf_type not in folds:
                    unmapped[inst.tf_type] += 1
                continue
            with _values_of(inst.address):
                resource = entry[1](self, inst)
            self.resources[resource.id] = resource
            self.sources[resource.id] = [inst.address]
        for inst in self.instances:
            fold = folds.get(inst.tf_type)
            if fold is None:
                continue
            normal_type, parent_types, attr, folder = fold
            for parent in self.parents(inst, attr, parent_types, normal_type):
                with _values_of(inst.address):
                    folder(self, inst, parent)
                self.sources[parent.id].append(inst.address)
        for rid, resource in self.resources.items():
            finisher = finish.get(resource.type)
            if finisher is not None:
                with _values_of(rid):
                    finisher(self, resource, rid in self.partial)
            # Every catalog attribute is present, as from the live collectors; one the plan
            # mapping does not derive is not known before apply.
            for name in TYPES[resource.type].attributes:
                resource.attributes.setdefault(name, UNKNOWN)
        return Built(
            list(self.resources.values()), self.sources, self._identities(), self.partial, unmapped
        )

    def _identities(self) -> dict[str, list[str]]:
        identities = {
            rid: sorted(
                {
                    key
                    for address in self.sources[rid][:1]
                    for key in identity_values(self.by_address[address])
                }
            )
            for rid in self.resources
            if rid not in self.partial
        }
        for rid in self.partial:
            identities[rid] = [rid.split(":", 2)[2]]
        return identities

    # ------------------------------------------------------------------ linking
    def link(
        self, inst: Instance, attr: str, tf_types: tuple[str, ...], normal_type: str
    ) -> list[str]:
        """Ids of the resources that `inst.attr` points at (planned or outside the plan)."""
        out: dict[str, None] = {}
        for address in self.refs.resolve(inst, attr):
            target = self.by_address.get(address)
            if target is not None and target.tf_type in tf_types:
                out[TF_PREFIX + address] = None
        if out:
            return list(out)
        value = inst.values.get(attr)
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, str) or not item or not is_known(item):
                continue
            found = next(
                (a for t in tf_types if (a := self.identity_index.get((t, item))) is not None),
                None,
            )
            out[TF_PREFIX + found if found else f"{REF_PREFIX}{normal_type}:{item}"] = None
        return list(out)

    def link_nested(
        self,
        inst: Instance,
        block: Mapping[str, Any],
        attr: str,
        tf_types: tuple[str, ...],
        normal_type: str,
    ) -> list[str]:
        """`link` for an attribute of a nested block, whose expressions carry no references
        of their own: the target is found by value."""
        return self.link(inst.with_values(dict(block)), attr, tf_types, normal_type)

    def parents(
        self, inst: Instance, attr: str, tf_types: tuple[str, ...], normal_type: str
    ) -> list[Resource]:
        """The resources a sub-resource folds into; partial ones for parents outside the plan."""
        out = []
        for target in self.link(inst, attr, tf_types, normal_type):
            resource = self.resources.get(target)
            if resource is None and target.startswith(REF_PREFIX):
                resource = self._partial(inst, normal_type, target)
            if resource is not None:
                out.append(resource)
        return out

    def _partial(self, inst: Instance, normal_type: str, rid: str) -> Resource:
        key = rid.split(":", 2)[2]
        attributes = dict.fromkeys(TYPES[normal_type].attributes, UNKNOWN)
        resource = Resource(
            id=rid,
            type=normal_type,
            provider="gcp" if normal_type.startswith("gcp.") else "aws",
            account=self.account(inst) if normal_type.startswith("aws.") else "",
            region=self.region(inst),
            name=_last_segment(key) if normal_type.startswith("gcp.") else key,
            attributes=attributes,
        )
        if normal_type == "gcp.resourcemanager.project":
            resource.account = key
            resource.region = "global"
        self.resources[rid] = resource
        self.sources[rid] = []
        self.partial.add(rid)
        return resource

    # ------------------------------------------------------------------ common fields
    def region(self, inst: Instance) -> str:
        """The instance's region: its own value, its ARN's, or the provider's default."""
        values = inst.values
        if inst.provider == "gcp":
            for key in ("region", "location"):
                value = values.get(key)
                if isinstance(value, str) and is_known(value) and value:
                    return value.lower()
            zone = values.get("zone")
            if isinstance(zone, str) and is_known(zone) and zone:
                return zone.rsplit("-", 1)[0]
            return "global"
        arn = values.get("arn")
        if isinstance(arn, str) and arn.startswith("arn:") and arn.count(":") >= 5:
            return arn.split(":")[3] or "global"
        return self.defaults.aws_region or "global"

    def account(self, inst: Instance) -> str:
        """The AWS account (from the ARN or owner id) or the GCP project, when known."""
        values = inst.values
        if inst.provider == "gcp":
            project = values.get("project")
            if isinstance(project, str) and is_known(project) and project:
                return project
            return self.defaults.gcp_project
        for key in ("arn", "owner_id"):
            value = values.get(key)
            if isinstance(value, str) and is_known(value):
                if value.startswith("arn:") and value.count(":") >= 5:
                    return value.split(":")[4]
                if value.isdigit():
                    return value
        return ""

    def resource(
        self,
        inst: Instance,
        normal_type: str,
        attributes: dict[str, Any],
        *,
        name: Any = None,
        relations: Iterable[Relation] = (),
        region: str | None = None,
    ) -> Resource:
        """A normal resource for a primary instance, with common fields filled in."""
        values = inst.values
        tags = values.get("tags_all") or values.get("tags") or values.get("labels") or {}
        if not isinstance(tags, dict):
            tags = {}
        shown = name if isinstance(name, str) and name and is_known(name) else inst.address
        return Resource(
            id=TF_PREFIX + inst.address,
            type=normal_type,
            provider="gcp" if normal_type.startswith("gcp.") else "aws",
            account=self.account(inst),
            region=region if region is not None else self.region(inst),
            name=shown,
            tags={str(k): str(v) for k, v in tags.items() if is_known(v) and v is not None},
            attributes=attributes,
            relations=list(relations),
        )


Mapper = Callable[[Builder, Instance], Resource]
Folder = Callable[[Builder, Instance, Resource], None]
Finisher = Callable[[Builder, Resource, bool], None]  # (builder, resource, is partial)


def identity_values(inst: Instance) -> list[str]:
    """Known ids and names an instance can be referred to by (sg-..., bucket name, ARN)."""
    out = []
    for key in ("id", "arn", "name", "bucket", "self_link", "email", "identifier", "project_id"):
        value = inst.values.get(key)
        if isinstance(value, str) and value and is_known(value):
            out.append(value)
    return out


def _last_segment(value: str) -> str:
    return re.split(r"[/:]", value)[-1]


def relation(kind: str, target: str, **properties: Any) -> Relation:
    """A relation of type `kind` to `target`, with properties."""
    return Relation(type=kind, target=target, properties=properties)


def relations_to(kind: str, targets: Iterable[str]) -> list[Relation]:
    """One relation of type `kind` to each target."""
    return [relation(kind, t) for t in targets]


def append_items(resource: Resource, key: str, items: Iterable[Any]) -> None:
    """Add items to a list attribute, keeping an UNKNOWN tail (the entries not in the plan)."""
    current = resource.attributes.get(key)
    if isinstance(current, list):
        head = [x for x in current if is_known(x)]
        tail = [x for x in current if not is_known(x)]
    elif not is_known(current):  # wholly unknown: what the plan adds, then the unknown rest
        head, tail = [], [UNKNOWN]
    else:
        head, tail = [], []
    resource.attributes[key] = head + list(items) + tail
