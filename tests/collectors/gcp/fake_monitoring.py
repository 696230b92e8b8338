"""A local fake of Cloud Monitoring's `projects.timeSeries.list`, for the tests.

google-cloud-monitoring has no REST transport for the metric service (gRPC only), so
this fake is a real gRPC server on 127.0.0.1 that serves
`google.monitoring.v3.MetricService/ListTimeSeries` with the library's own request and
response messages; the tests drive it through the real `MetricServiceClient` over a
plaintext channel (`http://127.0.0.1:PORT` as the collector's endpoint).

It holds raw samples (`FakeSeries.points`) and computes what the API would answer, so a
wrong request gives wrong numbers, not just a different log line:

- `name` must be `projects/<id>` of a project it knows (else NOT_FOUND); the series it
  sees are those of the project's metrics scope (`scopes`; by default itself alone);
- `filter`: clauses joined by ` AND `, each `metric.type`, `resource.type`,
  `resource.labels.<k>` or `metric.labels.<k>` `= "<value>"`; `metric.type` is required;
  anything else is INVALID_ARGUMENT;
- `interval`: samples with start < time <= end;
- `aggregation`: `perSeriesAligner` ALIGN_NONE (raw), ALIGN_MEAN, ALIGN_MAX, ALIGN_MIN
  or ALIGN_SUM over windows of `alignmentPeriod` (at least 60 s) ending at the
  interval's end, newest first; ALIGN_MEAN gives doubles, the others keep the value
  type; `crossSeriesReducer` REDUCE_SUM, REDUCE_MEAN, REDUCE_MAX or REDUCE_MIN (needs
  an aligner) over the series that share the `groupByFields` (`resource.<k>`,
  `resource.label.<k>`, `resource.labels.<k>`, and the same for `metric.`), keeping only
  those labels; any other aligner or reducer is INVALID_ARGUMENT ("not emulated");
- paging: `pageSize` (0: all), capped by `max_page_size`; an opaque `pageToken` bound to
  the query (a token of another query is INVALID_ARGUMENT);
- errors as gRPC status codes: `deny(project)` PERMISSION_DENIED, `disable(project)` the
  PERMISSION_DENIED of a project where the Monitoring API is not enabled, `fail_next()`
  a transient UNAVAILABLE.

Not emulated: authentication (request metadata is recorded: no `authorization` over the
plaintext channel), filter functions, `secondaryAggregation`, `orderBy`, HEADERS view,
distributions, CUMULATIVE metrics, aligners that need rates or deltas.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from collections.abc import Callable, Sequence
from concurrent import futures
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
from google.cloud import monitoring_v3

__all__ = ["FakeMonitoring", "FakeSeries", "MonitoringRequest", "day_samples"]

_CLAUSE = re.compile(
    r'^(metric\.type|resource\.type|(?:resource|metric)\.labels\.\w+) = "([^"]*)"$'
)
_GROUP = re.compile(r"^(resource|metric)\.(?:labels?\.)?(\w+)$")
_ALIGNERS: dict[str, Callable[[list[float]], float]] = {
    "ALIGN_MEAN": lambda v: sum(v) / len(v),
    "ALIGN_MAX": max,
    "ALIGN_MIN": min,
    "ALIGN_SUM": sum,
}
_REDUCERS: dict[str, Callable[[list[float]], float]] = {
    "REDUCE_SUM": sum,
    "REDUCE_MEAN": lambda v: sum(v) / len(v),
    "REDUCE_MAX": max,
    "REDUCE_MIN": min,
}
_SERVICE = "google.monitoring.v3.MetricService"


class _Abort(Exception):
    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class FakeSeries:
    """One stored time series: its labels and raw samples (time, value)."""

    metric_type: str
    resource_type: str
    resource: dict[str, str]
    points: list[tuple[datetime, float]]
    metric: dict[str, str] = field(default_factory=dict)
    kind: str = "GAUGE"  # GAUGE or DELTA
    value_type: str = "DOUBLE"  # DOUBLE or INT64


def day_samples(end: datetime, days: Sequence[Sequence[float]]) -> list[tuple[datetime, float]]:
    """Raw samples for the whole UTC days before `end`, oldest day first.

    Day i's values are spread over that day's hours (06:00, then every 4 h), so the
    daily mean, max and sum of a day all differ when it has several values.
    """
    first = end.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=len(days))
    out: list[tuple[datetime, float]] = []
    for i, values in enumerate(days):
        for j, value in enumerate(values):
            out.append((first + timedelta(days=i, hours=6 + 4 * j), float(value)))
    return out


@dataclass
class MonitoringRequest:
    """One ListTimeSeries request the fake answered."""

    request: monitoring_v3.ListTimeSeriesRequest
    metadata: dict[str, str]
    status: str = "OK"


@dataclass
class FakeMonitoring:
    """The fake server; `start()` it, give the client `url`, `stop()` it."""

    series: list[FakeSeries] = field(default_factory=list)
    projects: set[str] = field(default_factory=set)  # known besides those of the series
    scopes: dict[str, set[str]] = field(default_factory=dict)  # project -> projects it sees
    max_page_size: int = 1000
    requests: list[MonitoringRequest] = field(default_factory=list)
    _denied: set[str] = field(default_factory=set)
    _disabled: set[str] = field(default_factory=set)
    _failures: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: Any = None
    _port: int = 0

    @property
    def url(self) -> str:
        """The endpoint to give the collector (`http://127.0.0.1:PORT`: plaintext gRPC)."""
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._port}"

    def start(self) -> FakeMonitoring:
        """Serve on 127.0.0.1 on a free port."""
        handler = grpc.method_handlers_generic_handler(
            _SERVICE,
            {
                "ListTimeSeries": grpc.unary_unary_rpc_method_handler(
                    self._list,
                    request_deserializer=monitoring_v3.ListTimeSeriesRequest.deserialize,
                    response_serializer=monitoring_v3.ListTimeSeriesResponse.serialize,
                )
            },
        )
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        self._server.add_generic_rpc_handlers((handler,))
        self._port = self._server.add_insecure_port("127.0.0.1:0")
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.stop(grace=None)

    def reset(self) -> None:
        """Forget requests, denials, disabled APIs and injected failures."""
        with self._lock:
            self.requests.clear()
            self._denied.clear()
            self._disabled.clear()
            self._failures = 0

    def deny(self, project: str) -> None:
        """Answer requests for `project` with PERMISSION_DENIED."""
        with self._lock:
            self._denied.add(project)

    def disable(self, project: str) -> None:
        """Answer as Monitoring does for a project where its API is not enabled."""
        with self._lock:
            self._disabled.add(project)

    def fail_next(self, times: int = 1) -> None:
        """Answer the next `times` requests with UNAVAILABLE (transient)."""
        with self._lock:
            self._failures += times

    # ------------------------------------------------------------------ serving
    def _list(
        self, request: monitoring_v3.ListTimeSeriesRequest, context: grpc.ServicerContext
    ) -> monitoring_v3.ListTimeSeriesResponse:
        metadata = {str(k): str(v) for k, v in context.invocation_metadata()}
        record = MonitoringRequest(monitoring_v3.ListTimeSeriesRequest(request), metadata)
        with self._lock:
            self.requests.append(record)
            try:
                return self._answer(request)
            except _Abort as exc:
                record.status = exc.code.name
                failure = exc
        context.abort(failure.code, failure.message)
        raise AssertionError("abort raises")  # pragma: no cover

    def _answer(
        self, request: monitoring_v3.ListTimeSeriesRequest
    ) -> monitoring_v3.ListTimeSeriesResponse:
        if self._failures:
            self._failures -= 1
            raise _Abort(grpc.StatusCode.UNAVAILABLE, "injected failure")
        project = request.name.removeprefix("projects/")
        if not request.name.startswith("projects/") or project not in self._known():
            raise _Abort(grpc.StatusCode.NOT_FOUND, f"Project {request.name!r} not found")
        if project in self._disabled:
            raise _Abort(
                grpc.StatusCode.PERMISSION_DENIED,
                f"Cloud Monitoring API has not been used in project {project} before or it is"
                " disabled. Enable it by visiting https://console.developers.google.com/apis/api"
                f"/monitoring.googleapis.com/overview?project={project} then retry.",
            )
        if project in self._denied:
            raise _Abort(
                grpc.StatusCode.PERMISSION_DENIED,
                f"Permission monitoring.timeSeries.list denied (or the resource may not exist)"
                f" on projects/{project}",
            )
        clauses = _parse_filter(request.filter)
        start, end = _interval(request)
        visible = self.scopes.get(project, {project})
        matching = [
            s
            for s in self.series
            if s.resource.get("project_id") in visible and _matches(s, clauses)
        ]
        out = _aggregate(matching, request.aggregation, start, end)
        return self._page(request, out)

    def _known(self) -> set[str]:
        return self.projects | {str(s.resource.get("project_id")) for s in self.series}

    def _page(
        self, request: monitoring_v3.ListTimeSeriesRequest, out: list[monitoring_v3.TimeSeries]
    ) -> monitoring_v3.ListTimeSeriesResponse:
        size = min(request.page_size or len(out) or 1, self.max_page_size)
        bound = monitoring_v3.ListTimeSeriesRequest(request)
        bound.page_token = ""
        bound.page_size = 0
        query = hashlib.sha256(monitoring_v3.ListTimeSeriesRequest.serialize(bound)).hexdigest()
        offset = 0
        if request.page_token:
            try:
                decoded = json.loads(base64.urlsafe_b64decode(request.page_token.encode()))
                offset = int(decoded["o"])
                if decoded["q"] != query:
                    raise ValueError("a token of another query")
            except (ValueError, KeyError, TypeError):
                raise _Abort(
                    grpc.StatusCode.INVALID_ARGUMENT, f"Invalid page token {request.page_token!r}"
                ) from None
        response = monitoring_v3.ListTimeSeriesResponse(time_series=out[offset : offset + size])
        if offset + size < len(out):
            token = json.dumps({"o": offset + size, "q": query}).encode()
            response.next_page_token = base64.urlsafe_b64encode(token).decode()
        return response


def _parse_filter(text: str) -> dict[str, str]:
    clauses: dict[str, str] = {}
    for part in text.split(" AND "):
        match = _CLAUSE.match(part.strip())
        if not match:
            raise _Abort(grpc.StatusCode.INVALID_ARGUMENT, f"fake: unsupported filter {part!r}")
        clauses[match.group(1)] = match.group(2)
    if "metric.type" not in clauses:
        raise _Abort(grpc.StatusCode.INVALID_ARGUMENT, "The filter must name one metric.type")
    return clauses


def _matches(series: FakeSeries, clauses: dict[str, str]) -> bool:
    for key, value in clauses.items():
        if key == "metric.type":
            found: str | None = series.metric_type
        elif key == "resource.type":
            found = series.resource_type
        elif key.startswith("resource.labels."):
            found = series.resource.get(key.removeprefix("resource.labels."))
        else:
            found = series.metric.get(key.removeprefix("metric.labels."))
        if found != value:
            return False
    return True


def _interval(request: monitoring_v3.ListTimeSeriesRequest) -> tuple[datetime, datetime]:
    if "end_time" not in request.interval:
        raise _Abort(grpc.StatusCode.INVALID_ARGUMENT, "interval.endTime is required")
    end = request.interval.end_time.astimezone(UTC)
    start = request.interval.start_time.astimezone(UTC) if "start_time" in request.interval else end
    if start > end:
        raise _Abort(grpc.StatusCode.INVALID_ARGUMENT, "interval.startTime is after endTime")
    return start, end


def _aggregate(
    matching: list[FakeSeries],
    aggregation: monitoring_v3.Aggregation,
    start: datetime,
    end: datetime,
) -> list[monitoring_v3.TimeSeries]:
    aligner = aggregation.per_series_aligner.name
    reducer = aggregation.cross_series_reducer.name
    if aligner == "ALIGN_NONE":
        if reducer != "REDUCE_NONE":
            raise _Abort(grpc.StatusCode.INVALID_ARGUMENT, "a reducer needs a per-series aligner")
        return [_raw(s, start, end) for s in matching]
    if aligner not in _ALIGNERS:
        raise _Abort(grpc.StatusCode.INVALID_ARGUMENT, f"fake: {aligner} is not emulated")
    period = aggregation.alignment_period
    if period is None or period.total_seconds() < 60:
        raise _Abort(grpc.StatusCode.INVALID_ARGUMENT, "alignmentPeriod must be at least 60s")
    aligned = [(s, _align(s, aligner, period, start, end)) for s in matching]
    if reducer == "REDUCE_NONE":
        return [_message(s, s.resource, s.metric, points, aligner) for s, points in aligned]
    if reducer not in _REDUCERS:
        raise _Abort(grpc.StatusCode.INVALID_ARGUMENT, f"fake: {reducer} is not emulated")
    return _reduce(aligned, list(aggregation.group_by_fields), reducer, aligner)


def _align(
    series: FakeSeries, aligner: str, period: timedelta, start: datetime, end: datetime
) -> dict[datetime, float]:
    """Window end -> the aligned value, for windows (end - (k+1)P, end - kP] inside the interval."""
    windows: dict[datetime, list[float]] = {}
    for moment, value in series.points:
        if not start < moment <= end:
            continue
        k = (end - moment) // period
        windows.setdefault(end - k * period, []).append(value)
    return {edge: _ALIGNERS[aligner](values) for edge, values in windows.items()}


def _reduce(
    aligned: list[tuple[FakeSeries, dict[datetime, float]]],
    fields: list[str],
    reducer: str,
    aligner: str,
) -> list[monitoring_v3.TimeSeries]:
    keys: list[tuple[str, str]] = []
    for name in fields:
        match = _GROUP.match(name)
        if not match:
            raise _Abort(grpc.StatusCode.INVALID_ARGUMENT, f"Invalid groupByFields {name!r}")
        keys.append((match.group(1), match.group(2)))
    groups: dict[tuple[str, ...], list[tuple[FakeSeries, dict[datetime, float]]]] = {}
    for series, points in aligned:
        labels = {"resource": series.resource, "metric": series.metric}
        key = tuple(labels[kind].get(label, "") for kind, label in keys)
        groups.setdefault(key, []).append((series, points))
    out: list[monitoring_v3.TimeSeries] = []
    for key, members in sorted(groups.items()):
        edges = sorted({edge for _, points in members for edge in points})
        reduced = {
            edge: _REDUCERS[reducer]([p[edge] for _, p in members if edge in p]) for edge in edges
        }
        resource = {
            label: v for (kind, label), v in zip(keys, key, strict=True) if kind == "resource"
        }
        metric = {label: v for (kind, label), v in zip(keys, key, strict=True) if kind == "metric"}
        out.append(_message(members[0][0], resource, metric, reduced, aligner))
    return out


def _raw(series: FakeSeries, start: datetime, end: datetime) -> monitoring_v3.TimeSeries:
    points = {m: v for m, v in series.points if start < m <= end}
    return _message(series, series.resource, series.metric, points, "ALIGN_NONE")


def _message(
    series: FakeSeries,
    resource: dict[str, str],
    metric: dict[str, str],
    points: dict[datetime, float],
    aligner: str,
) -> monitoring_v3.TimeSeries:
    as_double = series.value_type == "DOUBLE" or aligner == "ALIGN_MEAN"
    out_points = []
    for edge in sorted(points, reverse=True):  # newest first, as the API answers
        value = {"double_value": points[edge]} if as_double else {"int64_value": int(points[edge])}
        out_points.append({"interval": {"end_time": edge, "start_time": edge}, "value": value})
    return monitoring_v3.TimeSeries(
        metric={"type": series.metric_type, "labels": metric},
        resource={"type": series.resource_type, "labels": resource},
        metric_kind=series.kind,
        value_type="DOUBLE" if as_double else "INT64",
        points=out_points,
    )
