"""The plan: demand against the estate's reach, turned into findings (hand-computed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.forecast.model import CapacityModel, load_model
from scanner.forecast.plan import make_plan, plan_findings
from scanner.forecast.supply import read_supply
from scanner.policy.capacity import rds_default_max_connections
from scanner.synthetic.builders import resource

MODEL = """\
version: 1
as_of: 2026-12-01
horizons: [2027-06, 2027-12]
products:
  checkout:
    users: {today: 40000, 2027-06: 120000, 2027-12: 200000}
    page_views_per_user_per_day: 6
    peak_hour_share: 0.12
    tiers:
      web:
        resources: {type: aws.autoscaling.group}
        per_instance_rps: 2
        latency_ms: 100
      events:
        kind: function
        resources: {type: aws.lambda.function}
        latency_ms: 2000
      carts:
        kind: table
        requests_per_page_view: 2
        resources: {type: aws.dynamodb.table}
        read_units_per_request: 1
        write_units_per_request: 0.5
"""
ACCOUNT, REGION = "111122223333", "eu-west-1"


def _estate() -> list[dict[str, object]]:
    tags = {"Product": "checkout"}
    return [
        resource(
            "asg-web",
            "aws.autoscaling.group",
            account=ACCOUNT,
            region=REGION,
            tags=tags,
            attributes={"desired_capacity": 6, "max_size": 20, "vcpus_per_instance": 2},
        ),
        resource(
            "fn-events", "aws.lambda.function", tags=tags, attributes={"reserved_concurrency": 40}
        ),
        resource(
            "tbl-carts",
            "aws.dynamodb.table",
            tags=tags,
            attributes={"read_capacity_units": 100, "write_capacity_units": 50},
        ),
        resource(
            "asg-other",
            "aws.autoscaling.group",
            tags={"Product": "search"},
            attributes={"max_size": 99},
        ),
        resource(
            f"arn:aws:servicequotas:{REGION}:{ACCOUNT}:ec2/L-1216C47A",
            "aws.servicequotas.quota",
            account=ACCOUNT,
            region=REGION,
            attributes={"service_code": "ec2", "quota_code": "L-1216C47A", "limit": 64, "used": 40},
        ),
    ]


@pytest.fixture
def model(tmp_path: Path) -> CapacityModel:
    path = tmp_path / "capacity.yaml"
    path.write_text(MODEL)
    return load_model(path)


def test_supply_matches_tiers_by_product_tag(model: CapacityModel) -> None:
    supply = read_supply(model, _estate(), ["product"])
    web = supply.tiers[("checkout", "web")]
    assert [r["id"] for r in web.resources] == ["asg-web"]
    assert (web.instances_now, web.instances_max, web.vcpus_per_instance) == (6, 20, 2)
    assert supply.vcpu_quotas[(ACCOUNT, REGION)].left == 24


def test_plan_figures_and_findings(model: CapacityModel) -> None:
    plans = make_plan(model, read_supply(model, _estate(), ["Product"]))
    web = {p.demand.horizon: p for p in plans if p.demand.tier == "web"}
    # 2027-06: 120,000 x 6 x 0.12 / 3,600 = 24 page views/s; 24 / (2 x 0.7) = 17.1 -> 18
    assert web["2027-06"].demand.instances == 18
    # 18 - 6 = 12 more instances x 2 vCPUs = 24 vCPUs: exactly what is left
    assert [s.kind for s in web["2027-06"].shortfalls] == []
    # 2027-12: 200,000 users -> 40/s -> 40 / 1.4 = 28.6 -> 29 > max 20; 23 more x 2 = 46 > 24
    assert sorted(s.kind for s in web["2027-12"].shortfalls) == ["instances", "vcpu_quota"]
    events = {p.demand.horizon: p for p in plans if p.demand.tier == "events"}
    # Little's law: 24/s x 2 s = 48 in flight > 40 reserved
    assert events["2027-06"].demand.in_flight == pytest.approx(48)
    assert [s.kind for s in events["2027-06"].shortfalls] == ["concurrency"]
    carts = {p.demand.horizon: p for p in plans if p.demand.tier == "carts"}
    # 48 requests/s x 1 read unit = 48 <= 100; x 0.5 write = 24 <= 50 at 2027-06
    assert carts["2027-06"].shortfalls == []
    # 2027-12: 80 requests/s: 80 reads <= 100, 40 writes <= 50
    assert carts["2027-12"].shortfalls == []

    findings = {(f.rule_id, f.resource.id): f for f in plan_findings(plans, "2027-06")}
    assert set(findings) == {
        ("forecast_instances", "asg-web"),
        ("forecast_vcpu_quota", f"arn:aws:servicequotas:{REGION}:{ACCOUNT}:ec2/L-1216C47A"),
        ("forecast_concurrency", "fn-events"),
    }
    instances = findings[("forecast_instances", "asg-web")]
    assert instances.severity == "medium"  # only at the later horizon
    assert "needs 29 instances at the 2027-12 forecast" in instances.message
    assert "it can reach 20" in instances.message
    assert findings[("forecast_concurrency", "fn-events")].severity == "high"
    quota = findings[
        ("forecast_vcpu_quota", f"arn:aws:servicequotas:{REGION}:{ACCOUNT}:ec2/L-1216C47A")
    ]
    assert "46 more vCPUs" in quota.message and "has 24 left" in quota.message


def test_database_connections_against_the_engine_limit(tmp_path: Path) -> None:
    path = tmp_path / "capacity.yaml"
    path.write_text(
        MODEL.replace(
            "      carts:\n",
            "      db:\n"
            "        kind: database\n"
            "        requests_per_page_view: 3\n"
            "        resources: {type: aws.rds.instance}\n"
            "        connections_per_request: 1\n"
            "        latency_ms: 2000\n"
            "      carts:\n",
        )
    )
    model = load_model(path)
    estate = [
        *_estate(),
        resource(
            "db-orders",
            "aws.rds.instance",
            tags={"Product": "checkout"},
            attributes={"engine": "postgres", "instance_class": "db.t3.micro"},
        ),
    ]
    limit = rds_default_max_connections("postgres", "db.t3.micro")
    assert limit is not None
    plans = make_plan(model, read_supply(model, estate, ["Product"]))
    db = {p.demand.horizon: p for p in plans if p.demand.tier == "db"}
    # 2027-06: 24 page views/s x 3 = 72 queries/s x 2 s = 144 connections
    assert db["2027-06"].demand.connections == pytest.approx(144)
    assert limit == 112  # LEAST(1 GiB / 9,531,392, 5,000)
    assert [s.kind for s in db["2027-06"].shortfalls] == ["connections"]
    finding = next(
        f for f in plan_findings(plans, "2027-06") if f.rule_id == "forecast_connections"
    )
    assert f"the engine allows {limit}" in finding.message
