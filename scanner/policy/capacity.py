"""Capacity facts, read once: instance sizes, engine connection limits, quota families.

The capacity rules (`scanner.engine.capacity`) and, later, the report's headroom section
ask the same questions of a resource: how much memory has this RDS class, how many
connections does its engine allow by default, which vCPU quota does this EC2 type count
against, what is one size smaller? Each answer is one function here. They are pure
facts: no engine, no snapshot, no I/O. A value the tables do not know is None, and the
caller says it could not judge; it never guesses.

Sources are cited beside each table. The tables hold the common current types; add a
row rather than a rule when a type is missing.
"""

from __future__ import annotations

import re

__all__ = [
    "CLOUD_RUN_DEFAULT_MAX_INSTANCES",
    "EC2_STANDARD_VCPU_QUOTA",
    "GIB",
    "LAMBDA_UNRESERVED_MINIMUM",
    "PUBSUB_DEFAULT_RETENTION_S",
    "cloudsql_max_connections",
    "cloudsql_tier_memory_gib",
    "ec2_vcpu_quota_code",
    "next_size_down",
    "rds_class_memory_gib",
    "rds_default_max_connections",
]

GIB = 1024**3

# ----------------------------------------------------------------------------- EC2
# "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances" counts vCPUs of
# those families; the others have a quota each.
# https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-quotas.html
# https://docs.aws.amazon.com/servicequotas/latest/userguide/ (service ec2)
EC2_STANDARD_VCPU_QUOTA = "L-1216C47A"
_STANDARD_LETTERS = frozenset("acdhimrtz")
# Prefixes that start with a standard letter but count against another quota, checked
# before the first letter: Inferentia (L-1945791B), Trainium, DL, HPC, Mac (dedicated
# hosts only). None: a quota this table does not name.
_OTHER_PREFIXES: tuple[tuple[str, str | None], ...] = (
    ("inf", "L-1945791B"),
    ("trn", None),
    ("dl", None),
    ("hpc", None),
    ("mac", None),
    ("u-", "L-43DA4232"),  # High Memory
    ("vt", "L-DB2E81BA"),  # G and VT
    ("g", "L-DB2E81BA"),
    ("p", "L-417A185B"),  # P
    ("x", "L-7295265B"),  # X
    ("f", "L-74FC7D96"),  # F
)


def ec2_vcpu_quota_code(instance_type: str | None) -> str | None:
    """The Service Quotas code whose vCPU count an on-demand instance type uses, or None.

    `m6i.large` -> L-1216C47A (Standard); `g5.xlarge` -> L-DB2E81BA; unknown -> None.
    """
    if not instance_type or "." not in instance_type:
        return None
    family = instance_type.split(".", 1)[0].lower()
    for prefix, code in _OTHER_PREFIXES:
        if family.startswith(prefix):
            return code
    return EC2_STANDARD_VCPU_QUOTA if family[0] in _STANDARD_LETTERS else None


# Sizes double from one to the next (vCPU, memory and on-demand price), except the
# non-power-of-two sizes (3xlarge, 6xlarge, 12xlarge, ...), which have no exact half.
# https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html
_HALF = {
    "xlarge": "large",
    "2xlarge": "xlarge",
    "4xlarge": "2xlarge",
    "8xlarge": "4xlarge",
    "16xlarge": "8xlarge",
    "24xlarge": "12xlarge",
    "32xlarge": "16xlarge",
    "48xlarge": "24xlarge",
}
# Burstable families (t2, t3, t3a, t4g) go down to nano; Graviton families (m6g, c7g,
# r6g, ...) have a medium size.
_BURSTABLE_HALF = {"large": "medium", "medium": "small", "small": "micro", "micro": "nano"}
_GRAVITON = re.compile(r"^[a-z]+\d+g[a-z]*$")


def next_size_down(instance_type: str | None) -> str | None:
    """The type one size smaller in the same family (half the vCPUs and memory), or None.

    `m5.2xlarge` -> `m5.xlarge`; `t3.small` -> `t3.micro`; `m7g.large` -> `m7g.medium`;
    `m5.large` -> None (the smallest m5). Works for RDS classes too (`db.r6g.xlarge`).
    """
    if not instance_type or "." not in instance_type:
        return None
    prefix, size = instance_type.rsplit(".", 1)
    family = prefix.removeprefix("db.")
    smaller = _HALF.get(size)
    if smaller is None and family.startswith("t"):
        smaller = _BURSTABLE_HALF.get(size)
    elif smaller is None and size == "large" and _GRAVITON.match(family):
        smaller = "medium"
    return f"{prefix}.{smaller}" if smaller else None


# ----------------------------------------------------------------------------- RDS
# Memory of the DB instance classes: https://aws.amazon.com/rds/instance-types/ and
# https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html
# Burstable classes by size; the others by GiB per vCPU of the family and vCPUs per size.
_BURSTABLE_GIB = {
    "micro": 1,
    "small": 2,
    "medium": 4,
    "large": 8,
    "xlarge": 16,
    "2xlarge": 32,
}
_VCPUS = {
    "large": 2,
    "xlarge": 4,
    "2xlarge": 8,
    "4xlarge": 16,
    "8xlarge": 32,
    "12xlarge": 48,
    "16xlarge": 64,
    "24xlarge": 96,
    "32xlarge": 128,
    "48xlarge": 192,
}
# m5/m6g/m6i/m7g...: 4 GiB per vCPU; r5/r6g/r6i/r7g...: 8; x2g: 16 (r3/r4/m4 differ: left out)
_GIB_PER_VCPU = (
    (re.compile(r"^m[5-9][a-z]*$"), 4),
    (re.compile(r"^r[5-9][a-z]*$"), 8),
    (re.compile(r"^x2g[a-z]*$"), 16),
)


