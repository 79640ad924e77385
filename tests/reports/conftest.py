"""A hand-counted province followed over 2019–2021 (Decision 59/2015) and 2022 (Decree 07/2021).

P → D1 → C1 (rural), C3 (urban town); P → D2 → C2 (urban). Classes are set by income and reported
deprivations (rural: ≤ 700.000 poor, ≤ 1.000.000 near-poor with < 3 deprivations, ≤ 1.500.000 middle;
urban: 900.000 / 1.300.000 / 1.950.000).
"""

import pytest

from areas.models import Unit
from households.models import Household
from households.services import household_save
from tests.conftest import make_user

INCOME = {
    "rural": {"poor": 600_000, "near_poor": 900_000, "middle": 1_200_000, "not_poor": 3_000_000},
    "urban": {"poor": 800_000, "near_poor": 1_200_000, "middle": 1_500_000, "not_poor": 3_000_000},
}
ND07_INCOME = {"poor": 1_000_000, "near_poor": 1_000_000, "middle": 2_000_000, "not_poor": 5_000_000}

# code: (commune, ethnicity, {year: classification}, deprivations reported in 2021)
HISTORY = {
    "A": ("C1", "khmer", {2019: "poor", 2020: "middle", 2021: "poor"}, []),  # re-poor
    "B": ("C1", "kinh", {2020: "poor", 2021: "poor"}, ["water", "latrine"]),  # still poor
    "C": ("C1", "kinh", {2020: "poor", 2021: "near_poor"}, ["water"]),  # escaped; newly near-poor
    "D": ("C1", "kinh", {2020: "near_poor", 2021: "poor"}, []),  # newly poor from near-poor
    "E": ("C1", "thai", {2021: "poor"}, ["water"]),  # a new household, poor: newly poor
    "F": ("C1", "kinh", {2020: "not_poor", 2021: "not_poor"}, []),
    "G": ("C1", "kinh", {2019: "near_poor", 2020: "middle", 2021: "near_poor"}, []),  # re-near-poor
    "H": ("C1", "kinh", {2020: "near_poor", 2021: "middle"}, []),  # escaped near-poverty
    "I": ("C3", "khmer", {2020: "poor", 2021: "not_poor"}, []),  # escaped
    "J": ("C3", "kinh", {2020: "middle", 2021: "near_poor"}, []),  # newly near-poor
    "K": ("C2", "kinh", {2020: "poor", 2021: "poor"}, ["telecom"]),  # still poor
    "L": ("C2", "kinh", {2020: "poor"}, []),  # left the review: another change
    "M": ("C2", "hoa", {2020: "not_poor", 2021: "poor"}, []),  # newly poor
    "N": ("C2", "kinh", {2021: "near_poor"}, []),  # a new household, near-poor
}


def add_household(code, unit, year, classification, ethnicity="kinh", deprivations=()):
    if year >= 2022:
        income = ND07_INCOME[classification]
        deprivations = list(deprivations) or (["water", "latrine", "telecom"] if classification == "poor" else [])
    else:
        income = INCOME[unit.area_type][classification]
    household = Household(
        unit=unit,
        survey_year=year,
        code=code,
        ethnicity=ethnicity,
        area_type=unit.area_type,
        income_per_capita=income,
        member_count=1,
        reported_deprivations=list(deprivations),
    )
    household_save(household)
    assert household.classification == classification, (code, year)
    return household


def small_province() -> dict:
    """Province P: district D1 with commune C1 (rural), city D2 with ward C2 (urban)."""
    p = Unit.objects.create(code="P", name="Tỉnh P", level="province")
    d1 = Unit.objects.create(code="D1", name="Huyện D1", level="district", parent=p)
    d2 = Unit.objects.create(code="D2", name="Thành phố D2", level="district", parent=p)
    return {
        "P": p,
        "D1": d1,
        "D2": d2,
        "C1": Unit.objects.create(code="C1", name="Xã C1", level="commune", parent=d1),
        "C2": Unit.objects.create(code="C2", name="Phường C2", level="commune", parent=d2, area_type="urban"),
    }


@pytest.fixture
def province(db):
    units = small_province()
    units["C3"] = Unit.objects.create(
        code="C3", name="Thị trấn C3", level="commune", parent=units["D1"], area_type="urban"
    )
    for code, (commune, ethnicity, years, deprivations) in HISTORY.items():
        for year, classification in years.items():
            add_household(code, units[commune], year, classification, ethnicity, deprivations if year == 2021 else [])
    # 2022 falls under another standard: two households carried over
    add_household("B", units["C1"], 2022, "poor")
    add_household("K", units["C2"], 2022, "near_poor")
    return units


@pytest.fixture
def users(province):
    return {
        "manager": make_user("boss", "manager"),
        "officer_c1": make_user("c1", "officer", province["C1"]),
        "officer_d2": make_user("d2", "officer", province["D2"]),
    }
