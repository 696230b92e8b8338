"""Snapshots: atomic writes, streaming reads, schema checks, merges."""

from __future__ import annotations

import dataclasses
import enum
import gzip
import json
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

from scanner import snapshot
from scanner.errors import SnapshotError
from scanner.model import CollectionError, Relation, Resource, SpendRecord
from scanner.snapshot import (
    SnapshotWriter,
    iter_partition,
    merge_snapshots,
    open_snapshot,
    write_snapshot,
)


def _res(i: int, account: str = "111111111111", region: str = "eu-west-1") -> Resource:
    return Resource(
        id=f"arn:aws:s3:::bucket-{i}",
        type="aws.s3.bucket",
        provider="aws",
        account=account,
        region=region,
        name=f"bucket-{i}",
        attributes={"versioning": None},
    )


def test_round_trip_with_partitions_and_errors(tmp_path: Path) -> None:
    resources = [_res(1), _res(2, region="us-east-1"), _res(3, account="222222222222")]
    error = CollectionError(
        provider="aws", service="s3", region="us-east-1", code="AccessDenied", message="denied"
    )
    manifest = write_snapshot(
        tmp_path / "snap", resources, source="test", scopes=["aws"], errors=[error]
    )
    assert manifest.resource_count == 3
    assert len(manifest.partitions) == 3
    snap = open_snapshot(tmp_path / "snap")
    assert [r["id"] for r in snap.iter_resources()] == sorted(r.id for r in resources)
    assert snap.manifest.errors == [error]
    assert all(p.sha256 for p in snap.manifest.partitions)
    # nothing temporary left beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap"]


def test_interrupted_write_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), SnapshotWriter(tmp_path / "snap", source="t") as w:
        w.add(_res(1))
        raise RuntimeError("collector crashed")
    assert list(tmp_path.iterdir()) == []


def test_rewrite_replaces_old_snapshot(tmp_path: Path) -> None:
    write_snapshot(tmp_path / "s", [_res(1), _res(2)], source="t")
    write_snapshot(tmp_path / "s", [_res(3)], source="t")
    assert [r["id"] for r in open_snapshot(tmp_path / "s").iter_resources()] == [
        "arn:aws:s3:::bucket-3"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]


def test_refuses_to_overwrite_a_non_snapshot_folder(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "notes.txt").write_text("mine")
    with pytest.raises(SnapshotError, match="not a snapshot"):
        write_snapshot(tmp_path / "s", [_res(1)], source="t")
    assert (tmp_path / "s" / "notes.txt").read_text() == "mine"


def test_unknown_schema_version(tmp_path: Path) -> None:
    write_snapshot(tmp_path / "s", [_res(1)], source="t")
    manifest = tmp_path / "s" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["schema_version"] = "999"
    manifest.write_text(json.dumps(data))
    with pytest.raises(SnapshotError, match="unsupported snapshot schema_version '999'"):
        open_snapshot(tmp_path / "s")


def _first_part(snapshot: Path) -> Path:
    part = open_snapshot(snapshot).files[0]
    assert isinstance(part, Path)
    return part


def test_broken_line_names_file_and_line(tmp_path: Path) -> None:
    write_snapshot(tmp_path / "s", [_res(1), _res(2)], source="t")
    part = _first_part(tmp_path / "s")
    with gzip.open(part, "ab") as fh:
        fh.write(b"{not json\n")
    with pytest.raises(SnapshotError, match=rf"{part.name}:3: not valid JSON"):
        list(open_snapshot(tmp_path / "s").iter_resources())


def test_line_without_id(tmp_path: Path) -> None:
    write_snapshot(tmp_path / "s", [{"type": "aws.s3.bucket", "id": "x"}], source="t")
    part = _first_part(tmp_path / "s")
    with gzip.open(part, "wb") as fh:
        fh.write(b'{"type": "aws.s3.bucket"}\n')
    with pytest.raises(SnapshotError, match=":1: a resource needs non-empty string fields"):
        list(open_snapshot(tmp_path / "s").iter_resources())


