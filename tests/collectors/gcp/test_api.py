"""The Cloud Asset API path, through the real google-cloud-asset client against a local fake.

The fake (tests/collectors/gcp/fake_cai.py, whose docstring lists what it does not
emulate) serves the fixture estate over HTTP on 127.0.0.1: ListAssets with camelCase
JSON, integer content types and enums as the REST transport sends and asks for, page
tokens, asset type filters, parent filtering and Google-shaped errors. The client is
the production one: REST transport, anonymous credentials, `client_options.api_endpoint`.
What it does not emulate: authentication and IAM, quotas beyond injected errors,
`readTime` (always the fixture's), content types other than RESOURCE / IAM_POLICY /
ORG_POLICY, RE2-only regex syntax, other methods, gRPC.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from google.cloud import asset_v1

from scanner.collectors.gcp import CONTEXT_TYPES, HIERARCHY_TYPES, NORMALISERS
from scanner.collectors.gcp.api import ApiSource, make_client, make_retry
from scanner.snapshot import open_snapshot
from tests.collectors.gcp.conftest import ESTATE, EXPECTED, ORG_SCOPE, assert_user_error, run
from tests.collectors.gcp.fake_cai import FakeCloudAsset


@pytest.fixture
def client(fake: FakeCloudAsset) -> Iterator[asset_v1.AssetServiceClient]:
    api = make_client(fake.url)
    yield api
    api.transport.close()  # type: ignore[no-untyped-call]  # google-api-core ships it untyped


def _source(client: asset_v1.AssetServiceClient, *scopes: str, **kwargs: object) -> ApiSource:
    options: dict[str, object] = {
        "context_types": CONTEXT_TYPES,
        "resource_types": frozenset(NORMALISERS),
        "policy_types": frozenset(NORMALISERS),
        "org_policy_types": HIERARCHY_TYPES,
        "retry": make_retry(initial=0.01, maximum=0.05, timeout=5),
    }
    options.update(kwargs)
    return ApiSource(client, list(scopes), **options)  # type: ignore[arg-type]


def _collect(tmp_path: Path, fake: FakeCloudAsset, *extra: str) -> Path:
    out = tmp_path / "snap"
    result = run(
        "collect", "gcp", "--scope", ORG_SCOPE, "--endpoint", fake.url, "-o", str(out), *extra
    )
    assert result.exit_code == 0, result.output
    return out


def test_collect_pages_through_every_content_type(tmp_path: Path, fake: FakeCloudAsset) -> None:
    snap = open_snapshot(_collect(tmp_path, fake))
    calls = fake.list_calls()
    assert {c.status for c in calls} == {200}
    # The REST transport sends content types as integers and asks for integer enums.
    assert {c.query["contentType"][0] for c in calls} == {"1", "2", "4"}
    assert all("enum-encoding=int" in c.query["$alt"][0] for c in calls)
    assert all(c.query["pageSize"] == ["1000"] for c in calls)
    assert all("Authorization" not in c.headers for c in calls)  # anonymous on http://
    # 7-asset pages: every call that returned a full page was followed by a token request.
    follow_ups = [c for c in calls if "pageToken" in c.query]
    assert len(follow_ups) >= 10
    # One moment: every ListAssets call after the first asks for the first one's readTime.
    starts = [i for i, c in enumerate(calls) if "pageToken" not in c.query]
    assert "readTime" not in calls[0].query
    assert all(c.query["readTime"] == ["2026-11-26T12:00:00Z"] for c in calls[starts[1] :])
    assert snap.manifest.resource_count == EXPECTED
    assert snap.manifest.errors == []
    assert snap.manifest.source == "gcp"
    assert snap.manifest.scopes == [f"gcp:{ORG_SCOPE}", "gcp:acme-dev", "gcp:acme-prod"]
    assert snap.manifest.created_at.isoformat() == "2026-11-26T12:00:00+00:00"


def test_requests_ask_only_for_normalised_types(tmp_path: Path, fake: FakeCloudAsset) -> None:
    _collect(tmp_path, fake)
    asked = {t for c in fake.list_calls() for t in c.query.get("assetTypes", [])}
    assert asked <= set(NORMALISERS) | set(CONTEXT_TYPES)
    assert "appengine.googleapis.com/Application" not in asked
    resources = [c for c in fake.list_calls() if c.query["contentType"] == ["1"]]
    assert all(c.query.get("assetTypes") for c in resources)


def test_asset_types_narrow_the_collection(tmp_path: Path, fake: FakeCloudAsset) -> None:
    out = _collect(tmp_path, fake, "--asset-types", "storage.googleapis.com/Bucket")
    resources = list(open_snapshot(out).iter_resources())
    assert Counter(r["type"] for r in resources) == {"gcp.storage.bucket": 4}
    # The hierarchy is still read, so buckets know their project id and inherited IAM.
    assert {r["account"] for r in resources} == {"acme-prod"}
    public = next(r for r in resources if r["name"] == "acme-public-assets")
    assert public["attributes"]["is_public"] is True
    assert any(b["inherited_from"] for b in public["attributes"]["effective_iam_bindings"])


def test_unknown_asset_type_is_a_usage_error(tmp_path: Path, fake: FakeCloudAsset) -> None:
    result = run(
        "collect",
        "gcp",
        "--scope",
        ORG_SCOPE,
        "--endpoint",
        fake.url,
        "-o",
        str(tmp_path / "s"),
        "--asset-types",
        "storage.googleapis.com/Bucket,compute.googleapis.com/Nope",
    )
    assert_user_error(result, "compute.googleapis.com/Nope", "known:")
    assert fake.list_calls() == []


def test_a_project_scope_by_id(tmp_path: Path, fake: FakeCloudAsset) -> None:
    out = tmp_path / "snap"
    result = run(
        "collect", "gcp", "--scope", "projects/acme-dev", "--endpoint", fake.url, "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    resources = list(open_snapshot(out).iter_resources())
    assert {r["account"] for r in resources} == {"acme-dev"}
    assert "gcp.resourcemanager.project" in {r["type"] for r in resources}
    assert "gcp.resourcemanager.organization" not in {r["type"] for r in resources}


def test_transient_errors_are_retried(
    fake: FakeCloudAsset, client: asset_v1.AssetServiceClient
) -> None:
    fake.fail_next(503, times=2)
    fake.fail_next(429, times=1, content_type="1")
    source = _source(client, ORG_SCOPE)
    context = list(source.context_assets())
    resources = list(source.resource_assets())
    assert source.errors == []
    statuses = [c.status for c in fake.list_calls()]
    assert statuses[:3] == [503, 503, 429]
    assert len(context) > 20 and len(resources) > 40


def test_a_denied_scope_is_recorded_and_collection_goes_on(
    tmp_path: Path, fake: FakeCloudAsset
) -> None:
    fake.deny("folders/300000000002")
    out = tmp_path / "snap"
    result = run(
        "collect",
        "gcp",
        "--scope",
        "folders/300000000001",
        "--scope",
        "folders/300000000002",
        "--endpoint",
        fake.url,
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    snap = open_snapshot(out)
    errors = snap.manifest.errors
    assert {e.account for e in errors} == {"folders/300000000002"}
    assert {e.code for e in errors} == {"PERMISSION_DENIED"}
    assert {e.operation for e in errors} == {
        "ListAssets(RESOURCE)",
        "ListAssets(IAM_POLICY)",
        "ListAssets(ORG_POLICY)",
    }
    assert all(e.provider == "gcp" and e.service == "cloudasset" for e in errors)
    # the prod folder itself (no project) and what is in it
    assert {r["account"] for r in snap.iter_resources()} == {"", "acme-prod"}
    assert "collection errors" in result.output


def test_a_failed_content_type_leaves_the_rest(
    fake: FakeCloudAsset, client: asset_v1.AssetServiceClient
) -> None:
    fake.fail_next(403, times=1, content_type="2")
    source = _source(client, ORG_SCOPE)
    policies = [a for a in source.context_assets() if a.iam_policy is not None]
    assert policies == []
    assert [(e.operation, e.code) for e in source.errors] == [
        ("ListAssets(IAM_POLICY)", "PERMISSION_DENIED")
    ]
    assert len(list(source.resource_assets())) > 40


def test_retries_give_up_into_a_collection_error(
    fake: FakeCloudAsset, client: asset_v1.AssetServiceClient
) -> None:
    fake.fail_next(503, times=1000, content_type="4")
    source = _source(client, ORG_SCOPE, retry=make_retry(initial=0.01, maximum=0.02, timeout=0.3))
    list(source.context_assets())
    assert [(e.operation, e.code) for e in source.errors] == [
        ("ListAssets(ORG_POLICY)", "UNAVAILABLE")
    ]


def test_every_call_failing_is_exit_2(tmp_path: Path, fake: FakeCloudAsset) -> None:
    fake.deny(ORG_SCOPE)
    out = tmp_path / "snap"
    result = run(
        "collect", "gcp", "--scope", ORG_SCOPE, "--endpoint", fake.url, "-o", str(out), "-q"
    )
    assert_user_error(
        result, ORG_SCOPE, "every Cloud Asset Inventory call failed", "PERMISSION_DENIED"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((), "give --scope"),
        (("--scope", ORG_SCOPE, "--export-file", "x.ndjson"), "not both"),
        (("--scope", "org/123"), "use organizations/ID"),
        (("--export-file", "x.ndjson", "--endpoint", "http://127.0.0.1:1"), "use it with --scope"),
        (("--scope", ORG_SCOPE, "--read-time", "2026-01-01T00:00:00Z"), "--read-time"),
    ],
)
def test_bad_usage_is_one_line(tmp_path: Path, args: tuple[str, ...], fragment: str) -> None:
    assert_user_error(run("collect", "gcp", "-o", str(tmp_path / "s"), *args), fragment)


# ---------------------------------------------------------------------- the fake itself
def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urlopen(url) as response:
            return int(response.status), json.loads(response.read())
    except HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read())


def test_fake_pages_with_tokens_bound_to_the_query(fake: FakeCloudAsset) -> None:
    base = f"{fake.url}/v1/{ORG_SCOPE}/assets?contentType=RESOURCE"
    status, first = _get(f"{base}&pageSize=3")
    assert status == 200 and len(first["assets"]) == 3  # type: ignore[arg-type]
    token = first["nextPageToken"]
    status, second = _get(f"{base}&pageSize=3&pageToken={token}")
    assert status == 200
    assert second["assets"][0] != first["assets"][0]  # type: ignore[index]
    other = f"{fake.url}/v1/{ORG_SCOPE}/assets?contentType=2&pageSize=3"
    status, error = _get(f"{other}&pageToken={token}")
    assert status == 400 and error["error"]["status"] == "INVALID_ARGUMENT"  # type: ignore[index]
    assert _get(f"{base}&pageSize=1001")[0] == 400
    assert _get(f"{fake.url}/v1/organizations/999/assets")[0] == 403


def test_fake_serves_camel_case_with_base64_etags(fake: FakeCloudAsset) -> None:
    url = (
        f"{fake.url}/v1/{ORG_SCOPE}/assets?contentType=2"
        "&assetTypes=cloudresourcemanager.googleapis.com/Project&$alt=json;enum-encoding=int"
    )
    _status, body = _get(url)
    assets = body["assets"]
    assert isinstance(assets, list) and len(assets) == 2
    prod = next(a for a in assets if a["name"].endswith(ESTATE.PROJECTS["acme-prod"]))
    assert set(prod) == {"name", "assetType", "ancestors", "updateTime", "iamPolicy"}
    assert prod["iamPolicy"]["auditConfigs"][0]["auditLogConfigs"][0]["logType"] == 1
    assert prod["iamPolicy"]["etag"].endswith("=")
