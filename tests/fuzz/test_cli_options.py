"""Hostile command lines: every option of the offline commands, with valid, wrong-typed,
out-of-range, empty and hostile values, in any combination.

Options are read from the click commands themselves, so a new option is fuzzed without
editing this file. Left out: the options that collect from a cloud (`--aws`, `--gcp`,
endpoints, credentials: the collection suites fuzz those) and those that start worker
processes or connect to a cluster (`--workers`, `--executor`). Every run happens in an
empty working directory, and `-o` only ever names a place inside it.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.cli import cli
from scanner.paths import data_dir
from tests.fuzz.estate import small_snapshot
from tests.fuzz.harness import assert_clean, examples, pscan
from tests.fuzz.strategies import LONG

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

# command path -> positional arguments, by kind ("snap", "findings", "plan")
COMMANDS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("scan",): ("snap",),
    ("report",): ("findings",),
    ("diagram",): ("snap",),
    ("cost",): ("snap",),
    ("capacity", "show"): ("snap",),
    ("snapshot", "info"): ("snap",),
    ("rules", "list"): (),
    ("rules", "show"): ("rule",),
    ("iac",): (),
    ("baseline", "create"): ("findings",),
}
SKIPPED = frozenset(
    [
        "--aws",
        "--gcp",
        "--snapshots-dir",
        "--profile",
        "--regions",
        "--services",
        "--org",
        "--role-name",
        "--external-id",
        "--accounts",
        "--max-workers",
        "--endpoint-url",
        "--max-attempts",
        "--scope",
        "--export-file",
        "--asset-types",
        "--endpoint",
        "--read-time",
        "--compute-endpoint",
        "--monitoring-endpoint",
        "--billing-table",
        "--billing-export-file",
        "--billing-label",
        "--bigquery-endpoint",
        "--workers",
        "--executor",
        "--help",
    ]
)
_HOSTILE = st.sampled_from(
    ["", " ", "-", "--", "-1", "0", "99999999999999999999", "nan", "inf", "1e400", "*",
     "\x1b[2J", "no-such-thing", "é", "../..", "a,b,,c", LONG[:5000]]
)  # fmt: skip


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        sub = command.get_command(click.Context(command), name)
        assert sub is not None, name
        command = sub
    return command


@st.composite
def _value(draw: st.DrawFn, option: click.Option, places: dict[str, str]) -> list[str]:
    name = option.opts[-1] if option.opts[-1].startswith("--") else option.opts[0]
    if option.is_flag:
        return [name]
    if name in ("-o", "--output"):
        return [name, draw(st.sampled_from([places["out"], places["dir"], "", places["deep"]]))]
    kind = option.type
    if isinstance(kind, click.Choice):
        valid = st.sampled_from([str(c) for c in kind.choices])
    elif isinstance(kind, click.Path | click.File):
        valid = st.sampled_from(
            [places[k] for k in ("snap", "findings", "garbage", "dir", "missing")]
        )
    elif isinstance(kind, click.types.IntParamType | click.types.FloatParamType):
        valid = st.integers(min_value=-3, max_value=10**6).map(str)
    else:
        valid = st.text(max_size=20)
    return [name, draw(st.one_of(valid, _HOSTILE))]


@st.composite
def _argv(draw: st.DrawFn, places: dict[str, str]) -> list[str]:
    path = draw(st.sampled_from(sorted(COMMANDS)))
    command = _command(path)
    options = [
        p for p in command.params if isinstance(p, click.Option) and p.opts[-1] not in SKIPPED
    ]
    argv = list(path)
    for option in draw(st.lists(st.sampled_from(options), max_size=5)) if options else []:
        argv += draw(_value(option, places))
    for kind in COMMANDS[path]:
        pick = draw(st.sampled_from([kind, kind, "garbage", "missing", "dir"]))
        argv.append(places.get(pick, "aws_s3_bucket_not_public"))
    if path == ("iac",):
        argv += [
            "--skip-checkov",
            "--plan",
            draw(st.sampled_from([places["plan"], places["garbage"]])),
        ]
    return argv


PLAN = data_dir("fixtures/iac/plan.json")


@examples(70)
@given(data=st.data())
def test_any_command_line(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
        root = Path(tmp)
        snap = small_snapshot(root / "snap")
        findings = root / "findings.json"
        findings.write_text('{"findings": []}')
        (root / "garbage.bin").write_bytes(b"\xff\x00{[")
        (root / "dir").mkdir()
        places = {
            "snap": str(snap),
            "findings": str(findings),
            "garbage": str(root / "garbage.bin"),
            "dir": str(root / "dir"),
            "missing": str(root / "missing"),
            "out": str(root / "out.txt"),
            "deep": str(root / "no" / "such" / "out.txt"),
            "plan": str(PLAN),
        }
        argv = data.draw(_argv(places))
        before = sorted(p.name for p in root.iterdir())
        outcome = pscan(*argv)
        assert_clean(outcome)
        # nothing but the -o target (and the folders to it) may appear in the working directory
        after = sorted(p.name for p in root.iterdir())
        assert set(after) - set(before) <= {"out.txt", "no"}, (argv, after)
