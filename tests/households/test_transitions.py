from itertools import product

import pytest

from households.standards import transitions as t
from households.standards.transitions import transition, transitions


@pytest.mark.parametrize(
    "before, now, earlier, expected",
    [
        ("poor", "poor", [], "stayed_poor"),
        ("poor", "near_poor", [], "escaped_to_near_poor"),
        ("poor", "middle", [], "escaped_to_not_poor"),
        ("poor", "not_poor", [], "escaped_to_not_poor"),
        ("not_poor", "poor", [], "newly_poor"),
        ("middle", "poor", ["near_poor"], "newly_poor"),
        ("not_poor", "poor", ["poor"], "re_poor"),
        ("near_poor", "poor", [], "near_poor_to_poor"),
        ("near_poor", "near_poor", [], "stayed_near_poor"),
        ("not_poor", "near_poor", [], "newly_near_poor"),
        ("near_poor", "middle", [], "escaped_near_poor"),
        ("middle", "not_poor", [], "stayed_not_poor"),
        (None, "poor", [], "new_household"),
    ],
)
def test_transition(before, now, earlier, expected):
    assert transition(before, now, earlier) == expected


def test_re_poor_needs_poor_two_years_back_and_out_last_year():
    assert transitions({2020: "poor", 2021: "not_poor", 2022: "poor"}, 2022) == "re_poor"
    assert transitions({2021: "not_poor", 2022: "poor"}, 2022) == "newly_poor"


def test_a_gap_year_makes_a_new_household_and_near_poor_last_year_is_no_return():
    assert transitions({2019: "poor", 2021: "poor"}, 2021) == "new_household"  # absent in 2020
    assert transitions({2019: "poor", 2020: "near_poor", 2021: "poor"}, 2021) == "near_poor_to_poor"
    assert t.report_movements({2019: "poor", 2020: "near_poor", 2021: "poor"}, 2021) == {"newly_poor"}
    assert t.report_movements({2019: "near_poor", 2020: "poor", 2021: "middle", 2022: "near_poor"}, 2022) == {
        "re_near_poor"
    }


CLASSES = ("poor", "near_poor", "middle", "not_poor")


def every_history():
    """Every record of a household over 2017–2020, present in 2020: each earlier year absent or in a class."""
    for past in product((None, *CLASSES), repeat=3):
        for now in CLASSES:
            yield {y: c for y, c in zip((2017, 2018, 2019), past) if c is not None} | {2020: now}


# The poor list's report movement of each transition (a new household that is poor now is newly poor too)
POOR_LIST = {
    t.STAYED_POOR: t.STILL_POOR,
    t.ESCAPED_TO_NEAR_POOR: t.ESCAPED,
    t.ESCAPED_TO_NOT_POOR: t.ESCAPED,
    t.RE_POOR: t.RE_POOR_MOVEMENT,
    t.NEWLY_POOR: t.NEWLY_POOR_MOVEMENT,
    t.NEAR_POOR_TO_POOR: t.NEWLY_POOR_MOVEMENT,
}
NEAR_POOR_LIST = {
    t.STAYED_NEAR_POOR: t.STILL_NEAR_POOR,
    t.ESCAPED_NEAR_POOR: t.ESCAPED_NEAR,
    t.ESCAPED_TO_NEAR_POOR: t.NEWLY_NEAR_POOR_MOVEMENT,
    t.NEWLY_NEAR_POOR: t.NEWLY_NEAR_POOR_MOVEMENT,  # or re-near-poor: the transitions do not tell them apart
}


def test_the_report_movements_group_the_transitions_of_the_same_household():
    for history in every_history():
        moved, now = transitions(history, 2020), history[2020]
        earlier = [history[y] for y in history if y < 2019]
        movements = t.report_movements(history, 2020)
        new = moved == t.NEW_HOUSEHOLD
        poor = {t.NEWLY_POOR_MOVEMENT} if new and now == "poor" else {POOR_LIST.get(moved)} - {None}
        near = {t.NEWLY_NEAR_POOR_MOVEMENT} if new and now == "near_poor" else {NEAR_POOR_LIST.get(moved)} - {None}
        if moved == t.NEWLY_NEAR_POOR and t.returns_to("near_poor", history[2019], earlier):
            near = {t.RE_NEAR_POOR}
        assert movements & set(t.POOR_MOVEMENTS) == poor, history
        assert movements & set(t.NEAR_POOR_MOVEMENTS) == near, history
