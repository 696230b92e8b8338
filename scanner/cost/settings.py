"""The `cost:` section of `.pscan.yaml`: budgets and the thresholds of the cost findings.

```yaml
cost:
  budgets:
    - {product: checkout, monthly: 5000, currency: USD, warn_at_percent: 80}
    - {account: "111122223333", monthly: 20000}
  growth_percent: 30      # a service growing more than this month over month
  untagged_percent: 10    # spend without a product tag above this share
```

Validated strictly (unknown keys are errors) as part of `scanner.gate.GateConfig`; the
models live here, below the gate, so that the cost findings can take them as they are.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["Budget", "CostSettings"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Budget(_Strict):
    """A monthly budget of one product or one account, in one currency."""

    product: str | None = Field(default=None, min_length=1, description="product tag value")
    account: str | None = Field(
        default=None, min_length=1, description="AWS account id / GCP project id"
    )
    monthly: Decimal = Field(gt=0, description="the budget of a month")
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    warn_at_percent: float = Field(
        default=80.0, gt=0, le=100, description="warn when spend reaches this share of it"
    )

    @field_validator("product", "account", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        # an account id written without quotes is a YAML number
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _one_scope(self) -> Budget:
        if (self.product is None) == (self.account is None):
            msg = "a budget names exactly one of product or account"
            raise ValueError(msg)
        return self

    @property
    def scope(self) -> tuple[str, str]:
        """(`product` or `account`, its value)."""
        if self.product is not None:
            return "product", self.product
        assert self.account is not None
        return "account", self.account


class CostSettings(_Strict):
    """Budgets, and the thresholds of the growth and untagged-spend findings."""

    budgets: list[Budget] = Field(default_factory=list)
    growth_percent: float = Field(
        default=30.0, gt=0, description="month-over-month growth of a service that is reported"
    )
    untagged_percent: float = Field(
        default=10.0, ge=0, le=100, description="share of spend without a product tag reported"
    )
