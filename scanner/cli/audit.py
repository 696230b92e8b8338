"""`pscan audit run/list/show/diff/trend/report/prune`: audits kept in the audit store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import click

from scanner.app import (
    AwsOptions,
    GateOptions,
    GcpOptions,
    MetricsOptions,
    Parallel,
    RuleOptions,
    ScanRequest,
    write_atomic,
)
from scanner.app.audit import (
    AuditRequest,
    audit_diff,
    audit_list,
    audit_prune,
    audit_report,
    audit_show,
    audit_trend,
    run_audit,
)
from scanner.audit.report import (
    render_diff,
    render_list,
    render_report,
    render_show,
    render_trend,
)
from scanner.cli.options import (
    SNAPSHOT,
    aws_options,
    collect_first_options,
    gate_options,
    gcp_options,
    metrics_options,
    parallel_options,
    product_tag_option,
    quiet_option,
)
from scanner.cli.output import Ui, echo_text, gate_line
from scanner.gate import exit_code
from scanner.storage import SnapshotPath

__all__ = ["audit"]

_F = TypeVar("_F", bound=Callable[..., Any])

db_option = click.option(
    "--db",
    envvar="PSCAN_DB",
    metavar="URL",
    help="The audit store: a SQLite file path, sqlite:///PATH or"
    " postgresql+psycopg://USER@HOST/DB. Default: $PSCAN_DB, else"
    " ~/.local/share/pscan/audits.sqlite ($XDG_DATA_HOME/pscan/audits.sqlite).",
)
_REPORT_FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".json": "json"}


def _output(fn: _F) -> _F:
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Write here instead of stdout (written atomically).",
    )(fn)


def _emit(text: str, output: Path | None) -> None:
    if output:
        write_atomic(output, text)
    else:
        echo_text(text)


@click.group()
def audit() -> None:
    """Periodic audits kept in a database: history, diffs and trends (docs/audits.md).

    \b
    Examples:
      pscan audit run ./snap --db audits.sqlite       # scan, store, exit by the gate
      pscan audit diff --db audits.sqlite             # the last two audits of a scope
      pscan audit trend --since 90d --db audits.sqlite
      pscan audit report --format html -o audit.html --db audits.sqlite
    """


@audit.command("run")
@click.argument("snapshots", nargs=-1, type=SNAPSHOT)
@db_option
@collect_first_options
@aws_options
@gcp_options
@metrics_options
@click.option(
    "--rules", "rule_paths", multiple=True, type=click.Path(path_type=Path),
    help="Extra rule pack folder or rule file (repeatable).",
)  # fmt: skip
@click.option("--no-builtin-rules", is_flag=True, help="Use only the packs given by --rules.")
@gate_options
@click.option("--framework", "frameworks", multiple=True, help="Framework id (repeatable).")
@product_tag_option("Default: capacity.product_tag in .pscan.yaml, else Product, App, Application.")
@click.option(
    "--trigger",
    default="manual",
    show_default=True,
    help="What started the audit, kept with it (e.g. cron, ci, manual).",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the audit report here (.html, .md or .json).",
)
@parallel_options
@quiet_option
def run(
    snapshots: tuple[SnapshotPath, ...],
    db: str | None,
    use_aws: bool,
    use_gcp: bool,
    snapshots_dir: Path,
    aws: AwsOptions,
    gcp: GcpOptions,
    metrics: MetricsOptions,
    rule_paths: tuple[Path, ...],
    no_builtin_rules: bool,
    gate: GateOptions,
    frameworks: tuple[str, ...],
    product_tags: tuple[str, ...],
    trigger: str,
    report_path: Path | None,
    parallel: Parallel,
    quiet: bool,
) -> None:
    """Scan snapshots (or collect with --aws/--gcp), store the audit, exit by the gate.

    Prints the audit and what changed since the previous audit of the same scope.

    \b
    Examples:
      pscan audit run ./snap --db audits.sqlite
      pscan audit run --aws --profile audit --db postgresql+psycopg://pscan@db/pscan
      PSCAN_DB=audits.sqlite pscan audit run ./snap --trigger cron --report audit.html
    """
    if report_path is not None and report_path.suffix.lower() not in _REPORT_FORMATS:
        raise click.BadParameter("use a .html, .md or .json file", param_hint="--report")
    ui = Ui(quiet)
    request = AuditRequest(
        scan=ScanRequest(
            snapshots=snapshots,
            rules=RuleOptions(paths=rule_paths, builtin=not no_builtin_rules),
            frameworks=frameworks,
            gate=gate,
            aws=replace(aws, metrics=metrics) if use_aws else None,
            gcp=replace(gcp, metrics=metrics) if use_gcp else None,
            snapshots_dir=snapshots_dir,
            product_tags=product_tags,
            parallel=parallel,
        ),
        db=db,
        trigger=trigger,
    )
    result = run_audit(request, ui.on_event)
    echo_text(render_show(result.audit))
    if result.changes is not None:
        echo_text(render_diff(result.changes))
    if report_path is not None:
        fmt = _REPORT_FORMATS[report_path.suffix.lower()]
        write_atomic(report_path, render_report(audit_report(db), fmt))
        ui.say(f"wrote {report_path}")
    ui.say(gate_line(result.scan.gate))
    raise click.exceptions.Exit(exit_code(result.scan.gate))


@audit.command("list")
@db_option
@click.option("--limit", type=click.IntRange(min=1), help="Only the newest N audits.")
def list_(db: str | None, limit: int | None) -> None:
    """List stored audits, newest first."""
    echo_text(render_list(audit_list(db, limit)))


@audit.command("show")
@click.argument("audit_id", type=int)
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def show(audit_id: int, db: str | None, fmt: str) -> None:
    """Show one audit: scope, counts, compliance, figures and what it changed."""
    echo_text(render_show(audit_show(db, audit_id), fmt))


@audit.command("diff")
@click.argument("before", type=int, required=False)
@click.argument("after", type=int, required=False)
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json"]), default="text")
@_output
def diff(
    before: int | None, after: int | None, db: str | None, fmt: str, output: Path | None
) -> None:
    """New, reopened, fixed, resource-gone and still-open findings, and inventory drift.

    With no ids: the latest audit against the previous one of the same scope. With one
    id: that audit against the previous one of its scope. With two: BEFORE -> AFTER.
    """
    _emit(render_diff(audit_diff(db, before, after), fmt), output)


@audit.command("trend")
@db_option
@click.option("--since", default="90d", show_default=True, help="Window: e.g. 48h, 90d, 12w.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "md", "json", "html"]), default="table",
    show_default=True, help="html: one self-contained page with charts, readable offline.",
)  # fmt: skip
@_output
def trend_(db: str | None, since: str, fmt: str, output: Path | None) -> None:
    """Per audit: open findings by severity, new and fixed, compliance %, time to fix,
    capacity headroom and cost."""
    _emit(render_trend(audit_trend(db, since), fmt), output)


@audit.command("report")
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(["html", "md", "json"]), default="html",
    show_default=True,
)  # fmt: skip
@click.option(
    "--since", default="365d", show_default=True, help="Trend window before the last audit."
)
@_output
def report_(db: str | None, fmt: str, since: str, output: Path | None) -> None:
    """The periodic audit report: the last audit, changes since the previous one, trends
    with charts (HTML: one self-contained file, readable offline)."""
    _emit(render_report(audit_report(db, since), fmt), output)


@audit.command("prune")
@db_option
@click.option("--keep", required=True, help="Keep audits observed in this window, e.g. 365d.")
def prune_(db: str | None, keep: str) -> None:
    """Delete older audits, and closed findings last seen before the window."""
    result = audit_prune(db, keep)
    click.echo(f"deleted {result.audits} audit(s) and {result.lifecycle} closed finding(s)")
