"""How targets and rates are expressed (docs/domain/poverty-standards.md §7), checked against the spec's own example
figures: reductions in percentage points, the average reduction from a baseline re-measured under the new standard,
and rates never chained across a change of standard (issue 23, point 4)."""

from decimal import Decimal

import pytest

from areas.models import Unit
from households.models import Household, HouseholdClassification, PovertyStandard
from targets.engine.attainment import ACHIEVED, MISSED, Goal, Observation, assess
from targets.models import Attainment, Indicator, Plan, Target
from targets.services import recompute_province, remeasure_baselines

D = Decimal
ONE_TO_ONE_AND_A_HALF = Goal("change", "between", D("1"), D("1.5"), "decrease")  # Resolution 24/2021: 1–1,5 points
MORE_THAN_THREE = Goal("change", "gt", D("3"), direction="decrease")  # ethnic-minority households: > 3 points


def test_2022_reduction_from_the_re_measured_2021_baseline_is_1_17_points():
    # tayninh: 2022 rate 4,03 %, "down 1,17 %" from 5,20 % (end-2021, under Decree 07)
    outcome = assess(ONE_TO_ONE_AND_A_HALF, Observation(D("4.03"), D(1), baseline=D("5.20"), years=1))
    assert outcome.measured == D("1.17") and outcome.status == ACHIEVED


def test_2022_ethnic_minority_reduction_is_4_89_points():
    # tayninh: ethnic-minority households 21,02 %, "down 4,89 %" from 25,91 %
    outcome = assess(MORE_THAN_THREE, Observation(D("21.02"), D(1), baseline=D("25.91"), years=1))
    assert outcome.measured == D("4.89") and outcome.status == ACHIEVED


def test_average_reduction_2021_to_2025_is_about_1_08_points_a_year():
    # end-2025 ≈ 0,9 %: (5,20 − 0,90) / (2025 − 2021) = 1,075 ≈ 1,08 points a year, within 1–1,5
    outcome = assess(ONE_TO_ONE_AND_A_HALF, Observation(D("0.90"), D(1), baseline=D("5.20"), years=4))
    assert round(outcome.measured, 2) == D("1.08") and outcome.status == ACHIEVED
    assert "1,08" in outcome.rule and "5,2 → 0,9" in outcome.rule


def test_a_reduction_below_the_range_is_missed_once_the_year_is_over():
    outcome = assess(ONE_TO_ONE_AND_A_HALF, Observation(D("4.40"), D(1), baseline=D("5.20"), years=1))
    assert outcome.measured == D("0.80") and outcome.status == MISSED


@pytest.fixture
def province(db):
    p = Unit.objects.create(code="P7", name="Tỉnh P7", level="province")
    return Unit.objects.create(code="C7", name="Xã C7", level="commune", parent=p)


def _households(commune, year, standard, poor, total):
    households = [
        Household(
            unit=commune,
            survey_year=year,
            code=f"H{i:04d}",
            area_type="rural",
            income_per_capita=500_000 if i < poor else 5_000_000,
            member_count=1,
            standard=standard,
            classification="poor" if i < poor else "not_poor",
            classification_rule="…",
        )
        for i in range(total)
    ]
    return Household.objects.bulk_create(households)


def test_the_baseline_is_the_boundary_years_rate_under_the_plans_standard_never_the_old_one(province):
    """1.000 households in 2021: 30 poor under Decision 59 (3,00 %), 52 under Decree 07 (5,20 %, the spec's end-2021
    baseline); 40 poor in 2022. The 2022 plan's change target measures 5,20 → 4,00: 1,20 points, not 3,00 → 4,00."""
    qd59, nd07 = PovertyStandard.objects.get(code="QD59-2015"), PovertyStandard.objects.get(code="ND07-2021")
    in_2021 = _households(province, 2021, qd59, poor=30, total=1000)
    HouseholdClassification.objects.bulk_create(
        HouseholdClassification(
            household=h, standard=nd07, classification="poor" if i < 52 else "not_poor", classification_rule="…"
        )
        for i, h in enumerate(in_2021)
    )
    _households(province, 2022, nd07, poor=40, total=1000)
    plan = Plan.objects.create(
        province=province.parent, title="Kế hoạch 2022", year_start=2022, year_end=2022, standard=nd07
    )
    target = Target.objects.create(
        plan=plan,
        indicator=Indicator.objects.get(code="poor_rate"),
        shape="change",
        operator="between",
        value=D("1"),
        value_max=D("1.5"),
        direction="decrease",
        value_unit="points",
        baseline_year=2021,
        source_sentence="giảm tỷ lệ hộ nghèo 1–1,5 điểm/năm",
    )
    remeasure_baselines(plan)
    target.refresh_from_db()
    assert target.baseline_value == D("5.20")
    recompute_province(province.parent, years=[2021, 2022])
    attainment = Attainment.objects.get(target=target, year=2022)
    assert D(attainment.explanation["baseline"]) == D("5.20")
    assert attainment.explanation["baseline_standard"] == "ND07-2021"
    assert D(attainment.explanation["measured"]) == D("1.20")
