"""Evaluation: findings, stats, graph rules, Python rules, errors, cost, compliance."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from scanner.engine import build_document, evaluate, framework_result, load_rules
from scanner.engine.spec import ControlSpec, FrameworkSpec
from scanner.graph import ResourceGraph
from scanner.model import RuleStats
from scanner.paths import data_dir
from scanner.snapshot import open_snapshot
from tests.engine.conftest import RULE, WritePack, bucket

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def test_findings_quote_resource_values(write_pack: WritePack) -> None:
    ruleset = load_rules([write_pack({"aws_s3_bucket_versioned": RULE})], include_builtin=False)
    outcome = evaluate(
        ruleset,
        [
            bucket("a", versioning="Enabled"),
            bucket("b", versioning="Suspended"),
            {"id": "x", "type": "aws.ec2.vpc", "attributes": {}},
        ],
        now=NOW,
    )
    assert [f.resource.id for f in outcome.findings] == ["b"]
    finding = outcome.findings[0]
    assert finding.message == "Bucket B has versioning Suspended"
    assert finding.evidence == {"versioning": "Suspended"}
    assert finding.remediation.cli.startswith("aws s3api put-bucket-versioning")
    assert outcome.stats["aws_s3_bucket_versioned"] == RuleStats(evaluated=2, failed=1)
    assert outcome.resource_count == 3
    assert outcome.graph is None  # no rule needed it


def test_applies_if_skips_resources(write_pack: WritePack) -> None:
    body = copy.deepcopy(RULE)
    body["applies_if"] = {"path": "tags.Environment", "op": "eq", "value": "prod"}
    ruleset = load_rules([write_pack({"aws_s3_bucket_versioned": body})], include_builtin=False)
    prod = {**bucket("p"), "tags": {"Environment": "prod"}}
    outcome = evaluate(ruleset, [prod, bucket("d")], now=NOW)
    assert [f.resource.id for f in outcome.findings] == ["p"]
    assert outcome.stats["aws_s3_bucket_versioned"].evaluated == 1


def test_graph_condition_builds_graph_and_reports_path(write_pack: WritePack) -> None:
    body = copy.deepcopy(RULE)
    body.update(
        resource_types=["aws.rds.instance"],
        message="{resource.name} is exposed",
        condition={"reachable_from_internet": False},
        tests=[],
    )
    ruleset = load_rules([write_pack({"aws_rds_instance_private": body})], include_builtin=False)
    resources: list[dict[str, Any]] = [
        {
            "id": "sg",
            "type": "aws.ec2.security_group",
            "relations": [{"type": "allows_from", "target": "internet"}],
        },
        {
            "id": "db",
            "type": "aws.rds.instance",
            "name": "orders",
            "attributes": {"publicly_accessible": True},
            "relations": [{"type": "protected_by", "target": "sg"}],
        },
        {
            "id": "db2",
            "type": "aws.rds.instance",
            "attributes": {"publicly_accessible": False},
            "relations": [{"type": "protected_by", "target": "sg"}],
        },
    ]
    outcome = evaluate(ruleset, resources, now=NOW, keep_graph=True)
    assert outcome.graph is not None
    assert [(f.resource.id, f.path) for f in outcome.findings] == [("db", ["internet", "sg", "db"])]
    assert outcome.findings[0].message == "orders is exposed"
    assert outcome.stats["aws_rds_instance_private"].evaluated == 2
    # a scan does not keep the graph: it is freed before the findings are built
    freed = evaluate(ruleset, resources, now=NOW)
    assert freed.graph is None
    assert freed.findings == outcome.findings


GRAPH_PY = """
from scanner.engine import Hit, graph_rule

@graph_rule
def check(graph, spec):
    for node in graph.nodes_of_type(spec.resource_types):
        if graph.neighbours(node, "can_assume", direction="in"):
            yield Hit(resource_id=node, evidence={"n": 1}, path=["principal", node])
"""

BROKEN_PY = """
from scanner.engine import resource_rule

@resource_rule
def check(resource, spec):
    raise KeyError("boom")
    yield
