"""Actual GCP spend from the Cloud Billing export (BigQuery table, or files extracted from it).

Two sources give the same records (`SpendRecord`, provider `gcp`), one per invoice month,
project, service, region, product label value and currency (`grouped_by` all four
dimensions), each with metric `cost` (cost before credits) and, where the group had
credits, metric `credits` (their sum, negative); net spend is cost + credits.

- `query_billing_table`: one query (plus its result pages) over the export table through
  google-cloud-bigquery, for the last 12 full invoice months and the month to date. The
  job runs in the table's project. Every HTTP call is counted (`calls`). A failed query
  (permission denied, say) becomes a collection error and no record is kept (never the
  spend of some pages only); the run goes on.
- `read_billing_files`: the same rows read offline, summed with Decimal: newline-delimited
  JSON as BigQuery extracts the table (nested records, repeated `labels` and `credits`;
  `.gz` too), or CSV with one column per leaf field (`service.description`, or
  `service_description`), a `credits` column holding each row's credit total and a
  `labels.<KEY>` column holding the product label's value. Every month in the files is
  kept. Bad input raises ConfigError naming `file:line:column` before anything is written.

Dimensions: account is `project.id` ("" for charges of no project: tax, support), service
`service.description`, region `location.region`, else `location.location`, else "global",
product the value of the resource label `label` ("" untagged). A month is partial while
the rows of it end before the month does (no `usage_end_time` reaches the first of the
next month, UTC). Currencies are never summed: the currency is part of every group, and
one file in which a group shows two currencies is refused.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scanner.errors import CollectorError, ConfigError
from scanner.model import CollectionError, SpendRecord

if TYPE_CHECKING:  # google-cloud-bigquery is imported only when the table is queried
    from google.cloud import bigquery

__all__ = [
    "DEFAULT_LABEL",
    "SOURCE_BIGQUERY",
    "SOURCE_FILE",
    "BillingOptions",
    "BillingResult",
    "billing_query",
    "month_window",
    "query_billing_table",
    "read_billing_files",
]

logger = logging.getLogger(__name__)

DEFAULT_LABEL = "product"
SOURCE_BIGQUERY = "gcp-billing-bigquery"
SOURCE_FILE = "gcp-billing-file"
MONTHS = 12  # full months before the month to date

_TABLE = re.compile(r"(?P<project>[A-Za-z0-9.:_-]+)\.(?P<dataset>\w+)\.(?P<table>[\w-]+)")
_LABEL = re.compile(r"[\w-]{1,63}")
_MONTH = re.compile(r"\d{4}(0[1-9]|1[0-2])")
_CURRENCY = re.compile(r"[A-Z]{3}")

# (month YYYY-MM, project id, service, region, product, currency)
Key = tuple[str, str, str, str, str, str]


@dataclass(frozen=True)
class BillingOptions:
    """`--billing-table` or `--billing-export-file`, `--billing-label`, `--bigquery-endpoint`."""

    table: str | None = None
    files: tuple[Path, ...] = ()
    label: str = DEFAULT_LABEL
    endpoint: str | None = None
    now: datetime | None = None  # the month to date is this one's; default now (UTC)

    @property
    def requested(self) -> bool:
        """Whether spend is to be read at all."""
        return bool(self.table or self.files)

    def check(self) -> None:
        """Raise ConfigError when the options mix sources or name a malformed table or label."""
        if self.table and self.files:
            msg = "give --billing-table (BigQuery) or --billing-export-file (files), not both"
            raise ConfigError(msg)
        if self.table and not _TABLE.fullmatch(self.table):
            msg = f"--billing-table {self.table!r}: use PROJECT.DATASET.TABLE (the export table)"
            raise ConfigError(msg)
        if not _LABEL.fullmatch(self.label):
            msg = f"--billing-label {self.label!r}: a label key (letters, digits, _ and -)"
            raise ConfigError(msg)
        if self.endpoint and not self.table:
            msg = "--bigquery-endpoint applies to --billing-table; use it with that"
            raise ConfigError(msg)


@dataclass
class BillingResult:
    """What reading the billing source gave: records, errors, HTTP calls made."""

    records: list[SpendRecord] = field(default_factory=list)
    errors: list[CollectionError] = field(default_factory=list)
    calls: int = 0


@dataclass
class _Totals:
    """Sums per group, and the newest usage end per month (for `partial`)."""

    amounts: dict[Key, list[Decimal]] = field(default_factory=dict)
    month_end: dict[str, datetime] = field(default_factory=dict)

    def add(self, key: Key, cost: Decimal, credits: Decimal, usage_end: datetime) -> None:
        sums = self.amounts.setdefault(key, [Decimal(0), Decimal(0)])
        sums[0] += cost
        sums[1] += credits
        month = key[0]
        if month not in self.month_end or usage_end > self.month_end[month]:
            self.month_end[month] = usage_end

    def records(self, source: str) -> list[SpendRecord]:
        out: list[SpendRecord] = []
        for key in sorted(self.amounts):
            month, account, service, region, product, currency = key
            cost, credits = self.amounts[key]
            common: dict[str, Any] = {
                "provider": "gcp",
                "source": source,
                "month": month,
                "partial": self.month_end[month] < _next_month(month),
                "grouped_by": ["account", "product", "region", "service"],
                "account": account,
                "service": service,
                "region": region,
                "product": product,
                "currency": currency,
            }
            out.append(SpendRecord(metric="cost", amount=cost, **common))
            if credits:
                out.append(SpendRecord(metric="credits", amount=credits, **common))
        return out


def _next_month(month: str) -> datetime:
    year, number = int(month[:4]), int(month[5:7])
    return datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)


def _now() -> datetime:
    return datetime.now(UTC)


def month_window(now: datetime) -> tuple[str, str]:
    """(first, last) invoice months (YYYYMM): the last 12 full months and the month to date."""
    index = now.year * 12 + now.month - 1 - MONTHS
    return f"{index // 12:04d}{index % 12 + 1:02d}", f"{now.year:04d}{now.month:02d}"


# ---------------------------------------------------------------------- BigQuery
def billing_query(table: str) -> str:
    """The one query over the export table `table` (parameters @label, @first_month, @last_month).

    Amounts are cast to NUMERIC (exact decimals) before summing; FLOAT64 sums would not
    add up to the cent.
    """
    return f"""
