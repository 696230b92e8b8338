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
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import click

from scanner import __version__
from scanner.catalog import TYPES
from scanner.engine import build_document, evaluate, load_rules, run_rule_tests
from scanner.engine.loader import RuleSet
from scanner.errors import ConfigError, ReportError, ScannerError
from scanner.model import Category, FindingsDocument, Severity, SnapshotSummary
from scanner.paths import data_dir
from scanner.render import FORMATS, render
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


def _write_atomic(path: Path, text: str) -> None:
    """Write a file so that readers see the old content or the complete new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
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
    tripped = any(f.status == "fail" and f.severity.rank >= threshold for f in doc.findings)
    return 1 if tripped else 0


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
                for k in ("passed", "failed", "manual", "not_covered")
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


@cli.command()
@click.argument("snapshots", nargs=-1, required=True, type=click.Path(path_type=Path))
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
@click.option(
    "--fail-on",
    type=click.Choice(GATE_CHOICES),
    default="high",
    show_default=True,
    help="Exit 1 when a finding at or above this severity exists ('none': never).",
)
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
    fail_on: str,
    frameworks: tuple[str, ...],
    quiet: bool,
) -> None:
    """Scan one or more snapshots with the rule packs and write findings.

    \b
    Examples:
      pscan scan ./snap -o findings.json
      pscan scan ./snap-prod ./snap-staging --format sarif -o results.sarif --fail-on critical
      pscan scan ./snap --rules ./my-rules --min-severity medium --format md
      pscan scan ./snap --framework cis-aws-foundations-3.0 --format html -o report.html
    """
    ui = _Ui(quiet)
    snaps = _open_snapshots(snapshots)
    ruleset = _load(rule_paths, no_builtin_rules)
    if rule_ids:
        unknown = sorted(set(rule_ids) - set(ruleset.rules))
        if unknown:
            _fail(f"--rule: unknown rule id(s): {', '.join(unknown)}")
    ruleset = ruleset.select(
        ids=rule_ids or None, min_severity=Severity(min_severity) if min_severity else None
    )
    doc = _scan(snaps, ruleset, ui, frameworks)
    text = render(doc, fmt)
    if output:
        _write_atomic(output, text)
        ui.say(_summary(doc))
        ui.say(f"wrote {output}")
    else:
        click.echo(text, nl=not text.endswith("\n"))
    raise click.exceptions.Exit(_gate(doc, fail_on))


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
def rules_list(
    rule_paths: tuple[Path, ...],
    no_builtin_rules: bool,
    provider: str | None,
    category: str | None,
    severity: str | None,
    fmt: str,
) -> None:
    """List rules with their severity and category, and counts per provider and category.

    \b
    Examples:
      pscan rules list --provider aws --category iam
      pscan rules list --format json | jq '.[].id'
    """
    ruleset = _load(rule_paths, no_builtin_rules)
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


# ---------------------------------------------------------------------- snapshots, fixtures
@cli.group()
def snapshot() -> None:
    """Inspect and merge snapshots."""


@snapshot.command("info")
@click.argument("path", type=click.Path(path_type=Path))
def snapshot_info(path: Path) -> None:
    """Print a snapshot's manifest summary and resource counts per type."""
    snap = open_snapshot(path)
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
    from scanner.collectors import synthetic  # only this command needs the generator

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
