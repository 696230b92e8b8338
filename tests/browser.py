"""pscan's HTML pages in a real browser: Playwright driving Debian's `chromium`.

`make chromium` installs the browser (like Graphviz); Playwright comes from the dev extra
and launches that executable, never a browser of its own (nothing is downloaded). Each
page opens in a fresh browser context that records everything the page does which a
self-contained, inert report must not do:

- console messages (a CSP violation is a console error),
- uncaught script errors and dialogs (`alert` from injected markup would be one),
- every request, and requests other than the page itself are refused, so a broken
  report can never reach the network from a test.

Tests where chromium is missing skip with a reason, except with PSCAN_REQUIRE_TOOLS=1
(CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Route, sync_playwright

__all__ = ["Visit", "launch", "needs_chromium", "visit"]

CHROMIUM = shutil.which("chromium")
REQUIRED = os.environ.get("PSCAN_REQUIRE_TOOLS") == "1"

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not REQUIRED, reason="Debian chromium not installed (make chromium)"
)

# A cold start on a loaded 2-core machine has taken tens of seconds.
_TIMEOUT_MS = 120_000


@contextmanager
def launch() -> Iterator[Browser]:
    """Headless Debian chromium under Playwright, closed on exit."""
    if CHROMIUM is None:
        pytest.fail("chromium is not installed: make chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox"], timeout=_TIMEOUT_MS
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Visit:
    """One page as loaded, and what it did while the test used it."""

    page: Page
    url: str
    console: list[str] = field(default_factory=list)  # "type: text" of each message
    errors: list[str] = field(default_factory=list)  # uncaught exceptions
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Console errors and warnings, script errors, dialogs and requests not for the page."""
        return [
            *(m for m in self.console if m.startswith(("error:", "warning:"))),
            *(f"page error: {e}" for e in self.errors),
            *(f"dialog: {d}" for d in self.dialogs),
            *(f"request: {r}" for r in self.requests if r != self.url and not _inline(r)),
        ]

    def js(self, expression: str, arg: Any = None) -> Any:
        """The value of a JavaScript expression (a function if `arg` is given) in the page."""
        return self.page.evaluate(expression, arg)

    def broken_references(self) -> list[str]:
        """In-page references that do not resolve to exactly one element: links and SVG
        `href`s to `#id`, `url(#id)` paints and clips, and ids used twice."""
        found: list[str] = self.js(
            """() => {
                const ids = {};
                for (const e of document.querySelectorAll('[id]')) ids[e.id] = (ids[e.id] || 0) + 1;
                const bad = Object.keys(ids).filter(i => ids[i] > 1).map(i => 'duplicate id ' + i);
                for (const e of document.querySelectorAll('*')) {
                    for (const a of e.attributes) {
                        const local = a.name.endsWith('href') && a.value.startsWith('#');
                        const paint = a.value.match(/^url\\(#([^)]*)\\)$/);
                        const ref = local ? a.value.slice(1) : paint ? paint[1] : undefined;
                        if (ref !== undefined && ids[decodeURIComponent(ref)] !== 1) {
                            bad.push(e.tagName + ' ' + a.name + '=' + a.value);
                        }
                    }
                }
                return bad;
            }"""
        )
        return found

    def count_visible(self, selector: str) -> int:
        """Elements matching `selector` that are rendered (not hidden themselves or by a parent)."""
        count: int = self.js(
            "s => [...document.querySelectorAll(s)].filter(e => e.checkVisibility()).length",
            selector,
        )
        return count

    def open_all_details(self) -> None:
        self.js("document.querySelectorAll('details').forEach(d => { d.open = true; })")

    def svg_sizes(self, selector: str) -> list[tuple[float, float]]:
        """Width and height on screen of every `selector svg` (outermost SVGs only)."""
        sizes: list[list[float]] = self.js(
            """s => [...document.querySelectorAll(s + ' svg')]
                .filter(e => !e.parentElement.closest('svg'))
                .map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })""",
            selector,
        )
        return [(w, h) for w, h in sizes]


def _inline(url: str) -> bool:
    return url.startswith(("data:", "about:"))


@contextmanager
def visit(browser: Browser, path: Path, size: tuple[int, int] = (1280, 720)) -> Iterator[Visit]:
    """Open the local file `path` in a fresh context with a window of `size`; closed on exit."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.set_default_timeout(_TIMEOUT_MS)
    page = context.new_page()
    seen = Visit(page=page, url=path.resolve().as_uri())

    def refuse_network(route: Route) -> None:
        if route.request.url == seen.url or _inline(route.request.url):
            route.continue_()
        else:
            route.abort()

    def on_console(message: ConsoleMessage) -> None:
        seen.console.append(f"{message.type}: {message.text}")

    def on_dialog(dialog: Dialog) -> None:
        seen.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    context.route("**/*", refuse_network)
    context.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on("dialog", on_dialog)
    try:
        page.goto(seen.url, wait_until="load")
        yield seen
    finally:
        context.close()
