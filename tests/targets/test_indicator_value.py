"""An indicator's value from its numerator and denominator: one rule (targets.engine.indicator_value), read the
same way by the recompute's attainment, the API, the .xlsx download, the admin and the dashboards."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib import admin

from areas.models import Unit
from povertyplan import display
from targets.engine import PERCENT, indicator_value
from targets.export import indicator_values_xlsx
from targets.models import ComputedValue, Indicator
from tests.conftest import make_user


@pytest.mark.parametrize(
    "numerator, denominator, unit, expected",
    [
        (Decimal(1), Decimal(8), "percent", Decimal("12.5")),
        (1, 3, "percent", Decimal(100) / 3),  # exact to the context's precision, multiplied before dividing
        (Decimal("0.75"), Decimal(3), "index", Decimal("0.25")),
        (Decimal(13_000), None, "households", Decimal(13_000)),  # a count is its numerator
        (Decimal("2.85"), None, "percent", Decimal("2.85")),  # a rate reported without its parts
        (Decimal(0), Decimal(5), "percent", Decimal(0)),  # a zero rate is a figure
        (Decimal(3), Decimal(0), "percent", None),  # nothing to divide by
        (None, Decimal(5), "percent", None),
    ],
)
def test_a_value_is_the_numerator_over_the_denominator_times_100_for_a_percentage(
    numerator, denominator, unit, expected
):
    assert indicator_value(numerator, denominator, unit) == expected


def test_a_value_is_a_decimal_whatever_numbers_come_in():
    assert isinstance(indicator_value(2, 7, PERCENT), Decimal)
    assert isinstance(indicator_value(5, None, "households"), Decimal)


def test_the_engine_names_the_percent_unit_as_the_model_does():
    assert PERCENT == Indicator.Unit.PERCENT


@pytest.fixture
def figures(db):
    """Three stored figures of a province: a rate, an index and a count."""
    province = Unit.objects.create(code="P", name="Tỉnh P", level="province")
    rows = {
        "poor_rate": (Decimal(2), Decimal(7)),  # percent
        "mpi_m0": (Decimal(5), Decimal(36)),  # index
        "transition_re_poor": (Decimal(3), Decimal(14)),
    }
    counts = Indicator.objects.filter(unit=Indicator.Unit.HOUSEHOLDS).exclude(code__in=rows).first()
    values = [
        ComputedValue.objects.create(
            indicator=Indicator.objects.get(code=code),
            unit=province,
            year=2021,
            scope="province",
            numerator=n,
            denominator=d,
        )
        for code, (n, d) in rows.items()
    ]
    values.append(
        ComputedValue.objects.create(
            indicator=counts, unit=province, year=2021, scope="province", numerator=Decimal(13_000), denominator=None
        )
    )
    return province, values


def test_the_api_the_download_and_the_admin_give_each_figure_the_one_value(figures, client):
    province, values = figures
    client.force_login(make_user("boss", "manager"))
    api = {
        row["indicator_code"]: row["value"]
        for row in client.get("/api/v1/indicators/values/?unit=P&limit=100").json()["items"]
    }
    sheet = openpyxl.load_workbook(io.BytesIO(indicator_values_xlsx(ComputedValue.objects.all()))).active
    download = {row[0]: row[8] for row in sheet.iter_rows(min_row=2, values_only=True)}
    shown = admin.site._registry[ComputedValue].value
    for cv in values:
        expected = indicator_value(cv.numerator, cv.denominator, cv.indicator.unit)
        code = cv.indicator.code
        if cv.denominator is None:
            assert Decimal(api[code]) == expected and download[code] == float(expected), code
            assert shown(cv) == display.number(expected), code
            continue
        assert Decimal(api[code]) == round(expected, 4), code
        assert download[code] == pytest.approx(float(expected)), code
        percent = cv.indicator.unit == Indicator.Unit.PERCENT
        assert shown(cv) == (display.percent(expected) if percent else display.number(expected, 4)), code
    assert Decimal(api["poor_rate"]) == Decimal("28.5714")  # 2 of 7 households, in percent
    assert Decimal(api["mpi_m0"]) == Decimal("0.1389")  # an index stays a ratio


def test_the_dashboards_draw_the_same_value(figures):
    from targets.dashboards import _value

    _province, values = figures
    for cv in values:
        expected = indicator_value(cv.numerator, cv.denominator, cv.indicator.unit)
        assert _value((cv.numerator, cv.denominator), cv.indicator.unit) == float(expected)
