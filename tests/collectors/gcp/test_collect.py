"""Both sources give the same snapshot; the registry, the catalog and the estate agree."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from scanner import catalog
from scanner.collectors.gcp import ASSET_TYPES, CONTEXT_TYPES, NORMALISERS
from scanner.collectors.gcp.collect import GcpCollector, select_types
from scanner.collectors.gcp.export import ExportSource
from scanner.snapshot import open_snapshot
from tests.collectors.gcp.conftest import (
    ESTATE,
    EXPECTED,
    EXPORT_DIR,
    EXPORT_FILES,
    ORG_SCOPE,
    ROOT,
    run,
)
from tests.collectors.gcp.fake_cai import FakeCloudAsset

# Secret values planted in the estate (metadata, env vars): never stored in clear.
PLANTED_SECRETS = ("Zx9#mQ2!vLp8wRt7", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Zq8vT3xW9pL2mN7kR4sY")


def _resources(snapshot: Path) -> list[dict[str, Any]]:
    return sorted(open_snapshot(snapshot).iter_resources(), key=lambda r: r["id"])


def test_api_and_export_paths_give_the_same_snapshot(tmp_path: Path, fake: FakeCloudAsset) -> None:
    api, export = tmp_path / "api", tmp_path / "export"
    result = run("collect", "gcp", "--scope", ORG_SCOPE, "--endpoint", fake.url, "-o", str(api))
    assert result.exit_code == 0, result.output
    files = [arg for path in EXPORT_FILES for arg in ("--export-file", str(path))]
    result = run("collect", "gcp", *files, "-o", str(export))
    assert result.exit_code == 0, result.output
    from_api, from_export = _resources(api), _resources(export)
    assert len(from_api) == EXPECTED
    assert from_api == from_export
    api_snap, export_snap = open_snapshot(api), open_snapshot(export)
    assert api_snap.manifest.created_at == export_snap.manifest.created_at
    assert [p.file for p in api_snap.manifest.partitions] == [
        p.file for p in export_snap.manifest.partitions
    ]
    assert [p.sha256 for p in api_snap.manifest.partitions] == [
        p.sha256 for p in export_snap.manifest.partitions
    ]


def test_the_estate_covers_every_registered_type() -> None:
    lines = [json.loads(x) for x in (EXPORT_DIR / "acme-resource.ndjson").read_text().splitlines()]
    assert set(ASSET_TYPES) <= {line["asset_type"] for line in lines}


def test_every_resource_speaks_the_catalog(estate: dict[str, dict[str, Any]]) -> None:
    for rid, resource in estate.items():
        rtype = catalog.TYPES.get(resource["type"])
        assert rtype is not None, f"{rid}: type {resource['type']} is not in the catalog"
        unknown = set(resource["attributes"]) - set(rtype.attributes)
        assert not unknown, f"{resource['type']}: attributes {sorted(unknown)} not in the catalog"
        kinds = {r["type"] for r in resource["relations"]}
        assert kinds <= set(rtype.relations), f"{resource['type']}: {kinds - set(rtype.relations)}"
        assert resource["provider"] == "gcp"
        assert resource["id"].startswith("//")


def test_every_catalog_attribute_of_a_collected_type_is_emitted(
    estate: dict[str, dict[str, Any]],
) -> None:
    seen: dict[str, set[str]] = {}
    for resource in estate.values():
        seen.setdefault(resource["type"], set()).update(resource["attributes"])
    for rtype, attributes in seen.items():
        missing = set(catalog.TYPES[rtype].attributes) - attributes
        assert not missing, f"{rtype}: catalog attributes never emitted: {sorted(missing)}"
    # quotas come from the Compute API with --metrics (tests/collectors/gcp/test_capacity.py)
    not_in_cai = {"gcp.compute.quota"}
    assert set(seen) == {t for t in catalog.TYPES if t.startswith("gcp.")} - not_in_cai


def test_every_registered_type_maps_to_one_catalog_type(estate: dict[str, dict[str, Any]]) -> None:
    lines = [json.loads(x) for x in (EXPORT_DIR / "acme-resource.ndjson").read_text().splitlines()]
    by_asset_type: dict[str, set[str]] = {}
    for line in lines:
        if line["name"] in estate:
            by_asset_type.setdefault(line["asset_type"], set()).add(estate[line["name"]]["type"])
    assert set(by_asset_type) == set(NORMALISERS)
    assert all(len(types) == 1 for types in by_asset_type.values()), by_asset_type


def test_secrets_are_stored_masked_only(tmp_path: Path) -> None:
    out = tmp_path / "snap"
    files = [arg for path in EXPORT_FILES for arg in ("--export-file", str(path))]
    assert run("collect", "gcp", *files, "-o", str(out)).exit_code == 0
    text = b"".join(gzip.decompress(p.read_bytes()) for p in out.glob("*.jsonl.gz")).decode()
    for secret in PLANTED_SECRETS:
        assert secret not in text
    assert "Zx**********" in text


def test_the_committed_export_files_are_what_the_builder_writes() -> None:
    for name, text in ESTATE.render().items():
        committed = (EXPORT_DIR / name).read_text(encoding="utf-8")
        assert committed == text, f"{name} is stale; run: python fixtures/gcp/build_estate.py"


def test_an_asset_of_an_unexpected_shape_is_recorded_and_skipped(tmp_path: Path) -> None:
    lines = [json.loads(x) for x in (EXPORT_DIR / "acme-resource.ndjson").read_text().splitlines()]
    broken = next(x for x in lines if x["name"].endswith("/instances/web-2"))
    broken["resource"]["data"]["serviceAccounts"] = ["not-an-object"]
    path = tmp_path / "export.ndjson"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    source = ExportSource([path], context_types=CONTEXT_TYPES, resource_types=select_types())
    collector = GcpCollector(source)
    ids = {r.id for r in collector.resources()}
    assert broken["name"] not in ids
    assert len(ids) == EXPECTED - 1
    [error] = collector.errors
    assert error.code == "NormaliseError"
    assert error.account == "acme-prod"
    assert error.message.startswith(broken["name"])


def test_the_user_guide_lists_every_asset_type() -> None:
    guide = (ROOT / "docs" / "gcp-collector.md").read_text(encoding="utf-8")
    for asset_type in ASSET_TYPES:
        service, kind = asset_type.split("/")
        assert f"`{asset_type}`" in guide or (f"`{service}/" in guide and f"`{kind}`" in guide), (
            f"docs/gcp-collector.md does not list {asset_type}"
        )
