"""Every database form of the year-over-year movements against their one pure definition
(households/standards/transitions.py), on the same households: the dashboards' grouped SQL and the stored figures
it feeds (full and incremental recompute) with the Sankey drawn from them, the review report's grouped SQL, and
the household list's filter. The households cover every movement over 2017–2020, with the edge cases: a year
absent, a move to another unit (and another district), near-poor ↔ poor, re-poor from middle and from not poor,
re-near-poor, a household attached to a village."""

import random
from collections import Counter
from itertools import product

import pytest

from areas.models import Unit
from households.models import Household, PovertyStandard
from households.selectors import filter_by_movement
from households.services import apply_classification, household_save
from households.standards import transitions as t
from reports.selectors import review_groups
from targets import charts
from targets.dashboard_sums import re_poor_code, transition_code, transition_sums
from targets.dashboards import transition_flows
from targets.models import ComputedValue
from targets.selectors import indicator_values
from targets.services import recompute_province
from targets.sums import recompute_changes
from tests.reports.conftest import INCOME

YEARS = (2017, 2018, 2019, 2020)  # all under Decision 59/2015
CLASSES = ("poor", "near_poor", "middle", "not_poor")
# code: {year: (unit, class)}
EDGES = {
    "still": {2017: ("C1", "poor"), 2018: ("C1", "poor"), 2019: ("C1", "poor"), 2020: ("C1", "poor")},
    "re-poor-from-middle": {2017: ("C1", "poor"), 2018: ("C1", "middle"), 2019: ("C1", "middle"), 2020: ("C1", "poor")},
    "re-poor-moving": {2018: ("C1", "poor"), 2019: ("C2", "not_poor"), 2020: ("C3", "poor")},  # two moves
    "absent-a-year": {2018: ("C1", "poor"), 2020: ("C1", "poor")},  # no record in 2019: new in 2020
    "near-poor-between": {2018: ("C2", "poor"), 2019: ("C2", "near_poor"), 2020: ("C2", "poor")},  # no return
    "flipping": {2017: ("C1", "near_poor"), 2018: ("C1", "poor"), 2019: ("C1", "near_poor"), 2020: ("C1", "poor")},
    "re-near-poor": {2018: ("C3", "near_poor"), 2019: ("C3", "middle"), 2020: ("C3", "near_poor")},
    "re-near-after-poor": {
        2017: ("C1", "near_poor"),
        2018: ("C1", "poor"),
        2019: ("C1", "not_poor"),
        2020: ("C1", "near_poor"),
    },
    "moved-still-poor": {2019: ("C1", "poor"), 2020: ("C3", "poor")},
    "escaped-to-near": {2019: ("C2", "poor"), 2020: ("C2", "near_poor")},
    "escaped-out": {2019: ("C3", "poor"), 2020: ("C3", "not_poor")},
    "left": {2019: ("C1", "poor")},
    "new-poor-village": {2020: ("V1", "poor")},
    "new-near": {2020: ("C2", "near_poor")},
    "near-escaped": {2019: ("V1", "near_poor"), 2020: ("V1", "middle")},
}
UNITS = ("C1", "C2", "C3", "V1")


def random_histories(count=60, seed=22):
    """Households that mostly stay where they are, skip a year now and then, and change class often."""
    rng = random.Random(seed)
    histories = {}
    for i in range(count):
        unit, history = rng.choice(UNITS), {}
        for year in YEARS:
            if rng.random() < 0.2:
                continue
            if rng.random() < 0.15:
                unit = rng.choice(UNITS)
            history[year] = (unit, rng.choice(CLASSES))
        if history:
            histories[f"r{i:02}"] = history
    return histories


def household(code, unit, year, classification, ethnicity="kinh"):
    return Household(
        code=code,
        unit=unit,
        survey_year=year,
        ethnicity=ethnicity,
        area_type=unit.area_type,
        member_count=1,
        income_per_capita=INCOME[unit.area_type][classification],
        reported_deprivations=[],
    )


