"""Load rule packs: rule YAML (+ Python rule files), frameworks and the price table.

A pack is a folder. The loader walks it: `frameworks/*.yaml` are compliance frameworks,
`prices.yaml` is the price table, `_shared/*.yaml` are test estates rules share
(`tests: [{use: NAME}]`), every other `*.yaml` is one rule named by its file. A rule is
decided by its `condition`, by the `<rule_id>.py` beside it, or by a shared check it
names (`check:`, `scanner.engine.shared.SHARED_CHECKS`): exactly one of the three.
Any problem stops the load with a `RuleLoadError` naming the file (and line or field).
"""

from __future__ import annotations

import importlib.util
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel, ValidationError

from scanner.catalog import TYPES
from scanner.engine.conditions import (
    Compiled,
    CompileError,
    Getter,
    compile_condition,
    compile_path,
)
from scanner.engine.python_rules import KIND_ATTR, GraphRuleFn, ResourceRuleFn
from scanner.engine.shared import SHARED_CHECKS, SharedCheck
from scanner.engine.spec import FrameworkSpec, PriceTable, RuleSpec, SharedEstate, TestCase
from scanner.engine.template import MessageTemplate
from scanner.engine.watchdog import contain_exit
from scanner.errors import ConfigError, RuleLoadError, validation_summary
from scanner.model import ComplianceRef, Severity
from scanner.paths import data_dir
from scanner.yamlfile import read_yaml

__all__ = ["Rule", "RuleSet", "RuleSource", "builtin_rules_dir", "load_rules"]

logger = logging.getLogger(__name__)

_RULE_ID = re.compile(r"^(aws|gcp)_[a-z0-9]+(_[a-z0-9]+)+$")


def builtin_rules_dir() -> Path:
    """The rule packs shipped with pscan."""
    return data_dir("rules")


@dataclass
class Rule:
    """A loaded, compiled rule."""

    spec: RuleSpec
    message: MessageTemplate
    condition: Compiled | None = None
    applies_if: Compiled | None = None
    resource_fn: ResourceRuleFn | None = None
    graph_fn: GraphRuleFn | None = None
    shared: SharedCheck | None = None  # the shared check named by `check:`
    cost_quantity: Getter | None = None
    price: float | None = None
    type_prices: dict[str, float] | None = None  # cost.by: type -> price
    cost_by: Getter | None = None
    cases: list[TestCase] = field(default_factory=list)  # own and shared test cases
    # Copied from the spec once: reading a pydantic private attribute per resource is slow.
    id: str = field(init=False)

    def __post_init__(self) -> None:
        self.id = self.spec.id

    @property
    def needs_graph(self) -> bool:
        """True when the rule can only be decided with the resource graph."""
        return bool(
            self.graph_fn
            or (self.condition and self.condition.needs_graph)
            or (self.applies_if and self.applies_if.needs_graph)
        )

    @property
    def judges(self) -> bool:
        """False for a rule its params switch off (`SharedCheck.judges`): it judges nothing."""
        shared = self.shared
        return shared is None or shared.judges is None or shared.judges(self.spec.params)

    @property
    def graph_relations(self) -> set[str] | None:
        """Stored relation names the graph must keep for this rule (None: all)."""
        if self.graph_fn is not None:
            declared = self.spec.graph_relations
            if self.shared is not None and self.shared.graph_relations is not None:
                return set(self.shared.graph_relations) | set(declared or ())
            return None if declared is None else set(declared)
        relations: set[str] = set()
        for compiled in (self.condition, self.applies_if):
            if compiled:
                relations |= compiled.relations
        return relations

    @property
    def graph_attribute_types(self) -> set[str]:
        """Types whose full attributes the graph must keep for this rule."""
        types = set(self.spec.resource_types) | set(self.spec.graph_types)
        if self.shared is not None:
            types |= set(self.shared.graph_types)
        for compiled in (self.condition, self.applies_if):
            if compiled:
                types |= compiled.related_types
        return types


