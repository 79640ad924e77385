"""The year-end review tables against the hand-counted province of conftest.py."""

from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from households.models import Household
from households.selectors import filter_by_movement
from households.standards import transitions as t
from reports.review import COUNT, SIGNED
from reports.selectors import review_report
from targets.models import ComputedValue
from targets.services import recompute_province


def rows_of(report, code):
    table = next(tb for tb in report.tables if tb.code == code)
    return {(r.kind, r.unit_code, r.area_type): r.values for r in table.rows}


def total(report, code):
    return rows_of(report, code)[("total", report.unit.code, None)]


def pct(part, whole):
    return Decimal(part) * 100 / Decimal(whole)


def pick(values, *keys):
    return tuple(values[k] for k in keys)


T1_KEYS = ("n", "start", "escaped", "re_poor", "newly_poor", "end", "end_em", "other")


@pytest.mark.parametrize(
    "row, expected",
    [
        # (kind, unit, area): households, start, escaped, re-poor, newly poor, end, end EM, other — by hand
        (("unit", "D1", "urban"), (2, 1, 1, 0, 0, 0, 0, 0)),  # I escaped
        (("unit", "D2", "urban"), (3, 2, 0, 0, 1, 2, 1, -1)),  # M newly poor; L left the review
        (("section", "P", "urban"), (5, 3, 1, 0, 1, 2, 1, -1)),
        (("unit", "D1", "rural"), (8, 2, 1, 1, 2, 4, 2, 0)),  # C escaped; A re-poor; D from near-poor, E new
        (("section", "P", "rural"), (8, 2, 1, 1, 2, 4, 2, 0)),
        (("total", "P", None), (13, 5, 2, 1, 3, 6, 3, -1)),
    ],
)
def test_t1_poor_households_by_unit_and_area_match_the_hand_count(province, row, expected):
    report = review_report(province["P"], 2021)
    assert report.comparable and not report.notice
    assert pick(rows_of(report, "T1")[row], *T1_KEYS) == expected


def test_t1_rates_are_over_the_rows_households_and_last_years_for_the_start(province):
    values = total(review_report(province["P"], 2021), "T1")
    assert values["end_rate"] == pct(6, 13)
    assert values["start_rate"] == pct(5, 12)  # 12 households in the 2020 review
    assert values["escaped_rate"] == pct(2, 13) and values["newly_poor_rate"] == pct(3, 13)
    assert values["start_em"] == 1 and values["start_em_rate"] == pct(1, 5)  # I of the 5 poor in 2020
    assert values["end_em_rate"] == pct(3, 6)  # A, E, M of the 6 poor


@pytest.mark.parametrize(
    "row, expected",
    [
        # households, start, escaped near-poverty, re-near-poor, newly near-poor, end, end EM, other
        (("unit", "D1", "rural"), (8, 2, 1, 1, 1, 2, 0, -1)),  # H escaped, G back, C from poor; D became poor
        (("unit", "D1", "urban"), (2, 0, 0, 0, 1, 1, 0, 0)),  # J
        (("unit", "D2", "urban"), (3, 0, 0, 0, 1, 1, 0, 0)),  # N, a new household
        (("total", "P", None), (13, 2, 1, 1, 3, 4, 0, -1)),
    ],
)
def test_t2_near_poor_households_match_the_hand_count(province, row, expected):
    values = rows_of(review_report(province["P"], 2021), "T2")[row]
    keys = ("n", "start", "escaped_near_poor", "re_near_poor", "newly_near_poor", "end", "end_em", "other")
    assert pick(values, *keys) == expected


def test_t3_multidimensional_rate_and_its_change_in_points(province):
    values = total(review_report(province["P"], 2021), "T3")
    assert pick(values, "n", "poor", "near", "both") == (13, 6, 4, 10)
    assert values["both_rate"] == pct(10, 13)
    assert values["previous_rate"] == pct(7, 12)  # B, C, I, K, L poor and D, H near-poor in 2020
    assert values["change"] == pct(10, 13) - pct(7, 12)


def test_t4_keeps_the_ethnic_minority_poor_rate_and_share_of_the_poor_distinct(province):
    values = total(review_report(province["P"], 2021), "T4")
    assert pick(values, "n", "em", "em_poor", "em_near") == (13, 4, 3, 0)  # A, E, I, M; A, E, M poor
    assert values["em_poor_rate"] == pct(3, 4)  # over ethnic-minority households
    assert values["em_poor_share"] == pct(3, 6)  # over all poor households
    assert values["em_share"] == pct(4, 13)


def test_t5_counts_deprived_poor_and_near_poor_households_for_each_indicator_of_the_standard(province):
    report = review_report(province["P"], 2021)
    table = next(tb for tb in report.tables if tb.code == "T5")
    indicators = [
        c.key.removeprefix("poor_") for c in table.columns if c.key.startswith("poor_") and not c.key.endswith("_rate")
    ]
    assert len(indicators) == 10 and indicators[0] == "health_access"  # Decision 59/2015, D1 first
    values = total(report, "T5")
    assert pick(values, "poor_water", "poor_latrine", "poor_telecom", "near_water", "poor_housing_area") == (
        2,
        1,
        1,
        1,
        0,
    )  # B and E lack water, B a latrine, K telecom; C (near-poor) water
    assert values["poor_water_rate"] == pct(2, 6) and values["near_water_rate"] == pct(1, 4)
    d2 = rows_of(report, "T5")[("unit", "D2", "urban")]
    assert pick(d2, "poor", "poor_telecom", "poor_water") == (2, 1, 0)


