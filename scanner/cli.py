"""The `pscan` command line: parse, call the layers, print, choose the exit code.

Exit codes: 0 nothing at or above the gate's threshold, 1 the gate tripped,
2 bad usage or bad input (one line naming the file/field), 3 an internal error.
This is the only module that prints or exits.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from scanner import __version__
from scanner.catalog import TYPES
from scanner.engine import build_document, evaluate, load_rules, run_rule_tests
from scanner.engine.loader import RuleSet
from scanner.errors import ConfigError, ReportError, ScannerError
from scanner.gate import (
    GateConfig,
    apply_gate,
    baseline_from,
    exit_code,
    find_config,
    load_config,
    read_baseline,
    rule_selected,
)
from scanner.model import (
    Category,
    FindingsDocument,
    GateSummary,
    Severity,
    SnapshotSummary,
    utcnow,
)
from scanner.paths import data_dir
from scanner.render import FORMATS, render, render_pieces
from scanner.render import diagram as diagrams
from scanner.render.html import render_html
from scanner.render.jsonout import read_findings
from scanner.snapshot import Snapshot, merge_snapshots, open_snapshot, write_snapshot

__all__ = ["cli", "main"]

logger = logging.getLogger("scanner")

SEVERITIES = [s.value for s in Severity]
GATE_CHOICES = [*SEVERITIES, "none"]


# ---------------------------------------------------------------------- helpers
class _Ui:
    """Progress and summaries on stderr; silent with --quiet or when stderr is no TTY."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.live = not quiet and sys.stderr.isatty()

    def progress(self, text: str) -> None:
        if self.live:
            click.echo(f"\r\033[K{text}", err=True, nl=False)

    def done(self, text: str) -> None:
        if self.live:
            click.echo(f"\r\033[K{text}", err=True)

    def say(self, text: str = "") -> None:
        if not self.quiet:
            click.echo(text, err=True)


def _fail(message: str) -> NoReturn:
    raise click.exceptions.Exit(_print_error(message))


def _print_error(message: str) -> int:
    click.echo(f"pscan: error: {message}", err=True)
    return 2


def _write_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Write a file (text, or its pieces) so that readers see the old content or all the new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            if isinstance(text, str):
                fh.write(text)
            else:
                fh.writelines(text)
        # mkstemp creates 0600 files; reports get the permissions the umask gives.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _open_snapshots(paths: tuple[Path, ...]) -> list[Snapshot]:
    return [open_snapshot(p) for p in paths]


def _chain_resources(snaps: list[Snapshot]) -> Iterator[dict[str, Any]]:
    for snap in snaps:
        yield from snap.iter_resources()


def _load(rules: tuple[Path, ...], no_builtin: bool) -> RuleSet:
    return load_rules(rules, include_builtin=not no_builtin)


def _scan(
    snaps: list[Snapshot],
    ruleset: RuleSet,
    ui: _Ui,
    frameworks: tuple[str, ...] = (),
) -> FindingsDocument:
    for fw in frameworks:
        if fw not in ruleset.frameworks:
            known = ", ".join(sorted(ruleset.frameworks))
            msg = f"--framework {fw!r}: unknown framework (known: {known})"
            raise ConfigError(msg)
    now = max(s.manifest.created_at for s in snaps)
    started = time.monotonic()
    outcome = evaluate(
        ruleset,
        _chain_resources(snaps),
        now=now,
        progress=lambda n: ui.progress(f"scanned {n:,} resources"),
    )
    ui.done(
        f"scanned {outcome.resource_count:,} resources with {len(ruleset.rules)} rules"
        f" in {time.monotonic() - started:.1f}s"
    )
    summaries = [
        SnapshotSummary(
            path=str(s.path),
            source=s.manifest.source,
            created_at=s.manifest.created_at,
            resources=s.manifest.resource_count,
            scopes=s.manifest.scopes,
        )
        for s in snaps
    ]
    errors = [e for s in snaps for e in s.manifest.errors]
    return build_document(
        outcome, ruleset, snapshots=summaries, errors=errors, frameworks=frameworks or None
    )


def _gate(doc: FindingsDocument, fail_on: str) -> int:
    if fail_on == "none":
        return 0
    threshold = Severity(fail_on).rank
    # suppressed findings and those already in the baseline / live estate never count
    tripped = any(
        f.status == "fail"
        and f.suppression is None
        and f.is_new is not False
        and f.severity.rank >= threshold
        for f in doc.findings
    )
    return 1 if tripped else 0


class _GateSetup:
    """The gate's settings: .pscan.yaml (found or given) overridden by flags."""

    def __init__(self, config: Path | None, no_config: bool, fail_on: str | None) -> None:
        self.path = None if no_config else (config or find_config())
        self.config = load_config(self.path) if self.path else GateConfig()
        self.fail_on = fail_on or self.config.fail_on or "high"
        base = self.path.parent if self.path else None
        self.baseline_path: Path | None = self.config.resolve(self.config.baseline, base)

    def use_baseline(self, path: Path | None) -> None:
        if path is not None:
            self.baseline_path = path

    def select(self, ruleset: RuleSet) -> RuleSet:
        rules = self.config.rules
        if not rules.include and not rules.exclude:
            return ruleset
        return ruleset.select(ids=[r for r in ruleset.rules if rule_selected(r, rules)])

    def apply(self, doc: FindingsDocument, **extra: Any) -> GateSummary:
        baseline = read_baseline(self.baseline_path) if self.baseline_path else None
        return apply_gate(
            doc,
            fail_on=self.fail_on,
            config=self.config,
            config_path=self.path,
            baseline=baseline,
            baseline_path=self.baseline_path,
            **extra,
        )


