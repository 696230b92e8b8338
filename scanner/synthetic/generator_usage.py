"""Usage and quotas for the generated estate, so benchmarks judge capacity at scale.

`with_usage` gives every resource of a type with metrics a usage summary (the demo's
healthy values, `scanner.synthetic.demo_capacity.fill_usage`) and, at the scope's
problem rate, a capacity problem: a saturated CPU, a subnet almost full, a database
almost out of disk. `region_quota` and `project_quota` close a region or project with
its vCPU quota, counted from the running instances streamed before it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from scanner.synthetic.common import ResourceDict
from scanner.synthetic.demo_capacity import (
    GCP_VCPUS,
    VCPU_QUOTA,
    VCPUS,
    aws_quota,
    fill_usage,
    gcp_quota,
    summary,
)

__all__ = ["VcpuCount", "project_quota", "region_quota", "with_usage"]

_GIB = 1024**3


def _saturate(r: ResourceDict, rng: random.Random) -> None:
    usage = r["attributes"]["usage"]
    busy = rng.uniform(82, 97)
    usage["cpu_percent"] = summary(busy - 8, busy, min(100.0, busy + 3))


def _fill_subnet(r: ResourceDict, rng: random.Random) -> None:
    attrs = r["attributes"]
    total = attrs["total_ip_count"]
    free = max(0, int(total * rng.uniform(0.0, 0.08)))
    attrs["available_ip_count"] = free
    attrs["used_ip_percent"] = round((total - free) / total * 100, 1)


def _fill_disk(r: ResourceDict, rng: random.Random) -> None:
    allocated = float(r["attributes"].get("allocated_storage_gb") or 100) * _GIB
    free = allocated * rng.uniform(0.01, 0.08)
    r["attributes"]["usage"]["free_storage_bytes"] = summary(free * 1.2, free, free * 1.3)


_PROBLEMS: dict[str, Callable[[ResourceDict, random.Random], None]] = {
    "aws.ec2.instance": _saturate,
    "aws.autoscaling.group": _saturate,
    "aws.ec2.subnet": _fill_subnet,
    "aws.rds.instance": _fill_disk,
    "gcp.compute.instance": _saturate,
}


class VcpuCount:
    """vCPUs of the running instances seen so far in one region or project, and where."""

    def __init__(self) -> None:
        self.vcpus = 0
        self.region = ""  # the first region (not 'global') a resource was seen in

    def add(self, r: ResourceDict) -> None:
        if not self.region and r["region"] != "global":
            self.region = r["region"]
        attrs = r["attributes"]
        if r["type"] == "aws.ec2.instance" and attrs.get("state") == "running":
            self.vcpus += VCPUS.get(str(attrs.get("instance_type")), 2)
        elif r["type"] == "gcp.compute.instance" and attrs.get("status") == "RUNNING":
            self.vcpus += GCP_VCPUS.get(str(attrs.get("machine_type")), 2)


def with_usage(
    stream: Iterator[ResourceDict], rng: random.Random, p: float, count: VcpuCount
) -> Iterator[ResourceDict]:
    """The stream's resources with usage (and capacity problems at rate `p`), counted."""
    for r in stream:
        if fill_usage(r, rng):
            problem = _PROBLEMS.get(r["type"])
            if problem is not None and rng.random() < p:
                problem(r, rng)
        count.add(r)
        yield r


def region_quota(account: str, region: str, count: VcpuCount, rng: random.Random) -> ResourceDict:
    """The region's On-Demand Standard vCPU quota: mostly roomy, sometimes nearly used up."""
    used = count.vcpus
    limit = max(32.0, float(used) * rng.choice((1.05, 1.5, 2.0, 4.0)))
    return aws_quota(account, region, VCPU_QUOTA, round(limit), used, default=5)


def project_quota(project: str, region: str, count: VcpuCount, rng: random.Random) -> ResourceDict:
    """The project's regional CPUS quota, sized like `region_quota`."""
    used = count.vcpus
    limit = max(24.0, float(used) * rng.choice((1.05, 1.5, 2.0, 4.0)))
    return gcp_quota(project, region, "CPUS", round(limit), used)