def test_t5_uses_the_twelve_indicators_of_decree_07_in_2022(province):
    table = next(tb for tb in review_report(province["P"], 2022).tables if tb.code == "T5")
    assert sum(1 for c in table.columns if c.key.startswith("near_") and c.key.endswith("_rate")) == 12


@pytest.mark.parametrize("code", ["T1", "T2", "T3", "T4", "T5"])
def test_total_row_equals_the_sum_of_the_unit_rows_and_each_area_the_sum_of_its_units(province, code):
    report = review_report(province["P"], 2021)
    table = next(tb for tb in report.tables if tb.code == code)
    counts = [c.key for c in table.columns if c.kind in (COUNT, SIGNED)]
    units = [r for r in table.rows if r.kind == "unit"]
    totals = next(r for r in table.rows if r.kind == "total").values
    for key in counts:
        assert totals[key] == sum(r.values[key] for r in units), key
        for section in (r for r in table.rows if r.kind == "section"):
            assert section.values[key] == sum(r.values[key] for r in units if r.area_type == section.area_type)


def test_end_of_year_poor_rate_equals_the_poor_rate_indicator_for_the_same_unit_and_year(province):
    recompute_province(province["P"], years=[2020, 2021])
    report = review_report(province["P"], 2021)

    def indicator(unit, scope="province"):
        cv = ComputedValue.objects.get(indicator__code="poor_rate", unit=province[unit], year=2021, scope=scope)
        return Decimal(cv.numerator) * 100 / Decimal(cv.denominator)

    t1 = rows_of(report, "T1")
    assert t1[("total", "P", None)]["end_rate"] == indicator("P")
    assert t1[("section", "P", "urban")]["end_rate"] == indicator("P", "urban")
    assert t1[("section", "P", "rural")]["end_rate"] == indicator("P", "rural")
    d2 = review_report(province["D2"], 2021)
    assert total_of(d2) == indicator("D2")
    assert (
        total(d2, "T1")["start_rate"]
        == Decimal(
            ComputedValue.objects.get(
                indicator__code="poor_rate", unit=province["D2"], year=2020, scope="province"
            ).numerator
        )
        * 100
        / 3
    )


def total_of(report):
    return next(r for r in report.tables[0].rows if r.kind == "total").values["end_rate"]


def _histories():
    history = defaultdict(dict)
    for code, year, classification in Household.objects.values_list("code", "survey_year", "classification"):
        history[code][year] = classification
    return history


def test_movements_equal_the_transitions_of_each_household(province):
    report = review_report(province["P"], 2021)
    expected = Counter()
    for history in _histories().values():
        if 2021 in history:
            expected.update(t.report_movements(history, 2021))
    values = {**total(report, "T1"), **{f"near:{k}": v for k, v in total(report, "T2").items()}}
    for movement in t.POOR_MOVEMENTS[:3]:
        assert values[movement] == expected[movement], movement
    for movement in t.NEAR_POOR_MOVEMENTS[:3]:
        assert values[f"near:{movement}"] == expected[movement], movement
    # and the transitions of households.standards.transitions, grouped as the form groups them
    moved = Counter(t.transitions(h, 2021) for h in _histories().values() if 2021 in h)
    assert values["escaped"] == moved[t.ESCAPED_TO_NEAR_POOR] + moved[t.ESCAPED_TO_NOT_POOR]
    assert values["re_poor"] == moved[t.RE_POOR]
    new_poor_households = sum(1 for h in _histories().values() if h.get(2021) == "poor" and 2020 not in h)
    assert values["newly_poor"] == moved[t.NEWLY_POOR] + moved[t.NEAR_POOR_TO_POOR] + new_poor_households


@pytest.mark.parametrize("movement", t.POOR_MOVEMENTS + t.NEAR_POOR_MOVEMENTS)
def test_the_household_list_filter_finds_the_households_each_movement_counts(province, movement):
    histories = _histories()
    expected = {code for code, h in histories.items() if 2021 in h and movement in t.report_movements(h, 2021)}
    found = filter_by_movement(Household.objects.filter(survey_year=2021), movement)
    assert set(found.values_list("code", flat=True)) == expected
    assert expected or movement in (t.STILL_NEAR_POOR,)  # the fixture exercises every other movement


def test_a_year_under_another_standard_says_so_instead_of_counting_movements(province):
    report = review_report(province["P"], 2022)
    assert not report.comparable and report.standard == "ND07-2021" and report.previous_standard == "QD59-2015"
    assert "Nghị định 07/2021/NĐ-CP" in str(report.notice) and "Quyết định 59/2015/QĐ-TTg" in str(report.notice)
    assert report.standard_name == "Nghị định 07/2021/NĐ-CP"
    values = total(report, "T1")
    assert values["end"] == 1 and values["n"] == 2
    assert all(values[k] is None for k in ("start", "escaped", "re_poor", "newly_poor", "other"))
    assert total(report, "T3")["change"] is None


def test_a_year_without_last_years_review_shows_no_movements(province):
    report = review_report(province["P"], 2019)
    assert not report.comparable and "2018" in str(report.notice)
    assert total(report, "T1")["escaped"] is None and total(report, "T1")["end"] == 1


def test_report_of_a_commune_has_a_row_for_the_commune_itself(province):
    report = review_report(province["C1"], 2021)
    rows = [r for r in report.tables[0].rows if r.kind == "unit"]
    assert [(r.unit_code, r.area_type, r.values["end"]) for r in rows] == [("C1", "rural", 4)]
