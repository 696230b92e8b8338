"""The seeded estate generator: `generate(n, seed)` streams an estate of exactly `n` resources.

The estate has one AWS account per ~5,000 resources (2-4 regions each, built from
repeated application stacks, `scanner.synthetic.generator_aws`) and one GCP project per
~5,000 of its 15% GCP share (`scanner.synthetic.generator_gcp`), with a seeded 4-12%
problem rate per environment (prod lowest).

`_plan` splits `n` over scopes first; each scope then streams exactly its budget from its
own random stream (seeded by the seed and the scope), so a scope's resources do not
depend on how many the others hold, and memory does not grow with `n`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from itertools import islice
from typing import NamedTuple

from scanner.synthetic.aws import Aws
from scanner.synthetic.aws_iam import AWS_MANAGED_POLICIES
from scanner.synthetic.common import (
    PROD_ACCOUNT,
    STAGING_ACCOUNT,
    TOOLING_ACCOUNT,
    VENDOR_ACCOUNT,
    ResourceDict,
    hex_digits,
)
from scanner.synthetic.gcp import Gcp
from scanner.synthetic.generator_aws import AWS_REGIONS, aws_account_stream, aws_region_stream
from scanner.synthetic.generator_common import APPS, PROBLEM_RATE, cost_center, folder_number
from scanner.synthetic.generator_gcp import gcp_org_stream, gcp_project_stream
from scanner.synthetic.generator_usage import VcpuCount, project_quota, region_quota, with_usage

__all__ = ["generate", "generate_scopes"]

_RESOURCES_PER_SCOPE = 5000  # one AWS account / GCP project per ~5,000 resources
_GCP_SHARE = 0.15


class _Scope(NamedTuple):
    """One unit of the generated estate, streamed with exactly `budget` resources."""

    kind: str  # managed | org | account | region | project
    account: str  # AWS account id or GCP project id
    region: str
    env: str
    budget: int
    primary: bool = False
    number: str = ""  # GCP project number / organization number
    parent: str = ""  # GCP: folder id of a project


def generate(resources: int, seed: int = 0) -> Iterator[ResourceDict]:
    """Stream a synthetic estate of exactly `resources` resources, as snapshot dicts.

    The estate has one AWS account per ~5,000 resources (2-4 regions each, built from
    repeated application stacks) and one GCP project per ~5,000 of its 15% GCP share,
    with a seeded 4-12% problem rate per setting (prod lowest). Same arguments, same
    output, byte for byte; memory does not grow with `resources`.
    """
    for scope in _plan(resources, seed):
        yield from _scope_stream(scope, seed)


def generate_scopes(resources: int, seed: int = 0) -> list[str]:
    """The scopes `generate(resources, seed)` covers, for the snapshot manifest."""
    return [
        f"{'gcp' if s.kind == 'project' else 'aws'}:{s.account}"
        + ("" if s.kind == "project" else f":{s.region}")
        for s in _plan(resources, seed)
        if s.kind in ("account", "region", "project") and s.budget
    ]


class _Ids:
    """Draws account ids (and GCP organization and project numbers) never used before."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used = {PROD_ACCOUNT, STAGING_ACCOUNT, TOOLING_ACCOUNT, VENDOR_ACCOUNT}

    def account(self) -> str:
        while True:
            candidate = str(self.rng.randrange(10**11, 10**12))
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate

    def project(self, env: str) -> str:
        project = ""
        while not project or project in self.used:
            project = f"nw-{APPS[self.rng.randrange(len(APPS))]}-{env}-{hex_digits(self.rng, 4)}"
        self.used.add(project)
        return project


class _Budget:
    """What is left of the total to hand out; each `take` gets at most what is left."""

    def __init__(self, total: int) -> None:
        self.left = max(total, 0)

    def take(self, n: int) -> int:
        got = min(n, self.left)
        self.left -= got
        return got