WITH rows AS (
  SELECT
    invoice.month AS invoice_month,
    IFNULL(project.id, '') AS project_id,
    service.description AS service,
    COALESCE(location.region, location.location, 'global') AS region,
    IFNULL((SELECT l.value FROM UNNEST(labels) AS l WHERE l.key = @label LIMIT 1), '') AS product,
    currency,
    CAST(cost AS NUMERIC) AS cost,
    IFNULL((SELECT SUM(CAST(c.amount AS NUMERIC)) FROM UNNEST(credits) AS c), 0) AS credits,
    usage_end_time
  FROM `{table}`
  WHERE invoice.month BETWEEN @first_month AND @last_month
)
SELECT invoice_month, project_id, service, region, product, currency,
  SUM(cost) AS cost, SUM(credits) AS credits, MAX(usage_end_time) AS usage_end
FROM rows
GROUP BY invoice_month, project_id, service, region, product, currency
ORDER BY invoice_month, project_id, service, region, product, currency
""".strip()


def _client(options: BillingOptions, project: str) -> tuple[bigquery.Client, Any]:
    """A BigQuery client for `project` whose HTTP session counts its calls."""
    from google.api_core.client_options import ClientOptions
    from google.auth.transport.requests import AuthorizedSession
    from google.cloud import bigquery

    from scanner.collectors.gcp.api import credentials_for

    credentials = credentials_for(options.endpoint)
    session = AuthorizedSession(credentials)  # type: ignore[no-untyped-call]
    client = bigquery.Client(
        project=project,
        credentials=credentials,
        client_options=ClientOptions(api_endpoint=options.endpoint) if options.endpoint else None,
        _http=session,
    )
    return client, session


def query_billing_table(
    options: BillingOptions, progress: Callable[[str], None] = lambda _text: None
) -> BillingResult:
    """Spend from the export table `options.table` (see the module docstring)."""

    from scanner.collectors.gcp.api import API_ERRORS, error_details

    assert options.table is not None
    project = options.table.rsplit(".", 2)[0]
    result = BillingResult()
    try:
        client, session = _client(options, project)
    except CollectorError as exc:
        result.errors.append(_error(project, "credentials", "NoCredentials", str(exc)))
        return result

    def count(response: Any, *_args: Any, **_kwargs: Any) -> Any:
        result.calls += 1
        return response

    session.hooks["response"].append(count)
    first, last = month_window(options.now or _now())
    totals = _Totals()
    try:
        rows = _run_query(client, options, first, last)
        for row in rows:
            month = str(row["invoice_month"])
            key: Key = (
                f"{month[:4]}-{month[4:]}",
                str(row["project_id"]),
                str(row["service"]),
                str(row["region"]),
                str(row["product"]),
                str(row["currency"]),
            )
            totals.add(
                key, row["cost"] or Decimal(0), row["credits"] or Decimal(0), row["usage_end"]
            )
        result.records = totals.records(SOURCE_BIGQUERY)
        logger.info(
            "billing query: %d groups, %s bytes processed",
            rows.total_rows,
            rows.total_bytes_processed,
        )
    except API_ERRORS as exc:
        code, message = error_details(exc)
        logger.warning("billing query on %s failed: %s %s", options.table, code, message)
        result.errors.append(_error(project, "jobs.query", code, f"{options.table}: {message}"))
    finally:
        client.close()  # type: ignore[no-untyped-call]  # closes the session too
    progress(f"billing: {len(result.records)} spend records from {options.table}")
    return result


def _run_query(client: bigquery.Client, options: BillingOptions, first: str, last: str) -> Any:
    from google.cloud import bigquery

    config = bigquery.QueryJobConfig(
        query_parameters=[
            bigquery.ScalarQueryParameter("label", "STRING", options.label),
            bigquery.ScalarQueryParameter("first_month", "STRING", first),
            bigquery.ScalarQueryParameter("last_month", "STRING", last),
        ]
    )
    assert options.table is not None
    return client.query_and_wait(billing_query(options.table), job_config=config)


def _error(project: str, operation: str, code: str, message: str) -> CollectionError:
    return CollectionError(
        provider="gcp",
        account=project,
        region="global",
        service="bigquery",
        operation=operation,
        code=code,
        message=message[:500],
    )


# ---------------------------------------------------------------------- files
class _BadValue(Exception):
    """A value that cannot be read, at a column of the current line."""

    def __init__(self, column: int, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _decimal(value: Any, column: int, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise _BadValue(column, f"{name}: not a number: {value!r:.40}")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise _BadValue(column, f"{name}: not a number: {value!r:.40}") from None
    if not number.is_finite():
        raise _BadValue(column, f"{name}: not a finite number: {value!r:.40}")
    return number


def _timestamp(value: Any, column: int, name: str) -> datetime:
    """BigQuery's export form `2026-10-01 07:00:00 UTC`, or ISO 8601."""
    text = value.strip() if isinstance(value, str) else ""
    if text.endswith(" UTC"):
        text = text[:-4] + "+00:00"
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        msg = f"{name}: not a timestamp: {value!r:.40} (e.g. 2026-10-01 07:00:00 UTC)"
        raise _BadValue(column, msg) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class _Fields:
    """One row's fields by dotted name, with the column each is at (NDJSON or CSV)."""

    def value(self, name: str) -> tuple[Any, int]:
        """(value or None, column) of a leaf field."""
        raise NotImplementedError

    def credits(self) -> Decimal:
        """The row's credits, summed."""
        raise NotImplementedError

    def label(self, key: str) -> str:
        """The value of the resource label `key`, "" when the row has none."""
        raise NotImplementedError

    def required(self, name: str) -> tuple[Any, int]:
        value, column = self.value(name)
        if value is None or value == "":
            raise _BadValue(column, f"missing {name}")
        return value, column

    def text(self, name: str) -> str:
        value, column = self.value(name)
        if value is not None and not isinstance(value, str):
            raise _BadValue(column, f"{name}: not a string: {value!r:.40}")
        return value or ""


