"""Cost findings over actual spend: budgets, month-over-month growth, untagged spend.

Report-level findings (like the capacity plan's): they judge a `CostReport`, not one
resource, so their resource is the thing the amount belongs to: `cost.budget`
(`cost:product:NAME` / `cost:account:ID`), `cost.service` (`cost:service:NAME`) or
`cost.spend` (`cost:untagged:CURRENCY`). Each carries the amounts in its message and
evidence; none is a saving by itself, so none sets `monthly_cost_usd` (the estimated
waste sums the resource findings that are).

- `cost_budget_not_exceeded`: a budget's product or account has spent its budget this
  month (high), is forecast to (medium), or has reached `warn_at_percent` of it, spent
  or forecast (low). Spent is the month to date (the last full month when the billing
  data has no month in progress); a product's or account's forecast is its month to
  date scaled like the currency's total (forecast / month to date).
- `cost_service_growth_within_limit`: a service's last full month grew more than
  `growth_percent` over the month before (a service new that month has no rate and is
  not reported).
- `cost_untagged_spend_within_limit`: the last full month's share of spend without a
  product tag is above `untagged_percent`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from scanner.cost.amounts import cents, money
from scanner.cost.settings import Budget, CostSettings
from scanner.headroom import UNTAGGED
from scanner.model import (
    Category,
    CostLine,
    CostReport,
    CurrencyCost,
    Finding,
    Remediation,
    ResourceRef,
    Severity,
    fingerprint,
)

__all__ = [
    "BUDGET_RULE",
    "COST_SOURCE",
    "GROWTH_RULE",
    "UNTAGGED_RULE",
    "budgets_unmatched",
    "cost_findings",
]

BUDGET_RULE = "cost_budget_not_exceeded"
GROWTH_RULE = "cost_service_growth_within_limit"
UNTAGGED_RULE = "cost_untagged_spend_within_limit"
COST_SOURCE = "pscan cost"  # the `source` of these findings
_ZERO = Decimal(0)


def _finding(
    rule_id: str,
    title: str,
    severity: Severity,
    resource: ResourceRef,
    currency: str,
    message: str,
    evidence: Mapping[str, object],
    fix: str,
) -> Finding:
    return Finding(
        fingerprint=fingerprint(f"{rule_id}:{currency}", resource.id),
        rule_id=rule_id,
        title=title,
        severity=severity,
        category=Category.COST,
        resource=resource,
        message=message,
        evidence={"currency": currency, **evidence},
        remediation=Remediation(summary=fix),
        source=COST_SOURCE,
    )


def _share(part: Decimal, whole: Decimal) -> str:
    return f"{float(part / whole * 100):.1f} %"


def _budget(budget: Budget, cur: CurrencyCost) -> Finding | None:
    kind, name = budget.scope
    lines = cur.by_product if kind == "product" else cur.by_account
    line = next((x for x in lines if x.name == name), None)
    if line is None:
        return None
    month = cur.current_month or cur.last_month or ""
    spent = line.month_to_date if cur.current_month else line.last_month
    forecast = None
    if cur.current_month and cur.forecast is not None and cur.month_to_date > 0:
        forecast = cents(spent * cur.forecast / cur.month_to_date)
    limit, c = budget.monthly, budget.currency
    warn = limit * Decimal(str(budget.warn_at_percent)) / 100
    label = f"{kind} {name}"
    spent_text = f"{money(spent, c)} spent in {month}" + (" to date" if cur.current_month else "")
    of_budget = f"the {money(limit, c)} monthly budget of {label}"
    if spent >= limit:
        severity, message = (
            Severity.HIGH,
            f"{spent_text}: over {of_budget} ({_share(spent, limit)})",
        )
    elif forecast is not None and forecast >= limit:
        severity, message = (
            Severity.MEDIUM,
            f"forecast {money(forecast, c)} for {month} is over {of_budget}"
            f" ({_share(forecast, limit)}); {spent_text}",
        )
    elif max(spent, forecast or _ZERO) >= warn:
        severity, message = (
            Severity.LOW,
            f"{spent_text}, forecast {money(forecast or spent, c)}: past"
            f" {budget.warn_at_percent:g} % of {of_budget}",
        )
    else:
        return None
    resource = ResourceRef(
        id=f"cost:{kind}:{name}",
        type="cost.budget",
        name=label,
        provider=line.provider,
        account=name if kind == "account" else "",
    )
    evidence = {
        "month": month,
        "budget": str(limit),
        "spent": str(spent),
        "forecast": None if forecast is None else str(forecast),
        "warn_at_percent": budget.warn_at_percent,
    }
    fix = (
        f"Review the spend of {label} (pscan cost --format md): cut or rightsize what grew,"
        " or raise the budget in .pscan.yaml (cost.budgets) if the growth is planned."
    )
    return _finding(
        BUDGET_RULE, "Spend stays within its budget", severity, resource, c, message, evidence, fix
    )


def _growth(line: CostLine, cur: CurrencyCost, limit: float) -> Finding | None:
    if line.change_percent is None or line.change_percent <= limit or line.change <= 0:
        return None
    c = cur.currency
    months = [m.month for m in cur.months if not m.partial]
    before, last = months[-2], months[-1]
    message = (
        f"{line.name} grew {line.change_percent:.1f} % month over month:"
        f" {money(line.previous_month, c)} in {before} -> {money(line.last_month, c)} in {last}"
        f" (+{money(line.change, c)}; threshold {limit:g} %)"
    )
    resource = ResourceRef(
        id=f"cost:service:{line.name}", type="cost.service", name=line.name, provider=line.provider
    )
    evidence = {
        "month": last,
        "previous": str(line.previous_month),
        "last": str(line.last_month),
        "change": str(line.change),
        "change_percent": line.change_percent,
        "threshold_percent": limit,
    }
    fix = (
        "Find what grew (pscan cost: by account, region and product, and the top resources)"
        " and confirm it was planned; raise cost.growth_percent in .pscan.yaml if such growth"
        " is normal for this estate."
    )
    return _finding(
        GROWTH_RULE,
        "Service spend grows within the expected rate",
        Severity.MEDIUM,
        resource,
        c,
        message,
        evidence,
        fix,
    )


def _untagged(cur: CurrencyCost, limit: float) -> Finding | None:
    if cur.untagged is None or cur.untagged_percent is None or cur.untagged_percent <= limit:
        return None
    c = cur.currency
    message = (
        f"{money(cur.untagged, c)} of {cur.last_month}'s spend ({cur.untagged_percent:.1f} %)"
        f" has no product tag; threshold {limit:g} %"
    )
    resource = ResourceRef(id=f"cost:untagged:{c}", type="cost.spend", name=f"{UNTAGGED} {c}")
    evidence = {
        "month": cur.last_month,
        "untagged": str(cur.untagged),
        "untagged_percent": cur.untagged_percent,
        "threshold_percent": limit,
    }
    fix = (
        "Tag every resource with its product (the product tag, e.g. Product) and activate the"
        " tag as a cost allocation tag (AWS Billing) / use the label in GCP; docs/cost.md."
    )
    return _finding(
        UNTAGGED_RULE,
        "Spend carries a product tag",
        Severity.LOW,
        resource,
        c,
        message,
        evidence,
        fix,
    )


def cost_findings(report: CostReport | None, settings: CostSettings) -> list[Finding]:
    """The budget, growth and untagged-spend findings of a cost report (none without spend)."""
    if report is None:
        return []
    out: list[Finding | None] = []
    for cur in report.currencies:
        out.extend(_budget(b, cur) for b in settings.budgets if b.currency == cur.currency)
        out.extend(_growth(line, cur, settings.growth_percent) for line in cur.by_service)
        out.append(_untagged(cur, settings.untagged_percent))
    return [f for f in out if f is not None]


def budgets_unmatched(report: CostReport, budgets: Sequence[Budget]) -> list[str]:
    """Budgets whose product or account has no spend in their currency (for notes)."""
    out = []
    for b in budgets:
        kind, name = b.scope
        found = any(
            line.name == name
            for cur in report.currencies
            if cur.currency == b.currency
            for line in (cur.by_product if kind == "product" else cur.by_account)
        )
        if not found:
            out.append(f"{kind} {name} ({b.currency})")
    return out
