"""The shared secret scanner: what it finds, where it says it found it, and only masked."""

from __future__ import annotations

import pytest

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
