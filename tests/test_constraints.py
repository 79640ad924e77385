from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CheckConstraint
from django.utils import translation

from approvals.models import Approval
from areas.models import Unit
from households.models import Household, Member, PovertyStandard, RosterImport
from targets.models import Indicator, Plan, ReportedValue, Target


@pytest.fixture
def plan(tree):
    return Plan.objects.create(
        province=tree["P"],
        title="Plan",
        year_start=2022,
        year_end=2022,
        standard=PovertyStandard.objects.get(code="ND07-2021"),
    )


def _target(plan, **overrides):
    fields = dict(
        plan=plan,
        indicator=Indicator.objects.get(code="poor_rate"),
        shape="level",
        operator="lte",
        value=Decimal("18.66"),
        value_unit="percent",
        source_sentence="…",
    )
    fields.update(overrides)
    return Target.objects.create(**fields)


def _refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_valid_target_is_stored(plan):
    assert _target(plan).pk


def test_a_range_whose_min_exceeds_its_max_is_refused(plan):
    _refused(
        lambda: _target(
            plan, shape="change", direction="decrease", operator="between", value=5, value_max=4, value_unit="points"
        )
    )


def test_a_percentage_over_100_is_refused(plan):
    _refused(lambda: _target(plan, value=Decimal("100.5")))


def test_a_count_may_exceed_100(plan):
    assert _target(
        plan,
        indicator=Indicator.objects.get(code="workers_trained"),
        shape="count",
        operator="gte",
        value=13000,
        value_unit="count",
    ).pk


def test_a_negative_target_count_is_refused(plan):
    _refused(lambda: _target(plan, shape="count", operator="gte", value=-1, value_unit="count"))


def test_a_negative_reported_count_is_refused(tree):
    _refused(
        lambda: ReportedValue.objects.create(
            indicator=Indicator.objects.get(code="workers_trained"), unit=tree["C1"], year=2022, value=-5
        )
    )


def test_a_reported_share_numerator_over_denominator_is_refused(tree):
    _refused(
        lambda: ReportedValue.objects.create(
            indicator=Indicator.objects.get(code="job_placements_poor_share"),
            unit=tree["C1"],
            year=2022,
            value=60,
            numerator=70,
            denominator=50,
        )
    )


def _household(unit, code="H1", year=2022, **overrides):
    fields = dict(
        unit=unit,
        survey_year=year,
        code=code,
        area_type="rural",
        income_per_capita=1_000_000,
        member_count=1,
        standard=PovertyStandard.objects.get(code="ND07-2021"),
        classification="near_poor",
        classification_rule="…",
    )
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
    _refused(
        lambda: Member.objects.create(household=household, age=200, sex="M", education="none", employment="inactive")
    )


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


EDITED_MODELS = [Unit, PovertyStandard, Household, Member, RosterImport, Plan, Target, ReportedValue, Approval]


@pytest.mark.parametrize(
    ("model", "constraint"),
    [(m, c) for m in EDITED_MODELS for c in m._meta.constraints],
    ids=lambda c: getattr(c, "name", ""),
)
def test_every_database_rule_has_a_vietnamese_message_and_the_field_it_concerns(model, constraint):
    concerned = (
        constraint.condition.referenced_base_fields
        if isinstance(constraint, CheckConstraint)
        else set(constraint.fields)
    )
    assert constraint.violation_error_code in concerned
    with translation.override("en"):
        english = str(constraint.violation_error_message)
    with translation.override("vi"):
        vietnamese = str(constraint.violation_error_message)
    assert english != vietnamese and "violated" not in english


