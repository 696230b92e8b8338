"""Where the bundled data lives (inside the wheel, or at the top of a source checkout),
and how generated pages in a checkout are compared and written."""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_dir", "stale_pages", "write_pages"]

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The bundled `rules`, `reports` or `fixtures/demo` folder.

    An installed wheel carries them under `scanner/_data/`; a source checkout (editable
    install, tests) has them at the repository root.
    """
    installed = _PACKAGE / "_data" / name
    if installed.exists():
        return installed
    return _PACKAGE.parent / name


def stale_pages(root: Path, pages: dict[Path, str]) -> list[Path]:
    """The generated pages (path under `root` -> text) missing or different on disk."""
    return [
        rel
        for rel, text in pages.items()
        if not (root / rel).is_file() or (root / rel).read_text(encoding="utf-8") != text
    ]


def write_pages(root: Path, pages: dict[Path, str]) -> list[Path]:
    """Write the pages that are stale under `root`; return them."""
    changed = stale_pages(root, pages)
    for rel in changed:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(pages[rel], encoding="utf-8")
    return changed
