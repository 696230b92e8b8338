"""Faults between the GCP collector and Google: 429 storms, 5xx, resets, expired tokens.

`pscan collect gcp` runs as a user runs it, through the real google-cloud-asset and
google-cloud-compute clients, against the local fakes behind the fault-injecting proxy
(tests/collectors/fault_proxy.py): the faults are real HTTP answers and real resets.
The retry policy is the production one (`make_retry`: its predicate and backoff) with
its waits shortened, so that a storm takes milliseconds.

The promises are the AWS collector's: a fault that a retry outlasts leaves the snapshot
exactly as a clean run writes it; a lasting fault is one collection error (service,
project or scope, operation, code) and the rest is collected; a list cut short by a
failing later page keeps the pages already read and says that it is incomplete.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.collectors.gcp import api, quotas
from scanner.model import SnapshotManifest
from scanner.snapshot import open_snapshot
from tests.collectors.fault_proxy import (
    Call,
    Fault,
    FaultProxy,
    Reset,
    gcp_call,
    gcp_error,
    next_page,
)
from tests.collectors.gcp.capacity_estate import PROJECT as CAPACITY_PROJECT
from tests.collectors.gcp.capacity_estate import write_export
from tests.collectors.gcp.conftest import ORG_SCOPE, run
from tests.collectors.gcp.fake_cai import FakeCloudAsset
from tests.collectors.gcp.fake_compute import FakeCompute
from tests.collectors.gcp.fake_monitoring import FakeMonitoring

ASSETS = "/assets"
PROJECT = "cloudresourcemanager.googleapis.com/Project"  # a context type, listed first


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The production retry policy, with millisecond waits and a 2 s deadline."""
    fast = functools.partial(api.make_retry, initial=0.01, maximum=0.05, timeout=2)
    monkeypatch.setattr(api, "make_retry", fast)
    monkeypatch.setattr(quotas, "make_retry", fast)


@pytest.fixture
def proxy(fake: FakeCloudAsset) -> Iterator[FaultProxy]:
    """The fault proxy in front of the Cloud Asset fake."""
    proxy = FaultProxy(fake.url).start()
    yield proxy
    proxy.stop()


def _listing(content_type: str, *, second_pass: bool = False) -> Callable[[Call], bool]:
    """ListAssets calls of one content type (1 resources, 2 IAM policies); `second_pass`:
    only the listing of the non-context types (after the context pass)."""

    def matches(call: Call) -> bool:
        if ASSETS not in call.path or call.query.get("contentType") != [content_type]:
            return False
        return not second_pass or PROJECT not in call.query.get("assetTypes", [])

    return matches


def _collect(proxy: FaultProxy, out: Path, *extra: str) -> tuple[Any, SnapshotManifest]:
    result = run(
        "collect", "gcp", "--scope", ORG_SCOPE, "--endpoint", proxy.url, "-o", str(out), *extra
    )
    assert result.exit_code == 0, result.output
    return result, open_snapshot(out).manifest


def _resources(out: Path) -> list[dict[str, Any]]:
    return sorted(open_snapshot(out).iter_resources(), key=lambda r: str(r["id"]))


