"""Capacity and utilisation checks: quotas, metric thresholds, used fractions of limits.

Every capacity rule is YAML that names one of these shared checks (registered in
`scanner.engine.shared`) and gives its thresholds as `params:`, so a team can move a
threshold without writing code. Each check reads values the collectors stored:

- quotas (`aws.servicequotas.quota`, `gcp.compute.quota`): `limit`, `used`, `used_percent`;
- utilisation (`usage`, docs/capacity.md): metric -> {average, p95, max, days}, summaries
  of the metric's daily values over the window;
- limits and sizes in attributes (provisioned capacity, max sizes, timeouts).

Verdicts are three-valued. A rule that needs a metric or a value the snapshot does not
hold (metrics not collected: `usage` null; a metric with no data: `days` 0; fewer days
than the rule asks for; a limit the collector could not read) says `Undecided` with
the reason, never `Pass`: a snapshot taken without `--metrics` shows no capacity as fine.

Messages quote the figures through the `Hit` evidence, e.g. `{evidence.value}`,
`{evidence.limit}`, `{evidence.percent}`; numbers are rounded for reading.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from scanner.engine.python_rules import Hit, Pass, Undecided, Verdict, graph_rule, resource_rule
from scanner.graph import ResourceGraph
from scanner.model import is_unknown
from scanner.policy import capacity as facts

if TYPE_CHECKING:
    from scanner.engine.spec import RuleSpec

__all__ = [
    "AsgAtMaxParams",
    "AsgQuotaParams",
    "DbConnectionsParams",
    "DownsizeParams",
    "MetricParams",
    "NotCollected",
    "QuotaParams",
    "RatioParams",
    "UsedFractionParams",
    "asg_at_max",
    "asg_vcpu_quota",
    "db_connections",
    "downsize",
    "metric_ratio",
    "metric_threshold",
    "metric_value",
    "number",
    "quota",
    "used_fraction",
]

Stat = Literal["average", "p95", "max"]


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


P = TypeVar("P", bound=BaseModel)

# Parsed params per rule: a check runs once per resource, and validating the same dict
# with pydantic every time costs more than the check. Keyed by the dict's identity; the
# entry holds the dict, so the id cannot be reused while it is cached.
_PARSED: dict[int, tuple[object, BaseModel]] = {}


def _params(model: type[P], spec: RuleSpec) -> P:
    """The rule's `params` as the check's model, validated once per params dict."""
    raw = spec.params
    cached = _PARSED.get(id(raw))
    if cached is not None and cached[0] is raw and isinstance(cached[1], model):
        return cached[1]
    parsed = model.model_validate(raw)
    _PARSED[id(raw)] = (raw, parsed)
    return parsed


def number(value: float) -> float | int:
    """A figure for a message: whole numbers without decimals, others to 1 (or 2) places."""
    if float(value).is_integer():
        return int(value)
    return round(value, 2 if abs(value) < 10 else 1)


def _percent(part: float, whole: float) -> float:
    return part / whole * 100


class NotCollected(Exception):
    """A value the verdict needs is not in the snapshot; the message is the reason."""


def _attrs(resource: Mapping[str, Any]) -> Mapping[str, Any]:
    attrs: Mapping[str, Any] = resource.get("attributes") or {}
    return attrs


def _numeric(attrs: Mapping[str, Any], key: str) -> float:
    value = attrs.get(key)
    if value is None or is_unknown(value):
        how = "is known only after apply" if is_unknown(value) else "was not collected"
        msg = f"{key} {how}"
        raise NotCollected(msg)
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{key} is not a number ({value!r})"
        raise NotCollected(msg)
    return float(value)


def metric_value(
    attrs: Mapping[str, Any], metric: str, stat: Stat, min_days: int = 1
) -> tuple[float, int]:
    """(value, days) of one statistic of a collected metric.

    Raises NotCollected (the reason) when usage was not collected, the metric is absent or
    had no data, or it has fewer than `min_days` days of data.
    """
    usage = attrs.get("usage")
    if usage is None or is_unknown(usage) or not isinstance(usage, Mapping):
        msg = "usage metrics were not collected (collect with --metrics)"
        raise NotCollected(msg)
    summary = usage.get(metric)
    if not isinstance(summary, Mapping):
        msg = f"metric {metric} was not collected"
        raise NotCollected(msg)
    days = summary.get("days") or 0
    value = summary.get(stat)
    if not days or value is None:
        msg = f"metric {metric} had no data in the window"
        raise NotCollected(msg)
    if days < min_days:
        msg = f"metric {metric} has {days} days of data, fewer than {min_days}"
        raise NotCollected(msg)
    return float(value), int(days)


def _judge(
    resource: Mapping[str, Any], decide: Callable[[Mapping[str, Any]], Verdict]
) -> Iterator[Verdict]:
    """Run `decide(attrs)`; a NotCollected value becomes Undecided with its reason."""
    try:
        verdict = decide(_attrs(resource))
    except NotCollected as missing:
        yield Undecided(reason=str(missing))
        return
    yield verdict


def _crosses(value: float, above: float | None, below: float | None) -> bool:
    if above is not None:
        return value > above
    return below is not None and value < below


class _Threshold(_Params):
    """Exactly one of `above` / `below`."""

    above: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _one_side(self) -> _Threshold:
        if (self.above is None) == (self.below is None):
            msg = "give exactly one of above, below"
            raise ValueError(msg)
        return self

    @property
    def threshold(self) -> float:
        """The bound that is set."""
        value = self.above if self.above is not None else self.below
        assert value is not None  # the validator requires one of them
        return value


# ----------------------------------------------------------------------------- quotas
class QuotaParams(_Params):
    """`capacity.quota`: fail a quota whose use is at or above `at_least_percent`."""

    at_least_percent: float = Field(gt=0)
    below_percent: float | None = Field(
        default=None, description="leave higher use to a stricter rule (severity ladder)"
    )
    quota_codes: list[str] | None = Field(
        default=None,
        description="only these quotas: AWS `<service_code>/<quota_code>`, GCP metric names",
    )


def _quota_key(attrs: Mapping[str, Any]) -> str:
    if attrs.get("metric"):
        return str(attrs["metric"])
    return f"{attrs.get('service_code')}/{attrs.get('quota_code')}"


def _quota_verdict(attrs: Mapping[str, Any], params: QuotaParams) -> Verdict:
    limit = _numeric(attrs, "limit")
    used = _numeric(attrs, "used")
    if limit <= 0:
        if used > 0:
            msg = f"limit is {number(limit)} while {number(used)} is in use"
            raise NotCollected(msg)
        return Pass()
    percent = _percent(used, limit)
    if percent < params.at_least_percent:
        return Pass()
    if params.below_percent is not None and percent >= params.below_percent:
        return Pass()  # the stricter rule reports it
    return Hit(
        evidence={
            "quota": _quota_key(attrs),
            "quota_name": attrs.get("quota_name") or attrs.get("metric"),
            "limit": number(limit),
            "used": number(used),
            "percent": number(round(percent, 1)),
            "threshold": number(params.at_least_percent),
            "unit": attrs.get("unit") or "",
        }
    )


@resource_rule
def quota(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Verdict]:
    """Shared check `capacity.quota`: used / limit at or above a percentage."""
    params = _params(QuotaParams, spec)
    attrs = _attrs(resource)
    if params.quota_codes is not None and _quota_key(attrs) not in params.quota_codes:
        return
    yield from _judge(resource, lambda a: _quota_verdict(a, params))


# ----------------------------------------------------------------------------- metrics
class MetricParams(_Threshold):
    """`capacity.metric_threshold`: a statistic of a metric above or below a threshold.

    With several `metrics`, the first that crosses fails the resource. `no_data: zero`
    reads a metric with no data points as 0, for event counts that CloudWatch records
    only when something happened (throttles); `usage` null is still undecided.
    """

    metrics: list[str] = Field(min_length=1)
    stat: Stat
    min_days: int = Field(default=1, ge=1)
    no_data: Literal["undecided", "zero"] = "undecided"


def _has_no_data(attrs: Mapping[str, Any], metric: str) -> bool:
    """True when metrics were collected but this one had no data point in the window."""
    usage = attrs.get("usage")
    if not isinstance(usage, Mapping):
        return False
    summary = usage.get(metric)
    return summary is None or (isinstance(summary, Mapping) and not summary.get("days"))


def _metric_verdict(attrs: Mapping[str, Any], params: MetricParams) -> Verdict:
    missing: list[str] = []
    for metric in params.metrics:
        if params.no_data == "zero" and _has_no_data(attrs, metric):
            value, days = 0.0, 0
        else:
            try:
                value, days = metric_value(attrs, metric, params.stat, params.min_days)
            except NotCollected as gap:
                missing.append(str(gap))
                continue
        if _crosses(value, params.above, params.below):
            return Hit(
                evidence={
                    "metric": metric,
                    "stat": params.stat,
                    "value": number(value),
                    "threshold": number(params.threshold),
                    "days": days,
                }
            )
    if missing:
        msg = "; ".join(dict.fromkeys(missing))
        raise NotCollected(msg)
    return Pass()


@resource_rule
def metric_threshold(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Verdict]:
    """Shared check `capacity.metric_threshold`."""
    params = _params(MetricParams, spec)
    yield from _judge(resource, lambda a: _metric_verdict(a, params))


class RatioParams(_Params):
    """`capacity.metric_ratio`: sum of `numerator` metrics over `denominator`, in percent."""

    numerator: list[str] = Field(min_length=1)
    denominator: str
    stat: Stat = "average"
    above_percent: float = Field(ge=0)
    min_denominator: float = Field(default=1, ge=0, description="ignore quieter resources")
    min_days: int = Field(default=1, ge=1)


def _ratio_verdict(attrs: Mapping[str, Any], params: RatioParams) -> Verdict:
    total, days = metric_value(attrs, params.denominator, params.stat, params.min_days)
    if total < params.min_denominator or total <= 0:
        return Pass()
    part = 0.0
    for metric in params.numerator:
        if _has_no_data(attrs, metric):
            continue  # error counts have no data point when nothing failed
        part += metric_value(attrs, metric, params.stat)[0]
    percent = _percent(part, total)
    if percent <= params.above_percent:
        return Pass()
    return Hit(
        evidence={
            "part": number(part),
            "total": number(total),
            "percent": number(round(percent, 2)),
            "threshold": number(params.above_percent),
            "days": days,
        }
    )


@resource_rule
def metric_ratio(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Verdict]:
    """Shared check `capacity.metric_ratio` (e.g. 5xx responses per request)."""
    params = _params(RatioParams, spec)
    yield from _judge(resource, lambda a: _ratio_verdict(a, params))


# ----------------------------------------------------------------------------- limits
class UsedFractionParams(_Params):
    """`capacity.used_fraction`: a used value as a percentage of a limit.

    The value is a metric statistic (`metric` + `stat`) or an attribute (`attribute`),
    times `value_scale` (to put it in the limit's unit: 0.001 for ms -> s). The limit is
    the product of the `limit` attributes (`[max_node_count, zone_count]`), or
    `default_limit` when one of them is null. Fails at or above `at_least_percent`, or
    below `below_percent`.
    """

    metric: str | None = None
    stat: Stat | None = None
    attribute: str | None = None
    value_scale: float = Field(default=1, gt=0)
    limit: list[str] = Field(min_length=1)
    default_limit: float | None = None
    at_least_percent: float | None = None
    below_percent: float | None = None
    min_days: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _consistent(self) -> UsedFractionParams:
        if (self.metric is None) == (self.attribute is None):
            msg = "give exactly one of metric (with stat) or attribute"
            raise ValueError(msg)
        if self.metric is not None and self.stat is None:
            msg = "metric needs a stat (average, p95 or max)"
            raise ValueError(msg)
        if (self.at_least_percent is None) == (self.below_percent is None):
            msg = "give exactly one of at_least_percent, below_percent"
            raise ValueError(msg)
        return self


def _limit(attrs: Mapping[str, Any], params: UsedFractionParams) -> float:
    product = 1.0
    for key in params.limit:
        try:
            product *= _numeric(attrs, key)
        except NotCollected:
            if params.default_limit is None:
                raise
            return params.default_limit
    return product


def _used_verdict(attrs: Mapping[str, Any], params: UsedFractionParams) -> Verdict:
    days = None
    if params.metric is not None and params.stat is not None:
        value, days = metric_value(attrs, params.metric, params.stat, params.min_days)
    else:
        value = _numeric(attrs, str(params.attribute))
    value *= params.value_scale
    limit = _limit(attrs, params)
    if limit <= 0:
        return Pass()  # nothing provisioned or allowed: nothing to run out of
    percent = _percent(value, limit)
    if params.at_least_percent is not None:
        failed = percent >= params.at_least_percent
        threshold = params.at_least_percent
    else:
        threshold = float(params.below_percent or 0)
        failed = percent < threshold
    if not failed:
        return Pass()
    evidence: dict[str, Any] = {
        "value": number(value),
        "limit": number(limit),
        "percent": number(round(percent, 1)),
        "threshold": number(threshold),
    }
    if days is not None:
        evidence["days"] = days
    return Hit(evidence=evidence)


@resource_rule
def used_fraction(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Verdict]:
    """Shared check `capacity.used_fraction`."""
    params = _params(UsedFractionParams, spec)
    yield from _judge(resource, lambda a: _used_verdict(a, params))


# ----------------------------------------------------------------------------- databases
class DbConnectionsParams(_Params):
    """`capacity.db_connections`: peak connections against the engine's or tier's limit."""

    at_least_percent: float = Field(gt=0)
    stat: Stat = "max"


def _connection_limit(resource: Mapping[str, Any], attrs: Mapping[str, Any]) -> tuple[int, str]:
    """The connection limit of an RDS or Cloud SQL instance and where it comes from."""
    if resource.get("type") == "gcp.sql.instance":
        flags = attrs.get("database_flags") or {}
        flag = flags.get("max_connections") if isinstance(flags, Mapping) else None
        if flag is not None and str(flag).isdigit():
            return int(flag), "the max_connections flag"
        version, tier = attrs.get("database_version"), attrs.get("tier")
        limit = facts.cloudsql_max_connections(version, tier)
        what = f"{version} on tier {tier}"
    else:
        engine, klass = attrs.get("engine"), attrs.get("instance_class")
        limit = facts.rds_default_max_connections(engine, klass)
        what = f"{engine} on {klass}"
    if limit is None:
        msg = f"no known default connection limit for {what}"
        raise NotCollected(msg)
    return limit, f"the default for {what}"


def _connections_verdict(
    resource: Mapping[str, Any], attrs: Mapping[str, Any], params: DbConnectionsParams
) -> Verdict:
    limit, source = _connection_limit(resource, attrs)
    peak, days = metric_value(attrs, "connections", params.stat)
    percent = _percent(peak, limit)
    if percent < params.at_least_percent:
        return Pass()
    return Hit(
        evidence={
            "value": number(peak),
            "limit": limit,
            "limit_source": source,
            "percent": number(round(percent, 1)),
            "threshold": number(params.at_least_percent),
            "days": days,
        }
    )


@resource_rule
def db_connections(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Verdict]:
    """Shared check `capacity.db_connections` (RDS instances, Cloud SQL instances)."""
    params = _params(DbConnectionsParams, spec)
    yield from _judge(resource, lambda a: _connections_verdict(resource, a, params))


# ----------------------------------------------------------------------------- right-sizing
class DownsizeParams(_Params):
    """`capacity.downsize`: a metric low enough that one size smaller would do."""

    metric: str
    stat: Stat
    below: float
    idle_below: float | None = Field(
        default=None, description="values under this are left to the idle rule"
    )
    min_days: int = Field(default=7, ge=1)


def _downsize_verdict(attrs: Mapping[str, Any], params: DownsizeParams) -> Verdict:
    smaller = facts.next_size_down(attrs.get("instance_type") or attrs.get("instance_class"))
    if smaller is None:
        return Pass()  # the smallest size of its family, or a size without an exact half
    value, days = metric_value(attrs, params.metric, params.stat, params.min_days)
    if value >= params.below or (params.idle_below is not None and value < params.idle_below):
        return Pass()
    return Hit(
        evidence={
            "metric": params.metric,
            "value": number(value),
            "threshold": number(params.below),
            "days": days,
            "smaller_type": smaller,
        }
    )


@resource_rule
def downsize(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Verdict]:
    """Shared check `capacity.downsize` (one size down in the same family)."""
    params = _params(DownsizeParams, spec)
    yield from _judge(resource, lambda a: _downsize_verdict(a, params))


# ----------------------------------------------------------------------------- auto scaling
class AsgAtMaxParams(_Params):
    """`capacity.asg_at_max`: desired capacity at the maximum (and, optionally, still hot).

    A group whose minimum equals its maximum is a fixed-size group and passes. With
    `cpu_above`, the group fails only when the `cpu_stat` of its CPU is above it too.
    """

    cpu_above: float | None = None
    cpu_stat: Stat = "p95"
    min_days: int = Field(default=1, ge=1)


def _asg_verdict(attrs: Mapping[str, Any], params: AsgAtMaxParams) -> Verdict:
    desired = _numeric(attrs, "desired_capacity")
    maximum = _numeric(attrs, "max_size")
    minimum = _numeric(attrs, "min_size")
    if minimum >= maximum or desired < maximum:
        return Pass()
    evidence: dict[str, Any] = {"desired": number(desired), "max": number(maximum)}
    if params.cpu_above is not None:
        cpu, days = metric_value(attrs, "cpu_percent", params.cpu_stat, params.min_days)
        if cpu <= params.cpu_above:
            return Pass()
        evidence |= {"cpu": number(cpu), "threshold": number(params.cpu_above), "days": days}
    return Hit(evidence=evidence)


@resource_rule
def asg_at_max(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Verdict]:
    """Shared check `capacity.asg_at_max`."""
    params = _params(AsgAtMaxParams, spec)
    yield from _judge(resource, lambda a: _asg_verdict(a, params))


class AsgQuotaParams(_Params):
    """`capacity.asg_vcpu_quota`: the vCPUs a group needs to reach its maximum must fit.

    Fails when (max_size - desired_capacity) x vcpus_per_instance exceeds the free part
    of the account-region's on-demand vCPU quota for the group's instance family, less
    `reserve_percent` of the limit kept back for other workloads.
    """

    reserve_percent: float = Field(default=0, ge=0, lt=100)


def _quota_index(graph: ResourceGraph) -> dict[tuple[str, str, str], str]:
    """(account, region, quota_code) -> EC2 quota node."""
    index: dict[tuple[str, str, str], str] = {}
    for node_id in graph.nodes_of_type(["aws.servicequotas.quota"]):
        node = graph.node(node_id)
        attrs = node.get("attributes") or {}
        if attrs.get("service_code") == "ec2":
            key = (str(node.get("account")), str(node.get("region")), str(attrs.get("quota_code")))
            index[key] = node_id
    return index


def _asg_quota_verdict(
    graph: ResourceGraph,
    group: str,
    quotas: Mapping[tuple[str, str, str], str],
    params: AsgQuotaParams,
) -> Verdict:
    node = graph.node(group)
    attrs = node.get("attributes") or {}
    try:
        growth = _numeric(attrs, "max_size") - _numeric(attrs, "desired_capacity")
        if growth <= 0:
            return Pass(group)
        instance_type = attrs.get("instance_type")
        if not instance_type or is_unknown(instance_type):
            msg = "instance type was not collected (mixed instances policy?)"
            raise NotCollected(msg)
        code = facts.ec2_vcpu_quota_code(str(instance_type))
        if code is None:
            msg = f"no known vCPU quota for instance type {instance_type}"
            raise NotCollected(msg)
        vcpus = _numeric(attrs, "vcpus_per_instance")
        quota_id = quotas.get((str(node.get("account")), str(node.get("region")), code))
        if quota_id is None:
            where = f"{node.get('account')}/{node.get('region')}"
            msg = f"EC2 quota {code} of {where} was not collected"
            raise NotCollected(msg)
        quota_attrs = graph.node(quota_id).get("attributes") or {}
        limit, used = _numeric(quota_attrs, "limit"), _numeric(quota_attrs, "used")
    except NotCollected as missing:
        return Undecided(group, str(missing))
    needed = growth * vcpus
    free = limit - used - limit * params.reserve_percent / 100
    if needed <= free:
        return Pass(group)
    return Hit(
        resource_id=group,
        evidence={
            "quota": code,
            "needed_vcpus": number(needed),
            "free_vcpus": number(max(free, 0)),
            "limit": number(limit),
            "used": number(used),
            "instance_type": instance_type,
        },
        path=[group, quota_id],
    )


@graph_rule
def asg_vcpu_quota(graph: ResourceGraph, spec: RuleSpec) -> Iterator[Verdict]:
    """Shared check `capacity.asg_vcpu_quota`: one verdict per Auto Scaling group."""
    params = _params(AsgQuotaParams, spec)
    quotas = _quota_index(graph)
    for group in graph.nodes_of_type(spec.resource_types):
        yield _asg_quota_verdict(graph, group, quotas, params)
