"""What an estate costs: list-price estimates of resources, actual spend, cost findings.

| module | holds |
|---|---|
| `amounts.py` | `cents`, `money`: amounts to the cent (renderers use it too) |
| `estimate.py` | `monthly_estimate(resource, prices)`: one resource's list price per month |
| `spend.py` | the snapshots' spend records per currency: months, breakdowns, movers |
| `report.py` | `Costs`: estimates gathered in the evaluation pass, then the `CostReport` |
| `findings.py` | budget, growth and untagged-spend findings over a `CostReport` |
| `settings.py` | the `cost:` section of `.pscan.yaml` (budgets and thresholds) |

docs/cost.md says what each figure means and where it comes from.
"""

from scanner.cost.amounts import cents, money
from scanner.cost.estimate import ESTIMATED_TYPES, monthly_estimate
from scanner.cost.findings import COST_SOURCE, budgets_unmatched, cost_findings
from scanner.cost.report import Costs, waste
from scanner.cost.settings import Budget, CostSettings
from scanner.cost.spend import spend_by_currency

__all__ = [
    "COST_SOURCE",
    "ESTIMATED_TYPES",
    "Budget",
    "CostSettings",
    "Costs",
    "budgets_unmatched",
    "cents",
    "cost_findings",
    "money",
    "monthly_estimate",
    "spend_by_currency",
    "waste",
]