def rds_class_memory_gib(instance_class: str | None) -> float | None:
    """Memory of an RDS DB instance class in GiB (`db.m6g.large` -> 8), or None."""
    if not instance_class or not instance_class.startswith("db."):
        return None
    parts = instance_class.split(".")
    if len(parts) != 3:
        return None
    _, family, size = parts
    if re.match(r"^t[234]g?$", family):
        return _BURSTABLE_GIB.get(size)
    vcpus = _VCPUS.get(size)
    for pattern, per_vcpu in _GIB_PER_VCPU:
        if vcpus is not None and pattern.match(family):
            return float(vcpus * per_vcpu)
    return None


def rds_default_max_connections(engine: str | None, instance_class: str | None) -> int | None:
    """The default `max_connections` of an RDS engine on a class, or None when unknown.

    The default parameter groups set (https://docs.aws.amazon.com/AmazonRDS/latest/
    UserGuide/CHAP_Limits.html#RDS_Limits.MaxConnections):
    MySQL and MariaDB `{DBInstanceClassMemory/12582880}`; PostgreSQL (and Aurora
    PostgreSQL) `LEAST({DBInstanceClassMemory/9531392}, 5000)`. DBInstanceClassMemory is
    the class memory less what the OS and RDS processes keep, so the class memory used
    here gives a slightly higher limit than the instance really has: a rule using it
    warns a little late, never early. A custom parameter group may set another value,
    which the snapshot does not hold.
    """
    memory = rds_class_memory_gib(instance_class)
    if memory is None or not engine:
        return None
    memory_bytes = memory * GIB
    engine = engine.lower()
    if engine in ("mysql", "mariadb"):
        return int(memory_bytes // 12582880)
    if engine in ("postgres", "aurora-postgresql"):
        return int(min(memory_bytes // 9531392, 5000))
    return None


# ----------------------------------------------------------------------------- Lambda
# Lambda keeps 100 concurrent executions unreserved for functions without a reservation,
# so at most (account limit - 100) can be reserved.
# https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
LAMBDA_UNRESERVED_MINIMUM = 100

# ----------------------------------------------------------------------------- GCP
# Cloud Run's default maximum number of instances per revision.
# https://cloud.google.com/run/docs/configuring/max-instances
CLOUD_RUN_DEFAULT_MAX_INSTANCES = 100
# Pub/Sub keeps unacknowledged messages 7 days unless message_retention_duration says
# otherwise. https://cloud.google.com/pubsub/docs/subscription-properties
PUBSUB_DEFAULT_RETENTION_S = 7 * 24 * 3600

# Cloud SQL tiers: shared-core, legacy n1 tiers and custom `db-custom-<vCPUs>-<MiB>`.
# https://cloud.google.com/sql/docs/postgres/machine-series-overview
_SHARED_TIERS = {"db-f1-micro": 0.6, "db-g1-small": 1.7}
_N1_GIB_PER_VCPU = {"standard": 3.75, "highmem": 6.5}
_CUSTOM = re.compile(r"^db-custom-(\d+)-(\d+)$")
_N1 = re.compile(r"^db-n1-(standard|highmem)-(\d+)$")


def cloudsql_tier_memory_gib(tier: str | None) -> float | None:
    """Memory of a Cloud SQL tier in GiB (`db-custom-2-7680` -> 7.5), or None."""
    if not tier:
        return None
    if tier in _SHARED_TIERS:
        return _SHARED_TIERS[tier]
    if match := _CUSTOM.match(tier):
        return int(match.group(2)) / 1024
    if match := _N1.match(tier):
        return _N1_GIB_PER_VCPU[match.group(1)] * int(match.group(2))
    return None


# PostgreSQL default max_connections by memory (lower bound in GiB, connections):
# https://cloud.google.com/sql/docs/postgres/quotas#maximum_concurrent_connections
_POSTGRES_CONNECTIONS = (
    (120.0, 1000),
    (60.0, 800),
    (30.0, 600),
    (15.0, 500),
    (7.5, 400),
    (6.0, 200),
    (3.75, 100),
    (1.7, 50),
    (0.0, 25),
)
# MySQL: db-f1-micro 250, db-g1-small 1,000, every other tier 4,000.
# https://cloud.google.com/sql/docs/mysql/quotas#maximum_concurrent_connections
_MYSQL_SHARED_CONNECTIONS = {"db-f1-micro": 250, "db-g1-small": 1000}
_MYSQL_CONNECTIONS = 4000


def cloudsql_max_connections(database_version: str | None, tier: str | None) -> int | None:
    """The default connection limit of a Cloud SQL instance, or None when unknown.

    `max_connections` set as a database flag is not read here: the rule reads the flag
    first (`database_flags`) and calls this only without it.
    """
    if not database_version or not tier:
        return None
    version = database_version.upper()
    if version.startswith("MYSQL"):
        return _MYSQL_SHARED_CONNECTIONS.get(tier, _MYSQL_CONNECTIONS)
    if version.startswith("POSTGRES"):
        memory = cloudsql_tier_memory_gib(tier)
        if memory is None:
            return None
        return next(limit for floor, limit in _POSTGRES_CONNECTIONS if memory >= floor)
    return None
