"""A local HTTP fake of the BigQuery REST API, serving one Cloud Billing export table.

It answers what `scanner.collectors.gcp.billing` makes the real google-cloud-bigquery
client call (`client_options.api_endpoint` = `url`, anonymous credentials):

- `POST /bigquery/v2/projects/{p}/queries` (jobs.query) and `POST .../jobs` (jobs.insert):
  run the billing query, keep its result as a finished job; jobs.query answers with the
  first page of rows;
- `GET .../jobs/{jobId}` (jobs.get): the finished job;
- `GET .../queries/{jobId}` (jobs.getQueryResults): a page of the result, by `pageToken`
  (opaque, bound to the job) or `startIndex`, at most `maxResults` and `max_page_size`
  rows (so small pages can be forced).

The fake does not run SQL. It checks that the query is the billing query pscan means to
send (`check_query`: it reads the table named, credits and labels through UNNEST, keeps
the invoice months of the window and the label given as query parameters, groups by
exactly invoice month, project, service, region, product and currency) and answers 400
`invalidQuery` otherwise, so a wrong query fails the tests. The result is computed here,
independently of pscan, from the seeded rows (as BigQuery's JSON export writes them):
summed with Decimal per group and returned in the query's schema (NUMERIC as strings,
TIMESTAMP as int64 microseconds, as the client asks with `formatOptions.useInt64Timestamp`).

`deny(project)` answers every call for that project with BigQuery's 403 `accessDenied`
(PERMISSION_DENIED). Not emulated: authentication (the Authorization header is only
recorded), job locations, dry runs, anything but the billing query.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from .fake_http import LoopbackServer, Served

__all__ = ["BigQueryRequest", "FakeBigQuery", "check_query", "expected_groups"]

_PREFIX = "/bigquery/v2/projects/"
DIMENSIONS = ("invoice_month", "project_id", "service", "region", "product", "currency")
_SCHEMA = [
    *({"name": name, "type": "STRING", "mode": "NULLABLE"} for name in DIMENSIONS),
    {"name": "cost", "type": "NUMERIC", "mode": "NULLABLE"},
    {"name": "credits", "type": "NUMERIC", "mode": "NULLABLE"},
    {"name": "usage_end", "type": "TIMESTAMP", "mode": "NULLABLE"},
]
_PARAMETERS = ("label", "first_month", "last_month")

Key = tuple[str, str, str, str, str, str]


@dataclass
class BigQueryRequest:
    """One request the fake answered."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: dict[str, Any]
    status: int = 200


def check_query(table: str, sql: str, parameters: dict[str, str]) -> str | None:
    """Why `sql` is not the billing query over `table`, or None when it is."""
    flat = " ".join(sql.split())
    if f"FROM `{table}`" not in flat:
        return f"the query does not read `{table}`"
    for needed in (
        "UNNEST(credits)",
        "UNNEST(labels)",
        ".key = @label",
        "invoice.month BETWEEN @first_month AND @last_month",
    ):
        if needed not in flat:
            return f"the query lacks {needed}"
    missing = [p for p in _PARAMETERS if p not in parameters]
    if missing:
        return f"query parameter {missing[0]} not given"
    groups = re.findall(r"GROUP BY (.+?)(?: ORDER BY | LIMIT |$)", flat)
    if not groups:
        return "the query has no GROUP BY"
    grouped = {g.strip() for g in groups[-1].split(",")}
    if grouped != set(DIMENSIONS):
        return f"the query groups by {sorted(grouped)}, not {sorted(DIMENSIONS)}"
    return None


def expected_groups(
    rows: Iterable[dict[str, Any]], label: str, first: str, last: str
) -> dict[Key, tuple[Decimal, Decimal, datetime]]:
    """(cost, credits, newest usage end) per group, for export rows in the month window."""
    out: dict[Key, tuple[Decimal, Decimal, datetime]] = {}
    for row in rows:
        month = row["invoice"]["month"]
        if not first <= month <= last:
            continue
        location = row.get("location") or {}
        labels = {item["key"]: item["value"] for item in row.get("labels") or ()}
        key: Key = (
            month,
            (row.get("project") or {}).get("id") or "",
            row["service"]["description"],
            location.get("region") or location.get("location") or "global",
            labels.get(label, ""),
            row["currency"],
        )
        cost = Decimal(str(row["cost"]))
        credits = sum((Decimal(str(c["amount"])) for c in row.get("credits") or ()), Decimal(0))
        end = datetime.fromisoformat(row["usage_end_time"].replace(" UTC", "+00:00"))
        old = out.get(key)
        if old is not None:
            cost, credits, end = old[0] + cost, old[1] + credits, max(old[2], end)
        out[key] = (cost, credits, end)
    return out