def _gate_options(fn: Any) -> Any:
    """--fail-on, --baseline, --config and --no-config, shared by scan and iac."""
    for option in reversed(
        [
            click.option(
                "--fail-on",
                type=click.Choice(GATE_CHOICES),
                default=None,
                help="Exit 1 when a counted finding at or above this severity exists"
                " ('none': never). Default: fail_on in .pscan.yaml, else high.",
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
    ):
        fn = option(fn)
    return fn


def _step_summary(doc: FindingsDocument) -> None:
    """Append the Markdown report to the GitHub Actions job summary, when there is one."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(render(doc, "md"))
    except OSError as exc:
        logger.warning("cannot append to GITHUB_STEP_SUMMARY %s: %s", target, exc)


def _gate_line(summary: GateSummary) -> str:
    verdict = "FAILED" if summary.tripped else "passed"
    parts = [f"gate {verdict} (fail_on {summary.fail_on}): {summary.counted} counted"]
    if summary.new or summary.existing:
        parts.append(f"{summary.new} new, {summary.existing} known")
    if summary.fixed:
        parts.append(f"{len(summary.fixed)} fixed")
    if summary.suppressed:
        parts.append(f"{summary.suppressed} suppressed")
    expired = [s for s in summary.suppressions if s.status == "expired"]
    stale = [s for s in summary.suppressions if s.status == "stale"]
    if expired:
        parts.append(f"{len(expired)} expired suppression(s)")
    if stale:
        parts.append(f"{len(stale)} stale suppression(s)")
    if summary.undecided:
        parts.append(f"{summary.undecided} undecided (values known after apply)")
    lines = [", ".join(parts)]
    lines += [f"  expired: {s.rule} {s.resource} (owner {s.owner}, {s.expires})" for s in expired]
    lines += [f"  stale: {s.rule} {s.resource} matches nothing" for s in stale]
    lines += [f"  note: {n}" for n in summary.notes]
    for exposure in summary.new_exposures:
        lines.append("  new internet path: " + " -> ".join(exposure.path))
    return "\n".join(lines)


def _summary(doc: FindingsDocument, top: int = 10) -> str:
    failing = [f for f in doc.findings if f.status == "fail"]
    by_sev = Counter(f.severity.value for f in failing)
    by_cat = Counter(f.category.value for f in failing)
    lines = [
        f"{len(failing)} findings on {doc.resource_count:,} resources ({doc.rule_count} rules)",
        "  by severity: " + ", ".join(f"{s} {by_sev[s]}" for s in SEVERITIES if by_sev[s]),
        "  by category: " + ", ".join(f"{c} {n}" for c, n in by_cat.most_common()),
    ]
    waste = sum(f.monthly_cost_usd or 0 for f in failing)
    if waste:
        lines.append(f"  estimated waste: ${waste:,.2f} per month")
    errors = [f for f in doc.findings if f.status == "error"]
    if errors:
        lines.append(f"  {len(errors)} rule evaluations failed (see the report)")
    if doc.collection_errors:
        lines.append(f"  {len(doc.collection_errors)} collection errors (see the report)")
    for fw in doc.frameworks:
        counts = fw.counts()
        lines.append(
            f"  {fw.id}: "
            + ", ".join(
                f"{counts.get(k, 0)} {k.replace('_', ' ')}"
                for k in ("passed", "failed", "not_judged", "manual", "not_covered")
            )
        )
    if failing:
        lines.append("top findings:")
        for f in failing[:top]:
            name = f.resource.name or f.resource.id
            lines.append(f"  [{f.severity.value.upper():8}] {f.rule_id}  {name}: {f.message}")
    return "\n".join(lines)


# ---------------------------------------------------------------------- the app
class _App(click.Group):
    """Turn library errors into one-line messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ScannerError as exc:
            raise click.exceptions.Exit(_print_error(str(exc))) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort, BrokenPipeError):
            raise
        except Exception as exc:  # the CLI boundary: no traceback for users
            if os.environ.get("PSCAN_DEBUG"):
                raise
            logger.debug("internal error", exc_info=True)
            click.echo(
                f"pscan: internal error: {type(exc).__name__}: {exc}"
                " (set PSCAN_DEBUG=1 for the traceback)",
                err=True,
            )
            raise click.exceptions.Exit(3) from None


@click.group(cls=_App, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pscan")
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug) on stderr.")
def cli(verbose: int) -> None:
    """pscan: policy-as-code compliance scanner for cloud platforms.

    \b
    Collect an estate into a snapshot, scan it with rule packs, render reports:
      pscan demo                              # the whole pipeline on the bundled demo
      pscan scan SNAPSHOT -o findings.json    # judge a snapshot
      pscan report findings.json --format html -o report.html
      pscan rules list                        # what is checked
    """
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="json",
    show_default=True,
    help="Output format.",
)
_output_option = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write here instead of stdout (written atomically).",
)
_quiet_option = click.option("-q", "--quiet", is_flag=True, help="No progress or summary.")
_snapshot_out_option = click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of the snapshot to write (written atomically).",
)


# ---------------------------------------------------------------------- provider options
# Shared by `pscan collect aws|gcp` and `pscan scan --aws|--gcp`; every dest starts with
# the provider name so the values pass through **options side by side.


