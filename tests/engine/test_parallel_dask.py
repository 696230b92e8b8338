"""`--executor dask://HOST:PORT`: the partitions on a real Dask LocalCluster.

Two worker processes on loopback, one thread each; they read the snapshot files
themselves (the same paths), load the rules themselves, and the document equals the
serial scan's. A worker that dies on every try ends the scan with exit 3.
"""

from __future__ import annotations

import copy
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask
import pytest
from click.testing import CliRunner
from distributed import LocalCluster

from scanner.app import GateOptions, Parallel, ScanRequest, run_scan
from scanner.cli import cli
from scanner.engine import parallel as parallel_module
from scanner.paths import data_dir
from tests.engine.conftest import RULE, WritePack
from tests.engine.test_parallel import CRASH_PY, comparable, write_estate

DEMO = data_dir("fixtures/demo")


def _cluster(**config: Any) -> LocalCluster:
    with dask.config.set(config):
        return LocalCluster(  # type: ignore[no-untyped-call]  # distributed is not annotated
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",  # a free port: two clusters may run at once
            timeout=60,
        )


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_estate(tmp_path_factory.mktemp("estate") / "snap")


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A LocalCluster's scheduler, as a dask:// URL."""
    with _cluster() as local:
        yield local.scheduler_address.replace("tcp://", "dask://")


def test_the_partitions_on_a_dask_cluster_give_the_serial_document(
    cluster: str, estate: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    submitted: list[int] = []
    original = parallel_module.DaskRunner.map

    def spy(self: parallel_module.DaskRunner, source: Any, files: Any, *rest: Any) -> Any:
        submitted.append(len(files))
        return original(self, source, files, *rest)

    monkeypatch.setattr(parallel_module.DaskRunner, "map", spy)
    gate = GateOptions(fail_on="none", no_config=True)
    serial = run_scan(ScanRequest(snapshots=(DEMO, estate), gate=gate, parallel=Parallel(1)))
    on_dask = run_scan(
        ScanRequest(snapshots=(DEMO, estate), gate=gate, parallel=Parallel(executor=cluster))
    )
    assert submitted and submitted[0] > 5
    assert comparable(on_dask.doc) == comparable(serial.doc)


def test_the_executor_comes_from_the_environment(
    cluster: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSCAN_EXECUTOR", cluster)
    out = tmp_path / "dask.json"
    result = CliRunner().invoke(cli, ["scan", str(DEMO), "--fail-on", "none", "-o", str(out)])
    assert result.exit_code == 0, result.output
    monkeypatch.delenv("PSCAN_EXECUTOR")
    serial = tmp_path / "serial.json"
    args = ["scan", str(DEMO), "--fail-on", "none", "--workers", "1", "-o", str(serial)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    ours, theirs = (p.read_text().splitlines() for p in (out, serial))
    assert [x for x in ours if "generated_at" not in x] == [
        x for x in theirs if "generated_at" not in x
    ]


def test_an_unreachable_scheduler_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setattr(parallel_module, "_CONNECT_TIMEOUT_S", 2)
    out = tmp_path / "f.json"
    url = f"dask://127.0.0.1:{port}"
    result = CliRunner().invoke(cli, ["scan", str(DEMO), "--executor", url, "-o", str(out)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        f"pscan: error: --executor {url}: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}"
    )
    assert not out.exists()


def test_a_task_whose_workers_die_stops_the_scan_with_exit_3(
    write_pack: WritePack, tmp_path: Path
) -> None:
    body = copy.deepcopy(RULE)
    del body["condition"]
    body.update(message="{resource.id}", tests=[])
    pack = write_pack({"aws_s3_bucket_crashes": body}, python={"aws_s3_bucket_crashes": CRASH_PY})
    out = tmp_path / "findings.json"
    # no retries: the first worker that dies gives the task up (KilledWorker)
    with _cluster(**{"distributed.scheduler.allowed-failures": 0}) as local:
        url = local.scheduler_address.replace("tcp://", "dask://")
        args = ["scan", str(DEMO), "--rules", str(pack), "--executor", url, "-o", str(out)]
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == 3, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("pscan: error: a scan worker died mid-scan (Dask gave up")
    assert not out.exists()
