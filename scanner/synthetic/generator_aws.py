"""The AWS part of the generated estate: accounts, regions, networks and application stacks.

Every function streams resources from the builder's random stream, drawing in a fixed
order, so the same seed gives the same estate; the caller cuts each stream at its budget.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from itertools import count
from typing import NamedTuple

from scanner.synthetic.aws import Aws
from scanner.synthetic.aws_account import STRONG_PASSWORD_POLICY, WEAK_PASSWORD_POLICY
from scanner.synthetic.aws_iam import (
    MANAGED,
    MFA,
    account_trust,
    external_id,
    service_trust,
)
from scanner.synthetic.aws_network import cidr_rule, group_rule
from scanner.synthetic.common import (
    TOOLING_ACCOUNT,
    VENDOR_ACCOUNT,
    ResourceDict,
    allow,
    doc,
    hex_digits,
)
from scanner.synthetic.generator_common import APPS, TEAMS, masked_secret, person

__all__ = ["AWS_REGIONS", "aws_account_stream", "aws_region_stream"]

AWS_REGIONS = {
    "eu-west-1": "euw1",
    "eu-central-1": "euc1",
    "eu-north-1": "eun1",
    "us-east-1": "use1",
    "us-east-2": "use2",
    "us-west-2": "usw2",
    "ap-southeast-1": "apse1",
    "ap-northeast-1": "apne1",
}
"""The regions generated accounts use, with the short code their bucket names carry."""


def _chance(a: Aws, p: float) -> Callable[[], bool]:
    """A coin that comes up True (a deliberate problem) with probability `p`."""
    rng = a.rng

    def bad() -> bool:
        return rng.random() < p

    return bad


# --------------------------------------------------------------------------- account


def aws_account_stream(a: Aws, p: float) -> Iterator[ResourceDict]:
    """Account-wide resources: the account, IAM policies, groups, roles, then users forever."""
    rng = a.rng
    bad = _chance(a, p)
    yield a.account_res(
        f"northwind-{a.env}-{a.account[-4:]}",
        password_policy=WEAK_PASSWORD_POLICY if bad() else STRONG_PASSWORD_POLICY,
        public_access_block=not bad(),
        root_keys=bad(),
        root_mfa=not bad(),
        root_last_used_days=rng.randint(1, 400) if rng.random() < 0.3 else None,
        support_role=not bad(),
    )
    deploy = a.policy(
        "NorthwindDeploy",
        doc(
            allow(
                ["ecs:UpdateService", "ecs:RegisterTaskDefinition", "ecr:PutImage"],
                f"arn:aws:ecs:*:{a.account}:service/*",
            )
        ),
        2,
    )
    yield deploy
    admin_attached = bad()
    admin = a.policy("PlatformFullAccess", doc(allow("*", "*")), 1 if admin_attached else 0)
    yield admin
    admins = a.group("Admins", [MANAGED["AdministratorAccess"]], rng.randint(1, 4))
    devs = a.group(
        "Developers",
        [MANAGED["ReadOnlyAccess"], deploy["id"]] + ([admin["id"]] if admin_attached else []),
        rng.randint(5, 60),
    )
    yield admins
    yield devs
    ci_trust = account_trust(TOOLING_ACCOUNT, external_id(f"ci-{a.account}"))
    yield a.role("ci-deploy", [ci_trust], [deploy["id"]])
    yield a.role(
        "vendor-monitoring",
        [account_trust(VENDOR_ACCOUNT, None if bad() else external_id(hex_digits(rng, 8)))],
        [MANAGED["ReadOnlyAccess"]],
        team="security",
    )
    yield a.role(
        "support",
        [account_trust(a.account, MFA)],
        [MANAGED["AWSSupportAccess"]],
        last_used_days=None,
    )
    for i in count(1):
        if i % 5 == 0:
            yield _batch_role(a, i)
        else:
            yield _user(a, bad, i, admins, devs, deploy)


def _batch_role(a: Aws, i: int) -> ResourceDict:
    rng = a.rng
    app = APPS[rng.randrange(len(APPS))]
    return a.role(
        f"{app}-batch-{i}",
        [service_trust("lambda.amazonaws.com" if i % 2 else "ecs-tasks.amazonaws.com")],
        [MANAGED["AWSLambdaBasicExecutionRole"]],
        created_days=rng.randint(30, 1500),
        last_used_days=rng.randint(1, 200),
        team=TEAMS[rng.randrange(len(TEAMS))],
    )


def _user(
    a: Aws,
    bad: Callable[[], bool],
    i: int,
    admins: ResourceDict,
    devs: ResourceDict,
    deploy: ResourceDict,
) -> ResourceDict:
    """A person (most of them, in a group) or a service user with an access key."""
    rng = a.rng
    human = rng.random() < 0.8
    keys: list[tuple[int, str, int | None]] = []
    if not human or rng.random() < 0.3:
        age = rng.randint(120, 700) if bad() else rng.randint(1, 85)
        keys.append((age, "Active", rng.randint(1, 30)))
    return a.user(
        person(rng, i) if human else f"svc-{APPS[rng.randrange(len(APPS))]}-{i}",
        groups=[admins if rng.random() < 0.1 else devs] if human else [],
        policies=() if human else [deploy["id"]],
        console=human,
        mfa=human and not bad(),
        keys=keys,
        created_days=rng.randint(30, 2000),
        last_login_days=rng.randint(1, 120) if human else None,
        team=TEAMS[rng.randrange(len(TEAMS))],
    )


# --------------------------------------------------------------------------- region


class _Net(NamedTuple):
    vpc: ResourceDict
    public: list[ResourceDict]
    private: list[ResourceDict]


class _Shared(NamedTuple):
    """A region's resources every stack uses: the EBS and data keys, the log bucket."""

    ebs_key: ResourceDict
    data_key: ResourceDict
    logs: ResourceDict


