"""Masking of secret-looking values: by key, by shape, in tags, errors and logs."""

from __future__ import annotations

import logging

import pytest

from scanner.engine.evaluate import _ref
from scanner.masking import MaskingFilter, mask, mask_secrets, mask_tags, mask_text

# Secrets of the shapes masking knows, each as it would sit inside other text.
SECRETS = {
    "aws key id": "AKIAIOSFODNN7EXAMPLE",
    "aws key id, letters only": "AKIAABCDEFGHIJKLMNOP",
    "github classic": "ghp_" + "a1B2c3D4e5" * 4,
    "github fine-grained": "github_pat_11ABCDEFG0" + "x9Y8z7W6v5" * 6,
    "gitlab": "glpat-" + "Ab3_dE6-gH9" * 2,
    "slack": "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "slack, capitals only": "xoxb-123456789012-1234567890123-ABCDEFGHIJKLMNOPQRSTUVWX",
    "password assignment": "password=Zx9mQ2vLp8wR",
    "api key in json": '"api_key": "Zx9mQ2vLp8wR"',
    "stripe": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "sendgrid": "SG." + "a" * 22 + "." + "B" * 43,
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "basic auth url": "https://deploy:Zx9mQ2vLp8wR@git.example.com/repo.git",
    "pem body": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7v1x\nQm9keSBsaW5l\n"
    "-----END RSA PRIVATE KEY-----",
}


def test_a_jwt_is_masked_with_its_signature() -> None:
    masked = mask_text("token " + SECRETS["jwt"])
    assert "dozjgNryP4J3jVmNHl0w5N" not in masked


def test_assignments_about_secrets_are_left_alone() -> None:
    text = "password_enabled=true token_type=Bearer http_tokens: optional secret: null"
    assert mask_text(text) == text


def test_mask_keeps_little() -> None:
    assert mask("hunter2-very-secret") == "hu**********"
    assert mask("abc") == "****"


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_every_secret_shape_is_masked_inside_text(name: str) -> None:
    secret = SECRETS[name]
    masked = mask_text(f"before {secret} after")
    assert masked.startswith("before ")
    assert secret not in masked
    for line in secret.splitlines():
        if len(line) > 8 and "PRIVATE KEY" not in line:
            assert line not in masked, "a line of the secret survived"


def test_ordinary_text_is_left_alone() -> None:
    text = (
        "Bucket northwind-staging-assets is public: arn:aws:iam::123456789012:role/x "
        "at 52.16.125.4 in eu-west-1 (sg-0123456789abcdef0)"
    )
    assert mask_text(text) == text


def test_mask_secrets_by_key_and_by_shape() -> None:
    data = {
        "DB_PASSWORD": "s3cr3t-value",
        "password_last_used_at": "2026-10-01T00:00:00Z",
        "http_tokens": "optional",
        "note": "key AKIAABCDEFGHIJKLMNOP in text",
        "nested": [{"api_key": "abcdef123456"}],
        "already": {"token": "ab****"},
        "starred": "pass*word with ghp_" + "a1B2c3D4e5" * 4,
    }
    out = mask_secrets(data)
    assert out["DB_PASSWORD"] == "s3**********"
    assert out["password_last_used_at"] == "2026-10-01T00:00:00Z"
    assert out["http_tokens"] == "optional"
    assert "AKIAABCDEFGHIJKLMNOP" not in out["note"]
    assert out["nested"][0]["api_key"].startswith("ab*")
    assert out["already"]["token"] == "ab****"
    assert "a1B2c3D4e5" not in out["starred"]  # a `*` elsewhere no longer skips masking


def test_a_findings_resource_tags_are_masked() -> None:
    resource = {
        "id": "r",
        "type": "aws.s3.bucket",
        "tags": {"Owner": "team-a", "ci_token": "plain-value-1", "Note": SECRETS["github classic"]},
    }
    tags = _ref(resource)[-1]  # the row's last field: the resource's tags
    assert tags["Owner"] == "team-a"
    assert tags["ci_token"] == "pl**********"
    assert SECRETS["github classic"] not in tags["Note"]


def test_tags_are_text_with_keys_and_values_masked_each_time() -> None:
    key = SECRETS["aws key id"]
    for _ in range(2):  # the second time from the per-pair cache
        tags = mask_tags({"replicas": 3, key: "x", "db_password": "hunter2hunter2"})
        assert tags["replicas"] == "3"
        assert key not in tags and tags[mask(key)] == "x"
        assert tags["db_password"] == "hu**********"


def test_log_records_and_their_tracebacks_are_masked() -> None:
    secret = SECRETS["stripe"]
    try:
        raise ValueError(f"bad value {secret}")
    except ValueError as exc:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "saw %s", (secret,), None)
        record.exc_info = (type(exc), exc, exc.__traceback__)
    MaskingFilter().filter(record)
    assert secret not in record.getMessage()
    assert record.exc_text is not None and secret not in record.exc_text
    assert "ValueError" in record.exc_text
