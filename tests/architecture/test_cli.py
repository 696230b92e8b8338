"""`pscan architecture` and `pscan architecture adr new` end to end."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner, Result

from scanner.architecture.decisions import Governs, read_decision, read_decisions
from scanner.cli import cli
from scanner.paths import data_dir

DEMO = data_dir("fixtures/demo")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def assert_user_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_the_document_command_is_the_default(tmp_path: Path) -> None:
    out = tmp_path / "out"
    decisions = tmp_path / "adr"
    decisions.mkdir()
    (decisions / "0001-sqs.md").write_text(
        "---\nstatus: accepted\ngoverns:\n  types: [aws.sqs.queue]\n---\n# Queues on SQS\n"
    )
    result = run("architecture", str(DEMO), "-o", str(out), "--decisions", str(decisions))
    assert result.exit_code == 0, result.output
    assert "technologies no decision covers" in result.output
    assert "  Amazon DynamoDB: 4 of 4 not governed" in result.output
    assert "Amazon SQS" not in result.output
    assert (out / "architecture.html").is_file() and (out / "workspace.dsl").is_file()
    assert (out / "diagrams" / "overview.mmd").is_file()
    assert "| 0001-sqs.md | Queues on SQS | accepted | 4 |" in (out / "architecture.md").read_text()


def test_a_malformed_record_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    decisions = tmp_path / "adr"
    decisions.mkdir()
    bad = decisions / "0002-bad.md"
    bad.write_text("---\nstatus: accepted\ngoverns:\n  types: aws.rds.*\n---\n# Bad\n")
    out = tmp_path / "out"
    result = run("architecture", str(DEMO), "-o", str(out), "--decisions", str(decisions))
    assert_user_error(result, f"{bad}:4: governs: field types")
    assert not out.exists()


def test_the_folder_comes_from_the_config(tmp_path: Path) -> None:
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "0001-x.md").write_text("---\ngoverns: [1]\n---\n# X\n")
    config = tmp_path / ".pscan.yaml"
    config.write_text("architecture:\n  decisions: records\n")
    result = run("architecture", str(DEMO), "-o", str(tmp_path / "o"), "--config", str(config))
    assert_user_error(result, "records/0001-x.md:2: governs")
    config.write_text("architecture:\n  decisions: records\n  standards: nope\n")
    result = run("architecture", str(DEMO), "-o", str(tmp_path / "o"), "--config", str(config))
    assert_user_error(result, str(config), "architecture.standards", "Extra inputs")


def test_help_says_how_the_default_works() -> None:
    result = run("architecture", "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "architecture [OPTIONS] SNAPSHOT... -o DIR | COMMAND [ARGS]..." in text
    assert "is short for `pscan architecture document SNAPSHOT... -o DIR`" in text
    assert "adr" in result.output and "document" in result.output
    assert run("architecture", "document", "--help").exit_code == 0


def test_adr_new_scaffolds_the_next_record_with_facts(tmp_path: Path) -> None:
    folder = tmp_path / "decisions"
    folder.mkdir()
    (folder / "0004-old.md").write_text("# 4. Old\n\n## Status\n\nAccepted\n")
    result = run(
        "architecture", "adr", "new", "Use PostgreSQL for orders", str(DEMO),
        "--decisions", str(folder),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = folder / "0005-use-postgresql-for-orders.md"
    assert result.output.strip() == str(path)
    text = path.read_text()
    record = read_decision(path)
    assert (record.number, record.title, record.status) == (
        5,
        "Use PostgreSQL for orders",
        "proposed",
    )
    assert record.governs == Governs(types=["aws.rds.instance", "gcp.sql.instance"])
    assert "matched by the title (Amazon RDS: postgres, Cloud SQL: POSTGRES_15)" in text
    assert "- In use: 6 resources: 4 RDS instances, 2 Cloud SQL instances" in text
    assert "- Products: analytics (1), checkout (3), reporting (1), reports (1)" in text
    assert "- Cost: USD " in text and "(6 of 6 resources priced)" in text
    assert "| aws | 444455556666 | eu-west-1 | 2 |" in text
    assert date.fromisoformat(text.split("date: ", 1)[1].split("\n", 1)[0])
    assert "## Decision Outcome" in text
    assert [d.number for d in read_decisions(folder)] == [4, 5]


def test_adr_new_by_type_and_tag(tmp_path: Path) -> None:
    result = run(
        "architecture", "adr", "new", "Checkout queues", str(DEMO), "--decisions", str(tmp_path),
        "--type", "aws.sqs.*", "--tag", "Product=checkout",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    record = read_decision(tmp_path / "0001-checkout-queues.md")
    assert record.governs == Governs(types=["aws.sqs.*"], tags={"Product": "checkout"})
    assert (
        "- In use: 4 resources: 4 SQS queues" in (tmp_path / "0001-checkout-queues.md").read_text()
    )
    bad = run("architecture", "adr", "new", "X", "--decisions", str(tmp_path), "--tag", "nokey")
    assert bad.exit_code == 2 and "KEY=GLOB" in bad.output


def test_adr_new_without_facts_is_still_a_valid_record(tmp_path: Path) -> None:
    result = run(
        "architecture", "adr", "new", "Adopt Kafka", str(DEMO), "--decisions", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "0001-adopt-kafka.md"
    assert "Nothing in `" in path.read_text() and "# governs:" in path.read_text()
    assert read_decision(path).governs is None
    result = run("architecture", "adr", "new", "Second one", "--decisions", str(tmp_path))
    assert result.exit_code == 0
    assert "No snapshot was given" in (tmp_path / "0002-second-one.md").read_text()
    assert_user_error(run("architecture", "adr", "new", "Second one", "--no-config"), "--decisions")
