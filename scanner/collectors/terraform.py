"""Terraform plan JSON (`terraform show -json plan.out`) -> resources in the catalog's form.

The same normal types and attribute names come out of a plan as out of the live
collectors, so one rule judges a pull request's plan and the running estate alike.

What is read:
- `resource_changes`: every managed resource instance with its `actions` (create,
  update, delete, no-op, replace), its values `before` and `after`, and `after_unknown`
  (values Terraform learns only when it applies). A state document
  (`terraform show -json` without a plan) is read from `values` as all no-op.
- `configuration`: the expressions' `references`, to link resources whose ids are not
  known yet (`bucket = aws_s3_bucket.this.id`), through module outputs and variables,
  and the module calls' `source` folders, to find each resource's block in the `.tf`
  files (`locate_sources`).

Mapping rules:
- Ids are `tf://<address>` (`tf://module.storage["assets"].aws_s3_bucket.this`).
- Split sub-resources fold into their parent: `aws_s3_bucket_public_access_block`,
  `_server_side_encryption_configuration`, `_versioning`, `_policy`, `_acl`, `_logging`,
  `_lifecycle_configuration` into one `aws.s3.bucket`; `aws_security_group_rule` and
  `aws_vpc_security_group_ingress_rule`/`_egress_rule` into `aws.ec2.security_group`
  (flattened entries plus `allows_from -> internet` relations); IAM attachments into the
  role, user or group; `aws_lb_listener` into the load balancer; bucket, key and project
  IAM members into their parent's `iam_bindings`. `FOLDS` lists them all.
- A sub-resource whose parent is not in the plan (a rule added to an existing security
  group) makes a *partial* parent with id `ref:<type>:<key>`: its other attributes are
  UNKNOWN, and list attributes the plan adds to end with an UNKNOWN element (the live
  resource may hold more). `pscan iac --against` merges partial resources into the live
  one; relation targets outside the plan use the same `ref:` form.
- A value unknown until apply becomes `scanner.model.UNKNOWN`; a rule that depends on it
  is undecided rather than failed. For resources being *created*, attributes the AWS
  provider marks as computed but that AWS fills with a fixed default (a new bucket's
  versioning is off, a new security group has no ingress and allows all egress) take
  that default, so a plan that adds an unprotected bucket is still judged.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.catalog import TYPES
from scanner.collectors.secrets import scan_text
from scanner.errors import CollectorError
from scanner.model import UNKNOWN, Relation, Resource
from scanner.policy.gcp import is_public_member
from scanner.policy.iam import (
    denies_insecure_transport,
    is_public_policy,
    parse_document,
    statements,
)
from scanner.policy.network import cidr_is_internet

__all__ = [
    "FOLDS",
    "PRIMARY",
    "REF_PREFIX",
    "TF_PREFIX",
    "Plan",
    "PlanChange",
    "SourceBlock",
    "is_plan_document",
    "locate_sources",
    "parse_plan",
    "read_plan",
]

logger = logging.getLogger(__name__)

TF_PREFIX = "tf://"
REF_PREFIX = "ref:"
INTERNET = "internet"

_JSON = dict[str, Any]


# ---------------------------------------------------------------------- the result
@dataclass(frozen=True)
class PlanChange:
    """One resource instance of the plan and what applying it does."""

    address: str
    tf_type: str
    actions: tuple[str, ...]
    resource_id: str | None = None  # the normal resource it maps or folds into, if any

    @property
    def is_delete(self) -> bool:
        """The instance is destroyed (and not re-created)."""
        return "delete" in self.actions and "create" not in self.actions


@dataclass
class Plan:
    """A plan mapped to normal resources: the state after apply and the state before it."""

    path: str
    terraform_version: str = ""
    resources: list[Resource] = field(default_factory=list)  # after apply
    prior: list[Resource] = field(default_factory=list)  # before apply (existing ones)
    changes: list[PlanChange] = field(default_factory=list)
    sources: dict[str, list[str]] = field(default_factory=dict)  # resource id -> addresses
    identities: dict[str, list[str]] = field(default_factory=dict)  # id -> known ids/names
    partial: set[str] = field(default_factory=set)  # ids of partial (ref:) resources
    unmapped: Counter[str] = field(default_factory=Counter)  # tf type -> instances
    unknown_values: int = 0
    configuration: _JSON = field(default_factory=dict)

    @property
    def addresses(self) -> dict[str, str]:
        """Address -> id of the normal resource it is part of."""
        return {a: rid for rid, addrs in self.sources.items() for a in addrs}


@dataclass(frozen=True)
class SourceBlock:
    """Where a resource block is written: file (relative to the working directory) and lines."""

    file: str
    start_line: int
    end_line: int


# ---------------------------------------------------------------------- reading
def is_plan_document(data: object) -> bool:
    """True for a `terraform show -json` document (plan or state)."""
    return (
        isinstance(data, dict)
        and "format_version" in data
        and ("resource_changes" in data or "planned_values" in data or "values" in data)
    )


def read_plan(path: Path) -> Plan:
    """Read and map a plan (or state) JSON file.

    Raises:
        CollectorError: the file is missing, not JSON, or not `terraform show -json` output.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"{path}: cannot read plan ({exc.strerror or exc})"
        raise CollectorError(msg) from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        msg = (
            f"{path}: not valid JSON ({exc}); write the plan with"
            " `terraform show -json plan.out > plan.json`"
        )
        raise CollectorError(msg) from None
    return parse_plan(data, str(path))


def parse_plan(data: object, source: str = "<plan>") -> Plan:
    """Map a parsed `terraform show -json` document to normal resources."""
    if not is_plan_document(data):
        msg = (
            f"{source}: not a Terraform plan (no format_version/resource_changes);"
            " write it with `terraform show -json plan.out > plan.json`"
        )
        raise CollectorError(msg)
    assert isinstance(data, dict)
    config = data.get("configuration") or {}
    plan = Plan(path=source, terraform_version=str(data.get("terraform_version", "")))
    plan.configuration = config
    instances = list(_instances(data))
    refs = _References(config, {i.address for i in instances})
    defaults = _provider_defaults(config)
    after = [i for i in instances if not _only_delete(i.actions)]
    before = [
        prior_inst
        for i in instances
        if "create" not in i.actions or i.is_replace
        if (prior_inst := i.as_before()) is not None
    ]
    built = _Builder(after, refs, defaults).build()
    plan.resources = built.resources
    plan.sources = built.sources
    plan.identities = built.identities
    plan.partial = built.partial
    plan.unmapped = built.unmapped
    plan.unknown_values = sum(i.unknown_count for i in after)
    prior = _Builder(before, refs, defaults).build()
    plan.prior = prior.resources
    for rid, keys in prior.identities.items():  # deleted resources keep their known ids
        plan.identities.setdefault(rid, keys)
    owner = {a: rid for rid, addrs in prior.sources.items() for a in addrs}
    owner.update(plan.addresses)
    for inst in instances:
        target = owner.get(inst.address)
        plan.changes.append(PlanChange(inst.address, inst.tf_type, inst.actions, target))
    logger.info(
        "plan %s: %d instances -> %d resources (%d unknown values, %d unmapped instances)",
        source,
        len(instances),
        len(plan.resources),
        plan.unknown_values,
        sum(plan.unmapped.values()),
    )
    return plan


def _only_delete(actions: tuple[str, ...]) -> bool:
    return "delete" in actions and "create" not in actions


@dataclass
class _Instance:
    address: str
    module: str  # module instance address, "" for the root module
    tf_type: str
    name: str
    actions: tuple[str, ...]
    values: _JSON
    before_values: _JSON | None = None
    unknown_count: int = 0

    @property
    def is_create(self) -> bool:
        return "create" in self.actions

    @property
    def is_replace(self) -> bool:
        return "create" in self.actions and "delete" in self.actions

    @property
    def provider(self) -> str:
        return "gcp" if self.tf_type.startswith("google_") else "aws"

    def as_before(self) -> _Instance | None:
        if self.before_values is None:
            return None
        return _Instance(
            self.address, self.module, self.tf_type, self.name, ("no-op",), self.before_values
        )


def _instances(data: _JSON) -> Iterator[_Instance]:
    changes = data.get("resource_changes")
    if isinstance(changes, list):
        for rc in changes:
            if not isinstance(rc, dict) or rc.get("mode", "managed") != "managed":
                continue
            change = rc.get("change") or {}
            actions = tuple(change.get("actions") or ("no-op",))
            after = change.get("after")
            unknown = change.get("after_unknown") or {}
            values = _with_unknown(after if isinstance(after, dict) else {}, unknown)
            before = change.get("before")
            yield _Instance(
                address=str(rc.get("address", "")),
                module=str(rc.get("module_address", "")),
                tf_type=str(rc.get("type", "")),
                name=str(rc.get("name", "")),
                actions=actions,
                values=values if isinstance(values, dict) else {},
                before_values=before if isinstance(before, dict) else None,
                unknown_count=_count_true(unknown),
            )
        return
    root = (data.get("planned_values") or data.get("values") or {}).get("root_module") or {}
    yield from _module_instances(root)


def _module_instances(module: _JSON) -> Iterator[_Instance]:
    for res in module.get("resources") or ():
        if res.get("mode", "managed") != "managed":
            continue
        address = str(res.get("address", ""))
        yield _Instance(
            address=address,
            module=str(module.get("address", "")),
            tf_type=str(res.get("type", "")),
            name=str(res.get("name", "")),
            actions=("no-op",),
            values=res.get("values") or {},
            before_values=res.get("values") or {},
        )
    for child in module.get("child_modules") or ():
        yield from _module_instances(child)


def _count_true(unknown: Any) -> int:
    if unknown is True:
        return 1
    if isinstance(unknown, dict):
        return sum(_count_true(v) for v in unknown.values())
    if isinstance(unknown, list):
        return sum(_count_true(v) for v in unknown)
    return 0


def _with_unknown(value: Any, unknown: Any) -> Any:
    """`value` with UNKNOWN wherever `after_unknown` says true."""
    if unknown is True:
        return UNKNOWN
    if not _count_true(unknown):
        return value
    if isinstance(unknown, dict):
        merged = dict(value) if isinstance(value, dict) else {}
        for key, sub in unknown.items():
            if _count_true(sub):
                merged[key] = _with_unknown(merged.get(key), sub)
        return merged
    if isinstance(unknown, list):
        items = list(value) if isinstance(value, list) else []
        for index, sub in enumerate(unknown):
            if index < len(items):
                items[index] = _with_unknown(items[index], sub)
            else:
                items.append(_with_unknown(None, sub))
        return items
    return value


