import pytest

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
