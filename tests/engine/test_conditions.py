"""The condition language: operators, combinators, quantifiers, paths."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import re2  # type: ignore[import-untyped]  # google-re2 ships no type hints

from scanner.engine.conditions import (
    OPERATORS,
    CompileError,
    EvalContext,
    compile_condition,
    compile_path,
)
from scanner.model import UNKNOWN

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def judge(cond: dict[str, Any], attrs: dict[str, Any], **top: Any) -> bool:
    compiled = compile_condition(cond)
    resource = {"id": "r", "type": "aws.s3.bucket", "attributes": attrs, **top}
    return bool(compiled.fn(attrs, EvalContext(resource=resource, now=NOW)))


@pytest.mark.parametrize(
    ("op", "value", "actual", "expected"),
    [
        ("eq", 1, 1, True),
        ("eq", True, 1, False),  # a boolean only equals a boolean
        ("eq", "a", "b", False),
        ("ne", "a", "b", True),
        ("ne", False, None, True),
        ("gt", 5, 6, True),
        ("gt", 5, "6", False),  # not a number
        ("gte", 5, 5, True),
        ("lt", 5, 4, True),
        ("lte", 5, 6, False),
        ("in", ["a", "b"], "b", True),
        ("in", ["a", "b"], "c", False),
        ("not_in", ["a", "b"], "c", True),
        ("contains", "x", ["x", "y"], True),
        ("contains", "ell", "hello", True),
        ("contains", "z", ["x"], False),
        ("regex", "^TLS1[23]", "TLS13-policy", True),
        ("regex", "^TLS1[23]", None, False),
        ("len_gt", 1, [1, 2], True),
        ("len_lt", 1, [], True),
        ("age_days_gt", 90, "2026-01-01T00:00:00Z", True),
        ("age_days_gt", 90, "2026-10-01T00:00:00+00:00", False),
        ("age_days_gt", 90, "not a date", False),
        ("expires_within_days", 30, "2026-11-20T00:00:00Z", True),
        ("expires_within_days", 30, "2025-01-01T00:00:00Z", True),  # already expired
        ("expires_within_days", 30, "2027-06-01T00:00:00Z", False),
    ],
)
def test_leaf_operators(op: str, value: Any, actual: Any, expected: bool) -> None:
    assert judge({"path": "v", "op": op, "value": value}, {"v": actual}) is expected


# Values a path can read: every JSON kind, the edge cases of equality between them
# (True == 1, 1 == 1.0, nan), and the marker of a value known only after apply.
ACTUALS: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    2,
    1.0,
    2.5,
    float("nan"),
    float("inf"),
    -3,
    "",
    "a",
    "b",
    "tcp",
    "1",
    "True",
    "0.0.0.0/0",
    "10.0.0.0/8",
    "::/0",
    [],
    ["a"],
    ["a", UNKNOWN],
    {},
    {"a": 1},
    UNKNOWN,
]
VALUES: dict[str, list[Any]] = {
    "eq": ["a", "", None, True, False, 1, 0, 1.0, 2.5, float("nan"), ["a"], {"a": 1}],
    "ne": ["a", None, True, False, 1, 2.5, ["a"]],
    "in": [["a", "b"], [], ["tcp", "6"], [1, "a"], [True], [None]],
    "not_in": [["a", "b"], [], [1, "a"], [None]],
    "gt": [0, 1, 2.5, -3],
    "gte": [0, 1, 2.5],
    "lt": [0, 1, 2.5],
    "lte": [0, 1, 2.5, -3],
    "exists": [None],
    "absent": [None],
    "truthy": [None],
    "regex": ["^a", "(?i)^TRUE$", "", "[0-9]"],
    "cidr_is_public": [None],
}


@pytest.mark.parametrize("op", sorted(VALUES))
def test_each_leaf_gives_its_operators_answer(op: str) -> None:
    """A leaf runs an inline form of its test where one exists: for every value it reads,
    in a list element and at the top level, it must answer as the operator's own test,
    and read UNKNOWN (alone or in a list) as undecided."""
    takes_value, test = OPERATORS[op]
    for value in VALUES[op]:
        given = re2.compile(value) if op == "regex" else value  # as the leaf compiles it
        leaf = {"path": "v", "op": op, **({"value": value} if takes_value else {})}
        in_element = compile_condition({"some": {"path": "items", "where": leaf}}).fn
        top = compile_condition({**leaf, "path": "name"}).fn
        plain = compile_condition(leaf).fn
        for actual in [*ACTUALS, *ACTUALS]:  # twice: answers a leaf keeps are the same
            ctx = EvalContext(resource={"id": "r", "name": actual}, now=NOW)
            undecided = actual == UNKNOWN or (type(actual) is list and UNKNOWN in actual)
            want = None if undecided else test(actual, given, NOW)
            where = f"{op} {value!r} on {actual!r}"
            assert plain({"v": actual}, ctx) is want, where
            assert top({}, ctx) is want, where
            assert in_element({"items": [{"v": actual}]}, ctx) is want, where
        assert plain(UNKNOWN, ctx) is None  # a path through an unknown value
        assert plain("text", ctx) is test(None, given, NOW)  # a field of a string: null


@pytest.mark.parametrize(
    ("cidr", "public"),
    [
        ("0.0.0.0/0", True),
        ("::/0", True),
        ("0.0.0.0/1", True),
        ("10.0.0.0/8", False),
        ("203.0.113.7/32", False),
        ("2001:db8::/32", False),
        ("garbage", False),
    ],
)
def test_cidr_is_public(cidr: str, public: bool) -> None:
    assert judge({"path": "c", "op": "cidr_is_public"}, {"c": cidr}) is public


def test_exists_absent_truthy() -> None:
    assert judge({"path": "a.b", "op": "exists"}, {"a": {"b": []}})
    assert judge({"path": "a.b", "op": "absent"}, {"a": {"b": None}})
    assert judge({"path": "a.b", "op": "absent"}, {})
    assert not judge({"path": "a", "op": "truthy"}, {"a": []})


def test_jmespath_expressions_and_top_level_fields() -> None:
    attrs = {"grants": [{"grantee": "AllUsers"}, {"grantee": "me"}]}
    cond = {"path": "grants[?grantee=='AllUsers'] | length(@)", "op": "gt", "value": 0}
    assert judge(cond, attrs)
    assert judge(
        {"path": "tags.Environment", "op": "eq", "value": "prod"}, {}, tags={"Environment": "prod"}
    )


SSH_OPEN = {
    "some": {
        "path": "ingress",
        "where": {
            "all": [
                {"path": "source", "op": "cidr_is_public"},
                {
                    "any": [
                        {"path": "protocol", "op": "eq", "value": "-1"},
                        {
                            "all": [
                                {"path": "from_port", "op": "lte", "value": 22},
                                {"path": "to_port", "op": "gte", "value": 22},
                            ]
                        },
                    ]
                },
            ]
        },
    }
}


@pytest.mark.parametrize(
    ("ingress", "open_"),
    [
        ([{"protocol": "tcp", "from_port": 22, "to_port": 22, "source": "0.0.0.0/0"}], True),
        ([{"protocol": "tcp", "from_port": 0, "to_port": 65535, "source": "::/0"}], True),
        ([{"protocol": "-1", "from_port": None, "to_port": None, "source": "0.0.0.0/0"}], True),
        ([{"protocol": "tcp", "from_port": 22, "to_port": 22, "source": "10.0.0.0/8"}], False),
        ([{"protocol": "tcp", "from_port": 443, "to_port": 443, "source": "0.0.0.0/0"}], False),
        ([], False),
    ],
)
def test_some_quantifier(ingress: list[dict[str, Any]], open_: bool) -> None:
    assert judge(SSH_OPEN, {"ingress": ingress}) is open_


def test_every_quantifier_is_true_on_empty() -> None:
    cond = {"every": {"path": "keys", "where": {"path": "status", "op": "eq", "value": "ok"}}}
    assert judge(cond, {"keys": []})
    assert judge(cond, {"keys": [{"status": "ok"}]})
    assert not judge(cond, {"keys": [{"status": "ok"}, {"status": "bad"}]})


def test_evidence_records_deciding_values_and_match() -> None:
    compiled = compile_condition({"not": SSH_OPEN})
    attrs = {
        "ingress": [
            {"protocol": "tcp", "from_port": 80, "to_port": 80, "source": "0.0.0.0/0"},
            {"protocol": "tcp", "from_port": 22, "to_port": 22, "source": "0.0.0.0/0"},
        ]
    }
    ctx = EvalContext(resource={"id": "r", "attributes": attrs}, now=NOW, record=True)
    assert compiled.fn(attrs, ctx) is False
    assert ctx.match == attrs["ingress"][1]
    assert ctx.evidence == {"ingress[1]": attrs["ingress"][1]}


@pytest.mark.parametrize(
    ("cond", "message"),
    [
        ({"path": "a", "op": "equal", "value": 1}, "unknown op 'equal'"),
        ({"path": "a[", "op": "exists"}, "invalid JMESPath"),
        ({"path": "a", "op": "gt", "value": "x"}, "needs a finite numeric value"),
        ({"path": "a", "op": "exists", "value": 1}, "takes no 'value'"),
        ({"path": "a", "op": "eq"}, "needs a 'value'"),
        ({"path": "a", "op": "regex", "value": "("}, "invalid regex"),
        ({"some": {"path": "x"}}, "expected {path: LIST, where: CONDITION}"),
        ({"alll": []}, "unknown key 'alll'"),
        ({"all": []}, "non-empty list"),
        (
            {"related": {"relation": "in_vpc", "where": {"path": "a", "op": "exists"}}},
            "needs a 'type'",
        ),
    ],
)
def test_compile_errors_name_the_problem(cond: dict[str, Any], message: str) -> None:
    with pytest.raises(CompileError, match=message.replace("[", r"\[").replace("{", r"\{")):
        compile_condition(cond)


def test_graph_conditions_are_flagged() -> None:
    compiled = compile_condition(
        {
            "all": [
                {"reachable_from_internet": False},
                {"related": {"relation": "in_vpc", "type": "aws.ec2.vpc"}},
            ]
        }
    )
    assert compiled.needs_graph
    assert compiled.related_types == {"aws.ec2.vpc"}
    assert not compile_condition({"path": "a", "op": "exists"}).needs_graph


def test_paths_inside_quantifiers_read_the_element() -> None:
    cond = {"some": {"path": "policies", "where": {"path": "name", "op": "eq", "value": "admin"}}}
    assert judge(cond, {"policies": [{"name": "admin"}]}, name="resource-name")
    assert not judge(cond, {"policies": [{"name": "ro"}]}, name="admin")


def test_a_path_nested_beyond_the_parser_is_a_compile_error() -> None:
    with pytest.raises(CompileError, match="nested too deep for a JMESPath expression"):
        compile_path("(" * 5000 + "name" + ")" * 5000)


def test_a_backtracking_pattern_matches_in_linear_time() -> None:
    # `^(a+)+$` on 40 a's and a b takes the backtracking `re` module minutes; RE2 does not
    # backtrack, so this returns at once (a hang here is the failure).
    check = compile_condition({"path": "label", "op": "regex", "value": "^(a+)+$"})
    ctx = EvalContext(resource={}, now=datetime(2026, 1, 1, tzinfo=UTC))
    assert check.fn({"label": "a" * 40 + "b"}, ctx) is False
    assert check.fn({"label": "a" * 40}, ctx) is True
    deep = compile_condition(
        {"path": "label", "op": "regex", "value": "(" * 5000 + "a" + ")" * 5000}
    )
    assert deep.fn({"label": "a"}, ctx) is True  # no RecursionError however deep


@pytest.mark.parametrize("pattern", [r"(a)\1", r"(?=x)y", "(unclosed"])
def test_patterns_re2_cannot_run_in_linear_time_are_compile_errors(pattern: str) -> None:
    with pytest.raises(CompileError, match="invalid regex"):
        compile_condition({"path": "label", "op": "regex", "value": pattern})
