"""Limits and their usage, one aws.servicequotas.quota per limit, account and region.

Two sources, both free to call:

- Service Quotas, for the service codes whose limits bound capacity (`SERVICE_CODES`):
  `ListServiceQuotas` (the applied values) merged with `ListAWSDefaultServiceQuotas`,
  because the applied list omits every quota still at its default. Only quotas with a
  `UsageMetric` are kept (their usage can be read), and always the EC2 vCPU quota
  `L-1216C47A` that capacity rules join on. With `--metrics`, usage is the latest daily
  value of the quota's CloudWatch usage metric at its recommended statistic; without, it
  is null. The limit is the applied value, else the default; null when the applied list
  could not be read (a raised quota would otherwise look lower than it is).
- The services' own limit APIs, which carry usage for free: EC2 `DescribeAccountAttributes`
  (with Elastic IPs counted from `DescribeAddresses`), RDS `DescribeAccountAttributes`,
  DynamoDB `DescribeLimits` (used stays null: summing provisioned units would cost a
  DescribeTable per table, and each table's units are on aws.dynamodb.table already)
  and Lambda `GetAccountSettings` (peak ConcurrentExecutions from AWS/Lambda with
  `--metrics`).

The quota usage queries go through `metrics.daily_values`, batched and counted with the
utilisation metrics.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws import metrics
from scanner.collectors.aws.context import Scope, ServiceContext, expected_errors, missing_as
from scanner.collectors.usage import used_percent
from scanner.model import Resource

__all__ = [
    "LAMBDA_UNRESERVED_MINIMUM",
    "SERVICE_CODES",
    "VCPU_QUOTA",
    "collect",
    "fetch",
    "quota_arn",
    "to_resources",
]

# Service Quotas codes whose limits matter for capacity (a code a region does not offer
# answers NoSuchResourceException and is skipped).
SERVICE_CODES = (
    "ec2",
    "vpc",
    "ebs",
    "elasticloadbalancing",
    "rds",
    "lambda",
    "dynamodb",
    "autoscaling",
    "ecs",
    "eks",
    "elasticache",
    "sqs",
)
VCPU_QUOTA = "L-1216C47A"  # EC2 Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances
# Lambda keeps this much of the account's concurrency unreserved (GetAccountSettings docs).
LAMBDA_UNRESERVED_MINIMUM = 100
_NO_SUCH = ("NoSuchResourceException",)
_EC2_NAMES = {
    "max-instances": "Maximum On-Demand instances (EC2 account attribute)",
    "max-elastic-ips": "Elastic IP addresses for EC2-Classic",
    "vpc-max-elastic-ips": "Elastic IP addresses for use in a VPC",
    "vpc-max-security-groups-per-interface": "Security groups per network interface",
}
_EIP_DOMAINS = {"vpc-max-elastic-ips": "vpc", "max-elastic-ips": "standard"}


def quota_arn(scope: Scope, service_code: str, quota_code: str) -> str:
    """The id of a quota: arn:<partition>:servicequotas:<region>:<account>:<service>/<code>."""
    return scope.arn("servicequotas", f"{service_code}/{quota_code}")


# ---------------------------------------------------------------------- fetch
def _service_quotas(ctx: ServiceContext) -> dict[str, dict[str, Any]]:
    """service code -> {applied, defaults}: lists, or None when unreadable.

    After the first recorded failure of a listing (denied, not served) it is not asked
    again for the other codes: one error per region, not twelve.
    """
    client = ctx.client("service-quotas")
    broken: set[str] = set()
    out: dict[str, dict[str, Any]] = {}
    for code in SERVICE_CODES:
        entry: dict[str, Any] = {}
        for key, operation in (
            ("defaults", "list_aws_default_service_quotas"),
            ("applied", "list_service_quotas"),
        ):
            if operation in broken:
                entry[key] = None
                continue
            before = len(ctx.errors)
            entry[key] = ctx.attempt(
                missing_as,
                _NO_SUCH,
                [],
                ctx.paginate,
                client,
                operation,
                "Quotas",
                ServiceCode=code,
            )
            if len(ctx.errors) > before:
                broken.add(operation)
        out[code] = entry
    return out


def _usage_queries(raw: Mapping[str, Any]) -> dict[str, metrics.Query]:
    """quota key (service/code) -> the CloudWatch query its usage is read with."""
    queries: dict[str, metrics.Query] = {}
    for code, quota in _merged(raw).items():
        usage = quota.get("UsageMetric") or {}
        if usage.get("MetricNamespace") and usage.get("MetricName"):
            queries[code] = metrics.Query(
                str(usage["MetricNamespace"]),
                str(usage["MetricName"]),
                # in the order given: CloudWatch ignores it, moto's matcher does not
                tuple((str(k), str(v)) for k, v in (usage.get("MetricDimensions") or {}).items()),
                str(usage.get("MetricStatisticRecommendation") or "Maximum"),
            )
    if raw.get("lambda_settings") is not None:
        queries["lambda/ConcurrentExecutions"] = metrics.Query(
            "AWS/Lambda", "ConcurrentExecutions", (), "Maximum"
        )
    return queries


def _read_usage(ctx: ServiceContext, raw: Mapping[str, Any]) -> dict[str, float | None]:
    """quota key -> used: the latest daily value (peak over the window for Lambda)."""
    queries = _usage_queries(raw)
    keys = list(queries)
    series = metrics.daily_values(ctx, [queries[k] for k in keys])
    used: dict[str, float | None] = {}
    for key, values in zip(keys, series, strict=True):
        if not values:
            used[key] = None
        elif key == "lambda/ConcurrentExecutions":
            used[key] = max(v for _, v in values)
        else:
            used[key] = values[-1][1]
    return used


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw quotas and limit-API answers of the region; a key is None when its call failed."""
    ec2, rds = ctx.client("ec2"), ctx.client("rds")
    raw: dict[str, Any] = {"service_quotas": _service_quotas(ctx)}
    attributes = ctx.attempt(ec2.describe_account_attributes)
    raw["ec2_attributes"] = None if attributes is None else attributes.get("AccountAttributes")
    raw["ec2_addresses"] = ctx.attempt(ctx.paginate, ec2, "describe_addresses", "Addresses")
    raw["rds_quotas"] = None
    with expected_errors(ctx, "DescribeAccountAttributes"):  # names it for a garbled answer
        raw["rds_quotas"] = rds.describe_account_attributes().get("AccountQuotas") or []
    raw["lambda_settings"] = ctx.attempt(ctx.client("lambda").get_account_settings)
    raw["dynamodb_limits"] = ctx.attempt(ctx.client("dynamodb").describe_limits)
    if ctx.metrics is not None:
        raw["usage"] = _read_usage(ctx, raw)
    return raw


