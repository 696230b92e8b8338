"""A local HTTP fake of the Cloud Asset Inventory REST API (ListAssets only), for the tests.

It serves `GET /v1/{parent=*/*}/assets` from `gcloud asset export` NDJSON files (the
fixture estate in fixtures/gcp/export/), so the API path and the export path of the
collector read the same assets. It is driven through the real google-cloud-asset client
(REST transport, anonymous credentials, `client_options.api_endpoint`), and behaves the
way that client needs:

- camelCase JSON throughout (`assetType`, `iamPolicy`, `auditConfigs`, `updateTime`),
  while `resource.data` is served exactly as stored (it is already camelCase);
- `contentType` as the integer the REST transport sends (1 RESOURCE, 2 IAM_POLICY,
  4 ORG_POLICY; names are accepted too); 0 or absent gives names only, as the API does;
- enums in the response as integers when the client asks `$alt=json;enum-encoding=int`
  (audit `logType`, org policy `allValues`), by name otherwise;
- `assetTypes` (repeated) filters by exact type or by a regular expression;
- pagination: `pageSize` (default 100, 1..1000, else 400 INVALID_ARGUMENT), capped by
  `max_page_size` so small pages can be forced; opaque `pageToken` / `nextPageToken`
  bound to the query (a token from another query is 400 INVALID_ARGUMENT);
- `parent` filtering through each asset's `ancestors` (`projects/ID` is resolved to the
  project number); a parent no asset belongs to answers 403 PERMISSION_DENIED;
- IAM policy `etag`s are the stored base64 strings (the client decodes them as bytes);
- errors in Google's JSON shape `{"error": {code, message, status}}`; `fail_next()`
  injects transient errors (e.g. 503) and `deny()` a lasting 403 for a parent.

Not emulated (the collector does not rely on them): authentication and IAM checks
(credentials are ignored; only the presence of an Authorization header is recorded),
`readTime` (recorded, but the same fixed `readTime` is always returned), quotas and
rate limits (only what `fail_next` injects), other content types (ACCESS_POLICY,
OS_INVENTORY, RELATIONSHIP return nothing), `relationshipTypes`, RE2-only regex syntax
(Python `re` is used), SearchAllResources / ExportAssets / feeds / any other method,
gRPC, and gzip response bodies.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .fake_http import LoopbackServer, Served

__all__ = ["FakeCloudAsset", "RecordedRequest", "to_rest"]

_CONTENT_TYPES = {
    "0": None,
    "CONTENT_TYPE_UNSPECIFIED": None,
    "1": "resource",
    "RESOURCE": "resource",
    "2": "iam_policy",
    "IAM_POLICY": "iam_policy",
    "4": "org_policy",
    "ORG_POLICY": "org_policy",
}
_LOG_TYPES = {"LOG_TYPE_UNSPECIFIED": 0, "ADMIN_READ": 1, "DATA_WRITE": 2, "DATA_READ": 3}
_ALL_VALUES = {"ALL_VALUES_UNSPECIFIED": 0, "ALLOW": 1, "DENY": 2}
_PATH = re.compile(r"^/v1/(organizations|folders|projects)/([^/]+)/assets$")
_STATUS = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def to_rest(value: Any, *, int_enums: bool, key: str = "") -> Any:
    """An export-file fragment in REST form: camelCase keys (not inside `data`), enums."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if k == "data" and key == "resource":
                out["data"] = v  # resource.data is already the REST representation
                continue
            out[_camel(k)] = to_rest(v, int_enums=int_enums, key=k)
        return out
    if isinstance(value, list):
        return [to_rest(v, int_enums=int_enums, key=key) for v in value]
    if int_enums and key == "log_type" and isinstance(value, str):
        return _LOG_TYPES.get(value, 0)
    if int_enums and key == "all_values" and isinstance(value, str):
        return _ALL_VALUES.get(value, 0)
    return value


