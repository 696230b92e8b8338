"""Options shared by several commands, and the decorators that pack them into requests.

A group of options that travels together (the gate's, AWS's, GCP's) is declared once
here; its decorator adds the click options and hands the command one frozen dataclass
(`gate: GateOptions`, `aws: AwsOptions`, `gcp: GcpOptions`) instead of loose keywords.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from scanner.app import (
    FORMATS,
    AwsOptions,
    CostOptions,
    GateOptions,
    GcpOptions,
    MetricsOptions,
    Parallel,
)
from scanner.model import Severity
from scanner.storage import SnapshotPath, snapshot_path

__all__ = [
    "GATE_CHOICES",
    "SEVERITIES",
    "SNAPSHOT",
    "aws_options",
    "config_options",
    "cost_options",
    "format_option",
    "gate_options",
    "gcp_options",
    "metrics_options",
    "no_builtin_option",
    "output_option",
    "parallel_options",
    "product_tag_option",
    "quiet_option",
    "report_gate_options",
    "snapshot_out_option",
]

SEVERITIES = [s.value for s in Severity]
GATE_CHOICES = [*SEVERITIES, "none"]

_F = TypeVar("_F", bound=Callable[..., Any])


class _Snapshot(click.ParamType):  # type: ignore[type-arg]
    """A snapshot argument: a local directory, or a URL such as `s3://bucket/snaps/x`."""

    name = "snapshot"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> SnapshotPath:
        return snapshot_path(value)


SNAPSHOT = _Snapshot()


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="json",
    show_default=True,
    help="Output format.",
)
output_option = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write here instead of stdout (written atomically).",
)
quiet_option = click.option("-q", "--quiet", is_flag=True, help="No progress or summary.")
snapshot_out_option = click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of the snapshot to write (written atomically).",
)
no_builtin_option = click.option(
    "--no-builtin-rules", is_flag=True, help="Only the packs given by --rules."
)


def product_tag_option(default_help: str) -> Callable[[_F], _F]:
    """--product-tag KEY (repeatable), passed as `product_tags: tuple[str, ...]`."""
    return click.option(
        "--product-tag",
        "product_tags",
        multiple=True,
        metavar="KEY",
        help="Tag/label key whose value names a resource's product, for headroom and cost by"
        " product"
        " (repeatable: keys tried in order; case-insensitive). " + default_help,
    )


def _packed(
    name: str, options: list[Any], dests: list[str], build: Callable[..., Any]
) -> Callable[[_F], _F]:
    """Add `options` to a command and pass their values (`dests`) as `name=build(**values)`."""

    def decorate(fn: _F) -> _F:
        @functools.wraps(fn)
        def command(*args: Any, **kwargs: Any) -> Any:
            values = {dest: kwargs.pop(dest) for dest in dests}
            return fn(*args, **{name: build(**values)}, **kwargs)

        wrapped: Any = command
        for option in reversed(options):
            wrapped = option(wrapped)
        return cast(_F, wrapped)

    return decorate


# ---------------------------------------------------------------------- parallel
def _parallel(workers: int | None, executor: str | None) -> Parallel:
    return Parallel(workers=workers, executor=executor or None)


def parallel_options(fn: _F) -> _F:
    """--workers and --executor, passed as `parallel: Parallel` (docs/scale.md)."""
    options = [
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            default=None,
            help="Worker processes for the per-resource rules, one snapshot partition at a"
            " time (1: one process). Default: one per core for 100,000 resources or more,"
            " else 1. The findings are the same for any number.",
        ),
        click.option(
            "--executor",
            envvar="PSCAN_EXECUTOR",
            metavar="dask://HOST:PORT",
            help="Run the partitions on a Dask cluster instead (needs the dask extra;"
            " every worker must see the snapshot at the same path). Env: PSCAN_EXECUTOR.",
        ),
    ]
    return _packed("parallel", options, ["workers", "executor"], _parallel)(fn)


# ---------------------------------------------------------------------- the gate
def _gate_option_list(fail_on_help: str) -> list[Any]:
    return [
        click.option(
            "--fail-on",
            type=click.Choice(GATE_CHOICES),
            default=None,
            help=fail_on_help,
        ),
        click.option(
            "--baseline",
            "baseline_file",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Only findings not in this baseline (pscan baseline create) count.",
        ),
        click.option(
            "--config",
            "config_file",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Gate config file (default: the first .pscan.yaml from here upward).",
        ),
        click.option("--no-config", is_flag=True, help="Ignore any .pscan.yaml."),
    ]


_standards_option = click.option(
    "--standards",
    "standards_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Architecture standards file (default: standards: in .pscan.yaml); see docs/standards.md.",
)


def _gate(
    fail_on: str | None,
    no_config: bool,
    config_file: Path | None = None,
    baseline_file: Path | None = None,
    standards_file: Path | None = None,
) -> GateOptions:
    return GateOptions(
        fail_on=fail_on,
        baseline=baseline_file,
        config=config_file,
        no_config=no_config,
        standards=standards_file,
    )


def collect_first_options(fn: _F) -> _F:
    """--aws, --gcp and --snapshots-dir: collect before judging (scan, audit run)."""
    options = [
        click.option(
            "--aws",
            "use_aws",
            is_flag=True,
            help="Collect AWS first (with the --profile/--regions/... options below), keep the"
            " snapshot under --snapshots-dir, and scan it with the other SNAPSHOTS.",
        ),
        click.option(
            "--gcp",
            "use_gcp",
            is_flag=True,
            help="Collect GCP first (with --scope or --export-file), keep the snapshot, scan it.",
        ),
        click.option(
            "--snapshots-dir",
            type=click.Path(path_type=Path, file_okay=False),
            default=Path("pscan-snapshots"),
            show_default=True,
            help="Where --aws/--gcp keep what they collect (aws-<time>, gcp-<time>).",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def gate_options(fn: _F) -> _F:
    """--fail-on, --baseline, --config, --no-config and --standards, shared by scan and iac."""
    options = _gate_option_list(
        "Exit 1 when a counted finding at or above this severity exists"
        " ('none': never). Default: fail_on in .pscan.yaml, else high."
    )
    options.append(_standards_option)
    dests = ["fail_on", "baseline_file", "config_file", "no_config", "standards_file"]
    return _packed("gate", options, dests, _gate)(fn)


def config_options(fn: _F) -> _F:
    """--config and --no-config alone, for commands that read settings but have no gate."""
    _fail_on, _baseline, config, no_config = _gate_option_list("")
    return _packed("config", [config, no_config], ["config_file", "no_config"], _config)(fn)


def _config(no_config: bool, config_file: Path | None = None) -> GateOptions:
    return GateOptions(config=config_file, no_config=no_config)


def report_gate_options(fn: _F) -> _F:
    """--fail-on, --config, --no-config and --standards of `pscan report` (the document is
    judged again)."""
    fail_on, _baseline, config, no_config = _gate_option_list(
        "Exit 1 when a counted finding at or above this severity exists"
        " ('none': never). Default: fail_on in .pscan.yaml, else none."
    )
    dests = ["fail_on", "config_file", "no_config", "standards_file"]
    options = [fail_on, config, no_config, _standards_option]
    return _packed("gate", options, dests, _gate)(fn)


# ---------------------------------------------------------------------- AWS
# Shared by `pscan collect aws` and `pscan scan --aws`.
AWS_OPTIONS = [
    click.option(
        "--profile",
        "aws_profile",
        metavar="NAME",
        help="AWS profile from ~/.aws/config (default: the standard boto3 credential chain:"
        " environment, profile, SSO, instance role).",
    ),
    click.option(
        "--regions",
        "aws_regions",
        multiple=True,
        metavar="all|REGION[,REGION...]",
        help="Regions to collect (repeatable or comma-separated). Default: the regions enabled"
        " for each account; 'all': every region (those not enabled are recorded and skipped).",
    ),
    click.option(
        "--services",
        "aws_services",
        multiple=True,
        metavar="SERVICE[,SERVICE...]",
        help="Only these services (repeatable or comma-separated; default: all), e.g."
        " iam,ec2,s3. An unknown name lists the valid ones.",
    ),
    click.option(
        "--org",
        "aws_org",
        is_flag=True,
        help="Collect every active account of the organization (run from the management"
        " account), entering member accounts through --role-name.",
    ),
    click.option(
        "--role-name",
        "aws_role_name",
        default="OrganizationAccountAccessRole",
        show_default=True,
        help="Role assumed in member accounts (--org, --accounts).",
    ),
    click.option(
        "--external-id",
        "aws_external_id",
        metavar="ID",
        help="External id for assuming --role-name.",
    ),
    click.option(
        "--accounts",
        "aws_accounts",
        multiple=True,
        metavar="ID[,ID...]",
        help="Collect these account ids (repeatable or comma-separated) through --role-name;"
        " with --org, only these members.",
    ),
    click.option(
        "--max-workers",
        "aws_max_workers",
        type=click.IntRange(1, 64),
        default=8,
        show_default=True,
        help="Concurrent service x region collections.",
    ),
    click.option(
        "--endpoint-url",
        "aws_endpoint_url",
        metavar="URL",
        help="Send every AWS call to this endpoint (emulators such as moto, or VPC endpoints).",
    ),
    click.option(
        "--max-attempts",
        "aws_max_attempts",
        type=click.IntRange(1, 20),
        default=10,
        show_default=True,
        help="Attempts per API call, with botocore's adaptive retries for throttling.",
    ),
]
_AWS_FIELDS = [
    "profile",
    "regions",
    "services",
    "org",
    "role_name",
    "external_id",
    "accounts",
    "max_workers",
    "endpoint_url",
    "max_attempts",
]


def _aws(**values: Any) -> AwsOptions:
    return AwsOptions(**{field: values[f"aws_{field}"] for field in _AWS_FIELDS})


def aws_options(fn: _F) -> _F:
    """The AWS collection options, passed to the command as `aws: AwsOptions`."""
    return _packed("aws", AWS_OPTIONS, [f"aws_{f}" for f in _AWS_FIELDS], _aws)(fn)


# ---------------------------------------------------------------------- GCP
# Shared by `pscan collect gcp` and `pscan scan --gcp`.
GCP_OPTIONS = [
    click.option(
        "--scope",
        "gcp_scopes",
        multiple=True,
        metavar="organizations/ID|folders/ID|projects/ID",
        help="What to collect through the Cloud Asset API (repeatable).",
    ),
    click.option(
        "--export-file",
        "gcp_export_files",
        multiple=True,
        type=click.Path(path_type=Path),
        help="A `gcloud asset export` NDJSON file, or a folder of them, instead of the API"
        " (repeatable; resource and iam-policy exports are merged by asset name).",
    ),
    click.option(
        "--export-workers",
        "gcp_export_workers",
        type=click.IntRange(min=1),
        default=None,
        help="Processes reading and normalising --export-file files, a chunk of lines at a"
        " time (1: this one). Default: one per core for 256 MiB of files or more, else 1;"
        " with --metrics, 1. The snapshot is the same for any number.",
    ),
    click.option(
        "--asset-types",
        "gcp_asset_types",
        multiple=True,
        metavar="TYPE[,TYPE...]",
        help="Only these Cloud Asset types, e.g. storage.googleapis.com/Bucket (repeatable or"
        " comma-separated; default: every type pscan normalises).",
    ),
    click.option(
        "--endpoint",
        "gcp_endpoint",
        metavar="URL",
        help="Cloud Asset API endpoint (an emulator or private endpoint). http:// endpoints"
        " are called with anonymous credentials.",
    ),
    click.option(
        "--read-time",
        "gcp_read_time",
        metavar="ISO8601",
        help="With --export-file: when the export was taken (the export operation's"
        " readTime); ages are measured from it. Default: the newest update_time in the files.",
    ),
    click.option(
        "--compute-endpoint",
        "gcp_compute_endpoint",
        metavar="URL",
        help="With --metrics: Compute API endpoint for quotas (an emulator or private"
        " endpoint). http:// endpoints are called with anonymous credentials.",
    ),
    click.option(
        "--monitoring-endpoint",
        "gcp_monitoring_endpoint",
        metavar="URL",
        help="With --metrics: Cloud Monitoring endpoint (gRPC, host:port) for usage metrics."
        " http:// is a plaintext channel without credentials.",
    ),
    click.option(
        "--billing-table",
        "gcp_billing_table",
        metavar="PROJECT.DATASET.TABLE",
        help="Also read actual spend: one BigQuery query over this Cloud Billing export"
        " table (standard or detailed usage cost), the last 12 full months and the month"
        " to date, run in the table's project. See docs/cost.md.",
    ),
    click.option(
        "--billing-export-file",
        "gcp_billing_export_files",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=False),
        help="Read actual spend offline from rows of the billing export table: NDJSON as"
        " BigQuery extracts it, or CSV with flattened columns (repeatable; .gz too).",
    ),
    click.option(
        "--billing-label",
        "gcp_billing_label",
        metavar="KEY",
        default="product",
        show_default=True,
        help="The resource label whose value names a cost's product (untagged: '').",
    ),
    click.option(
        "--bigquery-endpoint",
        "gcp_bigquery_endpoint",
        metavar="URL",
        help="With --billing-table: BigQuery API endpoint (an emulator or private endpoint)."
        " http:// endpoints are called with anonymous credentials.",
    ),
]
_GCP_FIELDS = [
    "scopes",
    "export_files",
    "export_workers",
    "asset_types",
    "endpoint",
    "read_time",
    "compute_endpoint",
    "monitoring_endpoint",
    "billing_table",
    "billing_export_files",
    "billing_label",
    "bigquery_endpoint",
]


def _gcp(**values: Any) -> GcpOptions:
    return GcpOptions(**{field: values[f"gcp_{field}"] for field in _GCP_FIELDS})


def gcp_options(fn: _F) -> _F:
    """The GCP collection options, passed to the command as `gcp: GcpOptions`."""
    return _packed("gcp", GCP_OPTIONS, [f"gcp_{f}" for f in _GCP_FIELDS], _gcp)(fn)


# ---------------------------------------------------------------------- metrics
# Shared by `pscan collect aws|gcp` and `pscan scan --aws/--gcp` (one flag for both).
METRICS_OPTIONS = [
    click.option(
        "--metrics/--no-metrics",
        "metrics_enabled",
        default=False,
        show_default=True,
        help="Also collect usage: AWS CloudWatch metrics and quota usage (GetMetricData,"
        " batched; billed per metric), GCP Compute quotas and Cloud Monitoring series. The"
        " number of metric calls is printed and recorded in the manifest. See"
        " docs/capacity.md.",
    ),
    click.option(
        "--metrics-days",
        "metrics_days",
        type=click.IntRange(1, 455),
        default=14,
        show_default=True,
        help="Days of daily metric values to summarise (average, p95, max) with --metrics.",
    ),
]


def _metrics(metrics_enabled: bool, metrics_days: int) -> MetricsOptions:
    return MetricsOptions(enabled=metrics_enabled, days=metrics_days)


def metrics_options(fn: _F) -> _F:
    """`--metrics/--no-metrics` and `--metrics-days`, passed as `metrics: MetricsOptions`."""
    return _packed("metrics", METRICS_OPTIONS, ["metrics_enabled", "metrics_days"], _metrics)(fn)


# ---------------------------------------------------------------------- spend
# Shared by `pscan collect aws` and `pscan scan --aws`.
COST_OPTIONS = [
    click.option(
        "--cost/--no-cost",
        "cost_enabled",
        default=False,
        show_default=True,
        help="Also collect actual spend of the last 12 months, the month to date and a"
        " 3-month forecast from AWS Cost Explorer (once, from the caller's account; a"
        " management account sees its linked accounts). Billed: $0.01 per request, 5 or"
        " more per run; the count is printed and recorded in the manifest. See docs/cost.md.",
    ),
    click.option(
        "--cost-tag",
        "cost_tag",
        metavar="KEY",
        help="With --cost: the tag key whose value names a product, for spend by product."
        " Default: the first key of capacity.product_tag in .pscan.yaml, else Product.",
    ),
]


def _cost(cost_enabled: bool, cost_tag: str | None) -> CostOptions:
    return CostOptions(enabled=cost_enabled, tag=cost_tag)


def cost_options(fn: _F) -> _F:
    """`--cost/--no-cost` and `--cost-tag`, passed as `cost: CostOptions`."""
    return _packed("cost", COST_OPTIONS, ["cost_enabled", "cost_tag"], _cost)(fn)
