"""`pscan rules list --framework ID`: a framework's controls, their rules and the counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from scanner.cli import cli
from scanner.engine import load_rules


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize(
    ("framework", "automated", "manual"),
    [
        ("cis-aws-foundations-3.0", 54, 8),
        ("cis-gcp-foundations-2.0", 73, 11),
        ("cis-aws-foundations-5.0", 37, 26),
        ("cis-gcp-foundations-3.0", 73, 12),
    ],
)
def test_every_automated_cis_control_is_covered(
    framework: str, automated: int, manual: int
) -> None:
    result = run("rules", "list", "--framework", framework, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    counts = document["counts"]
    assert counts["automated"] == automated
    assert counts["manual"] == manual
    assert counts["automated_not_covered"] == 0
    assert counts["automated_covered"] == automated
    uncovered = [c["id"] for c in document["controls"] if c["automated"] and not c["rules"]]
    assert uncovered == []


def test_table_lists_each_control_with_its_type_and_rules() -> None:
    result = run("rules", "list", "--framework", "cis-aws-foundations-3.0")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("cis-aws-foundations-3.0: CIS Amazon Web Services")
    assert lines[1].split()[:3] == ["control", "type", "title"]
    by_id = {line.split()[0]: line for line in lines[2:] if line and line[0].isdigit()}
    assert len(by_id) == 62
    assert "manual" in by_id["1.1"] and by_id["1.1"].rstrip().endswith("-")
    assert "automated" in by_id["4.3"] and "aws_account_root_usage_alarm" in by_id["4.3"]
    assert lines[-1].startswith("controls: 62 (")
    assert "automated: 54 (54 covered, 0 not covered); manual: 8" in lines[-1]


def test_not_covered_controls_are_flagged(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    (pack / "frameworks").mkdir(parents=True)
    framework = {
        "id": "demo-fw-1.0",
        "title": "Demo framework",
        "version": "1.0",
        "provider": "aws",
        "controls": [
            {
                "id": "1",
                "title": "Covered",
                "automated": True,
                "rules": ["aws_s3_bucket_not_public"],
            },
            {"id": "2", "title": "Gap", "automated": True, "rules": []},
            {"id": "3", "title": "Paper", "automated": False, "rules": []},
        ],
    }
    (pack / "frameworks" / "demo-fw-1.0.yaml").write_text(yaml.safe_dump(framework))
    result = run("rules", "list", "--rules", str(pack), "--framework", "demo-fw-1.0")
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines()[2:] if line[:1].isdigit()}
    assert rows["2"].rstrip().endswith("NOT COVERED")
    assert rows["3"].rstrip().endswith("-")
    assert "automated: 2 (1 covered, 1 not covered); manual: 1" in result.output


def test_json_document_shape() -> None:
    result = run("rules", "list", "--framework", "cis-gcp-foundations-3.0", "--format", "json")
    document = json.loads(result.output)
    assert document["framework"] == {
        "id": "cis-gcp-foundations-3.0",
        "title": "CIS Google Cloud Platform Foundation Benchmark",
        "version": "3.0.0",
        "provider": "gcp",
    }
    first = document["controls"][0]
    assert set(first) == {"id", "title", "section", "automated", "rules", "covered"}
    ids = [c["id"] for c in document["controls"]]
    assert "8.1" in ids and "7.4" in ids and "1.18" not in ids


def test_unknown_framework_is_a_usage_error() -> None:
    result = run("rules", "list", "--framework", "cis-aws-foundations-9.9")
    assert result.exit_code == 2
    assert "no framework 'cis-aws-foundations-9.9'" in result.output
    assert "cis-aws-foundations-3.0" in result.output


def test_framework_cannot_be_combined_with_rule_filters() -> None:
    result = run("rules", "list", "--framework", "cis-aws-foundations-3.0", "--provider", "aws")
    assert result.exit_code == 2
    assert "--framework lists controls" in result.output


def test_rule_counts_meet_the_issue_targets() -> None:
    rules = load_rules().rules.values()
    assert sum(1 for r in rules if r.spec.provider == "aws") >= 150
    assert sum(1 for r in rules if r.spec.provider == "gcp") >= 80