"""


def test_python_rules_and_rule_errors(write_pack: WritePack) -> None:
    graph_rule = copy.deepcopy(RULE)
    graph_rule.update(
        resource_types=["aws.iam.role"], message="{resource.name}: {evidence.n}", tests=[]
    )
    del graph_rule["condition"]
    broken = copy.deepcopy(graph_rule)
    broken["resource_types"] = ["aws.s3.bucket"]
    pack = write_pack(
        {"aws_iam_role_untrusted": graph_rule, "aws_s3_bucket_broken": broken},
        python={"aws_iam_role_untrusted": GRAPH_PY, "aws_s3_bucket_broken": BROKEN_PY},
    )
    ruleset = load_rules([pack], include_builtin=False)
    resources: list[dict[str, Any]] = [
        {
            "id": "role",
            "type": "aws.iam.role",
            "name": "deploy",
            "relations": [{"type": "trusts", "target": "principal:aws:*"}],
        },
        {"id": "role2", "type": "aws.iam.role"},
        bucket("b"),
    ]
    outcome = evaluate(ruleset, resources, now=NOW)
    by_rule = {f.rule_id: f for f in outcome.findings}
    assert by_rule["aws_iam_role_untrusted"].message == "deploy: 1"
    assert by_rule["aws_iam_role_untrusted"].path == ["principal", "role"]
    assert by_rule["aws_s3_bucket_broken"].status == "error"
    assert "KeyError" in by_rule["aws_s3_bucket_broken"].message
    assert outcome.stats["aws_iam_role_untrusted"] == RuleStats(evaluated=2, failed=1)
    assert outcome.stats["aws_s3_bucket_broken"].errors == 1


def test_secrets_in_evidence_are_masked(write_pack: WritePack) -> None:
    body = copy.deepcopy(RULE)
    body.update(condition={"path": "db_password", "op": "absent"}, message="{db_password}")
    ruleset = load_rules([write_pack({"aws_s3_bucket_versioned": body})], include_builtin=False)
    outcome = evaluate(ruleset, [bucket("b", db_password="hunter2-very-secret")], now=NOW)
    finding = outcome.findings[0]
    assert "hunter2-very-secret" not in finding.model_dump_json()
    assert finding.evidence["db_password"].startswith("hu*")


def test_compliance_verdicts() -> None:
    fw = FrameworkSpec(
        id="fw",
        title="FW",
        version="1",
        provider="aws",
        controls=[
            ControlSpec(id="1", title="a", automated=True, rules=["r_fail", "r_pass"]),
            ControlSpec(id="2", title="b", automated=True, rules=["r_pass"]),
            ControlSpec(id="3", title="c", automated=True, rules=[]),
            ControlSpec(id="4", title="d", automated=False, rules=[]),
            ControlSpec(id="5", title="e", automated=True, rules=["r_idle"]),
        ],
    )
    stats = {
        "r_fail": RuleStats(evaluated=3, failed=1),
        "r_pass": RuleStats(evaluated=2),
        "r_idle": RuleStats(),
    }
    result = framework_result(fw, stats)
    assert [c.status for c in result.controls] == [
        "failed",
        "passed",
        "not_covered",
        "manual",
        "not_applicable",
    ]
    assert result.counts() == {
        "failed": 1,
        "passed": 1,
        "not_covered": 1,
        "manual": 1,
        "not_applicable": 1,
    }


def test_document_has_frameworks_of_seen_providers(write_pack: WritePack) -> None:
    ruleset = load_rules([write_pack({"aws_s3_bucket_versioned": RULE})], include_builtin=False)
    ruleset.frameworks["fw-aws"] = FrameworkSpec(
        id="fw-aws",
        title="A",
        version="1",
        provider="aws",
        controls=[
            ControlSpec(id="1", title="a", automated=True, rules=["aws_s3_bucket_versioned"])
        ],
    )
    ruleset.frameworks["fw-gcp"] = FrameworkSpec(
        id="fw-gcp", title="G", version="1", provider="gcp", controls=[]
    )
    outcome = evaluate(ruleset, [{**bucket("b"), "provider": "aws"}], now=NOW)
    doc = build_document(outcome, ruleset)
    assert [fw.id for fw in doc.frameworks] == ["fw-aws"]
    assert doc.findings[0].compliance[0].framework == "fw-aws"
    assert doc.resource_types == {"aws.s3.bucket": 1}


def test_graph_keeps_only_the_relations_graph_rules_walk(write_pack: WritePack) -> None:
    body = copy.deepcopy(RULE)
    body.update(
        resource_types=["aws.rds.instance"],
        message="m",
        condition={
            "all": [
                {"reachable_from_internet": False},
                {"not": {"related": {"relation": "can_assume", "direction": "in"}}},
            ]
        },
        tests=[],
    )
    ruleset = load_rules([write_pack({"aws_rds_instance_private": body})], include_builtin=False)
    db = {
        "id": "db",
        "type": "aws.rds.instance",
        "relations": [
            {"type": "in_vpc", "target": "vpc"},
            {"type": "protected_by", "target": "sg"},
            {"type": "encrypted_by", "target": "key"},
        ],
    }
    outcome = evaluate(ruleset, [db], now=NOW, keep_graph=True)
    assert outcome.graph is not None
    kinds = {k for _, _, k in outcome.graph.g.edges(keys=True)}
    assert kinds == {"protected_by"}
    assert ruleset.rules["aws_rds_instance_private"].graph_relations == {
        "protected_by",
        "allows_from",
        "in_subnet",
        "in_network",
        "routes_to",
        "trusts",
    }


def test_graph_rules_of_one_type_read_each_node_once_and_judge_as_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """YAML graph rules next to each other on one type share each node's read; every
    rule's findings and stats are what it gives when it runs alone."""
    ruleset = load_rules()
    rules = [
        r.id
        for r in ruleset.rules.values()
        if r.needs_graph and r.graph_fn is None and r.spec.resource_types == ["aws.ec2.instance"]
    ]
    assert len(rules) >= 2
    chosen = ruleset.select(ids=rules)
    resources = list(open_snapshot(data_dir("fixtures/demo")).iter_resources())
    instances = sum(r["type"] == "aws.ec2.instance" for r in resources)
    assert instances >= 2
    reads: Counter[str] = Counter()
    real = ResourceGraph.resource_view

    def counted(graph: ResourceGraph, node_id: str) -> dict[str, Any]:
        reads[node_id] += 1
        return real(graph, node_id)

    monkeypatch.setattr(ResourceGraph, "resource_view", counted)
    together = evaluate(chosen, resources, now=NOW)
    instance_reads = [
        n for r in resources if r["type"] == "aws.ec2.instance" for n in [reads[r["id"]]]
    ]
    assert instance_reads == [1] * instances
    monkeypatch.setattr(ResourceGraph, "resource_view", real)
    for rid in rules:
        alone = evaluate(ruleset.select(ids=[rid]), resources, now=NOW)
        assert [f for f in together.findings if f.rule_id == rid] == alone.findings
        assert together.stats[rid] == alone.stats[rid]
    assert together.findings  # the demo's instances break some of these rules
