"""End to end: an account whose metric filters were not collected is "not judged" for CIS 4.x.

Scanned with the built-in CIS section 4 rules, the account is undecided for every alarm
control (before, it passed them all); the JSON document, the HTML and the Markdown
report show those controls as not judged, with the reason, and none as passed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from scanner.engine import build_document, evaluate, load_rules
from scanner.model import FindingsDocument
from scanner.render import render
from tests.engine.conftest import monitoring_estate

REASON = "metric filters of log group ct were not collected"
ESTATE = monitoring_estate(None, alarm_actions=["arn:aws:sns:eu-west-1:1:alerts"])


@pytest.fixture(scope="module")
def doc() -> FindingsDocument:
    ruleset = load_rules()
    alarms = [r.id for r in ruleset.rules.values() if r.spec.check == "monitoring.aws_alarm"]
    ruleset = ruleset.select(ids=alarms)
    outcome = evaluate(ruleset, ESTATE, now=datetime(2026, 11, 1, tzinfo=UTC))
    return build_document(outcome, ruleset, frameworks=["cis-aws-foundations-3.0"])


def test_json_document(doc: FindingsDocument) -> None:
    data = json.loads(render(doc, "json"))
    controls = data["frameworks"][0]["controls"]
    alarm_controls = [c for c in controls if c["rules"] and c["status"] != "not_covered"]
    assert len(alarm_controls) >= 14
    assert {c["status"] for c in alarm_controls} == {"not_judged"}
    assert alarm_controls[0]["undecided_examples"][0]["reason"] == REASON
    assert "passed" not in {c["status"] for c in controls}


def test_html_report(doc: FindingsDocument) -> None:
    page = render(doc, "html")
    assert page.count('<span class="status status-not_judged">not judged</span>') >= 14
    assert 'class="status status-passed"' in page  # the summary chip, with its count
    assert '<span class="status status-passed" title="passed">0 passed</span>' in page
    assert f'<span class="reason">acct: {REASON}</span>' in page


def test_markdown_report(doc: FindingsDocument) -> None:
    text = render(doc, "md")
    row = next(line for line in text.splitlines() if line.startswith("| CIS Amazon Web Services"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    passed, not_judged = cells[2], cells[5]
    assert passed == "0" and int(not_judged) >= 14
    assert f"| acct: {REASON} |" in text
