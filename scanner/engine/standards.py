"""The checks of the architecture standards rules (`<provider>_standards_*`).

Each check reads one section of the team's standards (`scanner.standards`) from its
rule's `params`, which the gate fills from the standards declaration. Empty params mean
the standard is not declared: `declared` is False and the engine does not run the rule
(not applicable), so a scan without standards is unchanged. Values a Terraform plan
knows only after apply make a check undecided, never failed.

Tiers and technology names come from `scanner.catalog.tiers`; "publicly addressed" from
`scanner.policy.network`; subnet publicness (`has_internet_route`) from the graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from scanner.catalog import TYPES
from scanner.catalog.tiers import REQUEST_TIERS, placement, tier_of
from scanner.engine.python_rules import Hit, Pass, Undecided, Verdict, graph_rule, resource_rule
from scanner.engine.spec import RuleSpec
from scanner.graph import ResourceGraph
from scanner.model import is_unknown
from scanner.policy.network import is_publicly_addressed
from scanner.standards import DatabaseStandard, matches_any, tag_allows, version_at_least

__all__ = [
    "DATABASE_TYPES",
    "ENTRY_TYPES",
    "INSTANCE_TYPE_ATTRIBUTE",
    "REQUEST_TYPES",
    "AllowedParams",
    "EnforcedParams",
    "EnginesParams",
    "TagsParams",
    "compute_not_public",
    "database_engine",
    "database_private_ip",
    "database_private_subnet",
    "declared",
    "engine_version",
    "entry_behind_waf",
    "instance_type",
    "region",
    "required_tags",
    "service",
]

# Types on a request's path (edge, compute, messaging, data): what services, regions and
# required tags are judged on.
REQUEST_TYPES = tuple(sorted(t for t in TYPES if tier_of(t) in REQUEST_TIERS))
# The attribute holding each type's size: instance type, class, machine type or tier.
INSTANCE_TYPE_ATTRIBUTE = {
    "aws.ec2.instance": "instance_type",
    "aws.autoscaling.group": "instance_type",
    "aws.rds.instance": "instance_class",
    "gcp.compute.instance": "machine_type",
    "gcp.container.node_pool": "machine_type",
    "gcp.sql.instance": "tier",
}
DATABASE_TYPES = ("aws.rds.instance", "aws.rds.cluster", "gcp.sql.instance")
ENTRY_TYPES = (
    "aws.elbv2.load_balancer",
    "aws.cloudfront.distribution",
    "aws.apigateway.rest_api",
    "gcp.compute.backend_service",
)
_NOT_REGIONAL = frozenset({"", "global"})
_EXTERNAL_SCHEMES = frozenset({"EXTERNAL", "EXTERNAL_MANAGED"})


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AllowedParams(_Params):
    """Allowed values (globs); empty: not declared."""

    allowed: list[str] = []


class EnginesParams(_Params):
    """Allowed database engines and their lowest versions; empty: not declared."""

    engines: list[DatabaseStandard] = []


class TagsParams(_Params):
    """Required tag keys -> allowed values or a regex; empty: not declared."""

    tags: dict[str, list[str] | str] = {}


class EnforcedParams(_Params):
    """A network pattern, on or off."""

    enforced: bool = False


def declared(params: Mapping[str, Any]) -> bool:
    """True when the params declare a standard (some value is not empty or off)."""
    return any(bool(v) for v in params.values())


def _allowed(spec: RuleSpec) -> list[str]:
    return AllowedParams.model_validate(spec.params).allowed


def _unknown(what: str) -> Undecided:
    return Undecided(reason=f"{what} is known only after apply")


# ---------------------------------------------------------------------- where and what
@resource_rule
def region(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Verdict]:
    """The resource's region is one of the allowed ones (global resources pass)."""
    where = str(resource.get("region") or "")
    if where.lower() in _NOT_REGIONAL:
        return
    if is_unknown(where):
        yield _unknown("the region")
    elif not matches_any(where, _allowed(spec)):
        yield Hit(evidence={"region": where, "allowed": _allowed(spec)})


@resource_rule
def service(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Verdict]:
    """The resource's type (glob) or technology (name) is an allowed service."""
    rtype = str(resource["type"])
    technology = placement(rtype).technology
    allowed = _allowed(spec)
    if matches_any(rtype, allowed) or technology.lower() in {a.lower() for a in allowed}:
        return
    yield Hit(evidence={"type": rtype, "technology": technology, "allowed": allowed})


@resource_rule
def instance_type(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Verdict]:
    """The instance type, class, machine type or tier matches an allowed glob."""
    attribute = INSTANCE_TYPE_ATTRIBUTE[str(resource["type"])]
    value = (resource.get("attributes") or {}).get(attribute)
    if is_unknown(value):
        yield _unknown(attribute)
        return
    if not isinstance(value, str) or not value:
        return  # nothing sized (e.g. an Aurora cluster member's class comes from elsewhere)
    size = value.rsplit("/", 1)[-1]  # GCE: zones/z/machineTypes/e2-medium
    if not matches_any(size, _allowed(spec)):
        yield Hit(evidence={attribute: size, "allowed": _allowed(spec)})


