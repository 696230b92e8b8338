"""Masking of secret-looking values, so no output ever prints a secret in full."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["mask", "mask_secrets"]

# Matched against the last segment of a key, word by word: DB_PASSWORD, api_key, token.
_SECRET_KEY = re.compile(
    r"(^|[_.-])(password|passwd|pwd|secret|token|api[_-]?key|private[_-]?key)($|[_.-])",
    re.IGNORECASE,
)
_SECRET_VALUE = re.compile(
    r"\b(AKIA|ASIA)[0-9A-Z]{16}\b|-----BEGIN [A-Z ]*PRIVATE KEY-----|\bgh[pousr]_[A-Za-z0-9]{30,}\b"
)


# Keys that merely talk about a secret (password_last_used_at, token_type, ...).
_NOT_SECRET_KEY = re.compile(
    r"(_at|_enabled|_used|_type|_days|_count|_policy|_length|_age|_arn|_id|_name|_kind)$",
    re.IGNORECASE,
)


def mask(value: str) -> str:
    """Keep at most the first two characters of a secret and star the rest."""
    if len(value) < 8:
        return "*" * max(len(value), 4)
    return value[:2] + "*" * min(len(value) - 2, 10)


def mask_secrets(value: Any, key: str = "") -> Any:
    """Return `value` with secret-looking strings masked, recursing into lists and dicts.

    A string is masked when its key names a secret (password, token, ...) or when it
    looks like a credential itself (an AWS access key id, a private key, a GitHub token).
    Values that are already masked (contain `*`) are left alone.
    """
    if isinstance(value, dict):
        return {k: mask_secrets(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_secrets(v, key) for v in value]
    if isinstance(value, str) and "*" not in value:
        if (
            key
            and value
            and _SECRET_KEY.search(key)
            and not _NOT_SECRET_KEY.search(key)
            and not value.startswith("arn:")
        ):
            return mask(value)
        if _SECRET_VALUE.search(value):
            return _SECRET_VALUE.sub(lambda m: mask(m.group(0)), value)
    return value
