"""The gate: config discovery and validation, suppressions, inline ignores, baselines."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from scanner.errors import ConfigError
from scanner.gate import (
    CONFIG_NAME,
    GateConfig,
    RuleFilter,
    apply_gate,
    baseline_from,
    diff_findings,
    exit_code,
    find_config,
    fixed_finding,
    inline_ignores,
    load_config,
    read_baseline,
    rule_selected,
)
from scanner.model import (
    Category,
    ExposurePath,
    Finding,
    FindingsDocument,
    FindingStatus,
    GateSummary,
    Location,
    Remediation,
    ResourceRef,
    Severity,
    fingerprint,
)

TODAY = date(2026, 11, 1)


def finding(
    rule_id: str,
    resource_id: str,
    severity: Severity = Severity.HIGH,
    *,
    location: Location | None = None,
    status: FindingStatus = FindingStatus.FAIL,
    name: str = "",
) -> Finding:
    return Finding(
        fingerprint=fingerprint(rule_id, resource_id),
        rule_id=rule_id,
        title=rule_id,
        severity=severity,
        category=Category.SECURITY,
        status=status,
        resource=ResourceRef(id=resource_id, type="aws.s3.bucket", name=name),
        message="broken",
        remediation=Remediation(summary="fix it"),
        location=location,
    )


def doc(*findings: Finding) -> FindingsDocument:
    return FindingsDocument(tool_version="0", findings=list(findings))


def write_config(folder: Path, text: str) -> Path:
    path = folder / CONFIG_NAME
    path.write_text(text)
    return path


# ---------------------------------------------------------------------- config
def test_config_is_found_from_the_working_directory_up_to_the_repository(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    path = write_config(repo, "fail_on: medium\n")
    deep = repo / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) == path
    assert load_config(path).fail_on == "medium"
    assert find_config(tmp_path) is None  # never downward


def test_a_config_above_the_repository_is_ignored(tmp_path: Path) -> None:
    write_config(tmp_path, "suppressions: []\nfail_on: none\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "src").mkdir()
    assert find_config(repo / "src") is None
    outside = tmp_path / "not-a-repo" / "deeper"
    outside.mkdir(parents=True)
    assert find_config(outside) is None  # outside a repository only the folder itself counts
    assert find_config(tmp_path) == tmp_path / ".pscan.yaml"


@pytest.mark.parametrize(
    ("suppression", "fragment"),
    [
        ("{rule: '*', resource: '*'", "would suppress every finding"),
        ("{rule: '**'", "would suppress every finding"),
        ("{rule: '*?', resource: '*'", "would suppress every finding"),
        ("{rule: aws_s3_bucket_not_public, expires: 9999-12-31", "more than 365 days away"),
    ],
)
def test_catch_all_and_far_future_suppressions_are_refused(
    tmp_path: Path, suppression: str, fragment: str
) -> None:
    expires = (
        ""
        if "expires" in suppression
        else ", expires: " + ((date.today() + timedelta(days=30)).isoformat())
    )
    text = f"suppressions:\n  - {suppression}, reason: r, owner: o{expires}}}\n"
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError, match=fragment) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}:2: ")


def test_the_suppression_horizon_can_be_set(tmp_path: Path) -> None:
    far = (date.today() + timedelta(days=700)).isoformat()
    text = (
        "suppression_max_days: 730\n"
        f"suppressions:\n  - {{rule: aws_x, reason: r, owner: o, expires: {far}}}\n"
    )
    assert load_config(write_config(tmp_path, text)).suppressions[0].expires.isoformat() == far


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("fail_on: severe\n", "field fail_on:"),
        ("suppressions:\n  - {rule: x, reason: r, expires: 2027-01-01}\n", "suppressions.0.owner"),
        (
            "suppressions:\n  - {rule: x, reason: r, owner: me, expires: someday}\n",
            "suppressions.0.expires",
        ),
        ("rules: {inclde: [x]}\n", "rules.inclde"),
        ("checkov: {timeout: -1}\n", "checkov.timeout"),
        ("fail_on: [unclosed\n", "invalid YAML"),
        ("- a list\n", "expected a mapping"),
    ],
)
def test_config_errors_name_the_file_and_field(tmp_path: Path, text: str, fragment: str) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert fragment in message
    assert "\n" not in message


def test_rule_filter() -> None:
    rules = RuleFilter(include=["aws_*", "CKV_AWS_*"], exclude=["CKV_AWS_144"])
    assert rule_selected("aws_s3_bucket_public_access_blocked", rules)
    assert rule_selected("CKV_AWS_20", rules)
    assert not rule_selected("CKV_AWS_144", rules)
    assert not rule_selected("gcp_sql_instance_no_public_ip", rules)
    assert rule_selected("anything", RuleFilter())


# ---------------------------------------------------------------------- suppressions
CONFIG = """
fail_on: high
suppressions:
  - rule: aws_s3_bucket_public_access_blocked
    resource: "arn:aws:s3:::public-*"
    reason: static website assets, served through CloudFront
    owner: web-team@example.com
    expires: 2027-03-31
  - rule: CKV_AWS_*
    resource: "*legacy*"
    reason: being migrated
    owner: platform@example.com
    expires: 2026-01-31
  - rule: aws_rds_instance_storage_encrypted
    resource: "arn:aws:rds:*:db:gone"
    reason: the database was deleted last quarter
    owner: data@example.com
    expires: 2027-01-01
