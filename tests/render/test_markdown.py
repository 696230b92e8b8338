"""Markdown: a pull-request comment that summarises, escapes and stays under GitHub's limit."""

from __future__ import annotations

import re

from scanner.model import Category, FindingsDocument, Remediation, Severity
from scanner.render.markdown import MAX_COMMENT_CHARS, escape_markdown, render_markdown

from .conftest import HOSTILE, HOSTILE_ESCAPED, make_finding


def _table_rows(text: str, header: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(header)
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def _cells(row: str) -> list[str]:
    # Split on pipes that are not escaped with a backslash (which may itself be escaped).
    return re.split(r"(?<!\\)(?:\\\\)*\|", row)[1:-1]


def test_summary_counts(doc: FindingsDocument) -> None:
    text = render_markdown(doc)
    assert text.startswith("## pscan report\n")
    rows = _table_rows(text, "| Severity | Findings |")
    assert rows == [
        "| critical | 2 |",
        "| high | 2 |",
        "| medium | 1 |",
        "| low | 2 |",
        "| info | 1 |",
    ]
    categories = _table_rows(text, "| Category | Findings |")
    assert "| cost | 1 |" in categories
    assert len(categories) == 7


def test_top_findings_rows_keep_four_cells_despite_hostile_text(doc: FindingsDocument) -> None:
    text = render_markdown(doc)
    rows = _table_rows(text, "| Severity | Rule | Resource | Message |")
    assert len(rows) == len(doc.findings)
    assert all(len(_cells(row)) == 4 for row in rows)


def test_hostile_values_are_escaped(doc: FindingsDocument) -> None:
    text = render_markdown(doc)
    assert HOSTILE not in text
    assert HOSTILE_ESCAPED in text
    assert "\\`backticks\\`" in text
    assert "\\[a\\](http&#58;//x)" in text
    assert "&amp;" in text


def test_escape_markdown() -> None:
    assert escape_markdown("a|b") == "a\\|b"
    assert escape_markdown("a\\|b") == "a\\\\\\|b"
    assert escape_markdown("<b>`x`</b>") == "&lt;b&gt;\\`x\\`&lt;/b&gt;"
    assert escape_markdown("one\n\n  two\r\nthree") == "one two three"
    assert escape_markdown("x\x1b[0m") == "x\\[0m"


def test_a_pull_request_comment_notifies_nobody_and_links_nothing() -> None:
    assert escape_markdown("cc @security-team") == "cc &#64;security-team"
    assert escape_markdown("owner ops@example.com") == "owner ops@example.com"  # no mention
    assert escape_markdown("see https://evil.example/x") == "see https&#58;//evil.example/x"
    assert escape_markdown("www.evil.example") == "www&#46;evil.example"


def test_limit_adds_a_more_note() -> None:
    findings = [make_finding("rule_many", f"res-{i:03}") for i in range(60)]
    text = render_markdown(FindingsDocument(tool_version="0.1.0", findings=findings))
    rows = _table_rows(text, "| Severity | Rule | Resource | Message |")
    assert len(rows) == 50
    assert "_10 more in the full report._" in text
    assert "- and 40 more" in text  # 20 resources listed per rule in the details


def test_details_per_severity_with_remediation(doc: FindingsDocument) -> None:
    text = render_markdown(doc)
    assert text.count("<details>") == 5
    assert text.count("</details>") == 5
    assert "<summary><b>critical</b>: 2 findings from 1 rule</summary>" in text
    critical = text.split("<summary><b>critical</b>")[1].split("</details>")[0]
    assert "**Remediation:** Turn on all four S3 Block Public Access settings." in critical
    assert '```hcl\nresource "aws_s3_bucket_public_access_block"' in critical
    assert "```sh\naws s3api put-public-access-block" in critical


def test_code_fence_outgrows_backticks_in_remediation() -> None:
    finding = make_finding(
        "rule_fence",
        "res",
        remediation=Remediation(summary="s", cli="echo ```\n```` done"),
    )
    text = render_markdown(FindingsDocument(tool_version="0.1.0", findings=[finding]))
    assert "`````sh\necho ```\n```` done\n`````" in text


def test_compliance_and_collection_errors(doc: FindingsDocument) -> None:
    text = render_markdown(doc)
    header = (
        "| Framework | Version | Passed | Failed | Error | Not judged | Manual | Not covered"
        " | Not applicable |"
    )
    assert _table_rows(text, header) == [
        "| CIS AWS Foundations Benchmark | 3.0.0 | 1 | 1 | 0 | 1 | 1 | 1 | 1 |"
    ]
    # a control decided only by undecided results says so, and why
    assert "**CIS AWS Foundations Benchmark 3.0.0: not judged.**" in text
    assert _table_rows(text, "| Control | Title | Why |") == [
        "| 4.3 | Ensure usage of the 'root' account is monitored"
        " | arn:aws:account::123456789012:account: metric filters of log group"
        " /aws/cloudtrail/&lt;script&gt;alert(1)&lt;/script&gt; were not collected |"
    ]
    errors = _table_rows(text, "| Provider | Account | Region | Service | Code | Message |")
    assert errors[0] == (
        "| aws | 123456789012 | ap-east-1 | ec2.DescribeInstances | OptInRequired "
        "| The region ap-east-1 is not enabled for this account |"
    )
    assert len(errors) == 2


def test_empty_document() -> None:
    text = render_markdown(FindingsDocument(tool_version="0.1.0"))
    assert "No findings." in text
    assert "<details>" not in text
    assert "### Compliance" not in text
    assert "### Collection errors" not in text


def test_large_reports_shrink_to_fit_a_comment() -> None:
    remediation = Remediation(summary="Fix it. " * 20, terraform="x = 1\n" * 40, cli="aws x")
    findings = [
        make_finding(
            f"rule_{r:03}",
            f"arn:aws:s3:::bucket-{r:03}-{i:03}",
            severity=list(Severity)[r % 5],
            category=Category.SECURITY,
            message="a long message " * 10,
            remediation=remediation,
        )
        for r in range(150)
        for i in range(15)
    ]
    text = render_markdown(FindingsDocument(tool_version="0.1.0", findings=findings))
    assert len(text) <= MAX_COMMENT_CHARS
    assert "## pscan report" in text
    # Budget 3 fits: top 20 findings, details without resource lists or code.
    assert "_2230 more in the full report._" in text
    assert "<details>" in text
    assert "```hcl" not in text