def _aws_list(values: tuple[str, ...] | None) -> tuple[str, ...]:
    """Repeatable, comma-separated option values as one tuple, in order, without repeats."""
    items = [v.strip() for value in values or () for v in value.split(",") if v.strip()]
    return tuple(dict.fromkeys(items))


# Shared by `pscan collect aws` and (wired by the lead) `pscan scan --aws`. Every dest
# starts with aws_ so the values pass through **options next to other providers'.
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


def _split_commas(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


# Shared by `pscan collect gcp` and (wired by the lead) `pscan scan --gcp`.
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
]


_F = TypeVar("_F", bound=Callable[..., Any])


def _with_options(decorators: list[Any]) -> Callable[[_F], _F]:
    """Apply a list of click option decorators, keeping their order in --help."""

    def apply(fn: _F) -> _F:
        for decorator in reversed(decorators):
            fn = decorator(fn)
        return fn

    return apply


@cli.command()
@click.argument("snapshots", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--aws",
    "use_aws",
    is_flag=True,
    help="Collect AWS first (with the --profile/--regions/... options below), keep the"
    " snapshot under --snapshots-dir, and scan it with the other SNAPSHOTS.",
)
@click.option(
    "--gcp",
    "use_gcp",
    is_flag=True,
    help="Collect GCP first (with --scope or --export-file), keep the snapshot, scan it.",
)
@click.option(
    "--snapshots-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("pscan-snapshots"),
    show_default=True,
    help="Where --aws/--gcp keep what they collect (aws-<time>, gcp-<time>).",
)
@_with_options(AWS_OPTIONS)
@_with_options(GCP_OPTIONS)
@click.option(
    "--rules",
    "rule_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra rule pack folder or rule file (repeatable); added to the built-in packs.",
)
@click.option("--no-builtin-rules", is_flag=True, help="Use only the packs given by --rules.")
@click.option("--rule", "rule_ids", multiple=True, help="Run only this rule id (repeatable).")
@_format_option
@_output_option
@click.option(
    "--min-severity",
    type=click.Choice(SEVERITIES),
    help="Run only rules at or above this severity.",
)
@_gate_options
@click.option(
    "--framework",
    "frameworks",
    multiple=True,
    help="Report compliance for this framework id (repeatable; default: all for the"
    " providers scanned), e.g. cis-aws-foundations-3.0.",
)
@_quiet_option
def scan(
    snapshots: tuple[Path, ...],
    rule_paths: tuple[Path, ...],
    no_builtin_rules: bool,
    rule_ids: tuple[str, ...],
    fmt: str,
    output: Path | None,
    min_severity: str | None,
    fail_on: str | None,
    baseline_file: Path | None,
    config_file: Path | None,
    no_config: bool,
    frameworks: tuple[str, ...],
    quiet: bool,
    use_aws: bool,
    use_gcp: bool,
    snapshots_dir: Path,
    **collect_options: Any,
) -> None:
    """Scan one or more snapshots with the rule packs and write findings.

    With --aws and/or --gcp, collect the live estate first (read-only), keep the
    snapshot under --snapshots-dir, and scan it together with any SNAPSHOTS given.

    \b
    Examples:
      pscan scan ./snap -o findings.json
      pscan scan ./snap-prod ./snap-staging --format sarif -o results.sarif --fail-on critical
      pscan scan ./snap --rules ./my-rules --min-severity medium --format md
      pscan scan ./snap --framework cis-aws-foundations-3.0 --format html -o report.html
      pscan scan ./snap --baseline baseline.json --config .pscan.yaml --format sarif -o r.sarif
      pscan scan --aws --profile audit --regions eu-west-1,us-east-1 -o findings.json
      pscan scan --gcp --scope organizations/123456789 --format html -o report.html
    """
    ui = _Ui(quiet)
    if not snapshots and not (use_aws or use_gcp):
        _fail("give one or more SNAPSHOT folders, or --aws / --gcp to collect one now")
    gate = _GateSetup(config_file, no_config, fail_on)
    gate.use_baseline(baseline_file)
    ruleset = _load(rule_paths, no_builtin_rules)  # bad rules fail before any collection
    collected: list[Path] = []
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    if use_aws:
        collected.append(snapshots_dir / f"aws-{stamp}")
        _collect_aws(collected[-1], ui, **collect_options)
    if use_gcp:
        collected.append(snapshots_dir / f"gcp-{stamp}")
        _collect_gcp(collected[-1], ui, **collect_options)
    for path in collected:
        ui.say(f"kept the collected snapshot in {path}")
    snaps = _open_snapshots((*snapshots, *collected))
    if rule_ids:
        unknown = sorted(set(rule_ids) - set(ruleset.rules))
        if unknown:
            _fail(f"--rule: unknown rule id(s): {', '.join(unknown)}")
    ruleset = gate.select(
        ruleset.select(
            ids=rule_ids or None, min_severity=Severity(min_severity) if min_severity else None
        )
    )
    doc = _scan(snaps, ruleset, ui, frameworks or tuple(gate.config.frameworks))
    summary = gate.apply(doc)
    if output:
        _write_atomic(output, render_pieces(doc, fmt))
        ui.say(_summary(doc))
        ui.say(_gate_line(summary))
        ui.say(f"wrote {output}")
    else:
        text = render(doc, fmt)
        click.echo(text, nl=not text.endswith("\n"))
    _step_summary(doc)
    raise click.exceptions.Exit(exit_code(summary))


