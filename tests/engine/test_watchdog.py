"""A Python rule that ends the process (`os._exit`, `sys.exit`) is the rule's error result:
`pscan scan` still writes its findings and the gate fails; a worker that really dies
still stops a parallel scan with exit 3.

The scans run as subprocesses: if containment failed, `os._exit` would end pytest.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.engine.watchdog import RuleExit, contain_exit, time_limit
from scanner.paths import data_dir
from tests.engine.conftest import RULE, WritePack

DEMO = data_dir("fixtures/demo")

EXITS_PY = """
import os
import posix
import sys

from scanner.engine import resource_rule

CALLS = [0]

@resource_rule
def check(resource, spec):
    CALLS[0] += 1
    if CALLS[0] % 3 == 1:
        os._exit(0)
    if CALLS[0] % 3 == 2:
        posix._exit(0)
    sys.exit(0)
"""


def _pack(write_pack: WritePack, code: str, rule_id: str = "aws_s3_bucket_exits") -> Path:
    body = copy.deepcopy(RULE)
    del body["condition"]
    body.update(message="{resource.id}", tests=[])
    return write_pack({rule_id: body}, python={rule_id: code})


def _pscan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scanner.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_os_exit_raises_rule_exit_only_inside_the_guard() -> None:
    real = os._exit
    with pytest.raises(RuleExit, match=r"rule x called os._exit\(3\)"), time_limit("rule x"):
        os._exit(3)
    assert os._exit is real
    with pytest.raises(RuleExit), contain_exit("rule y"):
        import posix

        posix._exit(0)
    assert os._exit is real


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_rule_that_exits_is_an_error_result_and_fails_the_gate(
    write_pack: WritePack, tmp_path: Path, workers: str
) -> None:
    out = tmp_path / "findings.json"
    pack = _pack(write_pack, EXITS_PY)
    args = ("scan", str(DEMO), "--rules", str(pack), "--rule", "aws_s3_bucket_exits")
    proc = _pscan(*args, "--no-config", "--workers", workers, "-o", str(out), "-q")
    assert proc.returncode == 1, proc.stderr  # the gate fails on rule errors
    doc = json.loads(out.read_text())
    errors = [f for f in doc["findings"] if f["status"] == "error"]
    buckets = doc["resource_types"]["aws.s3.bucket"]
    assert len(errors) == buckets
    messages = {f["message"].split(":", 1)[1].strip() for f in errors}
    assert messages == {
        "RuleExit: rule aws_s3_bucket_exits called os._exit(0); a rule may not end the process",
        "SystemExit: 0",
    }


def test_a_rule_file_that_exits_on_import_is_refused(write_pack: WritePack, tmp_path: Path) -> None:
    pack = _pack(write_pack, "import os\nos._exit(0)\n")
    proc = _pscan("scan", str(DEMO), "--rules", str(pack), "-o", str(tmp_path / "f.json"))
    assert proc.returncode == 2, proc.stderr
    assert "rule aws_s3_bucket_exits: import failed (RuleExit" in proc.stderr
    assert not (tmp_path / "f.json").exists()
