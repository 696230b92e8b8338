"""The shared secret scanner: what it finds, where it says it found it, and only masked."""

from __future__ import annotations

import pytest

from scanner.collectors import secrets
from scanner.collectors.secrets import scan_text

SCRIPT = """#!/bin/bash
apt-get install -y nginx
export DB_PASSWORD='Zx9#mQ2!vLp8wRt7'
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
TOKEN="$(gcloud secrets versions access latest --secret=api-token)"
echo done
"""


def test_a_script_reports_line_kind_and_masked_value() -> None:
    assert scan_text(SCRIPT, "metadata:startup-script") == [
        {
            "location": "metadata:startup-script line 3",
            "kind": "Secret Keyword",
            "masked": "Zx**********",
        },
        {
            "location": "metadata:startup-script line 4",
            "kind": "AWS Access Key",
            "masked": "AK**********",
        },
    ]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("DB_PASSWORD=Zx9#mQ2!vLp8wRt7", ["Secret Keyword"]),
        ("STRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc", ["Stripe Access Key"]),
        ("GH=ghp_abcdefghijklmnopqrstuvwxyz0123456789", ["GitHub Token"]),
        ("-----BEGIN RSA PRIVATE KEY-----", ["Private Key"]),
        ("LOG_LEVEL=debug", []),
        ("PASSWORD=${DB_PASSWORD}", []),
        ("", []),
    ],
)
def test_single_values(text: str, kinds: list[str]) -> None:
    found = scan_text(text, "env:X")
    assert sorted(f["kind"] for f in found) == kinds
    assert all(f["location"] == "env:X" for f in found)


def test_nothing_is_kept_in_clear() -> None:
    for finding in scan_text(SCRIPT, "x"):
        assert "Zx9#mQ2!vLp8wRt7" not in finding["masked"]
        assert "*" in finding["masked"]


def test_a_repeated_text_is_scanned_once_with_the_same_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scanned: list[str] = []
    scan = secrets._scan

    def counting(text: str) -> tuple[tuple[str, str, str], ...]:
        scanned.append(text)
        return scan(text)

    monkeypatch.setattr(secrets, "_CACHE", {})
    monkeypatch.setattr(secrets, "_scan", counting)
    first = scan_text(SCRIPT, "metadata:startup-script")
    again = scan_text(SCRIPT, "metadata:other")
    assert scanned == [SCRIPT]
    assert [f["location"] for f in again] == [
        "metadata:other line 3",
        "metadata:other line 4",
    ]
    assert [(f["kind"], f["masked"]) for f in again] == [(f["kind"], f["masked"]) for f in first]
    first[0]["masked"] = "changed by the caller"
    assert scan_text(SCRIPT, "metadata:startup-script")[0]["masked"] == "Zx**********"
    assert scanned == [SCRIPT]


def test_the_cache_is_bounded_and_keeps_no_text_in_clear(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secrets, "_CACHE", {})
    monkeypatch.setattr(secrets, "CACHED_TEXTS", 3)
    texts = [f"DB_PASSWORD=Zx9#mQ2!vLp8wR{n}" for n in range(5)]
    for text in texts:
        assert [f["kind"] for f in scan_text(text, "env:DB_PASSWORD")] == ["Secret Keyword"]
    assert len(secrets._CACHE) == 3
    kept = repr(secrets._CACHE)
    assert all(text not in kept and "Zx9#mQ2!vLp8wR" not in kept for text in texts)