@cli.command()
@click.argument("findings", type=click.Path(path_type=Path))
@_format_option
@_output_option
@click.option(
    "--fail-on",
    type=click.Choice(GATE_CHOICES),
    default="none",
    show_default=True,
    help="Exit 1 when a finding at or above this severity exists.",
)
def report(findings: Path, fmt: str, output: Path | None, fail_on: str) -> None:
    """Render a findings document (from pscan scan) in another format.

    \b
    Examples:
      pscan report findings.json --format html -o report.html
      pscan report findings.json --format md > comment.md
    """
    doc = read_findings(findings)
    text = render(doc, fmt)
    if output:
        _write_atomic(output, text)
    else:
        click.echo(text, nl=not text.endswith("\n"))
    raise click.exceptions.Exit(_gate(doc, fail_on))


@cli.command()
@click.argument("snapshot", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["dot", "svg", "mermaid"]),
    default="svg",
    show_default=True,
    help="svg needs Graphviz's dot binary; dot and mermaid are plain text.",
)
@click.option(
    "--group-by",
    default="account",
    show_default=True,
    help="Cluster by account, vpc, or tag:KEY.",
)
@_output_option
def diagram(snapshot: Path, fmt: str, group_by: str, output: Path | None) -> None:
    """Draw the architecture of a snapshot (Graphviz DOT/SVG or Mermaid).

    \b
    Examples:
      pscan diagram ./snap --format svg -o estate.svg
      pscan diagram ./snap --format mermaid --group-by vpc
      pscan diagram ./snap --format dot --group-by tag:Team | dot -Tpng > estate.png
    """
    if group_by not in ("account", "vpc") and not (
        group_by.startswith("tag:") and len(group_by) > 4
    ):
        _fail(f"--group-by {group_by!r}: use account, vpc, or tag:KEY")
    snap = open_snapshot(snapshot)
    resources = snap.iter_resources()
    if fmt == "mermaid":
        text = diagrams.to_mermaid(resources, group_by=group_by)
    else:
        text = diagrams.to_dot(resources, group_by=group_by)
        if fmt == "svg":
            text = diagrams.to_svg(text)
    if output:
        _write_atomic(output, text)
    else:
        click.echo(text, nl=not text.endswith("\n"))


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("pscan-demo"),
    show_default=True,
    help="Folder for the reports.",
)
@_quiet_option
def demo(out: Path, quiet: bool) -> None:
    """Scan the bundled demo estate and write every report.

    The demo is a fictional company with two AWS accounts in two regions and one GCP
    project, with deliberate problems. Writes findings.json, report.html, report.md,
    results.sarif, results.junit.xml, findings.csv and diagram.dot/.mmd/.svg into OUT.

    \b
    Example:
      pscan demo --out /tmp/demo && open /tmp/demo/report.html
    """
    ui = _Ui(quiet)
    snap_dir = data_dir("fixtures/demo")
    snaps = [open_snapshot(snap_dir)]
    ruleset = load_rules()
    ui.progress(f"loaded {len(ruleset.rules)} rules")
    doc = _scan(snaps, ruleset, ui)
    dot_text = diagrams.to_dot(snaps[0].iter_resources(), group_by="vpc")
    outputs: dict[str, str] = {
        "findings.json": render(doc, "json"),
        "results.sarif": render(doc, "sarif"),
        "results.junit.xml": render(doc, "junit"),
        "findings.csv": render(doc, "csv"),
        "report.md": render(doc, "md"),
        "diagram.dot": dot_text,
        "diagram.mmd": diagrams.to_mermaid(snaps[0].iter_resources(), group_by="vpc"),
    }
    svg: str | None = None
    try:
        svg = diagrams.to_svg(dot_text)
        outputs["diagram.svg"] = svg
    except ReportError as exc:
        ui.say(f"note: {exc}")
    outputs["report.html"] = render_html(doc, diagram_svg=svg)
    for name, text in outputs.items():
        _write_atomic(out / name, text)
    ui.say(_summary(doc))
    ui.say("")
    ui.say(f"reports in {out}/: " + ", ".join(sorted(outputs)))
    ui.say(f"open {out / 'report.html'} in a browser for the full report")
    if quiet:
        return
    click.echo(f"{out / 'report.html'}")


# ---------------------------------------------------------------------- rules
@cli.group()
def rules() -> None:
    """List, show, test and validate rules."""


_rules_option = click.option(
    "--rules",
    "rule_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra rule pack folder (repeatable).",
)
_no_builtin_option = click.option(
    "--no-builtin-rules", is_flag=True, help="Only the packs given by --rules."
)


