"""A fictional cloud estate for demos, tests and benchmarks: no cloud account needed.

Entry points:

- `demo_estate()`: Northwind Logistics, a hand-built estate of a few hundred resources
  (two AWS accounts, prod and staging, in eu-west-1 and us-east-1, and one GCP project)
  with a believable architecture and deliberate problems, each with a compliant twin
  elsewhere; staging is worse than prod. `demo_problems()` lists those problems.
- `generate(n, seed)`: an estate of exactly `n` resources built from repeated application
  stacks over many AWS accounts and GCP projects, with a seeded 5-10% share of the same
  kinds of problems. It streams: memory does not grow with `n`.

Determinism: ages are measured from `REFERENCE_DATE`, never from the wall clock, and
every choice comes from `random.Random` seeded by `seed`, so the same arguments give
byte-identical output. Write snapshots of these estates with
`created_at=REFERENCE_DATE`, because rules measure ages from the snapshot time.

`generate` yields plain dicts in the snapshot form (the field names of `Resource`: id,
type, provider, account, region, name, tags, attributes, relations), not `Resource`
objects: validating a pydantic model per resource costs more than building it, and the
snapshot writer serialises dicts directly. Every dict validates as a `Resource`.

The estate follows the graph conventions rules rely on (see `scanner.catalog.RELATIONS`):
relations live on their source resource; `allows_from -> internet` is emitted for every
security-group ingress entry or enabled INGRESS firewall whose source is open to the whole
internet (a /0 to /7 prefix); every relation target is a resource of the estate, the
`internet` node or a `principal:...` node; and resources are yielded after everything
they point to, so any prefix of `generate`'s output is itself referentially whole.
"""

from __future__ import annotations

import hashlib
import ipaddress
import random
from collections.abc import Generator, Iterator, Sequence
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from itertools import count, islice
from typing import Any, NamedTuple

from scanner.catalog import TYPES
from scanner.model import Resource

__all__ = [
    "REFERENCE_DATE",
    "ResourceDict",
    "demo_estate",
    "demo_problems",
    "demo_scopes",
    "generate",
    "generate_scopes",
]

REFERENCE_DATE = datetime(2026, 11, 1, tzinfo=UTC)
"""The fixed "now" of every synthetic estate: ages and expiries are relative to it."""

ResourceDict = dict[str, Any]
"""A resource in snapshot form: the fields of `scanner.model.Resource` as a plain dict."""

# --------------------------------------------------------------------------- helpers

_REF_ORDINAL = REFERENCE_DATE.date().toordinal()
_ALNUM_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_INTERNET = "internet"


@cache  # one entry per resource type
def _catalog_attributes(rtype: str) -> tuple[str, ...]:
    return tuple(TYPES[rtype].attributes)


def _complete(rtype: str, attributes: dict[str, Any]) -> dict[str, Any]:
    """Every catalog attribute of the type, null where the estate sets none (as collectors do)."""
    return {key: attributes.get(key) for key in _catalog_attributes(rtype)} | attributes


@lru_cache(maxsize=8192)
def _day(days_ago: int) -> str:
    return date.fromordinal(_REF_ORDINAL - days_ago).isoformat()


def _ts(days_ago: int, second: int = 36000) -> str:
    """ISO 8601 UTC time on the day `days_ago` days before REFERENCE_DATE (< 0: after it).

    Use `days_ago >= 1` for a time that must be in the past.
    """
    hour, rest = divmod(second % 86400, 3600)
    minute, sec = divmod(rest, 60)
    return f"{_day(days_ago)}T{hour:02d}:{minute:02d}:{sec:02d}Z"


def _rel(kind: str, target: str, properties: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": kind, "target": target, "properties": properties if properties else {}}


@lru_cache(maxsize=4096)
def _is_internet(cidr: str) -> bool:
    """True for a source open to the whole internet: a /0 to /7 prefix (0.0.0.0/0, ::/0)."""
    try:
        return ipaddress.ip_network(cidr, strict=False).prefixlen <= 7
    except ValueError:
        return False


@lru_cache(maxsize=4096)
def _network(cidr: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(cidr)


def _host(rng: random.Random, cidr: str) -> str:
    net = _network(cidr)
    return str(net.network_address + rng.randint(4, net.num_addresses - 2))


def _tail(resource_id: str) -> str:
    return resource_id.rsplit("/", 1)[-1]


def _hex(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(4 * digits):0{digits}x}"


def _uuid(rng: random.Random) -> str:
    h = _hex(rng, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _secret(location: str, kind: str, masked: str) -> dict[str, str]:
    """A secret found in a resource's text, stored masked only (never in clear)."""
    return {"location": location, "kind": kind, "masked": masked}


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(actions: str | list[str], resources: str | list[str], **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources, **extra}


def _cidr_rule(
    protocol: str, from_port: int | None, to_port: int | None, cidr: str, description: str = ""
) -> dict[str, Any]:
    return {
        "protocol": protocol,
        "from_port": from_port,
        "to_port": to_port,
        "source": cidr,
        "source_type": "cidr6" if ":" in cidr else "cidr4",
        "description": description,
    }


def _group_rule(
    protocol: str,
    from_port: int | None,
    to_port: int | None,
    group: ResourceDict | str,
    d: str = "",
) -> dict[str, Any]:
    """An ingress entry whose source is a security group (or `_SELF` for the group itself)."""
    source = group if isinstance(group, str) else group["attributes"]["group_id"]
    return {
        "protocol": protocol,
        "from_port": from_port,
        "to_port": to_port,
        "source": source,
        "source_type": "group",
        "description": d,
    }


_SELF = "self"
_ALL_EGRESS = (_cidr_rule("-1", None, None, "0.0.0.0/0"),)
_PAB_ON = {
    "block_public_acls": True,
    "ignore_public_acls": True,
    "block_public_policy": True,
    "restrict_public_buckets": True,
}
_PAB_OFF = dict.fromkeys(_PAB_ON, False)
_STRONG_PASSWORD_POLICY = {
    "minimum_length": 14,
    "require_symbols": True,
    "require_numbers": True,
    "require_uppercase": True,
    "require_lowercase": True,
    "reuse_prevention": 24,
    "max_age_days": 90,
    "allow_users_to_change": True,
}
_WEAK_PASSWORD_POLICY = {
    "minimum_length": 8,
    "require_symbols": False,
    "require_numbers": True,
    "require_uppercase": False,
    "require_lowercase": True,
    "reuse_prevention": None,
    "max_age_days": None,
    "allow_users_to_change": True,
}
_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
_CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
_NARROW_SCOPES = (
    "https://www.googleapis.com/auth/devstorage.read_only",
    "https://www.googleapis.com/auth/logging.write",
    "https://www.googleapis.com/auth/monitoring.write",
)
_SHIELDED_ON = {"secure_boot": True, "vtpm": True, "integrity_monitoring": True}
_SHIELDED_OFF = {"secure_boot": False, "vtpm": True, "integrity_monitoring": True}
_DOMAIN = "northwind.example"

# AWS-managed policies the estates attach: (path, name, document). Their ids are shared by
# every account, so each estate emits them once (under its first account).
_AWS_MANAGED_POLICIES: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("", "AdministratorAccess", _doc(_allow("*", "*"))),
    (
        "",
        "ReadOnlyAccess",
        _doc(
            _allow(
                [
                    "ec2:Describe*",
                    "s3:Get*",
                    "s3:List*",
                    "iam:Get*",
                    "iam:List*",
                    "rds:Describe*",
                    "logs:Describe*",
                    "cloudwatch:Get*",
                    "lambda:List*",
                ],
                "*",
            )
        ),
    ),
    (
        "",
        "AmazonSSMManagedInstanceCore",
        _doc(
            _allow(
                [
                    "ssm:DescribeAssociation",
                    "ssm:GetDocument",
                    "ssm:UpdateInstanceInformation",
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:OpenDataChannel",
                    "ec2messages:GetMessages",
                ],
                "*",
            )
        ),
    ),
    (
        "",
        "CloudWatchAgentServerPolicy",
        _doc(
            _allow(["cloudwatch:PutMetricData", "logs:PutLogEvents", "logs:CreateLogStream"], "*")
        ),
    ),
    ("", "AWSSupportAccess", _doc(_allow("support:*", "*"))),
    (
        "service-role/",
        "AWSLambdaBasicExecutionRole",
        _doc(_allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "*")),
    ),
    (
        "service-role/",
        "AWSLambdaVPCAccessExecutionRole",
        _doc(
            _allow(
                [
                    "ec2:CreateNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DeleteNetworkInterface",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                ],
                "*",
            )
        ),
    ),
    (
        "aws-service-role/",
        "AutoScalingServiceRolePolicy",
        _doc(_allow(["ec2:RunInstances", "ec2:TerminateInstances", "elasticloadbalancing:*"], "*")),
    ),
)
_MANAGED = {
    name: f"arn:aws:iam::aws:policy/{path}{name}" for path, name, _ in _AWS_MANAGED_POLICIES
}


class _Trust(NamedTuple):
    """One statement of a role's trust policy, with the graph node it trusts."""

    node: str
    principal: dict[str, Any] | str
    condition: dict[str, Any] | None = None
    action: str = "sts:AssumeRole"


def _service(service: str) -> _Trust:
    return _Trust(f"principal:aws:service:{service}", {"Service": service})


def _account(account: str, condition: dict[str, Any] | None = None) -> _Trust:
    return _Trust(
        f"principal:aws:account:{account}", {"AWS": f"arn:aws:iam::{account}:root"}, condition
    )


def _external_id(value: str) -> dict[str, Any]:
    return {"StringEquals": {"sts:ExternalId": value}}


_MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}

# --------------------------------------------------------------------------- AWS builder


