"""Small text helpers shared by the renderers: links, code fences, control characters."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["code_fence", "is_web_url", "strip_control"]

# C0 controls except tab, newline and carriage return, plus DEL: invalid in XML 1.0
# (and terminal escape sequences have no business in a report). Lone surrogates and
# U+FFFE/U+FFFF cannot be encoded or are not XML characters either.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def is_web_url(value: str) -> bool:
    """True for an absolute http(s) URL: the only references reports turn into links."""
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def code_fence(text: str, lang: str = "") -> str:
    """Wrap text in a Markdown code fence longer than any backtick run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{text.rstrip()}\n{fence}"


def strip_control(text: str) -> str:
    """Remove characters that XML 1.0 forbids: controls but tab, CR and LF, surrogates."""
    return _CONTROL.sub("", text)