@dataclass
class FakeBigQuery(Served):
    """The fake server; `start()` it, point the client at `url`, `stop()` it.

    `table`: the billing table's id (PROJECT.DATASET.TABLE); `rows`: its export rows.
    """

    _post: ClassVar[bool] = True  # jobs.query and jobs.insert are POSTs

    table: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    max_page_size: int = 3
    requests: list[BigQueryRequest] = field(default_factory=list)
    _denied: set[str] = field(default_factory=set)
    _jobs: dict[str, list[list[str | None]]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _serving: LoopbackServer | None = None

    def reset(self) -> None:
        """Forget requests, jobs and denials."""
        with self._lock:
            self.requests.clear()
            self._denied.clear()
            self._jobs.clear()

    def deny(self, project: str) -> None:
        """Answer every request for `project` with 403 accessDenied."""
        with self._lock:
            self._denied.add(project)

    @property
    def queries(self) -> list[dict[str, Any]]:
        """The bodies of the jobs.query / jobs.insert requests received."""
        return [r.body for r in self.requests if r.method == "POST"]

    # ------------------------------------------------------------------ serving
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        query = parse_qs(split.query, keep_blank_values=True)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else {}
        record = BigQueryRequest(handler.command, split.path, query, dict(handler.headers), body)
        with self._lock:
            self.requests.append(record)
            status, answer = self._answer(handler.command, split.path, query, body)
        record.status = status
        payload = json.dumps(answer).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=UTF-8")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _answer(
        self, method: str, path: str, query: dict[str, list[str]], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        if not path.startswith(_PREFIX):
            return _error(404, "NOT_FOUND", "notFound", f"no method for {method} {path}")
        project, _, rest = path.removeprefix(_PREFIX).partition("/")
        if project in self._denied:
            return _error(
                403,
                "PERMISSION_DENIED",
                "accessDenied",
                f"Access Denied: Project {project}: User does not have bigquery.jobs.create"
                f" permission in project {project}.",
            )
        kind, _, job_id = rest.partition("/")
        if method == "POST" and kind == "queries" and not job_id:
            return self._run(project, body.get("query", ""), body, first_page=True, query=query)
        if method == "POST" and kind == "jobs" and not job_id:
            config = (body.get("configuration") or {}).get("query") or {}
            return self._run(project, config.get("query", ""), config, first_page=False)
        if method == "GET" and kind in ("jobs", "queries") and job_id in self._jobs:
            if kind == "jobs":
                return 200, self._job(project, job_id)
            return self._page(project, job_id, query)
        if method == "GET" and kind in ("jobs", "queries"):
            return _error(404, "NOT_FOUND", "notFound", f"Not found: Job {project}:{job_id}")
        return _error(404, "NOT_FOUND", "notFound", f"no method for {method} {path}")

    def _run(
        self,
        project: str,
        sql: str,
        request: dict[str, Any],
        *,
        first_page: bool,
        query: dict[str, list[str]] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        parameters = {
            p["name"]: p["parameterValue"]["value"] for p in request.get("queryParameters") or ()
        }
        problem = check_query(self.table, sql, parameters)
        if problem is not None:
            return _error(400, "INVALID_ARGUMENT", "invalidQuery", problem)
        groups = expected_groups(
            self.rows, parameters["label"], parameters["first_month"], parameters["last_month"]
        )
        job_id = f"job_{next(self._ids)}"
        self._jobs[job_id] = [
            [*key, str(cost), str(credits), str(int(end.timestamp()) * 1_000_000)]
            for key, (cost, credits, end) in sorted(groups.items())
        ]
        if not first_page:
            return 200, self._job(project, job_id)
        size = {"maxResults": [str(request["maxResults"])]} if "maxResults" in request else {}
        status, page = self._page(project, job_id, {**(query or {}), **size})
        page["kind"] = "bigquery#queryResponse"
        return status, page

    def _job(self, project: str, job_id: str) -> dict[str, Any]:
        return {
            "kind": "bigquery#job",
            "id": f"{project}:US.{job_id}",
            "jobReference": {"projectId": project, "jobId": job_id, "location": "US"},
            "configuration": {"jobType": "QUERY", "query": {"useLegacySql": False}},
            "statistics": {"query": {"totalBytesProcessed": "1024", "schema": {"fields": _SCHEMA}}},
            "status": {"state": "DONE"},
        }

    def _page(
        self, project: str, job_id: str, query: dict[str, list[str]]
    ) -> tuple[int, dict[str, Any]]:
        rows = self._jobs[job_id]
        size = int((query.get("maxResults") or [str(self.max_page_size)])[0])
        size = min(size, self.max_page_size)
        offset = int((query.get("startIndex") or ["0"])[0])
        token = (query.get("pageToken") or [""])[0]
        if token:
            try:
                decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
                offset = int(decoded["o"])
                if decoded["j"] != job_id:
                    raise ValueError("token of another job")
            except (ValueError, KeyError, TypeError):
                return _error(400, "INVALID_ARGUMENT", "invalid", f"Invalid page token {token!r}")
        body: dict[str, Any] = {
            "kind": "bigquery#getQueryResultsResponse",
            "jobReference": {"projectId": project, "jobId": job_id, "location": "US"},
            "schema": {"fields": _SCHEMA},
            "totalRows": str(len(rows)),
            "jobComplete": True,
            "cacheHit": False,
            "totalBytesProcessed": "1024",
            "rows": [{"f": [{"v": v} for v in row]} for row in rows[offset : offset + size]],
        }
        if offset + size < len(rows) and size > 0:
            next_token = json.dumps({"o": offset + size, "j": job_id}).encode()
            body["pageToken"] = base64.urlsafe_b64encode(next_token).decode()
        return 200, body


def _error(status: int, name: str, reason: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": "global", "reason": reason}],
            "status": name,
        }
    }