@dataclass(frozen=True)
class RuleSource:
    """How a rule set was made, so that another process can make the same one.

    Compiled conditions and Python rules cannot be pickled; worker processes (and Dask
    workers) load the packs again from this recipe: `paths` (absolute) and the built-in
    pack, then the `params` overrides, then the selection of rule ids.
    """

    paths: tuple[str, ...] = ()
    builtin: bool = True
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    ids: tuple[str, ...] | None = None

    def load(self) -> RuleSet:
        """The rule set this recipe describes."""
        ruleset = load_rules([Path(p) for p in self.paths], include_builtin=self.builtin)
        if self.params:
            ruleset = ruleset.with_params(self.params)
        if self.ids is not None:
            ruleset = ruleset.select(ids=self.ids)
        return ruleset


@dataclass
class RuleSet:
    """Rules, frameworks and prices loaded from one or more packs.

    `source` says how to load the same rule set again (None: built by hand).
    """

    rules: dict[str, Rule] = field(default_factory=dict)
    frameworks: dict[str, FrameworkSpec] = field(default_factory=dict)
    prices: PriceTable | None = None
    estates: dict[str, SharedEstate] = field(default_factory=dict)
    _compliance: dict[str, list[ComplianceRef]] | None = field(default=None, repr=False)
    source: RuleSource | None = None

    def compliance_of(self, rule_id: str) -> list[ComplianceRef]:
        """The framework controls a rule helps decide."""
        if self._compliance is None:
            index: dict[str, list[ComplianceRef]] = {}
            for fw in self.frameworks.values():
                for control in fw.controls:
                    ref = ComplianceRef(framework=fw.id, control=control.id, title=control.title)
                    for rid in control.rules:
                        index.setdefault(rid, []).append(ref)
            self._compliance = index
        return list(self._compliance.get(rule_id, ()))

    def check_frameworks(self, ids: Iterable[str]) -> None:
        """Refuse framework ids that no loaded pack defines.

        Raises:
            ConfigError: one line naming the first unknown id and the known ones.
        """
        for fw in ids:
            if fw not in self.frameworks:
                known = ", ".join(sorted(self.frameworks))
                msg = f"--framework {fw!r}: unknown framework (known: {known})"
                raise ConfigError(msg)

    def select(
        self,
        *,
        ids: Iterable[str] | None = None,
        min_severity: Severity | None = None,
        providers: Iterable[str] | None = None,
    ) -> RuleSet:
        """A subset of the rules (frameworks and prices are shared)."""
        wanted = set(ids) if ids is not None else None
        provider_set = set(providers) if providers is not None else None
        rules = {
            rid: rule
            for rid, rule in self.rules.items()
            if (wanted is None or rid in wanted)
            and (min_severity is None or rule.spec.severity.rank >= min_severity.rank)
            and (provider_set is None or rule.spec.provider in provider_set)
        }
        source = None if self.source is None else replace(self.source, ids=tuple(rules))
        return RuleSet(
            rules=rules,
            frameworks=self.frameworks,
            prices=self.prices,
            estates=self.estates,
            source=source,
        )

    def with_params(self, overrides: Mapping[str, Mapping[str, Any]]) -> RuleSet:
        """The rules with some `params` replaced (thresholds set in `.pscan.yaml`).

        `overrides` maps a rule id to new values for params the rule already has; a value
        must have the type of the rule's own (an int may stand for a float) and pass the
        rule's shared-check model.

        Raises:
            ValueError: an unknown rule id, a rule without that param, or a bad value;
                the message names `<rule_id>.<param>`.
        """
        rules = dict(self.rules)
        for rule_id, values in overrides.items():
            rule = rules.get(rule_id)
            if rule is None:
                msg = f"{rule_id}: no such rule"
                raise ValueError(msg)
            rules[rule_id] = _override_params(rule, values)
        source = self.source
        if source is not None:
            params = {rid: dict(v) for rid, v in source.params.items()}
            for rule_id, values in overrides.items():
                params.setdefault(rule_id, {}).update(values)
            source = replace(source, params=params)
        return RuleSet(
            rules=rules,
            frameworks=self.frameworks,
            prices=self.prices,
            estates=self.estates,
            source=source,
        )


