"""The orchestrator: accounts, regions, errors, retries, exit codes, credentials."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from scanner.collectors.aws import GLOBAL_SERVICES, SERVICES, CollectOptions, collect_aws
from scanner.errors import ConfigError
from scanner.snapshot import open_snapshot

from .conftest import ACCESS_KEY, ACCOUNT, REGION, SECRET_KEY, Collected, Moto, run_cli

OTHER_REGION = "eu-west-1"


class _Body:
    """The raw body of an injected HTTP response."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def inject(
    status: int, body: str, *, times: int | None = None, content_type: str = "text/xml"
) -> tuple[Callable[..., AWSResponse | None], list[str]]:
    """A before-send handler answering with an error (the first `times` calls, or always)."""
    seen: list[str] = []
    lock = threading.Lock()

    def handler(request: Any, **_: Any) -> AWSResponse | None:
        with lock:
            seen.append(request.url)
            if times is not None and len(seen) > times:
                return None
        return AWSResponse(
            request.url, status, {"content-type": content_type}, _Body(body.encode())
        )

    return handler, seen


S3_DENIED = "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
KMS_THROTTLED = '{"__type": "ThrottlingException", "message": "Rate exceeded"}'


def library_collect(moto: Moto, tmp_path: Path, **options: Any) -> tuple[Any, Path]:
    out = tmp_path / "snap"
    defaults: dict[str, Any] = {
        "endpoint_url": moto.endpoint,
        "regions": (REGION,),
        "max_attempts": 1,
    }
    manifest = collect_aws(out, CollectOptions(**(defaults | options)))
    return manifest, out


def resources(path: Path) -> list[dict[str, Any]]:
    return list(open_snapshot(path).iter_resources())


# ---------------------------------------------------------------------- registry
def test_every_service_module_is_registered() -> None:
    import pkgutil

    import scanner.collectors.aws as package

    modules = {
        m.name
        for m in pkgutil.iter_modules(package.__path__)
        if hasattr(__import__(f"scanner.collectors.aws.{m.name}", fromlist=["collect"]), "collect")
    }
    registered = {fn.__module__.rsplit(".", 1)[-1] for fn in SERVICES.values()}
    assert modules == registered
    assert set(SERVICES) >= GLOBAL_SERVICES


# ---------------------------------------------------------------------- regions
def test_regions_partitions_and_region_resources(moto: Moto, collect: Any) -> None:
    for region in (REGION, OTHER_REGION):
        moto.client("ec2", region).create_vpc(CidrBlock="10.9.0.0/16")
    snap: Collected = collect(
        "--regions", f"{REGION},{OTHER_REGION}", "--services", "ec2,region,s3"
    )
    manifest = snap.manifest
    files = {p["file"] for p in manifest["partitions"]}
    assert f"resources-aws-{ACCOUNT}-{REGION}.jsonl.gz" in files
    assert f"resources-aws-{ACCOUNT}-{OTHER_REGION}.jsonl.gz" in files
    assert set(manifest["scopes"]) == {
        f"aws:{ACCOUNT}:global",
        f"aws:{ACCOUNT}:{REGION}",
        f"aws:{ACCOUNT}:{OTHER_REGION}",
    }
    assert manifest["source"] == "aws"
    regions = {r["region"]: r for r in snap.of_type("aws.region")}
    assert set(regions) == {REGION, OTHER_REGION}
    per_region = {
        region: sum(
            1 for r in snap.resources() if r["region"] == region and r["type"] != "aws.region"
        )
        for region in regions
    }
    for region, resource in regions.items():
        assert resource["attributes"]["resource_count"] == per_region[region] > 0
        assert resource["id"] == f"arn:aws:ec2:{region}:{ACCOUNT}:region/{region}"
    vpcs = [
        r for r in snap.of_type("aws.ec2.vpc") if r["attributes"]["cidr_block"] == "10.9.0.0/16"
    ]
    assert {v["region"] for v in vpcs} == {REGION, OTHER_REGION}


