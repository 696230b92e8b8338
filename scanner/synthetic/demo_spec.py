"""How the demo's environments are written down: settings, and items built from data.

Prod and staging share one architecture, built once by `scanner.synthetic.demo_aws` and
`scanner.synthetic.demo_aws_regions`. What differs between them is written as data in
`scanner.synthetic.demo_envs`: a `DemoEnv` of settings, plus lists of `Item`s for the
resources one environment has and the other has not (its users, its extra buckets, ...).

An `Item` names a builder method and its arguments; arguments may point at resources
built earlier in the same account (`Ref`, `Id`) or at a number drawn from the demo's
random stream when the item is built (`Draw`). An item may carry the deliberate problems
it stands for, recorded as it is built.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from scanner.synthetic.aws import Aws
from scanner.synthetic.common import ResourceDict

__all__ = [
    "DemoAccount",
    "DemoEnv",
    "Draw",
    "Id",
    "Item",
    "Problems",
    "Recorder",
    "Ref",
    "Site",
    "ecs_task",
    "item",
    "when",
]

Problem = tuple[str, str]
"""A deliberate problem: (category, what is wrong)."""


class Ref(NamedTuple):
    """The resource stored under `name` earlier in the same account."""

    name: str


class Id(NamedTuple):
    """The id of the resource stored under `name` earlier in the same account."""

    name: str


class Draw(NamedTuple):
    """A number drawn from the random stream when the item is built: `rng.<how>(low, high)`."""

    how: Literal["randint", "uniform"]
    low: float
    high: float


@dataclass(frozen=True)
class Item:
    """One resource to build: `build(aws, *args, **kwargs)`, then record its `problems`."""

    build: Callable[..., ResourceDict]
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any]
    problems: tuple[Problem, ...] = ()
    ref: str | None = None  # store the resource under this name for later items


def item(
    build: Callable[..., ResourceDict],
    *args: Any,
    problems: Sequence[Problem] = (),
    ref: str | None = None,
    **kwargs: Any,
) -> Item:
    """An `Item`: the builder (e.g. `Aws.user`), its arguments, its problems."""
    return Item(build, args, kwargs, tuple(problems), ref)


def when(found: bool, category: str, what: str) -> tuple[Problem, ...]:
    """The problem (category, what) if `found`, else none: `acct.add(r, *when(...))`."""
    return ((category, what),) if found else ()


def ecs_task(
    a: Aws, family: str, revision: int, role: ResourceDict, images: Sequence[str], **kw: Any
) -> ResourceDict:
    """An ECS task definition whose images (`name:tag`) come from the account's registry."""
    registry = f"{a.account}.dkr.ecr.{a.region}.amazonaws.com/northwind"
    return a.task_definition(family, revision, role, [f"{registry}/{i}" for i in images], **kw)


