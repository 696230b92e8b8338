"""The CLI end to end: demo, scan, report, diagram, rules, fixtures; exit codes; bad input."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scanner.cli import cli, main
from scanner.paths import data_dir

# an expiry inside the one-year horizon suppressions may have (suppression_max_days)
SOON = (date.today() + timedelta(days=180)).isoformat()

DEMO = data_dir("fixtures/demo")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def assert_user_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "pscan-demo"
    result = run("demo", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_demo_writes_every_report(demo_out: Path) -> None:
    for name in (
        "findings.json",
        "report.html",
        "report.md",
        "results.sarif",
        "results.junit.xml",
        "findings.csv",
        "diagram.dot",
        "diagram.mmd",
        "diagram-exposure.dot",
        "diagram-exposure.mmd",
    ):
        assert (demo_out / name).stat().st_size > 0, name
    if shutil.which("dot"):
        assert (demo_out / "diagram.svg").read_text().lstrip().startswith(("<svg", "<?xml"))
    doc = json.loads((demo_out / "findings.json").read_text())
    assert doc["resource_count"] > 200
    assert len(doc["findings"]) > 20
    severities = {f["severity"] for f in doc["findings"]}
    assert {"critical", "high", "medium"} <= severities
    categories = {f["category"] for f in doc["findings"]}
    assert {"network", "iam", "secrets", "encryption", "logging", "cost"} <= categories
    assert {fw["id"] for fw in doc["frameworks"]} >= {
        "cis-aws-foundations-3.0",
        "cis-gcp-foundations-2.0",
    }


def test_demo_summary_is_meaningful(tmp_path: Path) -> None:
    result = run("demo", "--out", str(tmp_path / "d"))
    assert result.exit_code == 0
    assert "findings on" in result.output
    assert "by severity:" in result.output
    assert "top findings:" in result.output
    assert str(tmp_path / "d") in result.output
    architecture = tmp_path / "d" / "architecture" / "architecture.html"
    assert f"the architecture document: {architecture}" in result.output
    assert architecture.is_file()


def test_demo_is_deterministic(demo_out: Path, tmp_path: Path) -> None:
    run("demo", "--out", str(tmp_path / "again"), "--quiet")
    first = json.loads((demo_out / "findings.json").read_text())
    second = json.loads((tmp_path / "again" / "findings.json").read_text())
    for doc in (first, second):
        doc.pop("generated_at")
    assert first == second


def test_demo_html_escapes_inventory(demo_out: Path) -> None:
    html = (demo_out / "report.html").read_text()
    # the demo has a tag value <script>alert(1)</script> on a public bucket
    assert "<script>alert(1)</script>" not in html
    assert "Owner=&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_scan_formats_and_gate(tmp_path: Path) -> None:
    out = tmp_path / "f.sarif"
    result = run("scan", str(DEMO), "--format", "sarif", "-o", str(out), "--fail-on", "critical")
    assert result.exit_code == 1  # the demo has critical findings
    assert json.loads(out.read_text())["version"] == "2.1.0"
    assert (
        run("scan", str(DEMO), "-o", str(tmp_path / "f.json"), "--fail-on", "none", "-q").exit_code
        == 0
    )
    # only rules at or above high are run with --min-severity high
    run(
        "scan",
        str(DEMO),
        "-o",
        str(tmp_path / "h.json"),
        "--min-severity",
        "high",
        "--fail-on",
        "none",
    )
    doc = json.loads((tmp_path / "h.json").read_text())
    assert {f["severity"] for f in doc["findings"]} <= {"critical", "high"}


def test_scan_to_stdout_is_the_document(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", str(DEMO), "--fail-on", "none", "--format", "csv"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("severity,rule_id")


def test_scan_framework_selection(tmp_path: Path) -> None:
    out = tmp_path / "f.json"
    result = run(
        "scan",
        str(DEMO),
        "-o",
        str(out),
        "--fail-on",
        "none",
        "--framework",
        "cis-aws-foundations-3.0",
    )
    assert result.exit_code == 0
    assert [fw["id"] for fw in json.loads(out.read_text())["frameworks"]] == [
        "cis-aws-foundations-3.0"
    ]
    assert_user_error(run("scan", str(DEMO), "--framework", "nope"), "unknown framework")


def test_report_renders_findings(tmp_path: Path) -> None:
    findings = tmp_path / "f.json"
    run("scan", str(DEMO), "-o", str(findings), "--fail-on", "none")
    for fmt, marker in (
        ("html", "<html"),
        ("md", "#"),
        ("junit", "<testsuites"),
        ("sarif", '"2.1.0"'),
        ("csv", "severity,"),
    ):
        out = tmp_path / f"r.{fmt}"
        assert run("report", str(findings), "--format", fmt, "-o", str(out)).exit_code == 0
        assert marker in out.read_text()


def test_report_applies_the_same_gate_as_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    findings = tmp_path / "f.json"
    run("scan", str(DEMO), "-o", str(findings), "--fail-on", "none", "--no-config", "-q")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    # without a config file or --fail-on, a report never fails
    assert (
        run("report", str(findings), "-o", str(tmp_path / "r.md"), "--format", "md").exit_code == 0
    )
    # .pscan.yaml's fail_on applies to the report
    (work / ".pscan.yaml").write_text("fail_on: critical\n")
    out = tmp_path / "r.json"
    assert run("report", str(findings), "-o", str(out)).exit_code == 1
    assert json.loads(out.read_text())["gate"]["fail_on"] == "critical"
    assert run("report", str(findings), "-o", str(out), "--no-config").exit_code == 0
    assert run("report", str(findings), "-o", str(out), "--fail-on", "none").exit_code == 0
    # ... and so do its suppressions: with every critical finding suppressed, it passes
    critical = sorted(
        {
            f["rule_id"]
            for f in json.loads(findings.read_text())["findings"]
            if f["severity"] == "critical"
        }
    )
    lines = "".join(
        f"  - {{rule: {r}, reason: accepted, owner: sec@example.com, expires: {SOON}}}\n"
        for r in critical
    )
    (work / ".pscan.yaml").write_text(f"fail_on: critical\nsuppressions:\n{lines}")
    assert run("report", str(findings), "-o", str(out)).exit_code == 0
    gate = json.loads(out.read_text())["gate"]
    assert gate["suppressed"] > 0 and gate["counted"] == 0
    assert gate["config"] == str(work / ".pscan.yaml")
    other = tmp_path / "other.yaml"
    other.write_text("fail_on: high\n")
    assert run("report", str(findings), "-o", str(out), "--config", str(other)).exit_code == 1


def test_diagram_formats(tmp_path: Path) -> None:
    result = run("diagram", str(DEMO), "--format", "mermaid", "--group-by", "vpc")
    assert result.exit_code == 0 and result.output.startswith(("flowchart", "graph"))
    result = run("diagram", str(DEMO), "--format", "dot", "--group-by", "tag:Team")
    assert result.exit_code == 0 and "digraph" in result.output
    assert_user_error(run("diagram", str(DEMO), "--group-by", "colour"), "--group-by")


def test_diagram_views(demo_out: Path, tmp_path: Path) -> None:
    findings = demo_out / "findings.json"
    out = tmp_path / "exposure.dot"
    args = ("--view", "exposure", "--findings", str(findings), "--format", "dot", "-o", str(out))
    assert run("diagram", str(DEMO), *args).exit_code == 0
    text = out.read_text()
    assert 'digraph "exposure"' in text and "critical</b>" in text
    result = run(
        "diagram", str(DEMO), "--view", "product", "--product", "checkout", "--format", "dot"
    )
    assert result.exit_code == 0 and "Product: checkout" in result.output
    result = run("diagram", str(DEMO), "--view", "network", "--format", "mermaid")
    assert result.exit_code == 0 and "zone eu-west-1a" in result.output
    assert_user_error(
        run("diagram", str(DEMO), "--view", "product", "--format", "dot"),
        "--product NAME",
        "checkout",
    )
    assert run("diagram", str(DEMO), "--view", "map").exit_code == 2


def test_rules_commands() -> None:
    listed = run("rules", "list")
    assert listed.exit_code == 0
    assert "aws:" in listed.output and "gcp:" in listed.output and "total:" in listed.output
    some_id = listed.output.split()[0]
    shown = run("rules", "show", some_id)
    assert shown.exit_code == 0 and "Remediation:" in shown.output
    assert run("rules", "validate").exit_code == 0
    tested = run("rules", "test", "-q")
    assert tested.exit_code == 0, tested.output
    assert_user_error(run("rules", "show", "aws_no_such_rule"), "no rule")


def test_rules_test_fails_on_a_broken_case(tmp_path: Path) -> None:
    pack = tmp_path / "pack" / "aws" / "s3"
    pack.mkdir(parents=True)
    (pack / "aws_s3_bucket_versioned.yaml").write_text(
        "title: t\nseverity: low\ncategory: resilience\nresource_types: [aws.s3.bucket]\n"
        "description: d\nrisk: r\nmessage: m\n"
        "condition: {path: versioning, op: eq, value: Enabled}\n"
        "remediation: {summary: s}\n"
        "tests:\n  - name: wrong\n    resources:\n"
        "      - {id: pass-x, type: aws.s3.bucket, attributes: {versioning: null}}\n"
        "      - {id: fail-y, type: aws.s3.bucket, attributes: {versioning: Enabled}}\n"
    )
    result = run("rules", "test", "--rules", str(tmp_path / "pack"), "--no-builtin-rules")
    assert result.exit_code == 1
    assert "should fail but passed: ['fail-y']" in result.output
    assert "should pass but failed: ['pass-x']" in result.output


def test_fixtures_generate(tmp_path: Path) -> None:
    out = tmp_path / "estate"
    assert (
        run("fixtures", "generate", "--resources", "500", "--seed", "3", "-o", str(out)).exit_code
        == 0
    )
    info = run("snapshot", "info", str(out))
    assert info.exit_code == 0 and "resources in" in info.output
    assert run("scan", str(out), "-o", str(tmp_path / "f.json"), "--fail-on", "none").exit_code == 0


# ------------------------------------------------------------------ bad input
def test_bad_snapshot_inputs(tmp_path: Path) -> None:
    assert_user_error(run("scan", str(tmp_path / "nope")), "no such snapshot directory")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "manifest.json").write_text('{"schema_version": "999"}')
    assert_user_error(run("scan", str(bad)), "unsupported snapshot schema_version '999'")
    # a broken line in an otherwise valid snapshot: file and line, nothing written
    broken = tmp_path / "broken"
    shutil.copytree(DEMO, broken)
    part = sorted(broken.glob("resources-*.jsonl.gz"))[0]
    with gzip.open(part, "ab") as fh:
        fh.write(b"{not json\n")
    out = tmp_path / "out.json"
    result = run("scan", str(broken), "-o", str(out))
    assert_user_error(result, part.name, "not valid JSON")
    assert not out.exists()
    assert list(tmp_path.glob(".out.json*")) == []


def test_bad_rule_inputs(tmp_path: Path) -> None:
    pack = tmp_path / "rules"
    pack.mkdir()
    (pack / "aws_s3_bucket_broken.yaml").write_text("title: [unclosed\n")
    out = tmp_path / "out.json"
    assert_user_error(
        run("scan", str(DEMO), "--rules", str(pack), "-o", str(out)),
        "aws_s3_bucket_broken.yaml",
        "invalid YAML",
    )
    assert not out.exists()
    (pack / "aws_s3_bucket_broken.yaml").write_text(
        "title: t\nseverity: low\ncategory: security\nresource_types: [aws.s3.bucket]\n"
        "description: d\nrisk: r\nmessage: m\nremediation: {summary: s}\n"
        "condition: {path: 'a[', op: exists}\n"
    )
    assert_user_error(run("rules", "validate", str(pack)), "aws_s3_bucket_broken", "JMESPath")


def test_bad_findings_file(tmp_path: Path) -> None:
    assert_user_error(
        run("report", str(tmp_path / "nope.json"), "--format", "html"), "nope.json", "No such file"
    )
    (tmp_path / "x.json").write_text('{"findings": 3}')
    assert_user_error(
        run("report", str(tmp_path / "x.json")), "x.json", "invalid findings document"
    )


def test_main_returns_exit_codes(tmp_path: Path) -> None:
    assert main(["--version"]) == 0
    assert main(["scan", str(tmp_path / "nope")]) == 2
    assert main(["scan", "--format", "nope", str(DEMO)]) == 2


def test_every_command_has_help_with_examples() -> None:
    for args in (
        ["demo"],
        ["scan"],
        ["report"],
        ["diagram"],
        ["rules", "list"],
        ["rules", "show"],
        ["rules", "test"],
        ["rules", "validate"],
        ["fixtures", "generate"],
        ["snapshot", "merge"],
    ):
        result = run(*args, "--help")
        assert result.exit_code == 0
        assert "Example" in result.output, args


def test_a_malformed_usage_summary_is_a_one_line_error(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    shutil.copytree(DEMO, snap)
    part = next(snap.glob("resources-*.jsonl.gz"))
    lines = gzip.decompress(part.read_bytes()).decode().splitlines()
    first = json.loads(lines[0])
    first.setdefault("attributes", {})["usage"] = {"cpu_percent": {"p95": "high", "days": 3}}
    lines[0] = json.dumps(first)
    part.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    manifest = json.loads((snap / "manifest.json").read_text())
    for info in manifest["partitions"]:  # keep the manifest's checksums true to the edit
        if info["file"] == part.name:
            info["sha256"] = hashlib.sha256(part.read_bytes()).hexdigest()
    (snap / "manifest.json").write_text(json.dumps(manifest))
    out = tmp_path / "f.json"
    result = run("scan", str(snap), "-q", "--no-config", "-o", str(out))
    assert_user_error(result, f"{part.name}:1:", "attributes.usage.cpu_percent.p95")
    assert not out.exists()


def test_a_threshold_that_is_not_a_number_is_a_one_line_error(tmp_path: Path) -> None:
    config = tmp_path / ".pscan.yaml"
    config.write_text("params: {aws_ec2_subnet_free_ips_available: {below_percent: lots}}\n")
    result = run("scan", str(DEMO), "-q", "--config", str(config))
    assert_user_error(
        result, ".pscan.yaml: params.aws_ec2_subnet_free_ips_available.below_percent: expected"
    )


def test_a_threshold_in_the_config_changes_the_verdict(tmp_path: Path) -> None:
    def subnet_findings(config_text: str) -> list[str]:
        config = tmp_path / ".pscan.yaml"
        config.write_text(config_text)
        out = tmp_path / "f.json"
        result = run(
            "scan",
            str(DEMO),
            "-q",
            "--config",
            str(config),
            "--fail-on",
            "none",
            "--rule",
            "aws_ec2_subnet_free_ips_available",
            "-o",
            str(out),
        )
        assert result.exit_code == 0, result.output
        return [f["resource"]["name"] for f in json.loads(out.read_text())["findings"]]

    assert subnet_findings("{}") == ["prod-private-a"]  # 5.2% free, threshold 10%
    lowered = "params: {aws_ec2_subnet_free_ips_available: {below_percent: 5}}\n"
    assert subnet_findings(lowered) == []
