"""Pydantic models shared by every stage: resources, snapshots, rules and findings.

These are the contracts between stages. A snapshot line is a `Resource`; a snapshot
directory has a `SnapshotManifest`; a rule file is checked against `RuleMeta` (and the
engine's `RuleSpec`); `pscan scan` writes a `FindingsDocument`.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "FINDINGS_SCHEMA_VERSION",
    "PARTIAL_PREFIX",
    "SNAPSHOT_SCHEMA_VERSION",
    "UNKNOWN",
    "CapacityConstraint",
    "CapacityGroup",
    "CapacityReport",
    "Category",
    "CheckovRun",
    "CheckovSkip",
    "CollectionError",
    "ComplianceRef",
    "ControlResult",
    "CostLine",
    "CostReport",
    "CurrencyCost",
    "ExposurePath",
    "Finding",
    "FindingStatus",
    "FindingsDocument",
    "FixedFinding",
    "ForecastReport",
    "ForecastTier",
    "FrameworkResult",
    "GateSummary",
    "Location",
    "MonthCost",
    "PartitionInfo",
    "Relation",
    "Remediation",
    "Resource",
    "ResourceCost",
    "ResourceRef",
    "RuleMeta",
    "RuleStats",
    "Severity",
    "SnapshotManifest",
    "SnapshotSummary",
    "SpendInfo",
    "SpendRecord",
    "Suppression",
    "SuppressionReport",
    "UndecidedResult",
    "fingerprint",
    "is_partial",
    "is_unknown",
    "trusted",
    "utcnow",
]

SNAPSHOT_SCHEMA_VERSION = "1"
FINDINGS_SCHEMA_VERSION = "1"

# The value of an attribute a Terraform plan knows only after apply (`after_unknown`).
# Rules never fail on it: a condition leaf that reads it is undecided (docs/rule-language.md).
UNKNOWN = "(known after apply)"


def is_unknown(value: object) -> bool:
    """True for the UNKNOWN marker of a value known only after `terraform apply`."""
    return isinstance(value, str) and value == UNKNOWN


# Ids of the partial resources a Terraform plan makes for a parent outside the plan (a rule
# added to an existing security group): `ref:<type>:<key>`. Only what the plan adds to them
# is known; the Terraform reader (scanner/collectors/terraform/) writes them.
PARTIAL_PREFIX = "ref:"


def is_partial(resource_id: str) -> bool:
    """True for a resource a Terraform plan holds only in part: the rest of it is unknown."""
    return resource_id.startswith(PARTIAL_PREFIX)


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


class Severity(enum.StrEnum):
    """How bad a finding is; ordered from most to least severe."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """4 for critical down to 0 for info, so `a.rank >= b.rank` reads as "at least as bad"."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


class Category(enum.StrEnum):
    """What area of the platform a rule is about."""

    SECURITY = "security"
    IAM = "iam"
    SECRETS = "secrets"
    NETWORK = "network"
    LOGGING = "logging"
    ENCRYPTION = "encryption"
    RESILIENCE = "resilience"
    COST = "cost"
    CAPACITY = "capacity"
    ARCHITECTURE = "architecture"
    CICD = "cicd"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Relation(_Strict):
    """A typed edge from one resource to another resource or a synthetic node.

    `target` is another resource's id, `internet`, or a principal id such as
    `principal:aws:account:123456789012` or `principal:gcp:allUsers`.
    """

    type: str = Field(description="edge type, e.g. in_subnet, protected_by, can_assume")
    target: str = Field(description="id of the resource or synthetic node this edge points to")
    properties: dict[str, Any] = Field(
        default_factory=dict, description="edge facts, e.g. ports of an allows_from edge"
    )


class Resource(_Strict):
    """One resource in the normal form shared by live collectors and Terraform plans."""

    id: str = Field(description="globally unique id: ARN, CAI full name or tf://address")
    type: str = Field(description="dotted normal type, e.g. aws.s3.bucket")
    provider: Literal["aws", "gcp"]
    account: str = Field(default="", description="AWS account id or GCP project id")
    region: str = Field(default="global")
    name: str = ""
    tags: dict[str, str] = Field(default_factory=dict)
    attributes: dict[str, Any] = Field(default_factory=dict)
    relations: list[Relation] = Field(default_factory=list)
    raw: dict[str, Any] | None = Field(default=None, description="original API payload")


