"""A local HTTP fake of the Compute Engine REST API's quota reads, for the tests.

It serves what `scanner.collectors.gcp.quotas` calls, through the real
google-cloud-compute client (REST transport, `client_options.api_endpoint`):

- `GET /compute/v1/projects/{project}` (projects.get): the project with its global
  `quotas` (`{metric, limit, usage}`);
- `GET /compute/v1/projects/{project}/regions` (regions.list): every region with its
  `quotas`, paged by `maxResults` (1..500, default 500, else 400 INVALID_ARGUMENT; capped
  by `max_page_size` so small pages can be forced) and an opaque `pageToken` /
  `nextPageToken` bound to the project;
- an unknown project answers 404 NOT_FOUND, `deny(project)` 403 PERMISSION_DENIED
  (reason `forbidden`), `disable(project)` the 403 Compute gives when its API is not
  enabled (reason `accessNotConfigured`), in Google's JSON error shape
  `{"error": {code, message, errors: [{reason, domain, message}], status}}`.

Not emulated: authentication (only the Authorization header is recorded), `filter`,
`orderBy`, `returnPartialSuccess`, zones, any other method, gzip bodies.
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .fake_http import LoopbackServer, Served

__all__ = ["ComputeRequest", "FakeCompute", "quota"]

_PREFIX = "/compute/v1/projects/"


def quota(metric: str, limit: float, usage: float) -> dict[str, Any]:
    """One quota as the API writes it."""
    return {"metric": metric, "limit": limit, "usage": usage}


@dataclass
class ComputeRequest:
    """One request the fake answered."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int = 200


@dataclass
class FakeCompute(Served):
    """The fake server; `start()` it, point the client at `url`, `stop()` it.

    `projects`: project id -> {"global": [quota...], "regions": {region: [quota...]}}.
    """

    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    max_page_size: int = 500
    requests: list[ComputeRequest] = field(default_factory=list)
    _denied: set[str] = field(default_factory=set)
    _disabled: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _serving: LoopbackServer | None = None

    def reset(self) -> None:
        """Forget requests, denials and disabled APIs."""
        with self._lock:
            self.requests.clear()
            self._denied.clear()
            self._disabled.clear()

    def deny(self, project: str) -> None:
        """Answer every request for `project` with 403 PERMISSION_DENIED."""
        with self._lock:
            self._denied.add(project)

    def disable(self, project: str) -> None:
        """Answer as Compute does for a project where its API is not enabled."""
        with self._lock:
            self._disabled.add(project)

    # ------------------------------------------------------------------ serving
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        query = parse_qs(split.query, keep_blank_values=True)
        record = ComputeRequest(split.path, query, dict(handler.headers.items()))
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
        if not path.startswith(_PREFIX):
            return _error(404, "NOT_FOUND", "notFound", f"no method for GET {path}")
        project, _, rest = path.removeprefix(_PREFIX).partition("/")
        if rest not in ("", "regions"):
            return _error(404, "NOT_FOUND", "notFound", f"no method for GET {path}")
        if project in self._disabled:
            return _error(
                403,
                "PERMISSION_DENIED",
                "accessNotConfigured",
                f"Compute Engine API has not been used in project {project} before or it is"
                " disabled. Enable it by visiting https://console.developers.google.com/apis/api"
                f"/compute.googleapis.com/overview?project={project} then retry.",
            )
        if project in self._denied:
            return _error(
                403,
                "PERMISSION_DENIED",
                "forbidden",
                f"Required 'compute.projects.get' permission for 'projects/{project}'",
            )
        found = self.projects.get(project)
        if found is None:
            return _error(
                404, "NOT_FOUND", "notFound", f"The resource 'projects/{project}' was not found"
            )
        if rest == "":
            return 200, {
                "kind": "compute#project",
                "name": project,
                "quotas": found.get("global", []),
            }
        return self._regions(project, found.get("regions", {}), query)

    def _regions(
        self, project: str, regions: dict[str, list[dict[str, Any]]], query: dict[str, list[str]]
    ) -> tuple[int, dict[str, Any]]:
        try:
            size = int((query.get("maxResults") or ["500"])[0])
        except ValueError:
            return _error(400, "INVALID_ARGUMENT", "invalid", "maxResults must be an integer")
        if not 0 <= size <= 500:
            return _error(
                400, "INVALID_ARGUMENT", "invalid", f"Invalid value for maxResults: {size}"
            )
        size = min(size or 500, self.max_page_size)
        offset = 0
        token = (query.get("pageToken") or [""])[0]
        if token:
            try:
                decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
                offset = int(decoded["o"])
                if decoded["p"] != project:
                    raise ValueError("token of another project")
            except (ValueError, KeyError, TypeError):
                return _error(400, "INVALID_ARGUMENT", "invalid", f"Invalid page token {token!r}")
        names = sorted(regions)
        body: dict[str, Any] = {
            "kind": "compute#regionList",
            "items": [
                {
                    "kind": "compute#region",
                    "name": name,
                    "status": "UP",
                    "quotas": regions[name],
                    "selfLink": f"https://www.googleapis.com/compute/v1/projects/{project}"
                    f"/regions/{name}",
                }
                for name in names[offset : offset + size]
            ],
        }
        if offset + size < len(names):
            next_token = json.dumps({"o": offset + size, "p": project}).encode()
            body["nextPageToken"] = base64.urlsafe_b64encode(next_token).decode()
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
