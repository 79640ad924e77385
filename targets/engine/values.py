"""An indicator's value from its stored numerator and denominator: the one rule the recompute, the pages, the
downloads, the admin and the API all read a figure by."""

from decimal import Decimal

PERCENT = "percent"  # Indicator.Unit.PERCENT: the one unit whose value is a share × 100


def indicator_value(numerator, denominator, unit: str) -> Decimal | None:
    """numerator ÷ denominator, × 100 when the indicator's unit is a percentage; a figure stored without a
    denominator (a count, a total) is its numerator. None when there is nothing to divide: no numerator, or a
    zero denominator."""
    if numerator is None:
        return None
    if denominator is None:
        return Decimal(numerator)
    if not denominator:
        return None
    return Decimal(numerator) * (100 if unit == PERCENT else 1) / Decimal(denominator)
