"""Fixtures of the GCP collector tests: the fixture estate, the local Cloud Asset fake, the CLI."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner, Result

from scanner.cli import cli
from scanner.collectors.gcp import CONTEXT_TYPES, NORMALISERS
from scanner.collectors.gcp.collect import GcpCollector
from scanner.collectors.gcp.common import Asset, Context
from scanner.collectors.gcp.export import ExportSource
from scanner.collectors.secrets import scan_text
from tests.collectors.gcp.capacity_estate import capacity_fakes
from tests.collectors.gcp.fake_cai import FakeCloudAsset
from tests.collectors.gcp.fake_compute import FakeCompute
from tests.collectors.gcp.fake_monitoring import FakeMonitoring

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "fixtures" / "gcp"
EXPORT_DIR = FIXTURES / "export"
EXPORT_FILES = sorted(EXPORT_DIR.glob("*.ndjson"))
ORG_SCOPE = "organizations/123456789012"


def _load_estate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gcp_build_estate", FIXTURES / "build_estate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


ESTATE = _load_estate()


def _expected_resources() -> int:
    text = (EXPORT_DIR / "acme-resource.ndjson").read_text(encoding="utf-8")
    return sum(json.loads(line)["asset_type"] in NORMALISERS for line in text.splitlines())


# Resources the fixture estate normalises to (one per resource line of a registered type).
EXPECTED = _expected_resources()


def run(*args: str) -> Result:
    """Invoke the pscan CLI in-process."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def assert_user_error(result: Result, *fragments: str) -> None:
    """Exit 2 with one line naming what is wrong, never a traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeCloudAsset]:
    """The local Cloud Asset fake serving the fixture estate, with 7-asset pages."""
    fake = FakeCloudAsset(EXPORT_FILES, read_time=ESTATE.READ_TIME, max_page_size=7).start()
    yield fake
    fake.stop()


@pytest.fixture
def fake(fake_server: FakeCloudAsset) -> Iterator[FakeCloudAsset]:
    """The fake, with no requests, failures or denials left from another test."""
    fake_server.reset()
    yield fake_server
    fake_server.reset()


@pytest.fixture(scope="session")
def estate() -> dict[str, dict[str, Any]]:
    """The fixture estate's resources (export path, in-process), by id, in snapshot form."""
    source = ExportSource(
        EXPORT_FILES, context_types=CONTEXT_TYPES, resource_types=frozenset(NORMALISERS)
    )
    collector = GcpCollector(source, scan_secrets=scan_text)
    out = {r.id: r.model_dump(mode="json") for r in collector.resources()}
    assert not collector.errors
    return out


def make_asset(asset_type: str, name: str, data: dict[str, Any], **fields: Any) -> Asset:
    """An asset as the collector sees it, for normaliser unit tests."""
    return Asset(name=name, asset_type=asset_type, data=data, has_resource=True, **fields)


def normalise(asset: Asset, ctx: Context | None = None) -> dict[str, Any]:
    """Normalise one asset with its registered function; the resource in snapshot form."""
    resource = NORMALISERS[asset.asset_type](asset, ctx or Context(scan_secrets=scan_text))
    assert resource is not None
    return resource.model_dump(mode="json")


def relations(resource: dict[str, Any], kind: str) -> list[str]:
    """Targets of a resource's relations of one kind."""
    return [r["target"] for r in resource["relations"] if r["type"] == kind]


@pytest.fixture(scope="session")
def capacity_servers() -> Iterator[tuple[FakeCompute, FakeMonitoring]]:
    """The Compute and Monitoring fakes serving the capacity estate (2 items a page)."""
    with capacity_fakes() as servers:
        yield servers


@pytest.fixture
def capacity_apis(
    capacity_servers: tuple[FakeCompute, FakeMonitoring],
) -> Iterator[tuple[FakeCompute, FakeMonitoring]]:
    """The capacity fakes, with no requests, denials or failures left from another test."""
    for server in capacity_servers:
        server.reset()
    yield capacity_servers
    for server in capacity_servers:
        server.reset()
