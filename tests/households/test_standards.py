"""The pure engine against the legal test vectors, and its properties."""

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from households.standards import Dwelling, HouseholdRecord, Member, RecordError, classify, parse_household
from households.standards.alkire_foster import measures, measures_by_group
from households.standards.builtin import BUILTIN, DIMENSIONS
from households.standards.classify import derive_deprivations
from households.standards.records import (
    ASSETS,
    EDUCATION_LEVELS,
    EMPLOYMENT,
    HOUSE_CLASSES,
    LATRINES,
    WATER_SOURCES,
    Rule,
)

VECTORS = json.loads((Path(__file__).resolve().parents[1] / "data/test-vectors.json").read_text())
CASES = [(v["household"], code, expected) for v in VECTORS for code, expected in v["expected"].items()]
ORDER = {"poor": 0, "near_poor": 1, "middle": 2, "not_poor": 3}


@pytest.mark.parametrize("household, code, expected", CASES, ids=[f"{h['code']}-{c}" for h, c, _ in CASES])
def test_legal_vector(household, code, expected):
    record, standard = parse_household(dict(household, standard=code), BUILTIN)
    result = classify(record, standard)
    assert result.classification == expected["classification"]
    assert list(result.deprivations) == sorted(expected["deprivations"])
    if "low_income_worker_household" in expected:
        assert result.low_income_worker_household == expected["low_income_worker_household"]


def test_income_on_the_2022_line_with_three_deprivations_is_poor():
    record, standard = parse_household(
        {
            "code": "A",
            "survey_year": 2022,
            "area_type": "rural",
            "income_per_capita": 1_500_000,
            "member_count": 3,
            "deprivations": ["water", "latrine", "telecom"],
        },
        BUILTIN,
    )
    result = classify(record, standard)
    assert result.classification == "poor"
    assert result.rule == Rule("deprivations", "rural", 1_500_000, 1_500_000, count=3, threshold=3)
    assert Rule.decode(result.rule.encode()) == result.rule


def test_survey_year_chooses_the_standard():
    base = {"code": "A", "area_type": "rural", "income_per_capita": 650_000, "member_count": 2, "deprivations": []}
    assert parse_household(dict(base, survey_year=2021), BUILTIN)[1].code == "QD59-2015"
    assert parse_household(dict(base, survey_year=2022), BUILTIN)[1].code == "ND07-2021"


def test_alkire_foster_on_the_twelve_vectors_matches_the_worked_example():
    standard = BUILTIN["ND07-2021"]
    records = [parse_household(dict(v["household"], standard="ND07-2021"), BUILTIN)[0] for v in VECTORS]
    deprived = [derive_deprivations(r, standard) for r in records]
    m = measures(deprived, standard.indicators, DIMENSIONS["ND07-2021"])
    assert (m.q, round(m.headcount, 4), round(m.intensity, 4), round(m.m0, 4)) == (6, 0.5, 0.4444, 0.2222)
    assert round(m.censored["employment"], 4) == 0.3333 and round(m.censored["nutrition"], 4) == 0.0833
    assert round(m.contribution["water"], 5) == 0.09375
    assert sum(m.contribution.values()) == pytest.approx(1)
    assert sum(m.dimension_contribution.values()) == pytest.approx(1)
    by_area = measures_by_group([(r.area_type, d) for r, d in zip(records, deprived)], standard.indicators)
    assert round(by_area["groups"]["rural"].m0, 4) == 0.2708
    assert round(by_area["contribution"]["urban"], 4) == 0.1875
    assert by_area["m0"] == pytest.approx(m.m0)


# --- bad input: a located Vietnamese message, per field and household ---------------------------------


def _errors(data):
    with pytest.raises(RecordError) as caught:
        parse_household(data, BUILTIN)
    return caught.value


def _member(**overrides):
    return {
        "age": 30,
        "sex": "F",
        "education": "upper_secondary",
        "health_insurance": True,
        "employment": "self_employed",
        **overrides,
    }


DWELLING = {
    "house_class": "kien_co",
    "nondurable_structures": 0,
    "floor_area_m2": 40,
    "water_source": "piped",
    "latrine": "septic",
    "assets": ["tv"],
}


def test_an_age_of_200_is_named_with_its_member_and_household():
    error = _errors(
        {
            "code": "HH-9",
            "survey_year": 2022,
            "area_type": "rural",
            "income_per_capita": 1_000_000,
            "members": [_member(), _member(age=200)],
            "dwelling": DWELLING,
        }
    )
    assert error.code == "HH-9"
    assert error.errors == [{"field": "members[1].age", "message": "không được lớn hơn 120, nhận được 200"}]
    assert "hộ HH-9" in str(error)


def test_a_negative_income_is_refused():
    error = _errors(
        {
            "code": "HH-1",
            "survey_year": 2022,
            "area_type": "rural",
            "income_per_capita": -1,
            "member_count": 2,
            "deprivations": [],
        }
    )
    assert error.errors[0]["field"] == "income_per_capita"


def test_a_member_count_that_disagrees_with_the_members_listed_is_refused():
    error = _errors(
        {
            "code": "HH-2",
            "survey_year": 2022,
            "area_type": "rural",
            "income_per_capita": 1,
            "member_count": 3,
            "members": [_member()],
            "dwelling": DWELLING,
        }
    )
    assert error.errors == [{"field": "member_count", "message": "ghi 3 thành viên nhưng danh sách có 1"}]