"""


def test_active_expired_and_stale_suppressions(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, CONFIG))
    d = doc(
        finding("aws_s3_bucket_public_access_blocked", "arn:aws:s3:::public-assets"),
        finding("CKV_AWS_20", "infra/legacy.tf:aws_s3_bucket.old"),
        finding("aws_s3_bucket_public_access_blocked", "arn:aws:s3:::private-data"),
    )
    summary = apply_gate(d, fail_on="high", config=config, today=TODAY, root=tmp_path)
    statuses = {s.rule: (s.status, s.matched) for s in summary.suppressions}
    assert statuses == {
        "aws_s3_bucket_public_access_blocked": ("active", 1),
        "CKV_AWS_*": ("expired", 1),
        "aws_rds_instance_storage_encrypted": ("stale", 0),
    }
    suppressed = [f for f in d.findings if f.suppression is not None]
    assert [f.resource.id for f in suppressed] == ["arn:aws:s3:::public-assets"]
    assert suppressed[0].suppression is not None
    assert suppressed[0].suppression.owner == "web-team@example.com"
    # the expired suppression no longer hides its finding: the gate trips on it
    assert summary.suppressed == 1
    assert summary.counted == 2
    assert summary.tripped
    assert exit_code(summary) == 1


def test_suppressed_findings_do_not_trip_the_gate(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, CONFIG))
    d = doc(finding("aws_s3_bucket_public_access_blocked", "arn:aws:s3:::public-assets"))
    summary = apply_gate(d, fail_on="low", config=config, today=TODAY)
    assert (summary.counted, summary.tripped, exit_code(summary)) == (0, False, 0)


@pytest.mark.parametrize(
    ("fail_on", "tripped"),
    [("critical", False), ("high", True), ("low", True), ("none", False)],
)
def test_exit_code_follows_fail_on(fail_on: str, tripped: bool) -> None:
    d = doc(finding("a", "r1", Severity.HIGH), finding("b", "r2", Severity.MEDIUM))
    assert apply_gate(d, fail_on=fail_on, today=TODAY).tripped is tripped


@pytest.mark.parametrize(
    ("fail_on", "rule_errors", "tripped"),
    [("critical", "fail", True), ("none", "fail", False), ("critical", "ignore", False)],
)
def test_a_rule_that_could_not_judge_trips_the_gate_unless_told_not_to(
    fail_on: str, rule_errors: str, tripped: bool
) -> None:
    d = doc(
        finding("a", "r1", Severity.LOW),
        finding("b", "r2", Severity.LOW, status=FindingStatus.ERROR),
    )
    config = GateConfig.model_validate({"rule_errors": rule_errors})
    summary = apply_gate(d, fail_on=fail_on, config=config, today=TODAY)
    assert (summary.counted, summary.errors, summary.tripped) == (0, 1, tripped)


def test_config_rule_filter_drops_findings() -> None:
    config = GateConfig(rules=RuleFilter(exclude=["CKV_*"]))
    d = doc(finding("CKV_AWS_20", "x"), finding("aws_rule", "y"))
    apply_gate(d, fail_on="high", config=config, today=TODAY)
    assert [f.rule_id for f in d.findings] == ["aws_rule"]


# ---------------------------------------------------------------------- inline ignores
TF = """\
resource "aws_s3_bucket" "ok" {
  bucket = "ok"
}

# Public on purpose.
# pscan:ignore aws_s3_bucket_public_access_blocked static site, reviewed 2026-10
resource "aws_s3_bucket" "site" {
  bucket = "site"
  # pscan:ignore CKV_AWS_* checkov's S3 checks do not apply to a website bucket
}