def test_default_regions_are_the_enabled_ones(moto: Moto, collect: Any) -> None:
    statuses = {
        r["RegionName"]: r["OptInStatus"]
        for r in moto.client("ec2").describe_regions(AllRegions=True)["Regions"]
    }
    enabled = {r for r, s in statuses.items() if s in ("opt-in-not-required", "opted-in")}
    assert len(enabled) < len(statuses)
    snap = collect("--services", "ec2", "--max-workers", "16")
    scopes = {s.split(":")[2] for s in snap.manifest["scopes"]} - {"global"}
    assert scopes == enabled
    assert snap.errors() == []


def test_a_region_not_enabled_is_recorded_and_skipped(moto: Moto, collect: Any) -> None:
    disabled = next(
        r["RegionName"]
        for r in moto.client("ec2").describe_regions(AllRegions=True)["Regions"]
        if r["OptInStatus"] == "not-opted-in"
    )
    snap = collect("--regions", f"{REGION},{disabled}", "--services", "ec2")
    assert {r["region"] for r in snap.resources()} == {REGION}
    [error] = snap.errors()
    assert (error["region"], error["code"], error["operation"]) == (
        disabled,
        "OptInRequired",
        "DescribeRegions",
    )


def test_all_regions_records_the_ones_not_enabled(moto: Moto, collect: Any) -> None:
    regions = moto.client("ec2").describe_regions(AllRegions=True)["Regions"]
    disabled = {r["RegionName"] for r in regions if r["OptInStatus"] == "not-opted-in"}
    snap = collect("--regions", "all", "--services", "acm", "--max-workers", "16")
    assert {(e["region"], e["code"]) for e in snap.errors()} == {
        (r, "OptInRequired") for r in disabled
    }
    scopes = {s.split(":")[2] for s in snap.manifest["scopes"]} - {"global"}
    assert scopes == {r["RegionName"] for r in regions} - disabled


def test_all_and_a_list_is_a_usage_error(moto: Moto, tmp_path: Path) -> None:
    assert_usage_error(
        ["--endpoint-url", moto.endpoint, "--regions", "all,us-east-1", "-o", str(tmp_path / "s")],
        "--regions: give 'all' or a list of regions, not both",
    )


# ---------------------------------------------------------------------- accounts
def seed_organization(moto: Moto) -> list[str]:
    org = moto.client("organizations")
    org.create_organization(FeatureSet="ALL")
    members = []
    for name in ("prod", "dev"):
        status = org.create_account(Email=f"{name}@example.com", AccountName=name)
        members.append(status["CreateAccountStatus"]["AccountId"])
    return members


def test_org_collects_every_member_through_assume_role(moto: Moto, collect: Any) -> None:
    members = seed_organization(moto)
    for member in members:
        moto.client("s3", account=member).create_bucket(Bucket=f"data-{member}")
        moto.client("ec2", account=member).create_vpc(CidrBlock="10.42.0.0/16")
    snap = collect("--org", "--regions", REGION, "--services", "s3,ec2,account,organizations")
    accounts = {r["account"] for r in snap.resources()}
    assert accounts == {ACCOUNT, *members}
    for member in members:
        bucket = snap.named("aws.s3.bucket", f"data-{member}")
        assert bucket["account"] == member
        assert f"resources-aws-{member}-{REGION}.jsonl.gz" in {
            p["file"] for p in snap.manifest["partitions"]
        }
        vpcs = [r for r in snap.of_type("aws.ec2.vpc") if r["account"] == member]
        assert "10.42.0.0/16" in {v["attributes"]["cidr_block"] for v in vpcs}
    account_res = {r["account"]: r for r in snap.of_type("aws.account")}
    assert account_res[ACCOUNT]["attributes"]["is_management_account"] is True
    assert account_res[members[0]]["attributes"]["is_management_account"] is False
    assert account_res[members[0]]["relations"][0]["type"] == "member_of"
    org_accounts = {
        r["attributes"]["account_id"] for r in snap.of_type("aws.organizations.account")
    }
    assert org_accounts == {ACCOUNT, *members}
    assert len(snap.of_type("aws.organizations.organization")) == 1


