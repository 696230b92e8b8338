"""checkov: discovery, offline subprocess runs, report parsing, severities; and the real thing."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from scanner import checkov
from scanner.checkov import (
    CheckovError,
    SeverityMap,
    find_checkov,
    load_severity_map,
    parse_report,
    report_to_findings,
    run_checkov,
)
from scanner.model import Category, Severity

ROOT = Path(__file__).resolve().parents[1]
RECORDED = ROOT / "tests" / "data" / "checkov-report.json"
IAC = ROOT / "fixtures" / "iac"


def fake_checkov(folder: Path, body: str) -> Path:
    """An executable shell script standing in for checkov."""
    path = folder / "checkov"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


# ---------------------------------------------------------------------- the report
def test_recorded_report_becomes_findings_with_locations() -> None:
    reports = parse_report(RECORDED.read_text(), str(RECORDED))
    assert {r.check_type for r in reports} == {"terraform", "kubernetes", "github_actions"}
    findings, skipped = report_to_findings(reports, cwd=Path("/repo"))
    by_rule = {f.rule_id: f for f in findings}
    rds = by_rule["CKV_AWS_17"]
    assert rds.source == "checkov"
    assert rds.severity is Severity.CRITICAL
    assert rds.location is not None
    assert rds.location.file == "fixtures/iac/terraform/main.tf"
    assert rds.location.start_line > 0
    assert rds.location.end_line >= rds.location.start_line
    assert rds.resource.id == "fixtures/iac/terraform/main.tf:aws_db_instance.orders"
    assert rds.references[0].startswith("https://github.com/bridgecrewio/checkov/blob/main/")
    assert rds.resource.provider == "aws"
    assert by_rule["CKV_GHA_2"].category is Category.CICD
    assert by_rule["CKV_K8S_16"].severity is Severity.HIGH
    # web[0] and web[1] are two resources, so two findings of CKV_AWS_79
    assert sum(f.rule_id == "CKV_AWS_79" for f in findings) == 2
    assert [(s.check_id, s.resource) for s in skipped] == [("CKV_AWS_3", "aws_ebs_volume.scratch")]
    assert "no customer data" in skipped[0].reason


def test_fingerprints_ignore_line_numbers() -> None:
    data = json.loads(RECORDED.read_text())
    first = report_to_findings(parse_report(json.dumps(data)), cwd=Path("/repo"))[0]
    for report in data:
        for check in report["results"]["failed_checks"]:
            check["file_line_range"] = [n + 7 for n in check["file_line_range"]]
    moved = report_to_findings(parse_report(json.dumps(data)), cwd=Path("/repo"))[0]
    assert [f.fingerprint for f in first] == [f.fingerprint for f in moved]
    assert [f.location for f in first] != [f.location for f in moved]


@pytest.mark.parametrize(
    "text", ["", '{"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0}', "[]"]
)
def test_empty_reports(text: str) -> None:
    assert parse_report(text) == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("Traceback (most recent call last)", "not JSON"), ('{"results": 3}', "unexpected report")],
)
def test_bad_reports_are_errors(text: str, fragment: str) -> None:
    with pytest.raises(CheckovError, match=fragment):
        parse_report(text)


# ---------------------------------------------------------------------- severities
def test_severity_map_exact_then_longest_prefix_then_default() -> None:
    table = SeverityMap(
        Severity.MEDIUM,
        (("CKV_K8S_1", Severity.INFO), ("CKV_K8S_", Severity.LOW)),
        {"CKV_K8S_16": Severity.HIGH},
    )
    assert table.severity("CKV_K8S_16") is Severity.HIGH
    assert table.severity("CKV_K8S_12") is Severity.INFO
    assert table.severity("CKV_K8S_20") is Severity.LOW
    assert table.severity("CKV_AWS_1") is Severity.MEDIUM
    overridden = table.with_overrides({"CKV_K8S_20": Severity.CRITICAL, "CKV_AWS_": Severity.LOW})
    assert overridden.severity("CKV_K8S_20") is Severity.CRITICAL
    assert overridden.severity("CKV_AWS_1") is Severity.LOW


def test_bundled_severity_map_loads() -> None:
    table = load_severity_map()
    assert table.severity("CKV_SECRET_6") is Severity.CRITICAL
    assert table.severity("CKV_AWS_24") is Severity.HIGH
    assert table.severity("CKV_AWS_999999") is table.default


# ---------------------------------------------------------------------- discovery
def test_discovery_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a").mkdir()
    configured = fake_checkov(tmp_path / "a", "")
    env_dir = tmp_path / "b"
    env_dir.mkdir()
    from_env = fake_checkov(env_dir, "")
    project = tmp_path / "project" / "sub"
    project.mkdir(parents=True)
    tools = tmp_path / "project" / ".tools" / "checkov" / "bin"
    tools.mkdir(parents=True)
    made = fake_checkov(tools, "")
    monkeypatch.setenv("PSCAN_CHECKOV", str(from_env))
    assert find_checkov(configured, project).how == "config"
    assert find_checkov(None, project).executable == from_env
    monkeypatch.delenv("PSCAN_CHECKOV")
    found = find_checkov(None, project)
    assert (found.executable, found.how) == (made, ".tools/checkov")


def test_path_is_the_last_resort(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PSCAN_CHECKOV", raising=False)
    monkeypatch.setattr(checkov, "__file__", str(tmp_path / "pkg" / "checkov.py"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    assert find_checkov(None, tmp_path) == checkov.Discovery(None, "missing")
    on_path = fake_checkov(bin_dir, "")
    assert find_checkov(None, tmp_path) == checkov.Discovery(on_path, "PATH")


def test_a_wrong_explicit_path_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PSCAN_CHECKOV", raising=False)
    with pytest.raises(CheckovError, match="make checkov"):
        find_checkov(tmp_path / "nope")
    monkeypatch.setenv("PSCAN_CHECKOV", str(tmp_path / "nope"))
    with pytest.raises(CheckovError, match="PSCAN_CHECKOV"):
        find_checkov()


# ---------------------------------------------------------------------- running (fakes)
def test_runs_offline_with_explicit_frameworks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BC_API_KEY", "00000000-secret")
    record = tmp_path / "record.txt"
    exe = fake_checkov(
        tmp_path,
        f'printf "%s\\n" "$@" > {record}; env >> {record}; cat {RECORDED}',
    )
    reports, seconds = run_checkov(
        [IAC], executable=exe, frameworks=["terraform", "kubernetes"], timeout=30
    )
    assert len(reports) == 3
    assert seconds >= 0
    text = record.read_text()
    args = text.splitlines()
    assert args[:2] == ["-d", str(IAC)]
    assert args[args.index("--framework") + 1 : args.index("--framework") + 3] == [
        "terraform",
        "kubernetes",
    ]
    for flag in ("--skip-download", "--soft-fail", "-o"):
        assert flag in args
    assert "CKV_SKIP_PACKAGE_UPDATE_CHECK=true" in text
    assert "BC_SKIP_MAPPING=TRUE" in text
    assert "BC_API_KEY" not in text


def test_files_and_folders_make_two_runs(tmp_path: Path) -> None:
    log = tmp_path / "calls.txt"
    exe = fake_checkov(tmp_path, f'echo "$1" >> {log}; echo "[]"')
    run_checkov([IAC, IAC / "plan.json"], executable=exe, timeout=30)
    assert log.read_text().split() == ["-d", "-f"]


def test_a_hanging_checkov_is_stopped(tmp_path: Path) -> None:
    exe = fake_checkov(tmp_path, "sleep 30")
    with pytest.raises(CheckovError, match="did not finish within 1s"):
        run_checkov([IAC], executable=exe, timeout=1)


def test_a_crashing_checkov_is_reported(tmp_path: Path) -> None:
    exe = fake_checkov(tmp_path, 'echo "boom: no such framework" >&2; exit 2')
    with pytest.raises(CheckovError, match="status 2: boom"):
        run_checkov([IAC], executable=exe, timeout=30)


# ---------------------------------------------------------------------- the real checkov
REAL = find_checkov(None, ROOT) if not os.environ.get("PSCAN_CHECKOV") else find_checkov()
needs_checkov = pytest.mark.skipif(
    REAL.executable is None, reason="checkov not installed (make checkov)"
)


@pytest.fixture(scope="module")
def real_run() -> tuple[list[checkov.CheckovReport], float]:
    assert REAL.executable is not None
    return run_checkov([IAC], executable=REAL.executable, timeout=600, cwd=ROOT)


# checkov's check ids and what they flag change between releases; requirements/checkov.txt
# keeps the checkov virtualenv stable.
@needs_checkov
@pytest.mark.slow
@pytest.mark.library_output("checkov")
def test_real_checkov_finds_the_fixture_problems(
    real_run: tuple[list[checkov.CheckovReport], float],
) -> None:
    reports, _ = real_run
    findings, skipped = report_to_findings(reports, cwd=ROOT)
    found = {(f.rule_id, f.location.file if f.location else "") for f in findings}
    for expected in [
        ("CKV_AWS_17", "fixtures/iac/terraform/main.tf"),  # public RDS
        ("CKV_AWS_17", "fixtures/iac/plan.json"),  # the same, in the plan
        ("CKV_AWS_20", "fixtures/iac/cloudformation/bucket.yaml"),  # public-read bucket
        ("CKV_AWS_25", "fixtures/iac/cloudformation/bucket.yaml"),  # RDP from anywhere
        ("CKV_K8S_16", "fixtures/iac/kubernetes/web.yaml"),  # privileged container
        ("CKV_GHA_2", "fixtures/iac/.github/workflows/deploy.yml"),  # shell injection
        ("CKV_DOCKER_3", "fixtures/iac/docker/Dockerfile"),  # no USER
    ]:
        assert expected in found, expected
    assert ("CKV_AWS_3", "aws_ebs_volume.scratch") in {(s.check_id, s.resource) for s in skipped}
    assert ("CKV_AWS_3", "fixtures/iac/terraform/main.tf") not in found
    assert {r.check_type for r in reports} >= {
        "terraform",
        "terraform_plan",
        "cloudformation",
        "kubernetes",
        "dockerfile",
        "github_actions",
    }


@needs_checkov
@pytest.mark.slow
@pytest.mark.library_output("checkov")  # checkov releases retire and add check ids
def test_every_mapped_check_id_exists() -> None:
    assert REAL.executable is not None
    env = {**os.environ, **checkov.ENV}
    listing = subprocess.run(
        [str(REAL.executable), "-l", "--skip-download"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    ).stdout
    data = yaml.safe_load((ROOT / "scanner" / "checkov_severity.yaml").read_text())
    missing = [c for c in data["checks"] if f"| {c} " not in listing]
    assert not missing, f"unknown checkov ids in checkov_severity.yaml: {missing}"


@needs_checkov
@pytest.mark.slow
@pytest.mark.skipif(
    not (hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("unshare")),
    reason="needs root and unshare for a network namespace",
)
def test_real_checkov_runs_without_any_network(tmp_path: Path) -> None:
    """In a network namespace with no interfaces, checkov still completes: it calls nothing."""
    assert REAL.executable is not None
    wrapper = fake_checkov(tmp_path, f'exec unshare --net {REAL.executable} "$@"')
    probe = subprocess.run(["unshare", "--net", "true"], check=False, capture_output=True)
    if probe.returncode != 0:
        pytest.skip("network namespaces are not permitted here")
    reports, _ = run_checkov([IAC / "kubernetes"], executable=wrapper, timeout=300)
    assert [r.check_type for r in reports] == ["kubernetes"]
    assert reports[0].summary.failed > 0
