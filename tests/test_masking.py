"""Masking of secret-looking values."""

from __future__ import annotations

from scanner.masking import mask, mask_secrets


def test_mask_keeps_little() -> None:
    assert mask("hunter2-very-secret") == "hu**********"
    assert mask("abc") == "****"


def test_mask_secrets_by_key_and_by_shape() -> None:
    data = {
        "DB_PASSWORD": "s3cr3t-value",
        "password_last_used_at": "2026-10-01T00:00:00Z",
        "http_tokens": "optional",
        "note": "key AKIAABCDEFGHIJKLMNOP in text",
        "nested": [{"api_key": "abcdef123456"}],
        "already": {"token": "ab****"},
    }
    out = mask_secrets(data)
    assert out["DB_PASSWORD"] == "s3**********"
    assert out["password_last_used_at"] == "2026-10-01T00:00:00Z"
    assert out["http_tokens"] == "optional"
    assert "AKIAABCDEFGHIJKLMNOP" not in out["note"]
    assert out["nested"][0]["api_key"].startswith("ab*")
    assert out["already"]["token"] == "ab****"
