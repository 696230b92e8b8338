"""Find secret-looking values in resource text (user data, metadata, env vars) with detect-secrets.

Shared by the collectors: a collector hands over a piece of text (a startup script, one
environment variable written as `NAME=value`) and gets back what was found, with the
secret already masked. Nothing here keeps or logs a secret in clear; a resource stores
only the returned `{location, kind, masked}` entries (its `secrets` attribute).

    >>> scan_text("DB_PASSWORD=Zx9#mQ2!vLp8wR", "env:DB_PASSWORD")
    [{'location': 'env:DB_PASSWORD', 'kind': 'Secret Keyword', 'masked': 'Zx**********'}]

Detection is Yelp's detect-secrets (https://github.com/Yelp/detect-secrets) with every
plugin and its default heuristic filters, so secrets it ignores in a repository (`${VAR}`
templates, UUIDs, sequential strings) are ignored here too. The text is scanned as if it
were a config file, which makes the keyword detector accept unquoted `KEY=value` lines,
the usual shape of environment variables and shell scripts.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Iterator
from typing import Any

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.core.potential_secret import PotentialSecret
from detect_secrets.settings import configure_settings_from_baseline, get_settings

from scanner.masking import mask

__all__ = ["scan_text"]

logger = logging.getLogger(__name__)

# detect-secrets keeps its settings in a process-wide object; scans must not interleave.
_LOCK = threading.Lock()
_configured = False
# The keyword detector picks its regexes by file extension; `.ini` selects the config
# flavour, which matches `password=hunter2` without quotes (the `.sh` flavour does not).
_PSEUDO_FILE = "pscan-scan.ini"
# detect-secrets' High Entropy plugins fire on almost any token of a line; a finding of
# another plugin on the same line says more, so entropy-only lines report one kind.
_ENTROPY_KINDS = frozenset({"Base64 High Entropy String", "Hex High Entropy String"})
# A value computed when the script runs (`PASSWORD="$(gcloud secrets versions access ...)"`,
# `TOKEN=${VAULT_TOKEN}`) is a reference, not a secret; detect-secrets' config flavour
# would report a word from inside the command (here `--secret=db-password`).
_COMPUTED_VALUE = re.compile(r"""[=:]\s*["']?(\$\(|\$\{|`)""")


def _configure() -> None:
    """Every plugin and the default filters, set once (like `default_settings()`, which
    rebuilds them on each use and costs about a millisecond a call)."""
    global _configured
    if _configured:
        return
    plugins: list[type[Any]] = list(get_mapping_from_secret_type_to_class().values())
    configure_settings_from_baseline({"plugins_used": [{"name": p.__name__} for p in plugins]})
    get_settings()  # settings are cached by detect-secrets from here on
    _configured = True


def _scan_lines(lines: list[str]) -> Iterator[PotentialSecret]:
    # The line scanner is not exported; detect-secrets' own scan_file / scan_diff call it.
    from detect_secrets.core.scan import _process_line_based_plugins

    numbered = list(enumerate(lines, 1))
    yield from _process_line_based_plugins(numbered, _PSEUDO_FILE)


def scan_text(text: str, location_prefix: str) -> list[dict[str, str]]:
    """Secrets found in `text`, each as `{location, kind, masked}`.

    `location` is `location_prefix`, followed by ` line N` when the text has several
    lines; `kind` is the detect-secrets type (e.g. `Secret Keyword`, `AWS Access Key`,
    `Private Key`); `masked` keeps at most two characters of the secret. One entry per
    line and kind, in line order.
    """
    if not text or not text.strip():
        return []
    found = _cached_scan(text)
    out = [
        {"location": location_prefix + where, "kind": kind, "masked": masked}
        for where, kind, masked in found
    ]
    if out:
        logger.debug("%d secret-looking value(s) in %s", len(out), location_prefix)
    return out


def _scan(text: str) -> tuple[tuple[str, str, str], ...]:
    """(where, kind, masked value) of each secret in `text`, in line order; `where` is
    ` line N` when the text has several lines, else empty."""
    lines = text.splitlines()
    with _LOCK:
        _configure()
        found = list(_scan_lines(lines))
    by_line: dict[int, dict[str, str]] = {}
    for secret in found:
        line = lines[secret.line_number - 1] if 0 < secret.line_number <= len(lines) else ""
        if secret.type == "Secret Keyword" and _COMPUTED_VALUE.search(line):
            continue
        kinds = by_line.setdefault(secret.line_number, {})
        kinds.setdefault(secret.type, secret.secret_value or "")
    out: list[tuple[str, str, str]] = []
    for line_number in sorted(by_line):
        kinds = by_line[line_number]
        specific = {k: v for k, v in kinds.items() if k not in _ENTROPY_KINDS}
        chosen = specific or dict(list(kinds.items())[:1])
        where = "" if len(lines) == 1 else f" line {line_number}"
        out += [(where, kind, mask(chosen[kind])) for kind in sorted(chosen)]
    return tuple(out)


# One text is often scanned many times: the instances of a managed group share their
# metadata, the revisions of a service their environment. Each distinct text is scanned
# once per process; the answer is kept under the text's BLAKE2b digest, so the cache
# holds no secret in clear (only masked values) and little memory whatever the texts'
# length. At most CACHED_TEXTS answers are kept, the oldest dropped first.
CACHED_TEXTS = 4096
_CACHE: dict[bytes, tuple[tuple[str, str, str], ...]] = {}


def _cached_scan(text: str) -> tuple[tuple[str, str, str], ...]:
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=32).digest()
    found = _CACHE.get(key)
    if found is None:
        found = _scan(text)
        with _LOCK:
            while len(_CACHE) >= CACHED_TEXTS:
                del _CACHE[next(iter(_CACHE))]
            _CACHE[key] = found
    return found