def aws_region_stream(a: Aws, p: float, *, primary: bool) -> Iterator[ResourceDict]:
    """A region: keys and log buckets, the trail (primary region), then VPCs of app stacks."""
    rng = a.rng
    bad = _chance(a, p)
    code = AWS_REGIONS[a.region]
    ebs_key = a.kms_key(
        f"alias/{a.env}-ebs", rotation=not bad(), created_days=rng.randint(200, 1500)
    )
    data_key = a.kms_key(
        f"alias/{a.env}-data", rotation=not bad(), created_days=rng.randint(200, 1500)
    )
    logs = a.bucket(
        f"nw-{a.account}-{code}-logs", lifecycle_rules=2, created_days=rng.randint(300, 1500)
    )
    yield ebs_key
    yield data_key
    yield logs
    if primary:
        yield from _trail(a, bad, data_key, logs)
    shared = _Shared(ebs_key, data_key, logs)
    k = 0
    for v in count(1):
        net = yield from _network(a, v, p)
        for _ in range(rng.randint(4, 7)):
            k += 1
            yield from _stack(_Stack.start(a, p, k, net, shared))


def _trail(
    a: Aws, bad: Callable[[], bool], data_key: ResourceDict, logs: ResourceDict
) -> Iterator[ResourceDict]:
    """The account's CloudTrail trail, its bucket and its log group."""
    trail_bucket = a.bucket(
        f"nw-{a.account}-cloudtrail",
        key=data_key,
        log_to=logs,
        cloudtrail_writer=True,
        team="security",
    )
    trail_log = a.log_group(
        f"/aws/cloudtrail/{a.env}", retention_days=None if bad() else 365, team="security"
    )
    yield trail_bucket
    yield trail_log
    yield a.trail(
        f"{a.env}-trail",
        trail_bucket,
        multi_region=not bad(),
        validation=not bad(),
        key=None if bad() else data_key,
        log_group=trail_log,
    )


def _network(a: Aws, v: int, p: float) -> Generator[ResourceDict, None, _Net]:
    """VPC number `v`: subnets over 2-3 zones, gateways, default group, NATs, flow logs."""
    rng = a.rng
    prod = a.env == "prod"
    base = f"10.{v % 250}"
    name = f"{a.env}-vpc-{v}"
    flow_logs = rng.random() >= p
    vpc = a.vpc(name, f"{base}.0.0/16", flow_logs=flow_logs)
    azs = "abc" if prod or rng.random() < 0.4 else "ab"
    map_public = rng.random() < p
    public, private = a.subnets(vpc, name, base, azs, map_public=map_public)
    yield vpc
    yield from public
    yield from private
    yield a.internet_gateway(vpc, f"{name}-igw")
    yield a.network_acl(vpc, f"{name}-default")
    in_use = rng.random() < p
    yield a.default_security_group(vpc, attachments=rng.randint(1, 5) if in_use else 0)
    for s in public if prod else public[:1]:
        yield a.nat_gateway(vpc, s, f"{s['name']}-nat", gb_out=rng.uniform(0.01, 500))
        yield a.eip(f"{s['name']}-nat-eip", associated=True)
    if flow_logs:
        yield a.log_group(
            f"/aws/vpc/flow-logs/{name}",
            retention_days=rng.choice((30, 90, 365)),
            stored_gb=rng.uniform(1, 200),
        )
    return _Net(vpc, public, private)


