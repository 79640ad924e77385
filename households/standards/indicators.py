"""Deprivation rules. Each takes a household with member detail and its standard, and says
whether the household is deprived — or None when the record does not answer the question. Standards name these functions in `indicator_rules`.

Sources: docs/domain/poverty-standards.md §2.2 (Decision 59/2015 via Circular 17/2016,
Phiếu B) and §3.3 (Decree 07/2021, Appendix). Parameters marked unverified there are read from
the standard's `parameters`, so they can be corrected as data.
"""

from .records import VOCATIONAL, HouseholdRecord, Standard

_RANK = {"none": 0, "primary": 1, "lower_secondary": 2, "upper_secondary": 3, "university": 4}


def _rank(education: str) -> int:
    return 3 if education in VOCATIONAL else _RANK[education]


def sick_untreated(h: HouseholdRecord, s: Standard) -> bool:
    # QĐ 59/2015 D1: a member ill or injured and not examined or treated in the last 12 months
    return any(m.sick_untreated for m in h.members)


def member_without_health_insurance(h: HouseholdRecord, s: Standard) -> bool:
    # QĐ 59/2015 D2, NĐ 07/2021 E4: at least one member aged 6 or more without a card
    min_age = s.param("health_insurance_min_age")
    return any(m.age >= min_age and not m.health_insurance for m in h.members)


def adult_without_lower_secondary(h: HouseholdRecord, s: Standard) -> bool:
    # QĐ 59/2015 D3: aged 15+, born 1986 or later, no THCS, not in school (ambiguity A7: literal)
    min_age, born_from = s.param("adult_education_min_age"), s.param("adult_education_born_from")
    return any(
        m.age >= min_age
        and h.reference_year - m.age >= born_from
        and _rank(m.education) < _RANK["lower_secondary"]
        and not m.in_school
        for m in h.members
    )


def child_out_of_school(h: HouseholdRecord, s: Standard) -> bool:
    # QĐ 59/2015 D4: a child aged 5 to under 15 not attending school
    low, high = s.param("child_school_ages")
    return any(low <= m.age < high and not m.in_school for m in h.members)


def child_not_at_right_level(h: HouseholdRecord, s: Standard) -> bool:
    # NĐ 07/2021 E6: a child aged 3 to under 16 not at the school level right for the age
    low, high = s.param("child_school_ages")
    return any(low <= m.age < high and not (m.in_school and m.on_track) for m in h.members)


def youth_without_qualification(h: HouseholdRecord, s: Standard) -> bool:
    # NĐ 07/2021 E5: 16–<18 needs THCS or school; 18–30 needs THPT, vocational training or school
    low, high = s.param("youth_education_ages")

    def deprived(m) -> bool:
        if m.in_school or m.job_training_certificate or not low <= m.age <= high:
            return False
        needed = _RANK["lower_secondary"] if m.age < 18 else _RANK["upper_secondary"]
        return _rank(m.education) < needed

    return any(deprived(m) for m in h.members)


def house_class_not_durable(h: HouseholdRecord, s: Standard) -> bool:
    # QĐ 59/2015 D5: the house is "thiếu kiên cố" or "đơn sơ"
    return h.dwelling.house_class in ("thieu_kien_co", "don_so")


def structures_not_durable(h: HouseholdRecord, s: Standard) -> bool:
    # NĐ 07/2021 E7: at least 2 of the 3 main structures (walls, columns, roof) not durable
    return h.dwelling.nondurable_structures >= s.param("nondurable_structures_min")


def area_per_person_below(h: HouseholdRecord, s: Standard) -> bool:
    # D6 / E8: floor area per person under 8 m²
    return h.dwelling.floor_area_m2 < s.param("area_per_person_min_m2") * h.member_count


def unhygienic_water(h: HouseholdRecord, s: Standard) -> bool:
    return h.dwelling.water_source not in s.param("hygienic_water")


def unhygienic_latrine(h: HouseholdRecord, s: Standard) -> bool:
    return h.dwelling.latrine not in s.param("hygienic_latrine")


def no_phone_nor_internet(h: HouseholdRecord, s: Standard) -> bool:
    # QĐ 59/2015 D9 (ambiguity A1: deprived only when nobody has either)
    return not any(m.uses_phone or m.uses_internet for m in h.members)


def no_internet(h: HouseholdRecord, s: Standard) -> bool:
    # NĐ 07/2021 E11: no member uses internet services
    return not any(m.uses_internet for m in h.members)


def waste_untreated(h: HouseholdRecord, s: Standard) -> bool | None:
    # NĐ 351/2025 F12 (provisional reading): household waste neither collected nor treated on site hygienically.
    # None: the household was not asked (records from before the question existed).
    if h.dwelling.waste_disposal is None:
        return None
    return h.dwelling.waste_disposal not in s.param("hygienic_waste_disposal")


def no_information_assets_nor_loudspeaker(h: HouseholdRecord, s: Standard) -> bool:
    # QĐ 59/2015 D10: none of TV, radio, computer, and the village loudspeaker cannot be heard
    return not (h.dwelling.assets & {"tv", "radio", "computer"} or h.dwelling.loudspeaker_audible)


def no_information_means(h: HouseholdRecord, s: Standard) -> bool:
    # NĐ 07/2021 E12: none of TV, radio, computer, smartphone (ambiguity A3: no loudspeaker exception)
    return not h.dwelling.assets & {"tv", "radio", "computer", "smartphone"}


def unemployed_or_informal_wage(h: HouseholdRecord, s: Standard) -> bool:
    # NĐ 07/2021 E1: a working-age member able to work but without a job, or a wage job with no contract;
    # working age by sex and review year (Labour Code 2019 art. 169, Decree 135/2020)
    return any(
        m.employment == "wage_no_contract"
        or (m.employment == "unemployed" and m.able_to_work and s.is_working_age(m.age, m.sex, h.reference_year))
        for m in h.members
    )


def dependents_over_half(h: HouseholdRecord, s: Standard) -> bool:
    # NĐ 07/2021 E2: dependents (children under 16; elderly or disabled on monthly allowance) > 50 %
    child_under, elderly = s.param("dependent_child_under"), s.param("elderly_age")
    dependents = sum(
        1 for m in h.members if m.age < child_under or ((m.age >= elderly or m.disabled) and m.social_allowance)
    )
    return dependents > s.param("dependents_share_over") * h.member_count


def malnourished_child(h: HouseholdRecord, s: Standard) -> bool:
    # NĐ 07/2021 E3: a child under 16 stunted or underweight
    child_under = s.param("dependent_child_under")
    return any(m.age < child_under and m.malnourished for m in h.members)


RULES = {
    name: fn
    for name, fn in globals().items()
    if callable(fn) and not name.startswith("_") and getattr(fn, "__module__", None) == __name__
}
