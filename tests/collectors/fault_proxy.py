"""A fault-injecting HTTP proxy on 127.0.0.1, in front of a real test server (moto, the GCP fakes).

The collectors under test talk real HTTP to the proxy (`--endpoint-url` for boto3,
`api_endpoint` for the Google clients); the proxy forwards every request to the server
behind it and relays the answer, except for the calls a `Fault` matches, which get:

- `Reply`: an HTTP error answer in the caller's wire format (`aws_error`: the AWS
  protocol of the call — JSON `__type`, query `ErrorResponse`, EC2 `Response/Errors`,
  REST `Error` / `x-amzn-ErrorType`; `gcp_error`: Google's `{"error": {code, message,
  status}}`): throttling (`ThrottlingException`, 429, `SlowDown`), 5xx, expired tokens;
- `Reset`: the TCP connection is reset (RST) before any answer;
- `Stall`: nothing is answered for `seconds`, then the connection closes: the client's
  read timeout fires first.

A fault matches calls by predicate (`aws_call(service, operation)`, `gcp_call(path
fragment)`, `next_page` for "a request that carries a page token") and applies to the
matching calls `skip`..`skip + times` (every one when `times` is None): "the 2nd page
of DescribeLogGroups", "the next 3 ListKeys", "every call of ListQueues". `calls` keeps
each request the proxy saw with what it did, for assertions on the retries made.

Not emulated: TLS, `Expect: 100-continue`, chunked request bodies (the clients under
test send `Content-Length`), streaming responses (each answer is read whole, then sent).
"""

from __future__ import annotations

import http.client
import json
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "Call",
    "Fault",
    "FaultProxy",
    "Reply",
    "Reset",
    "Stall",
    "aws_call",
    "aws_error",
    "gcp_call",
    "gcp_error",
    "next_page",
]

_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "content-length",
    }
)
# AWS services whose REST protocol writes XML errors (the others write JSON).
_REST_XML = frozenset({"s3", "cloudfront", "route53"})


@dataclass(frozen=True)
class Call:
    """One request through the proxy, as faults see it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def service(self) -> str:
        """AWS: the signing name in the SigV4 credential scope (`logs`, `ec2`, ...)."""
        auth = self.headers.get("authorization", "")
        scope = auth.partition("Credential=")[2].split(",")[0].split("/")
        return scope[3] if len(scope) > 3 else ""

    @property
    def operation(self) -> str:
        """AWS: `X-Amz-Target`'s operation, or the query protocol's `Action`; else ''."""
        target = self.headers.get("x-amz-target", "")
        if target:
            return target.rpartition(".")[2]
        form = self.query.get("Action") or parse_qs(self.body.decode("utf-8", "replace")).get(
            "Action"
        )
        return form[0] if form else ""


@dataclass(frozen=True)
class Reply:
    """Answer with an HTTP error built for the call (see `aws_error`, `gcp_error`)."""

    status: int
    build: Callable[[Call], tuple[dict[str, str], bytes]]
    label: str


@dataclass(frozen=True)
class Reset:
    """Reset the connection (TCP RST) instead of answering."""

    label: str = "reset"


@dataclass(frozen=True)
class Stall:
    """Answer nothing for `seconds`, then close the connection."""

    seconds: float = 5.0
    label: str = "stall"


Action = Reply | Reset | Stall


@dataclass
class Fault:
    """`action` for the calls `match` accepts, from the `skip`-th on, `times` of them."""

    match: Callable[[Call], bool]
    action: Action
    skip: int = 0
    times: int | None = None
    matched: int = 0  # calls matched so far (applied or not)
    applied: int = 0

    def take(self, call: Call) -> Action | None:
        """The action for this call, counting it, or None when the fault does not apply."""
        if not self.match(call):
            return None
        self.matched += 1
        if self.matched <= self.skip:
            return None
        if self.times is not None and self.applied >= self.times:
            return None
        self.applied += 1
        return self.action


@dataclass(frozen=True)
class Seen:
    """One request the proxy handled: what it was and what was done ('forwarded' or a label)."""

    service: str
    operation: str
    path: str
    outcome: str


def aws_call(service: str, operation: str = "") -> Callable[[Call], bool]:
    """Calls of an AWS service (signing name), of one operation when given."""
    return lambda call: call.service == service and (not operation or call.operation == operation)


def gcp_call(fragment: str) -> Callable[[Call], bool]:
    """Calls whose path contains `fragment` (`/assets`, `/regions`, `timeSeries`)."""
    return lambda call: fragment in call.path


def next_page(match: Callable[[Call], bool]) -> Callable[[Call], bool]:
    """Calls `match` accepts that ask for a page after the first (they carry a page token)."""
    tokens = (b"NextToken", b"nextToken", b"Marker", b"pageToken", b"NextMarker")

    def matches(call: Call) -> bool:
        if not match(call):
            return False
        if any(t.decode() in call.query for t in tokens):
            return True
        return any(t in call.body for t in tokens)

    return matches


def aws_error(status: int, code: str, message: str = "injected fault") -> Reply:
    """An AWS error answer in the call's protocol (JSON, query, EC2, REST XML or JSON)."""

    def build(call: Call) -> tuple[dict[str, str], bytes]:
        content_type = call.headers.get("content-type", "")
        if "x-amz-json" in content_type:
            body = json.dumps({"__type": code, "message": message})
            return {"Content-Type": content_type}, body.encode()
        if "x-www-form-urlencoded" in content_type or call.operation:
            error = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
            if call.service == "ec2":
                xml = f"<Response><Errors>{error}</Errors><RequestID>f0</RequestID></Response>"
            else:
                xml = f"<ErrorResponse>{error}<RequestId>f0</RequestId></ErrorResponse>"
            return {"Content-Type": "text/xml"}, xml.encode()
        if call.service in _REST_XML:
            xml = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
            return {"Content-Type": "application/xml"}, xml.encode()
        body = json.dumps({"message": message})
        return {"Content-Type": "application/json", "x-amzn-ErrorType": code}, body.encode()

    return Reply(status, build, f"{status} {code}")


