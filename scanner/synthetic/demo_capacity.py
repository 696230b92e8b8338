"""The demo's usage and limits: what Northwind's estate uses, and where it will run out.

Applied to the built demo estate (`add_capacity`), so the security story stays as it is
and the capacity story reads in one place. Every resource of a type with metrics gets a
`usage` summary over 14 days (docs/capacity.md); each AWS account and region gets its
EC2 vCPU quota and a few others, and the GCP project its CPUS quota. Resources carry a
product tag (`Product` on AWS, `product` on GCP) so the report can show headroom per
product.

The story, each with a healthy twin elsewhere:
- checkout (prod, eu-west-1) is about to exhaust its On-Demand vCPU quota: 28 of 30 in
  use, and the web auto-scaling group's maximum needs 12 more; prod us-east-1 has room;
- prod-private-a has almost no free IP addresses; its sibling subnets have plenty;
- orders-db is running out of disk without storage autoscaling; orders-db-dr has room;
- prod-worker-2 is an idle, oversized c6i.xlarge; prod-worker-1 does the work;
- on GCP, warehouse-pg's disk is almost full without auto-resize (metadata-pg is fine),
  and the reports-api Cloud Run service runs at its maximum instances (dashboard does not).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from typing import Any

from scanner.catalog import TYPES
from scanner.synthetic.common import ResourceDict
from scanner.synthetic.demo_spec import Problems

__all__ = [
    "GCP_VCPUS",
    "VCPUS",
    "VCPU_QUOTA",
    "WINDOW_DAYS",
    "add_capacity",
    "aws_quota",
    "fill_usage",
    "gcp_quota",
    "summary",
]

WINDOW_DAYS = 14
_GIB = 1024**3

# vCPUs of the instance types the demo runs (AWS instance type pages).
VCPUS = {
    "t3.micro": 2,
    "t3.medium": 2,
    "t3.large": 2,
    "m6i.large": 2,
    "m6i.xlarge": 4,
    "c6i.large": 2,
    "c6i.xlarge": 4,
    "r6i.large": 2,
}
# GCP machine types' vCPUs.
GCP_VCPUS = {
    "n2-standard-8": 8,
    "e2-standard-8": 8,
    "e2-standard-4": 4,
    "e2-standard-2": 2,
    "e2-small": 2,
}

# AWS name prefix -> product; resources not listed belong to no product (shared platform).
_AWS_PRODUCTS = (
    ("reporting", "reporting"),
    ("report-", "reporting"),
    ("promo", "promotions"),
    ("prod-web", "checkout"),
    ("prod-dr-web", "checkout"),
    ("staging-web", "checkout"),
    ("prod-orders", "checkout"),
    ("staging-orders", "checkout"),
    ("prod-worker", "checkout"),
    ("orders-", "checkout"),
    ("sessions", "checkout"),
    ("carts", "checkout"),
    ("image-resizer", "checkout"),
    ("thumbnailer", "checkout"),
)
_GCP_PRODUCTS = (
    ("etl-", "analytics"),
    ("warehouse", "analytics"),
    ("ingest", "analytics"),
    ("gke-analytics", "analytics"),
    ("reporting-vm", "reports"),
    ("reports-api", "reports"),
    ("dashboard", "reports"),
    ("metadata-pg", "reports"),
)


def summary(average: float, p95: float, maximum: float, days: int = WINDOW_DAYS) -> dict[str, Any]:
    """One metric's summary as collectors store it."""
    return {
        "average": round(average, 2),
        "p95": round(p95, 2),
        "max": round(maximum, 2),
        "days": days,
    }


def _spread(rng: random.Random, low: float, high: float) -> dict[str, Any]:
    """A plausible summary whose average lies between `low` and `high`."""
    average = rng.uniform(low, high)
    return summary(average, average * rng.uniform(1.15, 1.4), average * rng.uniform(1.4, 1.8))


def _set(resource: ResourceDict, **attributes: Any) -> None:
    known = TYPES[resource["type"]].attributes
    unknown = sorted(set(attributes) - set(known))
    if unknown:
        msg = f"{resource['type']}: {unknown} are not catalog attributes"
        raise ValueError(msg)
    resource["attributes"].update(attributes)


def _product(resource: ResourceDict) -> str | None:
    table = _AWS_PRODUCTS if resource["provider"] == "aws" else _GCP_PRODUCTS
    name = str(resource.get("name") or "")
    return next((product for prefix, product in table if name.startswith(prefix)), None)