# ---------------------------------------------------------------------- databases
def engine_version(resource: Mapping[str, Any]) -> tuple[Any, Any]:
    """(engine, version) of a database: RDS `engine`/`engine_version`; Cloud SQL
    `database_version` (POSTGRES_15 -> postgres, 15; MYSQL_8_0_31 -> mysql, 8.0.31)."""
    attrs = resource.get("attributes") or {}
    if resource.get("type") != "gcp.sql.instance":
        return attrs.get("engine"), attrs.get("engine_version")
    version = attrs.get("database_version")
    if not isinstance(version, str) or is_unknown(version):
        return version, version
    name, _, rest = version.partition("_")
    numbers = ".".join(re.findall(r"\d+", rest))
    return name.lower(), numbers or None


@resource_rule
def database_engine(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Verdict]:
    """The engine is allowed and its version at least the standard's minimum."""
    engines = EnginesParams.model_validate(spec.params).engines
    engine, version = engine_version(resource)
    if is_unknown(engine) or is_unknown(version):
        yield _unknown("the engine or its version")
        return
    if not isinstance(engine, str) or not engine:
        yield Undecided(reason="the database engine was not collected")
        return
    matching = [e for e in engines if matches_any(engine, [e.engine])]
    evidence = {"engine": engine, "engine_version": version}
    if not matching:
        yield Hit(evidence={**evidence, "allowed": [e.engine for e in engines]})
        return
    minimums = [e.min_version for e in matching]
    if None in minimums:
        return
    if not isinstance(version, str) or not version:
        yield Undecided(reason=f"the version of {engine} was not collected")
    elif not any(version_at_least(version, str(m)) for m in minimums):
        yield Hit(evidence={**evidence, "min_version": min(minimums, key=str)})


@graph_rule
def database_private_subnet(graph: ResourceGraph, spec: RuleSpec) -> Iterator[Verdict]:
    """AWS: no subnet of a database (its subnet group) has a route to the internet."""
    for rid in graph.nodes_of_type(spec.resource_types):
        subnets = graph.neighbours(rid, "in_subnet")
        if not subnets:
            yield Undecided(rid, "the database's subnets are not known")
            continue
        routes = {s: graph.node(s).get("attributes", {}).get("has_internet_route") for s in subnets}
        public = sorted(graph.node(s).get("name") or s for s, r in routes.items() if r is True)
        if public:
            yield Hit(rid, evidence={"public_subnets": public})
        elif any(r is not False for r in routes.values()):
            yield Undecided(rid, "whether its subnets route to the internet is not known")
        else:
            yield Pass(rid)


@resource_rule
def database_private_ip(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Verdict]:
    """GCP: a Cloud SQL instance has no public IP (private network only)."""
    public = (resource.get("attributes") or {}).get("public_ip_enabled")
    if is_unknown(public):
        yield _unknown("public_ip_enabled")
    elif public is True:
        yield Hit(evidence={"public_ip_enabled": True})


# ---------------------------------------------------------------------- the edge
def _entry(rtype: str, attrs: Mapping[str, Any]) -> tuple[bool | None, dict[str, Any]]:
    """(faces the internet? None: not known yet, the WAF attributes that decide it)."""
    if rtype == "aws.elbv2.load_balancer":
        if attrs.get("lb_type") not in ("application", None):
            return False, {}  # network and gateway load balancers take no WAF
        entry = None if is_unknown(attrs.get("scheme")) else is_publicly_addressed(attrs)
        return entry, {"waf_web_acl_arn": attrs.get("waf_web_acl_arn")}
    if rtype == "aws.cloudfront.distribution":
        return attrs.get("enabled") is not False, {"web_acl_id": attrs.get("web_acl_id")}
    if rtype == "aws.apigateway.rest_api":
        stages = attrs.get("stages")
        if is_unknown(stages):
            return None, {}
        acls = {
            str(s.get("name")): s.get("web_acl_arn") for s in stages or () if isinstance(s, Mapping)
        }
        return attrs.get("is_private") is not True and bool(acls), acls
    scheme = attrs.get("load_balancing_scheme")
    entry = None if is_unknown(scheme) else scheme in _EXTERNAL_SCHEMES
    return entry, {"security_policy": attrs.get("security_policy")}


@resource_rule
def entry_behind_waf(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Verdict]:
    """An internet-facing entry (ALB, CloudFront, API Gateway stages, external GCP backend
    service) has a WAF web ACL (Cloud Armor policy)."""
    entry, acls = _entry(str(resource["type"]), resource.get("attributes") or {})
    if entry is None:
        yield _unknown("whether it faces the internet")
    elif not entry:
        return
    elif any(is_unknown(v) for v in acls.values()):
        yield _unknown("its WAF association")
    elif not all(acls.values()):
        yield Hit(evidence={"without_waf": sorted(k for k, v in acls.items() if not v)})


@resource_rule
def compute_not_public(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Verdict]:
    """An instance has no public IP address: the internet reaches compute through the edge."""
    attrs = resource.get("attributes") or {}
    if is_unknown(attrs.get("public_ip")):
        yield _unknown("public_ip")
    elif is_publicly_addressed(attrs):
        yield Hit(evidence={"public_ip": attrs.get("public_ip")})


@resource_rule
def required_tags(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Verdict]:
    """Every required tag (label) is present with an allowed value."""
    wanted = TagsParams.model_validate(spec.params).tags
    tags = {str(k): str(v) for k, v in (resource.get("tags") or {}).items()}
    problems = [f"{k} missing" for k in sorted(wanted) if k not in tags]
    problems += [
        f"{k}={tags[k]!r} not allowed"
        for k, rule in sorted(wanted.items())
        if k in tags and not tag_allows(rule, tags[k])
    ]
    if problems:
        yield Hit(evidence={"problems": problems})
