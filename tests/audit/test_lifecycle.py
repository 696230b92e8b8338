"""The finding lifecycle over a sequence of demo-derived snapshots, through `pscan audit`,
on a SQLite file and on PostgreSQL: exactly the expected new, fixed, reopened and gone.

The sequence (tests/audit/conftest.py writes each snapshot):
  1. the demo estate as it is                                     (Nov 1)
  2. a KMS key's rotation turned on, a volume encrypted, an unattached volume deleted
                                                                  (Nov 15)
  3. the KMS key's rotation turned off again                      (Dec 1)
  4. account 111122223333 alone, with MFA delete on one bucket    (Dec 11)

and a sequence where one account's region could not be read for a week (collection
errors in the manifest): its findings are not seen, never fixed or gone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from scanner.cli import cli
from scanner.model import CollectionError, fingerprint
from scanner.snapshot import open_snapshot
from tests.audit.conftest import DEMO, demo_snapshot

T0 = datetime(2026, 11, 1, tzinfo=UTC)
KEY = "arn:aws:kms:eu-west-1:444455556666:key/8e232dbd-cf98-47ca-a0fd-00b16a721527"
VOLUME = "arn:aws:ec2:eu-west-1:444455556666:volume/vol-dc9a64171a3bbbad5"
DELETED = "arn:aws:ec2:us-east-1:111122223333:volume/vol-399003864fb53c7e2"
BUCKET = "arn:aws:s3:::northwind-prod-assets"
ROTATION = fingerprint("aws_kms_key_rotation_enabled", KEY)
ENCRYPTION = fingerprint("aws_ec2_volume_encrypted", VOLUME)
MFA = fingerprint("aws_s3_bucket_mfa_delete_enabled", BUCKET)
# Findings that come with age alone (the rules compare dates with the snapshot's time):
# new in audits 2, 3 and 4 without any edit.
AGED = {
    2: {fingerprint("aws_iam_role_used_within_90_days", "arn:aws:iam::111122223333:role/support")},
    3: {
        fingerprint(
            "aws_secretsmanager_secret_rotated_within_90_days",
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/payments/psp-api-key-yYzT3x",
        )
    },
    4: {
        fingerprint(
            "aws_iam_user_no_unused_credentials_45_days",
            "arn:aws:iam::111122223333:user/chloe.martin",
        ),
        fingerprint(
            "aws_iam_user_access_keys_rotated_90_days",
            "arn:aws:iam::111122223333:user/farah.haddad",
        ),
    },
}


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _set(resource: dict[str, Any], rid: str, **values: Any) -> dict[str, Any]:
    if resource["id"] == rid:
        resource["attributes"].update(values)
    return resource


def _fixed(resource: dict[str, Any]) -> dict[str, Any] | None:
    if resource["id"] == DELETED:
        return None
    _set(resource, KEY, rotation_enabled=True)
    return _set(resource, VOLUME, encrypted=True)


def _reintroduced(resource: dict[str, Any]) -> dict[str, Any] | None:
    kept = _fixed(resource)
    return kept and _set(kept, KEY, rotation_enabled=False)


def _one_account(resource: dict[str, Any]) -> dict[str, Any] | None:
    kept = _reintroduced(resource)
    return kept and _set(kept, BUCKET, mfa_delete=True)


@dataclass
class History:
    db: str
    runs: list[Result]

    def json(self, *args: str) -> Any:
        result = run("audit", *args, "--db", self.db, "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.output)


@pytest.fixture
def history(db_url: str, tmp_path: Path) -> History:
    snaps = [
        demo_snapshot(tmp_path / "s1", T0),
        demo_snapshot(tmp_path / "s2", T0 + timedelta(days=14), _fixed),
        demo_snapshot(tmp_path / "s3", T0 + timedelta(days=30), _reintroduced),
        demo_snapshot(
            tmp_path / "s4", T0 + timedelta(days=40), _one_account, accounts={"111122223333"}
        ),
    ]
    runs = [run("audit", "run", str(s), "--db", db_url, "-q") for s in snaps]
    return History(db_url, runs)


def _fps(items: list[dict[str, Any]]) -> set[str]:
    return {i["fingerprint"] for i in items}


def test_each_audit_exits_by_the_gate_and_says_what_changed(history: History) -> None:
    assert [r.exit_code for r in history.runs] == [1, 1, 1, 1]  # the demo has high findings
    assert "audit 1: observed 2026-11-01 00:00 UTC" in history.runs[0].output
    assert "audit 1 -> 2 (2026-11-01 -> 2026-11-15)" in history.runs[1].output


def test_fixes_and_a_deleted_resource(history: History) -> None:
    first = history.json("show", "1")
    gone = {f["fingerprint"] for f in first["events"]["new"] if f["resource_id"] == DELETED}
    assert len(gone) >= 2  # unattached, gp2, ...
    diff = history.json("diff", "1", "2")
    assert _fps(diff["fixed"]) == {ROTATION, ENCRYPTION}
    assert _fps(diff["resource_gone"]) == gone
    assert _fps(diff["new"]) == AGED[2] and diff["reopened"] == []
    assert len(diff["still_open"]) == len(first["events"]["new"]) - 2 - len(gone)
    assert [r["resource_id"] for r in diff["resources_removed"]] == [DELETED]
    assert diff["resources_added"] == []
    changed = {r["resource_id"]: r["attributes"] for r in diff["resources_changed"]}
    assert changed == {KEY: ["rotation_enabled"], VOLUME: ["encrypted"]}
    # the lifecycle events of audit 2 say the same
    events = history.json("show", "2")["events"]
    assert _fps(events["fixed"]) == {ROTATION, ENCRYPTION}
    assert _fps(events["resource_gone"]) == gone
    assert _fps(events["new"]) == AGED[2] and events["reopened"] == []


def test_a_reintroduced_problem_is_reopened(history: History) -> None:
    diff = history.json("diff", "3")  # audit 3 against the previous audit of its scope
    assert diff["before"]["id"] == 2 and diff["after"]["id"] == 3
    assert _fps(diff["reopened"]) == {ROTATION}
    assert _fps(diff["new"]) == AGED[3]
    assert diff["fixed"] == [] and diff["resource_gone"] == []
    assert {r["resource_id"]: r["attributes"] for r in diff["resources_changed"]} == {
        KEY: ["rotation_enabled"]
    }
    events = history.json("show", "3")["events"]
    assert _fps(events["reopened"]) == {ROTATION}
    assert _fps(events["new"]) == AGED[3]
    assert events["fixed"] == events["resource_gone"] == []


def test_an_audit_of_one_account_leaves_the_others_findings_alone(history: History) -> None:
    audit = history.json("show", "4")
    assert audit["audit"]["scopes"] == [
        "aws:111122223333:eu-west-1",
        "aws:111122223333:global",
        "aws:111122223333:us-east-1",
    ]
    assert _fps(audit["events"]["fixed"]) == {MFA}  # not one finding of account 444455556666
    assert audit["events"]["resource_gone"] == []
    assert _fps(audit["events"]["new"]) == AGED[4]
    # the default diff compares audits of the same scope: there is none before audit 4
    result = run("audit", "diff", "--db", history.db)
    assert result.exit_code == 2
    assert "audit 4: no earlier audit of the same scope" in result.output
    # audit 3 -> 4 compares only the scope both cover: account 111122223333
    diff = history.json("diff", "3", "4")
    assert _fps(diff["fixed"]) == {MFA}
    assert {f["account"] for f in diff["still_open"]} == {"111122223333"}


def test_trend_counts_and_time_to_fix(history: History) -> None:
    data = history.json("trend", "--since", "3650d")
    points = {p["audit_id"]: p for p in data["points"]}
    first = len(history.json("show", "1")["events"]["new"])  # the demo's findings
    assert [points[i]["new"] for i in (1, 2, 3, 4)] == [first, 1, 1, 2]
    assert [points[i]["fixed"] for i in (1, 2, 3, 4)] == [0, 2, 0, 1]
    assert [points[i]["reopened"] for i in (1, 2, 3, 4)] == [0, 0, 1, 0]
    assert points[2]["resource_gone"] >= 2
    assert points[2]["open"] == points[1]["open"] - 2 - points[2]["resource_gone"] + 1
    # rotation and encryption were open 14 days; MFA delete 40 days
    severities = [f["severity"] for f in history.json("show", "2")["events"]["fixed"]]
    expected = {
        sev: {"fixed": severities.count(sev), "mean_days": 14.0, "p90_days": 14.0}
        for sev in severities
    }
    assert points[2]["time_to_fix"] == expected
    assert [t["mean_days"] for t in points[4]["time_to_fix"].values()] == [40.0]
    assert set(points[1]["compliance"]) >= {"cis-aws-foundations-3.0"}


# ---------------------------------------------------------------------- collection errors
# Account 444455556666's eu-west-1 could not be read a week after the first audit (each
# service's call failed: its partition is missing, the errors are in the manifest), and the
# week after it was read again. A volume of the other account was deleted meanwhile.
HIDDEN = ("444455556666", "eu-west-1")


def _hidden(resource: dict[str, Any]) -> bool:
    return (resource["account"], resource["region"]) == HIDDEN


def _unreadable(resource: dict[str, Any]) -> dict[str, Any] | None:
    return None if _hidden(resource) or resource["id"] == DELETED else resource


def _deleted(resource: dict[str, Any]) -> dict[str, Any] | None:
    return None if resource["id"] == DELETED else resource


def _errors() -> list[CollectionError]:
    """One error per service of the hidden partition, as the AWS collector records them
    (global services such as S3 in `global`, the others in their region)."""
    demo = open_snapshot(DEMO)
    services = {r["type"].split(".")[1] for r in demo.iter_resources() if _hidden(r)}
    return [
        CollectionError(
            provider="aws",
            account=HIDDEN[0],
            region="global" if service in GLOBAL else HIDDEN[1],
            service=service,
            operation="List",
            code="EndpointConnectionError",
            message="Could not connect to the endpoint URL",
        )
        for service in sorted(services)
    ]


GLOBAL = {"s3", "iam", "account", "organizations", "cloudfront", "route53"}


@pytest.fixture
def unreadable(db_url: str, tmp_path: Path) -> History:
    snaps = [
        demo_snapshot(tmp_path / "s1", T0),
        demo_snapshot(tmp_path / "s2", T0 + timedelta(days=7), _unreadable, errors=_errors()),
        demo_snapshot(tmp_path / "s3", T0 + timedelta(days=14), _deleted),
    ]
    runs = [run("audit", "run", str(s), "--db", db_url, "-q") for s in snaps]
    assert [r.exit_code for r in runs] == [1, 1, 1]
    return History(db_url, runs)


def test_findings_hidden_by_collection_errors_are_not_seen_not_gone(unreadable: History) -> None:
    first = unreadable.json("show", "1")["events"]["new"]
    hidden = {f["fingerprint"] for f in first if (f["account"], f["region"]) == HIDDEN}
    gone = {f["fingerprint"] for f in first if f["resource_id"] == DELETED}
    assert ROTATION in hidden and ENCRYPTION in hidden and gone
    second = unreadable.json("show", "2")
    assert second["collection_errors"] == len(_errors())
    assert second["audit"]["not_seen"] == len(hidden)
    events = second["events"]
    assert _fps(events["not_seen"]) == hidden
    assert _fps(events["resource_gone"]) == gone  # no error where it was: deleted
    assert events["fixed"] == [] and events["reopened"] == []
    diff = unreadable.json("diff", "1", "2")
    assert _fps(diff["not_seen"]) == hidden and _fps(diff["resource_gone"]) == gone
    assert diff["fixed"] == []
    assert [r["resource_id"] for r in diff["resources_removed"]] == [DELETED]
    demo = open_snapshot(DEMO)
    partition = {r["id"] for r in demo.iter_resources() if _hidden(r)}
    assert {r["resource_id"] for r in diff["resources_not_seen"]} == partition
    # read again a week later: the findings were open all along, nothing reopened
    third = unreadable.json("show", "3")["events"]
    assert third["reopened"] == [] and not hidden & _fps(third["new"])
    assert third["not_seen"] == [] and third["fixed"] == []
    later = unreadable.json("diff", "1", "3")
    assert later["fixed"] == [] and _fps(later["resource_gone"]) == gone
    assert hidden <= _fps(later["still_open"])
    points = unreadable.json("trend", "--since", "3650d")["points"]
    assert [p["not_seen"] for p in points] == [0, len(hidden), 0]
