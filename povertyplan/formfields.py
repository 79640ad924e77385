"""Form fields that read numbers the Vietnamese way (see povertyplan.numbers), for every form and the admin."""

from django import forms
from django.core.exceptions import ValidationError

from .numbers import NumberFormatError, parse_number


class NumberInput(forms.TextInput):
    """A text box (a browser's type=number refuses "1.500.000"), wide enough for an income."""

    def __init__(self, attrs=None, *, integer=True):
        defaults = {"inputmode": "numeric" if integer else "decimal", "size": 14, "class": "vn-number",
                    "autocomplete": "off"}
        super().__init__({**defaults, **(attrs or {})})


class _VietnameseNumber:
    integer = False

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", NumberInput(integer=self.integer))
        kwargs["localize"] = True
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