# ---------------------------------------------------------------------- configuration
def _strip_index(address: str) -> str:
    """`module.a["x"].module.b[0]` -> `module.a.module.b`."""
    return re.sub(r"\[[^\]]*\]", "", address)


class _References:
    """Resolve a configuration expression's references to planned resource addresses."""

    def __init__(self, config: _JSON, addresses: set[str]) -> None:
        self.addresses = addresses
        self.modules: dict[str, _JSON] = {}  # config module path ("" root) -> module config
        self.calls: dict[str, _JSON] = {}  # config module path -> its module_call in the parent
        self._walk(config.get("root_module") or {}, "")

    def _walk(self, module: _JSON, path: str) -> None:
        self.modules[path] = module
        for name, call in (module.get("module_calls") or {}).items():
            child = f"{path}.module.{name}" if path else f"module.{name}"
            self.calls[child] = call
            self._walk(call.get("module") or {}, child)

    def expressions(self, inst: _Instance) -> _JSON:
        module = self.modules.get(_strip_index(inst.module)) or {}
        local = inst.address[len(inst.module) + 1 :] if inst.module else inst.address
        local = _strip_index(local)
        for res in module.get("resources") or ():
            if res.get("address") == local:
                expressions: _JSON = res.get("expressions") or {}
                return expressions
        return {}

    def resolve(self, inst: _Instance, attr: str) -> list[str]:
        """Addresses of planned resources that attribute `attr` of `inst` refers to."""
        expression = self.expressions(inst).get(attr)
        return self._resolve_expression(expression, inst.module, depth=0)

    def _resolve_expression(self, expression: Any, module: str, depth: int) -> list[str]:
        out: dict[str, None] = {}
        for ref in _expression_refs(expression):
            for address in self._resolve_ref(ref, module, depth):
                out[address] = None
        return list(out)

    def _resolve_ref(self, ref: str, module: str, depth: int) -> list[str]:
        if depth > 8:
            return []
        parts = ref.split(".")
        prefix = f"{module}." if module else ""
        if parts[0] == "module" and len(parts) >= 3:
            call_name = re.sub(r"\[[^\]]*\]$", "", parts[1])
            child = f"{prefix}module.{call_name}"
            outputs = (self.modules.get(_strip_index(child)) or {}).get("outputs") or {}
            out = outputs.get(parts[2]) or {}
            return self._resolve_expression(out.get("expression"), child, depth + 1)
        if parts[0] == "var" and len(parts) >= 2 and module:
            call = self.calls.get(_strip_index(module)) or {}
            parent = re.sub(r"\.?module\.[^.]+$", "", module)
            expression = (call.get("expressions") or {}).get(parts[1])
            return self._resolve_expression(expression, parent, depth + 1)
        if parts[0] in ("var", "local", "data", "each", "count", "path", "self", "terraform"):
            return []
        if len(parts) < 2:
            return []
        base = f"{prefix}{parts[0]}.{parts[1]}"
        if base in self.addresses:
            return [base]
        return sorted(a for a in self.addresses if a.startswith(base + "["))


def _expression_refs(expression: Any) -> Iterator[str]:
    """Every reference string inside an expression (lists and nested blocks included)."""
    if isinstance(expression, dict):
        refs = expression.get("references")
        if isinstance(refs, list):
            yield from (r for r in refs if isinstance(r, str))
        for key, value in expression.items():
            if key != "references":
                yield from _expression_refs(value)
    elif isinstance(expression, list):
        for item in expression:
            yield from _expression_refs(item)


@dataclass(frozen=True)
class _Defaults:
    aws_region: str = ""
    gcp_project: str = ""
    gcp_region: str = ""


def _provider_defaults(config: _JSON) -> _Defaults:
    providers = config.get("provider_config") or {}

    def constant(name: str, key: str) -> str:
        expr = ((providers.get(name) or {}).get("expressions") or {}).get(key) or {}
        value = expr.get("constant_value") if isinstance(expr, dict) else None
        return value if isinstance(value, str) else ""

    return _Defaults(
        aws_region=constant("aws", "region"),
        gcp_project=constant("google", "project"),
        gcp_region=constant("google", "region"),
    )


# ---------------------------------------------------------------------- value helpers
def _known(value: Any) -> bool:
    return not (isinstance(value, str) and value == UNKNOWN)


def _block(values: Any, key: str) -> Any:
    """The first element of a nested block (`metadata_options { ... }`), UNKNOWN or None."""
    if not isinstance(values, Mapping):
        return UNKNOWN if not _known(values) else None
    block = values.get(key)
    if not _known(block):
        return UNKNOWN
    if isinstance(block, list):
        return block[0] if block else None
    return block if isinstance(block, dict) else None


def _blocks(values: Any, key: str) -> Any:
    """Every element of a repeated nested block: a list, or UNKNOWN."""
    if not isinstance(values, Mapping):
        return UNKNOWN if not _known(values) else []
    block = values.get(key)
    if not _known(block):
        return UNKNOWN
    if isinstance(block, list):
        return block
    return [block] if isinstance(block, dict) else []


def _get(values: Any, key: str, default: Any = None) -> Any:
    """values[key]; UNKNOWN when values is unknown; `default` when absent or null."""
    if not isinstance(values, Mapping):
        return UNKNOWN if not _known(values) else default
    value = values.get(key)
    return default if value is None else value


def _bool(value: Any, default: Any = None) -> Any:
    if value is None:
        return default
    if not _known(value):
        return UNKNOWN
    return bool(value)


def _int(value: Any, default: Any = None) -> Any:
    if value is None or value == "":
        return default
    if not _known(value):
        return UNKNOWN
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _list(value: Any) -> Any:
    if not _known(value):
        return UNKNOWN
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple | set) else [value]


def _json_doc(value: Any) -> Any:
    """A policy document given as JSON text (jsonencode), URL-encoded text or an object."""
    if not _known(value):
        return UNKNOWN
    return parse_document(value)


def _judged(verdict: Callable[[Any], bool], document: Any) -> Any:
    """`verdict(document)` from scanner.policy, or UNKNOWN while the document is unknown."""
    return verdict(document) if _known(document) else UNKNOWN


_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1", "-1": "-1"}


def _protocol(value: Any) -> Any:
    if not _known(value):
        return UNKNOWN
    text = str(value).lower()
    return _PROTOCOLS.get(text, text)


def _env_secrets(variables: Any, location: str) -> Any:
    if not _known(variables):
        return UNKNOWN
    found: list[dict[str, str]] = []
    for key, value in sorted((variables or {}).items()):
        if isinstance(value, str) and _known(value) and value:
            found.extend(scan_text(f"{key}={value}", f"{location}:{key}"))
    return found


def _seconds_to_days(value: Any) -> Any:
    if not _known(value):
        return UNKNOWN
    if not isinstance(value, str) or not value.endswith("s"):
        return None
    try:
        return round(float(value[:-1]) / 86400)
    except ValueError:
        return None


def _last_segment(value: str) -> str:
    return re.split(r"[/:]", value)[-1]


# ---------------------------------------------------------------------- the builder
Mapper = Callable[["_Builder", _Instance], Resource]
Folder = Callable[["_Builder", _Instance, Resource], None]


@dataclass
class _Built:
    resources: list[Resource]
    sources: dict[str, list[str]]
    identities: dict[str, list[str]]
    partial: set[str]
    unmapped: Counter[str]


