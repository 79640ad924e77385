"""The official standards as data (docs/domain/poverty-standards.md §2, §3 and §4). Loaded into the database by a
migration; the administrator edits them there."""

from .records import RETIREMENT_MONTHS, Standard

# Working age by sex and review year (Labour Code 2019 art. 169, Decree 135/2020 art. 4): both periods
WORKING_AGE = {"working_age_min": 15, "retirement_months": RETIREMENT_MONTHS}

QD59_2015 = Standard(
    code="QD59-2015",
    first_year=2016,
    last_year=2021,
    indicator_rules={
        "health_access": "sick_untreated",
        "health_insurance": "member_without_health_insurance",
        "adult_education": "adult_without_lower_secondary",
        "child_school": "child_out_of_school",
        "housing_quality": "house_class_not_durable",
        "housing_area": "area_per_person_below",
        "water": "unhygienic_water",
        "latrine": "unhygienic_latrine",
        "telecom": "no_phone_nor_internet",
        "information_assets": "no_information_assets_nor_loudspeaker",
    },
    income_only_poor_line={"rural": 700_000, "urban": 900_000},
    deprivation_line={"rural": 1_000_000, "urban": 1_300_000},
    middle_line={"rural": 1_500_000, "urban": 1_950_000},
    parameters={"child_school_ages": [5, 15], **WORKING_AGE},
)

ND07_2021 = Standard(
    code="ND07-2021",
    first_year=2022,
    last_year=2026,
    indicator_rules={
        "employment": "unemployed_or_informal_wage",
        "dependents": "dependents_over_half",
        "nutrition": "malnourished_child",
        "health_insurance": "member_without_health_insurance",
        "adult_education": "youth_without_qualification",
        "child_school": "child_not_at_right_level",
        "housing_quality": "structures_not_durable",
        "housing_area": "area_per_person_below",
        "water": "unhygienic_water",
        "latrine": "unhygienic_latrine",
        "telecom": "no_internet",
        "information_means": "no_information_means",
    },
    deprivation_line={"rural": 1_500_000, "urban": 2_000_000},
    middle_line={"rural": 2_250_000, "urban": 3_000_000},
    low_income_worker_line={"rural": 2_250_000, "urban": 3_000_000},
    parameters={"child_school_ages": [3, 16], **WORKING_AGE},
)

# Decree 351/2025 (§4): its criteria fix the lists from the end-2026 review on. The lines and the poor / near-poor
# rule are confirmed; the indicator thresholds are Decree 07's as a provisional reading (PROVISIONAL below) until
# an administrator checks them against the published Appendix. No medium band and no low-income-worker line are
# confirmed, so none is set.
ND351_2025 = Standard(
    code="ND351-2025",
    first_year=2027,
    last_year=2030,
    indicator_rules={
        **{name: rule for name, rule in ND07_2021.indicator_rules.items() if name != "information_means"},
        "waste": "waste_untreated",
    },
    deprivation_line={"rural": 2_200_000, "urban": 2_800_000},
    parameters={"child_school_ages": [3, 16], **WORKING_AGE},
)

BUILTIN = {s.code: s for s in (QD59_2015, ND07_2021, ND351_2025)}

DIMENSIONS = {
    "QD59-2015": {
        "health": ["health_access", "health_insurance"],
        "education": ["adult_education", "child_school"],
        "housing": ["housing_quality", "housing_area"],
        "water_sanitation": ["water", "latrine"],
        "information": ["telecom", "information_assets"],
    },
    "ND07-2021": {
        "employment": ["employment", "dependents"],
        "health": ["nutrition", "health_insurance"],
        "education": ["adult_education", "child_school"],
        "housing": ["housing_quality", "housing_area"],
        "water_sanitation": ["water", "latrine"],
        "information": ["telecom", "information_means"],
    },
    "ND351-2025": {
        "employment": ["employment", "dependents"],
        "health": ["nutrition", "health_insurance"],
        "education": ["adult_education", "child_school"],
        "housing": ["housing_quality", "housing_area"],
        "water_sanitation": ["water", "latrine", "waste"],
        "information": ["telecom"],
    },
}
