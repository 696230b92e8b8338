"""Hostile rule packs: YAML rules with mutated conditions, JMESPath paths, regexes and
message templates, through `pscan rules validate`, `pscan rules test` and `pscan scan`."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from scanner.paths import data_dir
from tests.fuzz.estate import small_snapshot
from tests.fuzz.harness import assert_clean, examples, pscan
from tests.fuzz.strategies import damaged, mutated, yaml_text

# a hostile input is large by design; its repr in a failure report is long too
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

# Rules that between them use every kind of condition: regex with applies_if and a
# JMESPath `||` template, nested all/any with a templated message, graph relations, ages.
RULE_FILES = [
    data_dir("rules") / name
    for name in (
        "gcp/sql/gcp_sql_instance_postgres_log_statement_ddl.yaml",
        "aws/ec2/aws_ec2_security_group_no_public_ftp.yaml",
        "aws/s3/aws_s3_bucket_default_encryption_enabled.yaml",
        "aws/ec2/aws_ec2_instance_not_reachable_from_internet_on_admin_ports.yaml",
        "aws/iam/aws_iam_user_access_keys_rotated_90_days.yaml",
    )
]
RULES = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in RULE_FILES}


@st.composite
def _pack(draw: st.DrawFn) -> tuple[str, bytes]:
    rule_id = draw(st.sampled_from(sorted(RULES)))
    text = yaml_text(draw(mutated(RULES[rule_id]))).encode("utf-8", "surrogatepass")
    if draw(st.integers(min_value=0, max_value=5)) == 0:
        text = draw(damaged(text))
    return rule_id, text


def _write_pack(root: Path, rule_id: str, text: bytes) -> Path:
    pack = root / "pack"
    pack.mkdir()
    for path in RULE_FILES:
        for part in (path, path.with_suffix(".py")):  # a graph rule's logic beside it
            if part.exists():
                (pack / part.name).write_bytes(part.read_bytes())
    (pack / f"{rule_id}.yaml").write_bytes(text)
    return pack


@examples(200)
@given(case=_pack())
def test_validate_and_test_any_rule(case: tuple[str, bytes]) -> None:
    rule_id, text = case
    with tempfile.TemporaryDirectory() as tmp:
        pack = _write_pack(Path(tmp), rule_id, text)
        assert_clean(pscan("rules", "validate", "--no-builtin-rules", pack))
        assert_clean(pscan("rules", "test", "--no-builtin-rules", "--rules", pack, "-q"))


@examples(60)
@given(case=_pack())
def test_scan_with_any_rule(case: tuple[str, bytes]) -> None:
    rule_id, text = case
    with tempfile.TemporaryDirectory() as tmp:
        pack = _write_pack(Path(tmp), rule_id, text)
        snap = small_snapshot(Path(tmp) / "snap")
        out = Path(tmp) / "findings.json"
        args: list[Any] = ["scan", snap, "--no-builtin-rules", "--rules", pack, "--no-config"]
        assert_clean(pscan(*args, "-q", "-o", out), out)
