"""Actual GCP spend from the Cloud Billing export: BigQuery (through the fake) and files."""

from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from scanner.collectors.gcp import billing
from scanner.collectors.gcp.billing import BillingOptions, query_billing_table, read_billing_files
from scanner.errors import ConfigError
from scanner.model import SpendRecord
from scanner.snapshot import open_snapshot
from tests.collectors.gcp.billing_estate import (
    COST,
    CREDITS,
    CSV,
    CURRENCY,
    NDJSON,
    NET_BY_MONTH,
    NET_BY_PRODUCT,
    NET_BY_PROJECT,
    NOW,
    OUTSIDE_WINDOW,
    TABLE,
    collect_billing_estate,
    fake_bigquery,
)
from tests.collectors.gcp.conftest import EXPECTED, EXPORT_FILES, assert_user_error, run
from tests.collectors.gcp.fake_bigquery import FakeBigQuery, check_query


@pytest.fixture(scope="module")
def bq_server() -> Iterator[FakeBigQuery]:
    with fake_bigquery(max_page_size=3) as fake:
        yield fake


@pytest.fixture
def bq(bq_server: FakeBigQuery, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBigQuery]:
    """The fake, clean, with the CLI's clock at the story's NOW."""
    monkeypatch.setattr(billing, "_now", lambda: NOW)
    bq_server.reset()
    yield bq_server
    bq_server.reset()


def _net(records: list[SpendRecord], dimension: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for record in records:
        out[str(getattr(record, dimension))] += record.amount
    return dict(out)


def _total(records: list[SpendRecord], metric: str) -> Decimal:
    return sum((r.amount for r in records if r.metric == metric), Decimal(0))


def _spend(snapshot: Path) -> list[SpendRecord]:
    snap = open_snapshot(snapshot)
    snap.verify()
    return list(snap.iter_spend())


def test_bigquery_spend_adds_up_to_the_seeded_rows(tmp_path: Path, bq: FakeBigQuery) -> None:
    manifest = collect_billing_estate(tmp_path / "snap", bq)
    assert manifest.errors == []
    assert manifest.resource_count == 0
    records = _spend(tmp_path / "snap")
    assert {r.source for r in records} == {"gcp-billing-bigquery"}
    assert {r.currency for r in records} == {CURRENCY}
    assert all(r.grouped_by == ["account", "product", "region", "service"] for r in records)
    assert _total(records, "cost") == COST
    assert _total(records, "credits") == CREDITS
    assert _net(records, "product") == NET_BY_PRODUCT
    assert _net(records, "account") == NET_BY_PROJECT
    assert _net(records, "month") == NET_BY_MONTH  # 2025-10 is outside the window
    assert {r.month: r.partial for r in records} == {
        "2026-09": False,
        "2026-10": False,
        "2026-11": True,
    }
    # credits are their own records, beside the cost of the same group
    free_tier = [r for r in records if r.metric == "credits" and r.account == "data-lake"]
    assert [(r.month, r.region, r.product, r.amount) for r in free_tier] == [
        ("2026-09", "US", "analytics", Decimal("-6.25")),
        ("2026-10", "US", "analytics", Decimal("-6.25")),
        ("2026-11", "US", "analytics", Decimal("-44.44")),
    ]
    # one query, its job and its result pages (11 groups, 3 a page), each call counted
    prefix = "/bigquery/v2/projects/billing-admin/"
    assert [(r.method, r.path.removeprefix(prefix)) for r in bq.requests] == [
        ("POST", "queries"),  # jobs.query: the first page
        ("GET", "jobs/job_0"),  # jobs.get
        ("GET", "queries/job_0"),  # jobs.getQueryResults, by pageToken
        ("GET", "queries/job_0"),
        ("GET", "queries/job_0"),
    ]
    assert [r.query.get("pageToken") is not None for r in bq.requests[2:]] == [True] * 3
    assert manifest.spend is not None
    assert manifest.spend.api_calls == len(bq.requests) == 5
    assert manifest.spend.sources == ["gcp-billing-bigquery"]


def test_the_query_names_the_table_window_label_and_grouping(bq: FakeBigQuery) -> None:
    result = query_billing_table(
        BillingOptions(table=TABLE, endpoint=bq.url, label="team", now=NOW)
    )
    assert result.errors == []
    (body,) = bq.queries
    assert f"FROM `{TABLE}`" in body["query"]
    assert body["useLegacySql"] is False
    parameters = {p["name"]: p["parameterValue"]["value"] for p in body["queryParameters"]}
    assert parameters == {"label": "team", "first_month": "202511", "last_month": "202611"}
    assert bq.requests[0].path == "/bigquery/v2/projects/billing-admin/queries"
    # the fake grouped by the label asked for
    assert _net(result.records, "product") == {
        "payments": NET_BY_PROJECT["shop-prod"],
        "data": NET_BY_PROJECT["data-lake"],
    }


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("`billing-admin.", "`other."), "does not read"),
        (("UNNEST(credits)", "UNNEST([])"), "lacks UNNEST(credits)"),
        (("BETWEEN @first_month AND", "<="), "lacks invoice.month BETWEEN"),
        (("region, product, currency\nORDER", "region, product\nORDER"), "groups by"),
    ],
)
def test_a_wrong_query_is_refused_by_the_fake_and_recorded(
    bq: FakeBigQuery, monkeypatch: pytest.MonkeyPatch, change: tuple[str, str], problem: str
) -> None:
    good = billing.billing_query
    assert change[0] in good(TABLE)
    monkeypatch.setattr(billing, "billing_query", lambda table: good(table).replace(*change))
    result = query_billing_table(BillingOptions(table=TABLE, endpoint=bq.url, now=NOW))
    assert result.records == []
    (error,) = result.errors
    assert (error.service, error.operation, error.code) == (
        "bigquery",
        "jobs.query",
        "INVALID_ARGUMENT",
    )
    assert problem in error.message
    assert (
        check_query(TABLE, good(TABLE), {"label": "", "first_month": "", "last_month": ""}) is None
    )