@rules.command("list")
@_rules_option
@_no_builtin_option
@click.option("--provider", type=click.Choice(["aws", "gcp"]), help="Only this provider's rules.")
@click.option(
    "--category", type=click.Choice([c.value for c in Category]), help="Only this category."
)
@click.option("--severity", type=click.Choice(SEVERITIES), help="Only this severity.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A table with counts, or the rules' metadata as JSON.",
)
@click.option(
    "--framework",
    "framework_id",
    metavar="ID",
    help="List this compliance framework's controls (automated or manual) and the rules"
    " that decide each, with coverage counts, instead of the rules.",
)
def rules_list(
    rule_paths: tuple[Path, ...],
    no_builtin_rules: bool,
    provider: str | None,
    category: str | None,
    severity: str | None,
    fmt: str,
    framework_id: str | None,
) -> None:
    """List rules with their severity and category, and counts per provider and category.

    \b
    Examples:
      pscan rules list --provider aws --category iam
      pscan rules list --format json | jq '.[].id'
      pscan rules list --framework cis-aws-foundations-3.0
    """
    ruleset = _load(rule_paths, no_builtin_rules)
    if framework_id is not None:
        if provider or category or severity:
            _fail(
                "--framework lists controls; it cannot be combined with --provider,"
                " --category or --severity"
            )
        _list_framework(ruleset, framework_id, fmt)
        return
    chosen = [
        r
        for r in sorted(ruleset.rules.values(), key=lambda r: r.id)
        if (provider is None or r.spec.provider == provider)
        and (category is None or r.spec.category == category)
        and (severity is None or r.spec.severity == severity)
    ]
    if fmt == "json":
        click.echo(json.dumps([r.spec.meta().model_dump(mode="json") for r in chosen], indent=2))
        return
    width = max((len(r.id) for r in chosen), default=10)
    for r in chosen:
        click.echo(
            f"{r.id:<{width}}  {r.spec.severity.value:<8}  {r.spec.category.value:<12}"
            f"  {r.spec.title}"
        )
    counts = Counter((r.spec.provider, r.spec.category.value) for r in chosen)
    click.echo("")
    for prov in sorted({p for p, _ in counts}):
        per = {c: n for (p, c), n in counts.items() if p == prov}
        total = sum(per.values())
        detail = ", ".join(f"{c} {n}" for c, n in sorted(per.items()))
        click.echo(f"{prov}: {total} rules ({detail})")
    click.echo(f"total: {len(chosen)} rules")


def _list_framework(ruleset: RuleSet, framework_id: str, fmt: str) -> None:
    """Print a framework's controls, the rules deciding each, and coverage counts."""
    framework = ruleset.frameworks.get(framework_id)
    if framework is None:
        known = ", ".join(sorted(ruleset.frameworks)) or "none"
        _fail(f"no framework {framework_id!r} (known: {known})")
    controls = framework.controls
    automated = [c for c in controls if c.automated]
    manual = [c for c in controls if not c.automated]
    counts = {
        "controls": len(controls),
        "covered": sum(1 for c in controls if c.rules),
        "automated": len(automated),
        "automated_covered": sum(1 for c in automated if c.rules),
        "automated_not_covered": sum(1 for c in automated if not c.rules),
        "manual": len(manual),
        "manual_with_rules": sum(1 for c in manual if c.rules),
        "rules": len({r for c in controls for r in c.rules}),
    }
    if fmt == "json":
        document = {
            "framework": {
                "id": framework.id,
                "title": framework.title,
                "version": framework.version,
                "provider": framework.provider,
            },
            "controls": [{**c.model_dump(mode="json"), "covered": bool(c.rules)} for c in controls],
            "counts": counts,
        }
        click.echo(json.dumps(document, indent=2))
        return
    click.echo(f"{framework.id}: {framework.title} {framework.version} ({framework.provider})")
    id_width = max([len("control"), *(len(c.id) for c in controls)])
    title_width = min(max((len(c.title) for c in controls), default=5), 60)
    click.echo(f"{'control':<{id_width}}  {'type':<9}  {'title':<{title_width}}  rules")
    for c in controls:
        kind = "automated" if c.automated else "manual"
        title = c.title if len(c.title) <= title_width else c.title[: title_width - 1] + "…"
        rules = ", ".join(c.rules) if c.rules else ("NOT COVERED" if c.automated else "-")
        click.echo(f"{c.id:<{id_width}}  {kind:<9}  {title:<{title_width}}  {rules}")
    click.echo("")
    click.echo(
        f"controls: {counts['controls']} ({counts['covered']} decided by rules);"
        f" automated: {counts['automated']} ({counts['automated_covered']} covered,"
        f" {counts['automated_not_covered']} not covered); manual: {counts['manual']}"
        f" ({counts['manual_with_rules']} with supporting rules); rules used: {counts['rules']}"
    )


@rules.command("show")
@click.argument("rule_id")
@_rules_option
@_no_builtin_option
def rules_show(rule_id: str, rule_paths: tuple[Path, ...], no_builtin_rules: bool) -> None:
    """Show one rule: metadata, condition, remediation and compliance mapping.

    \b
    Example:
      pscan rules show aws_s3_bucket_public_access_blocked
    """
    ruleset = _load(rule_paths, no_builtin_rules)
    rule = ruleset.rules.get(rule_id)
    if rule is None:
        _fail(f"no rule {rule_id!r} (see pscan rules list)")
    spec = rule.spec
    click.echo(f"{spec.id}  [{spec.severity.value}] [{spec.category.value}]")
    click.echo(spec.title)
    click.echo(f"\nresource types: {', '.join(spec.resource_types)}")
    click.echo(f"file: {spec.path}")
    click.echo(f"\n{spec.description.strip()}\n\nRisk: {spec.risk.strip()}")
    if spec.applies_if:
        click.echo("\napplies if:\n" + _yaml(spec.applies_if))
    if spec.condition:
        click.echo("\ncompliant when:\n" + _yaml(spec.condition))
    elif rule.graph_fn or rule.resource_fn:
        click.echo(f"\nlogic: {Path(str(spec.path)).with_suffix('.py').name}")
    click.echo(f"\nRemediation: {spec.remediation.summary.strip()}")
    if spec.remediation.cli:
        click.echo(f"\nCLI:\n  {spec.remediation.cli.strip()}")
    if spec.remediation.terraform:
        click.echo("\nTerraform:\n" + spec.remediation.terraform.rstrip())
    compliance = ruleset.compliance_of(rule_id)
    if compliance:
        click.echo("\nCompliance: " + ", ".join(f"{c.framework} {c.control}" for c in compliance))
    if spec.references:
        click.echo("\nReferences:\n" + "\n".join(f"  {u}" for u in spec.references))
    click.echo(f"\nTest cases: {len(spec.tests)}")


