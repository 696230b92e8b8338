"""End to end: seed an estate in moto, `pscan collect aws`, `pscan scan` finds the problems."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.collectors.aws import context, guard
from scanner.collectors.aws.guard import is_read_operation
from scanner.collectors.aws.permissions import iam_action, operations, policy

from .conftest import MANAGED_POLICIES, REGION, assert_in_catalog, reset, run_cli
from .estate import SECRET_PASSWORD, seed_estate


@pytest.fixture(scope="module")
def scanned(
    moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    work = tmp_path_factory.mktemp("e2e")
    snap = work / "snap"
    calls: list[tuple[str, str]] = []
    real_guard = guard.install_guard

    def recording_guard(client: Any, on_call: Any = None) -> None:
        real_guard(client, on_call)  # the real guard refuses writes ...
        client.meta.events.register(  # ... and this records what got past it
            "before-call",
            lambda model, **_: calls.append((model.service_model.service_name, model.name)),
        )

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(MANAGED_POLICIES, "true")  # the estate attaches AWSSupportAccess
        patch.setattr(context, "install_guard", recording_guard)
        made = seed_estate(reset(moto_endpoint))
        result = run_cli(
            "collect",
            "aws",
            "--endpoint-url",
            moto_endpoint,
            "--regions",
            REGION,
            "--max-attempts",
            "1",
            "-o",
            str(snap),
        )
    assert result.exit_code == 0, result.output
    findings = work / "findings.json"
    result = run_cli("scan", str(snap), "-o", str(findings), "--fail-on", "none", "-q")
    assert result.exit_code == 0, result.output
    doc = json.loads(findings.read_text())
    yield {"made": made, "snap": snap, "doc": doc, "calls": calls}


def failing(doc: dict[str, Any], rule_id: str) -> set[str]:
    return {
        f["resource"]["name"]
        for f in doc["findings"]
        if f["rule_id"] == rule_id and f["status"] == "fail"
    }


@pytest.mark.parametrize(
    ("rule_id", "bad", "good"),
    [
        ("aws_ec2_security_group_no_public_ssh", "bad-ssh", "good-ssh"),
        ("aws_s3_bucket_not_public", "bad-public-bucket", "good-private-bucket"),
        ("aws_s3_bucket_public_access_blocked", "bad-public-bucket", "good-private-bucket"),
        ("aws_s3_bucket_default_encryption_enabled", "trail-logs", "good-private-bucket"),
        ("aws_s3_bucket_secure_transport_enforced", "bad-public-bucket", "good-private-bucket"),
        ("aws_ec2_volume_encrypted", "bad-volume", "good-volume"),
        ("aws_lambda_function_env_no_secrets", "bad-fn", "good-fn"),
        ("aws_kms_key_rotation_enabled", "bad-key", "good-key"),
        ("aws_ec2_instance_user_data_no_secrets", "bad-web", "good-web"),
        ("aws_rds_instance_storage_encrypted", "bad-db", "good-db"),
        ("aws_rds_instance_not_publicly_accessible", "bad-db", "good-db"),
        ("aws_rds_instance_backup_retention_7_days", "bad-db", "good-db"),
        ("aws_dynamodb_table_pitr_enabled", "bad-table", "good-table"),
        ("aws_efs_file_system_encrypted", "bad-fs", "good-fs"),
        ("aws_logs_log_group_retention_set", "bad-logs", "good-logs"),
        ("aws_iam_user_no_directly_attached_policies", "bad-alice", "good-bob"),
        ("aws_iam_policy_no_full_admin", "bad-admin", "good-reader"),
    ],
)
def test_seeded_problems_fail_and_twins_pass(
    scanned: dict[str, Any], rule_id: str, bad: str, good: str
) -> None:
    names = failing(scanned["doc"], rule_id)
    assert bad in names, (rule_id, sorted(names))
    assert good not in names, (rule_id, sorted(names))


def test_account_and_region_rules(scanned: dict[str, Any]) -> None:
    doc = scanned["doc"]
    assert failing(doc, "aws_account_password_policy_min_length_14")
    assert not failing(doc, "aws_account_support_role_exists")
    assert not failing(doc, "aws_region_guardduty_enabled")
    assert not failing(doc, "aws_region_config_recorder_enabled")
    assert failing(doc, "aws_region_ebs_encryption_by_default_enabled") == {REGION}
    assert failing(doc, "aws_cloudtrail_trail_multi_region_logging") == {"bad-trail"}
    assert failing(doc, "aws_rds_snapshot_not_public") == {"bad-db-snap"}


def test_graph_rule_finds_the_exposed_instance(scanned: dict[str, Any]) -> None:
    names = failing(scanned["doc"], "aws_ec2_instance_not_reachable_from_internet_on_admin_ports")
    assert names == {"bad-web"}


def test_collection_errors_reach_the_findings(scanned: dict[str, Any]) -> None:
    errors = scanned["doc"]["collection_errors"]
    # moto has no IAM Access Analyzer, no applied Service Quotas, no Lambda account settings
    # and no RDS account attributes: the calls it cannot serve are reported, not hidden
    assert {(e["service"], e["operation"]) for e in errors} == {
        ("region", "ListAnalyzers"),
        ("servicequotas", "ListServiceQuotas"),
        ("servicequotas", "GetAccountSettings"),
        ("servicequotas", "DescribeAccountAttributes"),
    }


def test_no_secret_or_credential_in_any_output(scanned: dict[str, Any]) -> None:
    snap: Path = scanned["snap"]
    import gzip

    texts = [(snap / "manifest.json").read_text()]
    for part in snap.glob("resources-*.jsonl.gz"):
        with gzip.open(part, "rt") as fh:
            texts.append(fh.read())
    texts.append(json.dumps(scanned["doc"]))
    for text in texts:
        assert SECRET_PASSWORD not in text
        assert "do-not-collect-me" not in text
        assert "sk_live_4eC39HqLyjWDarjtT1zdp7dc" not in text
        assert "pscan-test-secret-do-not-print" not in text


# ---------------------------------------------------------------------- read-only, permissions
def test_full_collection_makes_only_reads(scanned: dict[str, Any]) -> None:
    calls = scanned["calls"]
    assert len(set(calls)) > 80
    assert [c for c in calls if not is_read_operation(c[1])] == []


def test_every_call_made_is_in_the_permissions_policy(scanned: dict[str, Any]) -> None:
    known = operations()
    made = set(scanned["calls"])
    assert {(s, o) for s, o in made if o not in known.get(s, set())} == set()
    actions = set(policy()["Statement"][0]["Action"])
    assert {iam_action(s, o) for s, o in made} <= actions
    page = (Path(__file__).resolve().parents[3] / "docs/aws-permissions.md").read_text()
    assert all(f'"{a}"' in page for a in actions)


def test_every_resource_is_in_the_catalog(scanned: dict[str, Any]) -> None:
    from scanner.snapshot import open_snapshot

    assert_in_catalog(list(open_snapshot(scanned["snap"]).iter_resources()))
