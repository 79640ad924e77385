"""Form fields that read numbers the Vietnamese way (see povertyplan.numbers), for every form and the admin.

Model forms get them for every numeric field with `formfield_callback = vietnamese_formfield` (the admin's
base classes in povertyplan/admin.py do it for every admin page).
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from .numbers import NumberFormatError, parse_money, parse_number


def vietnamese_text(value) -> str:
    """A number as it should sit in an input box whatever the interface language: 1.472.000 · 56,7 · 2021."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        return value
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal) and value != value.to_integral_value():
        whole, _, fraction = f"{value.normalize():f}".partition(".")
        return f"{_group(whole)},{fraction}"
    return _group(str(int(value)))


def _group(digits: str) -> str:
    sign = "-" if digits.startswith("-") else ""
    digits = digits.lstrip("-")
    if len(digits) <= 4:  # years and small counts stay 2021, 1500
        return sign + digits
    head = len(digits) % 3 or 3
    return sign + ".".join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


class NumberInput(forms.TextInput):
    """A text box (a browser's type=number refuses "1.500.000"), wide enough for an income."""

    def __init__(self, attrs=None, *, integer=True):
        defaults = {
            "inputmode": "numeric" if integer else "decimal",
            "size": 14,
            "class": "vn-number",
            "autocomplete": "off",
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        # Always the Vietnamese way, so what the box shows is what parse_number reads back (also in English).
        if value in (None, ""):
            return None
        return str(vietnamese_text(value))


class _VietnameseNumber:
    integer = False

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", NumberInput(integer=self.integer))
        kwargs.pop("localize", None)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = parse_number(value, integer=self.integer)
        except NumberFormatError as error:
            raise ValidationError(str(error), code="invalid") from error
        return int(number) if self.integer else number


class IntegerField(_VietnameseNumber, forms.IntegerField):
    integer = True


class DecimalField(_VietnameseNumber, forms.DecimalField):
    pass


class MoneyField(IntegerField):
    """An amount of đồng as people type it: 2.500.000 · 2,5 triệu · 2,5tr · 1.500.000 đ."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", NumberInput(integer=False, attrs={"placeholder": "2.500.000"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_money(value)
        except NumberFormatError as error:
            raise ValidationError(str(error), code="invalid") from error


def vietnamese_formfield(db_field, **kwargs):
    """`formfield_callback` for model forms: numeric model fields read "1.500.000" and "56,7"."""
    if not db_field.choices and not isinstance(db_field, models.AutoField | models.BigAutoField):
        if isinstance(db_field, models.IntegerField):
            kwargs.setdefault("form_class", IntegerField)
            kwargs.setdefault("widget", NumberInput(integer=True))
        elif isinstance(db_field, models.DecimalField):
            kwargs.setdefault("form_class", DecimalField)
            kwargs.setdefault("widget", NumberInput(integer=False))
    return db_field.formfield(**kwargs)
