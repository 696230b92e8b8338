"""`pscan scan`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from scanner.app import (
    AwsOptions,
    CostOptions,
    GateOptions,
    GcpOptions,
    MetricsOptions,
    Parallel,
    RuleOptions,
    ScanRequest,
    run_scan,
)
from scanner.cli.options import (
    SEVERITIES,
    SNAPSHOT,
    aws_options,
    collect_first_options,
    cost_options,
    format_option,
    gate_options,
    gcp_options,
    metrics_options,
    output_option,
    parallel_options,
    product_tag_option,
    quiet_option,
)
from scanner.cli.output import Ui, emit, findings_summary, gate_line, step_summary
from scanner.gate import exit_code
from scanner.model import Severity
from scanner.storage import SnapshotPath

__all__ = ["scan"]


@click.command()
@click.argument("snapshots", nargs=-1, type=SNAPSHOT)
@collect_first_options
@aws_options
@gcp_options
@metrics_options
@cost_options
@click.option(
    "--rules",
    "rule_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra rule pack folder or rule file (repeatable); added to the built-in packs.",
)
@click.option("--no-builtin-rules", is_flag=True, help="Use only the packs given by --rules.")
@click.option("--rule", "rule_ids", multiple=True, help="Run only this rule id (repeatable).")
@format_option
@output_option
@click.option(
    "--min-severity",
    type=click.Choice(SEVERITIES),
    help="Run only rules at or above this severity.",
)
@gate_options
@click.option(
    "--framework",
    "frameworks",
    multiple=True,
    help="Report compliance for this framework id (repeatable; default: the CIS benchmarks"
    " of the providers scanned), e.g. nist-800-53-rev5-aws (docs/frameworks.md).",
)
@product_tag_option("Default: capacity.product_tag in .pscan.yaml, else Product, App, Application.")
@parallel_options
@quiet_option
def scan(
    snapshots: tuple[SnapshotPath, ...],
    rule_paths: tuple[Path, ...],
    no_builtin_rules: bool,
    rule_ids: tuple[str, ...],
    fmt: str,
    output: Path | None,
    min_severity: str | None,
    gate: GateOptions,
    frameworks: tuple[str, ...],
    quiet: bool,
    use_aws: bool,
    use_gcp: bool,
    snapshots_dir: Path,
    aws: AwsOptions,
    gcp: GcpOptions,
    metrics: MetricsOptions,
    cost: CostOptions,
    product_tags: tuple[str, ...],
    parallel: Parallel,
) -> None:
    """Scan one or more snapshots with the rule packs and write findings.

    A snapshot is a directory, or a URL on object storage (s3://bucket/snaps/x; other
    fsspec URLs with their package installed): the workers read its partitions.

    With --aws and/or --gcp, collect the live estate first (read-only), keep the
    snapshot under --snapshots-dir, and scan it together with any SNAPSHOTS given.

    When the snapshots hold capacity data (quotas, usage from --metrics, subnet
    addresses, scaling limits), the document gets a section of headroom by product,
    grouped by --product-tag (see pscan capacity show).

    \b
    Examples:
      pscan scan ./snap -o findings.json
      pscan scan ./snap-prod ./snap-staging --format sarif -o results.sarif --fail-on critical
      pscan scan ./snap --rules ./my-rules --min-severity medium --format md
      pscan scan ./snap --framework cis-aws-foundations-3.0 --format html -o report.html
      pscan scan ./snap --baseline baseline.json --config .pscan.yaml --format sarif -o r.sarif
      pscan scan --aws --profile audit --regions eu-west-1,us-east-1 -o findings.json
      pscan scan --gcp --scope organizations/123456789 --format html -o report.html
      pscan scan ./snap --product-tag app --format html -o report.html
      pscan scan ./snap-1m --workers 8 -o findings.json
      pscan scan /shared/snap --executor dask://scheduler:8786 -o findings.json
    """
    if (cost.enabled or cost.tag) and not use_aws:
        msg = "--cost and --cost-tag collect AWS spend: use them with --aws"
        raise click.UsageError(msg)
    ui = Ui(quiet)
    request = ScanRequest(
        snapshots=snapshots,
        rules=RuleOptions(paths=rule_paths, builtin=not no_builtin_rules),
        rule_ids=rule_ids,
        min_severity=Severity(min_severity) if min_severity else None,
        frameworks=frameworks,
        gate=gate,
        aws=replace(aws, metrics=metrics, cost=cost) if use_aws else None,
        gcp=replace(gcp, metrics=metrics) if use_gcp else None,
        snapshots_dir=snapshots_dir,
        product_tags=product_tags,
        parallel=parallel,
    )
    result = run_scan(request, ui.on_event)
    emit(result.doc, fmt, output)
    if output:
        ui.say(findings_summary(result.doc))
        ui.say(gate_line(result.gate))
        ui.say(f"wrote {output}")
    step_summary(result.doc)
    raise click.exceptions.Exit(exit_code(result.gate))
