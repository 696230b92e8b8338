"""Per-resource rules in worker processes, partition by partition: the serial scan's result.

The documents of a serial and a parallel scan are compared whole (findings and their
order, fingerprints, rule stats, frameworks, capacity, cost, gate), on the demo and on a
generated estate scanned with suppressions, a baseline, tuned params and a rule filter.
"""

from __future__ import annotations

import copy
import gc
import gzip
import os
import pickle
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from scanner import processes
from scanner.app import GateOptions, Parallel, ScanRequest, run_scan, scan_snapshots
from scanner.cli import cli
from scanner.engine import load_rules
from scanner.engine import parallel as parallel_module
from scanner.engine.evaluate import _Evaluator
from scanner.engine.parallel import AUTO_MIN_RESOURCES, ProcessRunner, open_runner
from scanner.errors import ConfigError, WorkerError
from scanner.gate import baseline_from, load_config
from scanner.graph import ResourceGraph
from scanner.headroom import DEFAULT_PRODUCT_TAGS
from scanner.model import FindingsDocument, FindingStatus
from scanner.paths import data_dir
from scanner.snapshot import iter_partition, open_snapshot, write_snapshot
from scanner.synthetic import REFERENCE_DATE, generate, generate_scopes
from tests.engine.conftest import RULE, WritePack

# an expiry inside the horizon suppressions may have (suppression_max_days)
SOON = (date.today() + timedelta(days=180)).isoformat()

DEMO = data_dir("fixtures/demo")

# A Python rule that kills the process it runs in, when that is a worker: a crash mid-scan
# (SIGKILL: `os._exit` in a rule is contained, scanner.engine.watchdog).
CRASH_PY = """
import multiprocessing
import os
import signal

from scanner.engine import resource_rule


@resource_rule
def check(resource, spec):
    if multiprocessing.parent_process() is not None:
        os.kill(os.getpid(), signal.SIGKILL)
    yield from ()
"""


def comparable(doc: FindingsDocument) -> dict[str, Any]:
    """The document as JSON, without the moment it was written."""
    data = doc.model_dump(mode="json")
    data.pop("generated_at")
    return data


