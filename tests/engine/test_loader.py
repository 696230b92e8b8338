"""Loading rule packs, and refusing broken ones with a clear message."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from scanner.engine import load_rules
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
