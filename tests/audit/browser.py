"""Opening an HTML page in headless Chromium (Debian `chromium`, installed by `make chromium`).

Headless Chromium with `--enable-logging=stderr` logs every console message, CSP
violations included (a stylesheet whose hash the policy does not allow would be one), as
a line with `CONSOLE`; `--dump-dom` prints the DOM after load.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["Page", "needs_chromium", "open_page"]

needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="Debian chromium not installed (make chromium)"
)

# A cold start on a loaded 2-core machine has taken tens of seconds: a generous bound
# that still ends a hung browser.
_TIMEOUT = 300


@dataclass(frozen=True)
class Page:
    """What Chromium made of a page: the DOM after load, and its console messages."""

    dom: str
    console: list[str]


def open_page(page: Path, profile: Path) -> Page:
    """Load `page` (a local file) in a fresh profile under `profile`."""
    browser = subprocess.run(
        [
            "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
            "--v=0", f"--user-data-dir={profile}", "--dump-dom", page.as_uri(),
        ],
        capture_output=True, text=True, timeout=_TIMEOUT, check=True,
    )  # fmt: skip
    console = [line for line in browser.stderr.splitlines() if "CONSOLE" in line]
    return Page(dom=browser.stdout, console=console)