def _plan(total: int, seed: int) -> list[_Scope]:
    """Split `total` over scopes; every scope's dependencies are planned (and emitted) first."""
    rng = random.Random(f"pscan-synthetic-plan:{seed}")
    budget = _Budget(total)
    ids = _Ids(rng)
    first_account = ids.account()
    org = ids.account()
    scopes = [
        _Scope("managed", first_account, "global", "prod", budget.take(len(AWS_MANAGED_POLICIES))),
        _Scope("org", "", "global", "prod", budget.take(1 + len(PROBLEM_RATE)), number=org),
    ]
    gcp_total = int(budget.left * _GCP_SHARE) if budget.left >= 100 else 0
    scopes += _plan_aws(rng, ids, budget, budget.left - gcp_total, first_account)
    n_projects = max(1, round(gcp_total / _RESOURCES_PER_SCOPE)) if gcp_total else 0
    envs = tuple(PROBLEM_RATE)
    for i in range(n_projects):
        share = gcp_total // n_projects + (1 if i < gcp_total % n_projects else 0)
        env = envs[rng.randrange(len(envs))]
        project = ids.project(env)
        scopes.append(
            _Scope(
                "project",
                project,
                "global",
                env,
                budget.take(share),
                number=ids.account(),
                parent=folder_number(org, env),
            )
        )
    return [s for s in scopes if s.budget > 0]


def _plan_aws(
    rng: random.Random, ids: _Ids, budget: _Budget, aws_total: int, first_account: str
) -> list[_Scope]:
    """The AWS accounts (the first one given) and their regions, sharing `aws_total`."""
    scopes: list[_Scope] = []
    n_accounts = max(1, round(aws_total / _RESOURCES_PER_SCOPE))
    envs = tuple(PROBLEM_RATE)
    regions = tuple(AWS_REGIONS)
    for i in range(n_accounts):
        share = aws_total // n_accounts + (1 if i < aws_total % n_accounts else 0)
        account = first_account if i == 0 else ids.account()
        env = envs[i % len(envs)] if i < len(envs) else envs[rng.randrange(len(envs))]
        n_regions = 1 if share < 150 else (2 if share < 1500 else rng.randint(2, 4))
        chosen = rng.sample(regions, n_regions)
        global_budget = min(share, max(10, share * 3 // 100))
        scopes.append(_Scope("account", account, "global", env, budget.take(global_budget)))
        regional = share - global_budget
        # The first region is the primary one (CloudTrail lives there) and gets half.
        shares = [regional // 2] + [0] * (n_regions - 1) if n_regions > 1 else [regional]
        rest = regional - shares[0]
        for j in range(1, n_regions):
            shares[j] = rest // (n_regions - 1) + (1 if j - 1 < rest % (n_regions - 1) else 0)
        for j, region in enumerate(chosen):
            scopes.append(
                _Scope("region", account, region, env, budget.take(shares[j]), primary=j == 0)
            )
    return scopes


def _scope_stream(scope: _Scope, seed: int) -> Iterator[ResourceDict]:
    """Exactly `scope.budget` resources of one scope, from the scope's own random stream."""
    rng = random.Random(f"pscan-synthetic:{seed}:{scope.kind}:{scope.account}:{scope.region}")
    p = PROBLEM_RATE[scope.env]
    if scope.kind == "managed":
        a = Aws(rng, scope.account, "global", scope.env, "CC-1000")
        managed = (
            a.managed_policy(path, name, doc, rng.randint(1, 40))
            for path, name, doc in AWS_MANAGED_POLICIES
        )
        yield from islice(managed, scope.budget)
    elif scope.kind == "org":
        yield from islice(gcp_org_stream(scope.number), scope.budget)
    elif scope.kind == "account":
        a = Aws(rng, scope.account, "global", scope.env, cost_center(scope.account))
        yield from islice(aws_account_stream(a, p), scope.budget)
    elif scope.kind == "region":
        a = Aws(rng, scope.account, scope.region, scope.env, cost_center(scope.account))
        in_region = 0
        count = VcpuCount()
        # the region's resources, its vCPU quota, then the region itself
        stream = with_usage(aws_region_stream(a, p, primary=scope.primary), rng, p, count)
        for r in islice(stream, max(0, scope.budget - 2)):
            in_region += r["region"] == scope.region
            yield r
        if scope.budget >= 2:
            in_region += 1
            yield region_quota(scope.account, scope.region, count, rng)
        # Drawn after the stream is cut: the region's settings depend on where it was cut.
        yield a.region_res(
            in_region,
            guardduty=rng.random() >= p,
            config=rng.random() >= p,
            ebs_default=rng.random() >= p * 2,
        )
    else:
        g = Gcp(rng, scope.account, scope.number, scope.env, cost_center(scope.number))
        parent = f"//cloudresourcemanager.googleapis.com/folders/{scope.parent}"
        count = VcpuCount()
        stream = with_usage(gcp_project_stream(g, parent, p), rng, p, count)
        yield from islice(stream, scope.budget - 1 if scope.budget >= 2 else scope.budget)
        if scope.budget >= 2:
            yield project_quota(scope.account, count.region or "us-central1", count, rng)
