"""Reading a plan: `terraform show -json` output -> a `Plan` of normal resources.

`read_plan(path)` reads and checks the file, `parse_plan(document)` maps it: the state
after apply (`Plan.resources`), the state before it (`Plan.prior`, for the resources
that exist already), what applying does to each instance (`Plan.changes`), which
addresses make up each resource (`Plan.sources`) and how many values are not known
before apply (`Plan.unknown_values`).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from scanner.collectors.terraform.builder import Builder, Built
from scanner.collectors.terraform.instances import JSON, Instance, instances
from scanner.collectors.terraform.references import Defaults, References, provider_defaults
from scanner.collectors.terraform.registry import FINISH, FOLDS, PRIMARY
from scanner.collectors.terraform.shape import check_plan_shape, finite_float
from scanner.errors import CollectorError
from scanner.model import Resource

__all__ = ["Plan", "PlanChange", "is_plan_document", "parse_plan", "read_plan"]

logger = logging.getLogger(__name__)

_HOW_TO = "write the plan with `terraform show -json plan.out > plan.json`"


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
    configuration: JSON = field(default_factory=dict)

    @property
    def addresses(self) -> dict[str, str]:
        """Address -> id of the normal resource it is part of."""
        return {a: rid for rid, addrs in self.sources.items() for a in addrs}


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
    except UnicodeDecodeError as exc:  # JSON is UTF-8 (RFC 8259); terraform writes nothing else
        msg = f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
        raise CollectorError(msg) from None
    try:
        data = json.loads(text, parse_float=finite_float, parse_constant=_no_constant)
    except ValueError as exc:
        msg = f"{path}: not valid JSON ({exc}); {_HOW_TO}"
        raise CollectorError(msg) from None
    except RecursionError:
        msg = f"{path}: not a Terraform plan (nested too deep to read)"
        raise CollectorError(msg) from None
    return parse_plan(data, str(path))


def _no_constant(name: str) -> object:
    msg = f"{name} is not a JSON number"
    raise ValueError(msg)


def _build(instances: list[Instance], refs: References, defaults: Defaults, source: str) -> Built:
    try:
        return Builder(instances, refs, defaults).build(PRIMARY, FOLDS, FINISH)
    except CollectorError as exc:
        msg = f"{source}: {exc}"
        raise CollectorError(msg) from None


def parse_plan(data: object, source: str = "<plan>") -> Plan:
    """Map a parsed `terraform show -json` document to normal resources.

    Raises:
        CollectorError: the document is not `terraform show -json` output, or a part
            pscan reads has the wrong type (`scanner.collectors.terraform.shape`).
    """
    if not isinstance(data, dict) or not is_plan_document(data):
        msg = f"{source}: not a Terraform plan (no format_version/resource_changes); {_HOW_TO}"
        raise CollectorError(msg)
    check_plan_shape(data, source)
    config = data.get("configuration") or {}
    plan = Plan(path=source, terraform_version=str(data.get("terraform_version", "")))
    plan.configuration = config
    every = list(instances(data))
    refs = References(config, {i.address for i in every})
    defaults = provider_defaults(config)
    after = [i for i in every if not i.is_only_delete]
    before = [
        prior_inst
        for i in every
        if "create" not in i.actions or i.is_replace
        if (prior_inst := i.as_before()) is not None
    ]
    built = _build(after, refs, defaults, source)
    plan.resources = built.resources
    plan.sources = built.sources
    plan.identities = built.identities
    plan.partial = built.partial
    plan.unmapped = built.unmapped
    plan.unknown_values = sum(i.unknown_count for i in after)
    prior = _build(before, refs, defaults, source)
    plan.prior = prior.resources
    for rid, keys in prior.identities.items():  # deleted resources keep their known ids
        plan.identities.setdefault(rid, keys)
    owner = {a: rid for rid, addrs in prior.sources.items() for a in addrs}
    owner.update(plan.addresses)
    for inst in every:
        target = owner.get(inst.address)
        plan.changes.append(PlanChange(inst.address, inst.tf_type, inst.actions, target))
    logger.info(
        "plan %s: %d instances -> %d resources (%d unknown values, %d unmapped instances)",
        source,
        len(every),
        len(plan.resources),
        plan.unknown_values,
        sum(plan.unmapped.values()),
    )
    return plan