def test_accounts_option_and_failed_assume_role(moto: Moto, tmp_path: Path) -> None:
    members = seed_organization(moto)
    handler, _ = inject(403, _sts_denied(), times=None)
    manifest, out = library_collect(
        moto,
        tmp_path,
        accounts=(members[0], ACCOUNT),
        services=("s3",),
        handlers=(("before-send.sts.AssumeRole", handler),),
    )
    assert {r["account"] for r in resources(out)} <= {ACCOUNT}
    [error] = manifest.errors
    assert (error.account, error.service, error.operation, error.code) == (
        members[0],
        "sts",
        "AssumeRole",
        "AccessDenied",
    )
    assert "OrganizationAccountAccessRole" in error.message


def _sts_denied() -> str:
    return (
        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
        "<Message>not authorized to perform sts:AssumeRole</Message></Error></ErrorResponse>"
    )


# ---------------------------------------------------------------------- expected errors
def test_access_denied_is_recorded_and_collection_goes_on(moto: Moto, tmp_path: Path) -> None:
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="denied")
    s3.create_bucket(Bucket="fine")
    moto.client("kms").create_key(Description="k")
    handler, seen = inject(403, S3_DENIED)
    manifest, out = library_collect(
        moto,
        tmp_path,
        services=("s3", "kms"),
        handlers=(("before-send.s3.GetBucketPolicy", handler),),
    )
    assert len(seen) == 2  # once per bucket, no retries for AccessDenied
    denied = [e for e in manifest.errors if e.code == "AccessDenied"]
    assert {(e.service, e.operation, e.account, e.region) for e in denied} == {
        ("s3", "GetBucketPolicy", ACCOUNT, "global")
    }
    assert len(denied) == 2
    buckets = {r["name"]: r for r in resources(out) if r["type"] == "aws.s3.bucket"}
    assert set(buckets) == {"denied", "fine"}
    attributes = buckets["fine"]["attributes"]
    assert attributes["is_public_by_policy"] is None  # unknown, not "not public"
    assert attributes["acl_grants"] is not None  # the other settings were read
    assert any(r["type"] == "aws.kms.key" for r in resources(out))


def test_a_denied_service_is_one_error(moto: Moto, tmp_path: Path) -> None:
    body = '{"__type": "AccessDeniedException", "message": "no"}'
    handler, _ = inject(400, body, content_type="application/x-amz-json-1.1")
    manifest, out = library_collect(
        moto, tmp_path, services=("kms", "ec2"), handlers=(("before-send.kms.ListKeys", handler),)
    )
    assert [(e.service, e.operation, e.code) for e in manifest.errors] == [
        ("kms", "ListKeys", "AccessDeniedException")
    ]
    assert any(r["type"] == "aws.ec2.vpc" for r in resources(out))


def test_throttling_is_retried(moto: Moto, tmp_path: Path) -> None:
    moto.client("kms").create_key(Description="k")
    handler, seen = inject(400, KMS_THROTTLED, times=1, content_type="application/x-amz-json-1.1")
    manifest, out = library_collect(
        moto,
        tmp_path,
        services=("kms",),
        max_attempts=3,
        handlers=(("before-send.kms.ListKeys", handler),),
    )
    assert len(seen) == 2  # throttled once, then answered
    assert manifest.errors == []
    assert any(r["type"] == "aws.kms.key" for r in resources(out))


def test_throttling_after_retries_is_recorded(moto: Moto, tmp_path: Path) -> None:
    handler, seen = inject(400, KMS_THROTTLED, content_type="application/x-amz-json-1.1")
    manifest, _ = library_collect(
        moto,
        tmp_path,
        services=("kms",),
        max_attempts=2,
        handlers=(("before-send.kms.ListKeys", handler),),
    )
    assert len(seen) == 2
    assert [(e.service, e.operation, e.code) for e in manifest.errors] == [
        ("kms", "ListKeys", "ThrottlingException")
    ]


