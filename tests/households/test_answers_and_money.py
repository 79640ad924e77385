"""The answers form follows the survey year; money is read as people type it; the live panel names the field
that is wrong."""

import re

import pytest
from django.test import Client

from areas.services import profile_save
from households.forms import indicators_by_year
from households.models import Household
from povertyplan.numbers import NumberFormatError, parse_money
from tests.conftest import make_user


@pytest.fixture
def officer(tree):
    from django.contrib.auth.models import Permission

    user = make_user("officer_c1", "officer", tree["C1"])
    profile_save(user, "officer", tree["C1"])
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="households"))
    client = Client()
    client.force_login(user)
    return client


def answers(tree, year=2019, income="1.500.000", ticks=("water",), **extra):
    return {
        "form": "answers",
        "unit": tree["C1"].pk,
        "survey_year": year,
        "code": "A1",
        "head_name": "Thạch Thị Sa Ly",
        "ethnicity": "khmer",
        "area_type": "rural",
        "income_per_capita": income,
        "member_count": "4",
        "deprivations": list(ticks),
        **extra,
    }


def test_each_year_offers_the_indicators_of_its_own_standard(db):
    by_year = indicators_by_year()
    codes = {year: [code for code, _name in entry["indicators"]] for year, entry in by_year.items()}
    assert "employment" not in codes["2019"] and "health_access" in codes["2019"] and len(codes["2019"]) == 10
    assert "employment" in codes["2022"] and "health_access" not in codes["2022"] and len(codes["2022"]) == 12
    assert codes["2021"] == codes["2016"] and codes["2026"] == codes["2022"]
    assert dict(by_year["2022"]["indicators"])["employment"] == "Việc làm"
    assert "59/2015" in by_year["2019"]["standard"] and "07/2021" in by_year["2024"]["standard"]
    # a standard added as data (Decree 351 from 2027) is offered from its own list, by its official names
    assert "351/2025" in by_year["2027"]["standard"] and "waste" in codes["2027"]
    assert dict(by_year["2027"]["indicators"])["waste"] != "waste"


def test_the_answers_form_of_2019_offers_decision_59s_indicators(tree, officer):
    html = officer.get("/households/new/answers/?year=2019").content.decode()
    assert 'value="health_access"' in html and 'value="employment"' not in html
    assert 'id="indicators-by-year"' in html  # what the page's script switches to as the year changes


def test_a_tick_of_another_standard_is_refused_by_its_vietnamese_name_and_nothing_typed_is_lost(tree, officer):
    response = officer.post("/households/new/answers/", answers(tree, ticks=("employment", "water")))
    html = response.content.decode()
    assert response.status_code == 200 and not Household.objects.exists()
    assert "“Việc làm”" in html and "59/2015" in html and "employment không phải" not in html
    assert re.search(r'value="employment"[^>]*checked', html)  # still on the page, ticked
    assert 'value="water"' in html and "Thạch Thị Sa Ly" in html and 'value="1.500.000"' in html


def test_answers_of_2019_are_saved_with_decision_59s_indicators(tree, officer):
    response = officer.post("/households/new/answers/", answers(tree, ticks=("health_access", "water")))
    assert response.status_code == 302
    assert Household.objects.get().reported_deprivations == ["health_access", "water"]


@pytest.mark.parametrize(
    "text, value",
    [
        ("2,5 triệu", 2_500_000),
        ("2,5tr", 2_500_000),
        ("2,5 TR", 2_500_000),
        ("1.500.000 đ", 1_500_000),
        ("1.500.000đ", 1_500_000),
        ("1.500.000 đồng", 1_500_000),
        ("800 nghìn", 800_000),
        ("1500000", 1_500_000),
        (" 3 triệu đồng ", 3_000_000),
    ],
)
def test_money_is_read_as_people_type_it(text, value):
    assert parse_money(text) == value


@pytest.mark.parametrize("text", ["2.5tr", "abc", "triệu", "2,5", "1.5 triệu"])
def test_money_that_cannot_be_read_is_refused_with_an_example_in_dong(text):
    with pytest.raises(NumberFormatError, match="nhập số đồng, ví dụ 2.500.000|số đồng chẵn, ví dụ 2.500.000"):
        parse_money(text)


def test_the_answers_form_saves_an_income_typed_in_millions(tree, officer):
    assert officer.post("/households/new/answers/", answers(tree, income="2,5 triệu")).status_code == 302
    assert Household.objects.get().income_per_capita == 2_500_000


def test_the_entry_form_reads_an_income_with_dong_after_it(tree, officer):
    from tests.households.test_pages import form_data

    response = officer.post("/households/new/", form_data(tree["C1"], income="1.200.000 đ"))
    assert response.status_code == 302 and Household.objects.get().income_per_capita == 1_200_000


def test_the_live_panel_names_the_field_that_is_wrong(tree, officer):
    result = officer.post("/households/classify/", answers(tree, income="2.5tr")).json()
    assert result["ok"] is False
    assert "Thu nhập" in result["message"] and "2.5tr" in result["message"] and "2.500.000" in result["message"]
    assert "Điền các ô bắt buộc" not in result["message"]
    missing = officer.post("/households/classify/", answers(tree, code="")).json()
    assert "Mã hộ: chưa điền" in missing["message"]
