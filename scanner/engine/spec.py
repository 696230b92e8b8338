"""Pydantic models of the files in a rule pack: rules, frameworks, the price table and
shared test estates."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from scanner.model import Category, Remediation, RuleMeta, Severity
from scanner.snapshot import resource_problem

__all__ = [
    "ControlSpec",
    "CostSpec",
    "FrameworkSpec",
    "PriceSource",
    "PriceTable",
    "RuleSpec",
    "SharedEstate",
    "TestCase",
    "UseEstate",
    "fill_placeholders",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TestCase(_Strict):
    """One named set of resources a rule must judge as their ids say (pass-/fail-)."""

    __test__ = False  # not a pytest class

    name: str
    now: str | None = Field(default=None, description="evaluation time, ISO 8601")
    params: dict[str, Any] = Field(
        default_factory=dict,
        description="the rule's params for this case, as `.pscan.yaml` or the standards set them",
    )
    resources: list[dict[str, Any]]

    @field_validator("resources")
    @classmethod
    def _snapshot_shaped(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each resource has the shape a snapshot line must have (the same check), so
        a case can never feed a rule what no scan would."""
        for index, resource in enumerate(value):
            problem = resource_problem(resource)
            if problem:
                msg = f"resource {index}: {problem}"
                raise ValueError(msg)
        return value


class UseEstate(_Strict):
    """A `tests:` entry that runs the cases of a shared estate (`rules/_shared/<use>.yaml`).

    The estate's `{{name}}` placeholders are filled from the rule's `params` and from
    `with`, so rules that differ only in their parameters share one set of cases.
    """

    use: str = Field(description="name of a file in the pack's _shared/ folder, without .yaml")
    with_: dict[str, str] = Field(
        default_factory=dict,
        alias="with",
        description="values for the estate's placeholders that are not params",
    )


class SharedEstate(_Strict):
    """`rules/_shared/<name>.yaml`: test cases several rules run with their own values."""

    description: str
    cases: list[TestCase] = Field(min_length=1)

    def placeholders(self) -> set[str]:
        """The `{{name}}` placeholders its cases use."""
        found: set[str] = set()
        _walk_strings(
            [c.model_dump() for c in self.cases], lambda s: found.update(_PLACEHOLDER.findall(s))
        )
        return found

    def expand(self, values: dict[str, str]) -> list[TestCase]:
        """The cases with every placeholder replaced by its value."""
        return [
            TestCase.model_validate(fill_placeholders(case.model_dump(), values))
            for case in self.cases
        ]


_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def _walk_strings(value: Any, visit: Callable[[str], object]) -> None:
    if isinstance(value, str):
        visit(value)
    elif isinstance(value, dict):
        for item in value.values():
            _walk_strings(item, visit)
    elif isinstance(value, list):
        for item in value:
            _walk_strings(item, visit)


def fill_placeholders(value: Any, values: dict[str, str]) -> Any:
    """`value` (JSON-like) with `{{name}}` in every string replaced by `values[name]`."""
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], value)
    if isinstance(value, dict):
        return {k: fill_placeholders(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_placeholders(v, values) for v in value]
    return value


class CostSpec(_Strict):
    """Monthly cost of a finding: a price from the price table times a quantity.

    With `by`, `price` names a table of `type_prices` and the resource's value at `by`
    (e.g. its `instance_type`) picks the row; a type not in the table claims no cost.
    `factor` scales the result (0.5: one size down in a family halves the price).
    """

    price: str = Field(description="key of prices (or, with `by`, of type_prices) in prices.yaml")
    quantity: str | None = Field(default=None, description="JMESPath into attributes")
    by: str | None = Field(
        default=None, description="JMESPath into attributes whose value picks the type's price"
    )
    factor: float = Field(default=1.0, gt=0, description="multiplies the estimate")


class RuleSpec(_Strict):
    """A rule file as written (the id and provider come from its path)."""

    title: str
    severity: Severity
    category: Category
    resource_types: list[str] = Field(min_length=1)
    description: str
    risk: str
    message: str
    applies_if: dict[str, Any] | None = None
    condition: dict[str, Any] | None = None
    check: str | None = Field(
        default=None,
        description="a shared Python check (scanner.engine.shared.SHARED_CHECKS) that decides"
        " the rule instead of a condition or a <rule_id>.py",
    )
    params: dict[str, Any] = Field(
        default_factory=dict,
        description="parameters of a Python rule or shared check, read as spec.params",
    )
    remediation: Remediation
    references: list[str] = Field(default_factory=list)
    cost: CostSpec | None = None
    graph_types: list[str] = Field(default_factory=list)
    graph_relations: list[str] | None = Field(
        default=None,
        description="Python graph rules: the relations they walk (default: all), so the"
        " graph can leave the others out",
    )
    tests: list[TestCase | UseEstate] = Field(default_factory=list)

    _id: str = PrivateAttr(default="")
    _provider: Literal["aws", "gcp"] = PrivateAttr(default="aws")
    _path: Path | None = PrivateAttr(default=None)

    @property
    def id(self) -> str:
        """The rule id (the file name)."""
        return self._id

    @property
    def provider(self) -> Literal["aws", "gcp"]:
        """The provider whose resources the rule judges."""
        return self._provider

    @property
    def path(self) -> Path | None:
        """The YAML file the rule came from."""
        return self._path

    def bind(self, rule_id: str, provider: Literal["aws", "gcp"], path: Path) -> None:
        """Attach the identity the loader derives from the file's location."""
        self._id = rule_id
        self._provider = provider
        self._path = path

    def meta(self) -> RuleMeta:
        """The rule's public metadata."""
        return RuleMeta(
            id=self.id,
            title=self.title,
            severity=self.severity,
            category=self.category,
            provider=self.provider,
            resource_types=self.resource_types,
            description=self.description,
            risk=self.risk,
            remediation=self.remediation,
            references=self.references,
        )


class ControlSpec(_Strict):
    """One control of a compliance framework."""

    id: str
    title: str
    section: str = ""
    automated: bool
    rules: list[str] = Field(default_factory=list)


class FrameworkSpec(_Strict):
    """A compliance framework version (rules/frameworks/<id>.yaml)."""

    id: str
    title: str
    version: str
    provider: Literal["aws", "gcp"]
    default: bool = Field(
        default=True,
        description="reported by a scan that names no framework (when its provider is seen)",
    )
    controls: list[ControlSpec]


class PriceSource(_Strict):
    """Where `pscan prices update` read prices: an AWS offer file or a GCP catalog."""

    provider: Literal["aws", "gcp"]
    service: str = Field(description="AWS offer code (AmazonEC2) or GCP service (Compute Engine)")
    version: str = Field(default="", description="AWS offer version; GCP service id")
    published: str = Field(
        description="AWS offer publicationDate; GCP: latest effectiveTime of the SKUs read"
    )
    origin: str = Field(default="", description="the URL or file name it was read from")


class PriceTable(_Strict):
    """rules/prices.yaml: dated list prices used by cost rules."""

    as_of: str
    currency: str = "USD"
    region_basis: str = ""
    prices: dict[str, float]
    type_prices: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="table -> instance type / class / tier -> monthly price (cost.by)",
    )
    sources: list[PriceSource] = Field(
        default_factory=list,
        description="the offer files and catalogs `pscan prices update` read (empty: by hand)",
    )