class _JsonFields(_Fields):
    def __init__(self, line: str, data: dict[str, Any]) -> None:
        self.line = line
        self.data = data

    def _column(self, parts: Sequence[str]) -> int:
        position = 0
        for part in parts:
            found = re.compile(rf'"{re.escape(part)}"\s*:\s*').search(self.line, position)
            if found is None:
                break
            position = found.end()
        return position + 1

    def value(self, name: str) -> tuple[Any, int]:
        parts = name.split(".")
        value: Any = self.data
        for part in parts:
            value = value.get(part) if isinstance(value, dict) else None
        return value, self._column(parts)

    def _items(self, name: str) -> list[dict[str, Any]]:
        items, column = self.value(name)
        if items is None:
            return []
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise _BadValue(column, f"{name}: not a list of records")
        return items

    def credits(self) -> Decimal:
        column = self._column(["credits"])
        amounts = [
            _decimal(item.get("amount"), column, "credits.amount")
            for item in self._items("credits")
        ]
        return sum(amounts, Decimal(0))

    def label(self, key: str) -> str:
        for item in self._items("labels"):
            if item.get("key") == key:
                return str(item.get("value") or "")
        return ""


class _CsvFields(_Fields):
    def __init__(self, columns: dict[str, int], cells: list[str], label_key: str) -> None:
        self.columns = columns
        self.cells = cells
        self.label_key = label_key

    def value(self, name: str) -> tuple[Any, int]:
        index = self.columns.get(name)
        if index is None:
            return None, 1
        return self.cells[index], index + 1

    def credits(self) -> Decimal:
        value, column = self.value("credits")
        return _decimal(value, column, "credits") if value and value.strip() else Decimal(0)

    def label(self, key: str) -> str:
        value, _column = self.value(f"labels.{key}")
        return str(value or "")


