"""The gate as every command sets it up: `.pscan.yaml` (found or given) overridden by flags.

`pscan scan`, `pscan iac` and `pscan report` resolve their gate here, so the config file
is looked for, read and applied the same way by all three; the reading itself and the
verdict are `scanner.gate`'s.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.engine import RuleSet
from scanner.errors import ConfigError
from scanner.gate import (
    CONFIG_NAME,
    GateConfig,
    apply_gate,
    find_config,
    load_config,
    read_baseline,
    rule_selected,
)
from scanner.model import ExposurePath, FindingsDocument, FixedFinding, GateSummary
from scanner.standards import Standards, read_standards, rule_params

__all__ = ["Gate", "GateOptions", "load_gate"]


@dataclass(frozen=True)
class GateOptions:
    """The gate flags of a command (`--fail-on`, `--baseline`, `--config`, `--no-config`,
    `--standards`)."""

    fail_on: str | None = None
    baseline: Path | None = None
    config: Path | None = None
    no_config: bool = False
    standards: Path | None = None


@dataclass(frozen=True)
class Gate:
    """The gate's settings after reading the config file."""

    fail_on: str
    config: GateConfig = field(default_factory=GateConfig)
    config_path: Path | None = None
    baseline_path: Path | None = None
    standards: Standards | None = None
    standards_path: Path | None = None  # the file the standards were read from

    def select(self, ruleset: RuleSet) -> RuleSet:
        """The rules the config's include/exclude lets run.

        Raises:
            ConfigError: an include pattern matches no loaded rule (checkov's `CKV*` ids
                aside), or the filter leaves no rule to run.
        """
        rules = self.config.rules
        if not rules.include and not rules.exclude:
            return ruleset
        where = self.config_path or CONFIG_NAME
        ours = [p for p in rules.include if not p.upper().startswith("CKV")]  # not checkov's
        for pattern in ours:
            if not any(fnmatch.fnmatchcase(r, pattern) for r in ruleset.rules):
                msg = f"{where}: rules.include {pattern!r} matches none of the loaded rules"
                raise ConfigError(msg)
        chosen = [r for r in ruleset.rules if rule_selected(r, rules)]
        if not chosen and len(ours) == len(rules.include):
            msg = f"{where}: rules include/exclude select none of the {len(ruleset.rules)} rules"
            raise ConfigError(msg)
        return ruleset.select(ids=chosen)

    def selects(self, rule_id: str) -> bool:
        """True when the config's include/exclude lets the rule id run."""
        rules = self.config.rules
        return (not rules.include and not rules.exclude) or rule_selected(rule_id, rules)

    def tune(self, ruleset: RuleSet) -> RuleSet:
        """The rules with the standards and then the config's `params` applied.

        The standards set the params of the `<provider>_standards_*` rules they declare
        (`scanner.standards.rule_params`). A `params` key is a rule id, or a glob that sets
        the params of every matching rule that has them (`aws_*_cpu_saturated: {threshold: 90}`).

        Raises:
            ConfigError: a key matches no rule, or a rule refuses a param or value.
        """
        where = self.config_path or CONFIG_NAME
        overrides: dict[str, dict[str, Any]] = {}
        if self.standards is not None:
            for rule_id, values in rule_params(self.standards).items():
                if rule_id in ruleset.rules:  # a pack without the standards rules: none to set
                    overrides[rule_id] = dict(values)
        for pattern, values in self.config.params.items():
            matched = [pattern] if pattern in ruleset.rules else []
            if not matched and any(c in pattern for c in "*?["):
                # a glob sets the params of the rules it matches that have them all
                matched = [
                    rid
                    for rid, rule in ruleset.rules.items()
                    if fnmatch.fnmatchcase(rid, pattern) and set(values) <= set(rule.spec.params)
                ]
            if not matched:
                msg = f"{where}: params: {pattern!r} matches no rule with params {sorted(values)}"
                raise ConfigError(msg)
            for rule_id in matched:
                overrides.setdefault(rule_id, {}).update(values)
        try:
            return ruleset.with_params(overrides)
        except ValueError as exc:
            msg = f"{where}: params.{exc}"
            raise ConfigError(msg) from None

    def apply(
        self,
        doc: FindingsDocument,
        *,
        fixed: Sequence[FixedFinding] = (),
        exposures: Sequence[ExposurePath] = (),
        against: str | None = None,
    ) -> GateSummary:
        """Judge `doc` (its findings get marked, `doc.gate` is set) and return the verdict."""
        baseline = read_baseline(self.baseline_path) if self.baseline_path else None
        return apply_gate(
            doc,
            fail_on=self.fail_on,
            config=self.config,
            config_path=self.config_path,
            baseline=baseline,
            baseline_path=self.baseline_path,
            fixed=fixed,
            exposures=exposures,
            against=against,
        )


def load_gate(options: GateOptions, default_fail_on: str = "high") -> Gate:
    """Find and read `.pscan.yaml` (unless `no_config`) and let the flags override it.

    `fail_on` is the flag, else the file's `fail_on`, else `default_fail_on`; the
    baseline is the flag, else the file's `baseline` (relative to the file's folder); the
    standards are the `--standards` file, else the file's `standards:` (inline, or the
    `file:` it names, relative to the file's folder).

    Raises:
        ConfigError: the config or standards file is unreadable or invalid.
    """
    path = None if options.no_config else (options.config or find_config())
    config = load_config(path) if path else GateConfig()
    base = path.parent if path else None
    baseline = options.baseline or config.resolve(config.baseline, base)
    standards, standards_path = config.standards, path
    if options.standards is not None:
        standards, standards_path = read_standards(options.standards), options.standards
    elif standards is not None and standards.file is not None:
        standards_path = config.resolve(standards.file, base)
        assert standards_path is not None  # a non-empty file name
        standards = read_standards(standards_path)
    return Gate(
        fail_on=options.fail_on or config.fail_on or default_fail_on,
        config=config,
        config_path=path,
        baseline_path=baseline,
        standards=standards,
        standards_path=standards_path,
    )