def write_estate(path: Path) -> Path:
    """A generated estate of 12,000 resources: several accounts, regions and partitions."""
    write_snapshot(
        path,
        generate(12_000, seed=5),
        source="synthetic(seed=5)",
        scopes=generate_scopes(12_000, seed=5),
        created_at=REFERENCE_DATE,
    )
    return path


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_estate(tmp_path_factory.mktemp("estate") / "snap")


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of partitions each ProcessRunner.map was given: proof the pool ran."""
    seen: list[int] = []
    original = ProcessRunner.map

    def spy(self: ProcessRunner, source: Any, files: Any, *rest: Any) -> Iterator[Any]:
        seen.append(len(files))
        return original(self, source, files, *rest)

    monkeypatch.setattr(ProcessRunner, "map", spy)
    return seen


def test_the_demo_scanned_by_two_workers_is_the_serial_scan(runs: list[int]) -> None:
    snap = open_snapshot(DEMO)
    ruleset = load_rules()
    cost = load_config(DEMO / "pscan.yaml").cost
    docs = [
        scan_snapshots(
            [snap],
            ruleset,
            product_tags=DEFAULT_PRODUCT_TAGS,
            cost=cost,
            parallel=Parallel(workers=workers),
        )
        for workers in (1, 2)
    ]
    assert runs == [len(snap.files)]  # the second scan ran in the pool, one task per file
    serial, parallel = docs
    assert serial.capacity is not None and serial.cost is not None
    assert any(s.undecided for s in serial.rule_stats.values())
    assert comparable(parallel) == comparable(serial)


def _config(tmp_path: Path, serial: FindingsDocument) -> Path:
    """A .pscan.yaml with suppressions, tuned params, an exclusion and budgets, and a
    baseline that knows every other finding of the serial scan."""
    failed = [f for f in serial.findings if f.status is FindingStatus.FAIL]
    known = serial.model_copy(update={"findings": failed[::2]})
    baseline = tmp_path / "baseline.json"
    baseline.write_text(baseline_from([known]).model_dump_json())
    config = {
        "fail_on": "high",
        "baseline": str(baseline),
        "rules": {"exclude": ["aws_iam_*"]},
        "params": {"gcp_sql_instance_cpu_not_saturated": {"above": 50}},
        "suppressions": [
            {
                "rule": failed[1].rule_id,
                "reason": "accepted",
                "owner": "platform",
                "expires": SOON,
            },
            {
                "rule": "*",
                "resource": failed[3].resource.id,
                "reason": "decommissioning",
                "owner": "platform",
                "expires": SOON,
            },
        ],
        "cost": {"growth_percent": 10, "untagged_percent": 1},
    }
    path = tmp_path / ".pscan.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def test_a_generated_estate_with_a_gate_config_scans_the_same(
    estate: Path, tmp_path: Path, runs: list[int]
) -> None:
    plain = GateOptions(fail_on="none", no_config=True)
    serial = run_scan(ScanRequest(snapshots=(estate,), gate=plain, parallel=Parallel(workers=1)))
    gate = GateOptions(config=_config(tmp_path, serial.doc))
    results = [
        run_scan(ScanRequest(snapshots=(estate,), gate=gate, parallel=Parallel(workers=w)))
        for w in (1, 2)
    ]
    assert len(runs) == 1 and runs[0] > 5
    one, two = results
    findings = one.doc.findings
    assert {f.is_new for f in findings} >= {True, False}
    assert any(f.suppression is not None for f in findings)
    assert not any(f.rule_id.startswith("aws_iam_") for f in findings)
    assert one.doc.capacity is not None and one.doc.cost is not None
    assert comparable(two.doc) == comparable(one.doc)
    assert two.gate == one.gate


def test_two_snapshots_are_joined_in_order(runs: list[int]) -> None:
    """The same resource ids in two snapshots: ties in the order stay as serial has them."""
    gate = GateOptions(fail_on="none", no_config=True)
    docs = [
        run_scan(ScanRequest(snapshots=(DEMO, DEMO), gate=gate, parallel=Parallel(workers=w))).doc
        for w in (1, 2)
    ]
    assert runs
    assert comparable(docs[1]) == comparable(docs[0])


def _crash_pack(write_pack: WritePack) -> Path:
    body = copy.deepcopy(RULE)
    del body["condition"]
    body.update(message="{resource.id}", tests=[])
    return write_pack({"aws_s3_bucket_crashes": body}, python={"aws_s3_bucket_crashes": CRASH_PY})


def test_a_worker_that_dies_mid_scan_stops_it_with_exit_3(
    write_pack: WritePack, tmp_path: Path
) -> None:
    out = tmp_path / "findings.json"
    args = ["scan", str(DEMO), "--rules", str(_crash_pack(write_pack)), "--workers", "2"]
    result = CliRunner().invoke(cli, [*args, "--fail-on", "none", "-o", str(out)])
    assert result.exit_code == 3, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("pscan: error: a scan worker died mid-scan")
    assert "--workers 1" in lines[0]
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "pack"]  # no temporary file left either


def test_a_rule_set_is_loaded_again_from_its_source(write_pack: WritePack) -> None:
    """Params from the config and the selection travel to the workers with the rule set."""
    pack = write_pack({"aws_s3_bucket_versioned": RULE})
    ruleset = (
        load_rules([pack])
        .with_params({"gcp_sql_instance_cpu_not_saturated": {"above": 50}})
        .select(ids=["gcp_sql_instance_cpu_not_saturated", "aws_s3_bucket_versioned"])
    )
    assert ruleset.source is not None
    again = ruleset.source.load()
    assert list(again.rules) == list(ruleset.rules)
    assert again.rules["gcp_sql_instance_cpu_not_saturated"].spec.params["above"] == 50
    assert again.source == ruleset.source


def test_workers_by_default_only_for_large_scans_and_at_most_one_per_partition() -> None:
    assert open_runner(None, None, AUTO_MIN_RESOURCES - 1, 50) is None
    assert open_runner(1, None, 10 * AUTO_MIN_RESOURCES, 50) is None
    assert open_runner(4, None, 10 * AUTO_MIN_RESOURCES, 1) is None  # one task: serial
    runner = open_runner(8, None, 10, 3)  # never more workers than partitions
    assert isinstance(runner, ProcessRunner) and runner.workers == 3
    runner.close()


@pytest.mark.parametrize("url", ["tcp://h:1", "dask://", "h:8786"])
def test_an_executor_must_be_a_dask_url(url: str) -> None:
    with pytest.raises(ConfigError, match="expected dask://HOST:PORT"):
        open_runner(None, url, 10, 5)


def test_an_executor_without_dask_installed_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)  # import fails
    monkeypatch.setenv("PSCAN_EXECUTOR", "dask://127.0.0.1:1")
    out = tmp_path / "f.json"
    result = CliRunner().invoke(cli, ["scan", str(DEMO), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr == (
        "pscan: error: --executor dask://127.0.0.1:1: dask is not installed"
        " (pip install 'platform-scanner[dask]')\n"
    )
    assert not out.exists()


def test_parallel_module_keeps_one_rule_set_per_process(write_pack: WritePack) -> None:
    pack = write_pack({"aws_s3_bucket_versioned": RULE})
    source = load_rules([pack], include_builtin=False).source
    assert source is not None
    first = parallel_module._ruleset(source)
    assert parallel_module._ruleset(source) is first


@pytest.mark.parametrize("relations", [None, {"in_vpc", "attached_to"}])
def test_a_graph_built_from_slim_resources_is_the_same_graph(
    estate: Path, relations: set[str] | None
) -> None:
    """What workers send for the graph (ResourceGraph.slim) builds the very same graph."""
    resources = [*open_snapshot(DEMO).iter_resources(), *open_snapshot(estate).iter_resources()]
    keep = {"aws.ec2.security_group", "aws.s3.bucket"}
    whole = ResourceGraph.build(resources, keep_attributes_for=keep, keep_relations=relations)
    slim = ResourceGraph(keep_attributes_for=keep, keep_relations=relations)
    for resource in resources:
        slim.add_resource(whole.slim(resource))
    assert list(slim.g.nodes(data=True)) == list(whole.g.nodes(data=True))
    assert list(slim.g.edges(keys=True, data=True)) == list(whole.g.edges(keys=True, data=True))
    types = {r["type"] for r in resources}
    assert [*slim.nodes_of_type(types)] == [*whole.nodes_of_type(types)]


def test_a_tasks_result_carries_the_graphs_part_and_its_python(estate: Path) -> None:
    """The graph's part of a result goes as marshal data; the parent takes it back as it
    was, and refuses a result written by another Python (marshal's format is its own)."""
    ruleset = load_rules()
    assert ruleset.source is not None
    snap = open_snapshot(estate)
    file = (str(snap.files[0].absolute()), snap.manifest.partitions[0].resources, 0)
    result = parallel_module.evaluate_partition(ruleset.source, file, REFERENCE_DATE)
    (part,) = parallel_module.merged([result], [])
    graph = _Evaluator(ruleset, REFERENCE_DATE).new_graph()
    assert graph is not None
    slims = [graph.slim(r) for r in iter_partition(snap.files[0])]
    assert part.graph_resources == slims and len(slims) == file[1]
    loaded = pickle.loads(result)
    other = pickle.dumps((*loaded[:3], (2, 7)))
    with pytest.raises(WorkerError, match=r"runs Python 2\.7 and this process 3\.\d+"):
        list(parallel_module.merged([other], []))


def test_a_bad_line_read_by_a_worker_is_the_same_one_line_error(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    shutil.copytree(DEMO, snap)
    part = sorted(snap.glob("resources-*.jsonl.gz"))[2]
    lines = gzip.decompress(part.read_bytes()).splitlines()
    lines[3] = b"{not json"
    part.write_bytes(gzip.compress(b"\n".join(lines) + b"\n"))
    errors = []
    for workers in ("1", "2"):
        out = tmp_path / f"findings-{workers}.json"
        args = ["scan", str(snap), "--workers", workers, "--fail-on", "none", "-o", str(out)]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2
        assert not out.exists()
        errors.append(result.stderr)
    assert errors[0] == errors[1]
    assert errors[0].startswith(f"pscan: error: {part}:4: not valid JSON (")
    assert errors[0].count("\n") == 1


@pytest.mark.parametrize(("files", "ahead"), [(10, 3), (2, 6), (0, 3), (7, 1)])
def test_tasks_are_submitted_a_few_ahead_of_the_result_taken(files: int, ahead: int) -> None:
    """Results that the parent has not reached never pile up: besides the task whose
    result is taken, at most `ahead` are submitted; every file is submitted once, in order."""
    parts = [(f"part-{n}", 1, 0) for n in range(files)]
    submitted: list[str] = []

    def submit(part: tuple[str, int, int]) -> str:
        submitted.append(part[0])
        return part[0]

    taken: list[str] = []
    for future in processes.in_order(submit, parts, ahead):
        taken.append(future)
        assert len(submitted) - len(taken) <= ahead
    assert taken == submitted == [p[0] for p in parts]


@pytest.mark.parametrize(
    ("files", "limit"),
    [
        ({"cpu.max": "200000 100000\n"}, 2),  # cgroup v2: 2 CPUs
        ({"cpu.max": "150000 100000\n"}, 2),  # 1.5 CPUs: rounded up
        ({"cpu.max": "50000 100000\n"}, 1),
        ({"cpu.max": "max 100000\n"}, None),  # no limit
        ({"cpu/cpu.cfs_quota_us": "300000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 3),  # v1
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
        ({"cpu.max": "garbage"}, None),
        ({}, None),
    ],
)
def test_a_container_cpu_limit_caps_the_default_workers(
    tmp_path: Path, files: dict[str, str], limit: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pod limited to a few CPUs on a large node sees every core of the node in its
    affinity: the default number of workers follows the limit."""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: set(range(64)))
    assert processes.cgroup_cpu_limit(tmp_path) == limit
    assert processes.cpu_count(tmp_path) == (limit or 64)


def test_workers_see_the_environment_of_the_scan_that_started_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the first pool starts the fork server, with the environment of that moment
    monkeypatch.setenv("PSCAN_TEST_GONE_LATER", "1")
    with processes.Workers(1, "died") as first:
        assert list(first.map(_environment, ["PSCAN_TEST_GONE_LATER"])) == ["1"]
    monkeypatch.setenv("PSCAN_TEST_SET_LATER", "endpoint")
    monkeypatch.delenv("PSCAN_TEST_GONE_LATER")
    with processes.Workers(1, "died") as later:
        names = ["PSCAN_TEST_SET_LATER", "PSCAN_TEST_GONE_LATER"]
        assert list(later.map(_environment, names)) == ["endpoint", None]


def _environment(name: str) -> str | None:
    return os.environ.get(name)


def test_workers_run_without_automatic_full_collections() -> None:
    """A worker lives for one command; its tasks' results are many new objects, and a
    full collection set off while pickling one walks them all (scanner.heap)."""
    with processes.Workers(1, "died") as workers:
        assert list(workers.map(_thresholds, [None])) == [(gc.get_threshold()[0], 10**9)]


def _thresholds(_: object) -> tuple[int, int]:
    young, _middle, old = gc.get_threshold()
    return young, min(old, 10**9)
