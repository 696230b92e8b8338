"""Which URLs a load test may hit: loopback only, unless the user allows remote targets.

A load test is a small denial of service. By default it may only aim at this machine
(127.0.0.0/8, ::1): every address the host name resolves to must be loopback, so a name
that resolves elsewhere is refused as well as a remote address.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from scanner.errors import ConfigError

__all__ = ["Target", "check_target", "is_loopback"]


@dataclass(frozen=True)
class Target:
    """A load-test target: its origin (scheme://host:port) and the URL's path and query."""

    url: str
    origin: str
    path: str
    addresses: tuple[str, ...]

    @property
    def base(self) -> str:
        """The URL without a trailing slash: a tier's request paths are appended to it."""
        return self.origin + self.path.split("?", 1)[0].rstrip("/")


def is_loopback(address: str) -> bool:
    """Whether an IP address is on the loopback network (IPv4-mapped IPv6 included)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def check_target(url: str, allow_remote: bool = False) -> Target:
    """Parse and resolve a target URL; refuse one that is not loopback unless allowed.

    Raises:
        ConfigError: not an http(s) URL, a host that does not resolve, or a host that is
            not loopback without `allow_remote`.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        msg = f"target {url!r}: give an http:// or https:// URL with a host"
        raise ConfigError(msg)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        msg = f"target {url!r}: the port is not a number from 0 to 65535"
        raise ConfigError(msg) from None
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        msg = f"target {url!r}: cannot resolve {parts.hostname}: {exc.strerror or exc}"
        raise ConfigError(msg) from None
    addresses = tuple(sorted({str(info[4][0]) for info in infos}))
    remote = [a for a in addresses if not is_loopback(a)]
    if remote and not allow_remote:
        msg = (
            f"target {url!r} resolves to {', '.join(remote)}, not a loopback address;"
            " load tests aim at 127.0.0.0/8 or ::1 unless you pass --allow-remote"
        )
        raise ConfigError(msg)
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    return Target(
        url=url,
        origin=f"{parts.scheme}://{parts.netloc}",
        path=path,
        addresses=addresses,
    )
