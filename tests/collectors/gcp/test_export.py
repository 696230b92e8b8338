"""`gcloud asset export` files: both spellings, merging by name, gzip, folders, bad lines."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from scanner.collectors.gcp import CONTEXT_TYPES, NORMALISERS
from scanner.collectors.gcp.collect import GcpCollector
from scanner.collectors.gcp.common import iso_time
from scanner.collectors.gcp.export import ExportSource
from scanner.snapshot import open_snapshot
from tests.collectors.gcp.conftest import EXPECTED, EXPORT_DIR, EXPORT_FILES, assert_user_error, run
from tests.collectors.gcp.fake_cai import to_rest

BUCKET = "//storage.googleapis.com/acme-public-assets"


def _lines(name: str) -> list[dict[str, Any]]:
    text = (EXPORT_DIR / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def _write(path: Path, lines: list[Any]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def _collect(*paths: Path) -> dict[str, dict[str, Any]]:
    source = ExportSource(
        list(paths), context_types=CONTEXT_TYPES, resource_types=frozenset(NORMALISERS)
    )
    collector = GcpCollector(source)
    return {r.id: r.model_dump(mode="json") for r in collector.resources()}


def _bucket_lines() -> list[dict[str, Any]]:
    resource = next(x for x in _lines("acme-resource.ndjson") if x["name"] == BUCKET)
    policy = next(x for x in _lines("acme-iam-policy.ndjson") if x["name"] == BUCKET)
    return [resource, policy]


def test_the_cli_reads_the_fixture_export(tmp_path: Path) -> None:
    args = [arg for path in EXPORT_FILES for arg in ("--export-file", str(path))]
    out = tmp_path / "snap"
    result = run("collect", "gcp", *args, "-o", str(out))
    assert result.exit_code == 0, result.output
    snap = open_snapshot(out)
    assert snap.manifest.source == "gcp-export"
    assert snap.manifest.resource_count == EXPECTED
    assert snap.manifest.scopes == ["gcp:acme-dev", "gcp:acme-prod"]
    # no readTime in export files: the newest update_time stands for it
    assert snap.manifest.created_at.isoformat() == "2026-11-26T12:00:00+00:00"
    assert f"wrote {out}: {EXPECTED} resources" in result.output


def test_a_folder_gzip_and_read_time(tmp_path: Path) -> None:
    folder = tmp_path / "export" / "storage.googleapis.com" / "Bucket"
    folder.mkdir(parents=True)
    for path in EXPORT_FILES:
        with gzip.open(folder / f"{path.stem}.gz", "wb") as fh:
            fh.write(path.read_bytes())
    out = tmp_path / "snap"
    result = run(
        "collect",
        "gcp",
        "--export-file",
        str(tmp_path / "export"),
        "-o",
        str(out),
        "--read-time",
        "2027-01-01T00:00:00Z",
        "-q",
    )
    assert result.exit_code == 0, result.output
    assert result.output == ""
    snap = open_snapshot(out)
    assert snap.manifest.resource_count == EXPECTED
    assert snap.manifest.created_at.isoformat() == "2027-01-01T00:00:00+00:00"


def test_policy_lines_merge_by_name_in_any_order(tmp_path: Path) -> None:
    resource, policy = _bucket_lines()
    one_file = _collect(_write(tmp_path / "a.ndjson", [policy, resource]))
    two_files = _collect(
        _write(tmp_path / "r.ndjson", [resource]), _write(tmp_path / "p.ndjson", [policy])
    )
    assert one_file == two_files
    bucket = one_file[BUCKET]
    assert bucket["attributes"]["is_public"] is True
    assert {"role": "roles/storage.objectViewer", "members": ["allUsers"], "condition": None} in (
        bucket["attributes"]["iam_bindings"]
    )


def test_camel_case_lines_read_the_same(tmp_path: Path) -> None:
    """`gcloud asset list --format=json` / REST spelling: camelCase envelope, integer enums."""
    lines = _lines("acme-resource.ndjson") + _lines("acme-iam-policy.ndjson")
    snake = _collect(_write(tmp_path / "snake.ndjson", lines))
    camel = _collect(_write(tmp_path / "camel.ndjson", [to_rest(x, int_enums=True) for x in lines]))
    assert camel == snake
    assert len(snake) == EXPECTED


def test_unknown_fields_and_types_are_ignored(tmp_path: Path) -> None:
    resource, policy = _bucket_lines()
    resource["ancestry_path"] = "organizations/123456789012/folders/300000000001/project/x"
    other = {
        "name": "//appengine.googleapis.com/apps/x",
        "asset_type": "appengine.googleapis.com/Application",
        "resource": {"data": {"id": "x"}},
    }
    assert set(_collect(_write(tmp_path / "x.ndjson", [resource, policy, other]))) == {BUCKET}


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"name": "//storage.googleapis.com/b"}', "needs string fields 'name' and 'asset_type'"),
        (
            '{"name": "//x/b", "asset_type": "storage.googleapis.com/Bucket",'
            ' "iam_policy": {"etag": "not base64!"}}',
            "not a valid Cloud Asset",
        ),
        (
            '{"name": "//x/b", "asset_type": "storage.googleapis.com/Bucket",'
            ' "resource": {"data": {}}, "ancestors": "projects/1"}',
            "not a valid Cloud Asset",
        ),
        (
            '{"name": "//x/b", "asset_type": "storage.googleapis.com/Bucket",'
            ' "update_time": "99999999999999999999"}',
            "update_time '99999999999999999999' is not a timestamp",
        ),
        (
            '{"name": "//x/b", "asset_type": "storage.googleapis.com/Bucket",'
            ' "update_time": "zzzz"}',
            "update_time 'zzzz' is not a timestamp",
        ),
    ],
)
def test_a_malformed_line_is_exit_2_with_file_and_line(
    tmp_path: Path, line: str, fragment: str
) -> None:
    path = tmp_path / "export.ndjson"
    resource, policy = _bucket_lines()
    path.write_text(f"{json.dumps(resource)}\n\n{line}\n{json.dumps(policy)}\n", encoding="utf-8")
    out = tmp_path / "snap"
    result = run("collect", "gcp", "--export-file", str(path), "-o", str(out))
    assert_user_error(result, f"{path}:3:", fragment)
    assert not out.exists()


def test_an_export_without_assets_is_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "export.ndjson"
    path.write_text("\n\n", encoding="utf-8")
    out = tmp_path / "snap"
    result = run("collect", "gcp", "--export-file", str(path), "-o", str(out))
    assert_user_error(result, str(path), "no Cloud Assets in the export")
    assert not out.exists()


def test_a_missing_file_is_exit_2(tmp_path: Path) -> None:
    result = run(
        "collect", "gcp", "--export-file", str(tmp_path / "nope.ndjson"), "-o", str(tmp_path / "s")
    )
    assert_user_error(result, "nope.ndjson", "no such export file")


def test_bad_read_time_is_exit_2(tmp_path: Path) -> None:
    result = run(
        "collect",
        "gcp",
        "--export-file",
        str(EXPORT_FILES[0]),
        "--read-time",
        "yesterday",
        "-o",
        str(tmp_path / "s"),
    )
    assert_user_error(result, "--read-time 'yesterday'")


def test_an_interrupted_collection_leaves_no_snapshot(tmp_path: Path) -> None:
    """The bad line comes after good resources were written: the snapshot is not created."""
    shutil.copy(EXPORT_FILES[-1], tmp_path / "resources.ndjson")
    bad_line = len(EXPORT_FILES[-1].read_text().splitlines()) + 1
    with open(tmp_path / "resources.ndjson", "a", encoding="utf-8") as fh:
        fh.write('{"name": "//x", "asset_type": "compute.googleapis.com/Disk", "resource": 7}\n')
    out = tmp_path / "snap"
    result = run(
        "collect", "gcp", "--export-file", str(tmp_path / "resources.ndjson"), "-o", str(out)
    )
    assert_user_error(result, f"resources.ndjson:{bad_line}:")
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["resources.ndjson"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-04T10:11:12.123-08:00", "2025-03-04T18:11:12Z"),
        ("1741082400000", "2025-03-04T10:00:00Z"),
        ("99999999999999999999", None),  # epoch milliseconds past the year 9999
        ("zzzz", None),
        ("", None),
        # UTC stamps are kept as written, without their fraction, when they are times
        ("2025-03-04T18:11:12Z", "2025-03-04T18:11:12Z"),
        ("2025-03-04T18:11:12.123456789Z", "2025-03-04T18:11:12Z"),
        ("2025-02-30T18:11:12Z", None),
        ("2025-03-04T24:00:00.5Z", None),
        ("2025-03-04T18:11:12ZZ", None),
        # strftime writes years before 1000 without leading zeros
        ("0999-03-04T18:11:12Z", "999-03-04T18:11:12Z"),
        ("0999-03-04T10:11:12-08:00", "999-03-04T18:11:12Z"),
    ],
)
def test_times_gcp_writes_are_read_and_impossible_ones_are_none(
    value: str, expected: str | None
) -> None:
    assert iso_time(value) == expected