resource "aws_ebs_volume" "scratch" {
  # pscan:ignore aws_ec2_volume_encrypted
  size = 1
}
"""


def test_inline_ignore_comments(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TF)
    site = Location(file="main.tf", start_line=7, end_line=10)
    ok = Location(file="main.tf", start_line=1, end_line=3)
    scratch = Location(file="main.tf", start_line=12, end_line=15)
    lines = TF.splitlines()
    assert [r for r, _, _ in inline_ignores(lines, site)] == [
        "aws_s3_bucket_public_access_blocked",
        "CKV_AWS_*",
    ]
    d = doc(
        finding("aws_s3_bucket_public_access_blocked", "tf://aws_s3_bucket.site", location=site),
        finding("CKV_AWS_20", "main.tf:aws_s3_bucket.site", location=site),
        finding("aws_s3_bucket_public_access_blocked", "tf://aws_s3_bucket.ok", location=ok),
        finding("aws_ec2_volume_encrypted", "tf://aws_ebs_volume.scratch", location=scratch),
    )
    summary = apply_gate(d, fail_on="high", today=TODAY, root=tmp_path)
    kinds = {f.resource.id: f.suppression for f in d.findings}
    site_ignore = kinds["tf://aws_s3_bucket.site"]
    assert site_ignore is not None
    assert site_ignore.kind == "inline"
    assert site_ignore.reason == "static site, reviewed 2026-10"
    assert site_ignore.source == "main.tf:6"
    assert kinds["main.tf:aws_s3_bucket.site"] is not None
    assert kinds["tf://aws_s3_bucket.ok"] is None
    # no reason, no suppression; the gate says why
    assert kinds["tf://aws_ebs_volume.scratch"] is None
    assert any("no reason" in note for note in summary.notes)
    assert summary.suppressed == 2


# ---------------------------------------------------------------------- baselines
def test_baseline_counts_only_new_findings_and_reports_fixed(tmp_path: Path) -> None:
    old = doc(
        finding("a", "r1"),
        finding("b", "r2"),
        finding("c", "r3", status=FindingStatus.ERROR),
    )
    path = tmp_path / "baseline.json"
    path.write_text(baseline_from([old], "old.json").model_dump_json())
    baseline = read_baseline(path)
    assert [e.rule_id for e in baseline.findings] == ["a", "b"]
    new = doc(finding("a", "r1"), finding("d", "r4", Severity.LOW))
    summary = apply_gate(new, fail_on="high", baseline=baseline, baseline_path=path, today=TODAY)
    assert {f.rule_id: f.is_new for f in new.findings} == {"a": False, "d": True}
    assert [f.rule_id for f in summary.fixed] == ["b"]
    assert (summary.new, summary.existing, summary.counted) == (1, 1, 0)
    assert not summary.tripped  # the only new finding is below `high`
    assert apply_gate(new, fail_on="low", baseline=baseline, today=TODAY).tripped


def test_suppressed_findings_stay_out_of_baselines() -> None:
    d = doc(finding("a", "arn:aws:s3:::public-assets"))
    config = GateConfig.model_validate(
        {
            "suppressions": [
                {"rule": "a", "resource": "*", "reason": "r", "owner": "o", "expires": "2027-01-01"}
            ]
        }
    )
    apply_gate(d, fail_on="high", config=config, today=TODAY)
    assert baseline_from([d]).findings == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("nope", "not a pscan baseline"),
        ('{"schema_version": "9", "findings": []}', "schema_version '9'"),
    ],
)
def test_bad_baselines(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(text)
    with pytest.raises(ConfigError, match=fragment):
        read_baseline(path)
    with pytest.raises(ConfigError, match="pscan baseline create"):
        read_baseline(tmp_path / "missing.json")


# ---------------------------------------------------------------------- what is new
def test_diff_findings_by_fingerprint() -> None:
    before = [finding("a", "r1"), finding("b", "r2"), finding("c", "r3")]
    after = [
        finding("a", "r1"),
        finding("d", "r4"),
        finding("c", "r3", status=FindingStatus.ERROR),  # could not be judged: not fixed
    ]
    diff = diff_findings(before, after)
    assert [f.rule_id for f in diff.new] == ["d"]
    assert [f.rule_id for f in diff.unchanged] == ["a"]
    assert [f.rule_id for f in diff.fixed] == ["b"]
    diff.mark()
    assert [f.is_new for f in after] == [False, True, None]
    assert fixed_finding(diff.fixed[0]).resource.id == "r2"


def test_baseline_entries_diff_like_findings() -> None:
    baseline = baseline_from([doc(finding("a", "r1"), finding("b", "r2", name="old"))])
    diff = diff_findings(baseline.findings, [finding("a", "r1")])
    (gone,) = [fixed_finding(e) for e in diff.fixed]
    assert (gone.rule_id, gone.resource.id, gone.resource.name) == ("b", "r2", "old")


def test_exposures_and_fixed_come_in_as_arguments() -> None:
    d = doc(finding("a", "r1"))
    exposure = ExposurePath(resource=ResourceRef(id="db", type="aws.rds.instance"), path=["i"])
    d.gate = GateSummary(fail_on="low", tripped=True, counted=9, new_exposures=[exposure])
    summary = apply_gate(d, fail_on="high", today=TODAY)
    assert summary.new_exposures == []  # what an earlier gate recorded is not copied
    assert d.gate is summary
    gone = fixed_finding(finding("b", "r2"))
    summary = apply_gate(d, fail_on="high", today=TODAY, exposures=[exposure], fixed=[gone])
    assert summary.new_exposures == [exposure]
    assert summary.fixed == [gone]


def test_a_finding_fixed_twice_is_reported_once() -> None:
    old = doc(finding("a", "r1"), finding("b", "r2"))
    baseline = baseline_from([old])
    gone = fixed_finding(finding("b", "r2"))
    summary = apply_gate(
        doc(finding("a", "r1")), fail_on="high", baseline=baseline, fixed=[gone], today=TODAY
    )
    assert [f.rule_id for f in summary.fixed] == ["b"]
