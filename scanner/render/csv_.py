"""CSV output: one row per finding, for spreadsheets and ad-hoc analysis.

Named `csv_` so that it does not shadow the standard library's `csv`. Cells that a
spreadsheet would read as a formula (starting with = + - @, tab or carriage return) are
prefixed with a single quote, as OWASP recommends against CSV injection:
https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

import csv
import io

from scanner.model import Finding, FindingsDocument
from scanner.render._summary import compliance_labels, format_cost, sort_findings

__all__ = ["CSV_COLUMNS", "render_csv"]

CSV_COLUMNS = (
    "severity",
    "rule_id",
    "title",
    "category",
    "provider",
    "account",
    "region",
    "resource_type",
    "resource_id",
    "resource_name",
    "message",
    "compliance",
    "monthly_cost_usd",
    "fingerprint",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render_csv(doc: FindingsDocument) -> str:
    """Render the findings as CSV with a header row, most severe first.

    Lines end with "\\n"; write the text with `newline=""` so that it stays that way.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for finding in sort_findings(doc.findings):
        writer.writerow(_row(finding))
    return out.getvalue()


def _row(finding: Finding) -> list[str]:
    resource = finding.resource
    text_cells = [
        finding.severity.value,
        finding.rule_id,
        finding.title,
        finding.category.value,
        resource.provider,
        resource.account,
        resource.region,
        resource.type,
        resource.id,
        resource.name,
        finding.message,
        ";".join(compliance_labels(finding)),
    ]
    # The cost is a number pscan formats itself (and may be negative for savings), so it
    # is exempt from the formula guard; every other cell carries text from the document.
    return [
        *(_guard(cell) for cell in text_cells),
        format_cost(finding.monthly_cost_usd),
        _guard(finding.fingerprint),
    ]


def _guard(cell: str) -> str:
    # spreadsheets skip leading spaces (and other whitespace) before reading a formula
    return "'" + cell if cell.lstrip(" \u00a0\n\v\f").startswith(_FORMULA_START) else cell