def test_bigquery_permission_denied_is_recorded_and_assets_still_collected(
    tmp_path: Path, bq: FakeBigQuery
) -> None:
    bq.deny("billing-admin")
    files = [arg for path in EXPORT_FILES for arg in ("--export-file", str(path))]
    out = tmp_path / "snap"
    result = run(
        "collect", "gcp", *files, "--billing-table", TABLE, "--bigquery-endpoint", bq.url,
        "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    manifest = open_snapshot(out).manifest
    assert manifest.resource_count == EXPECTED
    assert manifest.spend is None  # nothing to record; the error says why
    (error,) = [e for e in manifest.errors if e.service == "bigquery"]
    assert (error.account, error.operation, error.code) == (
        "billing-admin",
        "jobs.query",
        "PERMISSION_DENIED",
    )
    assert "bigquery.jobs.create" in error.message


def test_cli_billing_table_alone_writes_spend_and_no_resources(
    tmp_path: Path, bq: FakeBigQuery
) -> None:
    out = tmp_path / "snap"
    result = run(
        "collect", "gcp", "--billing-table", TABLE, "--bigquery-endpoint", bq.url, "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "17 spend records (5 BigQuery calls)" in result.output
    records = _spend(out)
    assert _total(records, "cost") + _total(records, "credits") == sum(NET_BY_MONTH.values())


def test_files_and_bigquery_give_the_same_records(tmp_path: Path, bq: FakeBigQuery) -> None:
    from_bq = query_billing_table(BillingOptions(table=TABLE, endpoint=bq.url, now=NOW)).records
    for path in (NDJSON, CSV):
        from_file = read_billing_files([path])
        assert {r.source for r in from_file} == {"gcp-billing-file"}
        in_window = [r for r in from_file if r.month != "2025-10"]
        assert [r.model_copy(update={"source": "x"}) for r in in_window] == [
            r.model_copy(update={"source": "x"}) for r in from_bq
        ], path
        outside = [r for r in from_file if r.month == "2025-10"]
        assert [(r.metric, r.amount, r.partial) for r in outside] == [
            ("cost", OUTSIDE_WINDOW, False)
        ]


def test_cli_billing_files_with_asset_files(tmp_path: Path) -> None:
    packed = tmp_path / "billing-export.ndjson.gz"
    packed.write_bytes(gzip.compress(NDJSON.read_bytes()))
    files = [arg for path in EXPORT_FILES for arg in ("--export-file", str(path))]
    out = tmp_path / "snap"
    result = run("collect", "gcp", *files, "--billing-export-file", str(packed), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"{EXPECTED:,} resources, 18 spend records\n" in result.output
    manifest = open_snapshot(out).manifest
    assert manifest.resource_count == EXPECTED
    assert manifest.spend is not None and manifest.spend.api_calls == 0
    records = _spend(out)
    assert _total(records, "cost") == COST + OUTSIDE_WINDOW
    assert _total(records, "credits") == CREDITS


def test_rows_without_project_location_or_labels(tmp_path: Path) -> None:
    row: dict[str, Any] = {
        "service": {"id": "2062-016F-44A2", "description": "Support"},
        "usage_start_time": "2026-10-01 07:00:00 UTC",
        "usage_end_time": "2026-11-01 07:00:00 UTC",
        "project": None,
        "labels": [],
        "cost": 29,
        "currency": "USD",
        "credits": [],
        "invoice": {"month": "202610"},
        "cost_type": "regular",
    }
    path = tmp_path / "support.json"
    path.write_text(json.dumps(row) + "\n\n", encoding="utf-8")
    (record,) = read_billing_files([path])
    assert (record.account, record.region, record.product) == ("", "global", "")
    assert (record.metric, record.amount, record.currency, record.partial) == (
        "cost",
        Decimal(29),
        "USD",
        False,
    )


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _ndjson_with(tmp_path: Path, line: int, old: str, new: str) -> Path:
    lines = _lines(NDJSON)
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path = tmp_path / "bad.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _csv_with(tmp_path: Path, line: int, old: str, new: str) -> Path:
    lines = _lines(CSV)
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _column(path: Path, line: int, marker: str | None) -> int:
    """Where the error should point: after `marker` in an NDJSON line, at a CSV column."""
    if marker is None:
        return 1
    if path.suffix == ".csv":
        return _lines(path)[0].split(",").index(marker) + 1
    return _lines(path)[line - 1].index(marker) + len(marker) + 1


# name: (make the bad file, line, column marker, problem)
BAD_FILES: dict[str, tuple[Callable[[Path], Path], int, str | None, str]] = {
    "ndjson missing field": (
        lambda tmp: _ndjson_with(tmp, 3, '"cost":23.17,', ""),
        3,
        None,
        "missing cost",
    ),
    "ndjson bad number": (
        lambda tmp: _ndjson_with(tmp, 2, '"cost":180.0', '"cost":"180,00"'),
        2,
        '"cost":',
        "cost: not a number: '180,00'",
    ),
    "ndjson bad credit": (
        lambda tmp: _ndjson_with(tmp, 1, '"amount":-41.25', '"amount":null'),
        1,
        '"credits":',
        "credits.amount: not a number: None",
    ),
    "ndjson bad date": (
        lambda tmp: _ndjson_with(tmp, 4, "2026-10-01 07:00:00 UTC", "2026-10-01 7 o'clock"),
        4,
        '"usage_end_time":',
        "usage_end_time: not a timestamp",
    ),
    "ndjson bad month": (
        lambda tmp: _ndjson_with(tmp, 5, '"month":"202610"', '"month":"2026-10"'),
        5,
        '"month":',
        "invoice.month: not a month YYYYMM",
    ),
    "ndjson mixed currencies": (
        lambda tmp: _ndjson_with(tmp, 6, '"currency":"EUR"', '"currency":"USD"'),
        6,
        '"currency":',
        "currency USD where line 5 has EUR",
    ),
    "csv missing column": (
        lambda tmp: _csv_with(tmp, 1, ",credits,", ",credit_total,"),
        1,
        None,
        "missing column credits",
    ),
    "csv bad number": (
        lambda tmp: _csv_with(tmp, 3, ",180.0,", ",1 80,"),
        3,
        "cost",
        "cost: not a number",
    ),
    "csv bad date": (
        lambda tmp: _csv_with(tmp, 2, "2026-09-14 08:00:00 UTC", "14/09/2026 08:00"),
        2,
        "usage_end_time",
        "usage_end_time: not a timestamp",
    ),
    "csv mixed currencies": (
        lambda tmp: _csv_with(tmp, 7, ",EUR,", ",GBP,"),
        7,
        "currency",
        "currency GBP where line 6 has EUR",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_billing_file_exits_2_naming_file_line_column(tmp_path: Path, case: str) -> None:
    make, line, marker, problem = BAD_FILES[case]
    path = make(tmp_path)
    where = f"{path}:{line}:{_column(path, line, marker)}: "
    out = tmp_path / "snap"
    result = run("collect", "gcp", "--billing-export-file", str(path), "-o", str(out))
    assert_user_error(result, where, problem)
    assert not out.exists()
    with pytest.raises(ConfigError, match="^" + re.escape(where)):
        read_billing_files([path])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--billing-table", TABLE, "--billing-export-file", str(NDJSON)], "not both"),
        (["--billing-table", "billing_export.table"], "use PROJECT.DATASET.TABLE"),
        (["--billing-table", "p.d.t`; DROP"], "use PROJECT.DATASET.TABLE"),
        (["--billing-export-file", str(NDJSON), "--billing-label", "a b"], "--billing-label"),
        (["--billing-export-file", str(NDJSON), "--bigquery-endpoint", "http://x"], "with that"),
        ([], "--billing-table or --billing-export-file"),
    ],
)
def test_billing_usage_errors(tmp_path: Path, args: list[str], fragment: str) -> None:
    result = run("collect", "gcp", *args, "-o", str(tmp_path / "snap"))
    assert_user_error(result, fragment)
    assert not (tmp_path / "snap").exists()