def save(code, unit, year, classification):
    """An edit through the service, as an officer makes it."""
    edited = Household.objects.get(code=code, survey_year=year)
    edited.income_per_capita = INCOME[unit.area_type][classification]
    household_save(edited)
    assert edited.classification == classification


@pytest.fixture
def place(db):
    p = Unit.objects.create(code="P", name="Tỉnh P", level="province")
    d1 = Unit.objects.create(code="D1", name="Huyện D1", level="district", parent=p)
    d2 = Unit.objects.create(code="D2", name="Thành phố D2", level="district", parent=p)
    c1 = Unit.objects.create(code="C1", name="Xã C1", level="commune", parent=d1)
    units = {
        "P": p,
        "D1": d1,
        "D2": d2,
        "C1": c1,
        "C2": Unit.objects.create(code="C2", name="Xã C2", level="commune", parent=d1),
        "C3": Unit.objects.create(code="C3", name="Phường C3", level="commune", parent=d2, area_type="urban"),
        "V1": Unit.objects.create(code="V1", name="Ấp V1", level="village", parent=c1),
    }
    standard = PovertyStandard.objects.of_year(2017)
    engine = standard.to_engine()
    households = []
    for code, history in {**EDGES, **random_histories()}.items():
        ethnicity = "khmer" if sum(map(ord, code)) % 3 == 0 else "kinh"
        for year, (unit, classification) in history.items():
            households.append(household(code, units[unit], year, classification, ethnicity))
            apply_classification(households[-1], [], standard, engine)
            assert households[-1].classification == classification, (code, year)
    Household.objects.bulk_create(households)
    recompute_province(p, years=YEARS)
    return units


def records():
    """{code: {year: (unit id, class)}} as stored."""
    found = {}
    for code, year, unit_id, classification in Household.objects.values_list(
        "code", "survey_year", "unit_id", "classification"
    ):
        found.setdefault(code, {})[year] = (unit_id, classification)
    return found


def households_of(year):
    """(code, unit id, classes by year, class last year or "new") of each household recorded in `year`."""
    for code, history in records().items():
        if year in history:
            classes = {y: c for y, (_u, c) in history.items()}
            yield code, history[year][0], classes, classes.get(year - 1, "new")


def lineage(units, unit_id):
    path = Unit.objects.get(pk=unit_id).path
    return [u.pk for u in units.values() if path.startswith(u.path)]


def expected_transition_sums(year, unit_ids=None) -> Counter:
    expected = Counter()
    for _code, unit_id, classes, before in households_of(year):
        if unit_ids is not None and unit_id not in unit_ids:
            continue
        expected[(unit_id, f"tr_{before}_{classes[year]}")] += 1
        if t.transitions(classes, year) == t.RE_POOR:
            expected[(unit_id, "tr_re_poor")] += 1
            expected[(unit_id, f"tr_re_poor_{before}")] += 1
    return expected


def found_sums(rows) -> Counter:
    found = Counter()
    for row in rows:
        for key, value in row.items():
            if key.startswith("tr_"):
                found[(row["unit_id"], key)] += value
    return found


def test_the_dashboards_grouped_query_counts_each_households_transition(place):
    own = {place["C1"].pk, place["C3"].pk}  # the incremental run's form: the households attached to some units
    for year in YEARS[1:]:
        assert found_sums(transition_sums(place["P"], year)) == expected_transition_sums(year), year
        assert found_sums(transition_sums(place["P"], year, unit_ids=own)) == expected_transition_sums(year, own)


def expected_stored(units, years=YEARS) -> dict:
    expected = Counter()
    for year in years:
        for _code, unit_id, classes, before in households_of(year):
            moved = t.transitions(classes, year)
            codes = [transition_code(before, classes[year])]
            if moved == t.RE_POOR:
                codes += ["transition_re_poor", re_poor_code(before)]
            for ancestor in lineage(units, unit_id):
                for code in codes:
                    expected[(code, ancestor, year)] += 1
    return dict(expected)