class _Builder:
    """Maps the instances of one state (after or before) and folds sub-resources."""

    def __init__(self, instances: list[_Instance], refs: _References, defaults: _Defaults):
        self.instances = instances
        self.by_address = {i.address: i for i in instances}
        self.refs = refs
        self.defaults = defaults
        self.resources: dict[str, Resource] = {}
        self.sources: dict[str, list[str]] = {}
        self.partial: set[str] = set()
        self.identity_index: dict[tuple[str, str], str] = {}
        for inst in instances:
            for key in _identity_values(inst):
                self.identity_index.setdefault((inst.tf_type, key), inst.address)

    def build(self) -> _Built:
        unmapped: Counter[str] = Counter()
        for inst in self.instances:
            entry = PRIMARY.get(inst.tf_type)
            if entry is None:
                if inst.tf_type not in FOLDS:
                    unmapped[inst.tf_type] += 1
                continue
            resource = entry[1](self, inst)
            self.resources[resource.id] = resource
            self.sources[resource.id] = [inst.address]
        for inst in self.instances:
            fold = FOLDS.get(inst.tf_type)
            if fold is None:
                continue
            normal_type, parent_types, attr, folder = fold
            for parent in self.parents(inst, attr, parent_types, normal_type):
                folder(self, inst, parent)
                self.sources[parent.id].append(inst.address)
        for rid, resource in self.resources.items():
            finish = FINISH.get(resource.type)
            if finish is not None:
                finish(self, resource, rid in self.partial)
            # Every catalog attribute is present, as from the live collectors; one the plan
            # mapping does not derive is not known before apply.
            for name in TYPES[resource.type].attributes:
                resource.attributes.setdefault(name, UNKNOWN)
        identities = {
            rid: sorted(
                {
                    key
                    for address in self.sources[rid][:1]
                    for key in _identity_values(self.by_address[address])
                }
            )
            for rid in self.resources
            if rid not in self.partial
        }
        for rid in self.partial:
            identities[rid] = [rid.split(":", 2)[2]]
        return _Built(
            list(self.resources.values()), self.sources, identities, self.partial, unmapped
        )

    # ------------------------------------------------------------------ linking
    def link(
        self, inst: _Instance, attr: str, tf_types: tuple[str, ...], normal_type: str
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
            if not isinstance(item, str) or not item or not _known(item):
                continue
            found = next(
                (a for t in tf_types if (a := self.identity_index.get((t, item))) is not None),
                None,
            )
            out[TF_PREFIX + found if found else f"{REF_PREFIX}{normal_type}:{item}"] = None
        return list(out)

    def parents(
        self, inst: _Instance, attr: str, tf_types: tuple[str, ...], normal_type: str
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

    def _partial(self, inst: _Instance, normal_type: str, rid: str) -> Resource:
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
    def region(self, inst: _Instance) -> str:
        values = inst.values
        if inst.provider == "gcp":
            for key in ("region", "location"):
                value = values.get(key)
                if isinstance(value, str) and _known(value) and value:
                    return value.lower()
            zone = values.get("zone")
            if isinstance(zone, str) and _known(zone) and zone:
                return zone.rsplit("-", 1)[0]
            return "global"
        arn = values.get("arn")
        if isinstance(arn, str) and arn.startswith("arn:") and arn.count(":") >= 5:
            return arn.split(":")[3] or "global"
        return self.defaults.aws_region or "global"

    def account(self, inst: _Instance) -> str:
        values = inst.values
        if inst.provider == "gcp":
            project = values.get("project")
            if isinstance(project, str) and _known(project) and project:
                return project
            return self.defaults.gcp_project
        for key in ("arn", "owner_id"):
            value = values.get(key)
            if isinstance(value, str) and _known(value):
                if value.startswith("arn:") and value.count(":") >= 5:
                    return value.split(":")[4]
                if value.isdigit():
                    return value
        return ""

    def resource(
        self,
        inst: _Instance,
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
        shown = name if isinstance(name, str) and name and _known(name) else inst.address
        return Resource(
            id=TF_PREFIX + inst.address,
            type=normal_type,
            provider="gcp" if normal_type.startswith("gcp.") else "aws",
            account=self.account(inst),
            region=region if region is not None else self.region(inst),
            name=shown,
            tags={str(k): str(v) for k, v in tags.items() if _known(v) and v is not None},
            attributes=attributes,
            relations=list(relations),
        )


def _identity_values(inst: _Instance) -> list[str]:
    """Known ids and names an instance can be referred to by (sg-..., bucket name, ARN)."""
    out = []
    for key in ("id", "arn", "name", "bucket", "self_link", "email", "identifier", "project_id"):
        value = inst.values.get(key)
        if isinstance(value, str) and value and _known(value):
            out.append(value)
    return out


def _rel(kind: str, target: str, **properties: Any) -> Relation:
    return Relation(type=kind, target=target, properties=properties)


def _rels(kind: str, targets: Iterable[str]) -> list[Relation]:
    return [_rel(kind, t) for t in targets]


def _append(resource: Resource, key: str, items: Iterable[Any]) -> None:
    """Add items to a list attribute, keeping an UNKNOWN tail (the entries not in the plan)."""
    current = resource.attributes.get(key)
    if isinstance(current, list):
        head = [x for x in current if _known(x)]
        tail = [x for x in current if not _known(x)]
    elif not _known(current):  # wholly unknown: what the plan adds, then the unknown rest
        head, tail = [], [UNKNOWN]
    else:
        head, tail = [], []
    resource.attributes[key] = head + list(items) + tail


# ---------------------------------------------------------------------- AWS: S3
_S3_PUBLIC_ACLS = {"public-read", "public-read-write", "authenticated-read"}
_ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
_AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def _created_default(inst: _Instance, value: Any, default: Any) -> Any:
    """A computed value AWS fills with a fixed default when the resource is created."""
    if not _known(value) and inst.is_create:
        return default
    return value


def _s3_bucket(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    name = v.get("bucket") if v.get("bucket") is not None else UNKNOWN
    acl = _created_default(inst, v.get("acl"), None)
    grants_raw = _created_default(inst, v.get("grant"), [])
    grants: Any = UNKNOWN
    if _known(grants_raw):
        grants = []
        for g in grants_raw or ():
            grantee = g.get("uri") or g.get("id") or g.get("email") or ""
            for permission in _list(g.get("permissions")) or ():
                grants.append({"grantee": _grantee(grantee), "permission": permission})
    versioning_block = _block({"v": _created_default(inst, v.get("versioning"), [])}, "v")
    versioning: Any = None
    mfa_delete: Any = False
    if not _known(versioning_block):
        versioning, mfa_delete = UNKNOWN, UNKNOWN
    elif versioning_block:
        versioning = "Enabled" if versioning_block.get("enabled") else None
        mfa_delete = bool(versioning_block.get("mfa_delete"))
    sse = _block(
        {"v": _created_default(inst, v.get("server_side_encryption_configuration"), [])}, "v"
    )
    encryption: Any = _sse_encryption(sse) if _known(sse) else UNKNOWN
    if encryption is None:
        # Since January 2023 S3 encrypts every bucket with SSE-S3 unless told otherwise.
        encryption = {"algorithm": "AES256", "kms_key_id": None, "bucket_key_enabled": False}
    logging_block = _block({"v": _created_default(inst, v.get("logging"), [])}, "v")
    lifecycle = _created_default(inst, v.get("lifecycle_rule"), [])
    policy = _json_doc(_created_default(inst, v.get("policy"), None))
    attrs: dict[str, Any] = {
        "created_at": None,
        "public_access_block": None,
        "acl_grants": grants,
        "policy": policy,
        "is_public_by_acl": UNKNOWN
        if not _known(acl) or not _known(grants)
        else (acl in _S3_PUBLIC_ACLS or _grants_public(grants)),
        "is_public_by_policy": _judged(is_public_policy, policy),
        "secure_transport_enforced": _judged(denies_insecure_transport, policy),
        "encryption": encryption,
        "versioning": versioning,
        "mfa_delete": mfa_delete,
        "logging_target": UNKNOWN
        if not _known(logging_block)
        else (logging_block or {}).get("target_bucket"),
        "lifecycle_rule_count": len(lifecycle) if isinstance(lifecycle, list) else UNKNOWN,
        "object_lock_enabled": _bool(
            _created_default(inst, v.get("object_lock_enabled"), False), False
        ),
    }
    return b.resource(inst, "aws.s3.bucket", attrs, name=name, relations=[])


def _grantee(value: str) -> str:
    if value == _ALL_USERS:
        return "AllUsers"
    if value == _AUTH_USERS:
        return "AuthenticatedUsers"
    return value


def _grants_public(grants: list[dict[str, Any]]) -> bool:
    return any(g.get("grantee") in ("AllUsers", "AuthenticatedUsers") for g in grants)


def _sse_encryption(sse: Any) -> Any:
    if not sse:
        return None
    rule = _block(sse, "rule")
    if not _known(rule):
        return UNKNOWN
    by_default = _block(rule or {}, "apply_server_side_encryption_by_default")
    if not _known(by_default):
        return UNKNOWN
    if not by_default:
        return None
    return {
        "algorithm": by_default.get("sse_algorithm"),
        "kms_key_id": by_default.get("kms_master_key_id") or None,
        "bucket_key_enabled": _bool((rule or {}).get("bucket_key_enabled"), False),
    }


def _fold_s3_pab(b: _Builder, inst: _Instance, bucket: Resource) -> None:
    v = inst.values
    bucket.attributes["public_access_block"] = {
        key: _bool(v.get(key), False)
        for key in (
            "block_public_acls",
            "ignore_public_acls",
            "block_public_policy",
            "restrict_public_buckets",
        )
    }


def _fold_s3_sse(b: _Builder, inst: _Instance, bucket: Resource) -> None:
    encryption = _sse_encryption(inst.values)
    bucket.attributes["encryption"] = encryption
    if isinstance(encryption, dict) and encryption.get("kms_key_id"):
        rule = _block(inst.values, "rule") or {}
        by_default = _block(rule, "apply_server_side_encryption_by_default") or {}
        # the key sits in a nested block, whose expressions carry no references: link by value
        fake = _Instance(
            inst.address, inst.module, inst.tf_type, inst.name, inst.actions, by_default
        )
        for target in b.link(fake, "kms_master_key_id", ("aws_kms_key",), "aws.kms.key"):
            bucket.relations.append(_rel("encrypted_by", target))


def _fold_s3_versioning(b: _Builder, inst: _Instance, bucket: Resource) -> None:
    conf = _block(inst.values, "versioning_configuration")
    if not _known(conf):
        bucket.attributes["versioning"] = UNKNOWN
        bucket.attributes["mfa_delete"] = UNKNOWN
        return
    status = (conf or {}).get("status")
    bucket.attributes["versioning"] = (
        status if status in ("Enabled", "Suspended") else (UNKNOWN if not _known(status) else None)
    )
    mfa = (conf or {}).get("mfa_delete")
    bucket.attributes["mfa_delete"] = UNKNOWN if not _known(mfa) else mfa == "Enabled"


def _fold_s3_policy(b: _Builder, inst: _Instance, bucket: Resource) -> None:
    policy = _json_doc(inst.values.get("policy"))
    bucket.attributes["policy"] = policy
    bucket.attributes["is_public_by_policy"] = _judged(is_public_policy, policy)
    bucket.attributes["secure_transport_enforced"] = _judged(denies_insecure_transport, policy)


def _fold_s3_acl(b: _Builder, inst: _Instance, bucket: Resource) -> None:
    v = inst.values
    acl = v.get("acl")
    grants: list[dict[str, Any]] = []
    policy = _block(v, "access_control_policy")
    if not _known(acl) or not _known(policy):
        bucket.attributes["is_public_by_acl"] = UNKNOWN
        bucket.attributes["acl_grants"] = UNKNOWN
        return
    for grant in _blocks(policy or {}, "grant") if policy else []:
        grantee = _block(grant, "grantee") or {}
        who = grantee.get("uri") or grantee.get("id") or grantee.get("email_address") or ""
        grants.append({"grantee": _grantee(str(who)), "permission": grant.get("permission")})
    bucket.attributes["acl_grants"] = grants
    bucket.attributes["is_public_by_acl"] = acl in _S3_PUBLIC_ACLS or _grants_public(grants)


def _fold_s3_logging(b: _Builder, inst: _Instance, bucket: Resource) -> None:
    target = inst.values.get("target_bucket")
    bucket.attributes["logging_target"] = target
    for rid in b.link(inst, "target_bucket", ("aws_s3_bucket",), "aws.s3.bucket"):
        bucket.relations.append(_rel("logs_to", rid))


def _fold_s3_lifecycle(b: _Builder, inst: _Instance, bucket: Resource) -> None:
    rules = _blocks(inst.values, "rule")
    bucket.attributes["lifecycle_rule_count"] = len(rules) if isinstance(rules, list) else UNKNOWN


# ---------------------------------------------------------------------- AWS: network
def _sg_entries(rule: Mapping[str, Any], group_self: str | None) -> list[dict[str, Any]]:
    """Flatten one inline ingress/egress block or aws_security_group_rule into entries."""
    protocol = _protocol(rule.get("protocol", rule.get("ip_protocol")))
    all_traffic = protocol == "-1"
    base = {
        "protocol": protocol,
        "from_port": None if all_traffic else _int(rule.get("from_port")),
        "to_port": None if all_traffic else _int(rule.get("to_port")),
        "description": rule.get("description") or "",
    }
    out: list[dict[str, Any]] = []
    sources: list[tuple[Any, str]] = []
    for key, kind in (
        ("cidr_blocks", "cidr4"),
        ("ipv6_cidr_blocks", "cidr6"),
        ("prefix_list_ids", "prefix_list"),
        ("security_groups", "group"),
    ):
        values = rule.get(key)
        if not _known(values):
            sources.append((UNKNOWN, kind))
        else:
            sources.extend((value, kind) for value in values or ())
    for key, kind in (
        ("source_security_group_id", "group"),
        ("cidr_ipv4", "cidr4"),
        ("cidr_ipv6", "cidr6"),
        ("prefix_list_id", "prefix_list"),
        ("referenced_security_group_id", "group"),
    ):
        value = rule.get(key)
        if value is not None and value != "":
            sources.append((value, kind))
    if rule.get("self") is True:
        sources.append((group_self or UNKNOWN, "group"))
    # A rule has one kind of source; the provider marks the unused ones computed
    # (unknown), so an unknown source counts only when no known source is given.
    known = [(source, kind) for source, kind in sources if _known(source)]
    if known:
        sources = known
    for source, kind in sources:
        out.append({**base, "source": source, "source_type": kind})
    return out


def _allows_from(entries: list[Any]) -> list[Relation]:
    out = []
    for entry in entries:
        if isinstance(entry, dict) and cidr_is_internet(entry.get("source")):
            out.append(
                _rel(
                    "allows_from",
                    INTERNET,
                    protocol=entry["protocol"],
                    from_port=entry["from_port"],
                    to_port=entry["to_port"],
                )
            )
    return out


_ALL_EGRESS = {
    "protocol": "-1",
    "from_port": None,
    "to_port": None,
    "source": "0.0.0.0/0",
    "source_type": "cidr4",
    "description": "",
}


def _security_group(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    group_id = v.get("id", UNKNOWN)
    own = group_id if isinstance(group_id, str) and _known(group_id) else None
    rule_sets: dict[str, Any] = {}
    for direction in ("ingress", "egress"):
        blocks = v.get(direction)
        if not _known(blocks) and inst.is_create:
            # A new group has no ingress and allows all egress, plus what rules add.
            blocks = [] if direction == "ingress" else None
            rule_sets[direction] = [] if direction == "ingress" else [dict(_ALL_EGRESS)]
            continue
        if not _known(blocks):
            rule_sets[direction] = [UNKNOWN]
            continue
        entries: list[Any] = []
        for block in blocks or ():
            entries.extend(_sg_entries(block, own))
        rule_sets[direction] = entries
    is_default = inst.tf_type == "aws_default_security_group"
    attrs = {
        "group_id": group_id,
        "is_default": is_default,
        "description": v.get("description"),
        "ingress": rule_sets["ingress"],
        "egress": rule_sets["egress"],
        "attachment_count": UNKNOWN,
    }
    relations = _rels("in_vpc", b.link(inst, "vpc_id", ("aws_vpc",), "aws.ec2.vpc"))
    return b.resource(
        inst, "aws.ec2.security_group", attrs, name=v.get("name"), relations=relations
    )


def _fold_sg_rule(b: _Builder, inst: _Instance, group: Resource) -> None:
    v = inst.values
    if inst.tf_type == "aws_security_group_rule":
        direction = v.get("type")
    else:
        direction = "egress" if inst.tf_type.endswith("egress_rule") else "ingress"
    if direction not in ("ingress", "egress"):
        return
    own = group.attributes.get("group_id")
    entries = _sg_entries(v, own if isinstance(own, str) and _known(own) else None)
    _append(group, direction, entries)


def _finish_security_group(b: _Builder, group: Resource, partial: bool) -> None:
    ingress = group.attributes.get("ingress")
    group.relations = [r for r in group.relations if r.type != "allows_from"]
    if isinstance(ingress, list):
        group.relations.extend(_allows_from(ingress))
        own = group.attributes.get("group_id")
        for entry in ingress:
            if isinstance(entry, dict) and entry.get("source_type") == "group":
                source = entry.get("source")
                if isinstance(source, str) and _known(source) and source != own:
                    target = b.identity_index.get(("aws_security_group", source))
                    group.relations.append(
                        _rel(
                            "allows_from",
                            TF_PREFIX + target
                            if target
                            else f"{REF_PREFIX}aws.ec2.security_group:{source}",
                            protocol=entry["protocol"],
                            from_port=entry["from_port"],
                            to_port=entry["to_port"],
                        )
                    )


def _vpc(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    attrs = {
        "cidr_block": v.get("cidr_block"),
        "is_default": inst.tf_type == "aws_default_vpc",
        "flow_logs_enabled": False if inst.is_create else UNKNOWN,
    }
    return b.resource(inst, "aws.ec2.vpc", attrs, name=(v.get("tags") or {}).get("Name"))


def _fold_flow_log(b: _Builder, inst: _Instance, vpc: Resource) -> None:
    vpc.attributes["flow_logs_enabled"] = True


def _subnet(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    attrs = {
        "cidr_block": v.get("cidr_block"),
        "availability_zone": v.get("availability_zone"),
        "map_public_ip_on_launch": _bool(v.get("map_public_ip_on_launch"), False),
        "has_internet_route": UNKNOWN,
    }
    relations = _rels("in_vpc", b.link(inst, "vpc_id", ("aws_vpc",), "aws.ec2.vpc"))
    return b.resource(
        inst, "aws.ec2.subnet", attrs, name=(v.get("tags") or {}).get("Name"), relations=relations
    )


# ---------------------------------------------------------------------- AWS: compute
def _instance(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    metadata = _block(v, "metadata_options")
    imds: Any
    if not _known(metadata):
        imds = UNKNOWN
    else:
        imds = {
            "http_tokens": _get(metadata, "http_tokens", UNKNOWN),
            "http_endpoint": _get(metadata, "http_endpoint", "enabled"),
        }
    public_ip = v.get("public_ip")
    if not isinstance(public_ip, str) or not public_ip or not _known(public_ip):
        associate = v.get("associate_public_ip_address")
        public_ip = UNKNOWN if associate is True or not _known(associate) else None
    root = _block(v, "root_block_device")
    user_data = v.get("user_data")
    secrets: Any = []
    if (
        isinstance(user_data, str)
        and _known(user_data)
        and not re.fullmatch(r"[0-9a-f]{40}", user_data)
    ):
        secrets = scan_text(user_data, "user_data")
    elif not _known(user_data):
        secrets = UNKNOWN
    monitoring = v.get("monitoring")
    attrs = {
        "instance_type": v.get("instance_type"),
        "state": _created_default(inst, v.get("instance_state"), "running") or "running",
        "launch_time": None,
        "image_id": v.get("ami"),
        "public_ip": public_ip,
        "private_ip": v.get("private_ip"),
        "availability_zone": v.get("availability_zone"),
        "imds": imds,
        "iam_instance_profile": v.get("iam_instance_profile") or None,
        "monitoring": UNKNOWN
        if not _known(monitoring)
        else ("enabled" if monitoring else "disabled"),
        "secrets": secrets,
        "root_volume_encrypted": UNKNOWN if not _known(root) else _get(root, "encrypted", False),
    }
    relations = _rels("in_subnet", b.link(inst, "subnet_id", ("aws_subnet",), "aws.ec2.subnet"))
    for attr in ("vpc_security_group_ids", "security_groups"):
        relations += _rels(
            "protected_by",
            b.link(inst, attr, ("aws_security_group",), "aws.ec2.security_group"),
        )
    tags = v.get("tags") or {}
    name = tags.get("Name") if isinstance(tags, dict) else None
    return b.resource(inst, "aws.ec2.instance", attrs, name=name, relations=relations)


def _ebs_volume(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    attrs = {
        "volume_type": _created_default(inst, v.get("type"), "gp2"),
        "size_gb": _int(v.get("size")),
        "state": "available" if inst.is_create else UNKNOWN,
        "encrypted": _bool(_created_default(inst, v.get("encrypted"), False), False),
        "kms_key_id": v.get("kms_key_id") or None,
        "created_at": None,
    }
    relations = _rels("encrypted_by", b.link(inst, "kms_key_id", ("aws_kms_key",), "aws.kms.key"))
    tags = v.get("tags") or {}
    name = tags.get("Name") if isinstance(tags, dict) else None
    return b.resource(inst, "aws.ec2.volume", attrs, name=name, relations=relations)


def _fold_volume_attachment(b: _Builder, inst: _Instance, volume: Resource) -> None:
    volume.attributes["state"] = "in-use"
    for target in b.link(inst, "instance_id", ("aws_instance",), "aws.ec2.instance"):
        volume.relations.append(_rel("attached_to", target))


def _eip(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    attached = v.get("instance") or v.get("network_interface")
    attrs = {
        "public_ip": v.get("public_ip", UNKNOWN),
        "association_id": UNKNOWN if attached else v.get("association_id"),
    }
    relations = _rels(
        "attached_to", b.link(inst, "instance", ("aws_instance",), "aws.ec2.instance")
    )
    return b.resource(inst, "aws.ec2.eip", attrs, relations=relations)


def _lambda(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    env = _block(v, "environment")
    variables = UNKNOWN if not _known(env) else _get(env or {}, "variables", {})
    tracing = _block(v, "tracing_config")
    vpc_config = _block(v, "vpc_config")
    attrs = {
        "runtime": v.get("runtime"),
        "memory_mb": _int(v.get("memory_size"), 128),
        "timeout_s": _int(v.get("timeout"), 3),
        "environment_keys": sorted(variables) if isinstance(variables, dict) else UNKNOWN,
        "secrets": _env_secrets(variables, "env"),
        "function_url_auth_type": None,
        "is_public_by_policy": False if inst.is_create else UNKNOWN,
        "tracing_mode": UNKNOWN if not _known(tracing) else _get(tracing, "mode", "PassThrough"),
        "in_vpc": UNKNOWN
        if not _known(vpc_config)
        else bool(vpc_config and _get(vpc_config, "subnet_ids")),
        "last_modified": None,
    }
    relations = _rels("runs_as", b.link(inst, "role", ("aws_iam_role",), "aws.iam.role"))
    return b.resource(
        inst, "aws.lambda.function", attrs, name=v.get("function_name"), relations=relations
    )


def _fold_lambda_url(b: _Builder, inst: _Instance, fn: Resource) -> None:
    fn.attributes["function_url_auth_type"] = inst.values.get("authorization_type")


def _fold_lambda_permission(b: _Builder, inst: _Instance, fn: Resource) -> None:
    principal = inst.values.get("principal")
    if principal == "*" and not inst.values.get("source_arn"):
        fn.attributes["is_public_by_policy"] = True


# ---------------------------------------------------------------------- AWS: data
def _db_instance(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    attrs = {
        "engine": v.get("engine"),
        "engine_version": v.get("engine_version"),
        "instance_class": v.get("instance_class"),
        "storage_encrypted": _bool(v.get("storage_encrypted"), False),
        "kms_key_id": v.get("kms_key_id") or None,
        "publicly_accessible": _bool(v.get("publicly_accessible"), False),
        "multi_az": _bool(v.get("multi_az"), False),
        "backup_retention_days": _int(v.get("backup_retention_period"), UNKNOWN),
        "deletion_protection": _bool(v.get("deletion_protection"), False),
        "auto_minor_version_upgrade": _bool(v.get("auto_minor_version_upgrade"), True),
        "iam_auth_enabled": _bool(v.get("iam_database_authentication_enabled"), False),
        "allocated_storage_gb": _int(v.get("allocated_storage")),
    }
    relations = _rels(
        "protected_by",
        b.link(inst, "vpc_security_group_ids", ("aws_security_group",), "aws.ec2.security_group"),
    )
    relations += _rels("encrypted_by", b.link(inst, "kms_key_id", ("aws_kms_key",), "aws.kms.key"))
    return b.resource(
        inst, "aws.rds.instance", attrs, name=v.get("identifier"), relations=relations
    )


def _dynamodb(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    pitr = _block(v, "point_in_time_recovery")
    sse = _block(v, "server_side_encryption")
    attrs = {
        "pitr_enabled": UNKNOWN if not _known(pitr) else bool(pitr and pitr.get("enabled")),
        "sse_type": UNKNOWN
        if not _known(sse)
        else ("KMS" if sse and sse.get("enabled") else "AES256"),
        "billing_mode": v.get("billing_mode") or "PROVISIONED",
        "deletion_protection": _bool(v.get("deletion_protection_enabled"), False),
    }
    return b.resource(inst, "aws.dynamodb.table", attrs, name=v.get("name"))


def _efs(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    attrs = {
        "encrypted": _bool(v.get("encrypted"), False),
        "kms_key_id": v.get("kms_key_id") or None,
    }
    return b.resource(inst, "aws.efs.file_system", attrs, name=v.get("creation_token"))


def _sqs(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    attrs = {
        "kms_key_id": v.get("kms_master_key_id") or None,
        "sqs_managed_sse": _bool(v.get("sqs_managed_sse_enabled"), False),
        "is_public_by_policy": _judged(is_public_policy, _json_doc(v.get("policy"))),
    }
    return b.resource(inst, "aws.sqs.queue", attrs, name=v.get("name"))


def _sns(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    attrs = {
        "kms_key_id": v.get("kms_master_key_id") or None,
        "is_public_by_policy": _judged(is_public_policy, _json_doc(v.get("policy"))),
    }
    return b.resource(inst, "aws.sns.topic", attrs, name=v.get("name"))


# ---------------------------------------------------------------------- AWS: keys, logs
def _kms_key(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    enabled = _bool(v.get("is_enabled"), True)
    attrs = {
        "key_manager": "CUSTOMER",
        "key_spec": v.get("customer_master_key_spec") or "SYMMETRIC_DEFAULT",
        "state": UNKNOWN if not _known(enabled) else ("Enabled" if enabled else "Disabled"),
        "rotation_enabled": _bool(v.get("enable_key_rotation"), False),
        "policy": _json_doc(v.get("policy")),
        "created_at": None,
    }
    return b.resource(inst, "aws.kms.key", attrs, name=v.get("description"))


def _secret(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    attrs = {
        "rotation_enabled": False if inst.is_create else UNKNOWN,
        "rotation_days": None,
        "last_rotated_at": None,
        "last_accessed_at": None,
        "kms_key_id": v.get("kms_key_id") or None,
    }
    return b.resource(inst, "aws.secretsmanager.secret", attrs, name=v.get("name"))


def _fold_secret_rotation(b: _Builder, inst: _Instance, secret: Resource) -> None:
    rules = _block(inst.values, "rotation_rules")
    secret.attributes["rotation_enabled"] = True
    secret.attributes["rotation_days"] = _get(rules, "automatically_after_days")


def _cloudtrail(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    selectors = _blocks(v, "event_selector")
    management: Any = True
    data_events: Any = {"read": False, "write": False}
    if not _known(selectors):
        management, data_events = UNKNOWN, UNKNOWN
    elif selectors:
        management = any(_bool(s.get("include_management_events"), True) for s in selectors)
        for s in selectors:
            for resource in _blocks(s, "data_resource") or ():
                if isinstance(resource, dict) and resource.get("type") == "AWS::S3::Object":
                    rw = s.get("read_write_type") or "All"
                    data_events["read"] |= rw in ("All", "ReadOnly")
                    data_events["write"] |= rw in ("All", "WriteOnly")
    attrs = {
        "is_multi_region": _bool(v.get("is_multi_region_trail"), False),
        "is_logging": _bool(v.get("enable_logging"), True),
        "include_management_events": management,
        "log_file_validation": _bool(v.get("enable_log_file_validation"), False),
        "kms_key_id": v.get("kms_key_id") or None,
        "s3_bucket": v.get("s3_bucket_name"),
        "cloudwatch_logs_group_arn": v.get("cloud_watch_logs_group_arn") or None,
        "s3_data_events": data_events,
    }
    relations = _rels(
        "logs_to", b.link(inst, "s3_bucket_name", ("aws_s3_bucket",), "aws.s3.bucket")
    )
    relations += _rels("encrypted_by", b.link(inst, "kms_key_id", ("aws_kms_key",), "aws.kms.key"))
    return b.resource(inst, "aws.cloudtrail.trail", attrs, name=v.get("name"), relations=relations)


def _log_group(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    retention = _int(v.get("retention_in_days"), 0)
    attrs = {
        "retention_days": retention or None if _known(retention) else UNKNOWN,
        "kms_key_id": v.get("kms_key_id") or None,
        "stored_bytes": 0 if inst.is_create else UNKNOWN,
    }
    return b.resource(inst, "aws.logs.log_group", attrs, name=v.get("name"))


# ---------------------------------------------------------------------- AWS: load balancing
def _load_balancer(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    internal = v.get("internal")
    logs = _block(v, "access_logs")
    attrs = {
        "lb_type": v.get("load_balancer_type") or "application",
        "scheme": UNKNOWN
        if not _known(internal)
        else ("internal" if internal else "internet-facing"),
        "dns_name": v.get("dns_name", UNKNOWN),
        "listeners": [] if inst.is_create else [UNKNOWN],
        "waf_web_acl_arn": None if inst.is_create else UNKNOWN,
        "deletion_protection": _bool(v.get("enable_deletion_protection"), False),
        "access_logs_enabled": UNKNOWN if not _known(logs) else bool(logs and logs.get("enabled")),
        "drop_invalid_header_fields": _bool(v.get("drop_invalid_header_fields"), False),
        "target_count": UNKNOWN,
    }
    relations = _rels(
        "protected_by",
        b.link(inst, "security_groups", ("aws_security_group",), "aws.ec2.security_group"),
    )
    return b.resource(
        inst, "aws.elbv2.load_balancer", attrs, name=v.get("name"), relations=relations
    )


def _fold_listener(b: _Builder, inst: _Instance, lb: Resource) -> None:
    v = inst.values
    actions = _blocks(v, "default_action")
    redirects: Any = UNKNOWN
    if _known(actions):
        redirects = False
        for action in actions:
            redirect = _block(action, "redirect") if isinstance(action, dict) else None
            if (
                isinstance(action, dict)
                and action.get("type") == "redirect"
                and isinstance(redirect, dict)
                and redirect.get("protocol") == "HTTPS"
            ):
                redirects = True
    listener = {
        "port": _int(v.get("port")),
        "protocol": v.get("protocol"),
        "ssl_policy": v.get("ssl_policy") or None,
        "redirects_to_https": redirects,
    }
    _append(lb, "listeners", [listener])


def _fold_waf(b: _Builder, inst: _Instance, lb: Resource) -> None:
    lb.attributes["waf_web_acl_arn"] = inst.values.get("web_acl_arn", UNKNOWN)


# ---------------------------------------------------------------------- AWS: IAM
def _iam_policy(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    attrs = {
        "is_aws_managed": False,
        "document": _json_doc(v.get("policy")),
        # Attachments made outside this plan are invisible; counted from the plan in FINISH.
        "attachment_count": UNKNOWN,
    }
    return b.resource(inst, "aws.iam.policy", attrs, name=v.get("name"), region="global")


def _trust_principals(document: Any) -> list[str]:
    out: list[str] = []
    for statement in statements(document):
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if principal == "*":
            out.append("principal:aws:*")
            continue
        if not isinstance(principal, Mapping):
            continue
        for kind, values in principal.items():
            for value in values if isinstance(values, list) else [values]:
                text = str(value)
                if kind == "Service":
                    out.append(f"principal:aws:service:{text}")
                elif text == "*":
                    out.append("principal:aws:*")
                elif re.fullmatch(r"arn:aws[^:]*:iam::(\d{12}):root", text) or text.isdigit():
                    account = text if text.isdigit() else text.split(":")[4]
                    out.append(f"principal:aws:account:{account}")
                elif text.startswith("arn:"):
                    out.append(text)
                else:
                    out.append(f"principal:aws:{kind.lower()}:{text}")
    return list(dict.fromkeys(out))


def _iam_role(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    trust = _json_doc(v.get("assume_role_policy"))
    managed = v.get("managed_policy_arns")
    inline = _blocks(v, "inline_policy")
    attrs = {
        "created_at": None,
        "trust_policy": trust,
        "attached_policies": _created_default(inst, _list(managed), []),
        "inline_policies": [
            {"name": p.get("name"), "document": _json_doc(p.get("policy"))}
            for p in inline
            if isinstance(p, dict) and p.get("name")
        ]
        if isinstance(inline, list)
        else ([] if inst.is_create else UNKNOWN),
        "last_used_at": None,
        "is_service_linked": str(v.get("path") or "").startswith("/aws-service-role/"),
        "max_session_duration": _int(v.get("max_session_duration"), 3600),
    }
    relations = _rels("trusts", _trust_principals(trust))
    return b.resource(
        inst, "aws.iam.role", attrs, name=v.get("name"), relations=relations, region="global"
    )


def _iam_user(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    attrs = {
        "created_at": None,
        "password_enabled": False if inst.is_create else UNKNOWN,
        "password_last_used_at": None,
        "mfa_enabled": False if inst.is_create else UNKNOWN,
        "access_keys": [] if inst.is_create else [UNKNOWN],
        "attached_policies": [] if inst.is_create else [UNKNOWN],
        "inline_policies": [] if inst.is_create else [UNKNOWN],
        "groups": [] if inst.is_create else [UNKNOWN],
    }
    return b.resource(inst, "aws.iam.user", attrs, name=v.get("name"), region="global")


def _iam_group(b: _Builder, inst: _Instance) -> Resource:
    attrs = {
        "attached_policies": [] if inst.is_create else [UNKNOWN],
        "inline_policies": [] if inst.is_create else [UNKNOWN],
        "member_count": 0 if inst.is_create else UNKNOWN,
    }
    return b.resource(inst, "aws.iam.group", attrs, name=inst.values.get("name"), region="global")


def _policy_ref(b: _Builder, inst: _Instance) -> tuple[Any, list[str]]:
    """The attached policy's ARN (or UNKNOWN) and the ids of the policy resources."""
    arn = inst.values.get("policy_arn", UNKNOWN)
    targets = b.link(inst, "policy_arn", ("aws_iam_policy",), "aws.iam.policy")
    return arn, targets


def _fold_policy_attachment(b: _Builder, inst: _Instance, principal: Resource) -> None:
    arn, targets = _policy_ref(b, inst)
    _append(principal, "attached_policies", [arn])
    principal.relations.extend(_rels("has_policy", targets))
    for target in targets:
        policy = b.resources.get(target)
        if policy is not None:
            count = policy.attributes.get("attachment_count")
            policy.attributes["attachment_count"] = (count if isinstance(count, int) else 0) + 1


def _fold_inline_policy(b: _Builder, inst: _Instance, principal: Resource) -> None:
    policy = {"name": inst.values.get("name"), "document": _json_doc(inst.values.get("policy"))}
    _append(principal, "inline_policies", [policy])


def _fold_access_key(b: _Builder, inst: _Instance, user: Resource) -> None:
    key = {
        "id": inst.values.get("id", UNKNOWN),
        "status": inst.values.get("status") or "Active",
        "created_at": None,
        "last_used_at": None,
    }
    _append(user, "access_keys", [key])


def _fold_login_profile(b: _Builder, inst: _Instance, user: Resource) -> None:
    user.attributes["password_enabled"] = True


def _fold_group_membership(b: _Builder, inst: _Instance, user: Resource) -> None:
    groups = _list(inst.values.get("groups"))
    _append(user, "groups", groups if isinstance(groups, list) else [UNKNOWN])


def _finish_iam_policy(b: _Builder, policy: Resource, partial: bool) -> None:
    # A policy whose attachments are all in the plan still may be attached elsewhere;
    # keep UNKNOWN unless the plan attaches it (then the plan's count is a lower bound).
    return None


# ---------------------------------------------------------------------- GCP
def _gcp_ports(blocks: Any) -> Any:
    if not _known(blocks):
        return UNKNOWN
    out: list[dict[str, Any]] = []
    for block in blocks or ():
        protocol = str(block.get("protocol", "all")).lower()
        ports = block.get("ports") or []
        if not _known(ports):
            out.append({"protocol": protocol, "from_port": UNKNOWN, "to_port": UNKNOWN})
            continue
        if not ports:
            out.append({"protocol": protocol, "from_port": 0, "to_port": 65535})
        for port in ports:
            low, _, high = str(port).partition("-")
            out.append({"protocol": protocol, "from_port": _int(low), "to_port": _int(high or low)})
    return out


def _firewall(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    allowed = _gcp_ports(v.get("allow"))
    disabled = _bool(v.get("disabled"), False)
    ranges = _list(v.get("source_ranges"))
    direction = v.get("direction") or "INGRESS"
    attrs = {
        "direction": direction,
        "disabled": disabled,
        "priority": _int(v.get("priority"), 1000),
        "source_ranges": ranges,
        "target_tags": _list(v.get("target_tags")),
        "target_service_accounts": _list(v.get("target_service_accounts")),
        "allowed": allowed,
        "denied": _gcp_ports(v.get("deny")),
        "logging_enabled": bool(_block(v, "log_config")),
    }
    relations = _rels(
        "in_network", b.link(inst, "network", ("google_compute_network",), "gcp.compute.network")
    )
    if (
        disabled is False
        and direction == "INGRESS"
        and isinstance(allowed, list)
        and allowed
        and isinstance(ranges, list)
        and any(cidr_is_internet(r) for r in ranges)
    ):
        relations.append(_rel("allows_from", INTERNET, **allowed[0]))
    return b.resource(
        inst,
        "gcp.compute.firewall",
        attrs,
        name=v.get("name"),
        relations=relations,
        region="global",
    )


def _network(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    attrs = {
        "auto_create_subnetworks": _bool(v.get("auto_create_subnetworks"), True),
        "routing_mode": v.get("routing_mode") or "REGIONAL",
        "is_default": v.get("name") == "default",
    }
    return b.resource(inst, "gcp.compute.network", attrs, name=v.get("name"), region="global")


def _subnetwork(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    attrs = {
        "ip_cidr_range": v.get("ip_cidr_range"),
        "private_google_access": _bool(v.get("private_ip_google_access"), False),
        "flow_logs_enabled": bool(_block(v, "log_config")),
    }
    relations = _rels(
        "in_network", b.link(inst, "network", ("google_compute_network",), "gcp.compute.network")
    )
    return b.resource(
        inst, "gcp.compute.subnetwork", attrs, name=v.get("name"), relations=relations
    )


def _metadata_flag(metadata: Any, key: str) -> Any:
    if not _known(metadata):
        return UNKNOWN
    value = (metadata or {}).get(key)
    if value is None:
        return None
    return str(value).lower() in ("true", "1", "yes")


_CLOUD_PLATFORM = {"cloud-platform", "https://www.googleapis.com/auth/cloud-platform"}


def _compute_instance(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    interfaces = _blocks(v, "network_interface")
    public_ip: Any = None
    if not _known(interfaces):
        public_ip = UNKNOWN
    else:
        for nic in interfaces:
            access = _blocks(nic, "access_config") if isinstance(nic, dict) else []
            if not _known(access):
                public_ip = UNKNOWN
            elif access:
                nat_ip = access[0].get("nat_ip") if isinstance(access[0], dict) else None
                public_ip = nat_ip if isinstance(nat_ip, str) and nat_ip else UNKNOWN
            if public_ip is not None:
                break
    accounts = _blocks(v, "service_account")
    service_accounts: Any = UNKNOWN
    uses_default: Any = UNKNOWN
    full_api: Any = UNKNOWN
    if _known(accounts):
        service_accounts = [
            {"email": a.get("email") or None, "scopes": _list(a.get("scopes"))}
            for a in accounts
            if isinstance(a, dict)
        ]
        uses_default = any(
            a["email"] is None
            or (
                isinstance(a["email"], str)
                and a["email"].endswith("-compute@developer.gserviceaccount.com")
            )
            for a in service_accounts
        )
        full_api = any(
            isinstance(a["scopes"], list) and bool(set(a["scopes"]) & _CLOUD_PLATFORM)
            for a in service_accounts
        )
    metadata = v.get("metadata") or {}
    shielded = _block(v, "shielded_instance_config")
    secrets: Any = []
    startup = v.get("metadata_startup_script")
    if isinstance(metadata, dict) and isinstance(metadata.get("startup-script"), str):
        startup = metadata.get("startup-script")
    if isinstance(startup, str) and _known(startup):
        secrets = scan_text(startup, "metadata:startup-script")
    attrs = {
        "machine_type": v.get("machine_type"),
        "status": v.get("desired_status") or "RUNNING",
        "zone": v.get("zone"),
        "public_ip": public_ip,
        "network_tags": _list(v.get("tags")),
        "service_accounts": service_accounts,
        "uses_default_service_account": uses_default,
        "has_full_api_access": full_api,
        "block_project_ssh_keys": _metadata_flag(metadata, "block-project-ssh-keys") or False,
        "os_login_enabled": _metadata_flag(metadata, "enable-oslogin"),
        "serial_port_enabled": _metadata_flag(metadata, "serial-port-enable") or False,
        "can_ip_forward": _bool(v.get("can_ip_forward"), False),
        "shielded_vm": UNKNOWN
        if not _known(shielded)
        else {
            "secure_boot": _get(shielded, "enable_secure_boot", False),
            "vtpm": _get(shielded, "enable_vtpm", True),
            "integrity_monitoring": _get(shielded, "enable_integrity_monitoring", True),
        },
        "confidential_compute": bool(_block(v, "confidential_instance_config")),
        "is_gke_node": False,
        "secrets": secrets,
        "created_at": None,
    }
    relations: list[Relation] = []
    if isinstance(interfaces, list):
        for nic in interfaces:
            if not isinstance(nic, dict):
                continue
            # a nested block's expressions carry no references of their own: link by value
            fake = _Instance(inst.address, inst.module, inst.tf_type, inst.name, inst.actions, nic)
            relations += _rels(
                "in_network",
                b.link(fake, "network", ("google_compute_network",), "gcp.compute.network"),
            )
            relations += _rels(
                "in_subnet",
                b.link(
                    fake, "subnetwork", ("google_compute_subnetwork",), "gcp.compute.subnetwork"
                ),
            )
    return b.resource(inst, "gcp.compute.instance", attrs, name=v.get("name"), relations=relations)


def _member_principal(member: str) -> str:
    return f"principal:gcp:{member}"


def _bindings(inst: _Instance) -> list[dict[str, Any]]:
    v = inst.values
    if inst.tf_type.endswith("_iam_policy"):
        doc = _json_doc(v.get("policy_data"))
        out = []
        for binding in (doc or {}).get("bindings") or ():
            out.append({"role": binding.get("role"), "members": list(binding.get("members") or ())})
        return out
    members = [v.get("member")] if inst.tf_type.endswith("_iam_member") else _list(v.get("members"))
    return [{"role": v.get("role"), "members": members if isinstance(members, list) else [UNKNOWN]}]


def _fold_iam_binding(b: _Builder, inst: _Instance, parent: Resource) -> None:
    bindings = _bindings(inst)
    _append(parent, "iam_bindings", bindings)
    for binding in bindings:
        for member in binding["members"]:
            if isinstance(member, str) and _known(member):
                parent.relations.append(
                    _rel("iam_binding", _member_principal(member), role=binding["role"])
                )


def _finish_public(b: _Builder, resource: Resource, partial: bool) -> None:
    bindings = resource.attributes.get("iam_bindings")
    if not isinstance(bindings, list):
        return
    members = [
        m for binding in bindings if isinstance(binding, dict) for m in binding.get("members") or ()
    ]
    if any(is_public_member(m) for m in members):
        resource.attributes["is_public"] = True
    elif any(not _known(m) for m in members) or any(not _known(x) for x in bindings):
        resource.attributes["is_public"] = UNKNOWN
    elif not partial:
        resource.attributes["is_public"] = False


def _storage_bucket(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    versioning = _block(v, "versioning")
    retention = _block(v, "retention_policy")
    logging_block = _block(v, "logging")
    encryption = _block(v, "encryption")
    attrs = {
        "location": v.get("location"),
        "uniform_bucket_level_access": _bool(v.get("uniform_bucket_level_access"), False),
        "public_access_prevention": _created_default(
            inst, v.get("public_access_prevention"), "inherited"
        ),
        "versioning_enabled": UNKNOWN
        if not _known(versioning)
        else bool(versioning and versioning.get("enabled")),
        "retention_period_days": UNKNOWN
        if not _known(retention)
        else (
            round(int(retention["retention_period"]) / 86400)
            if retention
            and isinstance(retention.get("retention_period"), int | str)
            and str(retention.get("retention_period")).isdigit()
            else None
        ),
        "logging_bucket": _get(logging_block, "log_bucket"),
        "kms_key_name": _get(encryption, "default_kms_key_name"),
        "iam_bindings": [] if inst.is_create else [UNKNOWN],
        "is_public": False if inst.is_create else UNKNOWN,
    }
    return b.resource(
        inst,
        "gcp.storage.bucket",
        attrs,
        name=v.get("name"),
        region=str(v.get("location") or "global").lower()
        if _known(v.get("location"))
        else "global",
    )


def _sql_instance(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    settings = _block(v, "settings")
    ip: Any = _block(settings, "ip_configuration")
    backup: Any = _block(settings, "backup_configuration")
    flags = _blocks(settings, "database_flags") if isinstance(settings, dict) else UNKNOWN
    networks: Any = UNKNOWN
    ssl_mode: Any = UNKNOWN
    public: Any = UNKNOWN
    if _known(ip):
        ip = ip or {}
        authorized = _blocks(ip, "authorized_networks")
        networks = (
            [n.get("value") for n in authorized if isinstance(n, dict)]
            if isinstance(authorized, list)
            else UNKNOWN
        )
        public = _bool(ip.get("ipv4_enabled"), True)
        ssl_mode = ip.get("ssl_mode") or (
            "ENCRYPTED_ONLY" if ip.get("require_ssl") is True else "ALLOW_UNENCRYPTED_AND_ENCRYPTED"
        )
    attrs = {
        "database_version": v.get("database_version"),
        "public_ip_enabled": public,
        "authorized_networks": networks,
        "ssl_mode": ssl_mode,
        "backup_enabled": UNKNOWN if not _known(backup) else bool(backup and backup.get("enabled")),
        "pitr_enabled": UNKNOWN
        if not _known(backup)
        else bool(backup and backup.get("point_in_time_recovery_enabled")),
        "availability_type": _get(settings, "availability_type", "ZONAL"),
        "database_flags": {f.get("name"): f.get("value") for f in flags if isinstance(f, dict)}
        if isinstance(flags, list)
        else UNKNOWN,
        "deletion_protection": _bool(v.get("deletion_protection"), True),
        "tier": _get(settings, "tier"),
    }
    relations: list[Relation] = []
    if isinstance(ip, dict) and isinstance(ip.get("private_network"), str):
        relations.append(
            _rel("in_network", f"{REF_PREFIX}gcp.compute.network:{ip['private_network']}")
        )
    return b.resource(inst, "gcp.sql.instance", attrs, name=v.get("name"), relations=relations)


def _crypto_key(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    attrs = {
        "purpose": v.get("purpose") or "ENCRYPT_DECRYPT",
        "rotation_period_days": _seconds_to_days(v.get("rotation_period")),
        "iam_bindings": [] if inst.is_create else [UNKNOWN],
        "is_public": False if inst.is_create else UNKNOWN,
    }
    resource = b.resource(inst, "gcp.kms.crypto_key", attrs, name=v.get("name"))
    return resource


def _container_cluster(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    private = _block(v, "private_cluster_config")
    policy = _block(v, "network_policy")
    channel = _block(v, "release_channel")
    attrs = {
        "private_nodes": UNKNOWN
        if not _known(private)
        else bool(private and private.get("enable_private_nodes")),
        "master_authorized_networks_enabled": bool(_block(v, "master_authorized_networks_config")),
        "legacy_abac_enabled": _bool(v.get("enable_legacy_abac"), False),
        "network_policy_enabled": UNKNOWN
        if not _known(policy)
        else bool(policy and policy.get("enabled")),
        "workload_identity_enabled": bool(_block(v, "workload_identity_config")),
        "shielded_nodes_enabled": _bool(v.get("enable_shielded_nodes"), True),
        "release_channel": _get(channel, "channel"),
    }
    relations = _rels(
        "in_network", b.link(inst, "network", ("google_compute_network",), "gcp.compute.network")
    )
    return b.resource(inst, "gcp.container.cluster", attrs, name=v.get("name"), relations=relations)


def _project(b: _Builder, inst: _Instance) -> Resource:
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


def _service_account(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    attrs = {
        "email": v.get("email", UNKNOWN),
        "disabled": _bool(v.get("disabled"), False),
        "is_default_compute": False,
        "project_roles": UNKNOWN,
    }
    return b.resource(
        inst, "gcp.iam.service_account", attrs, name=v.get("account_id"), region="global"
    )


def _bigquery_dataset(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    encryption = _block(v, "default_encryption_configuration")
    access = _blocks(v, "access")
    public: Any = UNKNOWN
    if isinstance(access, list):
        public = any(
            isinstance(a, dict)
            and (is_public_member(a.get("special_group")) or is_public_member(a.get("iam_member")))
            for a in access
        )
    elif inst.is_create:
        public = False
    attrs = {"kms_key_name": _get(encryption, "kms_key_name"), "is_public": public}
    return b.resource(inst, "gcp.bigquery.dataset", attrs, name=v.get("dataset_id"))


def _dns_zone(b: _Builder, inst: _Instance) -> Resource:
    v = inst.values
    dnssec = _block(v, "dnssec_config")
    specs = _blocks(dnssec, "default_key_specs") if isinstance(dnssec, dict) else []
    attrs = {
        "visibility": v.get("visibility") or "public",
        "dnssec_state": _get(dnssec, "state", "off") if _known(dnssec) else UNKNOWN,
        "dnssec_key_algorithms": [s.get("algorithm") for s in specs if isinstance(s, dict)]
        if isinstance(specs, list)
        else UNKNOWN,
    }
    return b.resource(inst, "gcp.dns.managed_zone", attrs, name=v.get("name"), region="global")


# ---------------------------------------------------------------------- registries
# Terraform type -> (normal type, mapper). Every normal type is one of scanner.catalog.TYPES.
PRIMARY: dict[str, tuple[str, Mapper]] = {
    "aws_s3_bucket": ("aws.s3.bucket", _s3_bucket),
    "aws_security_group": ("aws.ec2.security_group", _security_group),
    "aws_default_security_group": ("aws.ec2.security_group", _security_group),
    "aws_vpc": ("aws.ec2.vpc", _vpc),
    "aws_default_vpc": ("aws.ec2.vpc", _vpc),
    "aws_subnet": ("aws.ec2.subnet", _subnet),
    "aws_instance": ("aws.ec2.instance", _instance),
    "aws_ebs_volume": ("aws.ec2.volume", _ebs_volume),
    "aws_eip": ("aws.ec2.eip", _eip),
    "aws_lambda_function": ("aws.lambda.function", _lambda),
    "aws_db_instance": ("aws.rds.instance", _db_instance),
    "aws_dynamodb_table": ("aws.dynamodb.table", _dynamodb),
    "aws_efs_file_system": ("aws.efs.file_system", _efs),
    "aws_sqs_queue": ("aws.sqs.queue", _sqs),
    "aws_sns_topic": ("aws.sns.topic", _sns),
    "aws_kms_key": ("aws.kms.key", _kms_key),
    "aws_secretsmanager_secret": ("aws.secretsmanager.secret", _secret),
    "aws_cloudtrail": ("aws.cloudtrail.trail", _cloudtrail),
    "aws_cloudwatch_log_group": ("aws.logs.log_group", _log_group),
    "aws_lb": ("aws.elbv2.load_balancer", _load_balancer),
    "aws_alb": ("aws.elbv2.load_balancer", _load_balancer),
    "aws_iam_policy": ("aws.iam.policy", _iam_policy),
    "aws_iam_role": ("aws.iam.role", _iam_role),
    "aws_iam_user": ("aws.iam.user", _iam_user),
    "aws_iam_group": ("aws.iam.group", _iam_group),
    "google_compute_firewall": ("gcp.compute.firewall", _firewall),
    "google_compute_network": ("gcp.compute.network", _network),
    "google_compute_subnetwork": ("gcp.compute.subnetwork", _subnetwork),
    "google_compute_instance": ("gcp.compute.instance", _compute_instance),
    "google_storage_bucket": ("gcp.storage.bucket", _storage_bucket),
    "google_sql_database_instance": ("gcp.sql.instance", _sql_instance),
    "google_kms_crypto_key": ("gcp.kms.crypto_key", _crypto_key),
    "google_container_cluster": ("gcp.container.cluster", _container_cluster),
    "google_project": ("gcp.resourcemanager.project", _project),
    "google_service_account": ("gcp.iam.service_account", _service_account),
    "google_bigquery_dataset": ("gcp.bigquery.dataset", _bigquery_dataset),
    "google_dns_managed_zone": ("gcp.dns.managed_zone", _dns_zone),
}

_S3 = ("aws_s3_bucket",)
_SG = ("aws_security_group", "aws_default_security_group")
_LB = ("aws_lb", "aws_alb")

# Terraform sub-resource type -> (parent normal type, parent Terraform types, the
# attribute naming the parent, folder).
FOLDS: dict[str, tuple[str, tuple[str, ...], str, Folder]] = {
    "aws_s3_bucket_public_access_block": ("aws.s3.bucket", _S3, "bucket", _fold_s3_pab),
    "aws_s3_bucket_server_side_encryption_configuration": (
        "aws.s3.bucket",
        _S3,
        "bucket",
        _fold_s3_sse,
    ),
    "aws_s3_bucket_versioning": ("aws.s3.bucket", _S3, "bucket", _fold_s3_versioning),
    "aws_s3_bucket_policy": ("aws.s3.bucket", _S3, "bucket", _fold_s3_policy),
    "aws_s3_bucket_acl": ("aws.s3.bucket", _S3, "bucket", _fold_s3_acl),
    "aws_s3_bucket_logging": ("aws.s3.bucket", _S3, "bucket", _fold_s3_logging),
    "aws_s3_bucket_lifecycle_configuration": ("aws.s3.bucket", _S3, "bucket", _fold_s3_lifecycle),
    "aws_security_group_rule": (
        "aws.ec2.security_group",
        _SG,
        "security_group_id",
        _fold_sg_rule,
    ),
    "aws_vpc_security_group_ingress_rule": (
        "aws.ec2.security_group",
        _SG,
        "security_group_id",
        _fold_sg_rule,
    ),
    "aws_vpc_security_group_egress_rule": (
        "aws.ec2.security_group",
        _SG,
        "security_group_id",
        _fold_sg_rule,
    ),
    "aws_flow_log": ("aws.ec2.vpc", ("aws_vpc", "aws_default_vpc"), "vpc_id", _fold_flow_log),
    "aws_volume_attachment": (
        "aws.ec2.volume",
        ("aws_ebs_volume",),
        "volume_id",
        _fold_volume_attachment,
    ),
    "aws_lambda_function_url": (
        "aws.lambda.function",
        ("aws_lambda_function",),
        "function_name",
        _fold_lambda_url,
    ),
    "aws_lambda_permission": (
        "aws.lambda.function",
        ("aws_lambda_function",),
        "function_name",
        _fold_lambda_permission,
    ),
    "aws_lb_listener": ("aws.elbv2.load_balancer", _LB, "load_balancer_arn", _fold_listener),
    "aws_alb_listener": ("aws.elbv2.load_balancer", _LB, "load_balancer_arn", _fold_listener),
    "aws_wafv2_web_acl_association": (
        "aws.elbv2.load_balancer",
        _LB,
        "resource_arn",
        _fold_waf,
    ),
    "aws_secretsmanager_secret_rotation": (
        "aws.secretsmanager.secret",
        ("aws_secretsmanager_secret",),
        "secret_id",
        _fold_secret_rotation,
    ),
    "aws_iam_role_policy_attachment": (
        "aws.iam.role",
        ("aws_iam_role",),
        "role",
        _fold_policy_attachment,
    ),
    "aws_iam_user_policy_attachment": (
        "aws.iam.user",
        ("aws_iam_user",),
        "user",
        _fold_policy_attachment,
    ),
    "aws_iam_group_policy_attachment": (
        "aws.iam.group",
        ("aws_iam_group",),
        "group",
        _fold_policy_attachment,
    ),
    "aws_iam_role_policy": ("aws.iam.role", ("aws_iam_role",), "role", _fold_inline_policy),
    "aws_iam_user_policy": ("aws.iam.user", ("aws_iam_user",), "user", _fold_inline_policy),
    "aws_iam_access_key": ("aws.iam.user", ("aws_iam_user",), "user", _fold_access_key),
    "aws_iam_user_login_profile": (
        "aws.iam.user",
        ("aws_iam_user",),
        "user",
        _fold_login_profile,
    ),
    "aws_iam_user_group_membership": (
        "aws.iam.user",
        ("aws_iam_user",),
        "user",
        _fold_group_membership,
    ),
    "google_storage_bucket_iam_member": (
        "gcp.storage.bucket",
        ("google_storage_bucket",),
        "bucket",
        _fold_iam_binding,
    ),
    "google_storage_bucket_iam_binding": (
        "gcp.storage.bucket",
        ("google_storage_bucket",),
        "bucket",
        _fold_iam_binding,
    ),
    "google_storage_bucket_iam_policy": (
        "gcp.storage.bucket",
        ("google_storage_bucket",),
        "bucket",
        _fold_iam_binding,
    ),
    "google_kms_crypto_key_iam_member": (
        "gcp.kms.crypto_key",
        ("google_kms_crypto_key",),
        "crypto_key_id",
        _fold_iam_binding,
    ),
    "google_kms_crypto_key_iam_binding": (
        "gcp.kms.crypto_key",
        ("google_kms_crypto_key",),
        "crypto_key_id",
        _fold_iam_binding,
    ),
    "google_project_iam_member": (
        "gcp.resourcemanager.project",
        ("google_project",),
        "project",
        _fold_iam_binding,
    ),
    "google_project_iam_binding": (
        "gcp.resourcemanager.project",
        ("google_project",),
        "project",
        _fold_iam_binding,
    ),
}

# Normal type -> a last pass over each resource once everything is folded in.
FINISH: dict[str, Callable[[_Builder, Resource, bool], None]] = {
    "aws.ec2.security_group": _finish_security_group,
    "aws.iam.policy": _finish_iam_policy,
    "gcp.storage.bucket": _finish_public,
    "gcp.kms.crypto_key": _finish_public,
}


# ---------------------------------------------------------------------- source locations
_RESOURCE_LINE = re.compile(r'^\s*resource\s+"([^"]+)"\s+"([^"]+)"')


def _tf_blocks(path: Path) -> Iterator[tuple[str, str, int, int]]:
    """(type, name, first line, last line) of every resource block in a .tf file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return
    index = 0
    while index < len(lines):
        match = _RESOURCE_LINE.match(lines[index])
        if not match:
            index += 1
            continue
        depth, opened, end = 0, False, index
        for end in range(index, len(lines)):
            # braces inside strings and comments do not count
            text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', lines[end].split("#", 1)[0])
            opens, closes = text.count("{"), text.count("}")
            depth += opens - closes
            opened = opened or opens > 0
            if opened and depth <= 0:
                break
        yield match.group(1), match.group(2), index + 1, end + 1
        index = end + 1


_SKIPPED_DIRS = frozenset({".terraform", ".git", "node_modules", ".venv", ".tools"})


def _index_tf(
    files: Iterable[Path], declared: dict[Path, dict[tuple[str, str], tuple[Path, int, int]]]
) -> None:
    for tf in files:
        if tf.suffix != ".tf" or _SKIPPED_DIRS & set(tf.parts):
            continue
        folder = declared.setdefault(tf.parent, {})
        for rtype, rname, start, end in _tf_blocks(tf):
            folder.setdefault((rtype, rname), (tf, start, end))


def locate_sources(
    plan: Plan,
    search_roots: Iterable[Path],
    cwd: Path | None = None,
    *,
    plan_dir: Path | None = None,
) -> dict[str, SourceBlock]:
    """Find each planned address's `resource` block in the `.tf` files.

    Searched are the folders (recursively) and files in `search_roots`, and the `.tf`
    files right in `plan_dir` (a plan is usually written in its root module's folder).
    The root module is the folder whose files declare most of the plan's root resources;
    module folders come from the configuration's local `source` paths (`./modules/x`).
    Registry and git modules are not located. Files are given relative to `cwd`.
    """
    cwd = (cwd or Path.cwd()).resolve()
    declared: dict[Path, dict[tuple[str, str], tuple[Path, int, int]]] = {}
    for root in search_roots:
        root = root.resolve()
        _index_tf([root] if root.is_file() else sorted(root.rglob("*.tf")), declared)
    if plan_dir is not None and plan_dir.is_dir():
        _index_tf(sorted(plan_dir.resolve().glob("*.tf")), declared)
    declared = {folder: blocks for folder, blocks in declared.items() if blocks}
    if not declared:
        return {}
    changes = plan.changes
    root_keys = {
        (c.tf_type, _strip_index(c.address).split(".")[-1])
        for c in changes
        if not c.address.startswith("module.")
    }
    module_keys = {(c.tf_type, _strip_index(c.address).split(".")[-1]) for c in changes}
    root_dir = max(
        declared,
        key=lambda d: (
            len(root_keys & set(declared[d])),
            len(module_keys & set(declared[d])),
            -len(d.parts),
        ),
    )
    module_dirs = _module_dirs(plan.configuration, root_dir)
    for folder in module_dirs.values():  # local modules outside the searched folders
        if folder not in declared and folder.is_dir():
            _index_tf(sorted(folder.glob("*.tf")), declared)
    out: dict[str, SourceBlock] = {}
    for change in changes:
        parts = _strip_index(change.address).split(".")
        cut = 0
        while cut + 1 < len(parts) and parts[cut] == "module":
            cut += 2
        module_path = ".".join(parts[:cut])
        module_dir = root_dir if not module_path else module_dirs.get(module_path)
        if module_dir is None or len(parts) - cut != 2:
            continue
        rtype, rname = parts[cut], parts[cut + 1]
        found = declared.get(module_dir, {}).get((rtype, rname))
        if found is None:
            continue
        tf, start, end = found
        out[change.address] = SourceBlock(_relative(tf, cwd), start, end)
    return out


def _module_dirs(config: _JSON, root_dir: Path) -> dict[str, Path]:
    out: dict[str, Path] = {}

    def walk(module: _JSON, path: str, folder: Path) -> None:
        for name, call in (module.get("module_calls") or {}).items():
            source = str(call.get("source", ""))
            child = f"{path}.module.{name}" if path else f"module.{name}"
            if source.startswith(("./", "../")):
                child_dir = Path(os.path.normpath(folder / source))
                out[child] = child_dir
                walk(call.get("module") or {}, child, child_dir)

    walk(config.get("root_module") or {}, "", root_dir)
    return out


def _relative(path: Path, cwd: Path) -> str:
    try:
        return path.resolve().relative_to(cwd).as_posix()
    except ValueError:
        return path.resolve().as_posix()
