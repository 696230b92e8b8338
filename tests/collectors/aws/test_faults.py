"""Faults between the AWS collector and the cloud: throttling, 5xx, resets, timeouts, expiry.

Every test runs the real collection (`collect_aws`, or `pscan collect aws`) against the
moto server through the fault-injecting proxy (tests/collectors/fault_proxy.py), so the
faults reach botocore as real HTTP answers, resets and silences: its retries, error
parsing and the collector's error handling are what is tested.

What a user is promised: a fault that a retry outlasts leaves the snapshot exactly as a
clean run writes it; a fault that persists is one collection error (service, region,
operation, code) and every other service is collected in full; a list cut short by a
failing later page keeps the pages already read and says that it is incomplete.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.collectors.aws import CollectOptions, collect_aws
from scanner.model import SnapshotManifest
from scanner.snapshot import open_snapshot
from tests.collectors.fault_proxy import (
    Fault,
    FaultProxy,
    Reset,
    Stall,
    aws_call,
    aws_error,
    next_page,
)

from .conftest import REGION, Moto, run_cli

SERVICES = ("logs", "kms", "sqs", "sns", "ec2", "s3", "iam")
LOG_GROUPS = 60  # moto answers DescribeLogGroups 50 a page: two pages


@pytest.fixture(scope="package")
def proxy_server(moto_endpoint: str) -> Iterator[FaultProxy]:
    """The fault proxy in front of the package's moto server."""
    proxy = FaultProxy(moto_endpoint).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def proxy(proxy_server: FaultProxy, moto: Moto) -> Iterator[FaultProxy]:
    """The proxy with no faults and no calls left from another test; moto reset and seeded."""
    proxy_server.clear()
    _seed(moto)
    yield proxy_server
    proxy_server.clear()


# The read timeout of the runs where a call stalls (for twice as long): long enough that a
# slow answer from moto on a loaded machine is not taken for the stall.
STALL_TIMEOUT = 5.0


def _seed(moto: Moto) -> None:
    logs = moto.client("logs")
    for i in range(LOG_GROUPS):
        logs.create_log_group(logGroupName=f"/app/group-{i:03d}")
    moto.client("kms").create_key(Description="data key")
    moto.client("sqs").create_queue(QueueName="orders")
    moto.client("sns").create_topic(Name="alerts")
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)
    moto.client("s3").create_bucket(Bucket="pscan-fault-bucket")
    moto.client("iam").create_role(RoleName="auditor", AssumeRolePolicyDocument="{}")


def _collect(
    proxy: FaultProxy, tmp_path: Path, name: str, **options: Any
) -> tuple[SnapshotManifest, list[dict[str, Any]]]:
    out = tmp_path / name
    defaults: dict[str, Any] = {
        "endpoint_url": proxy.url,
        "regions": (REGION,),
        "services": SERVICES,
        "max_attempts": 1,
        "retry_mode": "standard",
        # generous, so moto answering slowly on a loaded machine is no fault; the runs
        # with a stalled call shorten it (STALL_TIMEOUT)
        "read_timeout": 30.0,
    }
    manifest = collect_aws(out, CollectOptions(**(defaults | options)))
    found = sorted(open_snapshot(out).iter_resources(), key=lambda r: str(r["id"]))
    return manifest, found


