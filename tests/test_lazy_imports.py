"""A command loads only what it runs: the CLI's commands and the use cases in
`scanner.app` are imported when first asked for."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

import scanner.app
from scanner.cli import _COMMANDS, cli


def _loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running `code`."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_the_cli_alone_loads_no_command_and_no_use_case() -> None:
    loaded = _loaded_after("import scanner.cli")
    heavy = {m for m in loaded if m.startswith(("scanner.app.", "scanner.engine", "boto3"))}
    assert heavy == set()
    assert not {m for m in loaded if m.startswith(("sqlalchemy", "alembic", "google.cloud"))}


def test_a_use_case_loads_its_own_module_not_the_others() -> None:
    loaded = _loaded_after("from scanner.app import run_scan")
    assert "scanner.app.scan" in loaded
    # the audit store, the collectors and the load tester belong to other commands
    for other in ("scanner.app.audit", "scanner.app.loadtest", "scanner.collectors.aws"):
        assert other not in loaded
    assert not {m for m in loaded if m.startswith(("alembic", "boto3", "locust"))}


def test_every_exported_name_is_the_object_of_its_module() -> None:
    sources = scanner.app._sources()
    assert set(sources) == set(scanner.app.__all__)
    for name, module in sources.items():
        value = getattr(scanner.app, name)
        assert value is getattr(sys.modules[module], name), name


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_use_case"):
        _ = scanner.app.no_such_use_case


def test_every_registered_command_loads_under_its_name() -> None:
    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == sorted(_COMMANDS)
    for name in _COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None
        assert command.name == name
    assert cli.get_command(ctx, "no-such-command") is None


def test_an_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command 'no-such-command'" in result.output
