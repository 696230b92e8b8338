"""Run each rule's own test cases (`tests:` in its YAML): `pscan rules test` and pytest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scanner.engine.conditions import parse_time
from scanner.engine.evaluate import evaluate
from scanner.engine.loader import Rule, RuleSet

__all__ = ["DEFAULT_TEST_NOW", "RuleTestResult", "run_rule_tests"]

# Test cases are judged at a fixed moment so ages and expiries never drift with the calendar.
DEFAULT_TEST_NOW = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass
class RuleTestResult:
    """The outcome of one rule's cases."""

    rule_id: str
    cases: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every case behaved as its ids say."""
        return not self.problems


def _complete(resource: dict[str, Any], rule: Rule) -> dict[str, Any]:
    out = {
        "provider": rule.spec.provider,
        "account": "111111111111" if rule.spec.provider == "aws" else "test-project",
        "region": "us-east-1" if rule.spec.provider == "aws" else "global",
        "name": resource.get("id", ""),
        "tags": {},
        "attributes": {},
        "relations": [],
    }
    out.update(resource)
    return out


def _test_rule(rule: Rule, ruleset: RuleSet) -> RuleTestResult:
    result = RuleTestResult(rule.id)
    types = set(rule.spec.resource_types)
    single = RuleSet(rules={rule.id: rule}, frameworks={}, prices=ruleset.prices)
    seen = {"pass": 0, "fail": 0}
    for case in rule.spec.tests:
        result.cases += 1
        resources = [_complete(r, rule) for r in case.resources]
        judged = [r for r in resources if r.get("type") in types]
        bad_ids = [r["id"] for r in judged if not str(r["id"]).startswith(("pass-", "fail-"))]
        if bad_ids:
            result.problems.append(
                f"case {case.name!r}: ids must start with pass- or fail-: {bad_ids}"
            )
            continue
        for r in judged:
            seen["fail" if str(r["id"]).startswith("fail-") else "pass"] += 1
        now = parse_time(case.now) if case.now else DEFAULT_TEST_NOW
        outcome = evaluate(single, resources, now=now or DEFAULT_TEST_NOW)
        errors = [f.message for f in outcome.findings if f.status == "error"]
        if errors:
            result.problems.append(f"case {case.name!r}: rule raised: {errors[0]}")
            continue
        expected = {r["id"] for r in judged if str(r["id"]).startswith("fail-")}
        actual = {f.resource.id for f in outcome.findings}
        if missed := sorted(expected - actual):
            result.problems.append(f"case {case.name!r}: should fail but passed: {missed}")
        if extra := sorted(actual - expected):
            result.problems.append(f"case {case.name!r}: should pass but failed: {extra}")
    if not seen["fail"] or not seen["pass"]:
        result.problems.append(
            "needs at least one fail- and one pass- resource in its tests"
            f" (has {seen['fail']} fail, {seen['pass']} pass)"
        )
    return result


def run_rule_tests(ruleset: RuleSet, ids: set[str] | None = None) -> list[RuleTestResult]:
    """Run the cases of every rule (or of `ids`), in id order."""
    return [
        _test_rule(rule, ruleset)
        for rid, rule in sorted(ruleset.rules.items())
        if ids is None or rid in ids
    ]
