"""Values known only after apply: conditions are three-valued and never fail on them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from scanner.engine import evaluate, load_rules
from scanner.engine.conditions import EvalContext, compile_condition
from scanner.model import UNKNOWN, is_unknown

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def judge(cond: dict[str, Any], attrs: dict[str, Any]) -> tuple[bool | None, list[str]]:
    compiled = compile_condition(cond)
    ctx = EvalContext(resource={"id": "r", "type": "aws.s3.bucket", "attributes": attrs}, now=NOW)
    return compiled.fn(attrs, ctx), ctx.unknown


def test_is_unknown() -> None:
    assert is_unknown(UNKNOWN)
    assert not is_unknown("known")
    assert not is_unknown(None)


@pytest.mark.parametrize("op", ["eq", "exists", "absent", "truthy", "cidr_is_public"])
def test_a_leaf_reading_an_unknown_value_is_undecided(op: str) -> None:
    leaf: dict[str, Any] = {"path": "v", "op": op}
    if op == "eq":
        leaf["value"] = True
    verdict, unknown = judge(leaf, {"v": UNKNOWN})
    assert verdict is None
    assert unknown == ["v"]


@pytest.mark.parametrize(
    ("cond", "expected"),
    [
        ({"all": [{"path": "u", "op": "truthy"}, {"path": "f", "op": "truthy"}]}, False),
        ({"all": [{"path": "u", "op": "truthy"}, {"path": "t", "op": "truthy"}]}, None),
        ({"any": [{"path": "u", "op": "truthy"}, {"path": "t", "op": "truthy"}]}, True),
        ({"any": [{"path": "u", "op": "truthy"}, {"path": "f", "op": "truthy"}]}, None),
        ({"not": {"path": "u", "op": "truthy"}}, None),
        ({"not": {"path": "f", "op": "truthy"}}, True),
    ],
)
def test_combinators_follow_kleene_logic(cond: dict[str, Any], expected: bool | None) -> None:
    assert judge(cond, {"u": UNKNOWN, "t": True, "f": False})[0] is expected


def test_paths_through_an_unknown_object_stay_unknown() -> None:
    attrs = {"block": UNKNOWN, "items": [{"a": 1}]}
    assert judge({"path": "block.flag", "op": "eq", "value": True}, attrs)[0] is None
    assert judge({"path": "block.flag || `false`", "op": "eq", "value": True}, attrs)[0] is None
    assert judge({"path": "items[0].a", "op": "eq", "value": 1}, attrs)[0] is True
    assert judge({"path": "v", "op": "contains", "value": "x"}, {"v": ["y", UNKNOWN]})[0] is None


def test_quantifiers_decide_when_a_known_element_decides() -> None:
    some = {"some": {"path": "ingress", "where": {"path": "port", "op": "eq", "value": 22}}}
    every = {"every": {"path": "ingress", "where": {"path": "port", "op": "eq", "value": 22}}}
    assert judge(some, {"ingress": [{"port": 22}, UNKNOWN]})[0] is True
    assert judge(some, {"ingress": [{"port": 80}, UNKNOWN]})[0] is None
    assert judge(some, {"ingress": UNKNOWN})[0] is None
    assert judge(every, {"ingress": [{"port": 80}, UNKNOWN]})[0] is False
    assert judge(every, {"ingress": [{"port": 22}, {"port": UNKNOWN}]})[0] is None


def test_evaluate_counts_undecided_resources_and_records_no_finding() -> None:
    rules = load_rules().select(ids=["aws_rds_instance_storage_encrypted"])
    resources = [
        {
            "id": "db-unknown",
            "type": "aws.rds.instance",
            "attributes": {"storage_encrypted": UNKNOWN},
        },
        {"id": "db-plain", "type": "aws.rds.instance", "attributes": {"storage_encrypted": False}},
        {"id": "db-ok", "type": "aws.rds.instance", "attributes": {"storage_encrypted": True}},
    ]
    outcome = evaluate(rules, resources, now=NOW)
    assert [f.resource.id for f in outcome.findings] == ["db-plain"]
    stats = outcome.stats["aws_rds_instance_storage_encrypted"]
    assert (stats.evaluated, stats.failed, stats.undecided) == (2, 1, 1)