def _same_kind(default: Any, value: Any) -> bool:
    """True when `value` may replace `default` (bools and numbers are not interchangeable)."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, int | float):
        return isinstance(value, int | float)
    return isinstance(value, type(default))


def _override_params(rule: Rule, values: Mapping[str, Any]) -> Rule:
    params = rule.spec.params
    for name, value in values.items():
        if name not in params:
            known = ", ".join(sorted(params)) or "none"
            msg = f"{rule.id}.{name}: the rule has no such param (its params: {known})"
            raise ValueError(msg)
        if not _same_kind(params[name], value):
            msg = (
                f"{rule.id}.{name}: expected a {type(params[name]).__name__} like the rule's"
                f" default {params[name]!r}, got {value!r}"
            )
            raise ValueError(msg)
    merged = {**params, **values}
    if rule.shared is not None:
        try:
            rule.shared.params.model_validate(merged)
        except ValidationError as exc:
            msg = f"{rule.id}: {validation_summary(exc)}"
            raise ValueError(msg) from None
    return replace(rule, spec=rule.spec.model_copy(update={"params": merged}))


def _read_yaml(path: Path) -> Any:
    return read_yaml(path, RuleLoadError)


def _validate(model: type[BaseModel], data: Any, path: Path, label: str) -> Any:
    if not isinstance(data, dict):
        msg = f"{path}: {label}: expected a mapping at the top level"
        raise RuleLoadError(msg)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        msg = f"{path}: {label}: {validation_summary(exc)}"
        raise RuleLoadError(msg) from None


def _load_python(path: Path, rule_id: str) -> tuple[ResourceRuleFn | None, GraphRuleFn | None]:
    module_name = f"pscan_rules.{rule_id}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        msg = f"{path}: rule {rule_id}: cannot import"
        raise RuleLoadError(msg)
    module = importlib.util.module_from_spec(spec)
    try:
        with contain_exit(f"rule {rule_id}"):  # importing runs the file's module code
            spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:  # a broken rule file must stop the load with its name
        msg = f"{path}: rule {rule_id}: import failed ({type(exc).__name__}: {exc})"
        raise RuleLoadError(msg) from None
    tagged = [obj for obj in vars(module).values() if callable(obj) and hasattr(obj, KIND_ATTR)]
    if len(tagged) != 1:
        msg = (
            f"{path}: rule {rule_id}: expected exactly one function decorated with"
            f" @resource_rule or @graph_rule, found {len(tagged)}"
        )
        raise RuleLoadError(msg)
    fn = tagged[0]
    if getattr(fn, KIND_ATTR) == "graph":
        return None, cast(GraphRuleFn, fn)
    return cast(ResourceRuleFn, fn), None


def _check_types(spec: RuleSpec, path: Path) -> None:
    for rtype in [*spec.resource_types, *spec.graph_types]:
        if rtype not in TYPES:
            msg = (
                f"{path}: rule {spec.id}: unknown resource type {rtype!r}"
                " (see docs/resource-types.md for the catalog)"
            )
            raise RuleLoadError(msg)
        if not rtype.startswith(f"{spec.provider}."):
            msg = f"{path}: rule {spec.id}: resource type {rtype!r} is not a {spec.provider} type"
            raise RuleLoadError(msg)


def _shared_check(spec: RuleSpec, path: Path) -> SharedCheck:
    label = f"rule {spec.id}"
    shared = SHARED_CHECKS.get(str(spec.check))
    if shared is None:
        msg = (
            f"{path}: {label}: unknown check {spec.check!r}"
            f" (use one of: {', '.join(sorted(SHARED_CHECKS))})"
        )
        raise RuleLoadError(msg)
    wrong = [t for t in spec.resource_types if t not in shared.resource_types]
    if wrong:
        msg = (
            f"{path}: {label}: check {spec.check} judges {', '.join(shared.resource_types)},"
            f" not {', '.join(wrong)}"
        )
        raise RuleLoadError(msg)
    try:
        shared.params.model_validate(spec.params)
    except ValidationError as exc:
        msg = f"{path}: {label}: params: {validation_summary(exc)}"
        raise RuleLoadError(msg) from None
    return shared


Logic = tuple[ResourceRuleFn | None, GraphRuleFn | None, SharedCheck | None]


def _python_logic(spec: RuleSpec, path: Path, has_condition: bool) -> Logic:
    """The rule's Python function: from `check:` or `<rule_id>.py`; none for a condition."""
    label = f"rule {spec.id}"
    py_file = path.with_suffix(".py")
    sources = [
        name
        for name, present in (
            ("a condition", has_condition),
            (f"check: {spec.check}", spec.check is not None),
            (py_file.name, py_file.exists()),
        )
        if present
    ]
    if len(sources) > 1:
        msg = f"{path}: {label}: has both {' and '.join(sources)}; keep one"
        raise RuleLoadError(msg)
    if not sources:
        msg = f"{path}: {label}: no condition and no {py_file.name} (nor a shared check:)"
        raise RuleLoadError(msg)
    if has_condition:
        if spec.params:
            msg = f"{path}: {label}: params are read by Python rules only, not by a condition"
            raise RuleLoadError(msg)
        return None, None, None
    if spec.check is None:
        return (*_load_python(py_file, spec.id), None)
    shared = _shared_check(spec, path)
    if getattr(shared.fn, KIND_ATTR) == "graph":
        return None, cast(GraphRuleFn, shared.fn), shared
    return cast(ResourceRuleFn, shared.fn), None, shared