BROKEN_RULES = {  # the database rule alone, without the forms' checks before it
    "a member aged 200": (lambda tree: Member(age=200), "age", "Tuổi không được quá 120."),
    "a household of 0 members": (
        lambda tree: Household(member_count=0),
        "member_count",
        "Mỗi hộ có ít nhất một thành viên.",
    ),
    "a floor area of -20": (lambda tree: Household(floor_area_m2=-20), "floor_area_m2", "Diện tích ở không được âm."),
    "9 non-durable structures": (
        lambda tree: Household(nondurable_structures=9),
        "nondurable_structures",
        "Nhiều nhất 3 kết cấu chính (tường, cột, mái) có thể không bền chắc.",
    ),
    "a share of 250%": (
        lambda tree: Target(share_value=250),
        "share_value",
        "Điều kiện tỷ lệ là phần trăm từ 0 đến 100.",
    ),
    "a plan from 2026 to 2022": (
        lambda tree: Plan(year_start=2026, year_end=2022),
        "year_end",
        "Năm đầu của kế hoạch không được sau năm cuối.",
    ),
    "a baseline of -50": (lambda tree: Target(baseline_value=-50), "baseline_value", "Giá trị năm gốc không được âm."),
    "a baseline year of 99999": (
        lambda tree: Target(baseline_year=99999),
        "baseline_year",
        "Năm gốc phải từ 1900 đến 2100.",
    ),
    "a month 13": (lambda tree: ReportedValue(month=13, value=1), "month", "Tháng phải từ 1 đến 12."),
    "a unit its own parent": (
        lambda tree: Unit(pk=tree["D1"].pk, parent_id=tree["D1"].pk),
        "parent",
        "Một đơn vị không thể là cấp trên của chính nó.",
    ),
}


@pytest.mark.parametrize("case", BROKEN_RULES)
def test_a_broken_database_rule_is_told_beside_its_field_in_vietnamese(tree, case):
    make, field, message = BROKEN_RULES[case]
    with pytest.raises(ValidationError) as refused:
        make(tree).validate_constraints()
    assert message in refused.value.message_dict[field]
    assert "__all__" not in refused.value.message_dict


def _fields_of(condition) -> set[str]:
    from django.db.models import F, Q

    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= _fields_of(child)
        else:
            lookup, value = child
            names.add(lookup.split("__")[0])
            if isinstance(value, F):
                names.add(value.name)
    return names


_NUMBERS = [None, -1, 0, 1, 3, 4, 12, 13, 20, 21, 100, 101, 120, 121, 1899, 1900, 2100, 2101, 10_000, 10_001]
_TEXTS = ["", "between", "lte", "count", "percent", "change", "level", "decrease"]


@pytest.mark.parametrize("model", [Household, Member, PovertyStandard, RosterImport, Unit, Plan, Target, ReportedValue])
def test_check_constraints_evaluated_in_python_agree_with_the_database(db, model):
    """povertyplan.constraints evaluates the plain check constraints itself: on values at and around every bound,
    NULL included, its verdict is the database's."""
    import itertools
    import random

    from django.db.models import Q, Value

    from povertyplan.constraints import _holds

    rng = random.Random(21)
    checks = [c for c in model._meta.constraints if isinstance(c, CheckConstraint)]
    assert checks
    for constraint in checks:
        names = sorted(_fields_of(constraint.condition))
        pools = []
        for name in names:
            field = model._meta.get_field(name)
            if field.get_internal_type() in ("CharField", "TextField"):
                pools.append(_TEXTS + [None])
            elif field.get_internal_type() == "DateField":
                pools.append([None, *(date(2025, 6, 29) + timedelta(days=n) for n in range(4))])
            elif field.get_internal_type() == "DecimalField":
                pools.append([None if n is None else Decimal(n) + Decimal("0.5") * (n % 2) for n in _NUMBERS])
            else:
                pools.append(_NUMBERS)
        combinations = list(itertools.product(*pools))
        for values in rng.sample(combinations, min(len(combinations), 60)):
            against = dict(zip(names, values))
            python = _holds(Q(constraint.condition), against) is not False
            database = Q(constraint.condition).check(
                {k: Value(v, model._meta.get_field(k)) for k, v in against.items()}
            )
            assert python == database, (constraint.name, against)
