"""Python rules say hit, pass or undecided; the engine counts each and records why."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from scanner.engine import (
    Hit,
    Pass,
    Undecided,
    Verdict,
    build_document,
    evaluate,
    load_rules,
    watchdog,
)
from scanner.engine.evaluate import PARTIAL_REASON
from scanner.engine.python_rules import decide, stronger
from scanner.engine.spec import ControlSpec, FrameworkSpec
from scanner.model import RuleStats, UndecidedResult, is_partial
from tests.engine.conftest import RULE, WritePack, bucket

NOW = datetime(2026, 11, 1, tzinfo=UTC)

# Judges a bucket by its `state` attribute: "bad" fails, "good" passes explicitly,
# "unknown" is undecided, anything else gets no verdict (and so passes).
RESOURCE_PY = """
from scanner.engine import Hit, Pass, Undecided, resource_rule

@resource_rule
def check(resource, spec):
    state = resource["attributes"].get("state")
    if state == "unknown":
        yield Undecided(reason="the state was not collected")
    elif state == "bad":
        yield Undecided(reason="an earlier part was not collected")
        yield Hit(evidence={"state": state})
    elif state == "good":
        yield Pass()
"""

# The same as a graph rule; it also judges one bucket twice (undecided, then pass).
GRAPH_PY = """
from scanner.engine import Hit, Pass, Undecided, graph_rule

@graph_rule
def check(graph, spec):
    for node in graph.nodes_of_type(spec.resource_types):
        state = (graph.node(node).get("attributes") or {}).get("state")
        if state == "unknown":
            yield Undecided(node, f"the state of {node} was not collected")
            yield Pass(node)
        elif state == "bad":
            yield Hit(resource_id=node, evidence={"state": state})
        elif state == "good":
            yield Pass(node)
"""


def _bucket(rid: str, state: str | None) -> dict[str, Any]:
    return bucket(rid, state=state)


BUCKETS = [
    _bucket("b-bad", "bad"),
    _bucket("b-good", "good"),
    _bucket("b-silent", None),
    _bucket("b-unknown", "unknown"),
    _bucket("b-unknown-2", "unknown"),
]


def _pack(write_pack: WritePack, code: str) -> Any:
    body = copy.deepcopy(RULE)
    del body["condition"]
    body.update(message="{resource.id}: {evidence.state}", tests=[])
    return load_rules(
        [write_pack({"aws_s3_bucket_judged": body}, python={"aws_s3_bucket_judged": code})],
        include_builtin=False,
    )


@pytest.mark.parametrize("code", [RESOURCE_PY, GRAPH_PY], ids=["resource", "graph"])
def test_a_python_rule_yields_hit_pass_and_undecided(write_pack: WritePack, code: str) -> None:
    ruleset = _pack(write_pack, code)
    outcome = evaluate(ruleset, BUCKETS, now=NOW)
    assert [(f.resource.id, f.message) for f in outcome.findings] == [("b-bad", "b-bad: bad")]
    stats = outcome.stats["aws_s3_bucket_judged"]
    assert (stats.evaluated, stats.failed, stats.errors, stats.undecided) == (3, 1, 0, 2)
    assert [(u.resource_id, u.reason) for u in outcome.undecided] == [
        (rid, reason)
        for rid in ("b-unknown", "b-unknown-2")
        for reason in [
            "the state was not collected"
            if code is RESOURCE_PY
            else f"the state of {rid} was not collected"
        ]
    ]
    assert stats.undecided_examples == outcome.undecided


def test_undecided_needs_a_reason() -> None:
    with pytest.raises(ValueError, match="needs a reason"):
        Undecided("r", " ")


def test_hit_beats_undecided_beats_pass() -> None:
    hit, undecided, ok = Hit(resource_id="r"), Undecided("r", "why"), Pass("r")
    assert stronger(ok, undecided) is undecided
    assert stronger(undecided, ok) is undecided
    assert stronger(undecided, hit) is hit
    assert stronger(hit, undecided) is hit
    verdicts: list[Verdict] = [ok, undecided, hit, ok]
    assert decide(verdicts[:2]) is undecided
    assert decide(iter(verdicts)) is hit
    assert decide([]) is None


def test_a_graph_rule_verdict_on_an_unknown_resource_is_an_error(write_pack: WritePack) -> None:
    code = GRAPH_PY.replace("yield Pass(node)\n        elif", "yield Pass('ghost')\n        elif")
    outcome = evaluate(_pack(write_pack, code), BUCKETS, now=NOW)
    errors = [f for f in outcome.findings if f.status == "error"]
    assert len(errors) == 1 and "Pass on unknown resource 'ghost'" in errors[0].message


@pytest.mark.parametrize("code", [RESOURCE_PY, GRAPH_PY], ids=["resource", "graph"])
def test_every_python_verdict_on_a_partial_resource_is_undecided(
    write_pack: WritePack, code: str
) -> None:
    partial = [_bucket("ref:aws.s3.bucket:old", state) for state in ("bad",)]
    partial += [_bucket("ref:aws.s3.bucket:kept", "good")]
    assert all(is_partial(b["id"]) for b in partial)
    outcome = evaluate(_pack(write_pack, code), [*partial, _bucket("b-bad", "bad")], now=NOW)
    assert [f.resource.id for f in outcome.findings] == ["b-bad"]
    assert outcome.stats["aws_s3_bucket_judged"] == RuleStats(
        evaluated=1,
        failed=1,
        undecided=2,
        undecided_examples=[
            UndecidedResult(
                rule_id="aws_s3_bucket_judged", resource_id=b["id"], reason=PARTIAL_REASON
            )
            for b in partial
        ],
    )


def test_a_control_decided_only_by_undecided_results_is_not_judged(
    write_pack: WritePack,
) -> None:
    ruleset = _pack(write_pack, GRAPH_PY)
    ruleset.frameworks["fw"] = FrameworkSpec(
        id="fw",
        title="FW",
        version="1",
        provider="aws",
        controls=[ControlSpec(id="1", title="a", automated=True, rules=["aws_s3_bucket_judged"])],
    )
    only_unknown = evaluate(ruleset, [_bucket("b-unknown", "unknown")], now=NOW)
    (control,) = build_document(only_unknown, ruleset).frameworks[0].controls
    assert control.status == "not_judged"
    assert control.undecided == 1
    assert control.undecided_examples[0].reason == "the state of b-unknown was not collected"
    # one judged resource decides the control; its undecided count is still reported
    mixed = evaluate(ruleset, [_bucket("b-unknown", "unknown"), _bucket("b-good", "good")], now=NOW)
    (control,) = build_document(mixed, ruleset).frameworks[0].controls
    assert (control.status, control.undecided) == ("passed", 1)
    failing = evaluate(ruleset, [_bucket("b-unknown", "unknown"), _bucket("b-bad", "bad")], now=NOW)
    assert build_document(failing, ruleset).frameworks[0].controls[0].status == "failed"


def test_yaml_undecided_results_name_the_unknown_paths() -> None:
    rules = load_rules().select(ids=["aws_rds_instance_storage_encrypted"])
    db = {
        "id": "db",
        "type": "aws.rds.instance",
        "attributes": {"storage_encrypted": "(known after apply)"},
    }
    outcome = evaluate(rules, [db], now=NOW)
    assert outcome.undecided == [
        UndecidedResult(
            rule_id="aws_rds_instance_storage_encrypted",
            resource_id="db",
            reason="reads values known only after apply: storage_encrypted",
        )
    ]


EXITS_PY = """
import sys
from scanner.engine import Hit, resource_rule

