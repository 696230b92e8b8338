"""The use cases: what each `pscan` command does, as typed functions.

The CLI, the benchmarks and the tests call these; the CLI adds only option parsing,
printing and exit codes. Each use case takes a frozen request (or plain typed
arguments), returns a result, reports progress through an optional `Listener`
(`scanner.app.events`), and raises `ScannerError`s for bad input. None prints or exits.

| command | use case |
|---|---|
| `pscan scan` | `run_scan(ScanRequest)` |
| `pscan collect aws/gcp` | `collect_aws(out, AwsOptions)`, `collect_gcp(out, GcpOptions)` |
| `pscan iac` | `run_iac(IacRequest)` |
| `pscan report` | `run_report(ReportRequest)`, then `write_report` or `render_text` |
| `pscan demo` | `run_demo(out)` |
| `pscan baseline create` | `create_baseline(sources, out)` |
| `pscan capacity show` | `show_capacity(CapacityRequest)`, then `render_capacity` |
| `pscan cost` | `run_cost(CostRequest)`, then `render_cost` |
| `pscan capacity init`, `plan` | `init_model(snapshots, out)`, `run_plan(PlanRequest)` |
| `pscan fixtures generate` | `generate_fixtures(out, resources, seed)` |
| `pscan prices update` | `update_prices(PricesRequest)` |
| `pscan loadtest` | `run_loadtest(LoadTestRequest, out)`, `plan_loadtest`, `write_loadtest_plan` |
| `pscan audit run` | `run_audit(AuditRequest)` (scanner/app/audit.py) |
| `pscan audit list/show/diff` | `audit_list`, `audit_show`, `audit_diff` |
| `pscan audit trend/report/prune` | `audit_trend`, `audit_report`, `audit_prune` |
| `pscan architecture` | `run_architecture(ArchitectureRequest)`, `new_adr(AdrRequest)` |
| `pscan rules ...` | `list_rules`, `find_rule`, `framework_coverage`, `rule_tests` |
| `pscan snapshot ...`, `pscan diagram` | `snapshot_info`, `merge`, `draw_diagram` |

Rule packs are loaded by `load_ruleset(RuleOptions)`; the gate is set up by `load_gate`,
in one place for scan, iac and report.
"""

import ast
import functools
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scanner.app.baseline import create_baseline
    from scanner.app.capacity import (
        CAPACITY_FORMATS,
        CapacityRequest,
        product_tags,
        render_capacity,
        select_product,
        show_capacity,
    )
    from scanner.app.collect import (
        AwsOptions,
        CostOptions,
        GcpOptions,
        MetricsOptions,
        collect_aws,
        collect_gcp,
    )
    from scanner.app.cost import COST_FORMATS, CostRequest, CostResult, render_cost, run_cost
    from scanner.app.demo import DemoResult, run_demo
    from scanner.app.events import Listener, ignore
    from scanner.app.files import write_atomic
    from scanner.app.fixtures import generate_fixtures
    from scanner.app.forecast import PlanRequest, PlanResult, init_model, run_plan
    from scanner.app.gate import Gate, GateOptions, load_gate
    from scanner.app.iac import IacRequest, IacResult, run_iac
    from scanner.app.loadtest import (
        LoadTestRequest,
        plan_loadtest,
        run_loadtest,
        write_loadtest_plan,
    )
    from scanner.app.prices import PricesRequest, PricesResult, update_prices
    from scanner.app.report import (
        FORMATS,
        ReportRequest,
        ReportResult,
        render_text,
        run_report,
        write_report,
    )
    from scanner.app.rules import (
        FrameworkCoverage,
        RuleListing,
        find_rule,
        framework_coverage,
        list_rules,
        rule_tests,
    )
    from scanner.app.scan import (
        Parallel,
        RuleOptions,
        ScanRequest,
        ScanResult,
        load_ruleset,
        run_scan,
        scan_snapshots,
    )
    from scanner.app.snapshots import (
        DIAGRAM_FORMATS,
        DIAGRAM_VIEWS,
        SnapshotInfo,
        TypeCount,
        draw_diagram,
        merge,
        snapshot_info,
    )


__all__ = [
    "CAPACITY_FORMATS",
    "COST_FORMATS",
    "DIAGRAM_FORMATS",
    "DIAGRAM_VIEWS",
    "FORMATS",
    "AwsOptions",
    "CapacityRequest",
    "CostOptions",
    "CostRequest",
    "CostResult",
    "DemoResult",
    "FrameworkCoverage",
    "Gate",
    "GateOptions",
    "GcpOptions",
    "IacRequest",
    "IacResult",
    "Listener",
    "LoadTestRequest",
    "MetricsOptions",
    "Parallel",
    "PlanRequest",
    "PlanResult",
    "PricesRequest",
    "PricesResult",
    "ReportRequest",
    "ReportResult",
    "RuleListing",
    "RuleOptions",
    "ScanRequest",
    "ScanResult",
    "SnapshotInfo",
    "TypeCount",
    "collect_aws",
    "collect_gcp",
    "create_baseline",
    "draw_diagram",
    "find_rule",
    "framework_coverage",
    "generate_fixtures",
    "ignore",
    "init_model",
    "list_rules",
    "load_gate",
    "load_ruleset",
    "merge",
    "plan_loadtest",
    "product_tags",
    "render_capacity",
    "render_cost",
    "render_text",
    "rule_tests",
    "run_cost",
    "run_demo",
    "run_iac",
    "run_loadtest",
    "run_plan",
    "run_report",
    "run_scan",
    "scan_snapshots",
    "select_product",
    "show_capacity",
    "snapshot_info",
    "update_prices",
    "write_atomic",
    "write_loadtest_plan",
    "write_report",
]


@functools.cache
def _sources() -> dict[str, str]:
    """Each exported name's module, as the imports under TYPE_CHECKING above give it."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    block = next(
        n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"
    )
    return {
        alias.name: node.module
        for node in block.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }


def __getattr__(name: str) -> Any:
    """Import a use case's module when one of its names is first asked for: a command
    then loads only what it runs (`pscan --version` loads none of them)."""
    module = _sources().get(name)
    if module is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
