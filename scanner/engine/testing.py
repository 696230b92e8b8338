"""Run each rule's test cases (`tests:` in its YAML): `pscan rules test` and pytest.

A case's resources of the rule's types say by their id what the rule must decide:
`fail-` (a finding), `pass-`, or `undecided-` (counted as undecided, no finding). The
cases are the rule's own and those of the shared estates it uses, filled in by the loader.
"""

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


_OUTCOMES = ("pass-", "fail-", "undecided-")
_VERB = {"pass": "pass", "fail": "fail", "undecided": "be undecided"}
_PAST = {"pass": "passed", "fail": "failed", "undecided": "was undecided"}


def _expected(resource_id: str) -> str:
    """What a case resource's id says the rule must decide (ids of other types: pass)."""
    for prefix in ("fail-", "undecided-"):
        if resource_id.startswith(prefix):
            return prefix[:-1]
    return "pass"


def _test_rule(rule: Rule, ruleset: RuleSet) -> RuleTestResult:
    result = RuleTestResult(rule.id)
    types = set(rule.spec.resource_types)
    single = RuleSet(rules={rule.id: rule}, frameworks={}, prices=ruleset.prices)
    seen = dict.fromkeys(_OUTCOMES, 0)
    for case in rule.cases:
        result.cases += 1
        resources = [_complete(r, rule) for r in case.resources]
        judged = [str(r["id"]) for r in resources if r.get("type") in types]
        bad_ids = [rid for rid in judged if not rid.startswith(_OUTCOMES)]
        if bad_ids:
            result.problems.append(
                f"case {case.name!r}: ids must start with pass-, fail- or undecided-: {bad_ids}"
            )
            continue
        for rid in judged:
            seen[next(p for p in _OUTCOMES if rid.startswith(p))] += 1
        now = parse_time(case.now) if case.now else DEFAULT_TEST_NOW
        judged_by = single
        if case.params:
            try:
                judged_by = single.with_params({rule.id: case.params})
            except ValueError as exc:
                result.problems.append(f"case {case.name!r}: params: {exc}")
                continue
        outcome = evaluate(judged_by, resources, now=now or DEFAULT_TEST_NOW)
        errors = [f.message for f in outcome.findings if f.status == "error"]
        if errors:
            result.problems.append(f"case {case.name!r}: rule raised: {errors[0]}")
            continue
        failed = {f.resource.id for f in outcome.findings}
        undecided = {u.resource_id for u in outcome.undecided}
        wrong: dict[tuple[str, str], list[str]] = {}
        for rid in sorted({*judged, *failed, *undecided}):
            want = _expected(rid)
            got = "fail" if rid in failed else "undecided" if rid in undecided else "pass"
            if want != got:
                wrong.setdefault((want, got), []).append(rid)
        for (want, got), ids in wrong.items():
            result.problems.append(
                f"case {case.name!r}: should {_VERB[want]} but {_PAST[got]}: {ids}"
            )
    if not seen["fail-"] or not seen["pass-"]:
        result.problems.append(
            "needs at least one fail- and one pass- resource in its tests"
            f" (has {seen['fail-']} fail, {seen['pass-']} pass)"
        )
    return result


def run_rule_tests(ruleset: RuleSet, ids: set[str] | None = None) -> list[RuleTestResult]:
    """Run the cases of every rule (or of `ids`), in id order."""
    return [
        _test_rule(rule, ruleset)
        for rid, rule in sorted(ruleset.rules.items())
        if ids is None or rid in ids
    ]