# --------------------------------------------------------------------------- stacks


@dataclass
class _Stack:
    """One application stack being built: where it runs and what its parts share."""

    a: Aws
    bad: Callable[[], bool]
    k: int
    net: _Net
    shared: _Shared
    app: str
    team: str
    name: str
    code: str
    web_role: ResourceDict = field(default_factory=dict)
    fn_role: ResourceDict = field(default_factory=dict)
    groups: dict[str, ResourceDict] = field(default_factory=dict)
    db_public: bool = False

    @classmethod
    def start(cls, a: Aws, p: float, k: int, net: _Net, shared: _Shared) -> _Stack:
        """Stack number `k`: draws its application and owning team."""
        rng = a.rng
        app = APPS[rng.randrange(len(APPS))]
        team = TEAMS[rng.randrange(len(TEAMS))]
        name = f"{app}-{k:03d}"
        return cls(a, _chance(a, p), k, net, shared, app, team, name, AWS_REGIONS[a.region])


def _stack(s: _Stack) -> Iterator[ResourceDict]:
    """One application stack: roles, groups, web tier behind an ALB, data, functions, leftovers."""
    yield from _stack_access(s)
    yield _stack_bucket(s)
    yield from _stack_web(s)
    if s.a.rng.random() < 0.15:
        yield from _stack_bastion(s)
    yield from _stack_data(s)
    yield from _stack_functions(s)
    yield from _stack_leftovers(s)


def _stack_access(s: _Stack) -> Iterator[ResourceDict]:
    """The stack's roles and its security groups (ALB, web tier, database)."""
    a, rng, bad, name, team = s.a, s.a.rng, s.bad, s.name, s.team
    vpc = s.net.vpc
    s.web_role = a.role(
        f"{name}-{s.code}-web",
        [service_trust("ec2.amazonaws.com")],
        [MANAGED["AmazonSSMManagedInstanceCore"], MANAGED["CloudWatchAgentServerPolicy"]],
        created_days=rng.randint(30, 1200),
        team=team,
    )
    s.fn_role = a.role(
        f"{name}-{s.code}-fn",
        [service_trust("lambda.amazonaws.com")],
        [MANAGED["AWSLambdaBasicExecutionRole"]],
        created_days=rng.randint(30, 1200),
        last_used_days=rng.randint(1, 10),
        team=team,
    )
    yield s.web_role
    yield s.fn_role
    alb_sg = a.security_group(
        vpc,
        f"{name}-alb",
        f"{s.app} public load balancer",
        [
            cidr_rule("tcp", 443, 443, "0.0.0.0/0", "HTTPS"),
            cidr_rule("tcp", 80, 80, "0.0.0.0/0", "HTTP"),
        ],
        team=team,
    )
    web_in = [group_rule("tcp", 8080, 8080, alb_sg, "from ALB")]
    if bad():
        port = 22 if rng.random() < 0.7 else 3389
        web_in.append(cidr_rule("tcp", port, port, "0.0.0.0/0", "temporary debug access"))
    web_sg = a.security_group(
        vpc, f"{name}-web", f"{s.app} web tier", web_in, attachments=4, team=team
    )
    s.db_public = bad()
    db_in = [group_rule("tcp", 5432, 5432, web_sg, "from web tier")]
    if s.db_public:
        db_in.append(cidr_rule("tcp", 5432, 5432, "0.0.0.0/0", "analyst access"))
    db_sg = a.security_group(vpc, f"{name}-db", f"{s.app} database", db_in, team=team)
    s.groups = {"alb": alb_sg, "web": web_sg, "db": db_sg}
    yield alb_sg
    yield web_sg
    yield db_sg