@dataclass
class RecordedRequest:
    """One request the fake answered."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int = 200


@dataclass
class _Line:
    name: str
    asset_type: str
    ancestors: list[str]
    update_time: str
    content: dict[str, Any]  # content key (resource, iam_policy, org_policy) -> value


@dataclass
class FakeCloudAsset(Served):
    """The fake server; `start()` it, point the client at `url`, `stop()` it."""

    export_files: Iterable[Path]
    read_time: str = "2026-11-26T12:00:00Z"
    max_page_size: int = 1000
    requests: list[RecordedRequest] = field(default_factory=list)
    _lines: list[_Line] = field(default_factory=list)
    _project_numbers: dict[str, str] = field(default_factory=dict)
    _failures: list[tuple[int, str | None]] = field(default_factory=list)
    _denied: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _serving: LoopbackServer | None = None

    def __post_init__(self) -> None:
        for path in self.export_files:
            for raw in Path(path).read_text(encoding="utf-8").splitlines():
                if not raw.strip():
                    continue
                line = json.loads(raw)
                content = {
                    k: line[k] for k in ("resource", "iam_policy", "org_policy") if k in line
                }
                self._lines.append(
                    _Line(
                        line["name"],
                        line["asset_type"],
                        list(line.get("ancestors") or ()),
                        line.get("update_time", ""),
                        content,
                    )
                )
                data = (line.get("resource") or {}).get("data") or {}
                if data and line["asset_type"] == "cloudresourcemanager.googleapis.com/Project":
                    self._project_numbers[data["projectId"]] = data["projectNumber"]

    # ------------------------------------------------------------------ control
    def reset(self) -> None:
        """Forget requests, injected failures and denials."""
        with self._lock:
            self.requests.clear()
            self._failures.clear()
            self._denied.clear()

    def fail_next(self, status: int = 503, times: int = 1, content_type: str | None = None) -> None:
        """Answer the next `times` requests (of `content_type`, e.g. "2") with `status`."""
        with self._lock:
            self._failures += [(status, content_type)] * times

    def deny(self, parent: str) -> None:
        """Answer every request for `parent` with 403 PERMISSION_DENIED."""
        with self._lock:
            self._denied.add(parent)

    def list_calls(self) -> list[RecordedRequest]:
        """The ListAssets requests answered, in order."""
        with self._lock:
            return list(self.requests)

    # ------------------------------------------------------------------ serving
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        query = parse_qs(split.query, keep_blank_values=True)
        record = RecordedRequest(split.path, query, {k: v for k, v in handler.headers.items()})
        with self._lock:
            self.requests.append(record)
            status, body = self._answer(split.path, query)
        record.status = status
        payload = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=UTF-8")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        match = _PATH.match(path)
        if not match:
            return _error(404, f"no method for GET {path}")
        parent = f"{match.group(1)}/{match.group(2)}"
        content_param = (query.get("contentType") or ["0"])[0]
        for i, (status, only) in enumerate(self._failures):
            if only is None or only == content_param:
                del self._failures[i]
                return _error(status, "injected failure", status_name=_transient_name(status))
        if parent in self._denied:
            return _error(403, f"The caller does not have permission on {parent}")
        if content_param not in _CONTENT_TYPES:
            return _error(400, f"Invalid value for contentType: {content_param!r}")
        content = _CONTENT_TYPES[content_param]
        try:
            size = int((query.get("pageSize") or ["0"])[0] or 0)
        except ValueError:
            return _error(400, "pageSize must be an integer")
        if size < 0 or size > 1000:
            return _error(400, f"pageSize must be between 1 and 1000, got {size}")
        size = min(size or 100, self.max_page_size)
        types = query.get("assetTypes") or []
        ancestor = self._ancestor_of(parent)
        lines = [
            line
            for line in self._lines
            if ancestor in line.ancestors
            and _type_matches(line.asset_type, types)
            and (content is None or content in line.content)
        ]
        if not any(ancestor in line.ancestors for line in self._lines):
            return _error(403, f"The caller does not have permission on {parent}")
        fingerprint = hashlib.sha256(
            json.dumps([parent, content_param, sorted(types)]).encode()
        ).hexdigest()[:16]
        offset = 0
        token = (query.get("pageToken") or [""])[0]
        if token:
            try:
                decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
                offset = int(decoded["o"])
                if decoded["q"] != fingerprint:
                    raise ValueError("token of another query")
            except (ValueError, KeyError, TypeError):
                return _error(400, f"Invalid page token {token!r}")
        int_enums = "enum-encoding=int" in (query.get("$alt") or [""])[0]
        page = lines[offset : offset + size]
        body: dict[str, Any] = {
            "readTime": self.read_time,
            "assets": [self._asset(line, content, int_enums) for line in page],
        }
        if offset + size < len(lines):
            next_token = json.dumps({"o": offset + size, "q": fingerprint}).encode()
            body["nextPageToken"] = base64.urlsafe_b64encode(next_token).decode()
        return 200, body

    def _ancestor_of(self, parent: str) -> str:
        kind, _, ident = parent.partition("/")
        if kind == "projects" and not ident.isdigit():
            return f"projects/{self._project_numbers.get(ident, ident)}"
        return parent

    def _asset(self, line: _Line, content: str | None, int_enums: bool) -> dict[str, Any]:
        asset: dict[str, Any] = {
            "name": line.name,
            "asset_type": line.asset_type,
            "ancestors": line.ancestors,
            "update_time": line.update_time,
        }
        if content is not None:
            asset[content] = line.content[content]
        rest: dict[str, Any] = to_rest(asset, int_enums=int_enums)
        return rest


def _type_matches(asset_type: str, patterns: list[str]) -> bool:
    if not patterns:
        return True
    for pattern in patterns:
        if pattern == asset_type:
            return True
        try:
            if re.fullmatch(pattern, asset_type):
                return True
        except re.error:
            continue
    return False


def _transient_name(status: int) -> str:
    return {429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}.get(
        status, _STATUS.get(status, "UNKNOWN")
    )


def _error(status: int, message: str, status_name: str = "") -> tuple[int, dict[str, Any]]:
    name = status_name or _STATUS.get(status, "UNKNOWN")
    return status, {"error": {"code": status, "message": message, "status": name}}
