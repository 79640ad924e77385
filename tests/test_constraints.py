from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from households.models import Household, Member, PovertyStandard
from targets.models import Indicator, Plan, ReportedValue, Target


@pytest.fixture
def plan(tree):
    return Plan.objects.create(province=tree["P"], title="Plan", year_start=2022, year_end=2022,
                               standard=PovertyStandard.objects.get(code="ND07-2021"))


def _target(plan, **overrides):
    fields = dict(plan=plan, indicator=Indicator.objects.get(code="poor_rate"), shape="level", operator="lte",
                  value=Decimal("18.66"), value_unit="percent", source_sentence="…")
    fields.update(overrides)
    return Target.objects.create(**fields)


def _refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_valid_target_is_stored(plan):
    assert _target(plan).pk


def test_a_range_whose_min_exceeds_its_max_is_refused(plan):
    _refused(lambda: _target(plan, shape="change", direction="decrease", operator="between",
                             value=5, value_max=4, value_unit="points"))


def test_a_percentage_over_100_is_refused(plan):
    _refused(lambda: _target(plan, value=Decimal("100.5")))


def test_a_count_may_exceed_100(plan):
    assert _target(plan, indicator=Indicator.objects.get(code="workers_trained"), shape="count",
                   operator="gte", value=13000, value_unit="count").pk


def test_a_negative_target_count_is_refused(plan):
    _refused(lambda: _target(plan, shape="count", operator="gte", value=-1, value_unit="count"))


def test_a_negative_reported_count_is_refused(tree):
    _refused(lambda: ReportedValue.objects.create(
        indicator=Indicator.objects.get(code="workers_trained"), unit=tree["C1"], year=2022, value=-5))


def test_a_reported_share_numerator_over_denominator_is_refused(tree):
    _refused(lambda: ReportedValue.objects.create(
        indicator=Indicator.objects.get(code="job_placements_poor_share"), unit=tree["C1"], year=2022,
        value=60, numerator=70, denominator=50))


def _household(unit, code="H1", year=2022, **overrides):
    fields = dict(unit=unit, survey_year=year, code=code, area_type="rural", income_per_capita=1_000_000,
                  member_count=1, standard=PovertyStandard.objects.get(code="ND07-2021"),
                  classification="near_poor", classification_rule="…")
    fields.update(overrides)
    return Household.objects.create(**fields)


def test_a_duplicate_household_code_in_one_survey_year_is_refused(tree):
    _household(tree["C1"])
    _refused(lambda: _household(tree["C2"]))


def test_the_same_household_code_in_another_year_is_accepted(tree):
    _household(tree["C1"])
    assert _household(tree["C1"], year=2021).pk


def test_an_impossible_member_age_is_refused(tree):
    household = _household(tree["C1"])
    _refused(lambda: Member.objects.create(household=household, age=200, sex="M", education="none",
                                           employment="inactive"))


def test_a_household_without_members_is_refused(tree):
    _refused(lambda: _household(tree["C1"], member_count=0))


def test_subtree_is_the_unit_and_everything_under_it(tree):
    from areas.models import Unit

    assert set(Unit.objects.subtree(tree["D1"]).values_list("code", flat=True)) == {"D1", "C1"}
    assert set(Unit.objects.subtree(tree["P"]).values_list("code", flat=True)) == {"P", "D1", "D2", "C1", "C2"}


def test_moving_a_unit_moves_its_subtree(tree):
    c1 = tree["C1"]
    d1 = tree["D1"]
    d1.parent = tree["D2"]
    d1.save()
    c1.refresh_from_db()
    assert c1.path == "P/D2/D1/C1/"
    assert c1.depth == 3