def _cases(spec: RuleSpec, path: Path, estates: dict[str, SharedEstate]) -> list[TestCase]:
    """The rule's own test cases, then those of the shared estates it uses, filled in."""
    label = f"rule {spec.id}"
    out: list[TestCase] = []
    for entry in spec.tests:
        if isinstance(entry, TestCase):
            out.append(entry)
            continue
        estate = estates.get(entry.use)
        if estate is None:
            known = ", ".join(sorted(estates)) or "none"
            msg = (
                f"{path}: {label}: tests: unknown shared estate {entry.use!r}"
                f" (a file in the pack's _shared/ folder; loaded: {known})"
            )
            raise RuleLoadError(msg)
        values = {k: str(v) for k, v in spec.params.items() if isinstance(v, str | int | float)}
        if clash := sorted(set(values) & set(entry.with_)):
            msg = f"{path}: {label}: tests: `with` repeats params {clash}"
            raise RuleLoadError(msg)
        values.update(entry.with_)
        needed = estate.placeholders()
        if missing := sorted(needed - set(values)):
            msg = (
                f"{path}: {label}: tests: estate {entry.use} needs a value for {missing}"
                " (from params or `with`)"
            )
            raise RuleLoadError(msg)
        if unused := sorted(set(entry.with_) - needed):
            msg = f"{path}: {label}: tests: estate {entry.use} has no placeholder {unused}"
            raise RuleLoadError(msg)
        for case in estate.expand(values):
            out.append(case.model_copy(update={"name": f"{entry.use}: {case.name}"}))
    return out


def _price(
    spec: RuleSpec, path: Path, prices: PriceTable | None
) -> tuple[float | None, dict[str, float] | None]:
    """The rule's flat price, or its table of prices per type (`cost.by`)."""
    if spec.cost is None:
        return None, None
    key = spec.cost.price
    if spec.cost.by is not None:
        if prices is None or key not in prices.type_prices:
            msg = f"{path}: rule {spec.id}: cost.price {key!r} is not in prices.yaml type_prices"
            raise RuleLoadError(msg)
        return None, prices.type_prices[key]
    if prices is None or key not in prices.prices:
        msg = f"{path}: rule {spec.id}: cost.price {key!r} is not in prices.yaml"
        raise RuleLoadError(msg)
    return prices.prices[key], None


def _compile_rule(spec: RuleSpec, path: Path, ruleset: RuleSet) -> Rule:
    label = f"rule {spec.id}"
    _check_types(spec, path)
    try:
        message = MessageTemplate(spec.message)
        condition = compile_condition(spec.condition) if spec.condition is not None else None
        applies_if = (
            compile_condition(spec.applies_if, "applies_if")
            if spec.applies_if is not None
            else None
        )
        quantity = compile_path(spec.cost.quantity) if spec.cost and spec.cost.quantity else None
        cost_by = compile_path(spec.cost.by) if spec.cost and spec.cost.by else None
    except CompileError as exc:
        msg = f"{path}: {label}: {exc}"
        raise RuleLoadError(msg) from None
    for related in (condition, applies_if):
        for rtype in related.related_types if related else ():
            if rtype not in TYPES:
                msg = f"{path}: {label}: related type {rtype!r} is not in the catalog"
                raise RuleLoadError(msg)
    resource_fn, graph_fn, shared = _python_logic(spec, path, condition is not None)
    price, type_prices = _price(spec, path, ruleset.prices)
    return Rule(
        spec=spec,
        message=message,
        condition=condition,
        applies_if=applies_if,
        resource_fn=resource_fn,
        graph_fn=graph_fn,
        shared=shared,
        cost_quantity=quantity,
        price=price,
        type_prices=type_prices,
        cost_by=cost_by,
        cases=_cases(spec, path, ruleset.estates),
    )