# ---------------------------------------------------------------------- normalise
def _merged(raw: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """service/quota code -> the Service Quotas entry to keep, with `_default` and `_applied`."""
    out: dict[str, dict[str, Any]] = {}
    for code, lists in (raw.get("service_quotas") or {}).items():
        applied_list = lists.get("applied")
        defaults = {str(q["QuotaCode"]): q for q in lists.get("defaults") or []}
        applied = {str(q["QuotaCode"]): q for q in applied_list or []}
        for quota_code in sorted(set(defaults) | set(applied)):
            default, value = defaults.get(quota_code), applied.get(quota_code)
            base = dict(value or default or {})
            base.setdefault("UsageMetric", (default or {}).get("UsageMetric"))
            if not base.get("UsageMetric") and quota_code != VCPU_QUOTA:
                continue
            base["_default"] = None if default is None else default.get("Value")
            if value is not None:
                base["_limit"] = value.get("Value")
            else:  # at its default, unless the applied list could not be read
                base["_limit"] = base["_default"] if applied_list is not None else None
            out[f"{code}/{quota_code}"] = base
    return out


def _unit(quota: Mapping[str, Any]) -> str:
    dimensions = (quota.get("UsageMetric") or {}).get("MetricDimensions") or {}
    if quota.get("QuotaCode") == VCPU_QUOTA or dimensions.get("Resource") == "vCPU":
        return "vCPU"
    unit = quota.get("Unit")
    return "Count" if unit in (None, "", "None") else str(unit)


def _quota(
    scope: Scope,
    key: str,
    name: str,
    limit: Any,
    used: Any,
    unit: str,
    source: str,
    **more: Any,
) -> Resource:
    service_code, quota_code = key.split("/", 1)
    numbers = [
        v if isinstance(v, int | float) and not isinstance(v, bool) else None for v in (used, limit)
    ]
    percent = used_percent(numbers[0], numbers[1])
    attributes = {
        "service_code": service_code,
        "quota_code": quota_code,
        "quota_name": name,
        "limit": limit,
        "used": used,
        "used_percent": percent,
        "unit": unit,
        "default_limit": more.get("default_limit"),
        "adjustable": more.get("adjustable"),
        "global_quota": bool(more.get("global_quota")),
        "source": source,
    }
    return scope.resource(
        quota_arn(scope, service_code, quota_code),
        "aws.servicequotas.quota",
        name,
        attributes,
        raw=more.get("raw"),
    )


def _from_service_quotas(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    usage: Mapping[str, Any] = raw.get("usage") or {}
    out = []
    for key, quota in _merged(raw).items():
        payload = {k: v for k, v in quota.items() if not k.startswith("_")}
        out.append(
            _quota(
                scope,
                key,
                str(quota.get("QuotaName") or key),
                quota["_limit"],
                usage.get(key),
                _unit(quota),
                "servicequotas",
                default_limit=quota["_default"],
                adjustable=quota.get("Adjustable"),
                global_quota=quota.get("GlobalQuota"),
                raw=payload,
            )
        )
    return out


def _from_ec2(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    addresses = raw.get("ec2_addresses")
    out = []
    for attribute in raw.get("ec2_attributes") or []:
        name = str(attribute.get("AttributeName"))
        values = [v.get("AttributeValue") for v in attribute.get("AttributeValues") or []]
        if len(values) != 1 or not str(values[0]).isdigit():
            continue  # supported-platforms, default-vpc: not limits
        used = None
        if name in _EIP_DOMAINS and addresses is not None:
            used = sum(1 for a in addresses if a.get("Domain", "vpc") == _EIP_DOMAINS[name])
        label = _EC2_NAMES.get(name, name)
        out.append(_quota(scope, f"ec2/{name}", label, int(values[0]), used, "Count", "ec2"))
    return out


def _from_rds(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    return [
        _quota(
            scope,
            f"rds/{q['AccountQuotaName']}",
            str(q["AccountQuotaName"]),
            q.get("Max"),
            q.get("Used"),
            "Bytes" if q["AccountQuotaName"] == "AllocatedStorage" else "Count",
            "rds",
        )
        for q in raw.get("rds_quotas") or []
        if q.get("AccountQuotaName")
    ]


def _from_lambda(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    settings = raw.get("lambda_settings")
    if settings is None:
        return []
    limit = settings.get("AccountLimit") or {}
    usage = settings.get("AccountUsage") or {}
    concurrency = limit.get("ConcurrentExecutions")
    unreserved = limit.get("UnreservedConcurrentExecutions")
    reserved_limit = reserved_used = None
    if isinstance(concurrency, int):
        reserved_limit = max(concurrency - LAMBDA_UNRESERVED_MINIMUM, 0)
        if isinstance(unreserved, int):
            reserved_used = concurrency - unreserved
    peak = (raw.get("usage") or {}).get("lambda/ConcurrentExecutions")
    return [
        _quota(
            scope,
            "lambda/ConcurrentExecutions",
            "Concurrent executions",
            concurrency,
            peak,
            "Count",
            "lambda",
        ),
        _quota(
            scope,
            "lambda/ReservedConcurrentExecutions",
            "Reserved concurrent executions (the account's concurrency less the 100 kept"
            " unreserved)",
            reserved_limit,
            reserved_used,
            "Count",
            "lambda",
        ),
        _quota(
            scope,
            "lambda/TotalCodeSize",
            "Total code size of functions and layers",
            limit.get("TotalCodeSize"),
            usage.get("TotalCodeSize"),
            "Bytes",
            "lambda",
        ),
    ]


def _from_dynamodb(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    limits = raw.get("dynamodb_limits")
    if limits is None:
        return []
    return [
        _quota(scope, f"dynamodb/{code}", label, limits.get(code), None, unit, "dynamodb")
        for code, label, unit in (
            ("AccountMaxReadCapacityUnits", "Account read capacity units (provisioned)", "RCU"),
            ("AccountMaxWriteCapacityUnits", "Account write capacity units (provisioned)", "WCU"),
        )
        if limits.get(code) is not None
    ]


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.servicequotas.quota per limit the region's answers carry."""
    out = _from_service_quotas(raw, scope)
    out += _from_ec2(raw, scope)
    out += _from_rds(raw, scope)
    out += _from_lambda(raw, scope)
    out += _from_dynamodb(raw, scope)
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's quotas and limits."""
    return to_resources(fetch(ctx), ctx.scope)


def _number(value: Any) -> float | None:
    """A number from an API answer (bools and missing values are not)."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