def test_unreachable_endpoint_is_recorded(moto: Moto, tmp_path: Path) -> None:
    from botocore.exceptions import EndpointConnectionError

    def unreachable(request: Any, **_: Any) -> None:
        raise EndpointConnectionError(endpoint_url=request.url)

    manifest, _ = library_collect(
        moto, tmp_path, services=("sqs",), handlers=(("before-send.sqs", unreachable),)
    )
    assert [(e.service, e.code) for e in manifest.errors] == [("sqs", "EndpointConnectionError")]


def test_unexpected_errors_propagate_and_leave_no_snapshot(moto: Moto, tmp_path: Path) -> None:
    def broken(**_: Any) -> None:
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError, match="a bug"):
        library_collect(moto, tmp_path, services=("sqs",), handlers=(("before-call.sqs", broken),))
    assert not (tmp_path / "snap").exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_collection_errors_still_exit_zero(moto: Moto, collect: Any) -> None:
    snap = collect("--services", "region", "--regions", REGION)
    # moto serves no IAM Access Analyzer: recorded, reported, exit 0 (checked by collect)
    assert [(e["service"], e["operation"]) for e in snap.errors()] == [("region", "ListAnalyzers")]
    assert "1 collection errors (in " in snap.result.output
    assert "region ListAnalyzers: 500: HTTP 500 from the service" in snap.result.output
    assert f"wrote {snap.path}: " in snap.result.output


# ---------------------------------------------------------------------- usage errors
def assert_usage_error(args: list[str], *fragments: str) -> None:
    result = run_cli("collect", "aws", *args)
    assert result.exit_code == 2, result.output
    lines = [
        line
        for line in result.output.splitlines()
        if line.strip() and not line.startswith("Unable to find appropriate backend")
    ]
    assert len(lines) == 1, lines
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


def test_unknown_service_names_the_valid_ones(moto: Moto, tmp_path: Path) -> None:
    assert_usage_error(
        ["--endpoint-url", moto.endpoint, "--services", "ec2,nope", "-o", str(tmp_path / "s")],
        "unknown service(s) nope",
        "valid: account, acm,",
    )


def test_unknown_region(moto: Moto, tmp_path: Path) -> None:
    assert_usage_error(
        ["--endpoint-url", moto.endpoint, "--regions", "eu-wst-1", "-o", str(tmp_path / "s")],
        "--regions: unknown region(s) eu-wst-1",
    )


def test_bad_account_id(moto: Moto, tmp_path: Path) -> None:
    assert_usage_error(
        ["--endpoint-url", moto.endpoint, "--accounts", "12345", "-o", str(tmp_path / "s")],
        "--accounts: not 12-digit account ids: 12345",
    )


def test_missing_profile(moto: Moto, tmp_path: Path) -> None:
    assert_usage_error(
        ["--profile", "nope", "-o", str(tmp_path / "s")], "--profile 'nope': no such profile"
    )


def test_no_credentials_is_one_line(
    moto: Moto, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert_usage_error(
        ["--endpoint-url", moto.endpoint, "-o", str(tmp_path / "s")],
        "no usable AWS credentials (NoCredentialsError)",
    )
    assert not (tmp_path / "s").exists()


# ---------------------------------------------------------------------- credentials
def test_credentials_are_never_printed_or_written(
    moto: Moto, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    seed_organization(moto)
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "snap"
    result = run_cli(
        "-vv",
        "collect",
        "aws",
        "--endpoint-url",
        moto.endpoint,
        "--max-attempts",
        "1",
        "--org",
        "--regions",
        REGION,
        "--services",
        "s3,iam,kms,account",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    snap = Collected(result, out)
    assert len({r["account"] for r in snap.resources()}) == 3
    texts = [result.output, caplog.text, (out / "manifest.json").read_text()]
    texts += [json.dumps(r) for r in snap.resources()]
    for text in texts:
        assert SECRET_KEY not in text
        assert ACCESS_KEY not in text
        assert "SessionToken" not in text and "X-Amz-Security-Token" not in text


def test_library_refuses_bad_options(moto: Moto, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown service"):
        library_collect(moto, tmp_path, services=("nope",))
