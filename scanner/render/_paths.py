"""Where the report templates live, in a wheel and in a source checkout.

The wheel ships the top-level `reports/` folder as `scanner/_data/reports`
(see `[tool.hatch.build.targets.wheel.force-include]` in pyproject.toml); a source
checkout or an editable install reads the top-level folder directly.
"""

from __future__ import annotations

from pathlib import Path

from scanner.errors import ReportError
from scanner.paths import data_dir

__all__ = ["reports_dir", "template_dir"]


def reports_dir() -> Path:
    """Return the folder holding the jinja2 templates and static assets of the reports."""
    return data_dir("reports")


def template_dir(fmt: str) -> Path:
    """Return `reports/<fmt>/`, raising ReportError when the installation lacks it."""
    folder = reports_dir() / fmt
    if not folder.is_dir():
        msg = (
            f"{folder}: report templates for format {fmt!r} not found "
            "(reinstall pscan, or run from a checkout that has reports/)"
        )
        raise ReportError(msg)
    return folder