def test_transient_faults_leave_the_snapshot_of_a_clean_run(
    proxy: FaultProxy, tmp_path: Path
) -> None:
    _collect(proxy, tmp_path / "clean")
    clean = _resources(tmp_path / "clean")
    calls = len(proxy.outcomes())
    proxy.clear()
    faults = [
        # a RESOURCE_EXHAUSTED storm on the first call, 5xx and resets on later pages
        Fault(gcp_call(ASSETS), gcp_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded"), times=4),
        Fault(next_page(_listing("1")), gcp_error(500, "INTERNAL"), skip=1, times=2),
        Fault(next_page(_listing("1")), gcp_error(503, "UNAVAILABLE"), skip=4, times=1),
        Fault(next_page(gcp_call(ASSETS)), Reset(), skip=6, times=2),
    ]
    for fault in faults:
        proxy.add(fault)
    _result, manifest = _collect(proxy, tmp_path / "faulty")
    assert [f.applied for f in faults] == [f.times for f in faults]
    assert manifest.errors == []
    assert _resources(tmp_path / "faulty") == clean
    assert len(proxy.outcomes()) == calls + sum(f.applied for f in faults)


def test_a_lasting_fault_is_one_error_and_the_other_calls_go_on(
    proxy: FaultProxy, tmp_path: Path
) -> None:
    _collect(proxy, tmp_path / "clean")
    clean = _resources(tmp_path / "clean")
    proxy.clear()
    # every IAM policy call is refused for good: resources are still listed
    policies = _listing("2")
    proxy.add(Fault(policies, gcp_error(503, "UNAVAILABLE", "The service is unavailable")))
    result, manifest = _collect(proxy, tmp_path / "faulty")
    assert [(e.service, e.account, e.operation, e.code) for e in manifest.errors] == [
        ("cloudasset", ORG_SCOPE, "ListAssets(IAM_POLICY)", "UNAVAILABLE")
    ]
    assert "1 collection errors" in result.output
    assert [r["id"] for r in _resources(tmp_path / "faulty")] == [r["id"] for r in clean]


def test_an_expired_token_on_page_two_keeps_page_one(proxy: FaultProxy, tmp_path: Path) -> None:
    _collect(proxy, tmp_path / "clean")
    clean = _resources(tmp_path / "clean")
    proxy.clear()
    expired = gcp_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
    # the second pass (resources of the non-context types), on its third page
    second_pass = _listing("1", second_pass=True)
    proxy.add(Fault(next_page(second_pass), expired, skip=1, times=1))
    result, manifest = _collect(proxy, tmp_path / "faulty")
    [error] = manifest.errors
    assert (error.service, error.account, error.operation, error.code) == (
        "cloudasset",
        ORG_SCOPE,
        "ListAssets(RESOURCE)",
        "UNAUTHENTICATED",
    )
    assert error.message.startswith("list incomplete: ")
    assert "UNAUTHENTICATED: list incomplete: " in result.output
    faulty = _resources(tmp_path / "faulty")
    assert 0 < len(faulty) < len(clean)
    assert [r for r in faulty if r in clean] == faulty  # what was read is kept as it was
    assert json.dumps(manifest.model_dump(mode="json"))  # a manifest like any other


# ---------------------------------------------------------------------- Compute quotas
def _quotas(proxy: FaultProxy, monitoring: FakeMonitoring, tmp_path: Path, name: str) -> Any:
    export = write_export(tmp_path / f"{name}-export")
    out = tmp_path / name
    endpoints = ["--compute-endpoint", proxy.url, "--monitoring-endpoint", monitoring.url]
    result = run(
        "collect", "gcp", "--export-file", str(export), "--metrics", *endpoints, "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    quota_ids = sorted(
        r["id"] for r in open_snapshot(out).iter_resources() if r["type"] == "gcp.compute.quota"
    )
    return result, open_snapshot(out).manifest, quota_ids


def test_compute_quota_faults(
    tmp_path: Path, capacity_apis: tuple[FakeCompute, FakeMonitoring]
) -> None:
    compute, monitoring = capacity_apis
    proxy = FaultProxy(compute.url).start()
    try:
        _result, manifest, clean = _quotas(proxy, monitoring, tmp_path, "clean")
        assert manifest.errors == [] and len(clean) == 5
        # retried: a 429 storm on projects.get, a 503 and a reset on the pages of regions.list
        proxy.clear()
        storm = proxy.add(
            Fault(
                gcp_call(f"/projects/{CAPACITY_PROJECT}"),
                gcp_error(429, "RESOURCE_EXHAUSTED"),
                times=3,
            )
        )
        failing = proxy.add(Fault(gcp_call("/regions"), gcp_error(503, "UNAVAILABLE"), times=1))
        reset = proxy.add(Fault(next_page(gcp_call("/regions")), Reset(), times=1))
        _result, manifest, retried = _quotas(proxy, monitoring, tmp_path, "retried")
        assert (storm.applied, failing.applied, reset.applied) == (3, 1, 1)
        assert manifest.errors == []
        assert retried == clean
        # page 2 of regions.list refused for good: page 1's regions are kept, the gap recorded
        proxy.clear()
        expired = gcp_error(
            401, "UNAUTHENTICATED", "Request had invalid authentication credentials."
        )
        proxy.add(Fault(next_page(gcp_call("/regions")), expired))
        result, manifest, partial = _quotas(proxy, monitoring, tmp_path, "partial")
        [error] = manifest.errors
        assert (error.service, error.account, error.operation, error.code) == (
            "compute",
            CAPACITY_PROJECT,
            "regions.list",
            "UNAUTHENTICATED",
        )
        assert error.message.startswith("list incomplete: 1 page(s) read and kept (3 quotas)")
        assert "compute regions.list: UNAUTHENTICATED: list incomplete" in result.output
        assert partial == clean  # the region in use is on page 1; page 2 has nothing in use
    finally:
        proxy.stop()