def _yaml(data: Any) -> str:
    import yaml

    return "  " + yaml.safe_dump(data, sort_keys=False).rstrip().replace("\n", "\n  ")


@rules.command("test")
@click.argument("rule_ids", nargs=-1)
@_rules_option
@_no_builtin_option
@_quiet_option
def rules_test(
    rule_ids: tuple[str, ...], rule_paths: tuple[Path, ...], no_builtin_rules: bool, quiet: bool
) -> None:
    """Run every rule's own test cases (or those of RULE_IDS); exit 1 if any fails.

    \b
    Examples:
      pscan rules test
      pscan rules test aws_ec2_security_group_no_public_ssh
      pscan rules test --rules ./my-rules --no-builtin-rules
    """
    ruleset = _load(rule_paths, no_builtin_rules)
    unknown = sorted(set(rule_ids) - set(ruleset.rules))
    if unknown:
        _fail(f"unknown rule id(s): {', '.join(unknown)}")
    results = run_rule_tests(ruleset, set(rule_ids) if rule_ids else None)
    failed = [r for r in results if not r.ok]
    for result in results:
        if not result.ok:
            click.echo(f"FAIL {result.rule_id}")
            for problem in result.problems:
                click.echo(f"     {problem}")
        elif not quiet:
            click.echo(f"ok   {result.rule_id} ({result.cases} cases)")
    cases = sum(r.cases for r in results)
    click.echo(f"{len(results) - len(failed)} of {len(results)} rules passed ({cases} cases)")
    raise click.exceptions.Exit(1 if failed else 0)


@rules.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_no_builtin_option
def rules_validate(paths: tuple[Path, ...], no_builtin_rules: bool) -> None:
    """Check rule packs load: YAML, fields, operators, paths, types, frameworks.

    Without PATHS, validates the built-in packs; with PATHS, those packs on top of them.

    \b
    Examples:
      pscan rules validate
      pscan rules validate ./my-rules
    """
    ruleset = load_rules(paths, include_builtin=not no_builtin_rules)
    click.echo(
        f"ok: {len(ruleset.rules)} rules, {len(ruleset.frameworks)} frameworks"
        + (f", price table as of {ruleset.prices.as_of}" if ruleset.prices else "")
    )


# ---------------------------------------------------------------------- collect
@cli.group()
def collect() -> None:
    """Collect a cloud estate into a snapshot (read-only API calls only)."""


# The provider commands (`collect aws`, `collect gcp`) follow, one section each. Each
# provider keeps its click options in a list (AWS_OPTIONS, GCP_OPTIONS) so `pscan scan
# --aws/--gcp` can take the same options.


# ---------------------------------------------------------------------- collect aws


def _aws_options(fn: Any) -> Any:
    for option in reversed(AWS_OPTIONS):
        fn = option(fn)
    return fn


def _collect_aws(output: Path, ui: _Ui | None = None, **options: Any) -> Any:
    """Collect AWS into a snapshot at `output`; returns its SnapshotManifest.

    `options` are the AWS_OPTIONS values (aws_profile, aws_regions, aws_services, aws_org,
    aws_role_name, aws_external_id, aws_accounts, aws_max_workers, aws_endpoint_url,
    aws_max_attempts); others are ignored. Bad usage and unusable credentials raise
    ScannerError (exit 2); failures per account, region or service are recorded in the
    manifest and reported, and collection goes on.
    """
    # Imported here: boto3 takes a while to import and most commands skip it.
    from scanner.collectors.aws import CollectOptions, ProgressEvent, collect_aws

    ui = ui or _Ui(quiet=True)
    # botocore logs request headers (session tokens included) at DEBUG: never print them.
    for name in ("botocore", "boto3", "urllib3", "s3transfer"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger(name).level))
    regions = _aws_list(options.get("aws_regions"))
    all_regions = "all" in regions
    if all_regions and len(regions) > 1:
        _fail("--regions: give 'all' or a list of regions, not both")
    accounts = _aws_list(options.get("aws_accounts"))
    bad = [a for a in accounts if not (a.isdigit() and len(a) == 12)]
    if bad:
        _fail(f"--accounts: not 12-digit account ids: {', '.join(bad)}")
    collect_options = CollectOptions(
        profile=options.get("aws_profile"),
        regions=() if all_regions else regions,
        all_regions=all_regions,
        services=_aws_list(options.get("aws_services")),
        org=bool(options.get("aws_org")),
        role_name=options.get("aws_role_name") or "OrganizationAccountAccessRole",
        external_id=options.get("aws_external_id"),
        accounts=accounts,
        max_workers=int(options.get("aws_max_workers") or 8),
        endpoint_url=options.get("aws_endpoint_url"),
        max_attempts=int(options.get("aws_max_attempts") or 10),
    )
    started = time.monotonic()

    def _progress(event: ProgressEvent) -> None:
        ui.progress(
            f"collected {event.done}/{event.total}: {event.account} {event.region}"
            f" {event.service} ({event.resources} resources)"
        )

    manifest = collect_aws(output, collect_options, progress=_progress)
    accounts_seen = sorted({s.split(":")[1] for s in manifest.scopes if s.startswith("aws:")})
    ui.done(
        f"collected {manifest.resource_count:,} AWS resources from {len(accounts_seen)}"
        f" account(s) in {time.monotonic() - started:.1f}s"
    )
    _say_collection_errors(ui, manifest, output)
    return manifest


