"""The rules use cases: listing, counting, one rule, a framework's coverage, the rule tests."""

from __future__ import annotations

import pytest

from scanner.app import find_rule, framework_coverage, list_rules, load_ruleset, rule_tests
from scanner.errors import ConfigError


def test_listing_filters_and_counts() -> None:
    ruleset = load_ruleset()
    listing = list_rules(ruleset, provider="aws", category="iam")
    assert listing.rules
    assert all(r.spec.provider == "aws" and r.spec.category == "iam" for r in listing.rules)
    assert listing.per_provider == {"aws": {"iam": len(listing.rules)}}
    everything = list_rules(ruleset)
    assert sum(n for per in everything.per_provider.values() for n in per.values()) == len(
        ruleset.rules
    )
    assert [r.id for r in everything.rules] == sorted(ruleset.rules)


def test_framework_coverage_counts_controls() -> None:
    ruleset = load_ruleset()
    coverage = framework_coverage(ruleset, "cis-aws-foundations-3.0")
    counts = coverage.counts
    assert counts["controls"] == len(coverage.framework.controls)
    assert counts["automated"] + counts["manual"] == counts["controls"]
    assert counts["automated_covered"] + counts["automated_not_covered"] == counts["automated"]
    with pytest.raises(ConfigError, match=r"no framework 'nope' \(known: .*cis-aws"):
        framework_coverage(ruleset, "nope")


def test_one_rule_and_its_tests() -> None:
    ruleset = load_ruleset()
    rule_id = sorted(ruleset.rules)[0]
    assert find_rule(ruleset, rule_id).id == rule_id
    (result,) = rule_tests(ruleset, [rule_id])
    assert result.ok and result.rule_id == rule_id
    with pytest.raises(ConfigError, match="no rule 'nope'"):
        find_rule(ruleset, "nope")
    with pytest.raises(ConfigError, match="unknown rule id\\(s\\): nope"):
        rule_tests(ruleset, ["nope", rule_id])