class CollectionError(_Strict):
    """A collection step that failed; recorded in the manifest, the run went on."""

    provider: str
    account: str = ""
    region: str = ""
    service: str
    operation: str = ""
    code: str = Field(default="", description="e.g. AccessDenied, OptInRequired, Throttling")
    message: str


class PartitionInfo(_Strict):
    """One resources-*.jsonl.gz file of a snapshot."""

    file: str
    resources: int
    sha256: str = ""


SpendDimension = Literal["account", "service", "region", "product"]


class SpendRecord(_Strict):
    """One amount of actual or forecast spend, as billed (a snapshot's `spend.jsonl.gz`).

    Spend is read in groupings: Cost Explorer answers at most two group-bys per call, so
    an AWS month arrives once by (service, account), once by region, once by product
    tag, ...; each grouping alone adds up to the month's total. `grouped_by` names the
    grouping a record belongs to; the dimensions not in it are null. `product` is the
    product tag's value, "" for spend without the tag (in a grouping by product).
    Amounts are exact decimals (JSON strings), never summed across currencies.
    """

    provider: Literal["aws", "gcp"]
    source: str = Field(description="aws-cost-explorer, gcp-billing-bigquery, gcp-billing-file")
    kind: Literal["actual", "forecast"] = "actual"
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    partial: bool = Field(default=False, description="the month is not over (month to date)")
    grouped_by: list[SpendDimension] = Field(description="sorted; [] for the month's total")
    account: str | None = Field(default=None, description="AWS account id / GCP project id")
    service: str | None = None
    region: str | None = None
    product: str | None = Field(default=None, description="product tag value; '' untagged")
    metric: Literal["unblended", "amortized", "cost", "credits"] = Field(
        description="AWS: UnblendedCost, AmortizedCost; GCP: cost before credits, credits"
        " (negative); GCP net spend is cost + credits"
    )
    amount: Decimal
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class SpendInfo(_Strict):
    """The spend part of a snapshot: where it came from and what reading it cost."""

    file: str = "spend.jsonl.gz"
    records: int = 0
    sha256: str = ""
    sources: list[str] = Field(default_factory=list)
    api_calls: int = Field(default=0, description="billed calls made (Cost Explorer: $0.01 each)")


class MetricsInfo(_Strict):
    """What a collection with `--metrics` asked the metric APIs for (they are billed)."""

    window_days: int = Field(ge=1, description="days of daily values summarised per metric")
    queries: int = Field(default=0, ge=0, description="metric queries made (one per series)")
    api_calls: int = Field(
        default=0, ge=0, description="metric API calls made (GetMetricData, timeSeries.list)"
    )


class SnapshotManifest(_Strict):
    """manifest.json of a snapshot directory."""

    schema_version: str = SNAPSHOT_SCHEMA_VERSION
    tool_version: str
    created_at: datetime = Field(default_factory=utcnow)
    source: str = Field(default="", description="what produced it: aws, gcp, terraform, demo, ...")
    scopes: list[str] = Field(default_factory=list, description="accounts/projects/regions")
    partitions: list[PartitionInfo] = Field(default_factory=list)
    errors: list[CollectionError] = Field(default_factory=list)
    metrics: MetricsInfo | None = Field(
        default=None, description="set when usage metrics were collected (`--metrics`)"
    )
    spend: SpendInfo | None = Field(
        default=None, description="set when actual spend was collected (`--cost`, billing data)"
    )

    @field_validator("created_at")
    @classmethod
    def _zoned(cls, value: datetime) -> datetime:
        """A time written without a zone is UTC, as rule conditions read such times; ages
        measured from it would otherwise fail (naive minus aware) on every resource."""
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    @property
    def resource_count(self) -> int:
        """Total resources over every partition."""
        return sum(p.resources for p in self.partitions)


class Remediation(_Strict):
    """How to fix a finding: prose, and where they exist a Terraform snippet and a CLI command."""

    summary: str
    terraform: str = ""
    cli: str = ""


class RuleMeta(_Strict):
    """What every rule tells about itself, whatever language its logic is written in."""

    id: str
    title: str
    severity: Severity
    category: Category
    provider: Literal["aws", "gcp"]
    resource_types: list[str]
    description: str
    risk: str
    remediation: Remediation
    references: list[str] = Field(default_factory=list)