def _say_collection_errors(ui: _Ui, manifest: Any, output: Path) -> None:
    """List the first collection errors of a fresh snapshot (all are in its manifest)."""
    if not manifest.errors:
        return
    ui.say(f"{len(manifest.errors)} collection errors (in {output}/manifest.json):")
    for error in manifest.errors[:10]:
        where = " ".join(p for p in (error.account, error.region, error.service) if p)
        ui.say(f"  {where} {error.operation}: {error.code}: {error.message}")
    if len(manifest.errors) > 10:
        ui.say(f"  ... and {len(manifest.errors) - 10} more")


@collect.command("aws")
@_aws_options
@_snapshot_out_option
@_quiet_option
def collect_aws_command(output: Path, quiet: bool, **options: Any) -> None:
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
    """
    ui = _Ui(quiet)
    manifest = _collect_aws(output, ui, **options)
    ui.say(
        f"wrote {output}: {manifest.resource_count:,} resources in"
        f" {len(manifest.partitions)} partitions"
    )


# ---------------------------------------------------------------------- collect gcp


def _gcp_options(fn: Any) -> Any:
    for option in reversed(GCP_OPTIONS):
        fn = option(fn)
    return fn


def _collect_gcp(output: Path, ui: _Ui | None = None, **options: Any) -> Any:
    """Collect GCP into a snapshot at `output`; returns its SnapshotManifest.

    `options` are the GCP_OPTIONS values (gcp_scopes, gcp_export_files, gcp_asset_types,
    gcp_endpoint, gcp_read_time). Bad usage raises ConfigError (exit 2).
    """
    # Imported here: google-cloud-asset takes a while to import and most commands skip it.
    from scanner.collectors.gcp.collect import collect_gcp

    ui = ui or _Ui(quiet=True)
    read_time = None
    read_time_text: str | None = options.get("gcp_read_time")
    if read_time_text:
        try:
            read_time = datetime.fromisoformat(read_time_text.replace("Z", "+00:00"))
        except ValueError:
            msg = f"--read-time {read_time_text!r}: not an ISO 8601 time, e.g. 2026-11-26T12:00:00Z"
            raise ConfigError(msg) from None
        if read_time.tzinfo is None:
            read_time = read_time.replace(tzinfo=UTC)
    manifest, counts = collect_gcp(
        output,
        scopes=list(options.get("gcp_scopes") or ()),
        export_files=list(options.get("gcp_export_files") or ()),
        asset_types=_split_commas(tuple(options.get("gcp_asset_types") or ())),
        endpoint=options.get("gcp_endpoint"),
        read_time=read_time,
        progress=ui.progress,
    )
    ui.done(f"collected {manifest.resource_count:,} GCP resources")
    for rtype, count in sorted(counts.items()):
        ui.say(f"  {count:>8,}  {rtype}")
    _say_collection_errors(ui, manifest, output)
    return manifest


@collect.command("gcp")
@_gcp_options
@_snapshot_out_option
@_quiet_option
def collect_gcp(output: Path, quiet: bool, **options: Any) -> None:
    """Collect Google Cloud through Cloud Asset Inventory into a snapshot.

    Reads an organization, folder or project with the Cloud Asset API (Application
    Default Credentials; roles Cloud Asset Viewer and Security Reviewer at the scope),
    or reads `gcloud asset export` files. Failed API calls are recorded in the
    snapshot's manifest and collection goes on. See docs/gcp-collector.md.

    \b
    Examples:
      pscan collect gcp --scope organizations/123456789012 -o snap-gcp
      pscan collect gcp --scope projects/acme-prod --asset-types storage.googleapis.com/Bucket -o s
      pscan collect gcp --export-file resource.ndjson --export-file iam.ndjson -o snap-gcp
      pscan collect gcp --scope projects/demo --endpoint http://127.0.0.1:8085 -o snap
    """
    ui = _Ui(quiet)
    manifest = _collect_gcp(output, ui, **options)
    ui.say(f"wrote {output}: {manifest.resource_count:,} resources")


# ---------------------------------------------------------------------- snapshots, fixtures
@cli.group()
def snapshot() -> None:
    """Inspect and merge snapshots."""


@snapshot.command("info")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--verify",
    is_flag=True,
    help="Also check every partition against its sha256 and resource count (exit 2 if not).",
)
def snapshot_info(path: Path, verify: bool) -> None:
    """Print a snapshot's manifest summary and resource counts per type.

    \b
    Example:
      pscan snapshot info ./snap --verify
    """
    snap = open_snapshot(path)
    if verify:
        snap.verify()
    m = snap.manifest
    click.echo(f"{path}: schema {m.schema_version}, source {m.source or '-'}, taken {m.created_at}")
    click.echo(f"scopes: {', '.join(m.scopes) or '-'}")
    click.echo(
        f"{m.resource_count:,} resources in {len(m.partitions)} partitions,"
        f" {len(m.errors)} collection errors"
    )
    counts = Counter(r["type"] for r in snap.iter_resources())
    for rtype, n in counts.most_common():
        marker = "" if rtype in TYPES else "  (not in catalog)"
        click.echo(f"  {n:>8,}  {rtype}{marker}")


@snapshot.command("merge")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of the merged snapshot (written atomically).",
)
def snapshot_merge(sources: tuple[Path, ...], output: Path) -> None:
    """Merge snapshots (e.g. per account/region partitions) into one.

    \b
    Example:
      pscan snapshot merge snap-prod snap-staging -o snap-all
    """
    manifest = merge_snapshots(list(sources), output)
    click.echo(f"wrote {output}: {manifest.resource_count:,} resources")


@cli.group()
def fixtures() -> None:
    """Generate synthetic estates for tests and benchmarks."""


@fixtures.command("generate")
@click.option(
    "--resources",
    "count",
    type=click.IntRange(min=1),
    required=True,
    help="About how many resources.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same estate.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of the snapshot to write.",
)
@_quiet_option
def fixtures_generate(count: int, seed: int, output: Path, quiet: bool) -> None:
    """Write a seeded, deterministic synthetic estate as a snapshot.

    \b
    Example:
      pscan fixtures generate --resources 100000 --seed 7 -o /tmp/estate-100k
    """
    from scanner import synthetic  # only this command needs the generator

    ui = _Ui(quiet)
    counter = itertools.count(1)

    def _tick(resources: Iterator[Any]) -> Iterator[Any]:
        for r in resources:
            n = next(counter)
            if n % 10000 == 0:
                ui.progress(f"generated {n:,} resources")
            yield r

    manifest = write_snapshot(
        output,
        _tick(synthetic.generate(count, seed)),
        source=f"synthetic(seed={seed})",
        scopes=synthetic.generate_scopes(count, seed),
        # ages and expiries in the estate are relative to this fixed moment
        created_at=synthetic.REFERENCE_DATE,
    )
    ui.done(f"wrote {output}: {manifest.resource_count:,} resources")


# ---------------------------------------------------------------------- the IaC gate
@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Terraform plan JSON (terraform show -json plan.out) to judge with pscan's rules.",
)
@click.option(
    "--against",
    type=click.Path(path_type=Path),
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
@_format_option
@_output_option
@_gate_options
@click.option(
    "--framework",
    "frameworks",
    multiple=True,
    help="Report compliance for this framework id (repeatable).",
)
@_quiet_option
def iac(
    paths: tuple[Path, ...],
    plan_file: Path | None,
    against: Path | None,
    rule_paths: tuple[Path, ...],
    skip_checkov: bool,
    fmt: str,
    output: Path | None,
    fail_on: str | None,
    baseline_file: Path | None,
    config_file: Path | None,
    no_config: bool,
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
    from scanner.iac import IacRequest, run_iac  # only this command needs the IaC wiring

    ui = _Ui(quiet)
    if not paths and plan_file is None:
        _fail("give IaC PATHS to scan, --plan plan.json, or both")
    if against is not None and plan_file is None:
        _fail("--against needs --plan: the plan is what is overlaid on the snapshot")
    gate = _GateSetup(config_file, no_config, fail_on)
    gate.use_baseline(baseline_file)
    ruleset = gate.select(_load(rule_paths, False))
    request = IacRequest(
        paths=list(paths),
        ruleset=ruleset,
        plan=plan_file,
        against=against,
        run_checkov=not skip_checkov,
        checkov=gate.config.checkov,
        frameworks=frameworks or tuple(gate.config.frameworks) or None,
    )
    result = run_iac(request)
    doc = result.doc
    summary = gate.apply(
        doc, fixed=result.fixed, against=str(against) if against is not None else None
    )
    run = doc.checkov
    if run is not None and run.status in ("missing", "failed"):
        click.echo(f"pscan: warning: {run.message}", err=True)
    text = render(doc, fmt)
    if output:
        _write_atomic(output, text)
    else:
        click.echo(text, nl=not text.endswith("\n"))
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
    ui.say(_gate_line(summary))
    if output:
        ui.say(f"wrote {output}")
    _step_summary(doc)
    raise click.exceptions.Exit(exit_code(summary))


@cli.group()
def baseline() -> None:
    """Accept today's findings so that only new ones fail the gate."""


