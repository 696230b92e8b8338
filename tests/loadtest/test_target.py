"""Only loopback targets: remote addresses and names that resolve elsewhere are refused."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from scanner.errors import ConfigError
from scanner.loadtest.target import check_target, is_loopback
from tests.loadtest.conftest import assert_user_error, pscan


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.1", False),
        ("0.0.0.0", False),
        ("192.0.2.10", False),
        ("::ffff:10.0.0.1", False),
        ("2001:db8::1", False),
    ],
)
def test_is_loopback(address: str, loopback: bool) -> None:
    assert is_loopback(address) is loopback


def _resolving(monkeypatch: pytest.MonkeyPatch, names: dict[str, list[str]]) -> None:
    """Make some host names resolve to the given addresses (others as usual)."""
    real = socket.getaddrinfo

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in names:
            return real(host, port, *args, **kwargs)
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port, 0, 0) if ":" in a else (a, port),
            )
            for a in names[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def test_a_remote_address_exits_2(tmp_path: Path) -> None:
    result = pscan("loadtest", "http://10.0.0.1:8080/", "-o", str(tmp_path / "r.json"))
    assert_user_error(result, "10.0.0.1", "not a loopback address", "--allow-remote")
    assert not (tmp_path / "r.json").exists()


def test_a_name_resolving_elsewhere_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _resolving(
        monkeypatch, {"app.internal": ["192.0.2.10"], "both.internal": ["127.0.0.1", "10.1.2.3"]}
    )
    for url, fragment in (
        ("http://app.internal/", "192.0.2.10"),
        ("http://both.internal/", "10.1.2.3"),
    ):
        result = pscan("loadtest", url, "--plan-only", "-o", str(tmp_path / "p.json"))
        assert_user_error(result, fragment, "not a loopback address")
    assert not (tmp_path / "p.json").exists()


def test_a_name_that_does_not_resolve_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    result = pscan("loadtest", "http://nowhere.invalid/", "-o", str(tmp_path / "r.json"))
    assert_user_error(result, "cannot resolve nowhere.invalid")


def test_allow_remote_lets_a_remote_target_through(tmp_path: Path) -> None:
    result = pscan(
        "loadtest", "http://10.0.0.1:8080/x", "--allow-remote", "--plan-only",
        "-o", str(tmp_path / "p.json"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "p.json").exists()


def test_loopback_names_and_addresses_pass() -> None:
    assert check_target("http://localhost:1/").addresses
    target = check_target("http://127.0.0.2:8080/api/v1/?q=1")
    assert target.origin == "http://127.0.0.2:8080"
    assert target.path == "/api/v1/?q=1"
    assert target.base == "http://127.0.0.2:8080/api/v1"
    assert check_target("http://[::1]:9/").addresses == ("::1",)


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/", "127.0.0.1:8080", "http:///x", "http://127.0.0.1:99999/"]
)
def test_malformed_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigError, match="target"):
        check_target(url)
