"""Working age by sex and review year (issue 7.1): Labour Code 2019 art. 169, Decree 135/2020 art. 4,
docs/domain/poverty-standards.md §3.3 E1 — `age >= 15 and age * 12 < retirement_months(sex, year)`."""

import pytest

from households.models import Household, Member, PovertyStandard
from households.services import household_save
from households.standards import parse_household
from households.standards.builtin import BUILTIN
from households.standards.classify import derive_deprivations
from households.standards.facts import member_facts
from households.standards.records import Member as MemberRecord

ND07 = BUILTIN["ND07-2021"]

# (sex, review year, oldest age still of working age): the next age up is not
BOUNDARIES = [
    ("M", 2018, 59),
    ("F", 2018, 54),  # before 2021: men 60, women 55
    ("M", 2020, 59),
    ("F", 2020, 54),
    ("M", 2021, 60),
    ("F", 2021, 55),  # 2021: men 60 y 3 m, women 55 y 4 m
    ("M", 2023, 60),
    ("F", 2023, 55),  # 2023: men 60 y 9 m, women 56 y 0 m
    ("M", 2024, 60),
    ("F", 2024, 56),  # 2024: men 61 y 0 m, women 56 y 4 m
    ("M", 2026, 61),
    ("F", 2026, 56),  # 2026: men 61 y 6 m, women 57 y 0 m
    ("M", 2028, 61),
    ("F", 2030, 58),  # the ends of the roadmap: men 62 (2028), women 58 y 4 m (2030)
    ("M", 2040, 61),
    ("F", 2035, 59),
    ("F", 2040, 59),  # men 62, women 60 for good
]
CASES = [(sex, year, age, True) for sex, year, age in BOUNDARIES] + [
    (sex, year, age + 1, False) for sex, year, age in BOUNDARIES
]
IDS = [f"{sex}-{year}-age{age}-{'in' if inside else 'out'}" for sex, year, age, inside in CASES]


def _unemployed(age, sex, year):
    household = {
        "code": "W",
        "survey_year": year,
        "standard": "ND07-2021",
        "area_type": "rural",
        "income_per_capita": 1_000_000,
        "members": [
            {
                "age": age,
                "sex": sex,
                "education": "upper_secondary",
                "employment": "unemployed",
                "health_insurance": True,
                "uses_internet": True,
            }
        ],
        "dwelling": {
            "house_class": "kien_co",
            "floor_area_m2": 40,
            "water_source": "piped",
            "latrine": "septic",
            "assets": ["tv"],
        },
    }
    return parse_household(household, BUILTIN)[0]


@pytest.mark.parametrize("sex, year, age, inside", CASES, ids=IDS)
def test_an_unemployed_member_is_an_employment_deprivation_only_within_working_age(sex, year, age, inside):
    assert ("employment" in derive_deprivations(_unemployed(age, sex, year), ND07)) is inside


@pytest.mark.parametrize("sex, year, age, inside", CASES, ids=IDS)
def test_working_age_members_follow_the_same_rule(sex, year, age, inside):
    facts = member_facts((MemberRecord(age=age, sex=sex, employment="wage_contract"),), ND07, year)
    assert facts.working_age_members == int(inside)
    assert facts.has_steady_worker is inside


def test_a_woman_of_56_in_2021_is_not_of_working_age_and_a_man_of_60_in_2023_is():
    assert not ND07.is_working_age(56, "F", 2021)
    assert ND07.is_working_age(60, "M", 2023)


@pytest.mark.parametrize("sex", ["M", "F"])
def test_working_age_starts_at_15(sex):
    assert not ND07.is_working_age(14, sex, 2022)
    assert ND07.is_working_age(15, sex, 2022)


def test_both_standards_carry_the_roadmap_as_data(db):
    for standard in PovertyStandard.objects.all():
        roadmap = standard.parameters["retirement_months"]
        assert [2021, 723] in roadmap["M"] and [2028, 744] in roadmap["M"]
        assert [2021, 664] in roadmap["F"] and [2035, 720] in roadmap["F"]
        assert standard.parameters["working_age_min"] == 15 and "working_age" not in standard.parameters


def _stored(unit, year, members):
    household = Household(
        unit=unit,
        survey_year=year,
        code=f"W{year}",
        area_type="rural",
        income_per_capita=1_000_000,
        house_class="kien_co",
        nondurable_structures=0,
        floor_area_m2=60,
        water_source="piped",
        latrine="septic",
        has_tv=True,
    )
    return household_save(
        household,
        [
            Member(
                age=age,
                sex=sex,
                education="upper_secondary",
                employment=employment,
                health_insurance=True,
                uses_internet=True,
            )
            for age, sex, employment in members
        ],
    )


def test_a_stored_household_counts_its_working_age_members_by_sex_and_year(tree):
    members = [(60, "M", "unemployed"), (56, "F", "wage_contract"), (30, "F", "self_employed")]
    in_2023 = _stored(tree["C1"], 2023, members)
    assert in_2023.working_age_members == 2  # the man of 60 is, the woman of 56 is not
    assert "employment" in in_2023.deprivations
    in_2021 = _stored(tree["C1"], 2021, members)  # Decision 59/2015 has no employment indicator
    assert in_2021.working_age_members == 2 and in_2021.trained_workers == 0


def test_the_roadmap_edited_as_data_changes_the_rule(tree):
    standard = PovertyStandard.objects.get(code="ND07-2021")
    standard.parameters = dict(standard.parameters, retirement_months={"M": [[2000, 65 * 12]], "F": [[2000, 65 * 12]]})
    standard.save()
    household = _stored(tree["C1"], 2023, [(63, "M", "unemployed"), (63, "F", "unemployed")])
    assert household.working_age_members == 2 and "employment" in household.deprivations
