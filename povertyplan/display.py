"""Values as a Vietnamese reader expects them: 1.472.000 · 16,5 · 18,66% · 01/12/2021.

One place for every list, template, title and tooltip (templates use the `vn` filters). Numbers follow the
current language's separators (povertyplan/formats): 1.472.000 in Vietnamese, 1,472,000 in English.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import dateformat, numberformat, timezone
from django.utils.formats import get_format

EMPTY = "—"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value, places: int = 2, *, fixed: bool = False) -> str:
    """Grouped thousands, at most `places` decimals, none that add nothing (25.000, 16,5) unless `fixed`."""
    d = _decimal(value)
    if d is None:
        return EMPTY if value in (None, "") else str(value)
    d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) if places >= 0 else d
    if not fixed:
        d = d.normalize() if d != d.to_integral_value() else d.quantize(Decimal(1))
    decimals = max(0, -d.as_tuple().exponent)
    return numberformat.format(
        d,
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def percent(value, places: int = 2, *, fixed: bool = False) -> str:
    text = number(value, places, fixed=fixed)
    return text if text == EMPTY else f"{text}%"


def signed(value, places: int = 2, *, fixed: bool = False) -> str:
    """A change with its sign: +0,5 · −1,25 (a true minus sign)."""
    d = _decimal(value)
    if d is None:
        return EMPTY
    text = number(abs(d), places, fixed=fixed)
    return f"+{text}" if d > 0 else f"−{text}" if d < 0 else text


def day(value) -> str:
    if value is None:
        return EMPTY
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return dateformat.format(value, "d/m/Y") if isinstance(value, date) else str(value)


def moment(value) -> str:
    if value is None:
        return EMPTY
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, "d/m/Y H:i")


def unit_label(unit) -> str:
    """A unit where it sits: "Bản 1 — Xã Chiềng Ban — Huyện Mai Sơn" (up to, not including, the province)."""
    return "" if unit is None else unit.full_name


def in_language(vietnamese: str, english: str) -> str:
    """A name kept in both languages (the decrees' names and their English): the one of the current language."""
    from django.utils.translation import get_language

    return english if (get_language() or "vi").startswith("en") and english else vietnamese