def test_a_survey_year_no_standard_covers_is_refused():
    error = _errors(
        {
            "code": "HH-3",
            "survey_year": 2015,
            "area_type": "rural",
            "income_per_capita": 1,
            "member_count": 1,
            "deprivations": [],
        }
    )
    assert error.errors == [{"field": "survey_year", "message": "không có chuẩn nghèo nào áp dụng cho năm 2015"}]


def test_an_unknown_indicator_name_is_refused():
    error = _errors(
        {
            "code": "HH-4",
            "survey_year": 2022,
            "area_type": "rural",
            "income_per_capita": 1,
            "member_count": 1,
            "deprivations": ["water", "health_access"],
        }
    )
    assert error.errors == [
        {
            "field": "deprivations",
            "message": "chỉ số không có trong chuẩn ND07-2021: Tiếp cận các dịch vụ y tế (health_access)",
        }
    ]


def test_a_record_with_both_forms_that_disagree_names_the_indicator():
    data = dict(VECTORS[0]["household"], standard="ND07-2021", deprivations=["water"])
    record, standard = parse_household(data, BUILTIN)
    result = classify(record, standard)
    assert [(c.indicator, c.given, c.derived) for c in result.conflicts] == [("telecom", False, True)]
    assert "telecom" in result.as_dict()["conflicts"][0]["message"]


# --- properties ------------------------------------------------------------------------------------------

members = st.builds(
    Member,
    age=st.integers(0, 100),
    sex=st.sampled_from("MF"),
    education=st.sampled_from(EDUCATION_LEVELS),
    in_school=st.booleans(),
    on_track=st.booleans(),
    health_insurance=st.booleans(),
    employment=st.sampled_from(EMPLOYMENT),
    able_to_work=st.booleans(),
    disabled=st.booleans(),
    social_allowance=st.booleans(),
    malnourished=st.booleans(),
    sick_untreated=st.booleans(),
    uses_phone=st.booleans(),
    uses_internet=st.booleans(),
    job_training_certificate=st.booleans(),
)
dwellings = st.builds(
    Dwelling,
    house_class=st.sampled_from(HOUSE_CLASSES),
    nondurable_structures=st.integers(0, 3),
    floor_area_m2=st.floats(0, 200),
    water_source=st.sampled_from(WATER_SOURCES),
    latrine=st.sampled_from(LATRINES),
    assets=st.frozensets(st.sampled_from(ASSETS)),
    loudspeaker_audible=st.booleans(),
)


@st.composite
def detailed_households(draw):
    people = tuple(draw(st.lists(members, min_size=1, max_size=8)))
    return HouseholdRecord(
        code="H",
        area_type=draw(st.sampled_from(["rural", "urban"])),
        income_per_capita=draw(st.integers(0, 5_000_000)),
        reference_year=2021,
        member_count=len(people),
        members=people,
        dwelling=draw(dwellings),
    )


standards = st.sampled_from(list(BUILTIN.values()))


@settings(max_examples=300, deadline=None)
@given(detailed_households(), standards, st.integers(0, 2_000_000))
def test_more_income_never_makes_a_household_poorer(household, standard, extra):
    richer = dataclasses.replace(household, income_per_capita=household.income_per_capita + extra)
    assert ORDER[classify(richer, standard).classification] >= ORDER[classify(household, standard).classification]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["rural", "urban"]), st.integers(0, 4_000_000), standards, st.data())
def test_one_more_deprivation_never_makes_a_household_less_poor(area, income, standard, data):
    names = list(standard.indicators)
    deprived = data.draw(st.frozensets(st.sampled_from(names), max_size=len(names) - 1))
    extra = data.draw(st.sampled_from([n for n in names if n not in deprived]))
    record = HouseholdRecord("H", area, income, 2021, 3, answers=deprived)
    worse = dataclasses.replace(record, answers=deprived | {extra})
    assert ORDER[classify(worse, standard).classification] <= ORDER[classify(record, standard).classification]


@settings(max_examples=300, deadline=None)
@given(detailed_households(), standards)
def test_member_detail_and_indicator_answers_agree(household, standard):
    from_detail = classify(household, standard)
    answers = HouseholdRecord(
        household.code,
        household.area_type,
        household.income_per_capita,
        household.reference_year,
        household.member_count,
        answers=derive_deprivations(household, standard),
    )
    from_answers = classify(answers, standard)
    assert (from_answers.classification, from_answers.deprivations) == (
        from_detail.classification,
        from_detail.deprivations,
    )
    both = dataclasses.replace(household, answers=answers.answers)
    assert classify(both, standard).conflicts == ()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.frozensets(st.sampled_from(BUILTIN["ND07-2021"].indicators)), min_size=1, max_size=60))
def test_m0_is_h_times_a(rows):
    m = measures(rows, BUILTIN["ND07-2021"].indicators, DIMENSIONS["ND07-2021"], k=3 / 12)
    assert m.m0 == pytest.approx(m.headcount * m.intensity)
    if m.m0:
        assert sum(m.contribution.values()) == pytest.approx(1)