def _stack_bucket(s: _Stack) -> ResourceDict:
    """The stack's assets bucket, with one of four public-exposure problems when bad."""
    a, rng = s.a, s.a.rng
    problem = rng.randrange(4) if s.bad() else -1
    return a.bucket(
        f"nw-{a.account}-{s.code}-{s.name}-assets",
        block_public=None if problem == 2 else problem < 0,
        public_by_policy=problem == 0,
        public_by_acl=problem == 1,
        secure_transport=problem != 3,
        key=s.shared.data_key if rng.random() < 0.5 else None,
        log_to=s.shared.logs,
        versioning="Enabled" if rng.random() < 0.7 else None,
        created_days=rng.randint(10, 1800),
        team=s.team,
    )


def _stack_web(s: _Stack) -> Iterator[ResourceDict]:
    """2-4 web servers with their volumes, their Auto Scaling group and the ALB."""
    a, rng, bad, name, team = s.a, s.a.rng, s.bad, s.name, s.team
    private = s.net.private
    webs: list[ResourceDict] = []
    single_az = bad()
    itype = ("t3.medium", "m6i.large", "m6i.xlarge", "c6i.large", "r6i.large")
    for i in range(rng.randint(2, 4)):
        subnet = private[0] if single_az else private[i % len(private)]
        secrets = [masked_secret(rng)] if bad() else []
        inst = a.instance(
            f"{name}-web-{i + 1}",
            subnet,
            [s.groups["web"]],
            role=s.web_role,
            instance_type=itype[rng.randrange(len(itype))],
            imds_tokens="optional" if bad() else "required",
            secrets=secrets,
            launch_days=rng.randint(1, 400),
            team=team,
        )
        webs.append(inst)
        yield inst
        yield from _web_volumes(s, inst, f"{name}-web-{i + 1}")
    size = len(webs)
    yield a.autoscaling_group(
        f"{name}-web", private[:1] if single_az else private, (size, size * 3, size), team=team
    )
    yield a.load_balancer(
        f"{name}-alb",
        s.net.vpc,
        [s.groups["alb"]],
        [] if bad() else webs,
        https=not bad(),
        waf=rng.random() < 0.6,
        access_logs=not bad(),
        deletion_protection=a.env == "prod",
        team=team,
    )


def _web_volumes(s: _Stack, inst: ResourceDict, prefix: str) -> Iterator[ResourceDict]:
    """A web server's root volume and, for some, a data volume."""
    a, rng, bad = s.a, s.a.rng, s.bad
    yield a.volume(
        f"{prefix}-root",
        rng.choice((20, 30, 50)),
        volume_type="gp2" if bad() else "gp3",
        instance=inst,
        key=s.shared.ebs_key,
        encrypted=not bad(),
        created_days=rng.randint(1, 400),
        team=s.team,
    )
    if rng.random() < 0.3:
        yield a.volume(
            f"{prefix}-data",
            rng.choice((100, 200, 500)),
            instance=inst,
            key=s.shared.ebs_key,
            encrypted=not bad(),
            created_days=rng.randint(1, 400),
            team=s.team,
        )


def _stack_bastion(s: _Stack) -> Iterator[ResourceDict]:
    """An SSH bastion in the first public subnet (open to the internet when bad)."""
    a, rng, name, team = s.a, s.a.rng, s.name, s.team
    bastion_sg = a.security_group(
        s.net.vpc,
        f"{name}-bastion",
        "SSH for operators",
        [cidr_rule("tcp", 22, 22, "0.0.0.0/0" if s.bad() else "10.200.0.0/16", "SSH")],
        team=team,
    )
    bastion = a.instance(
        f"{name}-bastion",
        s.net.public[0],
        [bastion_sg],
        role=None,
        instance_type="t3.micro",
        public_ip=True,
        launch_days=rng.randint(30, 900),
        team=team,
    )
    yield bastion_sg
    yield bastion
    yield a.volume(
        f"{name}-bastion-root",
        8,
        instance=bastion,
        key=s.shared.ebs_key,
        created_days=rng.randint(30, 900),
        team=team,
    )
    yield a.eip(f"{name}-bastion-ip", instance=bastion)