_GOOD = {"id": "r1", "type": "aws.s3.bucket", "provider": "aws", "tags": {}, "relations": []}


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"id": ""}, "non-empty string fields 'id' and 'type'"),
        ({"provider": "azure"}, "resource r1: provider: expected 'aws' or 'gcp'"),
        ({"region": ["eu"]}, "resource r1: region: expected a string, got list"),
        ({"tags": ["a"]}, "resource r1: tags: expected an object of string values"),
        ({"tags": {"a": 1}}, "resource r1: tags: expected an object of string values"),
        ({"attributes": []}, "resource r1: attributes: expected an object, got list"),
        ({"relations": {}}, "resource r1: relations: expected a list, got dict"),
        ({"relations": [{"type": "in_vpc"}]}, "resource r1: relations[0]: expected"),
        ({"relations": [{"type": "x", "target": "y", "properties": []}]}, "relations[0]"),
        ({"relations": ["in_vpc"]}, "resource r1: relations[0]: expected"),
    ],
)
def test_a_resource_of_the_wrong_shape_names_line_and_field(
    tmp_path: Path, change: dict[str, object], fragment: str
) -> None:
    write_snapshot(tmp_path / "s", [_res(1)], source="t")
    part = _first_part(tmp_path / "s")
    with gzip.open(part, "wb") as fh:
        fh.write(json.dumps(_GOOD).encode() + b"\n" + json.dumps({**_GOOD, **change}).encode())
    with pytest.raises(SnapshotError, match=":2: ") as info:
        list(open_snapshot(tmp_path / "s").iter_resources())
    assert fragment in str(info.value)


@pytest.mark.parametrize("name", ["../../etc/hostname", "/etc/hostname", "..", "sub/part.gz"])
def test_partition_paths_stay_inside_the_snapshot(tmp_path: Path, name: str) -> None:
    write_snapshot(tmp_path / "s", [_res(1)], source="t")
    manifest = tmp_path / "s" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["partitions"][0]["file"] = name
    manifest.write_text(json.dumps(data))
    with pytest.raises(SnapshotError, match="is not a file name in the snapshot"):
        open_snapshot(tmp_path / "s")


def test_missing_things(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="no such snapshot directory"):
        open_snapshot(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SnapshotError, match=r"manifest\.json: missing"):
        open_snapshot(tmp_path / "empty")
    write_snapshot(tmp_path / "s", [_res(1)], source="t")
    for part in (tmp_path / "s").glob("resources-*"):
        part.unlink()
    with pytest.raises(SnapshotError, match=r"partition listed in manifest\.json is missing"):
        open_snapshot(tmp_path / "s")


def test_merge_keeps_last_copy_of_each_id(tmp_path: Path) -> None:
    a, b = _res(1), _res(2)
    b2 = b.model_copy(update={"name": "newer"})
    write_snapshot(
        tmp_path / "a",
        [a, b],
        source="aws",
        scopes=["111111111111"],
        errors=[CollectionError(provider="aws", service="ec2", message="x")],
    )
    write_snapshot(tmp_path / "b", [b2], source="aws", scopes=["222222222222"])
    manifest = merge_snapshots([tmp_path / "a", tmp_path / "b"], tmp_path / "m")
    merged = {r["id"]: r for r in open_snapshot(tmp_path / "m").iter_resources()}
    assert manifest.resource_count == 2
    assert manifest.source == "aws"
    assert manifest.created_at == max(
        open_snapshot(tmp_path / p).manifest.created_at for p in ("a", "b")
    )
    assert merged[b.id]["name"] == "newer"
    assert manifest.scopes == ["111111111111", "222222222222"]
    assert len(manifest.errors) == 1


def test_same_content_same_bytes(tmp_path: Path) -> None:
    write_snapshot(tmp_path / "a", [_res(1)], source="t")
    write_snapshot(tmp_path / "b", [_res(1)], source="t")
    pa = next((tmp_path / "a").glob("resources-*"))
    pb = next((tmp_path / "b").glob("resources-*"))
    assert pa.read_bytes() == pb.read_bytes()


def test_partition_keys_never_collide(tmp_path: Path) -> None:
    keys = {"aws-1-eu/west": "a", "aws-1-eu_west": "b"}
    write_snapshot(
        tmp_path / "s",
        [{"id": i, "type": "aws.s3.bucket", "k": k} for k, i in keys.items()],
        source="t",
        partition_of=lambda r: str(r["k"]),
    )
    snap = open_snapshot(tmp_path / "s")
    assert len(snap.files) == 2
    assert sorted(r["id"] for r in snap.iter_resources()) == ["a", "b"]


