"""Orderings and counts shared by the renderers, so every format sorts and counts alike."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.model import (
    Category,
    ControlResult,
    Finding,
    FindingsDocument,
    FrameworkResult,
    Severity,
)

__all__ = [
    "CONTROL_STATUSES",
    "category_counts",
    "compliance_labels",
    "format_cost",
    "framework_counts",
    "severity_counts",
    "sort_findings",
    "undecided_reasons",
]

# Every status a ControlResult can have, in the order reports show them.
CONTROL_STATUSES = (
    "passed",
    "failed",
    "error",
    "not_judged",
    "manual",
    "not_covered",
    "not_applicable",
)

_CATEGORY_ORDER = {category: index for index, category in enumerate(Category)}


def _finding_key(finding: Finding) -> tuple[int, int, str, str, str]:
    return (
        -finding.severity.rank,
        _CATEGORY_ORDER[finding.category],
        finding.rule_id,
        finding.resource.id,
        finding.fingerprint,
    )


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then by category, rule id, resource id and fingerprint."""
    return sorted(findings, key=_finding_key)


def severity_counts(doc: FindingsDocument) -> dict[Severity, int]:
    """Findings per severity, every severity present, most severe first."""
    counts = dict.fromkeys(Severity, 0)
    for finding in doc.findings:
        counts[finding.severity] += 1
    return counts


def category_counts(doc: FindingsDocument) -> dict[Category, int]:
    """Findings per category, only categories that have findings, in Category order."""
    counts = dict.fromkeys(Category, 0)
    for finding in doc.findings:
        counts[finding.category] += 1
    return {category: count for category, count in counts.items() if count}


def framework_counts(framework: FrameworkResult) -> dict[str, int]:
    """Controls per status, every status present, in CONTROL_STATUSES order."""
    counts = framework.counts()
    return {status: counts.get(status, 0) for status in CONTROL_STATUSES}


def compliance_labels(finding: Finding) -> list[str]:
    """The finding's compliance mapping as sorted `framework:control` strings."""
    return sorted({f"{ref.framework}:{ref.control}" for ref in finding.compliance})


def format_cost(value: float | None) -> str:
    """A monthly USD amount with two decimals, or "" when there is none."""
    return "" if value is None else f"{value:.2f}"


def undecided_reasons(control: ControlResult) -> list[str]:
    """Why the control's rules left resources undecided: `resource: reason`, then `+N more`."""
    out = [f"{e.resource_id}: {e.reason}" for e in control.undecided_examples]
    if control.undecided > len(out):
        out.append(f"+{control.undecided - len(out)} more")
    return out