def _stack_data(s: _Stack) -> Iterator[ResourceDict]:
    """The stack's PostgreSQL database (most stacks), its logs and snapshot; a table."""
    a, rng, bad, name, team = s.a, s.a.rng, s.bad, s.name, s.team
    prod = a.env == "prod"
    if rng.random() < 0.6:
        yield a.rds_instance(
            f"{name}-db",
            s.net.vpc,
            [s.groups["db"]],
            key=s.shared.data_key,
            encrypted=not bad(),
            public=s.db_public,
            multi_az=(prod or rng.random() < 0.3) and not bad(),
            backup_days=0 if bad() else rng.choice((7, 14, 35)),
            deletion_protection=prod,
            instance_class=("db.t4g.medium", "db.r6g.large", "db.r6g.xlarge")[rng.randrange(3)],
            storage_gb=rng.choice((50, 100, 200, 500, 1000)),
            team=team,
        )
        yield a.log_group(
            f"/aws/rds/instance/{name}-db/postgresql",
            retention_days=None if bad() else rng.choice((7, 30, 90)),
            stored_gb=rng.uniform(0.1, 50),
            team=team,
        )
        if rng.random() < 0.3:
            yield a.rds_snapshot(
                f"{name}-db-manual-{s.k}",
                created_days=rng.randint(1, 900),
                encrypted=not bad(),
                team=team,
            )
    if rng.random() < 0.4:
        yield a.dynamodb_table(
            f"{name}-state", pitr=not bad(), sse="KMS" if rng.random() < 0.5 else None, team=team
        )


def _stack_functions(s: _Stack) -> Iterator[ResourceDict]:
    """1-3 Lambda functions with their logs; the app's logs, secret, certificate, queues."""
    a, rng, bad, name, team = s.a, s.a.rng, s.bad, s.name, s.team
    for fn in ("worker", "events", "export")[: rng.randint(1, 3)]:
        fn_name = f"{name}-{fn}"
        yield a.log_group(
            f"/aws/lambda/{fn_name}",
            retention_days=None if bad() else rng.choice((14, 30, 90)),
            stored_gb=rng.uniform(0.01, 20),
            team=team,
        )
        leaked = bad()
        yield a.lambda_function(
            fn_name,
            s.fn_role,
            runtime=("python3.12", "python3.11", "nodejs20.x", "java21")[rng.randrange(4)],
            memory_mb=rng.choice((128, 256, 512, 1024)),
            timeout_s=rng.choice((3, 30, 60, 300)),
            env_keys=["LOG_LEVEL", "TABLE_NAME", "DB_PASSWORD" if leaked else "DB_SECRET_ARN"],
            secrets=[masked_secret(rng)] if leaked else [],
            subnets=s.net.private[:2] if rng.random() < 0.3 else (),
            modified_days=rng.randint(1, 500),
            team=team,
        )
    yield a.log_group(
        f"/{a.env}/{name}/app",
        retention_days=None if bad() else rng.choice((30, 90, 365)),
        stored_gb=rng.uniform(0.5, 100),
        team=team,
    )
    if rng.random() < 0.6:
        yield a.secret(
            f"{a.env}/{name}/db",
            rotation_days=None if bad() else rng.choice((30, 60, 90)),
            key=s.shared.data_key,
            team=team,
        )
    if rng.random() < 0.5:
        days = rng.randint(1, 29) if bad() else rng.randint(45, 390)
        yield a.certificate(f"{name}.{a.env}.northwind.example", expires_in_days=days, team=team)
    if rng.random() < 0.5:
        queue_key = s.shared.data_key if rng.random() < 0.5 else None
        yield a.sqs_queue(f"{name}-events", key=queue_key, team=team)
        yield a.sqs_queue(f"{name}-events-dlq", key=queue_key, team=team)


def _stack_leftovers(s: _Stack) -> Iterator[ResourceDict]:
    """Daily snapshots; when bad, old snapshots, a forgotten volume, an idle Elastic IP."""
    a, rng, bad, name, team = s.a, s.a.rng, s.bad, s.name, s.team
    # Daily backups of the web tier's data: snapshots outnumber volumes in most estates.
    snap_gb = rng.choice((30, 100, 200))
    for day in range(1, rng.randint(4, 16)):
        yield a.snapshot(f"{name}-daily-{day}", snap_gb, created_days=day, team=team)
    if bad():
        for n in range(rng.randint(1, 3)):
            yield a.snapshot(
                f"{name}-pre-migration-{n + 1}",
                snap_gb,
                created_days=rng.randint(700, 1100),
                team=team,
            )
    if bad():
        yield a.volume(
            f"{name}-scratch",
            rng.choice((500, 1000)),
            volume_type="gp2",
            key=s.shared.ebs_key,
            created_days=rng.randint(90, 900),
            team=team,
        )
    if bad():
        yield a.eip(f"{name}-spare-ip")
