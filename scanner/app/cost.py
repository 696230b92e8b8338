"""`pscan cost`: what the snapshots' estate costs, and the cost findings.

One pass over the snapshots' resources evaluates the cost rules (their findings are the
estimated waste) and takes each resource's list-price estimate; the snapshots' spend
records give the actual spend; the budgets and thresholds of `.pscan.yaml` (`cost:`)
add the budget, growth and untagged-spend findings. Without billing data the report
says so and shows the estimates alone. docs/cost.md explains every figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scanner.app.capacity import product_tags
from scanner.app.gate import GateOptions, load_gate
from scanner.app.scan import load_ruleset, scan_snapshots
from scanner.cost import budgets_unmatched
from scanner.errors import ConfigError, ReportError
from scanner.model import Category, CostReport, FindingsDocument
from scanner.render.cost import render_cost_csv, render_cost_json, render_cost_text
from scanner.render.html import render_html
from scanner.render.markdown import render_cost_markdown
from scanner.snapshot import open_snapshot
from scanner.storage import SnapshotPath

__all__ = ["COST_FORMATS", "CostRequest", "CostResult", "empty_cost", "render_cost", "run_cost"]

# text: a terminal summary; json: the `cost` object of a findings document; md: the
# Markdown report's section; csv: one row per amount; html: a report of the cost
# section and the cost findings.
COST_FORMATS = ("text", "json", "md", "csv", "html")


@dataclass(frozen=True)
class CostRequest:
    """What `pscan cost` was asked to do."""

    snapshots: tuple[SnapshotPath, ...]
    product_tags: tuple[str, ...] = ()
    config: GateOptions = field(default_factory=GateOptions)  # --config / --no-config


@dataclass
class CostResult:
    """The cost report, inside a findings document of the cost findings."""

    doc: FindingsDocument
    notes: list[str] = field(default_factory=list)

    @property
    def report(self) -> CostReport:
        """The document's cost section (empty when the snapshots have nothing priced)."""
        return self.doc.cost or empty_cost()


def empty_cost() -> CostReport:
    """The report of snapshots with neither spend nor a priced resource."""
    return CostReport(has_billing=False)


def run_cost(request: CostRequest) -> CostResult:
    """The cost report of the snapshots, with the cost findings.

    Raises:
        ConfigError: no snapshot given, or a bad config file (bad budgets among them).
        SnapshotError: a snapshot or its spend is missing or unreadable.
    """
    if not request.snapshots:
        msg = "give one or more SNAPSHOT folders"
        raise ConfigError(msg)
    gate = load_gate(request.config)
    ruleset = gate.tune(load_ruleset())
    costly = [rid for rid, rule in ruleset.rules.items() if rule.spec.category is Category.COST]
    snaps = [open_snapshot(p) for p in request.snapshots]
    tags = product_tags(request.product_tags, gate.config)
    doc = scan_snapshots(
        snaps, ruleset.select(ids=costly), product_tags=tags, cost=gate.config.cost
    )
    doc.frameworks = []
    doc.findings = [f for f in doc.findings if f.category is Category.COST]
    doc.capacity = None
    if doc.cost is None:
        doc.cost = empty_cost()
    notes = [
        f"budget of {scope}: no spend of it in the billing data"
        for scope in budgets_unmatched(doc.cost, gate.config.cost.budgets)
    ]
    return CostResult(doc=doc, notes=notes if doc.cost.has_billing else [])


def render_cost(result: CostResult, fmt: str, rows: int = 10) -> str:
    """The report in one of COST_FORMATS; `rows` limits lines per breakdown (0: all).

    Raises:
        ReportError: fmt is not one of COST_FORMATS.
    """
    report = result.report
    if fmt == "json":
        return render_cost_json(report)
    if fmt == "md":
        return render_cost_markdown(report, rows)
    if fmt == "csv":
        return render_cost_csv(report)
    if fmt == "html":
        return render_html(result.doc)
    if fmt == "text":
        return render_cost_text(report, rows)
    msg = f"unknown cost format {fmt!r} (use one of: {', '.join(COST_FORMATS)})"
    raise ReportError(msg)
