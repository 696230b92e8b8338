"""From users to load: the demand side of a capacity plan, pure arithmetic.

For a product at a horizon (a month):

- users: the model's figure for that month; else `today` grown by `monthly_growth`
  compounded monthly; else geometric interpolation between the nearest given months
  (extrapolated with the last segment's rate; flat when only `today` is known);
- daily page views = users x page views per user per day;
- peak page views per second = daily page views x peak-hour share / 3,600, or the day's
  average rate (daily / 86,400) x the peak-to-average factor;
- a tier's peak requests per second = peak page views per second x its requests per
  page view;
- instances needed = ceil(peak RPS / (per-instance RPS x target utilisation));
- requests in flight (Little's law) = peak RPS x time in the tier (seconds), which is
  also the Lambda concurrency a function tier needs and, times the connections each
  request holds, the database connections.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from scanner.forecast.model import CapacityModel, Product, Tier, month_of

__all__ = [
    "Demand",
    "instances_needed",
    "months_between",
    "peak_page_views_per_second",
    "tier_demand",
    "users_at",
]

_DAY = 86_400.0
_HOUR = 3_600.0


def months_between(start: date, month: str) -> float:
    """Months from `start` to the first day of `month` (YYYY-MM), fractional by days."""
    year, mon = month_of(month)
    whole = (year - start.year) * 12 + (mon - start.month)
    return whole - (start.day - 1) / 30.4375


def users_at(product: Product, as_of: date, month: str) -> float:
    """The product's users at `month` (see the module docstring for the rule)."""
    if month in product.users:
        return float(product.users[month])
    today = float(product.users["today"])
    if product.monthly_growth is not None:
        growth = 1.0 + product.monthly_growth
        return today * float(growth ** months_between(as_of, month))
    points = sorted(
        [(0.0, today)]
        + [(months_between(as_of, m), float(u)) for m, u in product.users.items() if m != "today"]
    )
    target = months_between(as_of, month)
    if len(points) == 1:
        return today
    before = [p for p in points if p[0] <= target]
    after = [p for p in points if p[0] > target]
    if before and after:
        (t0, u0), (t1, u1) = before[-1], after[0]
    else:  # beyond the known points: extend the nearest segment's rate
        (t0, u0), (t1, u1) = (points[-2], points[-1]) if not after else (points[0], points[1])
    if u0 <= 0 or u1 <= 0 or t1 == t0:
        return u0 + (u1 - u0) * (target - t0) / (t1 - t0 or 1)
    rate = float((u1 / u0) ** (1 / (t1 - t0)))
    return u0 * float(rate ** (target - t0))


def peak_page_views_per_second(product: Product, users: float) -> float:
    """Page views per second in the busiest hour for `users` users."""
    daily = users * product.page_views_per_user
    if product.peak_hour_share is not None:
        return daily * product.peak_hour_share / _HOUR
    return daily / _DAY * float(product.peak_to_average or 1.0)


def instances_needed(peak_rps: float, per_instance_rps: float, target_utilisation: float) -> int:
    """ceil(peak RPS / (per-instance RPS x target utilisation)); at least 1 for any load."""
    if peak_rps <= 0:
        return 0
    return max(1, math.ceil(peak_rps / (per_instance_rps * target_utilisation) - 1e-9))


@dataclass(frozen=True)
class Demand:
    """What one tier of a product must handle at one horizon."""

    product: str
    tier: str
    horizon: str
    users: float
    peak_rps: float
    in_flight: float  # Little's law: peak RPS x seconds per request
    instances: int | None  # None when the tier's per-instance throughput is unknown
    connections: float | None
    read_units: float | None
    write_units: float | None


def tier_demand(
    model: CapacityModel,
    product_name: str,
    tier_name: str,
    horizon: str,
    per_instance_rps: float | None = None,
) -> Demand:
    """The demand on one tier at one horizon.

    `per_instance_rps` overrides the tier's declared figure (a load-test result).
    """
    product = model.products[product_name]
    tier: Tier = product.tiers[tier_name]
    users = users_at(product, model.as_of, horizon)
    peak = peak_page_views_per_second(product, users) * tier.requests_per_page_view
    seconds = (tier.latency_ms or product.latency_objective_ms) / 1000
    in_flight = peak * seconds
    rps = per_instance_rps or tier.per_instance_rps
    utilisation = tier.target_utilisation or product.target_utilisation
    return Demand(
        product=product_name,
        tier=tier_name,
        horizon=horizon,
        users=users,
        peak_rps=peak,
        in_flight=in_flight,
        instances=instances_needed(peak, rps, utilisation) if rps else None,
        connections=in_flight * tier.connections_per_request
        if tier.connections_per_request
        else None,
        read_units=peak * tier.read_units_per_request
        if tier.read_units_per_request is not None
        else None,
        write_units=peak * tier.write_units_per_request
        if tier.write_units_per_request is not None
        else None,
    )