def _load_estates(root: Path, ruleset: RuleSet) -> None:
    folder = root / "_shared"
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        if path.stem in ruleset.estates:
            msg = f"{path}: shared estate {path.stem} is already defined by another pack"
            raise RuleLoadError(msg)
        ruleset.estates[path.stem] = _validate(
            SharedEstate, _read_yaml(path), path, f"shared estate {path.stem}"
        )


def _load_pack(root: Path, ruleset: RuleSet) -> None:
    if not root.exists():
        msg = f"{root}: no such rule pack directory"
        raise RuleLoadError(msg)
    try:
        files = [root] if root.is_file() else sorted(root.rglob("*.yaml"))
    except OSError as exc:  # e.g. a pack path that reaches /proc: not a rule pack
        msg = f"{root}: cannot list the rule pack ({exc.strerror or exc})"
        raise RuleLoadError(msg) from None
    prices_file = root / "prices.yaml" if root.is_dir() else None
    if prices_file is not None and prices_file.exists():
        table = _validate(PriceTable, _read_yaml(prices_file), prices_file, "prices")
        if ruleset.prices is not None:  # a later pack adds to or overrides single prices
            table.prices = {**ruleset.prices.prices, **table.prices}
            for name, rows in ruleset.prices.type_prices.items():
                table.type_prices[name] = {**rows, **table.type_prices.get(name, {})}
        ruleset.prices = table
    if root.is_dir():
        _load_estates(root, ruleset)
    for path in files:
        if path == prices_file or (root.is_dir() and "_shared" in path.relative_to(root).parts):
            continue
        if path.parent.name == "frameworks":
            framework = _validate(FrameworkSpec, _read_yaml(path), path, "framework")
            if framework.id != path.stem:
                msg = f"{path}: framework id {framework.id!r} must equal the file name"
                raise RuleLoadError(msg)
            if framework.id in ruleset.frameworks:
                msg = f"{path}: framework {framework.id} is already defined by another pack"
                raise RuleLoadError(msg)
            ruleset.frameworks[framework.id] = framework
            continue
        rule_id = path.stem
        if not _RULE_ID.match(rule_id):
            msg = (
                f"{path}: rule id {rule_id!r} (the file name) must read"
                " <provider>_<service>_<expected_state> in snake_case, provider aws or gcp"
            )
            raise RuleLoadError(msg)
        if rule_id in ruleset.rules:
            other = ruleset.rules[rule_id].spec.path
            msg = f"{path}: rule {rule_id} is already defined in {other}"
            raise RuleLoadError(msg)
        spec = _validate(RuleSpec, _read_yaml(path), path, f"rule {rule_id}")
        provider = cast(Literal["aws", "gcp"], rule_id.split("_", 1)[0])
        spec.bind(rule_id, provider, path)
        ruleset.rules[rule_id] = _compile_rule(spec, path, ruleset)


def load_rules(paths: Iterable[Path] = (), *, include_builtin: bool = True) -> RuleSet:
    """Load the built-in pack (unless told not to) and every pack in `paths`."""
    extra = [Path(p) for p in paths]
    ruleset = RuleSet(
        source=RuleSource(paths=tuple(str(p.absolute()) for p in extra), builtin=include_builtin)
    )
    roots = [builtin_rules_dir()] if include_builtin else []
    roots.extend(extra)
    for root in roots:
        _load_pack(root, ruleset)
    for framework in ruleset.frameworks.values():
        for control in framework.controls:
            for rule_id in control.rules:
                if rule_id not in ruleset.rules:
                    msg = (
                        f"framework {framework.id}: control {control.id} maps unknown rule"
                        f" {rule_id!r}"
                    )
                    raise RuleLoadError(msg)
    logger.info("loaded %d rules and %d frameworks", len(ruleset.rules), len(ruleset.frameworks))
    return ruleset
