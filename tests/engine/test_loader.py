"""Loading rule packs, and refusing broken ones with a clear message."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from scanner.engine import load_rules, monitoring, run_rule_tests
from scanner.engine.shared import SHARED_CHECKS
from scanner.errors import RuleLoadError
from tests.engine.conftest import RULE, WritePack


def rule(**changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(RULE)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def test_loads_a_pack(write_pack: WritePack) -> None:
    ruleset = load_rules([write_pack({"aws_s3_bucket_versioned": rule()})], include_builtin=False)
    loaded = ruleset.rules["aws_s3_bucket_versioned"]
    assert loaded.spec.provider == "aws"
    assert loaded.spec.path is not None and loaded.spec.path.name == "aws_s3_bucket_versioned.yaml"
    assert not loaded.needs_graph


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("title: [unclosed\n", r"aws_s3_bucket_versioned.yaml:\d+: invalid YAML"),
        (rule(colour="red"), r"field colour: Extra inputs are not permitted"),
        (rule(severity="urgent"), r"field severity: Input should be 'critical'"),
        (rule(resource_types=["aws.s3.bukket"]), r"unknown resource type 'aws.s3.bukket'"),
        (rule(resource_types=["gcp.storage.bucket"]), r"is not a aws type"),
        (rule(condition={"path": "x", "op": "equal", "value": 1}), r"unknown op 'equal'"),
        (rule(condition={"path": "x[", "op": "exists"}), r"invalid JMESPath"),
        (rule(condition=None), r"no condition and no aws_s3_bucket_versioned.py"),
        (rule(message="{resource.[}"), r"message placeholder"),
        (rule(cost={"price": "nope"}), r"cost.price 'nope' is not in prices.yaml"),
        ("- just\n- a list\n", r"expected a mapping at the top level"),
    ],
)
def test_broken_rules_name_file_and_problem(
    write_pack: WritePack, body: object, message: str
) -> None:
    pack = write_pack({"aws_s3_bucket_versioned": body})
    with pytest.raises(RuleLoadError, match=message) as info:
        load_rules([pack], include_builtin=False)
    assert "aws_s3_bucket_versioned" in str(info.value)
    assert "\n" not in str(info.value)


def test_bad_rule_id(write_pack: WritePack) -> None:
    pack = write_pack({"azure_thing_ok": rule()})
    with pytest.raises(RuleLoadError, match="must read <provider>_<service>_<expected_state>"):
        load_rules([pack], include_builtin=False)


def test_duplicate_rule_id_across_packs(write_pack: WritePack) -> None:
    pack = write_pack({"aws_s3_bucket_versioned": rule()})
    with pytest.raises(RuleLoadError, match="already defined"):
        load_rules([pack, pack], include_builtin=False)


def test_missing_pack() -> None:
    with pytest.raises(RuleLoadError, match="no such rule pack directory"):
        load_rules(["/nonexistent/pack"], include_builtin=False)  # type: ignore[list-item]


PY_RULE = """
from scanner.engine import Hit, resource_rule

@resource_rule
def check(resource, spec):
    if resource["attributes"].get("versioning") != "Enabled":
        yield Hit(evidence={"versioning": resource["attributes"].get("versioning")})