class ResourceRef(_Strict):
    """The resource a finding is about."""

    id: str
    type: str
    name: str = ""
    provider: str = ""
    account: str = ""
    region: str = ""
    tags: dict[str, str] = Field(default_factory=dict, description="AWS tags / GCP labels")

    @classmethod
    def of(cls, resource: Mapping[str, Any]) -> ResourceRef:
        """A snapshot resource (dict form) as a reference, without its tags."""
        return trusted(
            cls,
            id=str(resource.get("id", "")),
            type=str(resource.get("type", "")),
            name=str(resource.get("name") or ""),
            provider=str(resource.get("provider") or ""),
            account=str(resource.get("account") or ""),
            region=str(resource.get("region") or ""),
            tags={},
        )


class ComplianceRef(_Strict):
    """One framework control a rule helps decide."""

    framework: str
    control: str
    title: str = ""


class Location(_Strict):
    """A place in a source file, for IaC findings."""

    file: str
    start_line: int = 0
    end_line: int = 0


class Suppression(_Strict):
    """Why a finding does not count for the gate although the resource breaks the rule."""

    kind: Literal["config", "inline"] = Field(
        description="config: a suppression in .pscan.yaml; inline: a `pscan:ignore` comment"
    )
    reason: str
    owner: str = ""
    expires: date | None = None
    source: str = Field(default="", description="file (and line) the suppression is written in")


class FindingStatus(enum.StrEnum):
    """`fail`: the resource breaks the rule. `error`: the rule could not be evaluated."""

    FAIL = "fail"
    ERROR = "error"


class Finding(_Strict):
    """One rule broken by one resource."""

    fingerprint: str = Field(description="stable id of rule + resource, for baselines and diffs")
    rule_id: str
    title: str
    severity: Severity
    category: Category
    status: FindingStatus = FindingStatus.FAIL
    resource: ResourceRef
    message: str
    evidence: dict[str, Any] = Field(default_factory=dict)
    remediation: Remediation
    compliance: list[ComplianceRef] = Field(default_factory=list)
    path: list[str] = Field(default_factory=list, description="graph path, for path findings")
    monthly_cost_usd: float | None = Field(default=None, description="estimated waste per month")
    location: Location | None = None
    source: str = Field(default="pscan", description="which engine produced it")
    references: list[str] = Field(default_factory=list)
    suppression: Suppression | None = Field(
        default=None, description="set when a suppression or inline ignore covers the finding"
    )
    is_new: bool | None = Field(
        default=None,
        description="true: not in the baseline / introduced by the plan; false: already there;"
        " null: no baseline or live estate to compare with",
    )


_M = TypeVar("_M", bound=BaseModel)
_FIELDS_SET: dict[type[BaseModel], set[str]] = {}  # shared: every field is always set


def trusted(cls: type[_M], values: dict[str, Any] | None = None, /, **named: Any) -> _M:
    """`model_construct` for trusted values naming every field (else TypeError), without its
    walk over the class and with one fields-set shared by the instances of `cls`: a scan
    builds hundreds of thousands of findings, and this takes a third of the time and memory.
    The values come by name, or as a dict (`values`), which becomes the model's own."""
    values = named if values is None else values
    fields_set = _FIELDS_SET.get(cls) or _FIELDS_SET.setdefault(cls, set(cls.model_fields))
    if values.keys() != fields_set:
        missing = sorted(fields_set.symmetric_difference(values))
        msg = f"{cls.__name__}: every field must be given once (differs in {missing})"
        raise TypeError(msg)
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    object.__setattr__(model, "__pydantic_fields_set__", fields_set)
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


def fingerprint(rule_id: str, resource_id: str) -> str:
    """Stable fingerprint of a finding: same rule and resource give the same value forever."""
    return hashlib.sha256(f"{rule_id}\x00{resource_id}".encode()).hexdigest()[:32]


class UndecidedResult(_Strict):
    """A resource a rule could not judge, and why."""

    rule_id: str
    resource_id: str
    reason: str = Field(description="what the rule could not see, e.g. data not collected")


class RuleStats(_Strict):
    """How a rule fared over the scanned resources."""

    evaluated: int = Field(default=0, description="resources judged: passed or failed")
    failed: int = 0
    errors: int = 0
    undecided: int = Field(
        default=0,
        description="resources not judged: a value the rule reads is known only after apply,"
        " or data it needs was not collected",
    )
    undecided_examples: list[UndecidedResult] = Field(
        default_factory=list, description="the first few undecided resources and why"
    )


