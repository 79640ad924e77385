"""What the recompute stores for the dashboards: rates per ethnic group and year-over-year transitions."""

from decimal import Decimal

import pytest

from targets.models import ComputedValue
from targets.reference_data import load_catalogue, load_standards
from targets.services import recompute_province

from .test_recompute import TODAY, household, unit


def stored(code, place, year):
    cv = ComputedValue.objects.filter(indicator__code=code, unit=place, year=year, scope="province").first()
    return None if cv is None else (cv.numerator, cv.denominator)


@pytest.fixture
def province(db):
    from django.apps import apps

    load_standards(apps)
    load_catalogue(apps)
    p = unit("94", level="province")
    d = unit("942", p, "district")
    c = unit("94201", d)
    other = unit("94202", d)
    # code: classes in 2018, 2019, 2020 (income ≤ 700.000 is poor, 1.200.000 middle, 2.000.000 not poor)
    incomes = {"POOR": 600_000, "MIDDLE": 1_200_000, "RICH": 2_000_000}
    histories = {
        "R": ("POOR", "RICH", "POOR"),  # re-poor in 2020
        "N": ("RICH", "RICH", "POOR"),  # newly poor in 2020
        "E": ("POOR", "POOR", "RICH"),  # escaped in 2020
        "S": ("POOR", "POOR", "POOR"),  # still poor
    }
    for code, classes in histories.items():
        for year, cls in zip((2018, 2019, 2020), classes):
            household(code, c, year, incomes[cls], [], "khmer" if code in "RN" else "kinh")
    household("NEW", other, 2020, 600_000, [], "kinh")  # no record the year before
    recompute_province(p, today=TODAY)
    return {"P": p, "C": c, "other": other}


def test_transitions_into_a_year_count_each_movement_once(province):
    p = province["P"]
    assert stored("transition_poor_to_poor", p, 2020)[0] == 1
    assert stored("transition_poor_to_not_poor", p, 2020)[0] == 1
    assert stored("transition_not_poor_to_poor", p, 2020)[0] == 2  # R and N
    assert stored("transition_re_poor", p, 2020)[0] == 1  # only R was poor before
    assert stored("transition_new_to_poor", p, 2020)[0] == 1
    assert stored("transition_poor_to_near_poor", p, 2020) is None  # movements that did not happen are not stored


def test_re_poor_households_are_split_by_their_class_the_year_before(province):
    p = province["P"]
    assert stored("transition_re_poor_from_not_poor", p, 2020)[0] == 1  # R: not poor in 2019, poor in 2018
    assert stored("transition_re_poor_from_middle", p, 2020) is None


def test_the_sankey_draws_re_poor_as_a_flow_of_its_own(province):
    from targets.charts import movement
    from targets.dashboards import _class_name, transitions_chart

    chart = transitions_chart(None, province["P"], 2020)
    link = chart.figure["data"][0]["link"]
    bands = list(zip(link["source"], link["target"], link["label"], link["value"], link["color"]))
    into_poor_from_not_poor = sorted(b[2:4] for b in bands if b[2] in (movement("re_poor"), movement("newly_poor")))
    assert into_poor_from_not_poor == sorted([(movement("re_poor"), 1), (movement("newly_poor"), 1)])  # R; N
    re_poor, newly = (next(b for b in bands if b[2] == movement(m)) for m in ("re_poor", "newly_poor"))
    assert re_poor[:2] == newly[:2] and re_poor[4] != newly[4]  # same classes, two bands, two colours
    assert [_class_name("not_poor"), _class_name("poor"), movement("re_poor"), 1] in chart.rows
    assert sum(link["value"]) == 5  # every household of 2020 once


def test_transitions_roll_up_to_the_commune_they_happened_in(province):
    assert stored("transition_new_to_poor", province["other"], 2020)[0] == 1
    assert stored("transition_new_to_poor", province["C"], 2020) is None


def test_poor_rate_per_ethnic_group_uses_the_groups_households_as_denominator(province):
    assert stored("poor_rate_khmer", province["P"], 2020) == (Decimal(2), Decimal(2))
    assert stored("poor_rate_kinh", province["P"], 2020) == (Decimal(2), Decimal(3))  # S, NEW of S, E, NEW
    assert stored("poor_rate_khmer", province["P"], 2019) == (Decimal(0), Decimal(2))  # a zero rate is a figure
    assert stored("poor_rate_thai", province["P"], 2020) is None  # no Thái household