@resource_rule
def check(resource, spec):
    if resource["attributes"].get("state") == "bad":
        sys.exit(0)  # a rule must not end the scan, let alone with success
    if resource["attributes"].get("state") == "good":
        yield Hit(evidence={"state": {1, 2}, "raw": b"bytes", "token": "ghp_" + "a1B2c3D4e5" * 4})
"""


def test_a_rule_that_exits_is_an_error_finding_and_odd_evidence_is_text(
    write_pack: WritePack,
) -> None:
    outcome = evaluate(_pack(write_pack, EXITS_PY), BUCKETS, now=NOW)
    by_id = {f.resource.id: f for f in outcome.findings}
    assert by_id["b-bad"].status == "error"
    assert "SystemExit" in by_id["b-bad"].message
    evidence = by_id["b-good"].evidence
    assert evidence["state"] == "{1, 2}" and evidence["raw"] == "b'bytes'"
    assert "a1B2c3D4e5" not in str(evidence)  # masked before it was made text
    stats = outcome.stats["aws_s3_bucket_judged"]
    assert (stats.failed, stats.errors) == (1, 1)


LOOPS_PY = """
from scanner.engine import resource_rule

@resource_rule
def check(resource, spec):
    while resource["attributes"].get("state") == "bad":
        pass
    return ()
"""


def test_a_rule_that_loops_is_stopped_at_the_time_limit(
    write_pack: WritePack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watchdog, "_watchdog", None)
    monkeypatch.setattr(watchdog, "RULE_TIME_LIMIT_S", 0.5)
    outcome = evaluate(_pack(write_pack, LOOPS_PY), BUCKETS, now=NOW)
    errors = [f for f in outcome.findings if f.status == "error"]
    assert [f.resource.id for f in errors] == ["b-bad"]
    assert "RuleTimeout: rule aws_s3_bucket_judged ran longer than 0.5 s" in errors[0].message
    assert outcome.stats["aws_s3_bucket_judged"].evaluated == 4  # the others were judged
