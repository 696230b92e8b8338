"""The rule engine: load rule packs, compile conditions, evaluate resources into findings."""

from scanner.engine.evaluate import ScanOutcome, build_document, evaluate, framework_result
from scanner.engine.loader import Rule, RuleSet, builtin_rules_dir, load_rules
from scanner.engine.python_rules import Hit, Pass, Undecided, Verdict, graph_rule, resource_rule
from scanner.engine.spec import FrameworkSpec, RuleSpec
from scanner.engine.testing import RuleTestResult, run_rule_tests

__all__ = [
    "FrameworkSpec",
    "Hit",
    "Pass",
    "Rule",
    "RuleSet",
    "RuleSpec",
    "RuleTestResult",
    "ScanOutcome",
    "Undecided",
    "Verdict",
    "build_document",
    "builtin_rules_dir",
    "evaluate",
    "framework_result",
    "graph_rule",
    "load_rules",
    "resource_rule",
    "run_rule_tests",
]
