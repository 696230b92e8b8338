"""CI examples run real pscan commands; pscan's own workflows run the documented targets.

action.yml, docs/ci.md and the pre-commit hooks name real commands and options;
.github/workflows run `.ci/run` on every push and `make test-latest` weekly.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from scanner.cli import cli

ROOT = Path(__file__).resolve().parents[1]
_FENCE = re.compile(r"^```(yaml|sh)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _run_scripts(node: Any) -> list[str]:
    """Every `run:`/`script:`/`entry:` text in a workflow, GitLab or pre-commit document."""
    out: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("run", "entry") and isinstance(value, str):
                out.append(value)
            elif key in ("script", "before_script", "after_script") and isinstance(value, list):
                out.extend(str(v) for v in value)
            else:
                out.extend(_run_scripts(value))
    elif isinstance(node, list):
        for item in node:
            out.extend(_run_scripts(item))
    return out


def _pscan_commands(script: str) -> list[list[str]]:
    """`pscan ...` invocations in a shell script, as argument lists."""
    commands = []
    for raw in script.replace("\\\n", " ").splitlines():
        line = raw.split(" #", 1)[0]
        for part in re.split(r"\|\||&&|;|\|", line):
            words = shlex.split(part.strip(), posix=True) if part.strip() else []
            if words and words[0] == "pscan":
                commands.append(words[1:])
    return commands


def _check(args: list[str]) -> None:
    """The command path exists and every option is one of that command's options."""
    command: click.Command = cli
    rest = list(args)
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        sub = command.get_command(click.Context(command), rest[0])
        assert sub is not None, f"pscan {' '.join(args)}: no command {rest[0]!r}"
        command, rest = sub, rest[1:]
    assert not isinstance(command, click.Group), f"pscan {' '.join(args)}: incomplete command"
    names = {n for p in command.params for n in [*p.opts, *p.secondary_opts]}
    for word in rest:
        if word.startswith("-") and word != "-":
            flag = word.split("=", 1)[0]
            assert flag in names, f"pscan {' '.join(args)}: no option {flag!r}"


def _yaml_blocks(markdown: str) -> list[Any]:
    return [yaml.safe_load(m.group(2)) for m in _FENCE.finditer(markdown) if m.group(1) == "yaml"]


def test_action_runs_real_commands() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    uses = [s.get("uses", "") for s in action["runs"]["steps"]]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    commands = [c for s in _run_scripts(action) for c in _pscan_commands(s)]
    assert {c[0] for c in commands} >= {"iac", "report"}
    for args in commands:
        _check([a for a in args if not a.startswith('"$') and not a.startswith("$")])


def test_ci_page_examples_run_real_commands() -> None:
    page = (ROOT / "docs" / "ci.md").read_text()
    blocks = _yaml_blocks(page)
    workflows = [b for b in blocks if isinstance(b, dict) and "jobs" in b]
    gitlab = [b for b in blocks if isinstance(b, dict) and "pscan" in b and "script" in b["pscan"]]
    assert workflows and gitlab, "docs/ci.md needs GitHub Actions and GitLab CI examples"
    scripts = [s for b in [*workflows, *gitlab] for s in _run_scripts(b)]
    scripts += [m.group(2) for m in _FENCE.finditer(page) if m.group(1) == "sh"]
    commands = [c for s in scripts for c in _pscan_commands(s)]
    assert len(commands) >= 8
    for args in commands:
        _check(args)


def test_ci_page_config_example_is_a_valid_config(tmp_path: Path) -> None:
    from scanner.gate import load_config

    page = (ROOT / "docs" / "ci.md").read_text()
    configs = [b for b in _yaml_blocks(page) if isinstance(b, dict) and "suppressions" in b]
    assert len(configs) == 1
    path = tmp_path / ".pscan.yaml"
    path.write_text(yaml.safe_dump(configs[0]))
    assert load_config(path).suppressions[0].owner == "web-team@example.com"


def test_pre_commit_hooks_run_real_commands() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in hooks} == {"pscan-iac", "pscan-plan"}
    for hook in hooks:
        (args,) = _pscan_commands(hook["entry"])
        _check(args)


@pytest.mark.parametrize("bad", [["iac", "--no-such-flag"], ["baseline", "make"]])
def test_the_checker_catches_mistakes(bad: list[str]) -> None:
    with pytest.raises(AssertionError):
        _check(bad)


def _workflow(name: str) -> dict[Any, Any]:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
    assert isinstance(workflow, dict)
    return workflow


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads a bare `on:` key as the boolean true
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict)
    return triggers


def test_ci_workflow_runs_the_ci_entry_point() -> None:
    workflow = _workflow("ci.yml")
    assert {"push", "pull_request"} <= set(_triggers(workflow))
    assert "bash .ci/run" in _run_scripts(workflow)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_latest_workflow_runs_weekly_and_on_demand() -> None:
    workflow = _workflow("latest.yml")
    triggers = _triggers(workflow)
    assert "workflow_dispatch" in triggers
    (schedule,) = triggers["schedule"]
    assert len(schedule["cron"].split()) == 5 and schedule["cron"].split()[4] != "*"
    assert any("make test-latest" in script for script in _run_scripts(workflow))
    assert "\ntest-latest:" in (ROOT / "Makefile").read_text()


def test_ci_page_says_how_to_refresh_the_lock() -> None:
    page = (ROOT / "docs" / "ci.md").read_text()
    assert "make lock && make test" in page
    assert "make test-latest" in page
    assert (ROOT / "docs" / "adr" / "0004-locked-test-environment.md").is_file()