def test_many_partitions_written_interleaved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # lines gathered past the budget are written out several times; each partition is
    # still compressed as one gzip member
    monkeypatch.setattr(snapshot, "_BUFFER_BYTES", 4000)
    rows = [{"id": f"r{i}", "type": "aws.s3.bucket", "k": f"p{i % 150}"} for i in range(600)]
    manifest = write_snapshot(tmp_path / "s", rows, source="t", partition_of=lambda r: str(r["k"]))
    assert len(manifest.partitions) == 150
    snap = open_snapshot(tmp_path / "s")
    snap.verify()
    for info, part in zip(snap.manifest.partitions, snap.files, strict=True):
        ids = [r["id"] for r in iter_partition(part)]
        assert ids == [r["id"] for r in rows if _partition_file(r["k"]) == info.file]
        assert info.resources == len(ids) == 4
    assert (tmp_path / "s").stat().st_mode & 0o055  # not private to the writer
    for info in manifest.partitions:
        member = zlib.decompressobj(wbits=31)
        assert member.decompress((tmp_path / "s" / info.file).read_bytes()).count(b"\n") == 4
        assert member.eof and not member.unused_data  # one member: nothing after it
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted(
        [*(p.file for p in manifest.partitions), "manifest.json"]
    )


def test_partitions_are_compressed_in_batches_through_the_writers_map(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`close()` hands the compression to `writer.map` (worker processes in a collector),
    batch by batch in partition order; the snapshot is the one `map` itself writes."""
    monkeypatch.setattr(snapshot, "_BATCH_BYTES", 3000)
    rows = [{"id": f"r{i}", "type": "aws.s3.bucket", "k": f"p{i % 40}"} for i in range(800)]
    batches: list[list[tuple[str, bytes]]] = []
    Batch = list[tuple[str, bytes]]

    def spy(fn: Callable[[Batch], list[str]], items: Iterable[Batch]) -> Iterator[list[str]]:
        for batch in items:
            batches.append(batch)
            yield fn(batch)

    for name, how in (("plain", map), ("spied", spy)):
        with SnapshotWriter(tmp_path / name, source="t", partition_of=lambda r: r["k"]) as writer:
            writer.map = how
            for row in rows:
                writer.add(row)
    assert 5 < len(batches) < 40
    files = [p.file for p in open_snapshot(tmp_path / "spied").manifest.partitions]
    assert sorted(f for batch in batches for f, _ in batch) == files  # each file once
    open_snapshot(tmp_path / "spied").verify()
    for name in ("manifest.json", *files):
        assert (tmp_path / "spied" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes()


def _partition_file(key: str) -> str:
    return snapshot._partition_name(key)


def test_lines_are_held_only_up_to_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "_BUFFER_BYTES", 10_000)
    peak = 0
    with SnapshotWriter(tmp_path / "s", source="t") as writer:
        for i in range(2000):
            writer.add(_res(i))
            peak = max(
                peak, sum(len(line) + 1 for lines in writer._lines.values() for line in lines)
            )
    assert 0 < peak <= 10_000 + 200
    assert sum(1 for _ in open_snapshot(tmp_path / "s").iter_resources()) == 2000


def test_verify_catches_changed_or_truncated_partitions(tmp_path: Path) -> None:
    write_snapshot(tmp_path / "s", [_res(1), _res(2)], source="t")
    open_snapshot(tmp_path / "s").verify()  # intact
    part = _first_part(tmp_path / "s")
    original = part.read_bytes()
    with gzip.open(part, "ab") as fh:
        fh.write(b'{"id": "x", "type": "aws.s3.bucket"}\n')
    with pytest.raises(SnapshotError, match="differs from the sha256"):
        open_snapshot(tmp_path / "s").verify()
    # same content, wrong count in the manifest
    part.write_bytes(original)
    manifest = tmp_path / "s" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["partitions"][0]["resources"] = 5
    data["partitions"][0]["sha256"] = ""
    manifest.write_text(json.dumps(data))
    with pytest.raises(SnapshotError, match=r"2 resources, manifest\.json says 5"):
        open_snapshot(tmp_path / "s").verify()


@pytest.mark.parametrize(
    ("usage", "fragment"),
    [
        ("busy", "attributes.usage: expected an object of metric summaries, got str"),
        ({"cpu_percent": 90}, "attributes.usage.cpu_percent: expected {average, p95, max, days}"),
        (
            {"cpu_percent": {"average": 1, "p95": "high", "max": 3, "days": 2}},
            "attributes.usage.cpu_percent.p95: expected a number or null, got 'high'",
        ),
        (
            {"cpu_percent": {"average": 1, "p95": 2, "max": True, "days": 2}},
            "attributes.usage.cpu_percent.max: expected a number or null",
        ),
        (
            {"cpu_percent": {"average": 1, "p95": 2, "max": 3, "days": 1.5}},
            "attributes.usage.cpu_percent.days: expected a whole number of days >= 0",
        ),
        (
            {"cpu_percent": {"average": 1, "p95": 2, "max": 3, "days": 2, "p99": 4}},
            "attributes.usage.cpu_percent: unknown field(s) p99",
        ),
    ],
)
def test_a_malformed_usage_summary_names_the_field(
    tmp_path: Path, usage: object, fragment: str
) -> None:
    good = {"cpu_percent": {"average": 10.0, "p95": None, "max": 30, "days": 0}}
    with SnapshotWriter(tmp_path / "snap", source="t") as writer:
        writer.add({"id": "i-good", "type": "aws.ec2.instance", "attributes": {"usage": good}})
        writer.add({"id": "i-null", "type": "aws.ec2.instance", "attributes": {"usage": None}})
        writer.add({"id": "i-bad", "type": "aws.ec2.instance", "attributes": {"usage": usage}})
    snap = open_snapshot(tmp_path / "snap")
    with pytest.raises(SnapshotError) as info:
        list(snap.iter_resources())
    message = str(info.value)
    assert fragment in message
    assert ":3: resource i-bad:" in message


def _spend(month: str, amount: str, **dims: str) -> SpendRecord:
    return SpendRecord(
        provider="aws",
        source="aws-cost-explorer",
        month=month,
        grouped_by=sorted(dims),
        metric="unblended",
        amount=Decimal(amount),
        currency="USD",
        **dims,
    )


def test_spend_round_trips_exactly_and_merges(tmp_path: Path) -> None:
    records = [_spend("2026-10", "1234.56", service="EC2"), _spend("2026-10", "0.01", service="S3")]
    write_snapshot(tmp_path / "a", [], source="t", spend=records)
    write_snapshot(tmp_path / "b", [{"id": "x", "type": "aws.s3.bucket"}], source="t")
    snap = open_snapshot(tmp_path / "a")
    snap.verify()
    assert snap.manifest.spend is not None and snap.manifest.spend.records == 2
    assert list(snap.iter_spend()) == records
    assert sum(r.amount for r in snap.iter_spend()) == Decimal("1234.57")
    assert list(open_snapshot(tmp_path / "b").iter_spend()) == []  # a snapshot without spend
    merge_snapshots([tmp_path / "a", tmp_path / "b"], tmp_path / "m")
    assert list(open_snapshot(tmp_path / "m").iter_spend()) == records


def test_a_bad_spend_line_names_the_line_and_field(tmp_path: Path) -> None:
    write_snapshot(tmp_path / "s", [], source="t", spend=[_spend("2026-10", "1", service="EC2")])
    path = tmp_path / "s" / "spend.jsonl.gz"
    good = gzip.decompress(path.read_bytes())
    bad = good.replace(b'"amount":"1"', b'"amount":"lots"')
    path.write_bytes(gzip.compress(good + bad))
    with pytest.raises(SnapshotError, match=r"spend.jsonl.gz:2: not a spend record: field amount"):
        list(open_snapshot(tmp_path / "s").iter_spend())


def test_spend_asked_for_but_not_read_still_says_what_it_cost(tmp_path: Path) -> None:
    with SnapshotWriter(tmp_path / "s", source="t") as writer:
        writer.spend_info().api_calls = 2  # both billed calls were refused
    snap = open_snapshot(tmp_path / "s")
    assert snap.manifest.spend is not None
    assert (snap.manifest.spend.records, snap.manifest.spend.api_calls) == (0, 2)
    assert list(snap.iter_spend()) == []
    snap.verify()


def test_a_partition_emptied_after_writing_is_an_error_not_a_smaller_estate(
    tmp_path: Path,
) -> None:
    write_snapshot(tmp_path / "s", [_res(1), _res(2), _res(3)], source="t")
    part = _first_part(tmp_path / "s")
    with gzip.open(part, "wb") as fh:
        fh.write(b"")
    with pytest.raises(SnapshotError, match=r"0 resources where manifest.json says 3"):
        list(open_snapshot(tmp_path / "s").iter_resources())


def _one_partition(tmp_path: Path, body: bytes) -> Path:
    write_snapshot(tmp_path / "s", [_res(1)], source="t")
    part = _first_part(tmp_path / "s")
    with gzip.open(part, "wb") as fh:
        fh.write(body)
    return part


def test_a_line_past_the_length_limit_is_refused_without_reading_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "MAX_LINE_BYTES", 1000)
    line = json.dumps({"id": "a", "type": "aws.s3.bucket", "name": "x" * 5000}).encode()
    _one_partition(tmp_path, line + b"\n")
    with pytest.raises(SnapshotError, match=r":1: a line longer than 1,000 bytes"):
        list(open_snapshot(tmp_path / "s").iter_resources())


def test_blank_lines_past_the_limit_are_refused(tmp_path: Path) -> None:
    _one_partition(tmp_path, b"\n" * 5_000_000)  # 5 MB of newlines compress to a few KB
    with pytest.raises(SnapshotError, match=r":1001: more than 1,000 blank lines"):
        list(open_snapshot(tmp_path / "s").iter_resources())


def test_nesting_past_the_depth_limit_is_refused(tmp_path: Path) -> None:
    deep: object = "leaf"
    for _ in range(200):
        deep = {"k": deep}
    line = json.dumps({"id": "a", "type": "aws.s3.bucket", "attributes": deep}).encode()
    _one_partition(tmp_path, line + b"\n")
    with pytest.raises(SnapshotError, match=r":1: nested deeper than 64 levels"):
        list(open_snapshot(tmp_path / "s").iter_resources())


class _Label(str):
    """A str subclass: pydantic's JSON mode and orjson could write it differently."""


class _Colour(enum.Enum):
    RED = "red"


@dataclasses.dataclass
class _Point:
    x: int


SORT = orjson.OPT_SORT_KEYS

_VALUES: list[Any] = [
    None,
    True,
    0,
    -(2**63),
    2**64 - 1,
    1.5,
    1e300,
    float("nan"),
    float("inf"),
    "é\u2028\x00",
    [1, None, {"a": (2, 3)}],
    (1, "x"),
    {"nested": {"deeper": [None, {"k": None}]}},
    datetime(2026, 12, 6, 8, 0, tzinfo=UTC),
    datetime(2026, 12, 6, 8, 0),
    date(2026, 12, 6),
    {1: "int key"},
    {"a", "b"} - {"b"},
    b"bytes",
    Decimal("1.10"),
    _Label("sub"),
    _Colour.RED,
    _Point(1),
    uuid.UUID(int=7),
]


@pytest.mark.parametrize("value", _VALUES, ids=[type(v).__name__ for v in _VALUES])
def test_a_resource_line_is_what_model_dump_writes(value: Any) -> None:
    resource = Resource(
        id="r",
        type="aws.s3.bucket",
        provider="aws",
        tags={"team": "a"},
        attributes={"v": value, "list": [value], "none": None},
        relations=[
            Relation(type="t", target="x", properties={"p": value}),
            Relation(type="u", target="y"),
        ],
        raw=None,
    )
    expected = orjson.dumps(resource.model_dump(mode="json", exclude_none=True), option=SORT)
    data, line = snapshot._resource_line(resource)
    assert line == expected
    assert data["id"] == "r"


def test_a_plain_resource_line_does_not_go_through_model_dump(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    resource = Resource(id="r", type="t", provider="gcp", attributes={"a": [1, (2,)], "b": None})
    expected = orjson.dumps(resource.model_dump(mode="json", exclude_none=True), option=SORT)

    def refused(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError

    monkeypatch.setattr(Resource, "model_dump", refused)
    assert snapshot._resource_line(resource)[1] == expected
    resource.relations.append({"type": "t", "target": "x"})  # type: ignore[arg-type]
    with pytest.raises(AssertionError):  # not a Relation: model_dump decides
        snapshot._resource_line(resource)
