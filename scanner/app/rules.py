"""`pscan rules ...`: the rules and frameworks that are loaded, chosen, counted and tested."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from scanner.engine import FrameworkSpec, Rule, RuleSet, RuleTestResult, run_rule_tests
from scanner.errors import ConfigError

__all__ = [
    "FrameworkCoverage",
    "RuleListing",
    "find_rule",
    "framework_coverage",
    "list_rules",
    "rule_tests",
]


@dataclass(frozen=True)
class RuleListing:
    """The chosen rules, sorted by id, and how many there are per provider and category."""

    rules: list[Rule]
    per_provider: dict[str, dict[str, int]]  # provider -> category -> rules


def list_rules(
    ruleset: RuleSet,
    *,
    provider: str | None = None,
    category: str | None = None,
    severity: str | None = None,
) -> RuleListing:
    """The rules of one provider, category and severity (each optional)."""
    chosen = [
        r
        for r in sorted(ruleset.rules.values(), key=lambda r: r.id)
        if (provider is None or r.spec.provider == provider)
        and (category is None or r.spec.category == category)
        and (severity is None or r.spec.severity == severity)
    ]
    counts = Counter((r.spec.provider, r.spec.category.value) for r in chosen)
    per_provider: dict[str, dict[str, int]] = {}
    for (prov, cat), n in sorted(counts.items()):
        per_provider.setdefault(prov, {})[cat] = n
    return RuleListing(rules=chosen, per_provider=per_provider)


@dataclass(frozen=True)
class FrameworkCoverage:
    """A framework's controls and how many of them rules decide."""

    framework: FrameworkSpec
    counts: dict[str, int]


def framework_coverage(ruleset: RuleSet, framework_id: str) -> FrameworkCoverage:
    """Count a framework's controls: automated or manual, decided by rules or not.

    Raises:
        ConfigError: no framework has this id.
    """
    framework = ruleset.frameworks.get(framework_id)
    if framework is None:
        known = ", ".join(sorted(ruleset.frameworks)) or "none"
        msg = f"no framework {framework_id!r} (known: {known})"
        raise ConfigError(msg)
    controls = framework.controls
    automated = [c for c in controls if c.automated]
    manual = [c for c in controls if not c.automated]
    counts = {
        "controls": len(controls),
        "covered": sum(1 for c in controls if c.rules),
        "automated": len(automated),
        "automated_covered": sum(1 for c in automated if c.rules),
        "automated_not_covered": sum(1 for c in automated if not c.rules),
        "manual": len(manual),
        "manual_with_rules": sum(1 for c in manual if c.rules),
        "rules": len({r for c in controls for r in c.rules}),
    }
    return FrameworkCoverage(framework=framework, counts=counts)


def find_rule(ruleset: RuleSet, rule_id: str) -> Rule:
    """One rule by id.

    Raises:
        ConfigError: no rule has this id.
    """
    rule = ruleset.rules.get(rule_id)
    if rule is None:
        msg = f"no rule {rule_id!r} (see pscan rules list)"
        raise ConfigError(msg)
    return rule


def rule_tests(ruleset: RuleSet, rule_ids: Iterable[str] = ()) -> list[RuleTestResult]:
    """Run the test cases of every rule (or of `rule_ids`).

    Raises:
        ConfigError: a rule id is unknown.
    """
    wanted = set(rule_ids)
    unknown = sorted(wanted - set(ruleset.rules))
    if unknown:
        msg = f"unknown rule id(s): {', '.join(unknown)}"
        raise ConfigError(msg)
    return run_rule_tests(ruleset, wanted or None)
