"""Adding a benchmark run's table to bench/RESULTS.md, under its section."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def add_run(heading: str, table: str, *, in_section: bool = False) -> None:
    """Add `table` under the `## {heading}` section (made at the end when missing): at
    the end of that section with `in_section`, else at the end of the file."""
    text = RESULTS.read_text(encoding="utf-8")
    mark = f"\n## {heading.split(' (', 1)[0]}"
    if mark not in text:
        text = text.rstrip("\n") + f"\n\n## {heading}\n\n"
    end = text.find("\n## ", text.index(mark) + 1) if in_section else -1
    end = len(text) if end < 0 else end
    head, tail = text[:end].rstrip("\n"), text[end:]
    RESULTS.write_text(head + "\n\n" + table.rstrip("\n") + "\n" + tail, encoding="utf-8")
