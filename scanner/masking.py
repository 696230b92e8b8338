"""Masking of secret-looking values, so no output ever prints a secret in full, and
terminal control sequences, so nothing from a cloud API can drive a terminal.

One function decides what a secret looks like, for every output: findings' evidence,
messages and tags, error lines and log records.

- By key: a value whose key names a secret (`DB_PASSWORD`, `api_key`, `token`, ...),
  and in text a value assigned to such a key (`password=...`, `"api_key": "..."`: the
  assignments detect-secrets' Secret Keyword plugin looks for).
- By shape: the value patterns of detect-secrets' regex detectors (AWS keys, GitHub,
  GitLab, Slack, Stripe, Twilio, SendGrid, npm, PyPI, OpenAI, Discord, Telegram, Azure
  storage keys, JWTs, basic-auth URLs, ...), plus what they leave out: the body of a PEM
  private key (not only its BEGIN line) and fine-grained GitHub tokens (`github_pat_`).
  Left out on purpose: "Public IP", because addresses are what exposure findings are
  about; "Artifactory", whose `AP...` pattern matches ordinary words; and the detectors
  that find a secret by a keyword near it (Cloudant, IBM Cloud IAM, IBM COS HMAC,
  SoftLayer, the AWS secret-key context), which cost about 50 microseconds each per
  value. Free text that collectors read (user data, metadata, environment) is scanned by
  detect-secrets with every plugin (`scanner.collectors.secrets`) before it is stored.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

__all__ = ["MaskingFilter", "inert", "mask", "mask_secrets", "mask_tags", "mask_text"]

# Matched against the last segment of a key, word by word: DB_PASSWORD, api_key, token.
_SECRET_KEY = re.compile(
    r"(^|[_.-])(password|passwd|pwd|secret|token|api[_-]?key|private[_-]?key)($|[_.-])",
    re.IGNORECASE,
)

# Keys that merely talk about a secret (password_last_used_at, token_type, ...).
_NOT_SECRET_KEY = re.compile(
    r"(_at|_enabled|_used|_type|_days|_count|_policy|_length|_age|_arn|_id|_name|_kind)$",
    re.IGNORECASE,
)

# What `mask` writes: at most two characters, then stars.
_MASKED = re.compile(r"^[^*]{0,2}\*{4,}$")

_OWN_PATTERNS = (
    # a whole PEM private key, body included (to its END line, or the end of the text)
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----(?:.*?-----END [A-Z ]*PRIVATE KEY-----|.*)",
    r"\bgithub_pat_[A-Za-z0-9_]{22,}",
    r"\bgh[pousr]_[A-Za-z0-9]{30,}\b",
    r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
    # a whole JWT: detect-secrets' pattern stops before the signature, which stayed in clear
    r"\beyJ[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+\.[A-Za-z0-9_.+/=-]*",
)
_LEFT_OUT = frozenset(
    {
        "Public IP (ipv4)",
        "Artifactory Credentials",
        "Cloudant Credentials",
        "IBM Cloud IAM Key",
        "IBM COS HMAC Credentials",
        "SoftLayer Credentials",
    }
)
# A detector's pattern that finds a secret by a keyword before it, not by its shape.
_KEYWORD_CONTEXT = re.compile(r"^aws\.\{0,20\}")


@lru_cache(maxsize=1)
def _secret_value() -> re.Pattern[str]:
    """Our patterns first (so a PEM block wins over its BEGIN line), then detect-secrets'."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.plugins.base import RegexBasedDetector

    patterns = list(_OWN_PATTERNS)
    plugins: dict[str, Any] = get_mapping_from_secret_type_to_class()
    for name, plugin in sorted(plugins.items()):
        if name not in _LEFT_OUT and issubclass(plugin, RegexBasedDetector):
            denylist: list[re.Pattern[str]] = plugin.denylist
            patterns.extend(
                # the detector's own case-insensitivity kept (Slack tokens have capitals)
                f"(?i:{p.pattern})" if p.flags & re.IGNORECASE else p.pattern
                for p in denylist
                if not _KEYWORD_CONTEXT.match(p.pattern)
            )
    flags = re.DOTALL | re.VERBOSE
    return re.compile("|".join(f"(?:{p})" for p in _to_verbose(patterns)), flags)


def _to_verbose(patterns: list[str]) -> list[str]:
    """Patterns written without the VERBOSE flag, made safe to join under it."""
    return [p if "\n" in p else p.replace(" ", r"\ ").replace("#", r"\#") for p in patterns]


# C0 controls but tab and newline (ESC starts every escape sequence; CR rewrites the line
# it is on, which could forge a verdict above the real one), DEL and the C1 controls
# (U+009B is a one-character CSI).
_TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def inert(text: str) -> str:
    """`text` with terminal controls removed: what pscan prints or logs cannot move the
    cursor, clear the screen, set the title or rewrite a line."""
    return _TERMINAL_CONTROL.sub("", text)


