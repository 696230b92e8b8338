"""The standards declaration: its format, its one-line errors, and where it is read from."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.app.gate import GateOptions, load_gate
from scanner.engine import load_rules
from scanner.errors import ConfigError
from scanner.standards import read_standards, rule_params, version_at_least

EXAMPLE = """\
regions: {aws: [eu-west-1, "eu-central-*"], gcp: [europe-west1]}
services: {aws: ["aws.rds.*", Amazon S3]}
instance_types: {gcp: ["e2-*"]}
databases:
  aws:
    - {engine: postgres, min_version: 15}
required_tags: {Owner: ".+", Environment: [prod, dev]}
network: {databases_in_private_subnets: true, no_public_compute: true}
"""


def write(tmp_path: Path, text: str, name: str = "standards.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_each_declared_section_sets_the_params_of_its_rules(tmp_path: Path) -> None:
    params = rule_params(read_standards(write(tmp_path, EXAMPLE)))
    assert params == {
        "aws_standards_region_allowed": {"allowed": ["eu-west-1", "eu-central-*"]},
        "gcp_standards_region_allowed": {"allowed": ["europe-west1"]},
        "aws_standards_service_allowed": {"allowed": ["aws.rds.*", "Amazon S3"]},
        "gcp_standards_instance_type_allowed": {"allowed": ["e2-*"]},
        "aws_standards_database_engine_allowed": {
            "engines": [{"engine": "postgres", "min_version": "15"}]
        },
        "aws_standards_required_tags_present": {
            "tags": {"Owner": ".+", "Environment": ["prod", "dev"]}
        },
        "gcp_standards_required_tags_present": {
            "tags": {"Owner": ".+", "Environment": ["prod", "dev"]}
        },
        "aws_standards_database_in_private_network": {"enforced": True},
        "gcp_standards_database_in_private_network": {"enforced": True},
        "aws_standards_compute_not_internet_addressed": {"enforced": True},
        "gcp_standards_compute_not_internet_addressed": {"enforced": True},
    }
    rules = load_rules().rules
    assert set(params) <= set(rules)  # every id the standards set is a loaded rule


def test_every_standards_rule_is_architecture_and_silent_by_default() -> None:
    rules = {rid: r for rid, r in load_rules().rules.items() if "_standards_" in rid}
    assert len(rules) == 16
    assert {r.spec.category for r in rules.values()} == {"architecture"}
    assert not any(r.judges for r in rules.values())  # no standard declared: none runs


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("regions: {aws: [eu-west-1]}\nregionz: {aws: [x]}\n", 2, "field regionz: Extra inputs"),
        ("regions:\n  aws: [eu-west-1]\n  azure: [westeurope]\n", 3, "field regions.azure: Extra"),
        ("regions:\n  aws: []\n", 2, "field regions.aws: List should have at least 1 item"),
        (
            "databases:\n  aws:\n    - {engine: postgres, min_version: fifteen}\n",
            3,
            "field databases.aws.0.min_version: 'fifteen' is not a version",
        ),
        (
            "network:\n  databases_in_private_subnets: true\n  waf: true\n",
            3,
            "field network.waf: Extra inputs are not permitted",
        ),
        ("required_tags:\n  Owner: '(unclosed'\n", 1, "field required_tags: Owner:"),
    ],
)
def test_a_bad_standards_file_names_file_line_and_field(
    tmp_path: Path, text: str, line: int, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        read_standards(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: {problem}"), message
    assert "\n" not in message


def test_a_standards_file_cannot_point_to_another(tmp_path: Path) -> None:
    path = write(tmp_path, "file: other.yaml\n")
    with pytest.raises(ConfigError, match=r"standards\.yaml:1: field file: a standards file"):
        read_standards(path)


def test_inline_standards_in_pscan_yaml_are_checked_with_their_line(tmp_path: Path) -> None:
    config = write(
        tmp_path, "fail_on: high\nstandards:\n  regions: {aws: eu-west-1}\n", ".pscan.yaml"
    )
    with pytest.raises(ConfigError) as caught:
        load_gate(GateOptions(config=config))
    assert str(caught.value).startswith(f"{config}:3: field standards.regions.aws:")


def test_file_beside_other_keys_is_refused(tmp_path: Path) -> None:
    text = "standards:\n  file: standards.yaml\n  regions: {aws: [eu-west-1]}\n"
    config = write(tmp_path, text, ".pscan.yaml")
    with pytest.raises(ConfigError, match="declare nothing else here"):
        load_gate(GateOptions(config=config))


def test_standards_come_from_the_flag_else_the_config_inline_or_its_file(
    tmp_path: Path,
) -> None:
    write(tmp_path, "regions: {aws: [eu-west-1]}\n", "team.yaml")
    config = write(tmp_path, "standards: {file: team.yaml}\n", ".pscan.yaml")
    gate = load_gate(GateOptions(config=config))
    assert gate.standards is not None and gate.standards.regions.aws == ["eu-west-1"]
    assert gate.standards_path == tmp_path / "team.yaml"

    flag = write(tmp_path, "regions: {aws: [us-east-1]}\n", "flag.yaml")
    gate = load_gate(GateOptions(config=config, standards=flag))
    assert gate.standards is not None and gate.standards.regions.aws == ["us-east-1"]

    inline = write(tmp_path, "standards: {regions: {gcp: [eu]}}\n", "inline.yaml")
    gate = load_gate(GateOptions(config=inline))
    assert gate.standards is not None and gate.standards.regions.gcp == ["eu"]
    assert gate.standards_path == inline

    assert load_gate(GateOptions(no_config=True)).standards is None


def test_tune_gives_the_standards_to_their_rules_and_params_still_win(tmp_path: Path) -> None:
    text = (
        "standards: {regions: {aws: [eu-west-1]}}\n"
        "params: {aws_standards_region_allowed: {allowed: [us-east-1]}}\n"
    )
    gate = load_gate(GateOptions(config=write(tmp_path, text, ".pscan.yaml")))
    rules = gate.tune(load_rules()).rules
    assert rules["aws_standards_region_allowed"].spec.params == {"allowed": ["us-east-1"]}
    assert rules["aws_standards_region_allowed"].judges
    assert not rules["gcp_standards_region_allowed"].judges


@pytest.mark.parametrize(
    ("version", "minimum", "expected"),
    [
        ("15.4", "15", True),
        ("16", "15.2", True),
        ("15", "15.2", False),
        ("8.0.35", "8.0", True),
        ("5.7.44", "8.0", False),
        ("", "8.0", False),
    ],
)
def test_versions_compare_number_by_number(version: str, minimum: str, expected: bool) -> None:
    assert version_at_least(version, minimum) is expected
