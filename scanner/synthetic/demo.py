"""The bundled demo estate: Northwind Logistics, a believable company with deliberate problems.

Two AWS accounts, prod and staging, in eu-west-1 and us-east-1, and one GCP project. The
AWS accounts share one architecture (`demo_aws`, `demo_aws_regions`); how they differ is
data (`demo_envs`): staging is worse than prod, and every problem has a compliant twin
elsewhere in the estate. `demo_problems()` lists the problems as they were built.
"""

from __future__ import annotations

import random
from functools import lru_cache

from scanner.model import Resource
from scanner.synthetic.common import ResourceDict
from scanner.synthetic.demo_aws import demo_aws_account
from scanner.synthetic.demo_capacity import add_capacity
from scanner.synthetic.demo_envs import PROD, STAGING
from scanner.synthetic.demo_gcp import GCP_PROJECT, demo_gcp
from scanner.synthetic.demo_spec import Problems

__all__ = ["demo_estate", "demo_problems", "demo_scopes"]

_SEED = 20261101


def demo_estate() -> list[Resource]:
    """Northwind Logistics: the bundled demo estate (AWS prod and staging, one GCP project)."""
    return [Resource.model_validate(r) for r in _demo()[0]]


def demo_problems() -> list[tuple[str, str, str]]:
    """The demo's deliberate problems as (category, resource id, description), in build order.

    A resource may appear more than once (one entry per problem). Every problem has a
    compliant twin elsewhere in the estate, except where noted in the description.
    """
    return list(_demo()[1])


def demo_scopes() -> list[str]:
    """The scopes of the demo estate, for the snapshot manifest."""
    return [
        f"aws:{env.account}:{region}"
        for env in (PROD, STAGING)
        for region in ("global", "eu-west-1", "us-east-1")
    ] + [f"gcp:{GCP_PROJECT}"]


@lru_cache(maxsize=1)
def _demo() -> tuple[tuple[ResourceDict, ...], tuple[tuple[str, str, str], ...]]:
    rng = random.Random(_SEED)
    flag = Problems()
    out = demo_aws_account(rng, flag, PROD)
    out += demo_aws_account(rng, flag, STAGING)
    out += demo_gcp(rng, flag)
    out += add_capacity(out, flag, _SEED + 1)
    # aws.region counts the resources collected in its region (known only now).
    regional: dict[tuple[str, str], int] = {}
    for r in out:
        key = (r["account"], r["region"])
        regional[key] = regional.get(key, 0) + 1
    for r in out:
        if r["type"] == "aws.region":
            r["attributes"]["resource_count"] = regional[(r["account"], r["region"])] - 1
    return tuple(out), tuple(flag.items)