class ControlResult(_Strict):
    """The verdict on one framework control.

    `not_judged`: the control's rules judged no resource and left some undecided (data
    they need was not collected, or is known only after apply): never `passed`.
    """

    id: str
    title: str
    section: str = ""
    automated: bool = True
    status: Literal[
        "passed", "failed", "error", "not_judged", "manual", "not_covered", "not_applicable"
    ]
    rules: list[str] = Field(default_factory=list)
    failed_findings: int = 0
    undecided: int = Field(default=0, description="resources its rules left undecided")
    undecided_examples: list[UndecidedResult] = Field(
        default_factory=list, description="the first few undecided resources and why"
    )


class FrameworkResult(_Strict):
    """A framework's controls with their verdicts."""

    id: str
    title: str
    version: str
    controls: list[ControlResult]

    def counts(self) -> dict[str, int]:
        """Number of controls per status."""
        out: dict[str, int] = {}
        for control in self.controls:
            out[control.status] = out.get(control.status, 0) + 1
        return out


class SnapshotSummary(_Strict):
    """What the findings were computed from."""

    path: str
    source: str = ""
    created_at: datetime | None = None
    resources: int = 0
    scopes: list[str] = Field(default_factory=list)


class FixedFinding(_Strict):
    """A finding of the baseline or the live estate that is gone after the change."""

    fingerprint: str
    rule_id: str
    title: str = ""
    severity: Severity
    resource: ResourceRef


class ExposurePath(_Strict):
    """A resource the change makes reachable from the internet, and how."""

    resource: ResourceRef
    path: list[str] = Field(description="node ids from `internet` to the resource")


class SuppressionReport(_Strict):
    """A suppression from the config file and what it did in this run."""

    rule: str
    resource: str
    reason: str
    owner: str
    expires: date
    status: Literal["active", "expired", "stale"] = Field(
        description="active: suppressed findings; expired: past its date, suppresses nothing;"
        " stale: matched no finding"
    )
    matched: int = Field(default=0, description="findings it matched (and, if active, suppressed)")
    source: str = ""


class CheckovSkip(_Strict):
    """A checkov check skipped by a `checkov:skip` comment in the scanned file."""

    check_id: str
    resource: str
    file: str = ""
    reason: str = ""


class CheckovRun(_Strict):
    """What the checkov part of `pscan iac` did."""

    status: Literal["ok", "missing", "failed", "disabled"]
    message: str = ""
    executable: str = ""
    version: str = ""
    frameworks: list[str] = Field(default_factory=list)
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    parsing_errors: list[str] = Field(default_factory=list)
    skipped_checks: list[CheckovSkip] = Field(default_factory=list)
    seconds: float = 0.0


class CapacityConstraint(_Strict):
    """One limit a resource (or an account's quota) can run into, and how much of it is used."""

    kind: str = Field(
        description="quota, ip_addresses, scaling, storage, throughput, concurrency, cpu,"
        " memory or burst_balance"
    )
    limited: str = Field(description="what is limited, e.g. subnet IPv4 addresses, a quota's name")
    resource: ResourceRef = Field(description="the resource (or quota) that has the limit")
    used: float
    limit: float
    unit: str = Field(default="", description="what used and limit count, e.g. vCPU, GiB, %")
    headroom_percent: float = Field(
        description="(limit - used) / limit x 100, rounded to 0.01; negative when over the limit"
    )
    measure: str = Field(
        default="", description="which value `used` is: now, or a statistic of the metric window"
    )


class CapacityGroup(_Strict):
    """The capacity constraints of one product (or of one account, for unshared quotas)."""

    name: str = Field(description="the product (tag value, or `(untagged)`) or the account")
    resources: int = Field(default=0, description="resources of the product in the snapshots")
    constraints: list[CapacityConstraint] = Field(
        default_factory=list, description="least headroom first"
    )
    first_limit: CapacityConstraint | None = Field(
        default=None, description="the limit that would be hit first: the least headroom"
    )
    unmeasured: int = Field(
        default=0, description="limits of its resources left out: a value was not collected"
    )


