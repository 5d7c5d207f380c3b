"""Money is exact (DESIGN.md; issue 7): `Decimal` amounts with their currency, converted to EUR (the reporting
currency) with a stored rate, rounded half up to the cent once, at conversion. Totals are sums of stored cents, so
a total always equals the sum of its parts."""

from decimal import ROUND_HALF_UP, Decimal

EUR = "EUR"
CENT = Decimal("0.01")


def cents(amount: Decimal) -> Decimal:
    """`amount` rounded half up to the cent (2.345 → 2.35, -2.345 → -2.35)."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def to_eur(amount: Decimal, units_per_eur: Decimal) -> Decimal:
    """EUR of `amount` at a rate quoted as units of the currency per 1 EUR (as the ECB publishes them)."""
    return cents(Decimal(amount) / Decimal(units_per_eur))