def gcp_error(status: int, name: str, message: str = "injected fault") -> Reply:
    """A Google API error answer: `{"error": {code, message, status}}`."""
    body = json.dumps({"error": {"code": status, "message": message, "status": name}}).encode()
    headers = {"Content-Type": "application/json; charset=UTF-8"}
    return Reply(status, lambda _call: (headers, body), f"{status} {name}")


@dataclass
class FaultProxy:
    """The proxy; `start()` it, point the client at `url`, `stop()` it."""

    upstream: str  # http://host:port of the real server
    faults: list[Fault] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------------ control
    def add(self, fault: Fault) -> Fault:
        """Inject `fault` (checked before the faults added later)."""
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        """Forget every fault and every call seen."""
        with self._lock:
            self.faults.clear()
            self.seen.clear()

    def outcomes(self, service: str = "", operation: str = "") -> list[str]:
        """What was done to the calls of a service / operation, in order."""
        with self._lock:
            return [
                s.outcome
                for s in self.seen
                if (not service or s.service == service)
                and (not operation or s.operation == operation)
            ]

    @property
    def url(self) -> str:
        """The endpoint to give a client (`http://127.0.0.1:PORT`)."""
        assert self._server is not None, "start() the proxy first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        """Serve on 127.0.0.1 on a free port, in a daemon thread."""
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                proxy._handle(self)

            do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_GET

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: tests read `seen`."""

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                """Quiet: resets and stalls end connections on purpose."""

        self._server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving (and every stall) and close the socket."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # ------------------------------------------------------------------ serving
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        call = Call(
            method=handler.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=handler.rfile.read(length) if length else b"",
        )
        with self._lock:
            action = next((a for f in self.faults if (a := f.take(call)) is not None), None)
            outcome = action.label if action is not None else "forwarded"
            self.seen.append(Seen(call.service, call.operation, call.path, outcome))
        if isinstance(action, Reset):
            _reset(handler)
        elif isinstance(action, Stall):
            self._stopping.wait(action.seconds)
            handler.close_connection = True
        elif isinstance(action, Reply):
            headers, body = action.build(call)
            _send(handler, action.status, list(headers.items()), body)
        else:
            self._forward(handler, call, split.query)

    def _forward(self, handler: BaseHTTPRequestHandler, call: Call, query: str) -> None:
        target = urlsplit(self.upstream)
        connection = http.client.HTTPConnection(target.hostname or "", target.port, timeout=120)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP_BY_HOP}
            if call.body:
                headers["Content-Length"] = str(len(call.body))
            path = call.path + (f"?{query}" if query else "")
            connection.request(call.method, path, body=call.body or None, headers=headers)
            response = connection.getresponse()
            body = response.read()
            relayed = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP]
            _send(handler, response.status, relayed, body, head=call.method == "HEAD")
        finally:
            connection.close()


def _send(
    handler: BaseHTTPRequestHandler,
    status: int,
    headers: list[tuple[str, str]],
    body: bytes,
    *,
    head: bool = False,
) -> None:
    handler.send_response(status)
    for name, value in headers:
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if not head:
        handler.wfile.write(body)


def _reset(handler: BaseHTTPRequestHandler) -> None:
    """Close the client's connection with a TCP RST (SO_LINGER 0), answering nothing."""
    handler.close_connection = True
    sock: socket.socket = handler.connection
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
