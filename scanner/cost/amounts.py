"""Money amounts: exact decimals rounded to the cent, and written for people.

Kept apart from the estimates (which read the engine's price table) so that renderers
may format amounts without depending on the engine.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["CENT", "cents", "money"]

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """`value` rounded half up to the cent."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(amount: Decimal, currency: str = "") -> str:
    """An amount for people, to the cent with thousands separated: `USD 1,234.50`."""
    text = f"{cents(amount):,.2f}"
    return f"{currency} {text}" if currency else text