class CapacityReport(_Strict):
    """Headroom by product: every measured limit of the snapshots, grouped by a product tag.

    Quotas belong to an account (global quotas) or an account and region; each is listed
    under every product with resources there, and under `accounts` when no product has.
    """

    product_tags: list[str] = Field(
        description="tag/label keys tried in order (case-insensitive); a resource's product is"
        " the value of the first it has, else `(untagged)`"
    )
    products: list[CapacityGroup] = Field(
        default_factory=list, description="least headroom first, then by name"
    )
    accounts: list[CapacityGroup] = Field(
        default_factory=list,
        description="quotas of scopes where no product has resources, per account",
    )
    constraints: int = Field(default=0, description="limits measured")
    unmeasured: int = Field(
        default=0, description="limits left out because a value (usually usage) was not collected"
    )


class MonthCost(_Strict):
    """One month's spend in one currency (net: AWS unblended, GCP cost + credits)."""

    month: str = Field(description="YYYY-MM")
    partial: bool = Field(default=False, description="the month in progress (month to date)")
    net: Decimal
    amortized: Decimal | None = Field(
        default=None, description="AWS amortized cost (reservations and savings plans spread)"
    )
    credits: Decimal | None = Field(default=None, description="GCP credits (negative)")


class CostLine(_Strict):
    """One service, account, region or product over the report's months (net spend)."""

    name: str = Field(description="the value of the dimension; `(untagged)` for no product tag")
    provider: str = Field(default="", description="the providers it was billed by, e.g. aws, gcp")
    months: dict[str, Decimal] = Field(
        default_factory=dict, description="YYYY-MM -> net spend, full months and month to date"
    )
    total: Decimal = Field(description="the full months of the report together")
    last_month: Decimal = Field(description="the last full month")
    previous_month: Decimal = Field(description="the full month before it")
    month_to_date: Decimal = Field(default=Decimal(0), description="the month in progress")
    change: Decimal = Field(description="last_month - previous_month")
    change_percent: float | None = Field(
        description="change / previous_month x 100, rounded to 0.1; null when previous is 0"
    )


class CurrencyCost(_Strict):
    """Actual spend in one currency: amounts are never summed across currencies."""

    currency: str
    providers: list[str] = Field(default_factory=list)
    months: list[MonthCost] = Field(
        default_factory=list, description="the last 12 full months and the month in progress"
    )
    current_month: str | None = Field(default=None, description="the month in progress")
    month_to_date: Decimal = Decimal(0)
    forecast: Decimal | None = Field(
        default=None, description="the month in progress at its end: to date + forecast rest"
    )
    forecast_basis: str = Field(
        default="", description="provider forecast, or run rate (month to date / days elapsed)"
    )
    forecast_months: list[MonthCost] = Field(
        default_factory=list, description="provider forecasts of the months after it"
    )
    last_month: str | None = Field(default=None, description="the last full month")
    by_service: list[CostLine] = Field(default_factory=list, description="largest first")
    by_account: list[CostLine] = Field(default_factory=list)
    by_region: list[CostLine] = Field(default_factory=list)
    by_product: list[CostLine] = Field(default_factory=list)
    movers: list[CostLine] = Field(
        default_factory=list, description="services with the largest month-over-month change"
    )
    untagged: Decimal | None = Field(
        default=None, description="last full month's spend with no product tag"
    )
    untagged_percent: float | None = Field(
        default=None, description="its share of the spend grouped by product, rounded to 0.1"
    )


class ResourceCost(_Strict):
    """A resource's list-price estimate per month."""

    resource: ResourceRef
    monthly: Decimal
    product: str = ""


class CostReport(_Strict):
    """What the estate costs: actual spend (billing data) and list-price estimates.

    Without billing data `currencies` is empty and the estimates stand alone; they are
    list prices (no discounts, credits, usage charges), never a bill.
    """

    has_billing: bool = Field(description="the snapshots hold actual spend")
    sources: list[str] = Field(default_factory=list, description="where the spend came from")
    as_of: datetime | None = Field(default=None, description="when the newest snapshot was taken")
    product_tags: list[str] = Field(default_factory=list)
    currencies: list[CurrencyCost] = Field(default_factory=list)
    estimate_currency: str = "USD"
    estimate_prices_as_of: str = ""
    estimated_monthly: Decimal = Field(
        default=Decimal(0), description="the sum of every priced resource's list price"
    )
    estimated_resources: int = 0
    estimates_by_type: dict[str, Decimal] = Field(default_factory=dict)
    estimates_by_product: dict[str, Decimal] = Field(default_factory=dict)
    top_resources: list[ResourceCost] = Field(
        default_factory=list, description="the highest estimates, largest first"
    )
    waste_monthly_usd: Decimal = Field(
        default=Decimal(0), description="the sum of monthly_cost_usd of the cost findings"
    )
    waste_findings: int = 0


