"""What the fuzz suite found, kept as plain regression tests (one per defect, each the
smallest input that showed it)."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from scanner.paths import data_dir
from tests.fuzz.harness import assert_clean, pscan

PLAN = data_dir("fixtures/iac/plan.json")
RULE = data_dir("rules/aws/s3/aws_s3_bucket_default_encryption_enabled.yaml")


def _pack(tmp_path: Path, old: str, new: str) -> Path:
    text = RULE.read_text(encoding="utf-8")
    assert old in text
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / RULE.name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return pack


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        # a case's resource without an id: KeyError 'id', exit 3
        ("- id: fail-no-encryption\n", "- ident: fail-no-encryption\n", "'id' and 'type'"),
        # attributes that are not an object: each rule failed with a logged traceback
        ("attributes: {encryption: null}", "attributes: [1]", "attributes: expected an object"),
    ],
)
def test_a_rule_test_case_resource_has_the_snapshot_shape(
    tmp_path: Path, old: str, new: str, fragment: str
) -> None:
    pack = _pack(tmp_path, old, new)
    for args in (("rules", "validate", "--no-builtin-rules", pack),
                 ("rules", "test", "--no-builtin-rules", "--rules", pack)):  # fmt: skip
        outcome = pscan(*args)
        assert_clean(outcome)
        assert outcome.code == 2
        assert "tests" in outcome.stderr and fragment in outcome.stderr


def test_an_op_that_is_not_a_string_is_a_compile_error(tmp_path: Path) -> None:
    # `op: [in]`: TypeError "unhashable type: 'list'", exit 3
    pack = _pack(tmp_path, "op: in,", "op: [in],")
    outcome = pscan("rules", "validate", "--no-builtin-rules", pack)
    assert_clean(outcome)
    assert outcome.code == 2
    assert "condition: unknown op \"['in']\"" in outcome.stderr


def test_a_plan_not_in_utf8_is_bad_input(tmp_path: Path) -> None:
    # UnicodeDecodeError, exit 3
    plan = tmp_path / "plan.json"
    plan.write_bytes(b'{"format_version": "1.2", "x": "\xff"}')
    out = tmp_path / "out.json"
    outcome = pscan("iac", "--plan", plan, "--skip-checkov", "--no-config", "-q", "-o", out)
    assert_clean(outcome, out)
    assert outcome.code == 2
    assert "not UTF-8 text (byte 0xff at offset 32)" in outcome.stderr


def test_a_rule_pack_that_cannot_be_listed_is_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `pscan rules list --rules ../..` from a temporary folder walked into /proc, where
    # listing a folder fails with EINVAL: OSError, exit 3
    def refuse(self: Path, pattern: str) -> list[Path]:
        raise OSError(errno.EINVAL, "Invalid argument", str(self / "proc" / "1" / "net"))

    monkeypatch.setattr(Path, "rglob", refuse)
    outcome = pscan("rules", "list", "--no-builtin-rules", "--rules", tmp_path)
    assert_clean(outcome)
    assert outcome.code == 2
    assert "cannot list the rule pack (Invalid argument)" in outcome.stderr


def test_a_plan_block_of_the_wrong_shape_names_the_resource(tmp_path: Path) -> None:
    # a nested block that is a list where the provider writes an object:
    # AttributeError "'list' object has no attribute 'get'", exit 3
    data = json.loads(PLAN.read_text(encoding="utf-8"))
    sse = next(
        c
        for c in data["resource_changes"]
        if c["type"] == "aws_s3_bucket_server_side_encryption_configuration"
    )
    sse["change"]["after"]["rule"][0]["apply_server_side_encryption_by_default"] = [["AES256"]]
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out.json"
    outcome = pscan("iac", "--plan", plan, "--skip-checkov", "--no-config", "-q", "-o", out)
    assert_clean(outcome, out)
    assert outcome.code == 2
    assert f"{sse['address']}: values of an unexpected shape (AttributeError" in outcome.stderr
