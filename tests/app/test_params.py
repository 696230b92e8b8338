"""`.pscan.yaml` `params:` sets rule thresholds; a bad entry is one line naming the field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from scanner.app import GateOptions, RuleOptions, ScanRequest, run_scan
from scanner.errors import ConfigError
from scanner.snapshot import SnapshotWriter
from scanner.synthetic.builders import resource

RULE = """\
title: Volumes stay under a size
severity: low
category: capacity
resource_types: [aws.ec2.volume]
description: Flags volumes above `max_gb`.
risk: Large volumes.
message: "volume {resource.name} is {size} GiB"
params: {max_gb: 100, label: big}
remediation: {summary: Shrink it.}
"""

CHECK = """\
from collections.abc import Iterator, Mapping
from typing import Any

from scanner.engine import Hit, RuleSpec, resource_rule


@resource_rule
def check(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Hit]:
    size = resource["attributes"]["size_gb"]
    if size > spec.params["max_gb"]:
        yield Hit(evidence={"size": size})
"""


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    pack = tmp_path / "rules"
    pack.mkdir()
    (pack / "aws_ec2_volume_small.yaml").write_text(RULE)
    (pack / "aws_ec2_volume_small.py").write_text(CHECK)
    snap = tmp_path / "snap"
    with SnapshotWriter(snap, source="test") as writer:
        for size in (50, 150, 300):
            writer.add(resource(f"vol-{size}", "aws.ec2.volume", attributes={"size_gb": size}))
    return pack, snap


def _scan(setup: tuple[Path, Path], config: str, tmp_path: Path) -> list[str]:
    pack, snap = setup
    path = tmp_path / ".pscan.yaml"
    path.write_text(textwrap.dedent(config))
    result = run_scan(
        ScanRequest(
            snapshots=(snap,),
            rules=RuleOptions(paths=(pack,), builtin=False),
            gate=GateOptions(config=path, fail_on="none"),
        )
    )
    return sorted(f.resource.id for f in result.doc.findings)


def test_default_threshold(setup: tuple[Path, Path], tmp_path: Path) -> None:
    assert _scan(setup, "{}", tmp_path) == ["vol-150", "vol-300"]


@pytest.mark.parametrize("key", ["aws_ec2_volume_small", "aws_ec2_*"])
def test_config_sets_the_threshold(setup: tuple[Path, Path], tmp_path: Path, key: str) -> None:
    assert _scan(setup, f"params: {{{key}: {{max_gb: 200}}}}", tmp_path) == ["vol-300"]


@pytest.mark.parametrize(
    ("config", "fragment"),
    [
        ("params: {aws_ec2_volume_small: {max_gb: lots}}", "aws_ec2_volume_small.max_gb: expected"),
        ("params: {aws_ec2_volume_small: {max_gb: true}}", "aws_ec2_volume_small.max_gb: expected"),
        ("params: {aws_ec2_volume_small: {min_gb: 1}}", "has no such param (its params: label"),
        ("params: {aws_nope: {max_gb: 1}}", "'aws_nope' matches no rule"),
        ("params: {'aws_*': {nope: 1}}", "'aws_*' matches no rule with params ['nope']"),
        ("params: {aws_ec2_volume_small: 5}", "field params.aws_ec2_volume_small"),
    ],
)
def test_bad_params_are_one_line_config_errors(
    setup: tuple[Path, Path], tmp_path: Path, config: str, fragment: str
) -> None:
    with pytest.raises(ConfigError) as info:
        _scan(setup, config, tmp_path)
    message = str(info.value)
    assert fragment in message
    assert ".pscan.yaml" in message
    assert "\n" not in message
