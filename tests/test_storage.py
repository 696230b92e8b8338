"""Snapshots read from URLs: `s3://` on a moto server (through boto3, no s3fs), read by
the scanning process, by `--workers` processes and by Dask workers themselves."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner

from scanner.cli import cli
from scanner.errors import SnapshotError
from scanner.paths import data_dir
from scanner.snapshot import iter_partition, open_snapshot
from scanner.storage import RemotePath, snapshot_path

DEMO = data_dir("fixtures/demo")
BUCKET = "pscan-snaps"
_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIAPSCANSTORAGE0001",
    "AWS_SECRET_ACCESS_KEY": "pscan-storage-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/nonexistent/pscan-test-aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/pscan-test-aws-credentials",
}


@pytest.fixture(scope="module")
def s3() -> Iterator[Any]:
    """A moto server holding the demo snapshot at s3://pscan-snaps/demo; boto3 in this
    process and in every process started from it reaches it through the environment."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    with pytest.MonkeyPatch.context() as patch:
        for key, value in _ENV.items():
            patch.setenv(key, value)
        patch.delenv("AWS_PROFILE", raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        patch.setenv("AWS_ENDPOINT_URL_S3", f"http://{host}:{port}")
        try:
            client = boto3.client("s3")
            client.create_bucket(Bucket=BUCKET)
            for file in sorted(DEMO.iterdir()):
                if file.is_file():
                    client.upload_file(str(file), BUCKET, f"demo/{file.name}")
            yield client
        finally:
            server.stop()


def _scan(tmp_path: Path, snapshot: str, *options: str) -> dict[str, Any]:
    out = tmp_path / f"findings-{len(list(tmp_path.iterdir()))}.json"
    args = ["scan", snapshot, "--no-config", "--fail-on", "none", "-q", "-o", str(out)]
    result = CliRunner().invoke(cli, [*args, "--format", "json", *options])
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(out.read_text())
    doc.pop("generated_at")
    for summary in doc["snapshots"]:
        summary.pop("path")
    return doc


def test_a_snapshot_on_s3_scans_to_the_document_of_the_local_copy(s3: Any, tmp_path: Path) -> None:
    local = _scan(tmp_path, str(DEMO), "--workers", "1")
    remote = _scan(tmp_path, f"s3://{BUCKET}/demo", "--workers", "1")
    assert local["findings"]
    assert remote == local


def test_worker_processes_read_their_partitions_from_s3(s3: Any, tmp_path: Path) -> None:
    local = _scan(tmp_path, str(DEMO), "--workers", "1")
    assert _scan(tmp_path, f"s3://{BUCKET}/demo/", "--workers", "2") == local


def test_dask_workers_read_their_partitions_from_s3(s3: Any, tmp_path: Path) -> None:
    from tests.engine.test_parallel_dask import _cluster

    local = _scan(tmp_path, str(DEMO), "--workers", "1")
    with _cluster() as cluster:  # started after the environment names the S3 endpoint
        executor = cluster.scheduler_address.replace("tcp://", "dask://")
        assert _scan(tmp_path, f"s3://{BUCKET}/demo", "--executor", executor) == local


def test_snapshot_info_verifies_a_snapshot_on_s3(s3: Any) -> None:
    result = CliRunner().invoke(cli, ["snapshot", "info", f"s3://{BUCKET}/demo", "--verify"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((DEMO / "manifest.json").read_text())
    assert f"{sum(p['resources'] for p in manifest['partitions']):,} resources" in result.output


def test_a_partition_changed_on_s3_is_refused(s3: Any, tmp_path: Path) -> None:
    for key in s3.list_objects_v2(Bucket=BUCKET, Prefix="demo/")["Contents"]:
        s3.copy_object(
            Bucket=BUCKET, Key=f"changed/{key['Key'][5:]}", CopySource=f"{BUCKET}/{key['Key']}"
        )
    part = open_snapshot(DEMO).manifest.partitions[0]
    body = (DEMO / part.file).read_bytes()
    s3.put_object(Bucket=BUCKET, Key=f"changed/{part.file}", Body=body[: len(body) // 2])
    result = CliRunner().invoke(cli, ["snapshot", "info", f"s3://{BUCKET}/changed", "--verify"])
    assert result.exit_code == 2
    assert f"s3://{BUCKET}/changed/{part.file}: content differs from the sha256" in result.output


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"s3://{BUCKET}/nothing-here", f"s3://{BUCKET}/nothing-here: no such snapshot directory"),
        ("s3://no-such-bucket/snap", "s3://no-such-bucket/snap: cannot read the snapshot ("),
        ("nosuch://bucket/snap", "nosuch://bucket/snap: cannot read nosuch:// URLs (Protocol"),
        # gcsfs is not installed here: the message says what to install
        ("gs://bucket/snap", "gs://bucket/snap: cannot read gs:// URLs ("),
    ],
)
def test_an_unreadable_url_is_a_one_line_error(
    s3: Any, tmp_path: Path, url: str, message: str
) -> None:
    out = tmp_path / "findings.json"
    result = CliRunner().invoke(cli, ["scan", url, "--no-config", "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_reading_a_partition_reads_ranges_of_the_object(s3: Any) -> None:
    snap = open_snapshot(f"s3://{BUCKET}/demo")
    assert isinstance(snap.path, RemotePath)
    assert all(isinstance(f, RemotePath) for f in snap.files)
    local = open_snapshot(DEMO)
    for remote_part, local_part in zip(snap.files, local.files, strict=True):
        assert list(iter_partition(remote_part)) == list(iter_partition(local_part))


def test_a_partition_that_vanishes_while_read_is_a_snapshot_error(s3: Any) -> None:
    s3.copy_object(
        Bucket=BUCKET, Key="gone/manifest.json", CopySource=f"{BUCKET}/demo/manifest.json"
    )
    part = open_snapshot(DEMO).manifest.partitions[0].file
    s3.copy_object(Bucket=BUCKET, Key=f"gone/{part}", CopySource=f"{BUCKET}/demo/{part}")
    with pytest.raises(SnapshotError, match=r"partition listed in manifest\.json is missing"):
        open_snapshot(f"s3://{BUCKET}/gone")
    remote = snapshot_path(f"s3://{BUCKET}/gone/{part}x")
    message = re.escape(f"s3://{BUCKET}/gone/{part}x: cannot read partition")
    with pytest.raises(SnapshotError, match=message):
        list(iter_partition(remote))


def test_local_paths_and_file_urls_stay_paths() -> None:
    assert snapshot_path("snaps/a") == Path("snaps/a")
    assert snapshot_path("file:///tmp/snap") == Path("/tmp/snap")
    assert snapshot_path(Path("x://y")) == Path("x://y")
    assert snapshot_path("gs://b/p/") == RemotePath("gs://b/p")


@pytest.mark.parametrize(
    "command",
    [
        ["cost", "{snap}", "--no-config", "--format", "json"],
        ["capacity", "show", "{snap}", "--format", "json"],
        ["diagram", "{snap}", "--format", "mermaid"],
        ["iac", "--plan", "{plan}", "--against", "{snap}", "--skip-checkov", "--fail-on", "none"],
    ],
    ids=["cost", "capacity", "diagram", "iac-against"],
)
def test_every_command_that_reads_a_snapshot_reads_one_on_s3(
    s3: Any, tmp_path: Path, command: list[str]
) -> None:
    plan = data_dir("fixtures/iac") / "plan.json"
    outputs: list[str] = []
    for snap in (str(DEMO), f"s3://{BUCKET}/demo"):
        out = tmp_path / f"out-{len(outputs)}"
        args = [a.format(snap=snap, plan=plan) for a in command]
        result = CliRunner().invoke(cli, [*args, "-o", str(out)])
        assert result.exit_code == 0, result.output
        text = re.sub(r'"generated_at": "[^"]*"', "", out.read_text())
        outputs.append(text.replace(snap, "SNAPSHOT"))
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 200


def test_snapshots_on_s3_merge_into_a_local_snapshot(s3: Any, tmp_path: Path) -> None:
    args = ["snapshot", "merge", f"s3://{BUCKET}/demo", "-o", str(tmp_path / "merged")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    merged = open_snapshot(tmp_path / "merged")
    assert sorted(r["id"] for r in merged.iter_resources()) == sorted(
        r["id"] for r in open_snapshot(DEMO).iter_resources()
    )


def test_opening_a_snapshot_on_s3_lists_it_once_not_per_partition(s3: Any) -> None:
    import fsspec

    open_snapshot(f"s3://{BUCKET}/demo")  # the filesystem is registered and made
    calls: list[str] = []
    client = fsspec.filesystem("s3").client

    def count(model: Any, **_: Any) -> None:
        calls.append(model.name)

    client.meta.events.register("before-call.s3", count)
    try:
        snap = open_snapshot(f"s3://{BUCKET}/demo")
    finally:
        client.meta.events.unregister("before-call.s3", count)
    assert len(snap.files) > 3
    assert sorted(calls) == ["GetObject", "HeadObject", "ListObjectsV2"]  # manifest: size, body