"""


def test_python_rule_is_picked_up(write_pack: WritePack) -> None:
    pack = write_pack(
        {"aws_s3_bucket_versioned": rule(condition=None)},
        python={"aws_s3_bucket_versioned": PY_RULE},
    )
    loaded = load_rules([pack], include_builtin=False).rules["aws_s3_bucket_versioned"]
    assert loaded.resource_fn is not None and loaded.graph_fn is None


def test_python_rule_with_condition_too_is_refused(write_pack: WritePack) -> None:
    pack = write_pack(
        {"aws_s3_bucket_versioned": rule()}, python={"aws_s3_bucket_versioned": PY_RULE}
    )
    with pytest.raises(RuleLoadError, match="has both a condition"):
        load_rules([pack], include_builtin=False)


def test_python_rule_import_error(write_pack: WritePack) -> None:
    pack = write_pack(
        {"aws_s3_bucket_versioned": rule(condition=None)},
        python={"aws_s3_bucket_versioned": "import does_not_exist\n"},
    )
    with pytest.raises(RuleLoadError, match=r"import failed \(ModuleNotFoundError"):
        load_rules([pack], include_builtin=False)


def test_python_rule_bad_signature(write_pack: WritePack) -> None:
    code = "from scanner.engine import resource_rule\n\n@resource_rule\ndef check(r):\n    pass\n"
    pack = write_pack(
        {"aws_s3_bucket_versioned": rule(condition=None)}, python={"aws_s3_bucket_versioned": code}
    )
    with pytest.raises(RuleLoadError, match="takes \\(resource, spec\\)"):
        load_rules([pack], include_builtin=False)


def test_framework_with_unknown_rule(write_pack: WritePack) -> None:
    pack = write_pack({"aws_s3_bucket_versioned": rule()})
    (pack / "frameworks").mkdir()
    (pack / "frameworks" / "fw-1.0.yaml").write_text(
        "id: fw-1.0\ntitle: FW\nversion: '1.0'\nprovider: aws\ncontrols:\n"
        "  - {id: '1', title: t, automated: true, rules: [aws_nope_rule]}\n"
    )
    with pytest.raises(RuleLoadError, match="maps unknown rule 'aws_nope_rule'"):
        load_rules([pack], include_builtin=False)


# ---------------------------------------------------------------------- shared checks
def alarm_rule(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "resource_types": ["aws.account"],
        "condition": None,
        "check": "monitoring.aws_alarm",
        "params": {"alert": "root_usage"},
        "message": "{evidence.reason}",
        "tests": [],
    }
    return rule(**{**base, **changes})


def test_a_rule_names_a_shared_check_with_its_params(write_pack: WritePack) -> None:
    pack = write_pack({"aws_account_root_alarm": alarm_rule()})
    loaded = load_rules([pack], include_builtin=False).rules["aws_account_root_alarm"]
    assert loaded.graph_fn is monitoring.aws_alarm and loaded.resource_fn is None
    assert loaded.shared is SHARED_CHECKS["monitoring.aws_alarm"]
    # the graph needs of the check come with it: the YAML does not repeat them
    assert loaded.graph_relations == {"logs_to"}
    assert set(monitoring.AWS_MONITORING_TYPES) <= loaded.graph_attribute_types


@pytest.mark.parametrize(
    ("changes", "python", "message"),
    [
        ({"check": "monitoring.nope"}, None, r"unknown check 'monitoring.nope' \(use one of: "),
        ({"params": {"alert": "nope"}}, None, r"params: .*unknown alert 'nope' \(use one of"),
        ({"params": {}}, None, r"params: field alert: Field required"),
        ({"params": {"alert": "root_usage", "x": 1}}, None, r"params: field x: Extra inputs"),
        ({"resource_types": ["aws.s3.bucket"]}, None, r"judges aws.account, not aws.s3.bucket"),
        ({}, PY_RULE, r"has both check: monitoring.aws_alarm and aws_account_root_alarm.py"),
        (
            {"condition": {"path": "x", "op": "exists"}},
            None,
            r"has both a condition and check: monitoring.aws_alarm",
        ),
    ],
)
def test_broken_shared_check_rules(
    write_pack: WritePack, changes: dict[str, Any], python: str | None, message: str
) -> None:
    pack = write_pack(
        {"aws_account_root_alarm": alarm_rule(**changes)},
        python={"aws_account_root_alarm": python} if python else None,
    )
    with pytest.raises(RuleLoadError, match=message):
        load_rules([pack], include_builtin=False)


def test_params_are_refused_on_a_condition(write_pack: WritePack) -> None:
    pack = write_pack({"aws_s3_bucket_versioned": rule(params={"x": 1})})
    with pytest.raises(RuleLoadError, match="params are read by Python rules only"):
        load_rules([pack], include_builtin=False)


def test_params_must_be_a_mapping(write_pack: WritePack) -> None:
    pack = write_pack({"aws_account_root_alarm": alarm_rule(params=["root_usage"])})
    with pytest.raises(RuleLoadError, match=r"field params: Input should be a valid dictionary"):
        load_rules([pack], include_builtin=False)


# ---------------------------------------------------------------------- shared estates
ESTATE = """
description: buckets whose versioning is the placeholder
cases:
  - name: one of each
    resources:
      - {id: pass-on, type: aws.s3.bucket, attributes: {versioning: "{{good}}"}}
      - {id: fail-off, type: aws.s3.bucket, attributes: {versioning: "{{ bad }}"}}
      - id: undecided-unknown
        type: aws.s3.bucket
        attributes: {versioning: "(known after apply)"}
"""


def _with_estate(write_pack: WritePack, tests: list[dict[str, Any]]) -> Any:
    pack = write_pack({"aws_s3_bucket_versioned": rule(tests=tests)})
    (pack / "_shared").mkdir()
    (pack / "_shared" / "buckets.yaml").write_text(ESTATE)
    return pack


def test_a_shared_estate_is_filled_in_and_run(write_pack: WritePack) -> None:
    pack = _with_estate(
        write_pack, [{"use": "buckets", "with": {"good": "Enabled", "bad": "Suspended"}}]
    )
    ruleset = load_rules([pack], include_builtin=False)
    assert set(ruleset.estates) == {"buckets"}  # _shared/ holds no rule
    (case,) = ruleset.rules["aws_s3_bucket_versioned"].cases
    assert case.name == "buckets: one of each"
    assert [r["attributes"]["versioning"] for r in case.resources] == [
        "Enabled",
        "Suspended",
        "(known after apply)",
    ]
    (result,) = run_rule_tests(ruleset)
    assert result.ok, result.problems
    assert result.cases == 1


def test_rule_tests_check_the_undecided_ids(write_pack: WritePack) -> None:
    pack = _with_estate(
        write_pack, [{"use": "buckets", "with": {"good": "Suspended", "bad": "Enabled"}}]
    )
    ruleset = load_rules([pack], include_builtin=False)
    body = ruleset.rules["aws_s3_bucket_versioned"].cases[0].resources
    body[2]["id"] = "pass-unknown"
    (result,) = run_rule_tests(ruleset)
    assert result.problems == [
        "case 'buckets: one of each': should fail but passed: ['fail-off']",
        "case 'buckets: one of each': should pass but failed: ['pass-on']",
        "case 'buckets: one of each': should pass but was undecided: ['pass-unknown']",
    ]


@pytest.mark.parametrize(
    ("tests", "message"),
    [
        ([{"use": "nope"}], r"unknown shared estate 'nope' \(.*loaded: buckets\)"),
        ([{"use": "buckets", "with": {"good": "Enabled"}}], r"needs a value for \['bad'\]"),
        (
            [{"use": "buckets", "with": {"good": "a", "bad": "b", "ugly": "c"}}],
            r"has no placeholder \['ugly'\]",
        ),
    ],
)
def test_broken_estate_uses(
    write_pack: WritePack, tests: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(RuleLoadError, match=message):
        load_rules([_with_estate(write_pack, tests)], include_builtin=False)
