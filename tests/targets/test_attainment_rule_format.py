"""The rule sentence of an attainment uses Vietnamese number formats (issue 7.5)."""

from decimal import Decimal

from targets.engine.attainment import Goal, Observation, assess, vn


def test_numbers_are_written_the_vietnamese_way():
    assert [vn(Decimal("0.95")), vn(Decimal("13000"), 0), vn(Decimal("1234.5")), vn(Decimal("3.5500"))] == [
        "0,95",
        "13.000",
        "1.234,5",
        "3,55",
    ]


def test_a_change_rule_gives_points_a_year_against_the_baseline_and_the_goal():
    goal = Goal("change", "between", Decimal(2), Decimal(3), direction="decrease")
    outcome = assess(goal, Observation(Decimal("3.55"), Decimal("0.5"), baseline=Decimal("4.5"), years=1))
    assert outcome.measured == Decimal("0.95")
    assert outcome.rule == "thay đổi 0,95 điểm/năm so với năm gốc (4,5 → 3,55), mục tiêu 2–3 điểm/năm"


def test_a_level_rule_shows_the_goal_with_its_symbol_and_a_decimal_comma():
    outcome = assess(Goal("level", "lte", Decimal("18.66")), Observation(Decimal("17.254"), Decimal(1)))
    assert outcome.rule == "giá trị 17,25 so với mục tiêu ≤ 18,66"


def test_a_count_rule_groups_thousands_with_dots():
    goal = Goal("count", "gte", Decimal(13000), share_operator="gt", share_value=Decimal(50))
    outcome = assess(goal, Observation(Decimal(13500), Decimal(1), share=Decimal("52.5")))
    assert outcome.rule == "đạt 13.500 / 13.000; tỷ lệ điều kiện 52,5% so với > 50%"