# ---------------------------------------------------------------------- healthy usage
def _aws_instance(r: ResourceDict, rng: random.Random) -> None:
    running = r["attributes"].get("state") == "running"
    _set(
        r,
        vcpus=VCPUS.get(str(r["attributes"].get("instance_type")), 2),
        usage={
            "cpu_percent": _spread(rng, 20, 45) if running else summary(0, 0, 0, 0),
            "network_in_bytes": _spread(rng, 2e9, 9e9),
            "network_out_bytes": _spread(rng, 1e9, 6e9),
        },
    )


def _aws_subnet(r: ResourceDict, rng: random.Random) -> None:
    prefix = int(str(r["attributes"]["cidr_block"]).split("/")[1])
    total = 2 ** (32 - prefix) - 5
    available = total - rng.randint(4, max(5, total // 8))
    _set(
        r,
        total_ip_count=total,
        available_ip_count=available,
        used_ip_percent=round((total - available) / total * 100, 1),
    )


def _aws_asg(r: ResourceDict, rng: random.Random) -> None:
    instance_type = "t3.medium" if str(r["name"]).startswith("staging") else "m6i.large"
    _set(
        r,
        instance_type=instance_type,
        vcpus_per_instance=VCPUS[instance_type],
        instance_count=r["attributes"].get("desired_capacity"),
        usage={"cpu_percent": _spread(rng, 25, 45)},
    )


def _aws_rds(r: ResourceDict, rng: random.Random) -> None:
    allocated = float(r["attributes"].get("allocated_storage_gb") or 100)
    free = allocated * rng.uniform(0.45, 0.7) * _GIB
    _set(
        r,
        max_allocated_storage_gb=None,
        iops=None,
        usage={
            "cpu_percent": _spread(rng, 15, 40),
            "free_storage_bytes": summary(free * 1.05, free * 1.1, free * 1.12),
            "connections": _spread(rng, 20, 60),
            "read_iops": _spread(rng, 100, 400),
            "write_iops": _spread(rng, 50, 200),
            "freeable_memory_bytes": _spread(rng, 2 * _GIB, 6 * _GIB),
        },
    )


def _aws_dynamodb(r: ResourceDict, rng: random.Random) -> None:
    _set(
        r,
        usage={
            "consumed_read_units": _spread(rng, 5, 40),
            "consumed_write_units": _spread(rng, 2, 15),
            "read_throttle_events": summary(0, 0, 0),
            "write_throttle_events": summary(0, 0, 0),
        },
    )


def _aws_lambda(r: ResourceDict, rng: random.Random) -> None:
    timeout_ms = float(r["attributes"].get("timeout_s") or 3) * 1000
    _set(
        r,
        reserved_concurrency=None,
        usage={
            "concurrent_executions": _spread(rng, 2, 20),
            "invocations": _spread(rng, 1_000, 50_000),
            "throttles": summary(0, 0, 0),
            "errors": _spread(rng, 0, 5),
            "duration_ms": summary(timeout_ms * 0.1, timeout_ms * 0.2, timeout_ms * 0.3),
        },
    )


def _aws_alb(r: ResourceDict, rng: random.Random) -> None:
    requests = rng.uniform(200_000, 2_000_000)
    _set(
        r,
        usage={
            "request_count": summary(requests, requests * 1.3, requests * 1.6),
            "elb_5xx_count": summary(requests * 1e-5, requests * 2e-5, requests * 4e-5),
            "target_5xx_count": summary(requests * 1e-4, requests * 2e-4, requests * 3e-4),
            "target_response_time_s": _spread(rng, 0.05, 0.2),
        },
    )


def _aws_volume(r: ResourceDict, rng: random.Random) -> None:
    bursting = r["attributes"].get("volume_type") in ("gp2", "st1", "sc1")
    metrics: dict[str, Any] = {
        "read_ops": _spread(rng, 1e5, 1e6),
        "write_ops": _spread(rng, 1e5, 1e6),
    }
    if bursting:
        low = rng.uniform(85, 99)
        metrics["burst_balance_percent"] = summary(min(100.0, low + 5), low + 3, 100)
    _set(r, usage=metrics)


def _aws_queue(r: ResourceDict, rng: random.Random) -> None:
    _set(
        r,
        usage={
            "oldest_message_age_s": _spread(rng, 1, 30),
            "messages_visible": _spread(rng, 0, 40),
        },
    )


def _aws_ecs(r: ResourceDict, rng: random.Random) -> None:
    _set(r, usage={"cpu_percent": _spread(rng, 15, 40), "memory_percent": _spread(rng, 30, 55)})


def _gcp_instance(r: ResourceDict, rng: random.Random) -> None:
    running = r["attributes"].get("status") == "RUNNING"
    _set(r, usage={"cpu_percent": _spread(rng, 20, 45) if running else summary(0, 0, 0, 0)})


def _gcp_sql(r: ResourceDict, rng: random.Random) -> None:
    _set(
        r,
        disk_size_gb=250,
        storage_auto_resize=True,
        storage_auto_resize_limit_gb=0,
        usage={
            "cpu_percent": _spread(rng, 15, 40),
            "disk_percent": _spread(rng, 30, 50),
            "memory_percent": _spread(rng, 40, 60),
            "connections": _spread(rng, 10, 60),
        },
    )


def _gcp_run(r: ResourceDict, rng: random.Random) -> None:
    _set(
        r,
        max_instances=20,
        min_instances=0,
        usage={"instance_count": _spread(rng, 1, 4), "request_count": _spread(rng, 1e4, 1e5)},
    )


def _gcp_function(r: ResourceDict, rng: random.Random) -> None:
    _set(r, max_instances=100, usage={"instance_count": _spread(rng, 1, 5)})


_HEALTHY: dict[str, Callable[[ResourceDict, random.Random], None]] = {
    "aws.ec2.instance": _aws_instance,
    "aws.ec2.subnet": _aws_subnet,
    "aws.autoscaling.group": _aws_asg,
    "aws.rds.instance": _aws_rds,
    "aws.dynamodb.table": _aws_dynamodb,
    "aws.lambda.function": _aws_lambda,
    "aws.elbv2.load_balancer": _aws_alb,
    "aws.ec2.volume": _aws_volume,
    "aws.sqs.queue": _aws_queue,
    "aws.ecs.service": _aws_ecs,
    "gcp.compute.instance": _gcp_instance,
    "gcp.sql.instance": _gcp_sql,
    "gcp.run.service": _gcp_run,
    "gcp.cloudfunctions.function": _gcp_function,
}


def fill_usage(resource: ResourceDict, rng: random.Random) -> bool:
    """Give a resource of a type with metrics healthy usage; False for other types."""
    fill = _HEALTHY.get(resource["type"])
    if fill is None:
        return False
    fill(resource, rng)
    return True


# ---------------------------------------------------------------------- quotas
def aws_quota(
    account: str,
    region: str,
    code: tuple[str, str, str],
    limit: float,
    used: float | None,
    *,
    unit: str = "None",
    default: float | None = None,
) -> ResourceDict:
    """An `aws.servicequotas.quota` resource as the collector writes it."""
    service, quota_code, name = code
    return {
        "id": f"arn:aws:servicequotas:{region}:{account}:{service}/{quota_code}",
        "type": "aws.servicequotas.quota",
        "provider": "aws",
        "account": account,
        "region": region,
        "name": name,
        "tags": {},
        "attributes": {
            "service_code": service,
            "quota_code": quota_code,
            "quota_name": name,
            "limit": limit,
            "used": used,
            "used_percent": None if used is None or not limit else round(used / limit * 100, 1),
            "unit": unit,
            "default_limit": limit if default is None else default,
            "adjustable": True,
            "global_quota": False,
            "source": "servicequotas",
        },
        "relations": [],
    }


def gcp_quota(project: str, region: str, metric: str, limit: float, used: float) -> ResourceDict:
    """A regional `gcp.compute.quota` resource as the collector writes it."""
    return {
        "id": f"//compute.googleapis.com/projects/{project}/regions/{region}/quotas/{metric}",
        "type": "gcp.compute.quota",
        "provider": "gcp",
        "account": project,
        "region": region,
        "name": metric,
        "tags": {},
        "attributes": {
            "metric": metric,
            "limit": limit,
            "used": used,
            "used_percent": round(used / limit * 100, 1),
            "unit": "count",
            "scope": "region",
        },
        "relations": [],
    }


VCPU_QUOTA = (
    "ec2",
    "L-1216C47A",
    "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances",
)
_ALB_QUOTA = ("elasticloadbalancing", "L-53DA6B97", "Application Load Balancers per Region")
_EIP_QUOTA = ("ec2", "L-0263D0A3", "EC2-VPC Elastic IPs")
# The story's vCPU quota per (account suffix, region); other regions get the default 32.
_VCPU_LIMITS = {("prod", "eu-west-1"): 30.0, ("staging", "eu-west-1"): 64.0}


def _quotas(out: list[ResourceDict]) -> list[ResourceDict]:
    vcpus: dict[tuple[str, str], float] = {}
    albs: dict[tuple[str, str], int] = {}
    eips: dict[tuple[str, str], int] = {}
    envs: dict[str, str] = {}
    for r in out:
        key = (r["account"], r["region"])
        attrs = r["attributes"]
        if r["type"] == "aws.ec2.instance" and attrs.get("state") == "running":
            vcpus[key] = vcpus.get(key, 0) + float(attrs.get("vcpus") or 0)
        elif r["type"] == "aws.elbv2.load_balancer":
            albs[key] = albs.get(key, 0) + 1
        elif r["type"] == "aws.ec2.eip":
            eips[key] = eips.get(key, 0) + 1
        if r["provider"] == "aws" and "Environment" in r["tags"]:
            envs[r["account"]] = r["tags"]["Environment"]
    quotas = []
    for account, env in sorted(envs.items()):
        for region in ("eu-west-1", "us-east-1"):
            key = (account, region)
            limit = _VCPU_LIMITS.get((env, region), 32.0)
            quotas += [
                aws_quota(
                    account, region, VCPU_QUOTA, limit, vcpus.get(key, 0), unit="None", default=5
                ),
                aws_quota(account, region, _ALB_QUOTA, 50, albs.get(key, 0)),
                aws_quota(account, region, _EIP_QUOTA, 10, eips.get(key, 0), default=5),
            ]
    gcp_cpus = sum(
        GCP_VCPUS.get(str(r["attributes"].get("machine_type")), 2)
        for r in out
        if r["type"] == "gcp.compute.instance" and r["attributes"].get("status") == "RUNNING"
    )
    project = next(r["account"] for r in out if r["type"] == "gcp.compute.instance")
    quotas += [
        gcp_quota(project, "europe-west1", "CPUS", 72, gcp_cpus),
        gcp_quota(project, "europe-west1", "IN_USE_ADDRESSES", 23, 4),
        gcp_quota(project, "europe-west1", "SSD_TOTAL_GB", 2048, 500),
    ]
    return quotas


# ---------------------------------------------------------------------- the story
def _named(out: Iterable[ResourceDict], name: str) -> ResourceDict:
    return next(r for r in out if r.get("name") == name)


def _story(out: list[ResourceDict], flag: Problems) -> None:
    subnet = _named(out, "prod-private-a")
    total = subnet["attributes"]["total_ip_count"]
    _set(subnet, available_ip_count=212, used_ip_percent=round((total - 212) / total * 100, 1))
    flag("capacity", subnet, "subnet with almost no free IP addresses (95% used)")

    db = _named(out, "orders-db")
    # the daily minimum of free space fell to 27.5 GiB of 500: 5.5% free, no autoscaling
    free = 27.5 * _GIB
    db["attributes"]["usage"]["free_storage_bytes"] = summary(free * 1.3, free, free * 1.7)
    flag("capacity", db, "database running out of disk (5.5% free, no storage autoscaling)")

    worker = _named(out, "prod-worker-2")
    worker["attributes"]["usage"]["cpu_percent"] = summary(1.4, 2.6, 4.1)
    flag("cost", worker, "idle, oversized instance (CPU p95 2.6% on a c6i.xlarge)")

    asg = _named(out, "prod-web-asg")
    flag(
        "capacity",
        asg,
        "auto-scaling maximum (9 x 2 vCPUs) not reachable: the vCPU quota has 2 left",
    )

    warehouse = _named(out, "warehouse-pg")
    _set(warehouse, storage_auto_resize=False)
    warehouse["attributes"]["usage"]["disk_percent"] = summary(91.0, 93.8, 94.6)
    flag("capacity", warehouse, "Cloud SQL disk almost full (94.6%) without auto-resize")

    reports = _named(out, "reports-api")
    _set(reports, max_instances=10)
    reports["attributes"]["usage"]["instance_count"] = summary(8.2, 10, 10)
    flag("capacity", reports, "Cloud Run service at its maximum of 10 instances")


def add_capacity(out: list[ResourceDict], flag: Problems, seed: int) -> list[ResourceDict]:
    """Give the demo estate usage, product tags and quotas; return the quota resources.

    `out` is changed in place (usage, scaling attributes, product tags); the quotas are
    returned for the caller to add. Uses its own random stream (`seed`), so the rest of
    the demo is unchanged by it.
    """
    rng = random.Random(seed)
    for r in out:
        fill_usage(r, rng)
        product = _product(r)
        if product is not None:
            r["tags"]["Product" if r["provider"] == "aws" else "product"] = product
    _story(out, flag)
    quotas = _quotas(out)
    vcpu = next(
        q
        for q in quotas
        if q["id"].endswith(":ec2/L-1216C47A")
        and q["region"] == "eu-west-1"
        and q["attributes"]["limit"] == 30.0
    )
    flag("capacity", vcpu, "vCPU quota almost exhausted (28 of 30 in use)")
    return quotas
