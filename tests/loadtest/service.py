"""A small real HTTP service with a known capacity, for load tests to measure.

Each request holds one of `slots` permits for `service_seconds`, so the service answers
at most slots / service_seconds requests per second (4 / 0.02 s = 200/s) however many
clients wait; requests to /fail answer 500. It counts what it served per method and path.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["Service", "running_service"]


class Service:
    """What a running service is: its URL, capacity and the requests it served."""

    def __init__(self, url: str, capacity_rps: float) -> None:
        self.url = url
        self.capacity_rps = capacity_rps
        self.served: Counter[tuple[str, str]] = Counter()
        self.lock = threading.Lock()

    def count(self) -> int:
        """Requests served so far."""
        with self.lock:
            return sum(self.served.values())


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 drops SYNs when many users connect at once

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up when a step ends are not errors of the service."""


@contextmanager
def running_service(slots: int = 4, service_seconds: float = 0.02) -> Iterator[Service]:
    """Serve on 127.0.0.1 (a free port) in a thread while the block runs."""
    permits = threading.Semaphore(slots)
    box: list[Service] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as load generators use it
        disable_nagle_algorithm = True  # headers and body leave at once, no 40 ms stalls

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            with permits:
                time.sleep(service_seconds)
            service = box[0]
            with service.lock:
                service.served[(self.command, self.path)] += 1
            status = 500 if self.path.startswith("/fail") else 200
            body = b"ok\n"
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server = _Server(("127.0.0.1", 0), Handler)
    box.append(Service(f"http://127.0.0.1:{server.server_port}", slots / service_seconds))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box[0]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
