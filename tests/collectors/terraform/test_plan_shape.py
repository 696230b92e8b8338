"""Plans of the wrong shape are refused with one line naming the part, never a traceback."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scanner.cli import cli
from scanner.collectors.terraform.plan import read_plan
from scanner.collectors.terraform.shape import MAX_DEPTH
from scanner.errors import CollectorError
from scanner.snapshot import nested_deeper_than

ROOT = Path(__file__).resolve().parents[3]
PLAN = json.loads((ROOT / "fixtures" / "iac" / "plan.json").read_text())


def _set(path: str, value: Any) -> dict[str, Any]:
    """The fixture plan with the part at dotted `path` (list indexes as numbers) replaced."""
    doc: dict[str, Any] = copy.deepcopy(PLAN)
    *parents, last = path.split(".")
    node: Any = doc
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[int(last) if isinstance(node, list) else last] = value
    return doc


CASES = {
    "configuration as a list": (_set("configuration", []), "configuration"),
    "root_module as a string": (_set("configuration.root_module", "x"), "root_module"),
    "module_calls as a list": (_set("configuration.root_module.module_calls", []), "module_calls"),
    "expressions as a list": (
        _set("configuration.root_module.resources.0.expressions", ["a"]),
        "expressions",
    ),
    "change as a string": (_set("resource_changes.0.change", "create"), "change"),
    "actions as a string": (_set("resource_changes.0.change.actions", "create"), "actions"),
    "an unknown action": (_set("resource_changes.0.change.actions", ["explode"]), "explode"),
    "after as a list": (_set("resource_changes.0.change.after", [1]), "after"),
    "address as a number": (_set("resource_changes.0.address", 7), "address"),
    "planned_values as a string": (_set("planned_values", "x"), "planned_values"),
    "values as a list": (_set("planned_values.root_module", []), "root_module"),
    "format_version 2": (_set("format_version", "2.0"), "format_version"),
    "format_version a number": (_set("format_version", 1.2), "format_version"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_part_of_the_wrong_type_is_named(tmp_path: Path, case: str) -> None:
    doc, part = CASES[case]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(CollectorError, match=part) as info:
        read_plan(path)
    assert str(info.value).startswith(f"{path}: ")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"format_version": "1.2", "resource_changes": [], "x": 1e400}', "out of range"),
        ('{"format_version": "1.2", "resource_changes": [], "x": NaN}', "NaN"),
        (
            '{"format_version": "1.2", "resource_changes": [], "x": '
            + "[" * 10_000
            + "]" * 10_000
            + "}",
            "nested",
        ),
        (
            '{"format_version": "1.2", "resource_changes": [], "x": ' + "[" * 300 + "]" * 300 + "}",
            "nested deeper",
        ),
    ],
    ids=["1e400", "NaN", "10000 deep", "300 deep"],
)
def test_numbers_and_nesting_json_cannot_hold_are_refused(
    tmp_path: Path, text: str, fragment: str
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(text)
    with pytest.raises(CollectorError, match=fragment):
        read_plan(path)


def test_the_cli_exits_2_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(CASES["actions as a string"][0]))
    result = CliRunner().invoke(cli, ["iac", "--plan", str(path), "--skip-checkov"])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "actions" in lines[0]


def test_depth_is_measured_without_recursion() -> None:
    deep: Any = []
    for _ in range(MAX_DEPTH):
        deep = [deep]
    assert nested_deeper_than(deep, MAX_DEPTH)
    assert not nested_deeper_than([[1], {"a": [2]}], MAX_DEPTH)


def test_an_unknown_framework_is_refused_before_the_plan_is_judged() -> None:
    plan = str(ROOT / "fixtures" / "iac" / "plan.json")
    args = ["iac", "--plan", plan, "--skip-checkov", "--framework", "no-such-fw"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "unknown framework" in result.output and "cis-aws-foundations-3.0" in result.output
