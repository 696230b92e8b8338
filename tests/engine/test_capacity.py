"""scanner.engine.capacity: the shared capacity checks, their params and per-type cost."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from scanner.engine import Hit, Pass, RuleSet, Undecided, evaluate, load_rules
from scanner.engine import capacity as checks
from scanner.engine.python_rules import Verdict, decide
from scanner.engine.spec import RuleSpec
from scanner.errors import RuleLoadError
from scanner.graph import ResourceGraph
from tests.engine.conftest import RULE, WritePack

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def spec(params: dict[str, Any], types: list[str] | None = None) -> RuleSpec:
    return RuleSpec.model_validate(
        {
            "title": "t",
            "severity": "medium",
            "category": "capacity",
            "resource_types": types or ["aws.ec2.instance"],
            "description": "d",
            "risk": "r",
            "message": "m",
            "check": "capacity.x",
            "params": params,
            "remediation": {"summary": "s"},
        }
    )


def summary(average: float, p95: float, maximum: float, days: int = 14) -> dict[str, Any]:
    return {"average": average, "p95": p95, "max": maximum, "days": days}


NO_DATA = {"average": None, "p95": None, "max": None, "days": 0}


def judge(fn: Any, attributes: dict[str, Any], params: dict[str, Any], **extra: Any) -> Verdict:
    resource = {"id": "r", "type": "aws.ec2.instance", "attributes": attributes, **extra}
    verdict = decide(fn(resource, spec(params)))
    assert verdict is not None
    return verdict


# ----------------------------------------------------------------------------- usage
def test_metric_value_reads_a_statistic_and_says_why_it_cannot() -> None:
    attrs = {"usage": {"cpu_percent": summary(40, 83.5, 91)}}
    assert checks.metric_value(attrs, "cpu_percent", "p95") == (83.5, 14)
    reasons = []
    for case, min_days in (
        ({"usage": None}, 1),
        ({"usage": {}}, 1),
        ({"usage": {"cpu_percent": NO_DATA}}, 1),
        ({"usage": {"cpu_percent": summary(1, 1, 1, days=3)}}, 7),
        ({"usage": "(known after apply)"}, 1),
    ):
        with pytest.raises(checks.NotCollected) as info:
            checks.metric_value(case, "cpu_percent", "p95", min_days)
        reasons.append(str(info.value))
    assert reasons == [
        "usage metrics were not collected (collect with --metrics)",
        "metric cpu_percent was not collected",
        "metric cpu_percent had no data in the window",
        "metric cpu_percent has 3 days of data, fewer than 7",
        "usage metrics were not collected (collect with --metrics)",
    ]


def test_number_rounds_for_reading() -> None:
    assert checks.number(58.0) == 58
    assert isinstance(checks.number(58.0), int)
    assert checks.number(90.625) == 90.6
    assert checks.number(1.234) == 1.23


# ----------------------------------------------------------------------------- quota
QUOTA = {
    "service_code": "ec2",
    "quota_code": "L-1216C47A",
    "quota_name": "Standard",
    "unit": "vCPU",
}


@pytest.mark.parametrize(
    ("limit", "used", "params", "outcome"),
    [
        (64, 58, {"at_least_percent": 80}, Hit),
        (64, 51.2, {"at_least_percent": 80}, Hit),  # exactly 80% fails
        (64, 40, {"at_least_percent": 80}, Pass),
        (64, 63, {"at_least_percent": 80, "below_percent": 95}, Pass),  # left to the 95% rule
        (64, 63, {"at_least_percent": 95}, Hit),
        (0, 0, {"at_least_percent": 80}, Pass),  # nothing allowed, nothing used
        (0, 2, {"at_least_percent": 80}, Undecided),
        (64, None, {"at_least_percent": 80}, Undecided),
        (None, 3, {"at_least_percent": 80}, Undecided),
    ],
)
def test_quota(limit: Any, used: Any, params: dict[str, Any], outcome: type) -> None:
    verdict = judge(checks.quota, {**QUOTA, "limit": limit, "used": used}, params)
    assert type(verdict) is outcome


def test_quota_evidence_quotes_the_figures() -> None:
    verdict = judge(checks.quota, {**QUOTA, "limit": 64, "used": 58}, {"at_least_percent": 80})
    assert isinstance(verdict, Hit)
    assert verdict.evidence == {
        "quota": "ec2/L-1216C47A",
        "quota_name": "Standard",
        "limit": 64,
        "used": 58,
        "percent": 90.6,
        "threshold": 80,
        "unit": "vCPU",
    }


def test_quota_codes_select_quotas_by_service_and_code_or_gcp_metric() -> None:
    only_lambda = {"at_least_percent": 80, "quota_codes": ["lambda/ConcurrentExecutions"]}
    verdicts = list(
        checks.quota(
            {"id": "q", "attributes": {**QUOTA, "limit": 64, "used": 64}}, spec(only_lambda)
        )
    )
    assert verdicts == []  # another quota: no verdict, the resource passes
    gcp = {"metric": "CPUS", "limit": 24, "used": 24}
    assert isinstance(
        judge(checks.quota, gcp, {"at_least_percent": 80, "quota_codes": ["CPUS"]}), Hit
    )


# ----------------------------------------------------------------------------- metrics
def test_metric_threshold_above_below_and_several_metrics() -> None:
    hot = {"usage": {"cpu_percent": summary(70, 91.5, 97)}}
    assert isinstance(
        judge(
            checks.metric_threshold, hot, {"metrics": ["cpu_percent"], "stat": "p95", "above": 80}
        ),
        Hit,
    )
    assert isinstance(
        judge(
            checks.metric_threshold,
            hot,
            {"metrics": ["cpu_percent"], "stat": "average", "above": 80},
        ),
        Pass,
    )
    assert isinstance(
        judge(
            checks.metric_threshold, hot, {"metrics": ["cpu_percent"], "stat": "p95", "below": 5}
        ),
        Pass,
    )
    both = {"usage": {"a": summary(0, 0, 0), "b": summary(0, 0, 3)}}
    verdict = judge(
        checks.metric_threshold, both, {"metrics": ["a", "b"], "stat": "max", "above": 0}
    )
    assert isinstance(verdict, Hit) and verdict.evidence["metric"] == "b"


def test_metric_threshold_is_undecided_without_data_unless_no_data_means_zero() -> None:
    params = {"metrics": ["throttles"], "stat": "max", "above": 0}
    empty = {"usage": {"throttles": NO_DATA, "invocations": summary(1, 2, 3)}}
    assert isinstance(judge(checks.metric_threshold, empty, params), Undecided)
    assert isinstance(judge(checks.metric_threshold, empty, {**params, "no_data": "zero"}), Pass)
    absent = {"usage": {"invocations": summary(1, 2, 3)}}
    assert isinstance(judge(checks.metric_threshold, absent, {**params, "no_data": "zero"}), Pass)
    # metrics not collected at all: still undecided, whatever no_data says
    verdict = judge(checks.metric_threshold, {"usage": None}, {**params, "no_data": "zero"})
    assert isinstance(verdict, Undecided)
    assert "collect with --metrics" in verdict.reason


def test_metric_threshold_one_missing_metric_is_undecided_unless_another_fails() -> None:
    params = {"metrics": ["a", "b"], "stat": "max", "above": 10}
    assert isinstance(
        judge(checks.metric_threshold, {"usage": {"a": summary(1, 1, 1)}}, params), Undecided
    )
    assert isinstance(
        judge(checks.metric_threshold, {"usage": {"a": summary(1, 1, 50)}}, params), Hit
    )


@pytest.mark.parametrize(
    "params",
    [
        {"metrics": ["x"], "stat": "p95"},  # neither bound
        {"metrics": ["x"], "stat": "p95", "above": 1, "below": 2},  # both
        {"metrics": [], "stat": "p95", "above": 1},
        {"metrics": ["x"], "stat": "median", "above": 1},
    ],
)
def test_metric_params_are_checked(params: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="validation error"):
        checks.MetricParams.model_validate(params)


def test_metric_ratio() -> None:
    params = {
        "numerator": ["elb_5xx", "target_5xx"],
        "denominator": "requests",
        "above_percent": 1,
        "min_denominator": 100,
    }
    failing = {
        "usage": {
            "requests": summary(1000, 1, 1),
            "elb_5xx": summary(15, 1, 1),
            "target_5xx": NO_DATA,
        }
    }
    verdict = judge(checks.metric_ratio, failing, params)
    assert isinstance(verdict, Hit)
    assert verdict.evidence == {
        "part": 15,
        "total": 1000,
        "percent": 1.5,
        "threshold": 1,
        "days": 14,
    }
    quiet = {"usage": {"requests": summary(50, 1, 1), "elb_5xx": summary(40, 1, 1)}}
    assert isinstance(judge(checks.metric_ratio, quiet, params), Pass)
    assert isinstance(judge(checks.metric_ratio, {"usage": None}, params), Undecided)


# ----------------------------------------------------------------------------- used fraction
def test_used_fraction_from_a_metric_against_a_product_of_limits() -> None:
    params = {
        "metric": "node_count",
        "stat": "max",
        "limit": ["max_node_count", "zone_count"],
        "at_least_percent": 100,
    }
    pool = {"max_node_count": 5, "zone_count": 3, "usage": {"node_count": summary(8, 14, 15)}}
    verdict = judge(checks.used_fraction, pool, params)
    assert isinstance(verdict, Hit)
    assert verdict.evidence == {
        "value": 15,
        "limit": 15,
        "percent": 100,
        "threshold": 100,
        "days": 14,
    }
    assert isinstance(judge(checks.used_fraction, {**pool, "zone_count": 4}, params), Pass)
    assert isinstance(judge(checks.used_fraction, {**pool, "zone_count": None}, params), Undecided)


def test_used_fraction_scales_the_value_and_falls_back_to_a_default_limit() -> None:
    params = {
        "metric": "duration_ms",
        "stat": "max",
        "value_scale": 0.001,
        "limit": ["timeout_s"],
        "at_least_percent": 80,
    }
    verdict = judge(
        checks.used_fraction,
        {"timeout_s": 30, "usage": {"duration_ms": summary(1, 1, 28500)}},
        params,
    )
    assert isinstance(verdict, Hit) and verdict.evidence["value"] == 28.5
    run = {
        "metric": "instances",
        "stat": "max",
        "limit": ["max_instances"],
        "default_limit": 100,
        "at_least_percent": 100,
    }
    assert isinstance(
        judge(
            checks.used_fraction,
            {"max_instances": None, "usage": {"instances": summary(1, 1, 100)}},
            run,
        ),
        Hit,
    )
    assert isinstance(
        judge(
            checks.used_fraction,
            {"max_instances": 500, "usage": {"instances": summary(1, 1, 100)}},
            run,
        ),
        Pass,
    )


def test_used_fraction_from_attributes_below_a_percentage() -> None:
    params = {"attribute": "available_ip_count", "limit": ["total_ip_count"], "below_percent": 10}
    assert isinstance(
        judge(checks.used_fraction, {"available_ip_count": 12, "total_ip_count": 251}, params), Hit
    )
    assert isinstance(
        judge(checks.used_fraction, {"available_ip_count": 200, "total_ip_count": 251}, params),
        Pass,
    )
    assert isinstance(
        judge(checks.used_fraction, {"available_ip_count": 0, "total_ip_count": 0}, params), Pass
    )
    verdict = judge(
        checks.used_fraction,
        {"available_ip_count": "(known after apply)", "total_ip_count": 251},
        params,
    )
    assert isinstance(verdict, Undecided) and "after apply" in verdict.reason


@pytest.mark.parametrize(
    "params",
    [
        {"limit": ["x"], "at_least_percent": 1},  # no value
        {"metric": "m", "attribute": "a", "stat": "max", "limit": ["x"], "at_least_percent": 1},
        {"metric": "m", "limit": ["x"], "at_least_percent": 1},  # no stat
        {"attribute": "a", "limit": ["x"]},  # no bound
        {"attribute": "a", "limit": [], "at_least_percent": 1},
    ],
)
def test_used_fraction_params_are_checked(params: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="validation error"):
        checks.UsedFractionParams.model_validate(params)


# ----------------------------------------------------------------------------- databases
def test_db_connections_against_engine_defaults_and_cloud_sql_flags() -> None:
    params = {"at_least_percent": 80}
    rds = {
        "engine": "postgres",
        "instance_class": "db.m6g.large",
        "usage": {"connections": summary(1, 1, 850)},
    }
    verdict = judge(checks.db_connections, rds, params, type="aws.rds.instance")
    assert isinstance(verdict, Hit) and verdict.evidence["limit"] == 901
    sql = {
        "database_version": "POSTGRES_15",
        "tier": "db-custom-2-7680",
        "database_flags": {"max_connections": "2000"},
        "usage": {"connections": summary(1, 1, 360)},
    }
    assert isinstance(judge(checks.db_connections, sql, params, type="gcp.sql.instance"), Pass)
    verdict = judge(
        checks.db_connections, {**sql, "database_flags": {}}, params, type="gcp.sql.instance"
    )
    assert isinstance(verdict, Hit) and verdict.evidence["limit"] == 400
    unknown = judge(
        checks.db_connections, {**rds, "engine": "db2-se"}, params, type="aws.rds.instance"
    )
    assert isinstance(unknown, Undecided) and "db2-se on db.m6g.large" in unknown.reason


# ----------------------------------------------------------------------------- right-sizing
def test_downsize_names_the_smaller_type_and_leaves_idle_ones_alone() -> None:
    params = {"metric": "cpu_percent", "stat": "p95", "below": 20, "idle_below": 5}
    oversized = {"instance_type": "m5.xlarge", "usage": {"cpu_percent": summary(5, 12, 30)}}
    verdict = judge(checks.downsize, oversized, params)
    assert isinstance(verdict, Hit) and verdict.evidence["smaller_type"] == "m5.large"
    idle = {"instance_type": "m5.xlarge", "usage": {"cpu_percent": summary(1, 2, 3)}}
    assert isinstance(judge(checks.downsize, idle, params), Pass)
    smallest = {"instance_type": "m5.large", "usage": {"cpu_percent": summary(5, 12, 30)}}
    assert isinstance(judge(checks.downsize, smallest, params), Pass)
    assert isinstance(
        judge(checks.downsize, {"instance_type": "m5.xlarge", "usage": None}, params), Undecided
    )


# ----------------------------------------------------------------------------- auto scaling
def asg(desired: int, minimum: int, maximum: int, **attrs: Any) -> dict[str, Any]:
    return {"desired_capacity": desired, "min_size": minimum, "max_size": maximum, **attrs}


def test_asg_at_max() -> None:
    assert isinstance(judge(checks.asg_at_max, asg(8, 2, 8), {}), Hit)
    assert isinstance(judge(checks.asg_at_max, asg(4, 2, 8), {}), Pass)
    assert isinstance(judge(checks.asg_at_max, asg(3, 3, 3), {}), Pass)  # fixed size
    hot = {"usage": {"cpu_percent": summary(80, 91, 99)}}
    assert isinstance(judge(checks.asg_at_max, asg(8, 2, 8, **hot), {"cpu_above": 80}), Hit)
    assert isinstance(judge(checks.asg_at_max, asg(8, 2, 8, **hot), {"cpu_above": 95}), Pass)
    assert isinstance(
        judge(checks.asg_at_max, asg(8, 2, 8, usage=None), {"cpu_above": 80}), Undecided
    )
    # below its maximum a group passes before metrics are needed
    assert isinstance(judge(checks.asg_at_max, asg(4, 2, 8, usage=None), {"cpu_above": 80}), Pass)


def _graph(*resources: dict[str, Any]) -> ResourceGraph:
    graph = ResourceGraph(keep_attributes_for={"aws.autoscaling.group", "aws.servicequotas.quota"})
    for resource in resources:
        graph.add_resource({"provider": "aws", "account": "1", "region": "eu-west-1", **resource})
    return graph


def _quota(
    code: str, limit: float, used: float | None, region: str = "eu-west-1"
) -> dict[str, Any]:
    return {
        "id": f"arn:aws:servicequotas:{region}:1:ec2/{code}",
        "type": "aws.servicequotas.quota",
        "region": region,
        "attributes": {"service_code": "ec2", "quota_code": code, "limit": limit, "used": used},
    }


def _group(
    rid: str, itype: str | None = "m5.xlarge", vcpus: int | None = 4, **attrs: Any
) -> dict[str, Any]:
    return {
        "id": rid,
        "type": "aws.autoscaling.group",
        "attributes": {
            **asg(2, 2, 10),
            "instance_type": itype,
            "vcpus_per_instance": vcpus,
            **attrs,
        },
    }


def test_asg_vcpu_quota_joins_the_quota_of_the_same_account_region_and_family() -> None:
    graph = _graph(
        _quota("L-1216C47A", 64, 48),  # 16 free
        _quota("L-DB2E81BA", 64, 0),
        _group("needs-32"),  # (10 - 2) x 4 = 32 > 16
        _group("needs-16", max_size=6),  # (6 - 2) x 4 = 16 fits exactly
        _group("gpu", itype="g5.xlarge"),
        {**_group("other-region"), "region": "us-east-1"},
        _group("mixed", itype=None),
        _group("no-vcpus", vcpus=None),
    )
    verdicts = {
        v.resource_id: v for v in checks.asg_vcpu_quota(graph, spec({}, ["aws.autoscaling.group"]))
    }
    hit = verdicts["needs-32"]
    assert isinstance(hit, Hit)
    assert hit.evidence["needed_vcpus"] == 32 and hit.evidence["free_vcpus"] == 16
    assert hit.path == ["needs-32", "arn:aws:servicequotas:eu-west-1:1:ec2/L-1216C47A"]
    assert isinstance(verdicts["needs-16"], Pass)
    assert isinstance(verdicts["gpu"], Pass)
    assert isinstance(verdicts["other-region"], Undecided)
    assert "L-1216C47A of 1/us-east-1 was not collected" in verdicts["other-region"].reason
    assert isinstance(verdicts["mixed"], Undecided)
    assert isinstance(verdicts["no-vcpus"], Undecided)
    reserved = {
        v.resource_id: v
        for v in checks.asg_vcpu_quota(
            graph, spec({"reserve_percent": 10}, ["aws.autoscaling.group"])
        )
    }
    assert isinstance(reserved["needs-16"], Hit)  # 16 free less 6.4 kept back


# ----------------------------------------------------------------------------- loading
def _capacity_rule(**changes: Any) -> dict[str, Any]:
    out = {k: v for k, v in RULE.items() if k not in ("condition", "tests")}
    out |= {
        "category": "capacity",
        "resource_types": ["aws.ec2.instance"],
        "check": "capacity.metric_threshold",
        "params": {"metrics": ["cpu_percent"], "stat": "p95", "above": 80},
        "message": "{evidence.value}",
    }
    out.update(changes)
    return out


def test_bad_params_stop_the_load_with_the_field(write_pack: WritePack) -> None:
    pack = write_pack(
        {
            "aws_ec2_instance_cool": _capacity_rule(
                params={"metrics": ["cpu_percent"], "stat": "p95"}
            )
        }
    )
    with pytest.raises(
        RuleLoadError, match=r"aws_ec2_instance_cool: params: .*exactly one of above, below"
    ):
        load_rules([pack], include_builtin=False)


def test_check_refuses_types_without_usage(write_pack: WritePack) -> None:
    pack = write_pack({"aws_s3_bucket_cool": _capacity_rule(resource_types=["aws.s3.bucket"])})
    with pytest.raises(RuleLoadError, match=r"check capacity\.metric_threshold judges"):
        load_rules([pack], include_builtin=False)


# ----------------------------------------------------------------------------- cost by type
def _priced_pack(write_pack: WritePack, cost: dict[str, Any]) -> Path:
    pack = write_pack(
        {
            "aws_ec2_instance_not_idle": _capacity_rule(
                category="cost",
                params={"metrics": ["cpu_percent"], "stat": "p95", "below": 5},
                cost=cost,
            )
        }
    )
    prices = {
        "as_of": "2026-11-01",
        "prices": {"flat": 1.0},
        "type_prices": {"ec2": {"m5.xlarge": 138.24}},
    }
    (pack / "prices.yaml").write_text(yaml.safe_dump(prices))
    return pack


def _cost(ruleset: RuleSet, instance_type: str) -> float | None:
    idle = {
        "id": "i",
        "type": "aws.ec2.instance",
        "provider": "aws",
        "attributes": {"instance_type": instance_type, "usage": {"cpu_percent": summary(1, 1, 1)}},
    }
    (finding,) = evaluate(ruleset, [idle], now=NOW).findings
    return finding.monthly_cost_usd


def test_cost_by_instance_type(write_pack: WritePack) -> None:
    ruleset = load_rules(
        [_priced_pack(write_pack, {"price": "ec2", "by": "instance_type"})], include_builtin=False
    )
    assert _cost(ruleset, "m5.xlarge") == 138.24
    assert _cost(ruleset, "z9.huge") is None  # not in the table: no saving claimed


def test_cost_factor_scales_the_estimate(write_pack: WritePack) -> None:
    ruleset = load_rules(
        [_priced_pack(write_pack, {"price": "ec2", "by": "instance_type", "factor": 0.5})],
        include_builtin=False,
    )
    assert _cost(ruleset, "m5.xlarge") == 69.12


def test_cost_by_needs_a_type_table(write_pack: WritePack) -> None:
    with pytest.raises(
        RuleLoadError, match=r"cost\.price 'flat' is not in prices\.yaml type_prices"
    ):
        load_rules(
            [_priced_pack(write_pack, {"price": "flat", "by": "instance_type"})],
            include_builtin=False,
        )


def test_builtin_price_tables_cover_the_common_types() -> None:
    prices = load_rules().prices
    assert prices is not None
    for table, row in [
        ("aws.ec2.instance_month", "m6i.large"),
        ("aws.rds.instance_month", "db.t3.micro"),
        ("gcp.compute.instance_month", "e2-standard-2"),
        ("gcp.sql.instance_month", "db-custom-2-7680"),
    ]:
        assert prices.type_prices[table][row] > 0


# ----------------------------------------------------------------------------- the pack
def test_every_capacity_threshold_is_a_param() -> None:
    """Capacity rules are shared checks with params, or conditions without numbers."""

    def numbers(node: Any) -> list[Any]:
        if isinstance(node, dict):
            return [
                n
                for key, v in node.items()
                for n in (
                    [v]
                    if key == "value" and isinstance(v, int | float) and not isinstance(v, bool)
                    else numbers(v)
                )
            ]
        if isinstance(node, list):
            return [n for item in node for n in numbers(item)]
        return []

    capacity = [r for r in load_rules().rules.values() if r.spec.category.value == "capacity"]
    assert len([r for r in capacity if r.spec.provider == "aws"]) >= 28
    assert len([r for r in capacity if r.spec.provider == "gcp"]) >= 17
    for rule in capacity:
        assert rule.spec.check is not None or not numbers(rule.spec.condition), rule.id
        if rule.spec.check is not None:
            assert rule.spec.check.startswith("capacity."), rule.id


def test_each_rule_reads_its_own_params() -> None:
    """Params are parsed once per rule; a rule with other params (an override) gets its own."""
    hot = {"id": "r", "attributes": {"usage": {"cpu_percent": summary(70, 91, 97)}}}
    at_80 = spec({"metrics": ["cpu_percent"], "stat": "p95", "above": 80})
    at_95 = spec({"metrics": ["cpu_percent"], "stat": "p95", "above": 95})
    outcomes = [type(decide(checks.metric_threshold(hot, s))) for s in (at_80, at_95, at_80)]
    assert outcomes == [Hit, Pass, Hit]