@dataclass(frozen=True)
class _Row:
    key: Key
    cost: Decimal
    credits: Decimal
    usage_end: datetime
    currency_column: int


def _row(fields: _Fields, label: str) -> _Row:
    month, column = fields.required("invoice.month")
    if not isinstance(month, str) or not _MONTH.fullmatch(month):
        raise _BadValue(column, f"invoice.month: not a month YYYYMM: {month!r:.40}")
    currency, currency_column = fields.required("currency")
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        raise _BadValue(currency_column, f"currency: not a currency code: {currency!r:.40}")
    cost = _decimal(*fields.required("cost"), "cost")
    _timestamp(*fields.required("usage_start_time"), "usage_start_time")
    usage_end = _timestamp(*fields.required("usage_end_time"), "usage_end_time")
    service, column = fields.required("service.description")
    region = fields.text("location.region") or fields.text("location.location") or "global"
    key: Key = (
        f"{month[:4]}-{month[4:]}",
        fields.text("project.id"),
        str(service),
        region,
        fields.label(label),
        currency,
    )
    return _Row(key, cost, fields.credits(), usage_end, currency_column)


def _open_text(path: Path) -> IO[str]:
    if path.name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def _ndjson_rows(fh: IO[str], label: str) -> Iterator[tuple[int, _Row]]:
    for lineno, line in enumerate(fh, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line, parse_float=Decimal, parse_int=Decimal)
        except json.JSONDecodeError as exc:
            raise _LineError(lineno, exc.colno, f"not JSON: {exc.msg}") from None
        if not isinstance(data, dict):
            raise _LineError(lineno, 1, "not a JSON object (one export row a line)")
        try:
            yield lineno, _row(_JsonFields(line, data), label)
        except _BadValue as exc:
            raise _LineError(lineno, exc.column, exc.message) from None


_CSV_COLUMNS = (
    "invoice.month",
    "project.id",
    "service.description",
    "location.region",
    "usage_start_time",
    "usage_end_time",
    "cost",
    "currency",
    "credits",
)


def _csv_rows(fh: IO[str], label: str) -> Iterator[tuple[int, _Row]]:
    reader = csv.reader(fh)
    header = next(reader, None) or []
    names = {name.strip(): index for index, name in enumerate(header)}
    columns: dict[str, int] = {}
    for name in (*_CSV_COLUMNS, "location.location", f"labels.{label}"):
        index = names.get(name, names.get(name.replace(".", "_")))
        if index is not None:
            columns[name] = index
    for name in (*_CSV_COLUMNS, f"labels.{label}"):
        if name not in columns:
            msg = f"missing column {name} (CSV header: {', '.join(header)[:200]})"
            raise _LineError(1, 1, msg)
    for cells in reader:
        if not cells:
            continue
        lineno = reader.line_num
        if len(cells) != len(header):
            raise _LineError(lineno, 1, f"{len(cells)} fields, the header has {len(header)}")
        try:
            yield lineno, _row(_CsvFields(columns, cells, label), label)
        except _BadValue as exc:
            raise _LineError(lineno, exc.column, exc.message) from None


class _LineError(Exception):
    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


def _read_file(path: Path, label: str, totals: _Totals) -> int:
    """Add the rows of one file to `totals`; returns the number of rows."""
    is_csv = path.name.removesuffix(".gz").endswith(".csv")
    currencies: dict[tuple[str, ...], tuple[str, int]] = {}
    count = 0
    try:
        with _open_text(path) as fh:
            for lineno, row in (_csv_rows if is_csv else _ndjson_rows)(fh, label):
                group, currency = row.key[:5], row.key[5]
                first = currencies.setdefault(group, (currency, lineno))
                if first[0] != currency:
                    msg = (
                        f"currency {currency} where line {first[1]} has {first[0]} for the same"
                        " month, project, service, region and product; amounts in different"
                        " currencies are never summed (one export is one billing account)"
                    )
                    raise _LineError(lineno, row.currency_column, msg)
                totals.add(row.key, row.cost, row.credits, row.usage_end)
                count += 1
    except _LineError as exc:
        raise ConfigError(f"{path}:{exc.line}:{exc.column}: {exc.message}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except (OSError, EOFError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc})") from None
    return count


def read_billing_files(
    paths: Sequence[Path],
    label: str = DEFAULT_LABEL,
    progress: Callable[[str], None] = lambda _text: None,
) -> list[SpendRecord]:
    """Spend records from export files (see the module docstring).

    Raises:
        ConfigError: a file that cannot be read, a missing column or field, a bad
            number, month or timestamp, or a group in two currencies within one file
            (`file:line:column: problem`).
    """
    totals = _Totals()
    for path in paths:
        rows = _read_file(path, label, totals)
        progress(f"billing: {rows:,} rows from {path}")
    return totals.records(SOURCE_FILE)
