"""Issue 17's reproduced defects that had no regression test yet, one test per bullet
(the comment above each names it). The others are tested where their fix lives:
tests/test_snapshot.py, tests/test_yamlfile.py, tests/engine/, tests/collectors/."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from scanner.paths import data_dir
from tests.fuzz.estate import LINES, PARTS, small_snapshot
from tests.fuzz.harness import assert_clean, pscan, write_snapshot_dir

RULE_HEAD = """title: probe
severity: high
category: security
resource_types: [aws.s3.bucket]
description: a rule written for the test
risk: none
remediation: {summary: none}
references: []
tests: []
"""
BUCKET = {"id": "arn:aws:s3:::b1", "type": "aws.s3.bucket", "name": "b1", "provider": "aws"}


def _pack(root: Path, body: str) -> Path:
    pack = root / "pack"
    pack.mkdir()
    (pack / "aws_s3_bucket_probe.yaml").write_text(RULE_HEAD + body, encoding="utf-8")
    return pack


def _scan_one_bucket(tmp_path: Path, body: str) -> tuple[int, list[dict[str, object]]]:
    snap = write_snapshot_dir(
        tmp_path / "snap", {"resources-a.jsonl.gz": [json.dumps(BUCKET).encode()]}
    )
    out = tmp_path / "findings.json"
    pack = _pack(tmp_path, body)
    outcome = pscan(
        "scan", snap, "--no-builtin-rules", "--rules", pack, "--no-config", "-q", "-o", out
    )
    assert_clean(outcome, out)
    return outcome.code, json.loads(out.read_text())["findings"]


# Fail-open: "A rule that fails at run time (... a JMESPath function on the wrong type
# ...) is logged with a traceback and skipped: exit 0."
def test_a_jmespath_function_on_the_wrong_type_is_an_error_that_fails_the_gate(
    tmp_path: Path,
) -> None:
    code, findings = _scan_one_bucket(
        tmp_path, 'message: "x"\ncondition: {path: "abs(name)", op: eq, value: 1}\n'
    )
    assert code == 1
    assert [f["status"] for f in findings] == ["error"]
    assert "JMESPathTypeError" in str(findings[0]["message"])


# Fail-open: "... a message template that raises ..."
def test_a_message_template_that_raises_is_an_error_that_fails_the_gate(tmp_path: Path) -> None:
    body = 'message: "{abs(resource.name)}"\ncondition: {path: name, op: eq, value: other}\n'
    code, findings = _scan_one_bucket(tmp_path, body)
    assert code == 1
    assert [f["status"] for f in findings] == ["error"]


# Fail-open: "... `age_days_gt` on NaN/inf ..." (a NaN threshold never fires)
@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_an_age_threshold_that_is_not_finite_is_refused(tmp_path: Path, value: str) -> None:
    pack = _pack(
        tmp_path, f'message: "x"\ncondition: {{path: created, op: age_days_gt, value: {value}}}\n'
    )
    outcome = pscan("rules", "validate", "--no-builtin-rules", pack)
    assert_clean(outcome)
    assert outcome.code == 2
    assert "age_days_gt' needs a finite numeric value" in outcome.stderr


# Fail-open: "... a manifest `created_at` without a timezone ..." (every age rule failed)
def test_a_manifest_time_without_a_zone_is_utc(tmp_path: Path) -> None:
    snap = small_snapshot(tmp_path / "snap")
    manifest = json.loads((snap / "manifest.json").read_text())
    outputs: list[list[dict[str, str]]] = []
    for created_at in ("2026-11-01T00:00:00Z", "2026-11-01T00:00:00"):
        manifest["created_at"] = created_at
        (snap / "manifest.json").write_text(json.dumps(manifest))
        out = tmp_path / f"findings-{len(outputs)}.json"
        outcome = pscan("scan", snap, "--no-config", "-q", "-o", out)
        assert_clean(outcome, out)
        outputs.append(json.loads(out.read_text())["findings"])
    assert not [f for f in outputs[1] if f["status"] == "error"]
    assert [f["fingerprint"] for f in outputs[1]] == [f["fingerprint"] for f in outputs[0]]


# Crashes: "`snapshot merge` of JSON nested 500+ deep (which scan accepts) →
# 'Recursion limit reached'."
def test_merging_a_deeply_nested_resource_is_bad_input(tmp_path: Path) -> None:
    deep = dict(BUCKET, attributes={"a": json.loads("[" * 600 + "]" * 600)})
    partitions = {PARTS[0]: [*LINES[PARTS[0]], json.dumps(deep).encode()]}
    snap = write_snapshot_dir(tmp_path / "snap", partitions)
    out = tmp_path / "merged"
    outcome = pscan("snapshot", "merge", snap, "-o", out)
    assert_clean(outcome, out)
    assert outcome.code == 2
    assert "nested deeper than" in outcome.stderr
    assert not out.exists()


# Crashes: "`pscan iac --framework no-such-fw` → KeyError."
def test_iac_with_an_unknown_framework_is_bad_usage(tmp_path: Path) -> None:
    plan = data_dir("fixtures/iac/plan.json")
    out = tmp_path / "findings.json"
    args = ("iac", "--plan", plan, "--skip-checkov", "--no-config", "-q", "-o", out)
    outcome = pscan(*args, "--framework", "no-such-fw")
    assert_clean(outcome, out)
    assert outcome.code == 2
    assert "unknown framework" in outcome.stderr
    assert not out.exists()


# Hangs: "a FIFO named `*.yaml` in a pack hangs every command"
@pytest.mark.parametrize(
    "command", [("rules", "validate", "--no-builtin-rules"), ("rules", "list", "--rules")]
)
def test_a_fifo_in_a_rule_pack_is_refused_without_blocking(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    os.mkfifo(pack / "aws_s3_bucket_fifo.yaml")
    outcome = pscan(*command, pack, timeout=10)
    assert_clean(outcome)
    assert outcome.code == 2
    assert "not a regular file" in outcome.stderr
