"""The capacity model (`capacity.yaml`): the load each product will bring, and who serves it.

A model names, per product, how many users it has today and will have at future dates
(or a monthly growth rate), how much each user does a day (page views, or sessions and
pages per session), how peaky the day is, and for each tier (web, API, background,
database, table, function, queue) which resources serve it and how much one of them can
take. `load_model` validates a file into a `CapacityModel`; any problem is one
`ConfigError` naming file:line:field.

```yaml
version: 1
as_of: 2026-12-01            # the date "today" in users refers to
horizons: [2027-06, 2027-12] # the months to plan for (YYYY-MM)
products:
  checkout:
    users: {today: 40000, 2027-06: 120000}
    page_views_per_user_per_day: 6
    peak_hour_share: 0.12    # or peak_to_average: 2.5
    latency_objective_ms: 300
    tiers:
      web:
        kind: web
        requests_per_page_view: 1
        resources: {type: aws.autoscaling.group}
        per_instance_rps: 80   # or loadtest: web-loadtest.json
        latency_ms: 120
        requests: [{path: /, weight: 3}, {path: /cart, weight: 1}]
```
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from scanner.errors import ConfigError
from scanner.yamlfile import located_problem, read_yaml_lines

__all__ = [
    "CapacityModel",
    "Product",
    "RequestMix",
    "Tier",
    "TierResources",
    "load_model",
    "month_of",
]

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
TierKind = Literal["web", "api", "background", "database", "table", "function", "queue"]


def month_of(text: str) -> tuple[int, int]:
    """(year, month) of a `YYYY-MM` string."""
    year, month = text.split("-")
    return int(year), int(month)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RequestMix(_Strict):
    """One request of a tier's mix, for `pscan loadtest`."""

    path: str = Field(pattern=r"^/", description="URL path (and query), starting with /")
    weight: float = Field(default=1.0, gt=0, description="relative frequency in the mix")
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] = "GET"


class TierResources(_Strict):
    """Which resources serve a tier: the product's resources of a type, or explicit ids."""

    type: str | None = Field(default=None, description="resource type, e.g. aws.autoscaling.group")
    product: str | None = Field(
        default=None, description="product tag value (default: the product's name)"
    )
    ids: list[str] = Field(default_factory=list, description="explicit resource ids")
    accounts: list[str] = Field(
        default_factory=list, description="only in these accounts / projects (with `type`)"
    )
    regions: list[str] = Field(default_factory=list, description="only in these regions")

    @model_validator(mode="after")
    def _something(self) -> TierResources:
        if not self.type and not self.ids:
            msg = "give a resource `type` (with the product tag) or explicit `ids`"
            raise ValueError(msg)
        return self


class Tier(_Strict):
    """One tier of a product and what one of its instances can take."""

    kind: TierKind = "web"
    requests_per_page_view: float = Field(
        default=1.0, ge=0, description="requests this tier serves per page view"
    )
    resources: TierResources | None = None
    per_instance_rps: float | None = Field(
        default=None, gt=0, description="requests per second one instance sustains"
    )
    loadtest: str | None = Field(
        default=None,
        description="a `pscan loadtest` results file whose measured throughput is used"
        " as per_instance_rps (relative to the model file)",
    )
    latency_ms: float | None = Field(
        default=None, gt=0, description="time a request spends in the tier (Little's law)"
    )
    target_utilisation: float | None = Field(default=None, gt=0, le=1)
    connections_per_request: float | None = Field(
        default=None, gt=0, description="database: connections one in-flight request holds"
    )
    read_units_per_request: float | None = Field(default=None, ge=0)
    write_units_per_request: float | None = Field(default=None, ge=0)
    requests: list[RequestMix] = Field(default_factory=list, description="load-test mix")


