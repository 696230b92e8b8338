"""What the commands print: progress, summaries, the gate's verdict, documents.

Progress and summaries go to stderr (silent with --quiet; progress only on a terminal);
documents go to stdout or, with -o, to a file written atomically.
"""

from __future__ import annotations

import logging
import os
import sys
from collections import Counter
from pathlib import Path
from typing import NoReturn

import click

from scanner.app import render_text, write_report
from scanner.app.events import (
    AwsStep,
    Collected,
    Evaluated,
    Evaluating,
    Event,
    GcpStep,
    Generating,
    Kept,
    RulesLoaded,
)
from scanner.cli.options import SEVERITIES
from scanner.cost.amounts import money
from scanner.masking import inert, mask_text
from scanner.model import (
    CapacityReport,
    CostReport,
    FindingsDocument,
    GateSummary,
    SnapshotManifest,
)

__all__ = [
    "Ui",
    "cost_lines",
    "echo_text",
    "emit",
    "fail",
    "findings_summary",
    "gate_line",
    "headroom_line",
    "print_error",
    "step_summary",
]

logger = logging.getLogger("scanner")


def print_error(message: str) -> int:
    """One line on stderr for a user error; returns its exit code (2)."""
    click.echo(f"pscan: error: {inert(mask_text(message))}", err=True)
    return 2


def fail(message: str) -> NoReturn:
    """Stop with a usage error: one line on stderr, exit 2."""
    raise click.exceptions.Exit(print_error(message))


class Ui:
    """Progress and summaries on stderr; silent with --quiet or when stderr is no TTY."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.live = not quiet and sys.stderr.isatty()

    def progress(self, text: str) -> None:
        """A line that the next one replaces (terminals only)."""
        if self.live:
            click.echo(f"\r\033[K{inert(text)}", err=True, nl=False)

    def done(self, text: str) -> None:
        """The last word on a step shown with `progress` (terminals only)."""
        if self.live:
            click.echo(f"\r\033[K{inert(text)}", err=True)

    def say(self, text: str = "") -> None:
        """A line of the summary (unless --quiet)."""
        if not self.quiet:
            click.echo(inert(text), err=True)

    def on_event(self, event: Event) -> None:
        """Show what a use case reports while it runs."""
        match event:
            case RulesLoaded(rules=rules):
                self.progress(f"loaded {rules} rules")
            case Evaluating(resources=n):
                self.progress(f"scanned {n:,} resources")
            case Evaluated(resources=n, rules=rules, seconds=seconds):
                self.done(f"scanned {n:,} resources with {rules} rules in {seconds:.1f}s")
            case AwsStep(step=s):
                self.progress(
                    f"collected {s.done}/{s.total}: {s.account} {s.region}"
                    f" {s.service} ({s.resources} resources)"
                )
            case GcpStep(text=text):
                self.progress(text)
            case Collected():
                self._collected(event)
            case Kept(path=path):
                self.say(f"kept the collected snapshot in {path}")
            case Generating(resources=n):
                self.progress(f"generated {n:,} resources")

    def _collected(self, event: Collected) -> None:
        manifest = event.manifest
        if event.provider == "aws":
            accounts = sorted({s.split(":")[1] for s in manifest.scopes if s.startswith("aws:")})
            self.done(
                f"collected {manifest.resource_count:,} AWS resources from {len(accounts)}"
                f" account(s) in {event.seconds:.1f}s"
            )
        else:
            self.done(f"collected {manifest.resource_count:,} GCP resources")
            for rtype, count in sorted(event.counts.items()):
                self.say(f"  {count:>8,}  {rtype}")
        if manifest.metrics is not None:
            info = manifest.metrics
            self.say(
                f"metrics: {info.queries:,} queries over {info.window_days} days in"
                f" {info.api_calls:,} billed API calls"
            )
        if manifest.spend is not None and manifest.spend.api_calls:
            spend = manifest.spend
            calls = "Cost Explorer calls ($0.01 each)" if event.provider == "aws" else "API calls"
            self.say(f"spend: {spend.records:,} records from {spend.api_calls:,} billed {calls}")
        self._collection_errors(manifest, event.output)

    def _collection_errors(self, manifest: SnapshotManifest, output: Path) -> None:
        """List the first collection errors of a fresh snapshot (all are in its manifest)."""
        if not manifest.errors:
            return
        self.say(f"{len(manifest.errors)} collection errors (in {output}/manifest.json):")
        for error in manifest.errors[:10]:
            where = " ".join(p for p in (error.account, error.region, error.service) if p)
            self.say(f"  {where} {error.operation}: {error.code}: {error.message}")
        if len(manifest.errors) > 10:
            self.say(f"  ... and {len(manifest.errors) - 10} more")


def emit(doc: FindingsDocument, fmt: str, output: Path | None) -> None:
    """The document in `fmt`: to `output` (atomically) or to stdout."""
    if output:
        write_report(doc, fmt, output)
    else:
        echo_text(render_text(doc, fmt))


def echo_text(text: str) -> None:
    """Text on stdout, ending in exactly one newline; terminal controls removed when stdout
    is a terminal (a file or pipe gets the text as rendered)."""
    shown = inert(text) if sys.stdout.isatty() else text
    click.echo(shown, nl=not shown.endswith("\n"))


def step_summary(doc: FindingsDocument) -> None:
    """Append the Markdown report to the GitHub Actions job summary, when there is one."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(render_text(doc, "md"))
    except OSError as exc:
        logger.warning("cannot append to GITHUB_STEP_SUMMARY %s: %s", target, exc)


