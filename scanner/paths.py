"""Where the bundled data lives: inside the wheel, or at the top of a source checkout."""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_dir"]

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