# Made by the gate alone (scanner.gate.apply_gate): what a run finds besides its findings
# (a plan overlay's fixed findings and new exposures) is handed to it as arguments.
class GateSummary(_Strict):
    """The gate's verdict and everything that decided it."""

    fail_on: str = Field(description="a severity, or none")
    tripped: bool
    counted: int = Field(description="findings that count: failing, not suppressed, not baselined")
    errors: int = Field(
        default=0, description="rule x resource pairs a rule could not judge (error findings)"
    )
    new: int = 0
    existing: int = Field(default=0, description="findings already in the baseline / live estate")
    suppressed: int = 0
    fixed: list[FixedFinding] = Field(default_factory=list)
    config: str | None = Field(default=None, description="the .pscan.yaml that was applied")
    baseline: str | None = None
    against: str | None = Field(default=None, description="live snapshot the plan was overlaid on")
    suppressions: list[SuppressionReport] = Field(default_factory=list)
    new_exposures: list[ExposurePath] = Field(default_factory=list)
    undecided: int = Field(default=0, description="rule x resource pairs left undecided")
    notes: list[str] = Field(default_factory=list)


class ForecastTier(_Strict):
    """One tier of a product at one horizon of a capacity plan (`pscan capacity plan`)."""

    product: str
    tier: str
    kind: str = Field(description="web, api, background, database, table, function, queue")
    horizon: str = Field(description="the month planned for, YYYY-MM")
    users: float
    peak_rps: float = Field(description="requests per second in the busiest hour")
    in_flight: float = Field(description="requests in flight (Little's law: RPS x latency)")
    per_instance_rps: float | None = Field(
        default=None, description="what one instance sustains (declared or load-tested)"
    )
    instances_needed: int | None = None
    instances_now: int = 0
    instances_max: int | None = Field(default=None, description="null: no known ceiling")
    concurrency_limit: float | None = None
    read_units_needed: float | None = None
    read_units: float | None = None
    write_units_needed: float | None = None
    write_units: float | None = None
    connections_needed: float | None = None
    shortfalls: list[str] = Field(
        default_factory=list, description="what falls short: instances, vcpu_quota, ..."
    )
    resources: list[str] = Field(default_factory=list, description="ids of the tier's resources")


class ForecastReport(_Strict):
    """A capacity plan: the forecast load of every tier against what the estate can reach."""

    model: str = Field(description="the capacity model file")
    as_of: date
    horizons: list[str]
    product_tag: str
    tiers: list[ForecastTier] = Field(default_factory=list)


class FindingsDocument(_Strict):
    """The output of a scan: the JSON contract every other format is rendered from."""

    schema_version: str = FINDINGS_SCHEMA_VERSION
    tool_version: str
    generated_at: datetime = Field(default_factory=utcnow)
    snapshots: list[SnapshotSummary] = Field(default_factory=list)
    resource_count: int = 0
    rule_count: int = 0
    findings: list[Finding] = Field(default_factory=list)
    rule_stats: dict[str, RuleStats] = Field(default_factory=dict)
    frameworks: list[FrameworkResult] = Field(default_factory=list)
    collection_errors: list[CollectionError] = Field(default_factory=list)
    resource_types: dict[str, int] = Field(
        default_factory=dict, description="resources scanned per type"
    )
    checkov: CheckovRun | None = Field(default=None, description="the checkov run of `pscan iac`")
    gate: GateSummary | None = Field(
        default=None, description="the gate's verdict, with suppressions, baseline and changes"
    )
    capacity: CapacityReport | None = Field(
        default=None,
        description="headroom by product; present when the snapshots hold capacity data",
    )
    forecast: ForecastReport | None = Field(
        default=None, description="the capacity plan of `pscan capacity plan` (and the demo)"
    )
    cost: CostReport | None = Field(
        default=None,
        description="spend and list-price estimates; present when the snapshots hold spend"
        " or priced resources",
    )
