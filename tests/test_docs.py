"""The generated reference pages are current, and what they are generated from is complete."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
import yaml

from scanner import docs
from scanner.catalog import RELATIONS, TYPES
from scanner.engine import RuleSet, load_rules

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pages() -> dict[Path, str]:
    return docs.generate()


def test_generate_covers_every_page(pages: dict[Path, str]) -> None:
    assert set(pages) == set(docs.PAGES)
    assert all(not p.is_absolute() and p.parts[0] == "docs" for p in pages)


def test_generate_is_deterministic(pages: dict[Path, str]) -> None:
    assert docs.generate() == pages


# docs/cli.md is click's help formatting (wrapping, option columns): a click release may
# rewrap it. The lock (requirements/constraints.txt) keeps it stable.
@pytest.mark.library_output("click")
@pytest.mark.parametrize("page", docs.PAGES, ids=lambda p: p.as_posix())
def test_committed_page_is_current(page: Path, pages: dict[Path, str]) -> None:
    committed = ROOT / page
    assert committed.is_file(), f"{page} is missing; run: make docs"
    assert committed.read_text(encoding="utf-8") == pages[page], f"{page} is stale; run: make docs"


def test_write_then_check(tmp_path: Path) -> None:
    assert sorted(docs.write(tmp_path)) == sorted(docs.PAGES)
    assert docs.write(tmp_path) == []
    assert docs.main(["--check", "--root", str(tmp_path)]) == 0
    (tmp_path / "docs" / "cli.md").write_text("edited by hand\n", encoding="utf-8")
    assert docs.main(["--check", "--root", str(tmp_path)]) == 1


# ---------------------------------------------------------------------- the CLI
COMMANDS = [(ctx.command_path, command) for command, ctx in docs.walk_commands()]


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_has_help(path: str, command: click.Command) -> None:
    assert (command.help or "").strip(), f"{path}: add a docstring (its --help text)"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_is_in_the_cli_page(
    path: str, command: click.Command, pages: dict[Path, str]
) -> None:
    assert f"\n## {path}\n" in pages[docs.CLI_PAGE]


@pytest.mark.library_output("click")  # click's `\b` (no rewrap) paragraphs
def test_cli_page_keeps_unwrapped_examples(pages: dict[Path, str]) -> None:
    text = pages[docs.CLI_PAGE]
    assert "\b" not in text
    assert "```text\nExamples:\n  pscan scan ./snap -o findings.json\n" in text


# ---------------------------------------------------------------------- the catalog
@pytest.mark.parametrize("type_name", sorted(TYPES))
def test_every_type_is_described(type_name: str) -> None:
    rtype = TYPES[type_name]
    assert rtype.description.strip(), f"{type_name}: empty description"
    assert rtype.attributes, f"{type_name}: no attributes"
    assert all(text.strip() for text in rtype.attributes.values()), type_name
    unknown = set(rtype.relations) - set(RELATIONS)
    assert not unknown, f"{type_name}: relations {sorted(unknown)} are not in RELATIONS"


def test_every_type_has_a_section(pages: dict[Path, str]) -> None:
    text = pages[docs.RESOURCE_TYPES_PAGE]
    assert all(f"\n### {name}\n" in text for name in TYPES)


# ---------------------------------------------------------------------- the rule index
def test_rule_index_lists_every_builtin_rule(pages: dict[Path, str]) -> None:
    text = pages[docs.RULES_INDEX_PAGE]
    assert all(f"`{rule_id}`" in text for rule_id in load_rules().rules)


def test_rule_index_of_a_small_pack(tmp_path: Path) -> None:
    rule = {
        "title": "Buckets are versioned | kept",
        "severity": "medium",
        "category": "resilience",
        "resource_types": ["aws.s3.bucket"],
        "description": "Versioning keeps old object versions.",
        "risk": "Overwritten objects cannot be recovered.",
        "message": "Bucket {resource.name} is not versioned",
        "condition": {"path": "versioning", "op": "eq", "value": "Enabled"},
        "remediation": {"summary": "Enable versioning."},
    }
    folder = tmp_path / "aws" / "s3"
    folder.mkdir(parents=True)
    (folder / "aws_s3_bucket_versioning_enabled.yaml").write_text(yaml.safe_dump(rule))
    ruleset = load_rules([tmp_path], include_builtin=False)
    text = docs.rules_index_page(ruleset, tmp_path)
    assert (
        "| [`aws_s3_bucket_versioning_enabled`](../../rules/aws/s3/"
        "aws_s3_bucket_versioning_enabled.yaml) | aws | resilience | medium |"
        " Buckets are versioned \\| kept |"
    ) in text
    empty = docs.rules_index_page(RuleSet(), tmp_path)
    assert "There are no built-in rules yet." in empty


def test_rule_index_shows_each_rules_frameworks(tmp_path: Path) -> None:
    rule = {
        "title": "Buckets are versioned",
        "severity": "low",
        "category": "resilience",
        "resource_types": ["aws.s3.bucket"],
        "description": "Versioning keeps old object versions.",
        "risk": "Overwritten objects cannot be recovered.",
        "message": "Bucket {resource.name} is not versioned",
        "condition": {"path": "versioning", "op": "eq", "value": "Enabled"},
        "remediation": {"summary": "Enable versioning."},
    }
    framework = {
        "id": "demo-fw-1.0",
        "title": "Demo framework",
        "version": "1.0",
        "provider": "aws",
        "controls": [
            {
                "id": "2.1",
                "title": "Versioning",
                "automated": True,
                "rules": ["aws_s3_bucket_versioning_enabled"],
            },
            {
                "id": "2.2",
                "title": "Again",
                "automated": True,
                "rules": ["aws_s3_bucket_versioning_enabled"],
            },
        ],
    }
    (tmp_path / "aws" / "s3").mkdir(parents=True)
    (tmp_path / "frameworks").mkdir()
    (tmp_path / "aws" / "s3" / "aws_s3_bucket_versioning_enabled.yaml").write_text(
        yaml.safe_dump(rule)
    )
    (tmp_path / "frameworks" / "demo-fw-1.0.yaml").write_text(yaml.safe_dump(framework))
    text = docs.rules_index_page(load_rules([tmp_path], include_builtin=False), tmp_path)
    assert "| id | provider | category | severity | title | frameworks |" in text
    assert "| Buckets are versioned | demo-fw-1.0 2.1, 2.2 |" in text


def test_builtin_rule_index_names_cis_controls(pages: dict[Path, str]) -> None:
    text = pages[docs.RULES_INDEX_PAGE]
    row = next(line for line in text.splitlines() if "`aws_account_root_usage_alarm`" in line)
    assert "cis-aws-foundations-3.0 4.3" in row and "cis-aws-foundations-5.0 4.3" in row
