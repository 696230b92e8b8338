"""`load_gate`: the one place `.pscan.yaml` is found, read and overridden by flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.app import GateOptions, load_gate
from scanner.app.scan import load_ruleset
from scanner.errors import ConfigError


def test_the_config_is_found_upward_and_its_baseline_is_relative_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()  # the repository root: the search stops here
    (tmp_path / ".pscan.yaml").write_text("fail_on: medium\nbaseline: ci/baseline.json\n")
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    gate = load_gate(GateOptions())
    assert gate.config_path == tmp_path / ".pscan.yaml"
    assert gate.fail_on == "medium"
    assert gate.baseline_path == tmp_path / "ci" / "baseline.json"


def test_flags_override_the_file(tmp_path: Path) -> None:
    config = tmp_path / "gate.yaml"
    config.write_text("fail_on: medium\nbaseline: b.json\n")
    gate = load_gate(GateOptions(fail_on="low", baseline=tmp_path / "x.json", config=config))
    assert (gate.fail_on, gate.baseline_path) == ("low", tmp_path / "x.json")


def test_no_config_ignores_the_file_and_the_default_applies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".pscan.yaml").write_text("fail_on: low\n")
    monkeypatch.chdir(tmp_path)
    assert load_gate(GateOptions(no_config=True)).fail_on == "high"
    assert load_gate(GateOptions(no_config=True), default_fail_on="none").fail_on == "none"
    assert load_gate(GateOptions(), default_fail_on="none").fail_on == "low"


def test_select_applies_include_and_exclude(tmp_path: Path) -> None:
    config = tmp_path / "gate.yaml"
    config.write_text("rules: {include: ['aws_s3_*'], exclude: ['aws_s3_bucket_versioning*']}\n")
    ruleset = load_ruleset()
    chosen = load_gate(GateOptions(config=config)).select(ruleset)
    assert chosen.rules
    assert all(r.startswith("aws_s3_") for r in chosen.rules)
    assert not any(r.startswith("aws_s3_bucket_versioning") for r in chosen.rules)
    assert load_gate(GateOptions(no_config=True)).select(ruleset) is ruleset


@pytest.mark.parametrize(
    ("rules", "fragment"),
    [
        ("{include: ['typo_*']}", r"rules.include 'typo_\*' matches none of the loaded rules"),
        ("{exclude: ['*']}", "rules include/exclude select none of the"),
        ("{include: ['aws_s3_*'], exclude: ['aws_*']}", "select none of the"),
    ],
)
def test_a_filter_that_runs_nothing_is_refused(tmp_path: Path, rules: str, fragment: str) -> None:
    config = tmp_path / "gate.yaml"
    config.write_text(f"rules: {rules}\n")
    with pytest.raises(ConfigError, match=fragment) as info:
        load_gate(GateOptions(config=config)).select(load_ruleset())
    assert str(info.value).startswith(str(config))


def test_a_checkov_only_filter_is_not_refused(tmp_path: Path) -> None:
    config = tmp_path / "gate.yaml"
    config.write_text("rules: {include: ['CKV_AWS_*']}\n")
    assert not load_gate(GateOptions(config=config)).select(load_ruleset()).rules