@baseline.command("create")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The baseline file to write (written atomically).",
)
@click.option(
    "--rules",
    "rule_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra rule pack folder, when a SOURCE is a snapshot to scan.",
)
@_quiet_option
def baseline_create(
    sources: tuple[Path, ...], output: Path, rule_paths: tuple[Path, ...], quiet: bool
) -> None:
    """Write a baseline from findings documents (pscan scan/iac -o) or snapshots.

    A SOURCE that is a snapshot directory is scanned with the rule packs first. Only
    failing findings that are not suppressed go into the baseline; pass it to
    `pscan scan` or `pscan iac` with --baseline.

    \b
    Examples:
      pscan iac infra/ --plan plan.json --fail-on none -o findings.json
      pscan baseline create findings.json -o baseline.json
      pscan baseline create ./snap-prod -o baseline.json
    """
    ui = _Ui(quiet)
    docs: list[FindingsDocument] = []
    ruleset: RuleSet | None = None
    for source in sources:
        if source.is_dir():
            ruleset = ruleset or _load(rule_paths, False)
            docs.append(_scan([open_snapshot(source)], ruleset, ui))
        else:
            docs.append(read_findings(source))
    result = baseline_from(docs, source=", ".join(str(s) for s in sources))
    _write_atomic(output, result.model_dump_json(indent=2) + "\n")
    ui.say(f"wrote {output}: {len(result.findings)} accepted findings")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `pscan` console script."""
    try:
        rv = cli.main(args=argv, prog_name="pscan", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.Abort:
        click.echo("aborted", err=True)
        return 2
    except BrokenPipeError:
        # the reader went away (`pscan rules list | head`): not an error worth a message
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":
    sys.exit(main())
