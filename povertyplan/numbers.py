"""Numbers typed the Vietnamese way: "1.500.000" is one million five hundred thousand, "56,7" is 56.7.

Every path that reads a number from text (forms, the admin, roster import, API strings) goes through
`parse_number`, so "500.000" can never be stored as 500. Input that could mean two things — "1,500"
(1,5 or an English 1500?) or "56.7" (an English decimal?) — is refused with a message, never guessed.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")  # 1.500 · 1.500.000
_PLAIN = re.compile(r"^\d+$")


class NumberFormatError(ValueError):
    pass


def parse_number(text, *, integer: bool = False) -> Decimal:
    """The value of `text` read the Vietnamese way; NumberFormatError (a Vietnamese message) otherwise."""
    if isinstance(text, int | Decimal):
        value = Decimal(text)
    else:
        value = _parse_text(str(text))
    if integer and value != value.to_integral_value():
        raise NumberFormatError(_("“%(text)s” must be a whole number.") % {"text": text})
    return value


def _parse_text(raw: str) -> Decimal:
    text = _SPACES.sub("", raw.strip())
    sign = ""
    if text[:1] in ("+", "-"):
        sign, text = ("-" if text[0] == "-" else ""), text[1:]
    if not text:
        raise NumberFormatError(_("Enter a number."))
    whole, comma, fraction = text.partition(",")
    if comma and ("," in fraction or "." in fraction or not fraction.isdigit()):
        raise NumberFormatError(_("“%(text)s” is not a number: use a comma for decimals, as in 56,7.") % {"text": raw})
    if comma and len(fraction) == 3 and "." not in whole:
        raise NumberFormatError(
            _("“%(text)s” could mean two numbers: write %(thousands)s for thousands or %(decimal)s for a decimal.")
            % {"text": raw, "thousands": f"{whole}.{fraction}", "decimal": f"{whole},{fraction.rstrip('0') or '0'}"}
        )
    if _GROUPED.match(whole):
        whole = whole.replace(".", "")
    elif "." in whole:
        raise NumberFormatError(
            _("“%(text)s” is ambiguous: the dot groups thousands (1.500.000) and the comma marks decimals (56,7).")
            % {"text": raw}
        )
    if not _PLAIN.match(whole):
        raise NumberFormatError(_("“%(text)s” is not a number.") % {"text": raw})
    try:
        return Decimal(f"{sign}{whole}.{fraction}" if comma else f"{sign}{whole}")
    except InvalidOperation as error:  # pragma: no cover - the patterns above admit digits only
        raise NumberFormatError(_("“%(text)s” is not a number.") % {"text": raw}) from error


# Money as people write it: "2,5 triệu", "2,5tr", "1.500.000 đ", "1.500.000 đồng", "800 nghìn".
_MONEY = re.compile(
    r"^(?P<number>.*?)\s*(?:(?P<million>triệu|tr)|(?P<thousand>nghìn|ngàn|k))?\.?\s*(?:đồng|đ|vnđ|vnd)?\.?$",
    re.IGNORECASE,
)


def parse_money(text) -> int:
    """An amount of đồng: a number the Vietnamese way, in millions ("triệu", "tr") or thousands ("nghìn", "k")
    if it says so, with or without "đ" or "đồng" after it. NumberFormatError (a Vietnamese message) otherwise."""
    if isinstance(text, int | Decimal):
        value = Decimal(text)
    else:
        raw = str(text).strip()
        match = _MONEY.match(raw)
        scale = 10**6 if match and match["million"] else 10**3 if match and match["thousand"] else 1
        try:
            value = parse_number(match["number"] if match and match["number"] else raw) * scale
        except NumberFormatError as error:
            raise NumberFormatError(
                _("“%(text)s” is not an amount: enter the amount in dong, for example 2.500.000 (or 2,5 tr).")
                % {"text": raw}
            ) from error
    if value != value.to_integral_value():
        raise NumberFormatError(_("“%(text)s” must be a whole number of dong.") % {"text": text})
    return int(value)
