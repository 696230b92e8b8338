"""Pydantic models of the files in a rule pack: rules, frameworks and the price table."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from scanner.model import Category, Remediation, RuleMeta, Severity

__all__ = [
    "ControlSpec",
    "CostSpec",
    "FrameworkSpec",
    "PriceTable",
    "RuleSpec",
    "TestCase",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TestCase(_Strict):
    """One named set of resources a rule must judge as their ids say (pass-/fail-)."""

    __test__ = False  # not a pytest class

    name: str
    now: str | None = Field(default=None, description="evaluation time, ISO 8601")
    resources: list[dict[str, Any]]


class CostSpec(_Strict):
    """Monthly cost of a finding: a price from the price table times a quantity."""

    price: str = Field(description="key of rules/prices.yaml")
    quantity: str | None = Field(default=None, description="JMESPath into attributes")


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
    remediation: Remediation
    references: list[str] = Field(default_factory=list)
    cost: CostSpec | None = None
    graph_types: list[str] = Field(default_factory=list)
    graph_relations: list[str] | None = Field(
        default=None,
        description="Python graph rules: the relations they walk (default: all), so the"
        " graph can leave the others out",
    )
    tests: list[TestCase] = Field(default_factory=list)

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
    controls: list[ControlSpec]


class PriceTable(_Strict):
    """rules/prices.yaml: dated list prices used by cost rules."""

    as_of: str
    currency: str = "USD"
    region_basis: str = ""
    prices: dict[str, float]