def gate_line(summary: GateSummary) -> str:
    """The gate's verdict in a line, then what needs attention (expired, stale, paths)."""
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
    if summary.errors:
        parts.append(f"{summary.errors} rule error(s)")
    if summary.undecided:
        parts.append(f"{summary.undecided} undecided (see the report for why)")
    lines = [", ".join(parts)]
    lines += [f"  expired: {s.rule} {s.resource} (owner {s.owner}, {s.expires})" for s in expired]
    lines += [f"  stale: {s.rule} {s.resource} matches nothing" for s in stale]
    lines += [f"  note: {n}" for n in summary.notes]
    for exposure in summary.new_exposures:
        lines.append("  new internet path: " + " -> ".join(exposure.path))
    return "\n".join(lines)


def findings_summary(doc: FindingsDocument, top: int = 10) -> str:
    """The findings of a scan in a few lines: counts, compliance, the worst findings."""
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
    if doc.capacity is not None:
        lines.append(headroom_line(doc.capacity))
    if doc.cost is not None:
        lines.extend(cost_lines(doc.cost))
    if failing:
        lines.append("top findings:")
        for f in failing[:top]:
            name = f.resource.name or f.resource.id
            lines.append(f"  [{f.severity.value.upper():8}] {f.rule_id}  {name}: {f.message}")
    return "\n".join(lines)


def cost_lines(report: CostReport) -> list[str]:
    """The cost section in a few lines: each currency's month and forecast, the estimates."""
    lines = []
    for cur in report.currencies:
        line = f"  cost ({cur.currency}, {', '.join(cur.providers)}):"
        if cur.current_month:
            line += f" {cur.current_month} to date {money(cur.month_to_date)}"
            if cur.forecast is not None:
                line += f", forecast {money(cur.forecast)}"
        if cur.last_month:
            line += f"; {cur.last_month} {money(cur.months[-2 if cur.current_month else -1].net)}"
        if cur.untagged_percent is not None:
            line += f"; untagged {cur.untagged_percent} %"
        lines.append(line)
    if not report.has_billing:
        lines.append("  cost: no billing data in the snapshots; list-price estimates only")
    lines.append(
        f"  list-price estimates: {money(report.estimated_monthly, report.estimate_currency)}"
        f" a month over {report.estimated_resources} priced resources"
    )
    return lines


def headroom_line(report: CapacityReport) -> str:
    """Headroom by product in a line: how many limits, and the one closest to being hit."""
    products = len(report.products)
    line = f"  headroom: {report.constraints} limits over {products} product(s)"
    for group in report.products:  # least headroom first
        first = group.first_limit
        if first is not None:
            where = first.resource.name or first.resource.id
            line += (
                f"; least: {group.name}: {first.limited} ({where}) at {first.headroom_percent:.1f}%"
            )
            break
    return line
