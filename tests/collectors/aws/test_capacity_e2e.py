"""Capacity end to end: metrics and quotas seeded in moto, collected, judged by the rules.

The estate (`seed_capacity_estate`) has a problem and a compliant twin for each check:
a nearly full subnet and a roomy one, a busy instance and an idle one, a database with
about 4 GB of 100 GiB free and (added here) one with plenty, and an EC2 vCPU quota 30 of
32 in use. The scan uses the built-in rules; one threshold is set as `.pscan.yaml` would.
"""

from __future__ import annotations

import pytest

from scanner.app.scan import scan_snapshots
from scanner.engine import load_rules
from scanner.model import FindingsDocument
from scanner.snapshot import open_snapshot

from .conftest import reset
from .estate import (
    SECRET_PASSWORD,
    put_daily,
    quota_handler,
    seed_capacity_estate,
    vcpu_quota_answer,
)
from .test_collect import library_collect

RULES = {
    "aws_servicequotas_quota_headroom",
    "aws_servicequotas_quota_not_exhausted",
    "aws_ec2_subnet_free_ips_available",
    "aws_ec2_instance_cpu_not_saturated",
    "aws_ec2_instance_not_idle",
    "aws_rds_instance_free_storage_available",
}


@pytest.fixture(scope="module")
def scanned(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> FindingsDocument:
    moto = reset(moto_endpoint)
    seed_capacity_estate(moto)
    moto.client("rds").create_db_instance(
        DBInstanceIdentifier="roomy-db",
        DBInstanceClass="db.m5.large",
        Engine="postgres",
        AllocatedStorage=100,
        MasterUsername="admin",
        MasterUserPassword=SECRET_PASSWORD,
    )
    put_daily(moto, "AWS/RDS", "FreeStorageSpace", {"DBInstanceIdentifier": "roomy-db"}, [6e10] * 7)
    manifest, out = library_collect(
        moto,
        tmp_path_factory.mktemp("capacity"),
        services=("ec2", "rds", "dynamodb", "servicequotas"),
        metrics=True,
        metrics_days=7,
        handlers=(quota_handler({"ec2": vcpu_quota_answer()}),),
    )
    assert manifest.metrics is not None and manifest.metrics.api_calls >= 1
    # the seeded subnet keeps 2 of 11 addresses free (18%): judge it at 20%, as a team
    # would set in .pscan.yaml (params: {aws_ec2_subnet_free_ips_available: ...})
    ruleset = load_rules().select(ids=RULES)
    ruleset = ruleset.with_params({"aws_ec2_subnet_free_ips_available": {"below_percent": 20}})
    return scan_snapshots([open_snapshot(out)], ruleset, product_tags=("Name",))


def _failing(doc: FindingsDocument, rule_id: str) -> set[str]:
    return {f.resource.name for f in doc.findings if f.rule_id == rule_id}


def test_problems_are_found_and_twins_stay_silent(scanned: FindingsDocument) -> None:
    vcpu = "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances"
    assert _failing(scanned, "aws_servicequotas_quota_headroom") == {vcpu}  # 93.75%
    assert _failing(scanned, "aws_servicequotas_quota_not_exhausted") == set()  # below 95%
    assert _failing(scanned, "aws_ec2_subnet_free_ips_available") == {"almost-full"}
    assert _failing(scanned, "aws_ec2_instance_cpu_not_saturated") == {"busy"}
    assert _failing(scanned, "aws_ec2_instance_not_idle") == {"idle"}
    assert _failing(scanned, "aws_rds_instance_free_storage_available") == {"tight-db"}


def test_messages_quote_the_figures(scanned: FindingsDocument) -> None:
    quota = next(f for f in scanned.findings if f.rule_id == "aws_servicequotas_quota_headroom")
    assert "limit 32, in use 30" in quota.message and "93.8" in quota.message
    subnet = next(f for f in scanned.findings if f.rule_id == "aws_ec2_subnet_free_ips_available")
    assert "2 of 11 addresses free" in subnet.message


def test_the_capacity_section_shows_the_first_limit(scanned: FindingsDocument) -> None:
    capacity = scanned.capacity
    assert capacity is not None
    groups = {g.name: g for g in capacity.products}
    # the region's vCPU quota (6.25% left) comes before the subnet (18% left)
    first = groups["almost-full"].first_limit
    assert first is not None and first.kind == "quota" and first.headroom_percent == 6.25
    subnet = next(c for c in groups["almost-full"].constraints if c.kind == "ip_addresses")
    assert (subnet.used, subnet.limit) == (9, 11)