class _Aws:
    """Builds the resources of one AWS account in one region: ARNs, ids, tags, attributes.

    Each method returns one resource dict with every catalog attribute of its type (null
    where a setting is absent). Defaults are the compliant settings; problems are opt-in.
    """

    def __init__(
        self, rng: random.Random, account: str, region: str, env: str, cost_center: str
    ) -> None:
        self.rng = rng
        self.account = account
        self.region = region
        self.env = env
        self.cost_center = cost_center
        self.canonical_id = hashlib.sha256(f"canonical:{account}".encode()).hexdigest()

    def at(self, region: str) -> _Aws:
        """The same account (and random stream) in another region."""
        return _Aws(self.rng, self.account, region, self.env, self.cost_center)

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account}:{resource}"

    def short(self, prefix: str) -> str:
        return f"{prefix}-{self.rng.getrandbits(68):017x}"

    def tags(self, name: str, team: str, extra: dict[str, str] | None = None) -> dict[str, str]:
        tags = {"Name": name, "Environment": self.env, "Team": team, "CostCenter": self.cost_center}
        if extra:
            tags.update(extra)
        return tags

    def res(
        self,
        rid: str,
        rtype: str,
        name: str,
        attributes: dict[str, Any],
        relations: list[dict[str, Any]],
        *,
        team: str = "platform",
        region: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> ResourceDict:
        return {
            "id": rid,
            "type": rtype,
            "provider": "aws",
            "account": self.account,
            "region": self.region if region is None else region,
            "name": name,
            "tags": self.tags(name, team) if tags is None else tags,
            "attributes": _complete(rtype, attributes),
            "relations": relations,
        }

    def public_ip(self) -> str:
        first = _AWS_IP_PREFIXES.get(self.region, ("3.120", "18.130"))
        rng = self.rng
        return f"{first[rng.randrange(len(first))]}.{rng.randrange(256)}.{rng.randint(1, 254)}"

    # ------------------------------------------------------------------ account level

    def account_res(
        self,
        alias: str,
        *,
        password_policy: dict[str, Any] | None,
        public_access_block: bool,
        root_keys: bool = False,
        root_mfa: bool = True,
        hardware_mfa: bool = True,
        root_last_used_days: int | None = None,
        support_role: bool = True,
    ) -> ResourceDict:
        attrs = {
            "account_id": self.account,
            "alias": alias,
            "is_management_account": False,
            "password_policy": dict(password_policy) if password_policy else None,
            "root": {
                "has_access_keys": root_keys,
                "mfa_enabled": root_mfa,
                "hardware_mfa_enabled": hardware_mfa,
                "last_used_at": None
                if root_last_used_days is None
                else _ts(root_last_used_days, 31000),
            },
            "s3_public_access_block": dict(_PAB_ON) if public_access_block else None,
            "support_role_exists": support_role,
        }
        tags = {"Environment": self.env, "CostCenter": self.cost_center}
        rid = f"arn:aws:account::{self.account}:account"
        return self.res(rid, "aws.account", alias, attrs, [], region="global", tags=tags)

    def region_res(
        self,
        resource_count: int,
        *,
        guardduty: bool = True,
        securityhub: bool = True,
        config: bool = True,
        access_analyzer: bool = True,
        ebs_default: bool = True,
    ) -> ResourceDict:
        attrs = {
            "ebs_encryption_by_default": ebs_default,
            "guardduty_enabled": guardduty,
            "securityhub_enabled": securityhub,
            "config_recorder_enabled": config,
            "access_analyzer_enabled": access_analyzer,
            "resource_count": resource_count,
        }
        rid = self.arn("ec2", f"region/{self.region}")
        return self.res(rid, "aws.region", self.region, attrs, [], tags={})

    # ------------------------------------------------------------------ IAM

    def managed_policy(
        self, path: str, name: str, document: dict[str, Any], n: int
    ) -> ResourceDict:
        attrs = {"is_aws_managed": True, "document": document, "attachment_count": n}
        return self.res(_MANAGED[name], "aws.iam.policy", name, attrs, [], region="global", tags={})

    def policy(
        self, name: str, document: dict[str, Any], attachments: int, *, team: str = "platform"
    ) -> ResourceDict:
        rid = f"arn:aws:iam::{self.account}:policy/{name}"
        attrs = {"is_aws_managed": False, "document": document, "attachment_count": attachments}
        return self.res(rid, "aws.iam.policy", name, attrs, [], team=team, region="global")

    def group(self, name: str, policies: Sequence[str], members: int) -> ResourceDict:
        rid = f"arn:aws:iam::{self.account}:group/{name}"
        attrs = {
            "attached_policies": list(policies),
            "inline_policies": [],
            "member_count": members,
        }
        rels = [_rel("has_policy", p) for p in policies]
        # IAM groups cannot carry tags.
        return self.res(rid, "aws.iam.group", name, attrs, rels, region="global", tags={})

    def access_key_id(self) -> str:
        # 20 characters like a real key id, visibly fake: AKIA + 9 random + EXAMPLE.
        return "AKIA" + "".join(self.rng.choices(_ALNUM_UPPER, k=9)) + "EXAMPLE"

    def user(
        self,
        name: str,
        *,
        groups: Sequence[ResourceDict] = (),
        policies: Sequence[str] = (),
        console: bool = True,
        mfa: bool = True,
        keys: Sequence[tuple[int, str, int | None]] = (),
        created_days: int = 700,
        last_login_days: int | None = 3,
        team: str = "platform",
    ) -> ResourceDict:
        """`keys` holds (age in days, Active|Inactive, days since last use or None)."""
        rng = self.rng
        access_keys = [
            {
                "id": self.access_key_id(),
                "status": status,
                "created_at": _ts(age, rng.randrange(86400)),
                "last_used_at": None if used is None else _ts(used, rng.randrange(86400)),
            }
            for age, status, used in keys
        ]
        attrs = {
            "created_at": _ts(created_days, rng.randrange(86400)),
            "password_enabled": console,
            "password_last_used_at": _ts(last_login_days, rng.randrange(86400))
            if console and last_login_days is not None
            else None,
            "mfa_enabled": mfa,
            "access_keys": access_keys,
            "attached_policies": list(policies),
            "inline_policies": [],
            "groups": [g["name"] for g in groups],
        }
        rels = [_rel("member_of", g["id"]) for g in groups]
        rels += [_rel("has_policy", p) for p in policies]
        rid = f"arn:aws:iam::{self.account}:user/{name}"
        return self.res(rid, "aws.iam.user", name, attrs, rels, team=team, region="global")

    def role(
        self,
        name: str,
        trusts: Sequence[_Trust],
        policies: Sequence[str],
        *,
        inline: Sequence[dict[str, Any]] = (),
        path: str = "/",
        service_linked: bool = False,
        created_days: int = 500,
        last_used_days: int | None = 1,
        max_session: int = 3600,
        team: str = "platform",
    ) -> ResourceDict:
        statements = []
        for t in trusts:
            statement: dict[str, Any] = {"Effect": "Allow", "Principal": t.principal}
            statement["Action"] = t.action
            if t.condition:
                statement["Condition"] = t.condition
            statements.append(statement)
        rng = self.rng
        attrs = {
            "created_at": _ts(created_days, rng.randrange(86400)),
            "trust_policy": _doc(*statements),
            "attached_policies": list(policies),
            "inline_policies": list(inline),
            "last_used_at": None
            if last_used_days is None
            else _ts(last_used_days, rng.randrange(86400)),
            "is_service_linked": service_linked,
            "max_session_duration": max_session,
        }
        rels = [_rel("trusts", t.node) for t in trusts]
        rels += [_rel("has_policy", p) for p in policies]
        rid = f"arn:aws:iam::{self.account}:role{path}{name}"
        tags: dict[str, str] | None = {} if service_linked else None
        return self.res(
            rid, "aws.iam.role", name, attrs, rels, team=team, region="global", tags=tags
        )

    # ------------------------------------------------------------------ network

    def vpc(
        self, name: str, cidr: str, *, flow_logs: bool = True, default: bool = False
    ) -> ResourceDict:
        attrs = {"cidr_block": cidr, "is_default": default, "flow_logs_enabled": flow_logs}
        return self.res(self.arn("ec2", f"vpc/{self.short('vpc')}"), "aws.ec2.vpc", name, attrs, [])

    def subnet(
        self,
        vpc: ResourceDict,
        name: str,
        cidr: str,
        az: str,
        *,
        public: bool,
        map_public: bool = False,
    ) -> ResourceDict:
        attrs = {
            "cidr_block": cidr,
            "availability_zone": az,
            "map_public_ip_on_launch": map_public,
            "has_internet_route": public,
        }
        rid = self.arn("ec2", f"subnet/{self.short('subnet')}")
        return self.res(rid, "aws.ec2.subnet", name, attrs, [_rel("in_vpc", vpc["id"])])

    def internet_gateway(self, vpc: ResourceDict, name: str) -> ResourceDict:
        attrs = {"attached_vpc_ids": [_tail(vpc["id"])]}
        rid = self.arn("ec2", f"internet-gateway/{self.short('igw')}")
        return self.res(rid, "aws.ec2.internet_gateway", name, attrs, [_rel("in_vpc", vpc["id"])])

    def network_acl(self, vpc: ResourceDict, name: str) -> ResourceDict:
        entries = [
            {
                "rule_number": number,
                "egress": egress,
                "action": action,
                "protocol": "-1",
                "from_port": None,
                "to_port": None,
                "cidr": "0.0.0.0/0",
            }
            for egress in (False, True)
            for number, action in ((100, "allow"), (32767, "deny"))
        ]
        attrs = {"is_default": True, "entries": entries}
        rid = self.arn("ec2", f"network-acl/{self.short('acl')}")
        return self.res(rid, "aws.ec2.network_acl", name, attrs, [_rel("in_vpc", vpc["id"])])

    def nat_gateway(
        self, vpc: ResourceDict, subnet: ResourceDict, name: str, gb_out: float
    ) -> ResourceDict:
        attrs = {"state": "available", "bytes_out_30d": int(gb_out * 1e9)}
        rels = [_rel("in_subnet", subnet["id"]), _rel("in_vpc", vpc["id"])]
        rid = self.arn("ec2", f"natgateway/{self.short('nat')}")
        return self.res(rid, "aws.ec2.nat_gateway", name, attrs, rels)

    def eip(
        self, name: str, *, instance: ResourceDict | None = None, associated: bool = False
    ) -> ResourceDict:
        """An Elastic IP; `associated` without `instance` means attached to a NAT gateway."""
        if instance is not None and instance["attributes"]["public_ip"]:
            address = instance["attributes"]["public_ip"]
        else:
            address = self.public_ip()
        in_use = associated or instance is not None
        attrs = {"public_ip": address, "association_id": self.short("eipassoc") if in_use else None}
        rels = [_rel("attached_to", instance["id"])] if instance is not None else []
        rid = self.arn("ec2", f"elastic-ip/{self.short('eipalloc')}")
        return self.res(rid, "aws.ec2.eip", name, attrs, rels)

    def security_group(
        self,
        vpc: ResourceDict,
        name: str,
        description: str,
        ingress: Sequence[dict[str, Any]],
        *,
        default: bool = False,
        egress: Sequence[dict[str, Any]] = _ALL_EGRESS,
        attachments: int = 1,
        team: str = "platform",
    ) -> ResourceDict:
        gid = self.short("sg")
        rid = self.arn("ec2", f"security-group/{gid}")
        entries = [dict(e, source=gid) if e["source"] == _SELF else e for e in ingress]
        rels = [_rel("in_vpc", vpc["id"])]
        for e in entries:
            ports = {
                "protocol": e["protocol"],
                "from_port": e["from_port"],
                "to_port": e["to_port"],
            }
            if e["source_type"] == "group":
                rels.append(
                    _rel("allows_from", self.arn("ec2", f"security-group/{e['source']}"), ports)
                )
            elif _is_internet(e["source"]):
                rels.append(_rel("allows_from", _INTERNET, ports))
        attrs = {
            "group_id": gid,
            "is_default": default,
            "description": description,
            "ingress": entries,
            "egress": list(egress),
            "attachment_count": attachments,
        }
        return self.res(rid, "aws.ec2.security_group", name, attrs, rels, team=team)

    # ------------------------------------------------------------------ compute

    def instance(
        self,
        name: str,
        subnet: ResourceDict,
        groups: Sequence[ResourceDict],
        *,
        role: ResourceDict | None,
        instance_type: str = "m6i.large",
        image_id: str = "ami-0c1f3a8058fde8814",
        public_ip: bool = False,
        imds_tokens: str = "required",
        secrets: Sequence[dict[str, str]] = (),
        root_encrypted: bool = True,
        state: str = "running",
        launch_days: int = 40,
        monitoring: str = "enabled",
        team: str = "platform",
    ) -> ResourceDict:
        rng = self.rng
        sattrs = subnet["attributes"]
        attrs = {
            "instance_type": instance_type,
            "state": state,
            "launch_time": _ts(launch_days, rng.randrange(86400)),
            "image_id": image_id,
            "public_ip": self.public_ip() if public_ip else None,
            "private_ip": _host(rng, sattrs["cidr_block"]),
            "availability_zone": sattrs["availability_zone"],
            "imds": {"http_tokens": imds_tokens, "http_endpoint": "enabled"},
            "iam_instance_profile": None
            if role is None
            else f"arn:aws:iam::{self.account}:instance-profile/{role['name']}",
            "monitoring": monitoring,
            "secrets": list(secrets),
            "root_volume_encrypted": root_encrypted,
        }
        rels = [_rel("in_subnet", subnet["id"]), _rel("in_vpc", subnet["relations"][0]["target"])]
        rels += [_rel("protected_by", g["id"]) for g in groups]
        if role is not None:
            rels.append(_rel("runs_as", role["id"]))
        rid = self.arn("ec2", f"instance/{self.short('i')}")
        return self.res(rid, "aws.ec2.instance", name, attrs, rels, team=team)

    def volume(
        self,
        name: str,
        size_gb: int,
        *,
        volume_type: str = "gp3",
        instance: ResourceDict | None = None,
        key: ResourceDict | None = None,
        encrypted: bool = True,
        created_days: int = 40,
        team: str = "platform",
    ) -> ResourceDict:
        attrs = {
            "volume_type": volume_type,
            "size_gb": size_gb,
            "state": "in-use" if instance is not None else "available",
            "encrypted": encrypted,
            "kms_key_id": key["id"] if encrypted and key is not None else None,
            "created_at": _ts(created_days, self.rng.randrange(86400)),
        }
        rels = [_rel("attached_to", instance["id"])] if instance is not None else []
        if encrypted and key is not None:
            rels.append(_rel("encrypted_by", key["id"]))
        rid = self.arn("ec2", f"volume/{self.short('vol')}")
        return self.res(rid, "aws.ec2.volume", name, attrs, rels, team=team)

    def snapshot(
        self,
        name: str,
        size_gb: int,
        *,
        created_days: int,
        encrypted: bool = True,
        team: str = "platform",
    ) -> ResourceDict:
        attrs = {
            "volume_size_gb": size_gb,
            "encrypted": encrypted,
            "is_public": False,
            "created_at": _ts(created_days, self.rng.randrange(86400)),
        }
        rid = self.arn("ec2", f"snapshot/{self.short('snap')}")
        return self.res(rid, "aws.ec2.snapshot", name, attrs, [], team=team)

    def image(self, name: str, created_days: int, team: str = "platform") -> ResourceDict:
        attrs = {"is_public": False, "created_at": _ts(created_days, self.rng.randrange(86400))}
        return self.res(
            self.arn("ec2", f"image/{self.short('ami')}"),
            "aws.ec2.image",
            name,
            attrs,
            [],
            team=team,
        )

    def autoscaling_group(
        self,
        name: str,
        subnets: Sequence[ResourceDict],
        sizes: tuple[int, int, int],
        *,
        health_check: str = "ELB",
        team: str = "platform",
    ) -> ResourceDict:
        attrs = {
            "availability_zones": sorted({s["attributes"]["availability_zone"] for s in subnets}),
            "min_size": sizes[0],
            "max_size": sizes[1],
            "desired_capacity": sizes[2],
            "health_check_type": health_check,
        }
        rels = [_rel("in_subnet", s["id"]) for s in subnets]
        rid = self.arn(
            "autoscaling", f"autoScalingGroup:{_uuid(self.rng)}:autoScalingGroupName/{name}"
        )
        return self.res(rid, "aws.autoscaling.group", name, attrs, rels, team=team)

    def lambda_function(
        self,
        name: str,
        role: ResourceDict,
        *,
        runtime: str | None = "python3.12",
        memory_mb: int = 256,
        timeout_s: int = 30,
        env_keys: Sequence[str] = (),
        secrets: Sequence[dict[str, str]] = (),
        url_auth: str | None = None,
        public: bool = False,
        tracing: str = "Active",
        subnets: Sequence[ResourceDict] = (),
        modified_days: int = 20,
        team: str = "platform",
    ) -> ResourceDict:
        attrs = {
            "runtime": runtime,
            "memory_mb": memory_mb,
            "timeout_s": timeout_s,
            "environment_keys": list(env_keys),
            "secrets": list(secrets),
            "function_url_auth_type": url_auth,
            "is_public_by_policy": public,
            "tracing_mode": tracing,
            "in_vpc": bool(subnets),
            "last_modified": _ts(modified_days, self.rng.randrange(86400)),
        }
        rels = [_rel("runs_as", role["id"])] + [_rel("in_subnet", s["id"]) for s in subnets]
        return self.res(
            self.arn("lambda", f"function:{name}"),
            "aws.lambda.function",
            name,
            attrs,
            rels,
            team=team,
        )

    def load_balancer(
        self,
        name: str,
        vpc: ResourceDict,
        groups: Sequence[ResourceDict],
        targets: Sequence[ResourceDict],
        *,
        internet_facing: bool = True,
        https: bool = True,
        waf: bool = True,
        access_logs: bool = True,
        drop_invalid_headers: bool = True,
        deletion_protection: bool = True,
        team: str = "platform",
    ) -> ResourceDict:
        rng = self.rng
        if https:
            listeners = [
                {
                    "port": 443,
                    "protocol": "HTTPS",
                    "ssl_policy": _TLS_POLICY,
                    "redirects_to_https": False,
                },
                {"port": 80, "protocol": "HTTP", "ssl_policy": None, "redirects_to_https": True},
            ]
        else:
            listeners = [
                {"port": 80, "protocol": "HTTP", "ssl_policy": None, "redirects_to_https": False}
            ]
        prefix = "" if internet_facing else "internal-"
        waf_arn = self.arn("wafv2", f"regional/webacl/{name}-waf/{_uuid(rng)}") if waf else None
        attrs = {
            "lb_type": "application",
            "scheme": "internet-facing" if internet_facing else "internal",
            "dns_name": f"{prefix}{name}-{rng.randrange(10**9, 10**10)}"
            f".{self.region}.elb.amazonaws.com",
            "listeners": listeners,
            "waf_web_acl_arn": waf_arn,
            "deletion_protection": deletion_protection,
            "access_logs_enabled": access_logs,
            "drop_invalid_header_fields": drop_invalid_headers,
            "target_count": len(targets),
        }
        rels = [_rel("protected_by", g["id"]) for g in groups] + [_rel("in_vpc", vpc["id"])]
        rels += [_rel("routes_to", t["id"]) for t in targets]
        rid = self.arn("elasticloadbalancing", f"loadbalancer/app/{name}/{_hex(rng, 16)}")
        return self.res(rid, "aws.elbv2.load_balancer", name, attrs, rels, team=team)

    # ------------------------------------------------------------------ data

    def bucket(
        self,
        name: str,
        *,
        created_days: int = 900,
        block_public: bool | None = True,
        public_by_acl: bool = False,
        public_by_policy: bool = False,
        secure_transport: bool = True,
        key: ResourceDict | None = None,
        versioning: str | None = "Enabled",
        mfa_delete: bool = False,
        log_to: ResourceDict | None = None,
        lifecycle_rules: int = 1,
        object_lock: bool = False,
        cloudtrail_writer: bool = False,
        team: str = "platform",
        extra_tags: dict[str, str] | None = None,
    ) -> ResourceDict:
        """An S3 bucket in this builder's region; `block_public=None` means no block set."""
        arn = f"arn:aws:s3:::{name}"
        grants = [{"grantee": f"CanonicalUser:{self.canonical_id}", "permission": "FULL_CONTROL"}]
        if public_by_acl:
            grants.append({"grantee": "AllUsers", "permission": "READ"})
        statements: list[dict[str, Any]] = []
        if secure_transport:
            statements.append(
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [arn, f"{arn}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            )
        if public_by_policy:
            statements.append(
                {
                    "Sid": "PublicRead",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"{arn}/*",
                }
            )
        if cloudtrail_writer:
            statements.append(
                {
                    "Sid": "AWSCloudTrailWrite",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"{arn}/AWSLogs/{self.account}/*",
                    "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
                }
            )
        pab = None if block_public is None else dict(_PAB_ON if block_public else _PAB_OFF)
        attrs = {
            "created_at": _ts(created_days, self.rng.randrange(86400)),
            "public_access_block": pab,
            "acl_grants": grants,
            "policy": _doc(*statements) if statements else None,
            "is_public_by_acl": public_by_acl,
            "is_public_by_policy": public_by_policy,
            "secure_transport_enforced": secure_transport,
            "encryption": {
                "algorithm": "aws:kms" if key is not None else "AES256",
                "kms_key_id": key["id"] if key is not None else None,
                "bucket_key_enabled": key is not None,
            },
            "versioning": versioning,
            "mfa_delete": mfa_delete,
            "logging_target": log_to["name"] if log_to is not None else None,
            "lifecycle_rule_count": lifecycle_rules,
            "object_lock_enabled": object_lock,
        }
        rels = []
        if key is not None:
            rels.append(_rel("encrypted_by", key["id"]))
        if log_to is not None:
            rels.append(_rel("logs_to", log_to["id"]))
        tags = self.tags(name, team, extra_tags)
        return self.res(arn, "aws.s3.bucket", name, attrs, rels, tags=tags)

    def rds_instance(
        self,
        name: str,
        vpc: ResourceDict,
        groups: Sequence[ResourceDict],
        *,
        key: ResourceDict | None,
        encrypted: bool = True,
        public: bool = False,
        multi_az: bool = True,
        backup_days: int = 14,
        deletion_protection: bool = True,
        instance_class: str = "db.r6g.large",
        storage_gb: int = 200,
        engine_version: str = "16.4",
        iam_auth: bool = True,
        team: str = "platform",
    ) -> ResourceDict:
        kms = key["id"] if encrypted and key is not None else None
        attrs = {
            "engine": "postgres",
            "engine_version": engine_version,
            "instance_class": instance_class,
            "storage_encrypted": encrypted,
            "kms_key_id": kms,
            "publicly_accessible": public,
            "multi_az": multi_az,
            "backup_retention_days": backup_days,
            "deletion_protection": deletion_protection,
            "auto_minor_version_upgrade": True,
            "iam_auth_enabled": iam_auth,
            "allocated_storage_gb": storage_gb,
        }
        rels = [_rel("protected_by", g["id"]) for g in groups] + [_rel("in_vpc", vpc["id"])]
        if kms is not None:
            rels.append(_rel("encrypted_by", kms))
        return self.res(
            self.arn("rds", f"db:{name}"), "aws.rds.instance", name, attrs, rels, team=team
        )

    def rds_snapshot(
        self, name: str, *, created_days: int, encrypted: bool = True, team: str = "platform"
    ) -> ResourceDict:
        attrs = {
            "is_public": False,
            "encrypted": encrypted,
            "created_at": _ts(created_days, self.rng.randrange(86400)),
        }
        return self.res(
            self.arn("rds", f"snapshot:{name}"), "aws.rds.snapshot", name, attrs, [], team=team
        )

    def dynamodb_table(
        self,
        name: str,
        *,
        pitr: bool = True,
        sse: str | None = "KMS",
        on_demand: bool = True,
        team: str = "platform",
    ) -> ResourceDict:
        attrs = {
            "pitr_enabled": pitr,
            "sse_type": sse,
            "billing_mode": "PAY_PER_REQUEST" if on_demand else "PROVISIONED",
            "deletion_protection": pitr,
        }
        return self.res(
            self.arn("dynamodb", f"table/{name}"), "aws.dynamodb.table", name, attrs, [], team=team
        )

    def file_system(
        self, name: str, *, key: ResourceDict | None, team: str = "platform"
    ) -> ResourceDict:
        attrs = {"encrypted": key is not None, "kms_key_id": key["id"] if key is not None else None}
        rid = self.arn("elasticfilesystem", f"file-system/{self.short('fs')}")
        return self.res(rid, "aws.efs.file_system", name, attrs, [], team=team)

    def task_definition(
        self,
        family: str,
        revision: int,
        role: ResourceDict,
        images: Sequence[str],
        *,
        privileged: bool = False,
        secrets: Sequence[dict[str, str]] = (),
        team: str = "platform",
    ) -> ResourceDict:
        containers = [
            {
                "name": image.rsplit("/", 1)[-1].split(":", 1)[0],
                "image": image,
                "privileged": privileged,
                "readonly_root_filesystem": not privileged,
                "user": None if privileged else "1000",
            }
            for image in images
        ]
        attrs = {"network_mode": "awsvpc", "containers": containers, "secrets": list(secrets)}
        rid = self.arn("ecs", f"task-definition/{family}:{revision}")
        rels = [_rel("runs_as", role["id"])]
        return self.res(
            rid, "aws.ecs.task_definition", f"{family}:{revision}", attrs, rels, team=team
        )

    def sqs_queue(
        self, name: str, *, key: ResourceDict | None = None, team: str = "platform"
    ) -> ResourceDict:
        attrs = {
            "kms_key_id": key["id"] if key is not None else None,
            "sqs_managed_sse": key is None,
            "is_public_by_policy": False,
        }
        rid = f"arn:aws:sqs:{self.region}:{self.account}:{name}"
        return self.res(rid, "aws.sqs.queue", name, attrs, [], team=team)

    def sns_topic(
        self, name: str, *, key: ResourceDict | None = None, team: str = "platform"
    ) -> ResourceDict:
        attrs = {"kms_key_id": key["id"] if key is not None else None, "is_public_by_policy": False}
        rid = f"arn:aws:sns:{self.region}:{self.account}:{name}"
        return self.res(rid, "aws.sns.topic", name, attrs, [], team=team)

    # ------------------------------------------------------------------ keys, secrets, logs

    def kms_key(
        self,
        alias: str,
        *,
        rotation: bool = True,
        aws_managed: bool = False,
        created_days: int = 800,
        team: str = "platform",
    ) -> ResourceDict:
        policy = _doc(
            {
                "Sid": "EnableIAMUserPermissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{self.account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        )
        attrs = {
            "key_manager": "AWS" if aws_managed else "CUSTOMER",
            "key_spec": "SYMMETRIC_DEFAULT",
            "state": "Enabled",
            "rotation_enabled": rotation,
            "policy": policy,
            "created_at": _ts(created_days, self.rng.randrange(86400)),
        }
        tags: dict[str, str] | None = {} if aws_managed else None
        return self.res(
            self.arn("kms", f"key/{_uuid(self.rng)}"),
            "aws.kms.key",
            alias,
            attrs,
            [],
            team=team,
            tags=tags,
        )

    def secret(
        self,
        name: str,
        *,
        rotation_days: int | None = 30,
        key: ResourceDict | None = None,
        team: str = "platform",
    ) -> ResourceDict:
        rng = self.rng
        attrs = {
            "rotation_enabled": rotation_days is not None,
            "rotation_days": rotation_days,
            "last_rotated_at": None
            if rotation_days is None
            else _ts(rng.randint(1, rotation_days), rng.randrange(86400)),
            "last_accessed_at": _ts(rng.randint(1, 3), rng.randrange(86400)),
            "kms_key_id": key["id"] if key is not None else None,
        }
        suffix = "".join(rng.choices(_ALNUM, k=6))
        rid = self.arn("secretsmanager", f"secret:{name}-{suffix}")
        return self.res(rid, "aws.secretsmanager.secret", name, attrs, [], team=team)

    def certificate(
        self, domain: str, *, expires_in_days: int, in_use: bool = True, team: str = "platform"
    ) -> ResourceDict:
        attrs = {
            "domain_name": domain,
            "not_after": _ts(-expires_in_days, 43199),
            "status": "ISSUED" if expires_in_days > 0 else "EXPIRED",
            "in_use": in_use,
            "key_algorithm": "RSA_2048",
        }
        return self.res(
            self.arn("acm", f"certificate/{_uuid(self.rng)}"),
            "aws.acm.certificate",
            domain,
            attrs,
            [],
            team=team,
        )

    def trail(
        self,
        name: str,
        bucket: ResourceDict,
        *,
        multi_region: bool = True,
        validation: bool = True,
        key: ResourceDict | None = None,
        log_group: ResourceDict | None = None,
        data_events: bool = True,
    ) -> ResourceDict:
        attrs = {
            "is_multi_region": multi_region,
            "is_logging": True,
            "include_management_events": True,
            "log_file_validation": validation,
            "kms_key_id": key["id"] if key is not None else None,
            "s3_bucket": bucket["name"],
            "cloudwatch_logs_group_arn": log_group["id"] if log_group is not None else None,
            "s3_data_events": {"read": data_events, "write": data_events},
        }
        rels = [_rel("logs_to", bucket["id"])]
        if key is not None:
            rels.append(_rel("encrypted_by", key["id"]))
        return self.res(
            self.arn("cloudtrail", f"trail/{name}"),
            "aws.cloudtrail.trail",
            name,
            attrs,
            rels,
            team="security",
        )

    def log_group(
        self,
        name: str,
        *,
        retention_days: int | None = 90,
        key: ResourceDict | None = None,
        stored_gb: float = 1.0,
        team: str = "platform",
    ) -> ResourceDict:
        attrs = {
            "retention_days": retention_days,
            "kms_key_id": key["id"] if key is not None else None,
            "stored_bytes": int(stored_gb * 1e9),
        }
        return self.res(
            self.arn("logs", f"log-group:{name}"), "aws.logs.log_group", name, attrs, [], team=team
        )


_AWS_IP_PREFIXES: dict[str, tuple[str, ...]] = {
    "eu-west-1": ("34.240", "34.246", "52.16", "54.72"),
    "eu-central-1": ("3.120", "18.184", "52.57"),
    "eu-north-1": ("13.48", "16.170"),
    "us-east-1": ("3.80", "44.192", "54.84", "52.1"),
    "us-east-2": ("3.128", "18.188"),
    "us-west-2": ("34.208", "44.224", "52.24"),
    "ap-southeast-1": ("13.212", "52.74"),
    "ap-northeast-1": ("13.112", "54.64"),
}

# --------------------------------------------------------------------------- GCP builder


class _Gcp:
    """Builds the resources of one GCP project: Cloud Asset full names, labels, attributes."""

    def __init__(
        self, rng: random.Random, project: str, number: str, env: str, cost_center: str
    ) -> None:
        self.rng = rng
        self.project = project
        self.number = number
        self.env = env
        self.cost_center = cost_center

    def labels(self, team: str, extra: dict[str, str] | None = None) -> dict[str, str]:
        # GCP labels are lowercase: environment / team / cost-center play the AWS tags' part.
        labels = {"environment": self.env, "team": team, "cost-center": self.cost_center}
        if extra:
            labels.update(extra)
        return labels

    def res(
        self,
        rid: str,
        rtype: str,
        name: str,
        attributes: dict[str, Any],
        relations: list[dict[str, Any]],
        *,
        region: str = "global",
        team: str = "data",
        tags: dict[str, str] | None = None,
    ) -> ResourceDict:
        return {
            "id": rid,
            "type": rtype,
            "provider": "gcp",
            "account": self.project,
            "region": region,
            "name": name,
            "tags": self.labels(team) if tags is None else tags,
            "attributes": _complete(rtype, attributes),
            "relations": relations,
        }

    def compute(self, path: str) -> str:
        return f"//compute.googleapis.com/projects/{self.project}/{path}"

    def external_ip(self) -> str:
        rng = self.rng
        first = ("34.76", "34.140", "35.187", "35.205", "104.155")[rng.randrange(5)]
        return f"{first}.{rng.randrange(256)}.{rng.randint(1, 254)}"

    def project_res(
        self,
        folder: ResourceDict,
        bindings: list[dict[str, Any]],
        audit_configs: list[dict[str, Any]],
        *,
        os_login: bool = True,
    ) -> ResourceDict:
        attrs = {
            "project_number": self.number,
            "lifecycle_state": "ACTIVE",
            "iam_bindings": bindings,
            "audit_configs": audit_configs,
            "os_login_enabled": os_login,
        }
        rels = [_rel("member_of", folder["id"]), *_binding_relations(bindings)]
        rid = f"//cloudresourcemanager.googleapis.com/projects/{self.number}"
        return self.res(
            rid, "gcp.resourcemanager.project", self.project, attrs, rels, team="platform"
        )

    def network(self, name: str, *, auto: bool = False) -> ResourceDict:
        attrs = {
            "auto_create_subnetworks": auto,
            "routing_mode": "REGIONAL",
            "is_default": name == "default",
        }
        return self.res(
            self.compute(f"global/networks/{name}"),
            "gcp.compute.network",
            name,
            attrs,
            [],
            team="platform",
        )

    def subnetwork(
        self,
        network: ResourceDict,
        name: str,
        region: str,
        cidr: str,
        *,
        flow_logs: bool = True,
        private_google_access: bool = True,
    ) -> ResourceDict:
        attrs = {
            "ip_cidr_range": cidr,
            "private_google_access": private_google_access,
            "flow_logs_enabled": flow_logs,
        }
        rid = self.compute(f"regions/{region}/subnetworks/{name}")
        rels = [_rel("in_network", network["id"])]
        return self.res(
            rid, "gcp.compute.subnetwork", name, attrs, rels, region=region, team="platform"
        )

    def firewall(
        self,
        network: ResourceDict,
        name: str,
        allowed: Sequence[tuple[str, int | None, int | None]],
        source_ranges: Sequence[str],
        *,
        target_tags: Sequence[str] = (),
        disabled: bool = False,
        priority: int = 1000,
        logging: bool = False,
    ) -> ResourceDict:
        allow = [{"protocol": p, "from_port": f, "to_port": t} for p, f, t in allowed]
        attrs = {
            "direction": "INGRESS",
            "disabled": disabled,
            "priority": priority,
            "source_ranges": list(source_ranges),
            "target_tags": list(target_tags),
            "target_service_accounts": [],
            "allowed": allow,
            "denied": [],
            "logging_enabled": logging,
        }
        rels = [_rel("in_network", network["id"])]
        if not disabled and allow and any(_is_internet(r) for r in source_ranges):
            rels.append(_rel("allows_from", _INTERNET, dict(allow[0])))
        return self.res(
            self.compute(f"global/firewalls/{name}"),
            "gcp.compute.firewall",
            name,
            attrs,
            rels,
            team="platform",
        )

    def service_account(
        self,
        account_id: str,
        *,
        roles: Sequence[str],
        default_compute: bool = False,
        users: Sequence[str] = (),
        team: str = "data",
    ) -> ResourceDict:
        if default_compute:
            email = f"{self.number}-compute@developer.gserviceaccount.com"
        else:
            email = f"{account_id}@{self.project}.iam.gserviceaccount.com"
        bindings = (
            [{"role": "roles/iam.serviceAccountUser", "members": list(users)}] if users else []
        )
        attrs = {
            "email": email,
            "disabled": False,
            "is_default_compute": default_compute,
            "project_roles": list(roles),
        }
        rid = f"//iam.googleapis.com/projects/{self.project}/serviceAccounts/{email}"
        # Service accounts carry no labels.
        return self.res(
            rid, "gcp.iam.service_account", email, attrs, _binding_relations(bindings), tags={}
        )

    def service_account_key(
        self, sa: ResourceDict, *, user_managed: bool, age_days: int
    ) -> ResourceDict:
        key_id = _hex(self.rng, 40)
        attrs = {
            "key_type": "USER_MANAGED" if user_managed else "SYSTEM_MANAGED",
            "valid_after": _ts(age_days, self.rng.randrange(86400)),
            "disabled": False,
        }
        rid = f"{sa['id']}/keys/{key_id}"
        return self.res(
            rid, "gcp.iam.service_account_key", key_id, attrs, [_rel("key_of", sa["id"])], tags={}
        )

    def instance(
        self,
        name: str,
        zone: str,
        subnet: ResourceDict,
        sa: ResourceDict,
        *,
        scopes: Sequence[str] = _NARROW_SCOPES,
        public_ip: bool = False,
        network_tags: Sequence[str] = (),
        secrets: Sequence[dict[str, str]] = (),
        gke_node: bool = False,
        shielded: bool = True,
        os_login: bool | None = True,
        machine_type: str = "e2-standard-4",
        created_days: int = 120,
        team: str = "data",
        labels: dict[str, str] | None = None,
    ) -> ResourceDict:
        sa_email = sa["attributes"]["email"]
        attrs = {
            "machine_type": machine_type,
            "status": "RUNNING",
            "zone": zone,
            "public_ip": self.external_ip() if public_ip else None,
            "network_tags": list(network_tags),
            "service_accounts": [{"email": sa_email, "scopes": list(scopes)}],
            "uses_default_service_account": sa["attributes"]["is_default_compute"],
            "has_full_api_access": _CLOUD_PLATFORM in scopes,
            "block_project_ssh_keys": not gke_node,
            "os_login_enabled": os_login,
            "serial_port_enabled": False,
            "can_ip_forward": False,
            "shielded_vm": dict(_SHIELDED_ON if shielded else _SHIELDED_OFF),
            "confidential_compute": False,
            "is_gke_node": gke_node,
            "secrets": list(secrets),
            "created_at": _ts(created_days, self.rng.randrange(86400)),
        }
        rels = [
            _rel("in_subnet", subnet["id"]),
            _rel("in_network", subnet["relations"][0]["target"]),
            _rel("runs_as", sa["id"]),
        ]
        rid = self.compute(f"zones/{zone}/instances/{name}")
        tags = labels if labels is not None else self.labels(team)
        return self.res(rid, "gcp.compute.instance", name, attrs, rels, region=zone[:-2], tags=tags)

    def disk(
        self,
        name: str,
        zone: str,
        size_gb: int,
        *,
        disk_type: str = "pd-balanced",
        instance: ResourceDict | None = None,
        key: ResourceDict | None = None,
        created_days: int = 120,
        detached_days: int | None = None,
        team: str = "data",
    ) -> ResourceDict:
        attrs = {
            "size_gb": size_gb,
            "disk_type": disk_type,
            "is_attached": instance is not None,
            "kms_key_name": _kms_name(key) if key is not None else None,
            "created_at": _ts(created_days, self.rng.randrange(86400)),
            "last_detached_at": None if detached_days is None else _ts(detached_days),
        }
        rels = [_rel("attached_to", instance["id"])] if instance is not None else []
        if key is not None:
            rels.append(_rel("encrypted_by", key["id"]))
        rid = self.compute(f"zones/{zone}/disks/{name}")
        return self.res(rid, "gcp.compute.disk", name, attrs, rels, region=zone[:-2], team=team)

    def address(self, name: str, region: str, ip: str | None, *, in_use: bool) -> ResourceDict:
        attrs = {
            "address": ip if ip is not None else self.external_ip(),
            "address_type": "EXTERNAL",
            "status": "IN_USE" if in_use else "RESERVED",
        }
        rid = self.compute(f"regions/{region}/addresses/{name}")
        return self.res(rid, "gcp.compute.address", name, attrs, [], region=region, team="platform")

    def snapshot(self, name: str, storage_gb: float, created_days: int) -> ResourceDict:
        attrs = {
            "storage_gb": round(storage_gb, 1),
            "created_at": _ts(created_days, self.rng.randrange(86400)),
        }
        return self.res(
            self.compute(f"global/snapshots/{name}"), "gcp.compute.snapshot", name, attrs, []
        )

    def bucket(
        self,
        name: str,
        location: str,
        *,
        bindings: list[dict[str, Any]],
        uniform_access: bool = True,
        prevention: str | None = "enforced",
        versioning: bool = True,
        retention_days: int | None = None,
        log_bucket: str | None = None,
        key: ResourceDict | None = None,
        team: str = "data",
    ) -> ResourceDict:
        public = any(
            m in ("allUsers", "allAuthenticatedUsers") for b in bindings for m in b["members"]
        )
        attrs = {
            "location": location.upper(),
            "uniform_bucket_level_access": uniform_access,
            "public_access_prevention": prevention,
            "versioning_enabled": versioning,
            "retention_period_days": retention_days,
            "logging_bucket": log_bucket,
            "kms_key_name": _kms_name(key) if key is not None else None,
            "iam_bindings": bindings,
            "is_public": public,
        }
        rels = _binding_relations(bindings)
        if key is not None:
            rels.append(_rel("encrypted_by", key["id"]))
        rid = f"//storage.googleapis.com/{name}"
        return self.res(
            rid, "gcp.storage.bucket", name, attrs, rels, region=location.lower(), team=team
        )

    def sql_instance(
        self,
        name: str,
        region: str,
        network: ResourceDict,
        *,
        public_ip: bool = False,
        authorized: Sequence[str] = (),
        ssl_mode: str = "ENCRYPTED_ONLY",
        backups: bool = True,
        regional: bool = True,
        tier: str = "db-custom-4-16384",
        version: str = "POSTGRES_15",
        team: str = "data",
    ) -> ResourceDict:
        attrs = {
            "database_version": version,
            "public_ip_enabled": public_ip,
            "authorized_networks": list(authorized),
            "ssl_mode": ssl_mode,
            "backup_enabled": backups,
            "pitr_enabled": backups,
            "availability_type": "REGIONAL" if regional else "ZONAL",
            "database_flags": {
                "log_connections": "on",
                "log_disconnections": "on",
                "log_min_duration_statement": "-1",
            },
            "deletion_protection": regional,
            "tier": tier,
        }
        rid = f"//cloudsql.googleapis.com/projects/{self.project}/instances/{name}"
        rels = [_rel("in_network", network["id"])]
        return self.res(rid, "gcp.sql.instance", name, attrs, rels, region=region, team=team)

    def crypto_key(
        self,
        ring: str,
        name: str,
        location: str,
        *,
        rotation_days: int | None,
        purpose: str = "ENCRYPT_DECRYPT",
    ) -> ResourceDict:
        attrs = {"purpose": purpose, "rotation_period_days": rotation_days, "is_public": False}
        ring_id = f"projects/{self.project}/locations/{location}/keyRings/{ring}"
        rid = f"//cloudkms.googleapis.com/{ring_id}/cryptoKeys/{name}"
        return self.res(
            rid, "gcp.kms.crypto_key", name, attrs, [], region=location, team="security"
        )

    def secret(
        self, name: str, *, rotation_days: int | None, created_days: int = 300
    ) -> ResourceDict:
        attrs = {
            "rotation_period_days": rotation_days,
            "created_at": _ts(created_days, self.rng.randrange(86400)),
        }
        rid = f"//secretmanager.googleapis.com/projects/{self.number}/secrets/{name}"
        return self.res(rid, "gcp.secretmanager.secret", name, attrs, [])

    def sink(self, name: str, destination: str, log_filter: str, *, default: bool) -> ResourceDict:
        attrs = {"destination": destination, "filter": log_filter, "is_default": default}
        rid = f"//logging.googleapis.com/projects/{self.number}/sinks/{name}"
        return self.res(rid, "gcp.logging.sink", name, attrs, [], tags={})

    def dns_zone(self, name: str, dns_name: str, *, public: bool, dnssec: bool) -> ResourceDict:
        attrs = {
            "visibility": "public" if public else "private",
            "dnssec_state": "on" if dnssec else "off",
            "dnssec_key_algorithms": ["ECDSAP256SHA256"] if dnssec else [],
        }
        rid = f"//dns.googleapis.com/projects/{self.project}/managedZones/{name}"
        return self.res(rid, "gcp.dns.managed_zone", dns_name, attrs, [], team="platform")

    def gke_cluster(self, name: str, location: str, network: ResourceDict) -> ResourceDict:
        attrs = {
            "private_nodes": True,
            "master_authorized_networks_enabled": True,
            "legacy_abac_enabled": False,
            "network_policy_enabled": True,
            "workload_identity_enabled": True,
            "shielded_nodes_enabled": True,
            "release_channel": "REGULAR",
        }
        where = f"projects/{self.project}/locations/{location}"
        rid = f"//container.googleapis.com/{where}/clusters/{name}"
        return self.res(
            rid,
            "gcp.container.cluster",
            name,
            attrs,
            [_rel("in_network", network["id"])],
            region=location,
        )

    def run_service(
        self,
        name: str,
        region: str,
        sa: ResourceDict,
        *,
        ingress: str = "internal-and-cloud-load-balancing",
        public: bool = False,
        secrets: Sequence[dict[str, str]] = (),
    ) -> ResourceDict:
        attrs = {"ingress": ingress, "is_public": public, "secrets": list(secrets)}
        rid = f"//run.googleapis.com/projects/{self.project}/locations/{region}/services/{name}"
        return self.res(
            rid, "gcp.run.service", name, attrs, [_rel("runs_as", sa["id"])], region=region
        )

    def function(
        self, name: str, region: str, sa: ResourceDict, *, public: bool = False
    ) -> ResourceDict:
        attrs: dict[str, Any] = {
            "runtime": "python312",
            "ingress": "ALLOW_ALL" if public else "ALLOW_INTERNAL_ONLY",
            "is_public": public,
            "secrets": [],
        }
        where = f"projects/{self.project}/locations/{region}"
        rid = f"//cloudfunctions.googleapis.com/{where}/functions/{name}"
        return self.res(
            rid,
            "gcp.cloudfunctions.function",
            name,
            attrs,
            [_rel("runs_as", sa["id"])],
            region=region,
        )

    def dataset(
        self, name: str, location: str, *, key: ResourceDict | None, public: bool = False
    ) -> ResourceDict:
        attrs = {"kms_key_name": _kms_name(key) if key is not None else None, "is_public": public}
        rid = f"//bigquery.googleapis.com/projects/{self.project}/datasets/{name}"
        return self.res(rid, "gcp.bigquery.dataset", name, attrs, [], region=location.lower())


def _kms_name(key: ResourceDict) -> str:
    """The KMS key name GCP settings hold: the full name without the service prefix."""
    return str(key["id"]).removeprefix("//cloudkms.googleapis.com/")


def _binding_relations(bindings: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        _rel("iam_binding", f"principal:gcp:{member}", {"role": b["role"]})
        for b in bindings
        for member in b["members"]
    ]


def _gcp_org(number: str, domain: str, bindings: list[dict[str, Any]]) -> ResourceDict:
    return {
        "id": f"//cloudresourcemanager.googleapis.com/organizations/{number}",
        "type": "gcp.resourcemanager.organization",
        "provider": "gcp",
        "account": "",
        "region": "global",
        "name": domain,
        "tags": {},
        "attributes": _complete(
            "gcp.resourcemanager.organization", {"display_name": domain, "iam_bindings": bindings}
        ),
        "relations": [],
    }


def _gcp_folder(
    number: str, name: str, parent: ResourceDict, bindings: list[dict[str, Any]]
) -> ResourceDict:
    return {
        "id": f"//cloudresourcemanager.googleapis.com/folders/{number}",
        "type": "gcp.resourcemanager.folder",
        "provider": "gcp",
        "account": "",
        "region": "global",
        "name": name,
        "tags": {},
        "attributes": _complete(
            "gcp.resourcemanager.folder", {"display_name": name, "iam_bindings": bindings}
        ),
        "relations": [_rel("member_of", parent["id"])],
    }


# =========================================================================== the demo

_DEMO_SEED = 20261101
_PROD = "111122223333"
_STAGING = "444455556666"
_TOOLING = "777788889999"  # Northwind's CI tooling account: trusted, but not collected
_VENDOR = "210987654321"  # a monitoring vendor's account
_GCP_PROJECT = "northwind-analytics"
_GCP_NUMBER = "418203557921"
_GCP_ORG = "583920174625"
_GCP_FOLDER = "730214889102"
_HOSTILE = "<script>alert(1)</script>"
_AUDIT_ACTIVITY = 'LOG_ID("cloudaudit.googleapis.com/activity")'
_AUDIT_SYSTEM = 'LOG_ID("cloudaudit.googleapis.com/system_event")'


class _Problems:
    """Records the demo's deliberate problems as they are built: (category, id, what)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []

    def __call__(self, category: str, resource: ResourceDict, what: str) -> ResourceDict:
        self.items.append((category, resource["id"], what))
        return resource


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
        f"aws:{account}:{region}"
        for account in (_PROD, _STAGING)
        for region in ("global", "eu-west-1", "us-east-1")
    ] + [f"gcp:{_GCP_PROJECT}"]


@lru_cache(maxsize=1)
def _demo() -> tuple[tuple[ResourceDict, ...], tuple[tuple[str, str, str], ...]]:
    rng = random.Random(_DEMO_SEED)
    flag = _Problems()
    out = _demo_aws_account(rng, flag, prod=True)
    out += _demo_aws_account(rng, flag, prod=False)
    out += _demo_gcp(rng, flag)
    # aws.region counts the resources collected in its region (known only now).
    regional: dict[tuple[str, str], int] = {}
    for r in out:
        key = (r["account"], r["region"])
        regional[key] = regional.get(key, 0) + 1
    for r in out:
        if r["type"] == "aws.region":
            r["attributes"]["resource_count"] = regional[(r["account"], r["region"])] - 1
    return tuple(out), tuple(flag.items)


def _demo_aws_account(rng: random.Random, flag: _Problems, *, prod: bool) -> list[ResourceDict]:
    env = "prod" if prod else "staging"
    account = _PROD if prod else _STAGING
    a = _Aws(rng, account, "eu-west-1", env, "CC-1001" if prod else "CC-1002")
    out: list[ResourceDict] = []
    add = out.append

    acct = a.account_res(
        f"northwind-{env}",
        password_policy=_STRONG_PASSWORD_POLICY if prod else _WEAK_PASSWORD_POLICY,
        public_access_block=prod,
        root_keys=not prod,
        root_last_used_days=None if prod else 45,
        support_role=prod,
    )
    add(acct)
    if not prod:
        flag("iam", acct, "the root user has an active access key")
        flag("iam", acct, "password policy: 8 characters, no symbols, no reuse prevention")
        flag("iam", acct, "no role has AWSSupportAccess attached")
        flag("security", acct, "no account-level S3 public access block")
    if prod:
        for path, name, document in _AWS_MANAGED_POLICIES:
            add(a.managed_policy(path, name, document, 3))

    # Keys of the primary region first: buckets and the trail use them.
    data_key = a.kms_key(f"alias/{env}-data", rotation=prod, created_days=1100)
    ebs_key = a.kms_key(f"alias/{env}-ebs", created_days=1100)
    out += [data_key, ebs_key]
    if not prod:
        flag("encryption", data_key, "customer-managed KMS key without automatic rotation")
    trail_key = None
    if prod:
        trail_key = a.kms_key("alias/prod-cloudtrail", created_days=1000, team="security")
        add(trail_key)
        add(a.kms_key("aws/secretsmanager", aws_managed=True, created_days=1000))

    # ------------------------------------------------------------------ IAM
    assets_name = f"northwind-{env}-assets"
    deploy = a.policy(
        "NorthwindDeploy",
        _doc(
            _allow(
                ["ecs:UpdateService", "ecs:RegisterTaskDefinition", "ecr:PutImage", "iam:PassRole"],
                [f"arn:aws:ecs:*:{account}:service/*", f"arn:aws:iam::{account}:role/*-instance"],
            ),
            _allow(["s3:PutObject", "s3:DeleteObject"], f"arn:aws:s3:::{assets_name}/*"),
        ),
        3 if prod else 2,
    )
    assets_read = a.policy(
        "NorthwindAssetsRead",
        _doc(
            _allow(
                ["s3:GetObject", "s3:ListBucket"],
                [f"arn:aws:s3:::{assets_name}", f"arn:aws:s3:::{assets_name}/*"],
            )
        ),
        2,
    )
    out += [deploy, assets_read]
    admin_policy = a.policy(
        "NorthwindPlatformAdmin" if prod else "StagingFullAccess",
        _doc(_allow("*", "*")),
        0 if prod else 1,
    )
    add(admin_policy)
    if not prod:
        flag(
            "iam",
            admin_policy,
            'customer-managed policy allows Action "*" on Resource "*"'
            " and is attached (group Developers)",
        )

    admin_arn = _MANAGED["AdministratorAccess"]
    readonly = _MANAGED["ReadOnlyAccess"]
    admins = a.group("Admins", [admin_arn], 1 if prod else 2)
    if prod:
        devs = a.group("Developers", [readonly, deploy["id"]], 3)
        auditors = a.group("Auditors", [readonly], 1)
        out += [admins, devs, auditors]
    else:
        devs = a.group("Developers", [admin_policy["id"]], 2)
        ci_group = a.group("CI", [deploy["id"]], 1)
        out += [admins, devs, ci_group]

    if prod:
        add(a.user("ana.silva", groups=[admins], keys=[(30, "Active", 1)], created_days=1400))
        add(a.user("ben.okafor", groups=[devs], created_days=900, team="commerce"))
        add(
            a.user(
                "farah.haddad",
                groups=[devs],
                keys=[(60, "Active", 2)],
                created_days=700,
                team="logistics",
            )
        )
        add(
            flag(
                "iam",
                a.user(
                    "chloe.martin",
                    groups=[devs],
                    mfa=False,
                    created_days=300,
                    last_login_days=6,
                    team="commerce",
                ),
                "console password without MFA",
            )
        )
        add(a.user("grace.lee", groups=[auditors], created_days=500, team="security"))
        for person, team in (
            ("ines.garcia", "data"),
            ("jonas.novak", "logistics"),
            ("kemal.yilmaz", "payments"),
        ):
            add(a.user(person, groups=[devs], created_days=rng.randint(200, 900), team=team))
        add(
            flag(
                "iam",
                a.user(
                    "ci-legacy",
                    policies=[deploy["id"]],
                    console=False,
                    mfa=False,
                    keys=[(203, "Active", 2)],
                    created_days=900,
                    last_login_days=None,
                ),
                "active access key created 203 days ago (not rotated in 90 days)",
            )
        )
    else:
        add(a.user("eva.lindqvist", groups=[admins], keys=[(45, "Active", 3)], created_days=800))
        add(
            flag(
                "iam",
                a.user(
                    "dmitri.ivanov",
                    groups=[devs],
                    mfa=False,
                    created_days=200,
                    last_login_days=2,
                    team="commerce",
                ),
                "console password without MFA",
            )
        )
        add(a.user("hugo.moreau", groups=[devs], created_days=150, team="logistics"))
        add(a.user("lena.schmidt", groups=[devs], created_days=90, team="data"))
        add(
            flag(
                "iam",
                a.user(
                    "staging-ci",
                    groups=[ci_group],
                    console=False,
                    mfa=False,
                    keys=[(212, "Active", 1), (410, "Inactive", None)],
                    created_days=700,
                    last_login_days=None,
                ),
                "active access key created 212 days ago (not rotated in 90 days)",
            )
        )
        add(
            a.user(
                "terraform",
                groups=[admins],
                console=False,
                mfa=False,
                keys=[(20, "Active", 1)],
                created_days=600,
                last_login_days=None,
            )
        )

    ec2 = _service("ec2.amazonaws.com")
    lam = _service("lambda.amazonaws.com")
    ssm = _MANAGED["AmazonSSMManagedInstanceCore"]
    cwagent = _MANAGED["CloudWatchAgentServerPolicy"]
    basic = _MANAGED["AWSLambdaBasicExecutionRole"]
    roles: dict[str, ResourceDict] = {}

    def role(
        key: str, name: str, trusts: Sequence[_Trust], policies: Sequence[str], **kw: Any
    ) -> ResourceDict:
        roles[key] = a.role(name, trusts, policies, **kw)
        out.append(roles[key])
        return roles[key]

    secret_read = {
        "name": "read-app-secrets",
        "document": _doc(
            _allow(
                "secretsmanager:GetSecretValue",
                f"arn:aws:secretsmanager:*:{account}:secret:{env}/*",
            )
        ),
    }
    role("web", f"{env}-web-instance", [ec2], [ssm, cwagent, assets_read["id"]])
    role("app", f"{env}-app-instance", [ec2], [ssm, cwagent], inline=[secret_read])
    role("bastion", f"{env}-bastion-instance", [ec2], [ssm])
    role(
        "task",
        f"{env}-orders-worker-task",
        [_service("ecs-tasks.amazonaws.com")],
        [],
        inline=[secret_read],
    )
    role(
        "ci",
        "ci-deploy",
        [_account(_TOOLING, _external_id(f"northwind-ci-{env}"))],
        [deploy["id"]],
        team="platform",
    )
    if prod:
        role("resizer", "prod-image-resizer", [lam], [basic, assets_read["id"]])
        role("events", "prod-orders-events", [lam], [_MANAGED["AWSLambdaVPCAccessExecutionRole"]])
        role("failover", "prod-dr-failover", [lam], [basic])
        # Cross-account path inside the estate: staging CI may assume this prod role.
        staging_ci = f"arn:aws:iam::{_STAGING}:role/ci-deploy"
        role(
            "promoter",
            "release-promoter",
            [_Trust(staging_ci, {"AWS": staging_ci})],
            [deploy["id"]],
        )
        role(
            "vendor",
            "vendor-monitoring",
            [_account(_VENDOR, _external_id("nw-7c1e55"))],
            [readonly],
            team="security",
        )
        role(
            "breakglass",
            "break-glass-admin",
            [_account(_PROD, _MFA)],
            [admin_arn],
            last_used_days=None,
            team="security",
        )
        role(
            "support",
            "support",
            [_account(_PROD, _MFA)],
            [_MANAGED["AWSSupportAccess"]],
            last_used_days=90,
        )
    else:
        role("exporter", "staging-report-exporter", [lam], [basic])
        role("thumbnailer", "staging-thumbnailer", [lam], [basic, assets_read["id"]])
        role("webhook", "staging-promo-webhook", [lam], [basic])
        flag(
            "iam",
            role("vendor", "vendor-monitoring", [_account(_VENDOR)], [readonly], team="security"),
            f"trusted by external account {_VENDOR} without an sts:ExternalId condition",
        )
        flag(
            "iam",
            role(
                "debug",
                "legacy-debug",
                [_Trust("principal:aws:*", {"AWS": "*"})],
                [readonly],
                created_days=1300,
                last_used_days=400,
            ),
            'trust policy allows Principal {"AWS": "*"} with no condition',
        )
    role(
        "asg",
        "AWSServiceRoleForAutoScaling",
        [_service("autoscaling.amazonaws.com")],
        [_MANAGED["AutoScalingServiceRolePolicy"]],
        path="/aws-service-role/autoscaling.amazonaws.com/",
        service_linked=True,
        max_session=3600,
    )

    # ------------------------------------------------------------------ S3 (eu-west-1)
    logs = a.bucket(
        f"northwind-{env}-logs", versioning="Enabled", lifecycle_rules=2, created_days=1300
    )
    trail_bucket = a.bucket(
        f"northwind-{env}-cloudtrail",
        key=trail_key,
        log_to=logs,
        object_lock=prod,
        cloudtrail_writer=True,
        created_days=1300,
        team="security",
    )
    out += [logs, trail_bucket]
    if prod:
        add(a.bucket(assets_name, log_to=logs, created_days=1200, team="commerce"))
        add(
            a.bucket(
                "northwind-prod-backups",
                key=data_key,
                log_to=logs,
                mfa_delete=True,
                object_lock=True,
                lifecycle_rules=3,
            )
        )
        add(
            a.bucket(
                "northwind-prod-datalake", key=data_key, log_to=logs, lifecycle_rules=4, team="data"
            )
        )
    else:
        add(
            flag(
                "security",
                a.bucket(
                    assets_name,
                    block_public=False,
                    public_by_policy=True,
                    secure_transport=False,
                    log_to=logs,
                    created_days=700,
                    team="commerce",
                ),
                'bucket policy grants s3:GetObject to Principal "*"',
            )
        )
        uploads = a.bucket(
            "northwind-staging-uploads",
            block_public=False,
            public_by_acl=True,
            versioning=None,
            lifecycle_rules=0,
            created_days=500,
            team="commerce",
            extra_tags={"Owner": _HOSTILE},
        )
        add(
            flag(
                "security",
                uploads,
                "ACL grants READ to AllUsers (also carries the hostile Owner tag)",
            )
        )
        add(
            flag(
                "security",
                a.bucket(
                    "northwind-staging-reports",
                    block_public=None,
                    log_to=logs,
                    created_days=400,
                    team="data",
                ),
                "no public access block configured (bucket or account)",
            )
        )
        add(a.bucket("northwind-staging-datalake", key=data_key, log_to=logs, team="data"))

    out += _demo_primary_region(a, flag, roles, data_key, ebs_key, trail_key, trail_bucket)
    out += _demo_secondary_region(a.at("us-east-1"), flag, roles)
    return out


def _demo_primary_region(
    a: _Aws,
    flag: _Problems,
    roles: dict[str, ResourceDict],
    data_key: ResourceDict,
    ebs_key: ResourceDict,
    trail_key: ResourceDict | None,
    trail_bucket: ResourceDict,
) -> list[ResourceDict]:
    rng = a.rng
    prod = a.env == "prod"
    env = a.env
    out: list[ResourceDict] = []
    add = out.append
    azs = "abc" if prod else "ab"
    base = "10.10" if prod else "10.20"

    vpc = a.vpc(f"{env}-main", f"{base}.0.0/16")
    add(vpc)
    public = [
        a.subnet(
            vpc,
            f"{env}-public-{z}",
            f"{base}.{i}.0/24",
            f"{a.region}{z}",
            public=True,
            map_public=not prod,
        )
        for i, z in enumerate(azs)
    ]
    private = [
        a.subnet(
            vpc, f"{env}-private-{z}", f"{base}.{16 * (i + 1)}.0/20", f"{a.region}{z}", public=False
        )
        for i, z in enumerate(azs)
    ]
    out += public + private
    if not prod:
        for s in public:
            flag("network", s, "public subnet assigns public IPv4 addresses on launch")
    add(a.internet_gateway(vpc, f"{env}-igw"))
    add(a.network_acl(vpc, f"{env}-main-default"))
    for s in public if prod else public[:1]:
        nat = a.nat_gateway(vpc, s, f"{s['name']}-nat", gb_out=rng.uniform(80, 400))
        out += [nat, a.eip(f"{s['name']}-nat-eip", associated=True)]

    # ------------------------------------------------------------------ security groups
    if prod:
        default_sg = a.security_group(
            vpc, "default", "default VPC security group", [], default=True, egress=(), attachments=0
        )
    else:
        default_sg = a.security_group(
            vpc,
            "default",
            "default VPC security group",
            [_group_rule("-1", None, None, _SELF)],
            default=True,
            attachments=2,
        )
        flag(
            "network", default_sg, "default security group keeps its allow-all rules and is in use"
        )
    alb_sg = a.security_group(
        vpc,
        f"{env}-web-alb",
        "HTTPS from anywhere to the web load balancer",
        [
            _cidr_rule("tcp", 443, 443, "0.0.0.0/0", "HTTPS"),
            _cidr_rule("tcp", 443, 443, "::/0", "HTTPS"),
            _cidr_rule("tcp", 80, 80, "0.0.0.0/0", "HTTP, redirected to HTTPS"),
        ],
    )
    web_sg = a.security_group(
        vpc,
        f"{env}-web",
        "web tier",
        [_group_rule("tcp", 8080, 8080, alb_sg, "from web ALB")],
        attachments=3,
    )
    app_sg = a.security_group(
        vpc,
        f"{env}-app",
        "orders API",
        [_group_rule("tcp", 8080, 8080, web_sg, "from web tier")],
        attachments=3,
    )
    db_sg = a.security_group(
        vpc, f"{env}-db", "PostgreSQL", [_group_rule("tcp", 5432, 5432, app_sg, "from orders API")]
    )
    lambda_sg = a.security_group(vpc, f"{env}-lambda", "Lambda functions in the VPC", [])
    if prod:
        bastion_sg = a.security_group(
            vpc,
            f"{env}-bastion",
            "SSH from the corporate VPN",
            [_cidr_rule("tcp", 22, 22, "10.200.0.0/16", "corporate VPN")],
        )
    else:
        bastion_sg = a.security_group(
            vpc,
            f"{env}-bastion",
            "admin access",
            [
                _cidr_rule("tcp", 22, 22, "0.0.0.0/0", "SSH"),
                _cidr_rule("tcp", 3389, 3389, "0.0.0.0/0", "RDP"),
            ],
        )
        flag("network", bastion_sg, "admits SSH (22) and RDP (3389) from 0.0.0.0/0")
    out += [default_sg, alb_sg, web_sg, app_sg, db_sg, lambda_sg, bastion_sg]
    reporting_sg = None
    if not prod:
        reporting_sg = a.security_group(
            vpc,
            "reporting-db",
            "reporting database for the BI tool",
            [_cidr_rule("tcp", 5432, 5432, "0.0.0.0/0", "BI tool")],
        )
        add(flag("network", reporting_sg, "admits PostgreSQL (5432) from 0.0.0.0/0"))

    # ------------------------------------------------------------------ compute
    if prod:
        add(a.image("northwind-web-2026-08", 70))
    ami = a.image(f"northwind-web-2026-{'09' if prod else '06'}", 40 if prod else 140)
    add(ami)
    ami_id = _tail(ami["id"])
    webs: list[ResourceDict] = []
    for i in range(3 if prod else 2):
        subnet = private[i] if prod else private[0]
        problem = not prod and i == 1
        inst = a.instance(
            f"{env}-web-{i + 1}",
            subnet,
            [web_sg],
            role=roles["web"],
            image_id=ami_id,
            instance_type="m6i.large" if prod else "t3.medium",
            imds_tokens="optional" if problem else "required",
            launch_days=12 + i,
            team="commerce",
        )
        if problem:
            flag("security", inst, "IMDSv1 allowed (http_tokens optional)")
        webs.append(inst)
        vol = a.volume(
            f"{env}-web-{i + 1}-root",
            30,
            volume_type="gp2" if problem else "gp3",
            instance=inst,
            key=ebs_key,
            created_days=12 + i,
            team="commerce",
        )
        if problem:
            flag("cost", vol, "gp2 volume (gp3 is ~20% cheaper for the same baseline)")
        out += [inst, vol]

    apps: list[ResourceDict] = []
    app_names = (
        ["orders-api-1", "orders-api-2", "orders-api-3", "worker-1", "worker-2"]
        if prod
        else ["orders-api-1"]
    )
    for i, name in enumerate(app_names):
        subnet = private[i % len(private)] if prod else private[1]
        secrets = [] if prod else [_secret("user_data:line 7", "Secret Keyword", "Zx****")]
        inst = a.instance(
            f"{env}-{name}",
            subnet,
            [app_sg],
            role=roles["app"],
            instance_type="c6i.xlarge" if prod else "t3.large",
            secrets=secrets,
            launch_days=30 + i,
            team="commerce",
        )
        if not prod:
            flag("secrets", inst, "user data contains a secret (DB_PASSWORD=..., stored masked)")
        apps.append(inst)
        root = a.volume(
            f"{env}-{name}-root",
            30,
            instance=inst,
            key=ebs_key,
            created_days=30 + i,
            team="commerce",
        )
        data = a.volume(
            f"{env}-{name}-data",
            200,
            instance=inst,
            key=ebs_key,
            encrypted=prod,
            created_days=30 + i,
            team="commerce",
        )
        if not prod:
            flag("encryption", data, "EBS volume not encrypted")
        out += [inst, root, data]

    bastion = a.instance(
        f"{env}-bastion",
        public[0],
        [bastion_sg],
        role=roles["bastion"],
        instance_type="t3.micro",
        public_ip=True,
        launch_days=200,
        monitoring="disabled",
    )
    out += [
        bastion,
        a.volume(f"{env}-bastion-root", 8, instance=bastion, key=ebs_key, created_days=200),
    ]
    if prod:
        add(a.eip("prod-bastion-eip", instance=bastion))
    else:
        flag(
            "network",
            bastion,
            "reachable from the internet on SSH/RDP (public IP, staging-bastion group)",
        )

    asg = a.autoscaling_group(
        f"{env}-web-asg",
        private if prod else private[:1],
        (3, 9, 3) if prod else (2, 2, 2),
        team="commerce",
    )
    add(asg)
    if not prod:
        flag("resilience", asg, f"Auto Scaling group spans one availability zone ({a.region}a)")
    alb = a.load_balancer(
        f"{env}-web-alb",
        vpc,
        [alb_sg],
        webs,
        https=prod,
        waf=prod,
        access_logs=prod,
        drop_invalid_headers=prod,
        deletion_protection=prod,
        team="commerce",
    )
    add(alb)
    if not prod:
        flag(
            "network",
            alb,
            "internet-facing ALB serves plain HTTP on port 80 with no HTTPS listener or redirect",
        )
    if prod:
        add(
            a.load_balancer(
                "prod-orders-api-internal",
                vpc,
                [app_sg],
                apps[:3],
                internet_facing=False,
                waf=False,
                team="commerce",
            )
        )

    # ------------------------------------------------------------------ data
    if prod:
        add(
            a.rds_instance("orders-db", vpc, [db_sg], key=data_key, storage_gb=500, team="commerce")
        )
        add(a.rds_snapshot("orders-db-before-pg16-upgrade", created_days=70))
    else:
        orders_db = a.rds_instance(
            "orders-db-staging",
            vpc,
            [db_sg],
            key=data_key,
            multi_az=False,
            backup_days=0,
            deletion_protection=False,
            instance_class="db.t4g.medium",
            storage_gb=100,
            team="commerce",
        )
        flag("resilience", orders_db, "single-AZ RDS instance")
        flag("resilience", orders_db, "automated backups disabled (retention 0 days)")
        reporting = a.rds_instance(
            "reporting-db",
            vpc,
            [reporting_sg] if reporting_sg is not None else [],
            key=None,
            encrypted=False,
            public=True,
            multi_az=False,
            backup_days=7,
            deletion_protection=False,
            instance_class="db.t4g.large",
            iam_auth=False,
            team="data",
        )
        flag(
            "network",
            reporting,
            "publicly accessible and reachable from the internet on 5432 via reporting-db group",
        )
        flag("encryption", reporting, "RDS storage not encrypted")
        out += [orders_db, reporting]
    if prod:
        add(a.dynamodb_table("sessions", team="commerce"))
        add(a.dynamodb_table("carts", team="commerce"))
    else:
        add(
            flag(
                "resilience",
                a.dynamodb_table("sessions-staging", pitr=False, team="commerce"),
                "DynamoDB point-in-time recovery disabled",
            )
        )
        add(a.dynamodb_table("carts-staging", team="commerce"))
    add(a.sqs_queue(f"{env}-orders-events", key=data_key if prod else None, team="commerce"))
    add(a.sqs_queue(f"{env}-orders-events-dlq", key=data_key if prod else None, team="commerce"))
    add(a.sns_topic(f"{env}-ops-alerts", key=data_key if prod else None))
    add(a.file_system(f"{env}-shared-media", key=data_key, team="commerce"))
    registry = f"{a.account}.dkr.ecr.{a.region}.amazonaws.com/northwind"
    add(
        a.task_definition(
            "orders-worker",
            42 if prod else 17,
            roles["task"],
            [
                f"{registry}/orders-worker:2026.10.{3 if prod else 1}",
                f"{registry}/otel-collector:0.98",
            ],
            team="commerce",
        )
    )
    if prod:
        add(a.sns_topic("prod-orders-notifications", key=data_key, team="commerce"))
        add(
            a.task_definition(
                "pdf-renderer",
                9,
                roles["task"],
                [f"{registry}/pdf-renderer:1.4.2"],
                team="commerce",
            )
        )
        add(a.rds_snapshot("orders-db-weekly-2026-10-25", created_days=7))

    # ------------------------------------------------------------------ serverless, logs, secrets
    if prod:
        for fn, retention in (("image-resizer", 30), ("orders-events", 30)):
            add(
                a.log_group(
                    f"/aws/lambda/{fn}", retention_days=retention, stored_gb=rng.uniform(0.5, 8)
                )
            )
        add(
            a.lambda_function(
                "image-resizer",
                roles["resizer"],
                memory_mb=1024,
                timeout_s=60,
                env_keys=["ASSETS_BUCKET", "LOG_LEVEL"],
                team="commerce",
            )
        )
        add(
            a.lambda_function(
                "orders-events",
                roles["events"],
                env_keys=["QUEUE_URL", "DB_SECRET_ARN"],
                subnets=private[:2],
                team="commerce",
            )
        )
    else:
        exporter_log = a.log_group(
            "/aws/lambda/report-exporter", retention_days=None, stored_gb=23.0
        )
        thumb_log = a.log_group("/aws/lambda/thumbnailer", retention_days=None, stored_gb=4.2)
        flag("logging", exporter_log, "log group never expires (no retention)")
        flag("logging", thumb_log, "log group never expires (no retention)")
        exporter = a.lambda_function(
            "report-exporter",
            roles["exporter"],
            runtime="python3.9",
            env_keys=["DB_HOST", "DB_USER", "DB_PASSWORD", "EXPORT_BUCKET"],
            secrets=[_secret("env:DB_PASSWORD", "Secret Keyword", "hu****")],
            tracing="PassThrough",
            team="data",
        )
        flag(
            "secrets",
            exporter,
            "environment variable DB_PASSWORD holds a literal secret (stored masked)",
        )
        out += [exporter_log, thumb_log, exporter]
        add(
            a.lambda_function(
                "thumbnailer", roles["thumbnailer"], env_keys=["ASSETS_BUCKET"], team="commerce"
            )
        )
    add(
        a.log_group(
            f"/aws/vpc/flow-logs/{env}-main",
            retention_days=90 if prod else 30,
            stored_gb=rng.uniform(20, 90),
        )
    )
    for svc in (
        ("orders-api", "web", "worker", "pdf-renderer") if prod else ("orders-api", "worker")
    ):
        add(
            a.log_group(
                f"/northwind/{env}/{svc}",
                retention_days=90 if prod else 14,
                key=data_key if prod else None,
                stored_gb=rng.uniform(5, 60),
                team="commerce",
            )
        )
    if prod:
        add(a.secret("prod/orders/db-credentials", rotation_days=30, key=data_key, team="commerce"))
        add(a.secret("prod/payments/psp-api-key", rotation_days=90, key=data_key, team="payments"))
    else:
        add(
            flag(
                "secrets",
                a.secret("staging/orders/db-credentials", rotation_days=None, team="commerce"),
                "secret without automatic rotation",
            )
        )
        add(a.secret("staging/payments/psp-api-key", rotation_days=90, team="payments"))
    if prod:
        add(a.certificate("shop.northwind.example", expires_in_days=181))
        add(a.certificate("api.northwind.example", expires_in_days=243))
    else:
        add(
            flag(
                "security",
                a.certificate("staging.northwind.example", expires_in_days=12),
                "ACM certificate expires in 12 days (2026-11-13)",
            )
        )
        add(a.certificate("api.staging.northwind.example", expires_in_days=203))

    # ------------------------------------------------------------------ backups and leftovers
    if prod:
        for days in (1, 2, 3, 4, 5, 6, 7):
            add(
                a.snapshot(
                    f"prod-orders-api-1-data-daily-{days}", 200, created_days=days, team="commerce"
                )
            )
    else:
        for name, days in (
            ("staging-pre-migration", 745),
            ("staging-orders-api-data-2024-11", 731),
        ):
            add(
                flag(
                    "cost",
                    a.snapshot(name, 200, created_days=days),
                    f"EBS snapshot is {days} days old",
                )
            )
        add(
            flag(
                "cost",
                a.volume(
                    "old-data-copy",
                    1000,
                    volume_type="gp2",
                    key=ebs_key,
                    created_days=380,
                    team="data",
                ),
                "unattached 1000 GB gp2 volume",
            )
        )
        add(flag("cost", a.eip("staging-test-ip"), "Elastic IP not associated with anything"))

    trail_log = None
    if prod:
        trail_log = a.log_group(
            "/aws/cloudtrail/northwind-prod", retention_days=365, key=trail_key, team="security"
        )
        add(trail_log)
    trail = a.trail(
        f"northwind-{env}-trail",
        trail_bucket,
        multi_region=prod,
        validation=prod,
        key=trail_key,
        log_group=trail_log,
        data_events=prod,
    )
    add(trail)
    if not prod:
        flag("logging", trail, "trail records only eu-west-1 (not multi-region)")
        flag("logging", trail, "log file validation disabled")
    add(a.region_res(0))
    return out


def _demo_secondary_region(
    a: _Aws, flag: _Problems, roles: dict[str, ResourceDict]
) -> list[ResourceDict]:
    rng = a.rng
    prod = a.env == "prod"
    env = a.env
    out: list[ResourceDict] = []
    add = out.append
    base = "10.11" if prod else "10.21"
    vpc = a.vpc(f"{env}-{'dr' if prod else 'edge'}", f"{base}.0.0/16", flow_logs=prod)
    add(vpc)
    if not prod:
        flag("logging", vpc, "VPC without flow logs")
    public = [
        a.subnet(
            vpc, f"{vpc['name']}-public-{z}", f"{base}.{i}.0/24", f"{a.region}{z}", public=True
        )
        for i, z in enumerate("ab")
    ]
    private = [
        a.subnet(
            vpc,
            f"{vpc['name']}-private-{z}",
            f"{base}.{16 * (i + 1)}.0/20",
            f"{a.region}{z}",
            public=False,
        )
        for i, z in enumerate("ab")
    ]
    out += public + private
    add(a.internet_gateway(vpc, f"{vpc['name']}-igw"))
    add(a.network_acl(vpc, f"{vpc['name']}-default"))
    add(
        a.security_group(
            vpc, "default", "default VPC security group", [], default=True, egress=(), attachments=0
        )
    )
    alb_sg = a.security_group(
        vpc,
        f"{vpc['name']}-alb",
        "HTTPS from anywhere",
        [
            _cidr_rule("tcp", 443, 443, "0.0.0.0/0", "HTTPS"),
            _cidr_rule("tcp", 443, 443, "::/0", "HTTPS"),
        ],
    )
    add(alb_sg)
    if prod:
        key = a.kms_key("alias/prod-dr", created_days=700)
        nat = a.nat_gateway(vpc, public[0], "prod-dr-nat-a", gb_out=rng.uniform(5, 30))
        out += [key, nat, a.eip("prod-dr-nat-a-eip", associated=True)]
        web_sg = a.security_group(
            vpc,
            "prod-dr-web",
            "web tier",
            [_group_rule("tcp", 8080, 8080, alb_sg, "from ALB")],
            attachments=2,
        )
        db_sg = a.security_group(
            vpc, "prod-dr-db", "PostgreSQL replica", [_group_rule("tcp", 5432, 5432, web_sg)]
        )
        out += [web_sg, db_sg]
        webs = []
        for i in range(2):
            inst = a.instance(
                f"prod-dr-web-{i + 1}",
                private[i],
                [web_sg],
                role=roles["web"],
                launch_days=60,
                team="commerce",
            )
            webs.append(inst)
            out += [
                inst,
                a.volume(
                    f"prod-dr-web-{i + 1}-root",
                    30,
                    instance=inst,
                    key=key,
                    created_days=60,
                    team="commerce",
                ),
            ]
        add(a.autoscaling_group("prod-dr-web-asg", private, (2, 6, 2), team="commerce"))
        add(a.load_balancer("prod-dr-web-alb", vpc, [alb_sg], webs, team="commerce"))
        add(a.rds_instance("orders-db-dr", vpc, [db_sg], key=key, storage_gb=500, team="commerce"))
        add(
            a.bucket(
                "northwind-prod-dr-backups",
                key=key,
                log_to=None,
                object_lock=True,
                lifecycle_rules=2,
            )
        )
        add(a.certificate("dr.northwind.example", expires_in_days=301))
        add(a.certificate("cdn.northwind.example", expires_in_days=160))
        add(a.log_group("/aws/vpc/flow-logs/prod-dr", retention_days=90, stored_gb=6.5))
        add(a.log_group("/aws/lambda/dr-failover", retention_days=30, stored_gb=0.1))
        add(
            a.lambda_function(
                "dr-failover",
                roles["failover"],
                env_keys=["PRIMARY_REGION", "HEALTH_URL"],
                timeout_s=300,
            )
        )
        add(
            flag(
                "cost",
                a.volume("migration-scratch", 500, volume_type="gp2", key=key, created_days=420),
                "unattached 500 GB gp2 volume",
            )
        )
        add(flag("cost", a.eip("legacy-vpn-ip"), "Elastic IP not associated with anything"))
        add(a.region_res(0))
    else:
        promo = a.load_balancer(
            "promo-alb", vpc, [alb_sg], [], deletion_protection=False, team="growth"
        )
        add(flag("cost", promo, "internet-facing ALB with zero registered targets"))
        add(
            a.log_group(
                "/aws/lambda/promo-webhook", retention_days=14, stored_gb=0.02, team="growth"
            )
        )
        add(
            a.lambda_function(
                "promo-webhook",
                roles["webhook"],
                env_keys=["CAMPAIGN_TABLE"],
                url_auth="AWS_IAM",
                team="growth",
            )
        )
        region = a.region_res(0, guardduty=False, config=False)
        add(flag("logging", region, "GuardDuty not enabled in us-east-1"))
        flag("logging", region, "AWS Config recorder not enabled in us-east-1")
    return out


def _demo_gcp(rng: random.Random, flag: _Problems) -> list[ResourceDict]:
    g = _Gcp(rng, _GCP_PROJECT, _GCP_NUMBER, "prod", "CC-2001")
    out: list[ResourceDict] = []
    add = out.append
    region = "europe-west1"
    org = _gcp_org(
        _GCP_ORG,
        _DOMAIN,
        [
            {
                "role": "roles/resourcemanager.organizationAdmin",
                "members": ["group:gcp-admins@northwind.example"],
            },
            {"role": "roles/billing.admin", "members": ["group:finance@northwind.example"]},
        ],
    )
    folder = _gcp_folder(
        _GCP_FOLDER,
        "data-platform",
        org,
        [
            {
                "role": "roles/resourcemanager.folderViewer",
                "members": ["group:data-eng@northwind.example"],
            }
        ],
    )
    out += [org, folder]
    default_email = f"{_GCP_NUMBER}-compute@developer.gserviceaccount.com"
    bindings = [
        {
            "role": "roles/owner",
            "members": ["user:olga.petrov@northwind.example"],
            "condition": None,
        },
        {"role": "roles/editor", "members": [f"serviceAccount:{default_email}"], "condition": None},
        {
            "role": "roles/bigquery.admin",
            "members": ["group:data-eng@northwind.example"],
            "condition": None,
        },
        {
            "role": "roles/container.developer",
            "members": ["group:data-eng@northwind.example"],
            "condition": None,
        },
        {
            "role": "roles/iam.securityReviewer",
            "members": ["group:security@northwind.example"],
            "condition": None,
        },
        {
            "role": "roles/viewer",
            "members": ["group:analysts@northwind.example"],
            "condition": None,
        },
    ]
    audit = [
        {
            "service": "storage.googleapis.com",
            "log_types": ["ADMIN_READ", "DATA_READ", "DATA_WRITE"],
        }
    ]
    project = g.project_res(folder, bindings, audit)
    add(project)
    flag(
        "iam",
        project,
        "primitive role roles/owner granted to user:olga.petrov@northwind.example"
        " (twin: the other roles go to groups)",
    )
    flag("iam", project, "default compute service account holds roles/editor")
    flag(
        "logging",
        project,
        "no audit config for allServices DATA_READ/DATA_WRITE (no twin: one project)",
    )

    default_net = g.network("default", auto=True)
    vpc = g.network("analytics-vpc")
    out += [default_net, vpc]
    flag("network", default_net, "the legacy auto-mode 'default' network exists")
    default_sub = g.subnetwork(
        default_net,
        "default",
        region,
        "10.132.0.0/20",
        flow_logs=False,
        private_google_access=False,
    )
    etl_sub = g.subnetwork(vpc, "etl-europe-west1", region, "10.40.0.0/20")
    gke_sub = g.subnetwork(vpc, "gke-europe-west1", region, "10.40.16.0/20")
    batch_sub = g.subnetwork(
        vpc, "batch-us-central1", "us-central1", "10.41.0.0/20", flow_logs=False
    )
    out += [default_sub, etl_sub, gke_sub, batch_sub]
    flag("logging", default_sub, "subnetwork without VPC flow logs")
    flag("logging", batch_sub, "subnetwork without VPC flow logs")

    tcp_udp_icmp = [("tcp", 0, 65535), ("udp", 0, 65535), ("icmp", None, None)]
    add(
        g.firewall(
            default_net, "default-allow-internal", tcp_udp_icmp, ["10.128.0.0/9"], priority=65534
        )
    )
    add(
        flag(
            "network",
            g.firewall(
                default_net, "default-allow-ssh", [("tcp", 22, 22)], ["0.0.0.0/0"], priority=65534
            ),
            "admits SSH (22) from 0.0.0.0/0 to every instance of the default network",
        )
    )
    add(
        g.firewall(
            default_net,
            "default-allow-rdp",
            [("tcp", 3389, 3389)],
            ["0.0.0.0/0"],
            disabled=True,
            priority=65534,
        )
    )
    add(
        g.firewall(
            default_net, "default-allow-icmp", [("icmp", None, None)], ["0.0.0.0/0"], priority=65534
        )
    )
    add(g.firewall(vpc, "allow-internal", tcp_udp_icmp, ["10.40.0.0/14"], logging=True))
    add(g.firewall(vpc, "allow-ssh-from-vpn", [("tcp", 22, 22)], ["10.8.0.0/16"], logging=True))
    add(
        g.firewall(
            vpc,
            "allow-sftp-partner",
            [("tcp", 22, 22)],
            ["198.51.100.0/24"],
            target_tags=["sftp"],
            logging=True,
        )
    )
    add(
        g.firewall(
            vpc,
            "allow-https-public",
            [("tcp", 443, 443)],
            ["0.0.0.0/0"],
            target_tags=["public-https"],
            logging=True,
        )
    )

    default_sa = g.service_account("", roles=["roles/editor"], default_compute=True)
    etl_sa = g.service_account(
        "etl-runner",
        roles=["roles/bigquery.dataEditor", "roles/storage.objectUser"],
        users=["group:data-eng@northwind.example"],
    )
    gke_sa = g.service_account(
        "gke-nodes", roles=["roles/logging.logWriter", "roles/monitoring.metricWriter"]
    )
    reports_sa = g.service_account("reports-api", roles=["roles/bigquery.dataViewer"])
    ci_sa = g.service_account(
        "ci-terraform",
        roles=["roles/compute.admin", "roles/storage.admin", "roles/iam.serviceAccountUser"],
        users=["group:platform@northwind.example"],
        team="platform",
    )
    exporter_sa = g.service_account("legacy-exporter", roles=["roles/storage.objectViewer"])
    out += [default_sa, etl_sa, gke_sa, reports_sa, ci_sa, exporter_sa]
    flag("iam", default_sa, "the Compute Engine default service account holds roles/editor")
    flag("iam", ci_sa, "CI service account holds admin roles (compute.admin, storage.admin)")
    add(
        flag(
            "iam",
            g.service_account_key(ci_sa, user_managed=True, age_days=400),
            "user-managed service account key 400 days old",
        )
    )
    add(g.service_account_key(etl_sa, user_managed=False, age_days=10))

    bq_key = g.crypto_key("analytics", "bigquery", region, rotation_days=90)
    gcs_key = g.crypto_key("analytics", "gcs", region, rotation_days=365)
    legacy_key = g.crypto_key("analytics", "legacy-exports", region, rotation_days=None)
    out += [bq_key, gcs_key, legacy_key]
    flag("encryption", gcs_key, "KMS key rotates every 365 days (more than 90)")
    flag("encryption", legacy_key, "KMS key without automatic rotation")
    add(
        g.crypto_key(
            "analytics", "release-signing", region, rotation_days=None, purpose="ASYMMETRIC_SIGN"
        )
    )

    # ------------------------------------------------------------------ compute
    etl1 = g.instance(
        "etl-1",
        f"{region}-b",
        default_sub,
        default_sa,
        scopes=[_CLOUD_PLATFORM],
        public_ip=True,
        shielded=False,
        os_login=None,
        machine_type="n2-standard-8",
        created_days=700,
    )
    add(etl1)
    flag("iam", etl1, "runs as the default compute service account with the cloud-platform scope")
    flag("network", etl1, "public IP reachable from the internet on SSH via default-allow-ssh")
    etl2 = g.instance(
        "etl-2",
        f"{region}-c",
        etl_sub,
        etl_sa,
        network_tags=["etl"],
        machine_type="n2-standard-8",
        created_days=90,
    )
    reporting = g.instance(
        "reporting-vm",
        f"{region}-b",
        etl_sub,
        etl_sa,
        network_tags=["reporting"],
        secrets=[_secret("metadata:startup-script", "Basic Auth Credentials", "ad****")],
        created_days=300,
    )
    flag("secrets", reporting, "startup-script metadata contains credentials (stored masked)")
    sftp = g.instance(
        "sftp-gateway",
        f"{region}-d",
        etl_sub,
        etl_sa,
        network_tags=["sftp"],
        public_ip=True,
        machine_type="e2-small",
        created_days=400,
    )
    flag(
        "network",
        sftp,
        "has an external IP (not reachable: its firewall admits only a partner range)",
    )
    out += [etl2, reporting, sftp]
    gke_nodes = [
        g.instance(
            f"gke-analytics-default-pool-3f9a1c2e-{suffix}",
            f"{region}-{zone}",
            gke_sub,
            gke_sa,
            scopes=[_CLOUD_PLATFORM],
            network_tags=["gke-analytics-3f9a1c2e-node"],
            gke_node=True,
            os_login=None,
            machine_type="e2-standard-8",
            created_days=25,
            labels={"goog-gke-node": "", **g.labels("data")},
        )
        for suffix, zone in (("x7k2", "b"), ("p4m9", "c"))
    ]
    out += gke_nodes
    for inst, size, dtype in (
        (etl1, 100, "pd-balanced"),
        (etl2, 100, "pd-balanced"),
        (reporting, 50, "pd-balanced"),
        (sftp, 20, "pd-standard"),
        (gke_nodes[0], 100, "pd-standard"),
        (gke_nodes[1], 100, "pd-standard"),
    ):
        add(
            g.disk(
                inst["name"],
                inst["attributes"]["zone"],
                size,
                disk_type=dtype,
                instance=inst,
                created_days=25,
            )
        )
    add(
        g.disk(
            "etl-2-data",
            f"{region}-c",
            1000,
            disk_type="pd-ssd",
            instance=etl2,
            key=bq_key,
            created_days=90,
        )
    )
    add(
        flag(
            "cost",
            g.disk(
                "etl-scratch-old",
                f"{region}-b",
                500,
                disk_type="pd-standard",
                created_days=500,
                detached_days=210,
            ),
            "unattached 500 GB persistent disk (detached 210 days ago)",
        )
    )
    add(g.address("etl-1-ip", region, etl1["attributes"]["public_ip"], in_use=True))
    add(g.address("sftp-gateway-ip", region, sftp["attributes"]["public_ip"], in_use=True))
    add(
        flag(
            "cost",
            g.address("old-ftp-ip", region, None, in_use=False),
            "static external address reserved but unused",
        )
    )
    add(g.snapshot("etl-1-boot-2026-10-30", 38.2, 2))
    add(g.snapshot("etl-1-boot-2024-09-12", 41.7, 780))

    # ------------------------------------------------------------------ data
    add(
        g.bucket(
            "northwind-analytics-logs",
            "EU",
            bindings=[
                {
                    "role": "roles/storage.objectViewer",
                    "members": ["group:security@northwind.example"],
                }
            ],
            retention_days=365,
            team="security",
        )
    )
    add(
        g.bucket(
            "northwind-analytics-raw",
            "EUROPE-WEST1",
            key=gcs_key,
            log_bucket="northwind-analytics-logs",
            bindings=[
                {
                    "role": "roles/storage.objectAdmin",
                    "members": [f"serviceAccount:{etl_sa['attributes']['email']}"],
                },
                {
                    "role": "roles/storage.objectViewer",
                    "members": ["group:data-eng@northwind.example"],
                },
            ],
        )
    )
    add(
        flag(
            "security",
            g.bucket(
                "northwind-analytics-public-reports",
                "EU",
                prevention="inherited",
                versioning=False,
                bindings=[{"role": "roles/storage.objectViewer", "members": ["allUsers"]}],
            ),
            "allUsers hold roles/storage.objectViewer (public bucket)",
        )
    )
    add(
        g.bucket(
            "northwind-analytics-tfstate",
            "EU",
            log_bucket="northwind-analytics-logs",
            team="platform",
            bindings=[
                {
                    "role": "roles/storage.admin",
                    "members": [f"serviceAccount:{ci_sa['attributes']['email']}"],
                }
            ],
        )
    )
    warehouse = g.sql_instance(
        "warehouse-pg",
        region,
        vpc,
        public_ip=True,
        authorized=["0.0.0.0/0"],
        ssl_mode="ALLOW_UNENCRYPTED_AND_ENCRYPTED",
        regional=False,
    )
    add(warehouse)
    flag("network", warehouse, "Cloud SQL authorizes 0.0.0.0/0 on its public IP")
    flag(
        "encryption",
        warehouse,
        "Cloud SQL accepts unencrypted connections (ALLOW_UNENCRYPTED_AND_ENCRYPTED)",
    )
    add(g.sql_instance("metadata-pg", region, vpc))
    add(g.dataset("warehouse", "EU", key=bq_key))
    add(
        flag(
            "encryption",
            g.dataset("marketing_exports", "EU", key=None),
            "BigQuery dataset without a customer-managed key",
        )
    )
    add(g.dataset("staging_area", "EU", key=bq_key))
    add(g.run_service("dashboard", region, reports_sa))
    add(g.secret("warehouse-db-password", rotation_days=90))
    add(g.secret("sftp-partner-key", rotation_days=180, created_days=400))
    add(g.gke_cluster("analytics", region, vpc))
    add(g.run_service("reports-api", region, reports_sa))
    add(g.function("ingest-webhook", region, etl_sa))

    # ------------------------------------------------------------------ logging and DNS
    add(
        g.sink(
            "_Required",
            f"logging.googleapis.com/projects/{_GCP_NUMBER}/locations/global/buckets/_Required",
            f"{_AUDIT_ACTIVITY} OR {_AUDIT_SYSTEM}",
            default=True,
        )
    )
    add(
        g.sink(
            "_Default",
            f"logging.googleapis.com/projects/{_GCP_NUMBER}/locations/global/buckets/_Default",
            f"NOT {_AUDIT_ACTIVITY} AND NOT {_AUDIT_SYSTEM}",
            default=True,
        )
    )
    add(
        g.sink(
            "audit-to-gcs",
            "storage.googleapis.com/northwind-analytics-logs",
            'logName:"cloudaudit.googleapis.com"',
            default=False,
        )
    )
    add(
        flag(
            "network",
            g.dns_zone("northwind-example", "northwind.example.", public=True, dnssec=False),
            "public DNS zone without DNSSEC",
        )
    )
    add(g.dns_zone("data-northwind-example", "data.northwind.example.", public=True, dnssec=True))
    add(g.dns_zone("internal", "internal.northwind.example.", public=False, dnssec=False))
    return out


# =========================================================================== generate

_RESOURCES_PER_SCOPE = 5000  # one AWS account / GCP project per ~5,000 resources
_GCP_SHARE = 0.15
_PROBLEM_RATE = {"prod": 0.04, "staging": 0.1, "dev": 0.12}
_AWS_REGIONS = {
    "eu-west-1": "euw1",
    "eu-central-1": "euc1",
    "eu-north-1": "eun1",
    "us-east-1": "use1",
    "us-east-2": "use2",
    "us-west-2": "usw2",
    "ap-southeast-1": "apse1",
    "ap-northeast-1": "apne1",
}
_GCP_ZONES = {
    "europe-west1": "bcd",
    "europe-west4": "abc",
    "us-central1": "abcf",
    "us-east1": "bcd",
    "asia-southeast1": "abc",
}
_APPS = (
    "orders", "payments", "catalog", "search", "checkout", "inventory", "shipping", "billing",
    "auth", "notify", "reports", "pricing", "returns", "tracking", "fleet", "routing",
    "customs", "invoices", "loyalty", "quotes",
)  # fmt: skip
_TEAMS = ("commerce", "payments", "logistics", "platform", "data", "identity", "growth")
_FIRST = (
    "ana", "ben", "chloe", "dmitri", "eva", "farah", "grace", "hugo", "ines", "jonas",
    "kemal", "lena", "mateo", "nia", "olga", "pablo", "quinn", "rosa", "sven", "tariq",
)  # fmt: skip
_LAST = (
    "silva", "okafor", "martin", "ivanov", "lindqvist", "haddad", "lee", "moreau", "garcia",
    "novak", "yilmaz", "schmidt", "rossi", "mensah", "petrov", "ruiz", "kelly", "costa",
)  # fmt: skip
_SECRET_KINDS = (
    ("Secret Keyword", "env:DB_PASSWORD"),
    ("AWS Access Key", "env:AWS_SECRET_ACCESS_KEY"),
    ("Basic Auth Credentials", "env:UPSTREAM_URL"),
    ("High Entropy String", "env:API_TOKEN"),
)


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


def _plan(total: int, seed: int) -> list[_Scope]:
    """Split `total` over scopes; every scope's dependencies are planned (and emitted) first."""
    rng = random.Random(f"pscan-synthetic-plan:{seed}")
    left = max(total, 0)

    def take(n: int) -> int:
        nonlocal left
        got = min(n, left)
        left -= got
        return got

    used = {_PROD, _STAGING, _TOOLING, _VENDOR}

    def account_id() -> str:  # also GCP organization and project numbers
        while True:
            candidate = str(rng.randrange(10**11, 10**12))
            if candidate not in used:
                used.add(candidate)
                return candidate

    first_account = account_id()
    org = account_id()
    scopes = [
        _Scope("managed", first_account, "global", "prod", take(len(_AWS_MANAGED_POLICIES))),
        _Scope("org", "", "global", "prod", take(1 + len(_PROBLEM_RATE)), number=org),
    ]
    gcp_total = int(left * _GCP_SHARE) if left >= 100 else 0
    aws_total = left - gcp_total
    n_accounts = max(1, round(aws_total / _RESOURCES_PER_SCOPE))
    envs = tuple(_PROBLEM_RATE)
    regions = tuple(_AWS_REGIONS)
    for i in range(n_accounts):
        budget = aws_total // n_accounts + (1 if i < aws_total % n_accounts else 0)
        account = first_account if i == 0 else account_id()
        env = envs[i % len(envs)] if i < len(envs) else envs[rng.randrange(len(envs))]
        n_regions = 1 if budget < 150 else (2 if budget < 1500 else rng.randint(2, 4))
        chosen = rng.sample(regions, n_regions)
        global_budget = min(budget, max(10, budget * 3 // 100))
        scopes.append(_Scope("account", account, "global", env, take(global_budget)))
        regional = budget - global_budget
        # The first region is the primary one (CloudTrail lives there) and gets half.
        shares = [regional // 2] + [0] * (n_regions - 1) if n_regions > 1 else [regional]
        rest = regional - shares[0]
        for j in range(1, n_regions):
            shares[j] = rest // (n_regions - 1) + (1 if j - 1 < rest % (n_regions - 1) else 0)
        for j, region in enumerate(chosen):
            scopes.append(_Scope("region", account, region, env, take(shares[j]), primary=j == 0))
    n_projects = max(1, round(gcp_total / _RESOURCES_PER_SCOPE)) if gcp_total else 0
    for i in range(n_projects):
        budget = gcp_total // n_projects + (1 if i < gcp_total % n_projects else 0)
        env = envs[rng.randrange(len(envs))]
        project = ""
        while not project or project in used:
            project = f"nw-{_APPS[rng.randrange(len(_APPS))]}-{env}-{_hex(rng, 4)}"
        used.add(project)
        scopes.append(
            _Scope(
                "project",
                project,
                "global",
                env,
                take(budget),
                number=account_id(),
                parent=_folder_number(org, env),
            )
        )
    return [s for s in scopes if s.budget > 0]


def _folder_number(org: str, env: str) -> str:
    return str(int(org) + 1 + tuple(_PROBLEM_RATE).index(env))


def _scope_stream(scope: _Scope, seed: int) -> Iterator[ResourceDict]:
    """Exactly `scope.budget` resources of one scope, from the scope's own random stream."""
    rng = random.Random(f"pscan-synthetic:{seed}:{scope.kind}:{scope.account}:{scope.region}")
    p = _PROBLEM_RATE[scope.env]
    if scope.kind == "managed":
        a = _Aws(rng, scope.account, "global", scope.env, "CC-1000")
        managed = (
            a.managed_policy(path, name, doc, rng.randint(1, 40))
            for path, name, doc in _AWS_MANAGED_POLICIES
        )
        yield from islice(managed, scope.budget)
    elif scope.kind == "org":
        yield from islice(_org_stream(scope.number), scope.budget)
    elif scope.kind == "account":
        a = _Aws(rng, scope.account, "global", scope.env, _cost_center(scope.account))
        yield from islice(_aws_account_stream(a, p), scope.budget)
    elif scope.kind == "region":
        a = _Aws(rng, scope.account, scope.region, scope.env, _cost_center(scope.account))
        in_region = 0
        for r in islice(_aws_region_stream(a, p, primary=scope.primary), scope.budget - 1):
            in_region += r["region"] == scope.region
            yield r
        yield a.region_res(
            in_region,
            guardduty=rng.random() >= p,
            config=rng.random() >= p,
            ebs_default=rng.random() >= p * 2,
        )
    else:
        g = _Gcp(rng, scope.account, scope.number, scope.env, _cost_center(scope.number))
        folder = f"//cloudresourcemanager.googleapis.com/folders/{scope.parent}"
        yield from islice(_gcp_project_stream(g, folder, p), scope.budget)


def _cost_center(account: str) -> str:
    return f"CC-{1000 + int(account) % 9000}"


def _org_stream(number: str) -> Iterator[ResourceDict]:
    org = _gcp_org(
        number,
        _DOMAIN,
        [
            {
                "role": "roles/resourcemanager.organizationAdmin",
                "members": ["group:gcp-admins@northwind.example"],
            }
        ],
    )
    yield org
    for env in _PROBLEM_RATE:
        viewers = {
            "role": "roles/resourcemanager.folderViewer",
            "members": [f"group:{env}-engineers@northwind.example"],
        }
        yield _gcp_folder(_folder_number(number, env), env, org, [viewers])


def _person(rng: random.Random, i: int) -> str:
    return f"{_FIRST[rng.randrange(len(_FIRST))]}.{_LAST[rng.randrange(len(_LAST))]}{i}"


def _masked(rng: random.Random) -> dict[str, str]:
    kind, location = _SECRET_KINDS[rng.randrange(len(_SECRET_KINDS))]
    return _secret(location, kind, rng.choice(_ALNUM) + rng.choice(_ALNUM) + "****")


def _aws_account_stream(a: _Aws, p: float) -> Iterator[ResourceDict]:
    """Account-wide resources: the account, IAM policies, groups, roles, then users forever."""
    rng = a.rng

    def bad() -> bool:
        return rng.random() < p

    yield a.account_res(
        f"northwind-{a.env}-{a.account[-4:]}",
        password_policy=_WEAK_PASSWORD_POLICY if bad() else _STRONG_PASSWORD_POLICY,
        public_access_block=not bad(),
        root_keys=bad(),
        root_mfa=not bad(),
        root_last_used_days=rng.randint(1, 400) if rng.random() < 0.3 else None,
        support_role=not bad(),
    )
    deploy = a.policy(
        "NorthwindDeploy",
        _doc(
            _allow(
                ["ecs:UpdateService", "ecs:RegisterTaskDefinition", "ecr:PutImage"],
                f"arn:aws:ecs:*:{a.account}:service/*",
            )
        ),
        2,
    )
    yield deploy
    admin_attached = bad()
    admin = a.policy("PlatformFullAccess", _doc(_allow("*", "*")), 1 if admin_attached else 0)
    yield admin
    admins = a.group("Admins", [_MANAGED["AdministratorAccess"]], rng.randint(1, 4))
    devs = a.group(
        "Developers",
        [_MANAGED["ReadOnlyAccess"], deploy["id"]] + ([admin["id"]] if admin_attached else []),
        rng.randint(5, 60),
    )
    yield admins
    yield devs
    yield a.role("ci-deploy", [_account(_TOOLING, _external_id(f"ci-{a.account}"))], [deploy["id"]])
    yield a.role(
        "vendor-monitoring",
        [_account(_VENDOR, None if bad() else _external_id(_hex(rng, 8)))],
        [_MANAGED["ReadOnlyAccess"]],
        team="security",
    )
    yield a.role(
        "support", [_account(a.account, _MFA)], [_MANAGED["AWSSupportAccess"]], last_used_days=None
    )
    for i in count(1):
        if i % 5 == 0:
            app = _APPS[rng.randrange(len(_APPS))]
            yield a.role(
                f"{app}-batch-{i}",
                [_service("lambda.amazonaws.com" if i % 2 else "ecs-tasks.amazonaws.com")],
                [_MANAGED["AWSLambdaBasicExecutionRole"]],
                created_days=rng.randint(30, 1500),
                last_used_days=rng.randint(1, 200),
                team=_TEAMS[rng.randrange(len(_TEAMS))],
            )
            continue
        human = rng.random() < 0.8
        keys: list[tuple[int, str, int | None]] = []
        if not human or rng.random() < 0.3:
            age = rng.randint(120, 700) if bad() else rng.randint(1, 85)
            keys.append((age, "Active", rng.randint(1, 30)))
        yield a.user(
            _person(rng, i) if human else f"svc-{_APPS[rng.randrange(len(_APPS))]}-{i}",
            groups=[admins if rng.random() < 0.1 else devs] if human else [],
            policies=() if human else [deploy["id"]],
            console=human,
            mfa=human and not bad(),
            keys=keys,
            created_days=rng.randint(30, 2000),
            last_login_days=rng.randint(1, 120) if human else None,
            team=_TEAMS[rng.randrange(len(_TEAMS))],
        )


class _Net(NamedTuple):
    vpc: ResourceDict
    public: list[ResourceDict]
    private: list[ResourceDict]


def _aws_region_stream(a: _Aws, p: float, *, primary: bool) -> Iterator[ResourceDict]:
    """A region: keys and log buckets, the trail (primary region), then VPCs of app stacks."""
    rng = a.rng
    code = _AWS_REGIONS[a.region]

    def bad() -> bool:
        return rng.random() < p

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
    stack = 0
    for v in count(1):
        net = yield from _aws_network(a, v, p)
        for _ in range(rng.randint(4, 7)):
            stack += 1
            yield from _aws_stack(a, stack, net, p, ebs_key, data_key, logs)


def _aws_network(a: _Aws, v: int, p: float) -> Generator[ResourceDict, None, _Net]:
    rng = a.rng
    prod = a.env == "prod"
    base = f"10.{v % 250}"
    name = f"{a.env}-vpc-{v}"
    flow_logs = rng.random() >= p
    vpc = a.vpc(name, f"{base}.0.0/16", flow_logs=flow_logs)
    azs = "abc" if prod or rng.random() < 0.4 else "ab"
    map_public = rng.random() < p
    public = [
        a.subnet(
            vpc,
            f"{name}-public-{z}",
            f"{base}.{i}.0/24",
            f"{a.region}{z}",
            public=True,
            map_public=map_public,
        )
        for i, z in enumerate(azs)
    ]
    private = [
        a.subnet(
            vpc,
            f"{name}-private-{z}",
            f"{base}.{16 * (i + 1)}.0/20",
            f"{a.region}{z}",
            public=False,
        )
        for i, z in enumerate(azs)
    ]
    yield vpc
    yield from public
    yield from private
    yield a.internet_gateway(vpc, f"{name}-igw")
    yield a.network_acl(vpc, f"{name}-default")
    if rng.random() < p:
        yield a.security_group(
            vpc,
            "default",
            "default VPC security group",
            [_group_rule("-1", None, None, _SELF)],
            default=True,
            attachments=rng.randint(1, 5),
        )
    else:
        yield a.security_group(
            vpc, "default", "default VPC security group", [], default=True, egress=(), attachments=0
        )
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


def _aws_stack(
    a: _Aws,
    k: int,
    net: _Net,
    p: float,
    ebs_key: ResourceDict,
    data_key: ResourceDict,
    logs: ResourceDict,
) -> Iterator[ResourceDict]:
    """One application stack: roles, groups, web tier behind an ALB, data, functions, leftovers."""
    rng = a.rng
    prod = a.env == "prod"
    app = _APPS[rng.randrange(len(_APPS))]
    team = _TEAMS[rng.randrange(len(_TEAMS))]
    name = f"{app}-{k:03d}"
    code = _AWS_REGIONS[a.region]
    vpc, public, private = net

    def bad() -> bool:
        return rng.random() < p

    web_role = a.role(
        f"{name}-{code}-web",
        [_service("ec2.amazonaws.com")],
        [_MANAGED["AmazonSSMManagedInstanceCore"], _MANAGED["CloudWatchAgentServerPolicy"]],
        created_days=rng.randint(30, 1200),
        team=team,
    )
    fn_role = a.role(
        f"{name}-{code}-fn",
        [_service("lambda.amazonaws.com")],
        [_MANAGED["AWSLambdaBasicExecutionRole"]],
        created_days=rng.randint(30, 1200),
        last_used_days=rng.randint(1, 10),
        team=team,
    )
    yield web_role
    yield fn_role

    alb_sg = a.security_group(
        vpc,
        f"{name}-alb",
        f"{app} public load balancer",
        [
            _cidr_rule("tcp", 443, 443, "0.0.0.0/0", "HTTPS"),
            _cidr_rule("tcp", 80, 80, "0.0.0.0/0", "HTTP"),
        ],
        team=team,
    )
    web_in = [_group_rule("tcp", 8080, 8080, alb_sg, "from ALB")]
    if bad():
        port = 22 if rng.random() < 0.7 else 3389
        web_in.append(_cidr_rule("tcp", port, port, "0.0.0.0/0", "temporary debug access"))
    web_sg = a.security_group(
        vpc, f"{name}-web", f"{app} web tier", web_in, attachments=4, team=team
    )
    db_public = bad()
    db_in = [_group_rule("tcp", 5432, 5432, web_sg, "from web tier")]
    if db_public:
        db_in.append(_cidr_rule("tcp", 5432, 5432, "0.0.0.0/0", "analyst access"))
    db_sg = a.security_group(vpc, f"{name}-db", f"{app} database", db_in, team=team)
    yield alb_sg
    yield web_sg
    yield db_sg

    bucket_problem = rng.randrange(4) if bad() else -1
    yield a.bucket(
        f"nw-{a.account}-{code}-{name}-assets",
        block_public=None if bucket_problem == 2 else bucket_problem < 0,
        public_by_policy=bucket_problem == 0,
        public_by_acl=bucket_problem == 1,
        secure_transport=bucket_problem != 3,
        key=data_key if rng.random() < 0.5 else None,
        log_to=logs,
        versioning="Enabled" if rng.random() < 0.7 else None,
        created_days=rng.randint(10, 1800),
        team=team,
    )

    webs: list[ResourceDict] = []
    single_az = bad()
    itype = ("t3.medium", "m6i.large", "m6i.xlarge", "c6i.large", "r6i.large")
    for i in range(rng.randint(2, 4)):
        subnet = private[0] if single_az else private[i % len(private)]
        secrets = [_masked(rng)] if bad() else []
        inst = a.instance(
            f"{name}-web-{i + 1}",
            subnet,
            [web_sg],
            role=web_role,
            instance_type=itype[rng.randrange(len(itype))],
            imds_tokens="optional" if bad() else "required",
            secrets=secrets,
            launch_days=rng.randint(1, 400),
            team=team,
        )
        webs.append(inst)
        yield inst
        yield a.volume(
            f"{name}-web-{i + 1}-root",
            rng.choice((20, 30, 50)),
            volume_type="gp2" if bad() else "gp3",
            instance=inst,
            key=ebs_key,
            encrypted=not bad(),
            created_days=rng.randint(1, 400),
            team=team,
        )
        if rng.random() < 0.3:
            yield a.volume(
                f"{name}-web-{i + 1}-data",
                rng.choice((100, 200, 500)),
                instance=inst,
                key=ebs_key,
                encrypted=not bad(),
                created_days=rng.randint(1, 400),
                team=team,
            )
    size = len(webs)
    yield a.autoscaling_group(
        f"{name}-web", private[:1] if single_az else private, (size, size * 3, size), team=team
    )
    yield a.load_balancer(
        f"{name}-alb",
        vpc,
        [alb_sg],
        [] if bad() else webs,
        https=not bad(),
        waf=rng.random() < 0.6,
        access_logs=not bad(),
        deletion_protection=prod,
        team=team,
    )
    if rng.random() < 0.15:
        bastion_sg = a.security_group(
            vpc,
            f"{name}-bastion",
            "SSH for operators",
            [_cidr_rule("tcp", 22, 22, "0.0.0.0/0" if bad() else "10.200.0.0/16", "SSH")],
            team=team,
        )
        bastion = a.instance(
            f"{name}-bastion",
            public[0],
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
            key=ebs_key,
            created_days=rng.randint(30, 900),
            team=team,
        )
        yield a.eip(f"{name}-bastion-ip", instance=bastion)

    if rng.random() < 0.6:
        yield a.rds_instance(
            f"{name}-db",
            vpc,
            [db_sg],
            key=data_key,
            encrypted=not bad(),
            public=db_public,
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
                f"{name}-db-manual-{k}",
                created_days=rng.randint(1, 900),
                encrypted=not bad(),
                team=team,
            )
    if rng.random() < 0.4:
        yield a.dynamodb_table(
            f"{name}-state", pitr=not bad(), sse="KMS" if rng.random() < 0.5 else None, team=team
        )

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
            fn_role,
            runtime=("python3.12", "python3.11", "nodejs20.x", "java21")[rng.randrange(4)],
            memory_mb=rng.choice((128, 256, 512, 1024)),
            timeout_s=rng.choice((3, 30, 60, 300)),
            env_keys=["LOG_LEVEL", "TABLE_NAME", "DB_PASSWORD" if leaked else "DB_SECRET_ARN"],
            secrets=[_masked(rng)] if leaked else [],
            subnets=private[:2] if rng.random() < 0.3 else (),
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
            key=data_key,
            team=team,
        )
    if rng.random() < 0.5:
        days = rng.randint(1, 29) if bad() else rng.randint(45, 390)
        yield a.certificate(f"{name}.{a.env}.northwind.example", expires_in_days=days, team=team)
    if rng.random() < 0.5:
        queue_key = data_key if rng.random() < 0.5 else None
        yield a.sqs_queue(f"{name}-events", key=queue_key, team=team)
        yield a.sqs_queue(f"{name}-events-dlq", key=queue_key, team=team)
    # Daily backups of the web tier's data: snapshots outnumber volumes in most estates.
    snap_gb = rng.choice((30, 100, 200))
    for day in range(1, rng.randint(4, 16)):
        yield a.snapshot(f"{name}-daily-{day}", snap_gb, created_days=day, team=team)
    if bad():
        for s in range(rng.randint(1, 3)):
            yield a.snapshot(
                f"{name}-pre-migration-{s + 1}",
                snap_gb,
                created_days=rng.randint(700, 1100),
                team=team,
            )
    if bad():
        yield a.volume(
            f"{name}-scratch",
            rng.choice((500, 1000)),
            volume_type="gp2",
            key=ebs_key,
            created_days=rng.randint(90, 900),
            team=team,
        )
    if bad():
        yield a.eip(f"{name}-spare-ip")


def _gcp_project_stream(g: _Gcp, folder: str, p: float) -> Iterator[ResourceDict]:
    """A GCP project: the project, networks, shared keys and sinks, then app stacks forever."""
    rng = g.rng
    region = tuple(_GCP_ZONES)[rng.randrange(len(_GCP_ZONES))]
    zones = _GCP_ZONES[region]

    def bad() -> bool:
        return rng.random() < p

    default_email = f"{g.number}-compute@developer.gserviceaccount.com"
    owner = (
        f"user:{_person(rng, 0)}@northwind.example"
        if bad()
        else "group:platform-admins@northwind.example"
    )
    bindings = [
        {"role": "roles/owner", "members": [owner], "condition": None},
        {"role": "roles/editor", "members": [f"serviceAccount:{default_email}"], "condition": None},
        {
            "role": "roles/viewer",
            "members": [f"group:{g.env}-engineers@northwind.example"],
            "condition": None,
        },
    ]
    full_audit = [
        {"service": "allServices", "log_types": ["ADMIN_READ", "DATA_READ", "DATA_WRITE"]}
    ]
    yield g.project_res({"id": folder}, bindings, [] if bad() else full_audit, os_login=not bad())
    has_default = rng.random() < p * 4
    vpc = g.network(f"{g.env}-vpc")
    yield vpc
    default_net = default_sub = None
    if has_default:
        default_net = g.network("default", auto=True)
        default_sub = g.subnetwork(default_net, "default", region, "10.132.0.0/20", flow_logs=False)
        yield default_net
        yield default_sub
        yield g.firewall(
            default_net, "default-allow-ssh", [("tcp", 22, 22)], ["0.0.0.0/0"], priority=65534
        )
        yield g.firewall(
            default_net,
            "default-allow-internal",
            [("tcp", 0, 65535), ("udp", 0, 65535)],
            ["10.128.0.0/9"],
            priority=65534,
        )
    yield g.firewall(
        vpc, "allow-internal", [("tcp", 0, 65535), ("udp", 0, 65535)], ["10.0.0.0/8"], logging=True
    )
    yield g.firewall(
        vpc,
        "allow-https-public",
        [("tcp", 443, 443)],
        ["0.0.0.0/0"],
        target_tags=["public-https"],
        logging=True,
    )
    default_sa = g.service_account("", roles=["roles/editor"], default_compute=True)
    yield default_sa
    yield g.sink(
        "_Required",
        f"logging.googleapis.com/projects/{g.number}/locations/global/buckets/_Required",
        'LOG_ID("cloudaudit.googleapis.com/activity")',
        default=True,
    )
    yield g.sink(
        "_Default",
        f"logging.googleapis.com/projects/{g.number}/locations/global/buckets/_Default",
        'NOT LOG_ID("cloudaudit.googleapis.com/activity")',
        default=True,
    )
    key = g.crypto_key(
        "main", "data", region, rotation_days=rng.choice((180, 365, None)) if bad() else 90
    )
    yield key
    for k in count(1):
        app = _APPS[rng.randrange(len(_APPS))]
        team = _TEAMS[rng.randrange(len(_TEAMS))]
        name = f"{app}-{k:03d}"
        subnet = g.subnetwork(
            vpc, name, region, f"10.{k % 250}.{(k // 250) % 16 * 16}.0/20", flow_logs=not bad()
        )
        sa = g.service_account(
            f"{name}-runner",
            roles=["roles/logging.logWriter", "roles/storage.objectViewer"],
            users=[f"group:{team}@northwind.example"],
            team=team,
        )
        yield subnet
        yield sa
        if rng.random() < 0.3:
            old = bad()
            yield g.service_account_key(
                sa, user_managed=True, age_days=rng.randint(120, 900) if old else rng.randint(1, 80)
            )
        for i in range(rng.randint(1, 3)):
            zone = f"{region}-{zones[rng.randrange(len(zones))]}"
            exposed = bad()
            on_default = exposed and default_sub is not None
            inst = g.instance(
                f"{name}-{i + 1}",
                zone,
                default_sub if on_default and default_sub is not None else subnet,
                default_sa if exposed else sa,
                scopes=[_CLOUD_PLATFORM] if exposed else _NARROW_SCOPES,
                public_ip=exposed or rng.random() < 0.05,
                network_tags=["public-https"] if exposed and not on_default else [app],
                secrets=[
                    _secret(
                        "metadata:startup-script", "Secret Keyword", rng.choice(_ALNUM) + "x****"
                    )
                ]
                if bad()
                else [],
                shielded=not bad(),
                machine_type=("e2-standard-2", "e2-standard-4", "n2-standard-8")[rng.randrange(3)],
                created_days=rng.randint(1, 900),
                team=team,
            )
            yield inst
            yield g.disk(
                inst["name"],
                zone,
                rng.choice((20, 50, 100)),
                instance=inst,
                created_days=rng.randint(1, 900),
                team=team,
            )
        if bad():
            zone = f"{region}-{zones[0]}"
            yield g.disk(
                f"{name}-old-data",
                zone,
                rng.choice((200, 500)),
                disk_type="pd-standard",
                created_days=rng.randint(300, 900),
                detached_days=rng.randint(60, 290),
                team=team,
            )
        if bad():
            yield g.address(f"{name}-spare-ip", region, None, in_use=False)
        public = bad()
        yield g.bucket(
            f"{g.project}-{name}",
            region if rng.random() < 0.7 else "EU",
            bindings=[
                {
                    "role": "roles/storage.objectViewer",
                    "members": ["allUsers"]
                    if public
                    else [f"serviceAccount:{sa['attributes']['email']}"],
                }
            ],
            prevention=None if public else "enforced",
            key=key if rng.random() < 0.4 else None,
            versioning=rng.random() < 0.6,
            team=team,
        )
        if rng.random() < 0.4:
            open_sql = bad()
            yield g.sql_instance(
                f"{name}-pg",
                region,
                vpc,
                public_ip=open_sql,
                authorized=["0.0.0.0/0"] if open_sql else [],
                ssl_mode="ALLOW_UNENCRYPTED_AND_ENCRYPTED" if bad() else "ENCRYPTED_ONLY",
                regional=g.env == "prod",
                team=team,
            )
        if rng.random() < 0.5:
            yield g.run_service(f"{name}-api", region, sa)
        if rng.random() < 0.3:
            yield g.dataset(name.replace("-", "_"), region, key=key if rng.random() < 0.5 else None)
        if rng.random() < 0.4:
            yield g.secret(f"{name}-db-password", rotation_days=None if bad() else 90)
        if k % 8 == 0:
            yield g.dns_zone(
                f"{name}-zone", f"{name}.{g.env}.northwind.example.", public=True, dnssec=not bad()
            )
        for day in range(1, rng.randint(1, 8)):
            yield g.snapshot(f"{name}-daily-{day}", rng.uniform(5, 80), day)
        if rng.random() < 0.3:
            yield g.snapshot(
                f"{name}-boot-{k}",
                rng.uniform(5, 80),
                rng.randint(700, 1000) if bad() else rng.randint(1, 30),
            )
