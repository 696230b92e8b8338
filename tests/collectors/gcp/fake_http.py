"""A loopback HTTP server for the REST fakes (Cloud Asset, Compute, BigQuery): start, url, stop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self

__all__ = ["LoopbackServer", "Served"]


class LoopbackServer:
    """Serves GET requests with `handle` on 127.0.0.1, on a free port, in a daemon thread.

    With `post=True` POST requests go to `handle` too (it reads `handler.command` and the
    body); otherwise they are answered 405.
    """

    def __init__(
        self, handle: Callable[[BaseHTTPRequestHandler], None], *, post: bool = False
    ) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body go out in two writes; with Nagle's algorithm and delayed
            # ACKs every keep-alive request would wait ~40 ms
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                handle(self)

            def do_POST(self) -> None:
                if post:
                    handle(self)
                    return
                self.send_response(405)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the tests read the fake's `requests` instead."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The endpoint to give a client (`http://127.0.0.1:PORT`)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class Served:
    """start/url/stop for a fake whose `_handle(request)` answers; `_post` serves POST too."""

    _serving: LoopbackServer | None
    _post: ClassVar[bool] = False

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    @property
    def url(self) -> str:
        """The endpoint to give the client (`http://127.0.0.1:PORT`)."""
        assert self._serving is not None, "start() the fake first"
        return self._serving.url

    def start(self) -> Self:
        """Serve on 127.0.0.1 on a free port, in a daemon thread."""
        self._serving = LoopbackServer(self._handle, post=self._post)
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._serving is not None:
            self._serving.stop()