def stored() -> dict:
    rows = ComputedValue.objects.filter(indicator__code__startswith="transition_", scope="province")
    return {
        (code, unit, year): num
        for code, unit, year, num in rows.values_list("indicator__code", "unit_id", "year", "numerator")
    }


def test_the_stored_transitions_of_every_unit_and_year_are_the_households_movements(place):
    assert stored() == expected_stored(place)


def test_after_an_earlier_year_is_edited_the_incremental_run_recounts_the_later_years(place):
    """2017 decides whether 2020 is a return: poor in 2017 made "re-poor-from-middle" re-poor, not poor makes it
    newly poor; near-poor in 2017 made "re-near-after-poor" re-near-poor."""
    before = stored()
    save("re-poor-from-middle", place["C1"], 2017, "not_poor")
    save("re-near-after-poor", place["C1"], 2017, "middle")
    recompute_changes(place["P"].pk, {2017: [place["C1"].pk]})
    assert stored() == expected_stored(place)
    re_poor = ("transition_re_poor", place["C1"].pk, 2020)
    assert stored().get(re_poor, 0) == before[re_poor] - 1


def test_the_sankey_flows_are_the_households_transitions(place):
    unit = place["P"]
    codes = [transition_code(b, a) for b in ("new", *CLASSES) for a in CLASSES]
    codes += [re_poor_code(b) for b in CLASSES]
    for year in YEARS[1:]:
        flows = Counter()
        for before, now, count, movement in transition_flows(indicator_values(codes, [unit], [year]), unit, year):
            flows[(before, now, movement)] += count
        expected = Counter()
        for _code, _unit, classes, before in households_of(year):
            moved = t.transitions(classes, year)
            fallback = "unchanged" if before == classes[year] else "moved"
            expected[(before, classes[year], charts.CHART_MOVEMENTS.get(moved, fallback))] += 1
        assert flows == expected, year


def expected_report(units, year, within: Unit) -> Counter:
    expected = Counter()
    for _code, unit_id, classes, _before in households_of(year):
        path = Unit.objects.get(pk=unit_id).path
        if path.startswith(within.path):
            for movement in t.report_movements(classes, year):
                expected[(path, movement)] += 1
    return expected


def test_the_review_reports_grouped_query_counts_each_households_report_movements(place):
    for year in YEARS[1:]:
        for within in ("P", "D1", "C3"):  # a household's last year is found outside the report's unit too
            found = Counter()
            for group in review_groups(place[within], year, []):
                if group.current:
                    for movement in (*t.POOR_MOVEMENTS, *t.NEAR_POOR_MOVEMENTS):
                        found[(group.path, movement)] += group.counts[movement]
            assert +found == expected_report(place, year, place[within]), (year, within)


def test_the_household_list_filter_finds_each_households_report_movements(place):
    for year, movement in product(YEARS[1:], (*t.POOR_MOVEMENTS, *t.NEAR_POOR_MOVEMENTS)):
        found = filter_by_movement(Household.objects.filter(survey_year=year), movement)
        expected = {
            code for code, _u, classes, _b in households_of(year) if movement in t.report_movements(classes, year)
        }
        assert set(found.values_list("code", flat=True)) == expected, movement


def test_the_households_cover_every_movement_and_edge(place):
    """So that none of the comparisons above passes for want of a case."""
    transitions, report = Counter(), Counter()
    for year in YEARS[1:]:
        for _code, _unit, classes, _before in households_of(year):
            transitions[t.transitions(classes, year)] += 1
            report.update(t.report_movements(classes, year))
    every = {v for k, v in vars(t).items() if k.isupper() and isinstance(v, str) and k not in ("POOR", "NEAR_POOR")}
    assert every - set(transitions) - set(report) == set()
    moved = [c for c, h in records().items() if len({u for _y, (u, _c) in h.items()}) > 1]
    assert "re-poor-moving" in moved and len(moved) > 5
