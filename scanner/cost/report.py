"""The cost report of a scan, gathered in the pass that evaluates the rules.

`Costs` takes each resource's list-price estimate as the resources stream by (wrap the
stream with `observe`, as `scanner.headroom.Headroom` does), keeping sums by type and
product and the most expensive resources only; `report` then adds the snapshots'
actual spend (`scanner.cost.spend`) and the waste the cost findings found.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from scanner.cost.amounts import cents
from scanner.cost.estimate import monthly_estimate
from scanner.cost.spend import spend_by_currency
from scanner.engine.spec import PriceTable
from scanner.headroom import DEFAULT_PRODUCT_TAGS, masked_ref, product_of
from scanner.model import (
    Category,
    CostReport,
    Finding,
    FindingStatus,
    ResourceCost,
    ResourceRef,
    SpendRecord,
)

__all__ = ["TOP_RESOURCES", "Costs", "waste"]

TOP_RESOURCES = 20
_ZERO = Decimal(0)


_REF_FIELDS = ("id", "type", "name", "provider", "account", "region", "tags")


def _slim(resource: Mapping[str, Any]) -> dict[str, Any]:
    """The fields `_ref` reads."""
    return {k: resource[k] for k in _REF_FIELDS if k in resource}


def _ref(resource: Mapping[str, Any]) -> ResourceRef:
    return masked_ref(resource, tags=True)


def waste(findings: Iterable[Finding]) -> tuple[Decimal, int]:
    """The monthly cost of the failing cost findings that carry one, and how many do."""
    total, count = _ZERO, 0
    for f in findings:
        cost = f.monthly_cost_usd
        if f.category is Category.COST and f.status is FindingStatus.FAIL and cost is not None:
            total += Decimal(str(cost))
            count += 1
    return cents(total), count


class Costs:
    """List-price estimates over a stream of resources, then the cost report."""

    def __init__(
        self,
        prices: PriceTable | None,
        product_tags: Sequence[str] = DEFAULT_PRODUCT_TAGS,
        top: int = TOP_RESOURCES,
    ) -> None:
        self.prices = prices
        self.product_tags = list(product_tags) or list(DEFAULT_PRODUCT_TAGS)
        self._keys = [k.lower() for k in self.product_tags]
        self._top = top
        self._total = _ZERO
        self._count = 0
        self._by_type: dict[str, Decimal] = defaultdict(Decimal)
        self._by_product: dict[str, Decimal] = defaultdict(Decimal)
        self._best: list[tuple[Decimal, str, Mapping[str, Any], str]] = []
        # the least value kept by the last trim of a full top: a smaller one never enters
        self._least = _ZERO

    def observe(self, resources: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
        """Yield each resource unchanged after taking its estimate (for a shared pass)."""
        for resource in resources:
            self.add(resource)
            yield resource

    def add(self, resource: Mapping[str, Any]) -> None:
        """Take one resource's estimate (nothing when it has no price)."""
        if self.prices is None:
            return
        value = monthly_estimate(resource, self.prices)
        if value is None:
            return
        product = product_of(resource.get("tags"), self._keys)
        self._total += value
        self._count += 1
        self._by_type[str(resource.get("type"))] += value
        self._by_product[product] += value
        if value > 0 and value >= self._least:
            self._best.append((value, str(resource.get("id")), resource, product))
            if len(self._best) > 4 * self._top:  # keep memory flat on a large stream
                self._trim()

    def merge(self, later: Costs) -> None:
        """Take in what `later` gathered from the resources that follow this one's.

        A parallel scan takes the estimates partition by partition in its workers and
        merges the parts in partition order; sums are Decimal, so the report is the one
        pass's report.
        """
        self._total += later._total
        self._count += later._count
        for rtype, value in later._by_type.items():
            self._by_type[rtype] += value
        for product, value in later._by_product.items():
            self._by_product[product] += value
        self._best.extend(later._best)
        if len(self._best) > 4 * self._top:
            self._trim()

    def __getstate__(self) -> dict[str, Any]:
        """What a worker sends back: the sums and the top resources (slimmed), not the
        price table, which the parent already has."""
        self._trim()
        state = dict(vars(self))
        state["prices"] = None
        state["_best"] = [(v, rid, _slim(r), p) for v, rid, r, p in self._best]
        return state

    def _trim(self) -> None:
        self._best.sort(key=lambda item: (-item[0], item[1]))
        del self._best[self._top :]
        if len(self._best) == self._top and self._top:
            self._least = self._best[-1][0]

    def report(
        self,
        spend: Iterable[SpendRecord],
        now: datetime,
        findings: Iterable[Finding] = (),
        sources: Sequence[str] = (),
    ) -> CostReport | None:
        """The cost report; None when there is neither spend nor a priced resource."""
        currencies = spend_by_currency(spend, now)
        if not currencies and not self._count:
            return None
        self._trim()
        wasted, wasted_count = waste(findings)
        return CostReport(
            has_billing=bool(currencies),
            sources=list(sources),
            as_of=now,
            product_tags=self.product_tags,
            currencies=currencies,
            estimate_currency=self.prices.currency if self.prices else "USD",
            estimate_prices_as_of=self.prices.as_of if self.prices else "",
            estimated_monthly=self._total,
            estimated_resources=self._count,
            estimates_by_type=dict(sorted(self._by_type.items(), key=lambda kv: (-kv[1], kv[0]))),
            estimates_by_product=dict(
                sorted(self._by_product.items(), key=lambda kv: (-kv[1], kv[0]))
            ),
            top_resources=[
                ResourceCost(resource=_ref(r), monthly=value, product=product)
                for value, _, r, product in self._best
            ],
            waste_monthly_usd=wasted,
            waste_findings=wasted_count,
        )
