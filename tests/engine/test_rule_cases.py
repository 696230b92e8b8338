"""Every built-in rule passes its own test cases (one parametrized test, nothing to add)."""

from __future__ import annotations

import pytest

from scanner.engine import load_rules, run_rule_tests

RULESET = load_rules()


@pytest.mark.parametrize("rule_id", sorted(RULESET.rules))
def test_rule_cases(rule_id: str) -> None:
    (result,) = run_rule_tests(RULESET, {rule_id})
    assert result.ok, "\n".join(result.problems)


def test_there_are_rules_for_both_providers() -> None:
    providers = {r.spec.provider for r in RULESET.rules.values()}
    assert providers == {"aws", "gcp"}
    assert len(RULESET.rules) >= 30
