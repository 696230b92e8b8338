"""The fast export reader gives exactly what the client library gives, line by line and snapshot.

The reference is the client library's own reading (`asset_from_library`: protobuf's JSON
parser, then `Asset.to_dict`), which the collector used for every line before. Results are
compared as JSON (`_same`), since Python's `==` takes 1 and 1.0 for the same value while a
snapshot writes them differently.
"""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson
import pytest
from google.protobuf.json_format import ParseError

from scanner.collectors.gcp import CONTEXT_TYPES, NORMALISERS
from scanner.collectors.gcp import export as export_module
from scanner.collectors.gcp.asset_json import (
    _has_repeated_key,
    asset_from_json,
    asset_from_library,
    fast_asset,
)
from scanner.collectors.gcp.collect import GcpCollector
from scanner.collectors.gcp.common import Asset
from scanner.collectors.gcp.export import ExportSource
from scanner.collectors.secrets import scan_text
from tests.collectors.gcp.capacity_estate import export_lines
from tests.collectors.gcp.conftest import EXPORT_FILES, FIXTURES
from tests.collectors.gcp.fake_cai import to_rest


def _load_generator() -> ModuleType:
    path = FIXTURES / "generate_export.py"
    spec = importlib.util.spec_from_file_location("gcp_generate_export", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


GENERATOR = _load_generator()


def _same(a: object, b: object) -> bool:
    """Equal as JSON with sorted keys: the form a snapshot writes (1 and 1.0 differ)."""
    return orjson.dumps(a, option=orjson.OPT_SORT_KEYS) == orjson.dumps(
        b, option=orjson.OPT_SORT_KEYS
    )


def _fixture_lines() -> list[bytes]:
    """Every export line the tests hold, in each spelling the reader accepts."""
    lines = [line for path in EXPORT_FILES for line in path.read_bytes().splitlines() if line]
    lines += [json.dumps(line).encode() for line in export_lines()]
    parsed = [orjson.loads(line) for line in lines]
    for int_enums in (False, True):
        lines += [json.dumps(to_rest(d, int_enums=int_enums)).encode() for d in parsed]
    return lines + list(GENERATOR.export_lines(400))  # three copies of the estate, renamed


FIXTURE_LINES = _fixture_lines()


def test_the_fast_path_reads_every_fixture_line_as_the_library_does() -> None:
    assert len(FIXTURE_LINES) > 800
    for line in FIXTURE_LINES:
        fast = fast_asset(orjson.loads(line), line)
        assert fast is not None, line[:200]
        assert _same(fast, asset_from_library(line)), line[:200]


def _envelope(**fields: Any) -> bytes:
    return json.dumps(
        {"name": "//storage.googleapis.com/b", "asset_type": "t/T", **fields}
    ).encode()


# Lines the fast path reads itself: each must equal the library's reading.
FAST = [
    _envelope(resource={"data": {"i": 1, "f": 2.5, "l": [1, {"n": None, "b": True}], "s": "x"}}),
    _envelope(resource={"data": {"big": 123456789012345678901234, "neg": -0.0, "e": 1e300}}),
    _envelope(resource={}),
    _envelope(resource={"version": "", "data": {}, "location": "EU", "unknown": [1]}),
    _envelope(update_time="2026-11-20T08:00:00.000000Z"),
    _envelope(update_time="2026-11-20T08:00:00.1Z"),
    _envelope(update_time="2026-11-20T08:00:00.120000Z"),
    _envelope(update_time="2026-11-20T08:00:00.123456700Z"),
    _envelope(ancestors=[]),
    _envelope(
        iam_policy={
            "version": 0,
            "bindings": [
                {
                    "role": "r",
                    "members": ["user:a"],
                    "condition": {"title": "t", "expression": "e"},
                },
                {"role": "", "members": [], "condition": {}},
            ],
            "audit_configs": [
                {
                    "service": "allServices",
                    "audit_log_configs": [
                        {"log_type": 3},
                        {"log_type": "LOG_TYPE_UNSPECIFIED", "exempted_members": ["user:x"]},
                        {"logType": "ADMIN_READ", "exemptedMembers": []},
                    ],
                }
            ],
            "etag": "BwYk2Zq1R7E=",
        }
    ),
    _envelope(iamPolicy={}),
    _envelope(
        org_policy=[
            {"constraint": "c", "list_policy": {"all_values": 2, "allowed_values": ["a"]}},
            {"boolean_policy": {"enforced": False}, "update_time": "2026-01-01T00:00:00Z"},
            {"restoreDefault": {}, "version": 2, "etag": ""},
            {"listPolicy": {"allValues": "ALLOW", "inheritFromParent": True}},
            {},
        ]
    ),
    _envelope(ancestry_path="organizations/1/project/x", resource={"data": {}}),
    # a quote and colon inside a value count the same in the line and its re-encoding
    _envelope(resource={"data": {"doc": '{"Version": "2012-10-17"}', "k": 'a\\":'}}),
    # whitespace around separators, and a quote written as an escape
    b'{"name" : "//x/b" ,\t"asset_type":\n"t/T", "resource": {"data": {"k" : 1}}}',
    b'{"name": "//x/b", "asset_type": "t/T", "resource": {"data": {"k\\u0022": "\\u0022"}}}',
    b'{"name": "//x/b", "asset_type": "t/T", "resource": {"data": {"k\\u003a": "\\u00e9"}}}',
]

# Lines the fast path leaves to the library, which reads or refuses them as before.
SLOW = [
    _envelope(resource=None),
    _envelope(resource={"data": None}),
    _envelope(resource={"data": [1]}),
    _envelope(resource=7),
    _envelope(ancestors="projects/1"),
    _envelope(ancestors=["projects/1", 2]),
    _envelope(update_time="2026-11-20T08:00:00+02:00"),
    _envelope(update_time="2026-02-30T08:00:00Z"),
    _envelope(update_time="2026-11-20t08:00:00z"),
    _envelope(update_time=5),
    _envelope(iam_policy={"version": "3"}),
    _envelope(iam_policy={"version": 3.0}),
    _envelope(iam_policy={"version": 2**31}),
    _envelope(iam_policy={"etag": "-_8="}),
    _envelope(iam_policy={"etag": "BwYk2Zq1R7E"}),
    _envelope(iam_policy={"etag": "BwYk2Zq1R7F="}),
    _envelope(iam_policy={"etag": "not base64!"}),
    _envelope(iam_policy={"bindings": [{"role": "r", "members": None}]}),
    _envelope(iam_policy={"audit_configs": [{"audit_log_configs": [{"log_type": 9}]}]}),
    _envelope(iam_policy={"audit_configs": [{"audit_log_configs": [{"log_type": "ALL"}]}]}),
    _envelope(org_policy=[{"boolean_policy": {"enforced": True}, "restore_default": {}}]),
    _envelope(org_policy=[{"list_policy": {}, "listPolicy": {}}]),
    _envelope(org_policy={"constraint": "c"}),
    _envelope(assetType="t/U"),
    _envelope(access_policy={"name": "accessPolicies/1"}),
    _envelope(resource={"data": {"deep": json.loads("[" * 60 + "]" * 60)}}),
    b'{"name": "//x/b", "asset_type": "t/T", "name": "//x/c"}',
    b'{"name": "//x/b", "asset_type": "t/T", "resource": {"data": {"k": 1, "k": 2}}}',
    # a repeated key hidden behind whitespace, or next to a quote written as an escape
    b'{"name": "//x/b", "asset_type": "t/T", "resource": {"data": {"k" : 1, "k"\t: 2}}}',
    b'{"name": "//x/b", "asset_type": "t/T", "resource": {"data": {"k": 1, "k": 2, "\\u0022": 3}}}',
    b'{"name": "//x/b", "asset_type": "t/T", "resource": {"data": {"\\u006b": 1, "k": 2}}}',
    # an escaped backslash before `u0022` counts as a quote: the library reads the line
    b'{"name": "//x/b", "asset_type": "t/T", "resource": {"data": {"k": "\\\\u0022"}}}',
]


def _library(line: bytes) -> Asset | str:
    try:
        return asset_from_library(line)
    except (ParseError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"


def _ours(line: bytes) -> Asset | str:
    try:
        return asset_from_json(orjson.loads(line), line)
    except (ParseError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize("line", FAST, ids=range(len(FAST)))
def test_edge_cases_the_fast_path_reads(line: bytes) -> None:
    fast = fast_asset(orjson.loads(line), line)
    assert fast is not None
    assert _same(fast, _library(line))


@pytest.mark.parametrize("line", SLOW, ids=range(len(SLOW)))
def test_edge_cases_go_to_the_library(line: bytes) -> None:
    assert fast_asset(orjson.loads(line), line) is None
    assert _same(_ours(line), _library(line))


_KEYS = ["k", "l", "\\u006b", "\\u0022", "a\\u0022:", "x\\\\u0022", '\\"', "é"]
_BLANKS = ["", " ", "\t", "\n ", "\r\n"]


def _random_json(rng: random.Random, depth: int = 0) -> str:
    """A JSON object's text with random spacing and escapes, where keys may repeat."""
    members = [
        f'{_blank(rng)}"{rng.choice(_KEYS)}"{_blank(rng)}:{_blank(rng)}{_value(rng, depth + 1)}'
        for _ in range(rng.randint(0, 4))
    ]
    return "{" + ",".join(members) + _blank(rng) + "}"


def _value(rng: random.Random, depth: int) -> str:
    roll = rng.random()
    if depth > 3 or roll < 0.4:
        return rng.choice(["1", '"v"', '"\\u0022:"', "null", "[]", '"\\\\"', "2.5"])
    if roll < 0.55:
        items = [_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
        return "[" + ",".join(f"{_blank(rng)}{i}{_blank(rng)}" for i in items) + "]"
    return _random_json(rng, depth)


def _blank(rng: random.Random) -> str:
    return rng.choice(_BLANKS)


def _repeats_a_key(text: str) -> bool:
    found = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal found
        found = found or len({k for k, _ in items}) < len(items)
        return dict(items)

    json.loads(text, object_pairs_hook=pairs)
    return found


def test_a_repeated_key_is_always_found_whatever_the_spacing_and_escapes() -> None:
    rng = random.Random(14)
    repeated = 0
    for _ in range(5000):
        text = _random_json(rng)
        raw = text.encode()
        found = _has_repeated_key(orjson.loads(raw), raw)
        if _repeats_a_key(text):
            repeated += 1
            assert found, text
        elif "\\\\u0022" not in text:  # the one spelling counted as a quote by mistake
            assert not found, text
    assert repeated > 500


def test_numbers_in_resource_data_are_floats_as_from_the_library() -> None:
    asset = fast_asset(orjson.loads(FAST[0]), FAST[0])
    assert asset is not None
    assert asset.data == {"i": 1.0, "f": 2.5, "l": [1.0, {"n": None, "b": True}], "s": "x"}
    assert type(asset.data["i"]) is float


def _snapshot(paths: list[Path], *, library: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as patch:
        if library:
            patch.setattr(
                export_module, "asset_from_json", lambda _data, raw: asset_from_library(raw)
            )
        source = ExportSource(
            paths, context_types=CONTEXT_TYPES, resource_types=frozenset(NORMALISERS)
        )
        collector = GcpCollector(source, scan_secrets=scan_text)
        resources = [r.model_dump(mode="json") for r in collector.resources()]
        return resources, collector.errors, source.read_time, sorted(source.listed_types)


def test_every_fixture_export_collects_to_the_same_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generated = GENERATOR.write_export(tmp_path / "generated.ndjson", 1000)
    capacity = tmp_path / "capacity.ndjson"
    capacity.write_text("".join(json.dumps(x) + "\n" for x in export_lines()), encoding="utf-8")
    camel = tmp_path / "camel.ndjson"
    lines = [orjson.loads(line) for path in EXPORT_FILES for line in path.read_bytes().splitlines()]
    camel.write_text("".join(json.dumps(to_rest(x, int_enums=True)) + "\n" for x in lines))
    for paths in (EXPORT_FILES, [generated], [capacity], [camel]):
        new = _snapshot(list(paths), library=False, monkeypatch=monkeypatch)
        old = _snapshot(list(paths), library=True, monkeypatch=monkeypatch)
        assert new[0], paths
        assert _same(new, old), paths
