from decimal import Decimal

import pytest

from povertyplan.formfields import DecimalField, IntegerField
from povertyplan.numbers import NumberFormatError, parse_number


@pytest.mark.parametrize(
    "text, expected",
    [
        ("500.000", 500000),
        ("1.500.000", 1500000),
        ("1500000", 1500000),
        ("1 500 000", 1500000),
        ("56,7", Decimal("56.7")),
        ("1.500,25", Decimal("1500.25")),
        ("0", 0),
        ("-20", -20),
        ("12", 12),
    ],
)
def test_vietnamese_numbers_are_read_with_dots_for_thousands_and_comma_for_decimals(text, expected):
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["1,500", "56.7", "1.50.000", "1,5,0", "1.500.5", "abc", "", "1,500.25", "12a"])
def test_ambiguous_or_malformed_numbers_are_refused(text):
    with pytest.raises(NumberFormatError):
        parse_number(text)


def test_a_whole_number_field_refuses_a_decimal():
    with pytest.raises(NumberFormatError):
        parse_number("1,5", integer=True)


def test_form_fields_store_the_value_an_officer_means():
    assert IntegerField().clean("500.000") == 500000
    assert DecimalField(max_digits=7, decimal_places=1).clean("56,7") == Decimal("56.7")