def _by_type(resources: list[dict[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for resource in resources:
        out.setdefault(resource["type"], []).append(resource["id"])
    return out


def _errors(manifest: SnapshotManifest) -> list[tuple[str, str, str, str, str]]:
    return sorted((e.service, e.account, e.region, e.operation, e.code) for e in manifest.errors)


# ---------------------------------------------------------------------- retried faults
def test_transient_faults_leave_the_snapshot_of_a_clean_run(
    proxy: FaultProxy, tmp_path: Path
) -> None:
    clean_manifest, clean = _collect(proxy, tmp_path, "clean")
    assert clean_manifest.errors == []
    assert len(_by_type(clean)["aws.logs.log_group"]) == LOG_GROUPS
    proxy.clear()
    faults = [
        # a throttling storm on the 2nd page of a list, then 429s and S3's SlowDown
        Fault(
            next_page(aws_call("logs", "DescribeLogGroups")),
            aws_error(400, "ThrottlingException", "Rate exceeded"),
            times=3,
        ),
        Fault(aws_call("sqs", "ListQueues"), aws_error(429, "TooManyRequestsException"), times=2),
        Fault(
            aws_call("s3"), aws_error(503, "SlowDown", "Please reduce your request rate."), times=2
        ),
        # the service failing, then answering
        Fault(aws_call("kms", "ListKeys"), aws_error(500, "InternalFailure"), times=2),
        Fault(aws_call("ec2", "DescribeVpcs"), aws_error(503, "Unavailable"), times=1),
        Fault(aws_call("iam"), aws_error(500, "ServiceUnavailable"), times=1),
        # the network: a reset connection, a call answered after the read timeout
        Fault(aws_call("sns", "ListTopics"), Reset(), times=2),
        Fault(aws_call("ec2", "DescribeSecurityGroups"), Stall(2 * STALL_TIMEOUT), times=1),
    ]
    for fault in faults:
        proxy.add(fault)
    manifest, faulty = _collect(
        proxy, tmp_path, "faulty", max_attempts=5, read_timeout=STALL_TIMEOUT
    )
    assert [(f.action.label, f.applied) for f in faults if f.applied != f.times] == []
    assert manifest.errors == []
    assert faulty == clean
    counts = [(p.file, p.resources) for p in manifest.partitions]
    assert counts == [(p.file, p.resources) for p in clean_manifest.partitions]
    # each fault was followed by a retry that the proxy forwarded
    assert proxy.outcomes("sns", "ListTopics") == ["reset", "reset", "forwarded"]
    assert proxy.outcomes("ec2", "DescribeSecurityGroups") == ["stall", "forwarded"]


# ---------------------------------------------------------------------- lasting faults
@pytest.mark.parametrize(
    ("service", "operation", "action", "code"),
    [
        (
            "kms",
            "ListKeys",
            aws_error(400, "ThrottlingException", "Rate exceeded"),
            "ThrottlingException",
        ),
        ("sqs", "ListQueues", aws_error(503, "ServiceUnavailable"), "ServiceUnavailable"),
        ("ec2", "DescribeVpcs", aws_error(500, "InternalError"), "InternalError"),
        ("sns", "ListTopics", Reset(), "ConnectionClosedError"),
        ("logs", "DescribeLogGroups", Stall(2 * STALL_TIMEOUT), "ReadTimeoutError"),
    ],
)
def test_a_lasting_fault_is_one_error_and_every_other_service_is_collected(
    proxy: FaultProxy,
    tmp_path: Path,
    service: str,
    operation: str,
    action: Any,
    code: str,
) -> None:
    clean_manifest, clean = _collect(proxy, tmp_path, "clean")
    assert clean_manifest.errors == []
    proxy.clear()
    fault = proxy.add(Fault(aws_call(service, operation), action))
    manifest, faulty = _collect(
        proxy, tmp_path, "faulty", max_attempts=2, read_timeout=STALL_TIMEOUT
    )
    assert fault.applied == 2  # the call and its one retry
    assert _errors(manifest) == [(service, clean[0]["account"], REGION, operation, code)]
    lost = {r["id"] for r in clean} - {r["id"] for r in faulty}
    assert lost  # the faulty listing's resources are missing, nothing else is
    assert {r["type"] for r in clean if r["id"] in lost} == {
        {
            "kms": "aws.kms.key",
            "sqs": "aws.sqs.queue",
            "ec2": "aws.ec2.vpc",
            "sns": "aws.sns.topic",
            "logs": "aws.logs.log_group",
        }[service]
    }
    assert [r for r in faulty if r["id"] not in lost] == [r for r in clean if r["id"] not in lost]


# ---------------------------------------------------------------------- mid-pagination
def test_expired_credentials_on_page_two_keep_page_one(proxy: FaultProxy, tmp_path: Path) -> None:
    _clean_manifest, clean = _collect(proxy, tmp_path, "clean")
    proxy.clear()
    proxy.add(
        Fault(
            next_page(aws_call("logs", "DescribeLogGroups")),
            aws_error(
                400,
                "ExpiredTokenException",
                "The security token included in the request is expired",
            ),
        )
    )
    manifest, faulty = _collect(proxy, tmp_path, "faulty", max_attempts=3)
    assert proxy.outcomes("logs", "DescribeLogGroups") == ["forwarded", "400 ExpiredTokenException"]
    groups = _by_type(faulty)["aws.logs.log_group"]
    assert groups == _by_type(clean)["aws.logs.log_group"][:50]  # the first page, kept
    [error] = manifest.errors
    assert (error.service, error.region, error.operation, error.code) == (
        "logs",
        REGION,
        "DescribeLogGroups",
        "ExpiredTokenException",
    )
    assert error.message.startswith("list incomplete: 1 page(s) read and kept")
    assert "security token included in the request is expired" in error.message
    others = [r for r in clean if r["type"] != "aws.logs.log_group"]
    assert [r for r in faulty if r["type"] != "aws.logs.log_group"] == others


# ---------------------------------------------------------------------- the CLI
def test_the_cli_keeps_page_one_and_the_scan_reports_the_gap(
    proxy: FaultProxy, tmp_path: Path
) -> None:
    proxy.add(
        Fault(
            next_page(aws_call("logs", "DescribeLogGroups")),
            aws_error(400, "ExpiredToken", "The security token included in the request is expired"),
        )
    )
    snap = tmp_path / "snap"
    args = ["--endpoint-url", proxy.url, "--regions", REGION, "--max-attempts", "2"]
    collected = run_cli("collect", "aws", *args, "--services", "logs,kms", "-o", str(snap))
    assert collected.exit_code == 0, collected.output  # collection errors are not failures
    assert "1 collection errors (in " in collected.output
    assert "logs DescribeLogGroups: ExpiredToken: list incomplete: 1 page(s)" in collected.output

    findings = tmp_path / "findings.json"
    scanned = run_cli("scan", str(snap), "--fail-on", "critical", "-o", str(findings))
    assert scanned.exit_code == 0, scanned.output
    assert "1 collection errors (see the report)" in scanned.output
    doc = json.loads(findings.read_text())
    [error] = doc["collection_errors"]
    assert (error["service"], error["operation"], error["code"]) == (
        "logs",
        "DescribeLogGroups",
        "ExpiredToken",
    )
    judged = {f["resource"]["id"] for f in doc["findings"]}
    kept = [r for r in open_snapshot(snap).iter_resources() if r["type"] == "aws.logs.log_group"]
    assert len(kept) == 50
    assert {r["id"] for r in kept} <= judged  # the kept page is scanned like any other

    gated = run_cli("scan", str(snap), "--fail-on", "low", "-o", str(tmp_path / "gated.json"))
    assert gated.exit_code == 1, gated.output


def test_a_later_page_of_web_acls_failing_keeps_the_first(
    proxy: FaultProxy, moto: Moto, tmp_path: Path
) -> None:
    waf = moto.client("wafv2")
    visibility = {
        "SampledRequestsEnabled": False,
        "CloudWatchMetricsEnabled": False,
        "MetricName": "m",
    }
    for i in range(101):  # moto answers ListWebACLs 100 a page
        waf.create_web_acl(
            Name=f"acl-{i:03d}",
            Scope="REGIONAL",
            DefaultAction={"Block": {}},
            VisibilityConfig=visibility,
            Rules=[],
        )
    proxy.add(
        Fault(
            next_page(aws_call("wafv2", "ListWebACLs")), aws_error(500, "WAFInternalErrorException")
        )
    )
    manifest, found = _collect(proxy, tmp_path, "faulty", services=("wafv2",), max_attempts=2)
    assert len(_by_type(found)["aws.wafv2.web_acl"]) == 100
    listing = [e for e in manifest.errors if e.operation == "ListWebACLs"]
    assert [(e.code, e.message[:40]) for e in listing] == [
        ("WAFInternalErrorException", "list incomplete: 1 page(s) read and kept")
    ]


def test_unreadable_policies_keep_the_organization(
    proxy: FaultProxy, moto: Moto, tmp_path: Path
) -> None:
    org = moto.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    org.create_organizational_unit(ParentId=root, Name="workloads")
    throttled = aws_error(400, "TooManyRequestsException", "Rate exceeded")
    proxy.add(Fault(aws_call("organizations", "ListPolicies"), throttled))
    manifest, found = _collect(
        proxy, tmp_path, "faulty", services=("organizations",), max_attempts=2
    )
    assert _errors(manifest) == [
        ("organizations", found[0]["account"], "global", "ListPolicies", "TooManyRequestsException")
    ]
    kinds = _by_type(found)
    assert [
        len(kinds[t])
        for t in (
            "aws.organizations.organization",
            "aws.organizations.ou",
            "aws.organizations.account",
        )
    ] == [1, 1, 1]
    assert "aws.organizations.policy" not in kinds