class Product(_Strict):
    """A product's users, their behaviour, and its tiers."""

    users: dict[str, int] = Field(
        description="`today` and YYYY-MM dates -> users (monthly_growth fills the gaps)"
    )
    monthly_growth: float | None = Field(
        default=None, gt=-1, description="compound growth per month from `today`"
    )
    page_views_per_user_per_day: float | None = Field(default=None, gt=0)
    sessions_per_user_per_day: float | None = Field(default=None, gt=0)
    pages_per_session: float | None = Field(default=None, gt=0)
    peak_hour_share: float | None = Field(
        default=None, gt=0, le=1, description="share of a day's traffic in its busiest hour"
    )
    peak_to_average: float | None = Field(
        default=None, ge=1, description="busiest hour's rate over the day's average rate"
    )
    target_utilisation: float = Field(default=0.7, gt=0, le=1)
    latency_objective_ms: float = Field(default=500.0, gt=0)
    tiers: dict[str, Tier] = Field(min_length=1)

    @field_validator("users")
    @classmethod
    def _dates(cls, users: dict[str, int]) -> dict[str, int]:
        if "today" not in users:
            msg = "needs a `today` entry"
            raise ValueError(msg)
        for key, count in users.items():
            if key != "today" and not _MONTH.match(key):
                msg = f"{key!r} is not `today` or a YYYY-MM month"
                raise ValueError(msg)
            if count < 0:
                msg = f"{key}: users cannot be negative"
                raise ValueError(msg)
        return users

    @model_validator(mode="after")
    def _one_way_each(self) -> Product:
        views = self.page_views_per_user_per_day is not None
        sessions = (self.sessions_per_user_per_day, self.pages_per_session)
        if views == all(s is not None for s in sessions) or (
            not views and any(s is None for s in sessions)
        ):
            msg = (
                "give page_views_per_user_per_day, or sessions_per_user_per_day and"
                " pages_per_session (one of the two)"
            )
            raise ValueError(msg)
        if (self.peak_hour_share is None) == (self.peak_to_average is None):
            msg = "give peak_hour_share or peak_to_average (one of the two)"
            raise ValueError(msg)
        return self

    @property
    def page_views_per_user(self) -> float:
        """Page views per user per day, however the model gives them."""
        if self.page_views_per_user_per_day is not None:
            return self.page_views_per_user_per_day
        return float(self.sessions_per_user_per_day or 0) * float(self.pages_per_session or 0)


class CapacityModel(_Strict):
    """capacity.yaml."""

    version: Literal[1] = 1
    as_of: date = Field(description="the date `today` in users refers to")
    horizons: list[str] = Field(min_length=1, description="months to plan for, YYYY-MM")
    product_tag: str | None = Field(
        default=None, description="tag/label key naming a resource's product"
    )
    products: dict[str, Product] = Field(min_length=1)

    @field_validator("horizons")
    @classmethod
    def _months(cls, horizons: list[str]) -> list[str]:
        for h in horizons:
            if not _MONTH.match(str(h)):
                msg = f"{h!r} is not a YYYY-MM month"
                raise ValueError(msg)
        return sorted(set(horizons))


def load_model(path: Path) -> CapacityModel:
    """Read and validate a capacity model.

    Raises:
        ConfigError: unreadable, not YAML, or a field is invalid: `file:line: field a.b: ...`.
    """
    data, line_of = read_yaml_lines(path, ConfigError)
    if not isinstance(data, dict):
        msg = f"{path}: expected a mapping (version, as_of, horizons, products)"
        raise ConfigError(msg)
    _stringify_months(data)
    try:
        return CapacityModel.model_validate(data)
    except ValidationError as exc:
        msg = located_problem(path, exc, line_of)
        raise ConfigError(msg) from None


def _stringify_months(data: dict[str, object]) -> None:
    """YAML reads `2027-06` as a string but `2027-06-01` as a date: keep month keys text."""
    horizons = data.get("horizons")
    if isinstance(horizons, list):
        data["horizons"] = [str(h) for h in horizons]
    products = data.get("products")
    if isinstance(products, dict):
        for product in products.values():
            users = product.get("users") if isinstance(product, dict) else None
            if isinstance(users, dict):
                product["users"] = {str(k): v for k, v in users.items()}
