"""`pscan collect aws|gcp`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from scanner.app import (
    AwsOptions,
    CostOptions,
    GcpOptions,
    MetricsOptions,
    collect_aws,
    collect_gcp,
)
from scanner.cli.options import (
    aws_options,
    cost_options,
    gcp_options,
    metrics_options,
    quiet_option,
    snapshot_out_option,
)
from scanner.cli.output import Ui

__all__ = ["collect"]


@click.group()
def collect() -> None:
    """Collect a cloud estate into a snapshot (read-only API calls only)."""


# Each provider's options are declared once (scanner/cli/options.py) so that
# `pscan scan --aws/--gcp` takes the same ones.


@collect.command("aws")
@aws_options
@metrics_options
@cost_options
@snapshot_out_option
@quiet_option
def collect_aws_command(
    output: Path, quiet: bool, aws: AwsOptions, metrics: MetricsOptions, cost: CostOptions
) -> None:
    """Collect an AWS estate (accounts x regions x services) into a snapshot.

    Makes read-only calls only (a guard refuses anything else; see
    docs/aws-permissions.md for the IAM policy). Credentials come from the standard boto3
    chain or --profile and are never printed or written. Calls that fail (access denied,
    region not enabled, throttling after retries, ...) are recorded in the snapshot's
    manifest and collection goes on; the exit code is still 0. See docs/aws-collector.md.

    \b
    Examples:
      pscan collect aws -o snap-aws
      pscan collect aws --regions eu-west-1,us-east-1 --services iam,ec2,s3 -o snap
      pscan collect aws --org --role-name OrganizationAccountAccessRole -o snap-org
      pscan collect aws --endpoint-url http://127.0.0.1:5000 --regions us-east-1 -o snap
      pscan collect aws --cost --cost-tag Product -o snap
    """
    ui = Ui(quiet)
    manifest = collect_aws(output, replace(aws, metrics=metrics, cost=cost), ui.on_event)
    ui.say(
        f"wrote {output}: {manifest.resource_count:,} resources in"
        f" {len(manifest.partitions)} partitions"
    )


@collect.command("gcp")
@gcp_options
@metrics_options
@snapshot_out_option
@quiet_option
def collect_gcp_command(
    output: Path, quiet: bool, gcp: GcpOptions, metrics: MetricsOptions
) -> None:
    """Collect Google Cloud through Cloud Asset Inventory into a snapshot.

    Reads an organization, folder or project with the Cloud Asset API (Application
    Default Credentials; roles Cloud Asset Viewer and Security Reviewer at the scope),
    or reads `gcloud asset export` files. Failed API calls are recorded in the
    snapshot's manifest and collection goes on. See docs/gcp-collector.md.

    With --billing-table or --billing-export-file the snapshot also holds actual spend
    from the Cloud Billing export, with or without assets (docs/cost.md).

    \b
    Examples:
      pscan collect gcp --scope organizations/123456789012 -o snap-gcp
      pscan collect gcp --scope projects/acme-prod --asset-types storage.googleapis.com/Bucket -o s
      pscan collect gcp --export-file resource.ndjson --export-file iam.ndjson -o snap-gcp
      pscan collect gcp --scope projects/demo --endpoint http://127.0.0.1:8085 -o snap
      pscan collect gcp --billing-table billing-admin.billing.gcp_billing_export_v1_X -o s
      pscan collect gcp --billing-export-file billing.ndjson --billing-label app -o snap
    """
    ui = Ui(quiet)
    manifest = collect_gcp(output, replace(gcp, metrics=metrics), ui.on_event)
    spend = manifest.spend
    spent = f", {spend.records:,} spend records" if spend else ""
    if spend and spend.api_calls:
        spent += f" ({spend.api_calls} BigQuery calls)"
    ui.say(f"wrote {output}: {manifest.resource_count:,} resources{spent}")