def mask(value: str) -> str:
    """Keep at most the first two characters of a secret and star the rest."""
    if len(value) < 8:
        return "*" * max(len(value), 4)
    return value[:2] + "*" * min(len(value) - 2, 10)


# Every secret shape above has a run of 20+ token characters holding a digit or a capital
# letter, or one of these marks; text with neither is returned as it is, unsearched (most
# messages, made of lower-case names, are), which keeps masking a few microseconds a value.
_TOKEN_RUN = re.compile(r"[A-Za-z0-9+/_=.\-]{20,}")
_DIGIT_OR_CAPITAL = re.compile(r"[0-9A-Z]")
_MARKS = ("PRIVATE KEY", "PuTTY", "_authToken", "@", "k_live_", "xox")


def _may_hold_secret(text: str) -> bool:
    if any(mark in text for mark in _MARKS):
        return True
    return any(_DIGIT_OR_CAPITAL.search(run) for run in _TOKEN_RUN.findall(text))


# detect-secrets' "Secret Keyword" plugin: a value assigned to a key that names a secret
# (`password=...`, `"api_key": "..."`, `DB_PASSWORD: ...`), the key judged by `_is_secret_key`.
_KEYWORD = re.compile(r"pass|pwd|secret|token|key", re.IGNORECASE)
_ASSIGNMENT = re.compile(
    r"""(?<![\w.-])(?P<key>[\w.-]*?(?:password|passwd|pwd|secret|token|api[_-]?key|private[_-]?key)[\w.-]*)
    (?P<sep>['"]?\s*(?::=|={1,3}|:)\s*['"]?)
    (?P<value>[^\s'"`,;&]+)""",
    re.IGNORECASE | re.VERBOSE,
)
_PLAIN_VALUE = re.compile(r"^(?:true|false|null|none|-?\d+(?:\.\d+)?)$", re.IGNORECASE)


def _is_secret_key(key: str) -> bool:
    """A key that names a secret (`DB_PASSWORD`, `api_key`), not one about a secret."""
    return bool(_SECRET_KEY.search(key)) and not _NOT_SECRET_KEY.search(key)


def _mask_assignment(match: re.Match[str]) -> str:
    value = match.group("value")
    if not _is_secret_key(match.group("key")) or _PLAIN_VALUE.match(value) or _MASKED.match(value):
        return match.group(0)
    return match.group("key") + match.group("sep") + mask(value)


def mask_text(text: str) -> str:
    """`text` with every secret-shaped part masked (error lines, log records, messages)."""
    if len(text) > _CACHED_LENGTH:
        return _mask_text(text)
    return _mask_short(text)


# Short values (tag values, names, enum-like attributes) repeat across an estate: their
# answers are kept, so each distinct one is searched once per process.
_CACHED_LENGTH = 200


def _mask_text(text: str) -> str:
    if _may_hold_secret(text):
        text = _secret_value().sub(lambda m: mask(m.group(0)), text)
    if _KEYWORD.search(text):
        text = _ASSIGNMENT.sub(_mask_assignment, text)
    return text


_mask_short = lru_cache(maxsize=1 << 16)(_mask_text)


def mask_secrets(value: Any, key: str = "") -> Any:
    """Return `value` with secret-looking strings masked, recursing into lists and dicts.

    A string is masked whole when its key names a secret (password, token, ...), and
    in part wherever it holds something shaped like a credential. A value `mask` already
    wrote is left as it is.
    """
    if isinstance(value, dict):
        return {k: mask_secrets(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_secrets(v, key) for v in value]
    if isinstance(value, str) and value and not _MASKED.match(value):
        if key and _is_secret_key(key) and not value.startswith("arn:"):
            return mask(value)
        return mask_text(value)
    return value


def mask_tags(tags: Mapping[Any, Any]) -> dict[str, str]:
    """Tags as reports show them: keys and values as text, keys masked like any text and
    values like `mask_secrets` masks a value under its key."""
    return dict(_masked_tag(str(k), str(v)) for k, v in tags.items())


# Tags repeat across an estate (environment, team, product): each distinct pair is
# masked once per process.
@lru_cache(maxsize=1 << 16)
def _masked_tag(key: str, value: str) -> tuple[str, str]:
    return mask_text(key), mask_secrets(value, key)


class MaskingFilter(logging.Filter):
    """A logging filter that masks secrets in each record's message and traceback and
    makes them inert (`inert`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = inert(mask_text(record.getMessage()))
        record.args = None
        if record.exc_info:
            import traceback

            text = "".join(traceback.format_exception(*record.exc_info))
            record.exc_text = inert(mask_text(text))
            record.exc_info = None
        return True
