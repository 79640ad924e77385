from decimal import Decimal as D

import pytest

from targets.engine import Goal, Observation, assess

POOR_RATE_18_66 = Goal("level", "lte", D("18.66"))
REDUCE_2_TO_3 = Goal("change", "between", D(2), D(3), direction="decrease")
TRAIN_13000 = Goal("count", "gte", D(13000))
JOBS_WITH_SHARE = Goal("count", "gte", D(25000), share_operator="gt", share_value=D(50))
INSURANCE_100 = Goal("coverage", "gte", D(100))


@pytest.mark.parametrize(
    "goal, obs, status",
    [
        (POOR_RATE_18_66, Observation(D("18.50"), D(1), baseline=D(22)), "achieved"),
        (POOR_RATE_18_66, Observation(D("18.66"), D(1), baseline=D(22)), "achieved"),  # ≤ is inclusive
        (POOR_RATE_18_66, Observation(D("19.00"), D(1), baseline=D(22)), "missed"),
        (POOR_RATE_18_66, Observation(D("20.00"), D("0.5"), baseline=D(22)), "on_track"),  # 60 % of the way at mid-year
        (POOR_RATE_18_66, Observation(D("20.60"), D("0.5"), baseline=D(22)), "at_risk"),  # 42 %: between 37,5 and 50
        (POOR_RATE_18_66, Observation(D("21.50"), D("0.5"), baseline=D(22)), "off_track"),
        (POOR_RATE_18_66, Observation(None, D("0.5")), "no_data"),
        (REDUCE_2_TO_3, Observation(D("4.0"), D(1), baseline=D("6.5")), "achieved"),  # 2,5 points
        (REDUCE_2_TO_3, Observation(D("4.0"), D(1), baseline=D("7.5")), "achieved"),  # 3,5: beyond the range is fine
        (REDUCE_2_TO_3, Observation(D("5.0"), D(1), baseline=D("6.5")), "missed"),  # 1,5 points
        (REDUCE_2_TO_3, Observation(D("5.0"), D(1)), "no_data"),
        (TRAIN_13000, Observation(D(13000), D(1)), "achieved"),
        (TRAIN_13000, Observation(D(7000), D("0.5")), "on_track"),
        (TRAIN_13000, Observation(D(5000), D("0.5")), "at_risk"),
        (TRAIN_13000, Observation(D(3000), D("0.5")), "off_track"),
        (JOBS_WITH_SHARE, Observation(D(26000), D(1), share=D(55)), "achieved"),
        (JOBS_WITH_SHARE, Observation(D(26000), D(1), share=D(50)), "missed"),  # "over 50 %" is strict
        (JOBS_WITH_SHARE, Observation(D(26000), D("0.5"), share=D(50)), "at_risk"),  # the total is there, not the share
        (INSURANCE_100, Observation(D("97.5"), D(1), baseline=D(90)), "missed"),
        (INSURANCE_100, Observation(D("100"), D(1)), "achieved"),
    ],
)
def test_status(goal, obs, status):
    assert assess(goal, obs).status == status


def test_change_is_per_year_against_the_baseline():
    result = assess(Goal("change", "gt", D(3), direction="decrease"), Observation(D(19), D(1), baseline=D(25), years=2))
    assert result.measured == D(3) and result.status == "missed"  # 3 a year is not "over 3"


def test_progress_counts_from_the_baseline_not_from_zero():
    result = assess(POOR_RATE_18_66, Observation(D("20.33"), D("0.5"), baseline=D(22)))
    assert result.progress == pytest.approx(D(50), abs=D("0.1"))


def test_with_several_data_points_the_trend_decides_mid_year():
    falling = ((2020, D(24)), (2021, D(22)), (2022, D(20)))  # two points a year: 18 by the end of 2023
    goal = Goal("level", "lte", D("18.66"))
    on_trend = assess(goal, Observation(D(20), D("0.3"), baseline=D(20), history=falling, year=2023))
    assert on_trend.status == "on_track" and "xu hướng" in on_trend.rule
    flat = ((2020, D(20)), (2021, D(20)), (2022, D(20)))
    assert assess(goal, Observation(D(20), D("0.3"), baseline=D(20), history=flat, year=2023)).status == "off_track"


# Each shape with an observation that meets its goal, one that does not, and the status the latter has while the
# year runs (judged by pace, or by the trend); the same figures are then read with the year over.
SHAPES = {
    "level": (
        POOR_RATE_18_66,
        dict(actual=D("18.50"), baseline=D(22)),
        dict(actual=D("21.50"), baseline=D(22)),
        "off_track",
    ),
    "level without baseline": (POOR_RATE_18_66, dict(actual=D("18.50")), dict(actual=D("21.50")), "at_risk"),
    "level on a falling trend": (
        POOR_RATE_18_66,
        dict(actual=D("18.50"), baseline=D(22)),
        dict(actual=D(20), baseline=D(20), history=((2021, D(22)), (2022, D(20))), year=2023),
        "on_track",  # the line reaches 18 by the end of 2023
    ),
    "change": (
        REDUCE_2_TO_3,
        dict(actual=D("4.0"), baseline=D("6.5")),
        dict(actual=D("6.0"), baseline=D("6.5")),
        "off_track",
    ),
    "count": (TRAIN_13000, dict(actual=D(13000)), dict(actual=D(3000)), "off_track"),
    "count with share": (
        JOBS_WITH_SHARE,
        dict(actual=D(26000), share=D(55)),
        dict(actual=D(26000), share=D(40)),
        "at_risk",
    ),
    "coverage": (INSURANCE_100, dict(actual=D(100), baseline=D(90)), dict(actual=D(91), baseline=D(90)), "off_track"),
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("elapsed", [D("0.5"), D("0.999"), D(1)])
def test_a_goal_not_met_is_missed_once_the_year_is_over_and_judged_by_pace_before(shape, elapsed):
    goal, met, not_met, while_running = SHAPES[shape]
    over = elapsed >= 1
    assert assess(goal, Observation(elapsed=elapsed, **met)).status == ("achieved" if over else "on_track")
    assert assess(goal, Observation(elapsed=elapsed, **not_met)).status == ("missed" if over else while_running)


@pytest.mark.parametrize("shape", SHAPES)
def test_with_the_year_over_a_status_is_achieved_missed_or_no_data(shape):
    goal, met, not_met, _ = SHAPES[shape]
    statuses = {assess(goal, Observation(elapsed=D(1), **obs)).status for obs in (met, not_met, dict(actual=None))}
    assert statuses == {"achieved", "missed", "no_data"}
