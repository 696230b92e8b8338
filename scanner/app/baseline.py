"""`pscan baseline create`: accept today's findings so that only new ones fail the gate."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from scanner.app.events import Listener, ignore
from scanner.app.files import write_atomic
from scanner.app.scan import RuleOptions, load_ruleset, scan_snapshots
from scanner.cost import CostSettings
from scanner.engine import RuleSet
from scanner.gate import Baseline, baseline_from
from scanner.model import FindingsDocument
from scanner.render.jsonout import read_findings
from scanner.snapshot import open_snapshot

__all__ = ["create_baseline"]


def create_baseline(
    sources: Sequence[Path],
    output: Path,
    rules: RuleOptions | None = None,
    on_event: Listener = ignore,
) -> Baseline:
    """Write a baseline of the failing, unsuppressed findings of `sources` to `output`.

    A source that is a snapshot directory is scanned with the rule packs (the built-in
    ones and `rules`) first; any other source is a findings document.

    Raises:
        ReportError, SnapshotError, RuleLoadError: a source or rule pack is invalid.
    """
    docs: list[FindingsDocument] = []
    ruleset: RuleSet | None = None
    for source in sources:
        if source.is_dir():
            ruleset = ruleset or load_ruleset(rules)
            snap = open_snapshot(source)
            # the cost findings at their default thresholds, as `pscan scan` finds them
            docs.append(scan_snapshots([snap], ruleset, on_event=on_event, cost=CostSettings()))
        else:
            docs.append(read_findings(source))
    baseline = baseline_from(docs, source=", ".join(str(s) for s in sources))
    write_atomic(output, baseline.model_dump_json(indent=2) + "\n")
    return baseline
