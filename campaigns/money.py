"""Money helpers: every amount is a Decimal rounded to its currency's minor units (ISO 4217)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# Currencies whose minor unit is not two decimal places.
CURRENCY_PLACES = {
    "JPY": 0,
    "KRW": 0,
    "VND": 0,
    "CLP": 0,
    "ISK": 0,
    "HUF": 2,
    "BHD": 3,
    "KWD": 3,
    "OMR": 3,
    "JOD": 3,
    "TND": 3,
}
DEFAULT_PLACES = 2
ZERO = Decimal("0")


def currency_places(currency: str) -> int:
    return CURRENCY_PLACES.get((currency or "").upper(), DEFAULT_PLACES)


def quantize_money(amount: Decimal | int | str, currency: str) -> Decimal:
    """`amount` rounded half-up to the currency's minor unit."""
    exponent = Decimal(1).scaleb(-currency_places(currency))
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)
