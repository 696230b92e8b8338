"""`pscan iac`: the IaC gate."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from scanner.app import GateOptions, IacRequest, RuleOptions, run_iac
from scanner.cli.options import SNAPSHOT, format_option, gate_options, output_option, quiet_option
from scanner.cli.output import Ui, emit, gate_line, step_summary
from scanner.gate import exit_code

__all__ = ["iac"]


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Terraform plan JSON (terraform show -json plan.out) to judge with pscan's rules.",
)
@click.option(
    "--against",
    type=SNAPSHOT,
    help="Live snapshot to overlay the plan on: report what the change adds and fixes.",
)
@click.option(
    "--rules",
    "rule_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra rule pack folder or rule file (repeatable).",
)
@click.option("--skip-checkov", is_flag=True, help="Run pscan's rules only.")
@format_option
@output_option
@gate_options
@click.option(
    "--framework",
    "frameworks",
    multiple=True,
    help="Report compliance for this framework id (repeatable).",
)
@quiet_option
def iac(
    paths: tuple[Path, ...],
    plan_file: Path | None,
    against: Path | None,
    rule_paths: tuple[Path, ...],
    skip_checkov: bool,
    fmt: str,
    output: Path | None,
    gate: GateOptions,
    frameworks: tuple[str, ...],
    quiet: bool,
) -> None:
    """Gate a change: checkov on IaC files, pscan's rules on the Terraform plan.

    PATHS are folders or files with Terraform, plan JSON, CloudFormation, Kubernetes,
    Dockerfiles and GitHub Actions workflows, scanned by checkov (offline, from its own
    virtualenv; see `make checkov`). With --plan, pscan's rules judge the planned
    resources too; with --against, the plan is overlaid on a live snapshot and only what
    the change introduces counts for the gate. One findings document holds both.

    \b
    Examples:
      pscan iac fixtures/iac --plan fixtures/iac/plan.json
      pscan iac infra/ --plan plan.json --format sarif -o pscan.sarif
      pscan iac --plan plan.json --against ./snap-prod --format md -o comment.md
      pscan iac infra/ --baseline baseline.json --fail-on medium
    """
    ui = Ui(quiet)
    request = IacRequest(
        paths=paths,
        plan=plan_file,
        against=against,
        rules=RuleOptions(paths=rule_paths),
        run_checkov=not skip_checkov,
        gate=gate,
        frameworks=frameworks,
    )
    result = run_iac(request)
    doc = result.doc
    run = doc.checkov
    if run is not None and run.status in ("missing", "failed"):
        click.echo(f"pscan: warning: {run.message}", err=True)
    emit(doc, fmt, output)
    by_source = Counter(f.source for f in doc.findings if f.status == "fail")
    timing = ", ".join(f"{k} {v:.2f}s" for k, v in sorted(result.seconds.items()))
    per_source = ", ".join(f"{k} {n}" for k, n in sorted(by_source.items())) or "none"
    ui.say(
        f"{sum(by_source.values())} findings ({per_source})" + (f" in {timing}" if timing else "")
    )
    if run is not None and run.status == "ok":
        ui.say(
            f"checkov {run.version}: {run.failed} failed, {run.passed} passed,"
            f" {run.skipped} skipped by checkov:skip comments"
        )
    ui.say(gate_line(result.gate))
    if output:
        ui.say(f"wrote {output}")
    step_summary(doc)
    raise click.exceptions.Exit(exit_code(result.gate))
