"""scanner.policy.capacity: instance sizes, connection limits and vCPU quota families."""

from __future__ import annotations

import pytest

from scanner.policy import capacity


@pytest.mark.parametrize(
    ("instance_type", "code"),
    [
        ("m6i.large", "L-1216C47A"),
        ("t3.micro", "L-1216C47A"),
        ("c7g.xlarge", "L-1216C47A"),
        ("r6i.2xlarge", "L-1216C47A"),
        ("i4i.large", "L-1216C47A"),
        ("z1d.large", "L-1216C47A"),
        ("a1.medium", "L-1216C47A"),
        ("g5.xlarge", "L-DB2E81BA"),
        ("vt1.3xlarge", "L-DB2E81BA"),
        ("p4d.24xlarge", "L-417A185B"),
        ("x2idn.16xlarge", "L-7295265B"),
        ("inf2.xlarge", "L-1945791B"),  # starts with i, but Inferentia has its own quota
        ("u-6tb1.metal", "L-43DA4232"),
        ("trn1.2xlarge", None),  # starts with t, but not a Standard family
        ("mac2.metal", None),
        ("", None),
        (None, None),
        ("nonsense", None),
    ],
)
def test_vcpu_quota_families(instance_type: str | None, code: str | None) -> None:
    assert capacity.ec2_vcpu_quota_code(instance_type) == code


@pytest.mark.parametrize(
    ("instance_type", "smaller"),
    [
        ("m5.2xlarge", "m5.xlarge"),
        ("m5.xlarge", "m5.large"),
        ("m5.large", None),  # the smallest m5
        ("m5.12xlarge", None),  # no exact half (6xlarge does not exist)
        ("m5.24xlarge", "m5.12xlarge"),
        ("t3.small", "t3.micro"),
        ("t3.nano", None),
        ("t4g.large", "t4g.medium"),
        ("m7g.large", "m7g.medium"),
        ("c6gn.large", "c6gn.medium"),
        ("db.r6g.xlarge", "db.r6g.large"),
        ("db.t3.medium", "db.t3.small"),
        (None, None),
    ],
)
def test_next_size_down(instance_type: str | None, smaller: str | None) -> None:
    assert capacity.next_size_down(instance_type) == smaller


@pytest.mark.parametrize(
    ("instance_class", "gib"),
    [
        ("db.t3.micro", 1),
        ("db.t4g.medium", 4),
        ("db.m6g.large", 8),
        ("db.m5.4xlarge", 64),
        ("db.r6i.xlarge", 32),
        ("db.r7g.16xlarge", 512),
        ("db.x2g.large", 32),
        ("db.m4.large", None),  # older families are not in the table
        ("m5.large", None),
        (None, None),
    ],
)
def test_rds_class_memory(instance_class: str | None, gib: float | None) -> None:
    assert capacity.rds_class_memory_gib(instance_class) == gib


def test_rds_default_max_connections_follow_the_parameter_group_formulas() -> None:
    # db.m6g.large, 8 GiB = 8589934592 bytes
    assert capacity.rds_default_max_connections("mysql", "db.m6g.large") == 8589934592 // 12582880
    assert capacity.rds_default_max_connections("mariadb", "db.m6g.large") == 682
    assert capacity.rds_default_max_connections("postgres", "db.m6g.large") == 901
    assert capacity.rds_default_max_connections("aurora-postgresql", "db.r6g.large") == 1802
    # PostgreSQL is capped at 5000 connections
    assert capacity.rds_default_max_connections("postgres", "db.r6i.8xlarge") == 5000
    assert capacity.rds_default_max_connections("oracle-ee", "db.m6g.large") is None
    assert capacity.rds_default_max_connections("postgres", "db.z9.large") is None


@pytest.mark.parametrize(
    ("tier", "gib"),
    [
        ("db-f1-micro", 0.6),
        ("db-g1-small", 1.7),
        ("db-custom-2-7680", 7.5),
        ("db-custom-4-16384", 16.0),
        ("db-n1-standard-4", 15.0),
        ("db-n1-highmem-2", 13.0),
        ("db-perf-optimized-N-8", None),
        (None, None),
    ],
)
def test_cloudsql_tier_memory(tier: str | None, gib: float | None) -> None:
    assert capacity.cloudsql_tier_memory_gib(tier) == gib


@pytest.mark.parametrize(
    ("version", "tier", "limit"),
    [
        ("MYSQL_8_0", "db-f1-micro", 250),
        ("MYSQL_8_0", "db-g1-small", 1000),
        ("MYSQL_5_7", "db-custom-8-30720", 4000),
        ("POSTGRES_15", "db-f1-micro", 25),
        ("POSTGRES_15", "db-g1-small", 50),
        ("POSTGRES_15", "db-custom-1-3840", 100),
        ("POSTGRES_15", "db-custom-2-7680", 400),  # 7.5 GB is the lower bound of 400
        ("POSTGRES_15", "db-custom-4-15360", 500),
        ("POSTGRES_16", "db-custom-32-122880", 1000),
        ("SQLSERVER_2019_STANDARD", "db-custom-2-7680", None),
        ("POSTGRES_15", "db-perf-optimized-N-8", None),
        (None, "db-f1-micro", None),
    ],
)
def test_cloudsql_max_connections(version: str | None, tier: str | None, limit: int | None) -> None:
    assert capacity.cloudsql_max_connections(version, tier) == limit