class Problems:
    """Records the demo's deliberate problems as they are built: (category, id, what)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []

    def __call__(self, category: str, resource: ResourceDict, what: str) -> ResourceDict:
        self.items.append((category, resource["id"], what))
        return resource


class Site(NamedTuple):
    """A VPC of the demo and what its stacks build on."""

    vpc: ResourceDict
    public: list[ResourceDict]
    private: list[ResourceDict]
    alb_sg: ResourceDict


@dataclass(frozen=True)
class DemoEnv:
    """What one demo environment (prod or staging) is: its account and how it differs.

    Settings that are problems read as such (`root_keys`: the root user has an access key);
    settings that are hardening read as such (`hardened_alb`). Each problem setting records
    its problem where the resource is built. The `Item` lists hold resources only this
    environment has, in build order.
    """

    name: str
    account: str
    cost_center: str
    # the account
    root_keys: bool  # the root user has an access key (used 45 days ago)
    weak_passwords: bool
    support_role: bool
    public_access_block: bool  # account-level S3 block
    managed_policies: bool  # emit the AWS-managed policies (once per estate)
    # keys and IAM
    data_key_rotation: bool
    keys: tuple[Item, ...]  # more KMS keys; `trail_key` encrypts CloudTrail
    deploy_attachments: int
    admin_policy: str  # name of the customer-managed allow-all policy
    admin_attached: bool  # ... and whether group Developers has it
    admins: int  # members of group Admins
    groups: tuple[Item, ...]  # after Admins
    users: tuple[Item, ...]
    roles: tuple[Item, ...]  # between the shared roles and the Auto Scaling service role
    # S3 in the primary region
    trail_object_lock: bool
    buckets: tuple[Item, ...]  # after the log and CloudTrail buckets
    # the primary region's network
    cidr_base: str  # "10.10": the VPC is 10.10.0.0/16
    zones: str  # availability zone letters
    map_public_ips: bool  # public subnets assign public IPs on launch
    nat_per_zone: bool  # else one NAT gateway, in zone a
    default_sg_attachments: int  # > 0: the default group keeps its rules and is in use
    bastion_open: bool  # SSH and RDP from anywhere (else SSH from the VPN)
    reporting_db: bool  # a reporting database open to the internet
    # compute
    images: tuple[tuple[str, int], ...]  # (version, age in days); the last one runs
    web_count: int
    web_type: str
    web_imdsv1: int | None  # index of the web server that allows IMDSv1 (on gp2)
    app_names: tuple[str, ...]
    app_type: str
    multi_az: bool  # web tier over every zone; else web in zone a and apps in zone b
    user_data_secret: bool  # app servers' user data holds a password
    app_data_encrypted: bool
    bastion_eip: bool
    asg_sizes: tuple[int, int, int]
    hardened_alb: bool  # HTTPS, WAF, access logs, header checks, deletion protection
    internal_alb: bool  # an internal ALB in front of the first three app servers
    # data and messaging
    data: tuple[Item, ...]  # databases and tables
    data_key_for_messaging: bool  # queues, topics and app log groups use the data key
    worker_task: tuple[int, str]  # orders-worker task revision and image tag
    data_extras: tuple[Item, ...]
    # serverless, logs, secrets, certificates, leftovers
    functions: tuple[Item, ...]
    flow_log_retention: int
    log_services: tuple[str, ...]
    app_log_retention: int
    secrets: tuple[Item, ...]
    certificates: tuple[Item, ...]
    leftovers: tuple[Item, ...]
    hardened_trail: bool  # multi-region, validated, data events, to CloudWatch Logs
    # the secondary region (us-east-1)
    secondary_vpc: str  # "dr": the VPC is <env>-dr
    secondary_cidr_base: str
    secondary_flow_logs: bool
    secondary_monitoring: bool  # GuardDuty and AWS Config on in us-east-1
    secondary_stack: Callable[[DemoAccount, Site], None]  # what runs there


@dataclass
class Recorder:
    """The demo being built: the resources in order and the problems recorded so far."""

    flag: Problems
    out: list[ResourceDict]

    def add(self, resource: ResourceDict, *problems: Problem) -> ResourceDict:
        """Append `resource` to the estate and record its `problems`."""
        self.out.append(resource)
        for category, what in problems:
            self.flag(category, resource, what)
        return resource


@dataclass
class DemoAccount(Recorder):
    """One demo account being built: its builder, settings and named resources."""

    a: Aws
    env: DemoEnv
    refs: dict[str, Any]

    def at(self, region: str) -> DemoAccount:
        """The same account, output and named resources, building in another region."""
        return DemoAccount(self.flag, self.out, self.a.at(region), self.env, self.refs)

    def build(self, items: Sequence[Item]) -> list[ResourceDict]:
        """Build `items` in order, append them, record their problems."""
        built = []
        for it in items:
            args = [self._resolve(v) for v in it.args]
            kwargs = {k: self._resolve(v) for k, v in it.kwargs.items()}
            resource = self.add(it.build(self.a, *args, **kwargs), *it.problems)
            if it.ref is not None:
                self.refs[it.ref] = resource
            built.append(resource)
        return built

    def _resolve(self, value: Any) -> Any:
        if isinstance(value, Ref):
            return self.refs[value.name]
        if isinstance(value, Id):
            return self.refs[value.name]["id"]
        if isinstance(value, Draw):
            rng: random.Random = self.a.rng
            return getattr(rng, value.how)(value.low, value.high)
        if isinstance(value, list):
            return [self._resolve(v) for v in value]
        return value
