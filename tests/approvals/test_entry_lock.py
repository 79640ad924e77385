"""The household entry forms, the households API and the reported-values grid refuse a write into a submitted or
approved unit × year, naming who submitted or approved it and when, and write nothing; the pages say so up front,
with their inputs disabled and no save button."""

import json
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from approvals.services import approval_transition
from areas.models import Unit
from areas.services import profile_save
from households.models import Household
from households.services import household_save, version_of
from targets.models import Indicator, ReportedValue
from tests.households.test_api import DWELLING, MEMBER
from tests.households.test_pages import form_data

YEAR = 2022
SUBMITTED_AT = datetime(2023, 3, 15, 2, 30, tzinfo=UTC)  # 09:30 in Hà Nội
APPROVED_AT = datetime(2023, 3, 20, 8, 5, tzinfo=UTC)  # 15:05


def person(username, role, unit, first_name, last_name):
    user = User.objects.create_user(username, first_name=first_name, last_name=last_name)
    profile_save(user, role, unit)
    return user


@pytest.fixture
def people(tree):
    return {
        "officer": person("officer_c1", "officer", tree["C1"], "Lan", "Trần Thị"),
        "district": person("officer_d1", "district_officer", tree["D1"], "Minh", "Nguyễn Văn"),
    }


@pytest.fixture
def household(tree):
    return household_save(
        Household(
            unit=tree["C1"],
            survey_year=YEAR,
            code="H1",
            income_per_capita=1_000_000,
            member_count=3,
            reported_deprivations=["water"],
        )
    )


def submit(people, unit):
    approval_transition(
        user=people["officer"], unit=unit, year=YEAR, kind="households", action="submit", now=SUBMITTED_AT
    )


def approve(people, unit):
    submit(people, unit)
    approval_transition(
        user=people["district"], unit=unit, year=YEAR, kind="households", action="approve", now=APPROVED_AT
    )


APPROVED = "Nguyễn Văn Minh phê duyệt lúc 15:05 20/03/2023"
SUBMITTED = "Trần Thị Lan gửi duyệt lúc 09:30 15/03/2023"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _unchanged(household):
    household.refresh_from_db()
    return household.income_per_capita == 1_000_000 and Household.objects.count() == 1


def test_the_entry_form_refuses_to_change_an_approved_household(tree, people, household):
    approve(people, tree["C1"])
    response = _client(people["officer"]).post(
        f"/households/{household.pk}/edit/",
        form_data(tree["C1"], code="H1", income="2.000.000", version=version_of(household)),
    )
    assert response.status_code == 200 and APPROVED in response.content.decode()
    assert _unchanged(household)


def test_the_entry_form_refuses_a_new_household_in_a_submitted_commune(tree, people, household):
    submit(people, tree["C1"])
    response = _client(people["officer"]).post("/households/new/", form_data(tree["C1"], code="H2"))
    assert response.status_code == 200 and SUBMITTED in response.content.decode()
    assert not Household.objects.filter(code="H2").exists()


def test_the_entry_form_refuses_to_move_a_household_into_a_locked_commune(tree, people):
    open_commune = Unit.objects.create(code="C3", name="Commune 3", level="commune", parent=tree["D1"])
    moving = household_save(
        Household(
            unit=open_commune,
            survey_year=YEAR,
            code="H9",
            income_per_capita=1_000_000,
            member_count=1,
            reported_deprivations=[],
        )
    )
    approve(people, tree["C1"])
    response = _client(people["district"]).post(
        f"/households/{moving.pk}/answers/",
        {
            "unit": tree["C1"].pk,
            "survey_year": YEAR,
            "code": "H9",
            "ethnicity": "kinh",
            "area_type": "rural",
            "income_per_capita": "1.000.000",
            "member_count": "1",
            "token": "m",
            "version": version_of(moving),
            "head_name": "",
        },
    )
    assert response.status_code == 200 and APPROVED in response.content.decode()
    moving.refresh_from_db()
    assert moving.unit == open_commune


def test_the_answers_form_refuses_an_approved_household(tree, people, household):
    approve(people, tree["C1"])
    data = {
        "unit": tree["C1"].pk,
        "survey_year": YEAR,
        "code": "H1",
        "ethnicity": "kinh",
        "area_type": "rural",
        "income_per_capita": "2.000.000",
        "member_count": "3",
        "deprivations": ["water"],
        "token": "t",
        "version": version_of(household),
        "head_name": "",
    }
    response = _client(people["officer"]).post(f"/households/{household.pk}/answers/", data)
    assert response.status_code == 200 and APPROVED in response.content.decode()
    assert _unchanged(household)


def _api(client, method, url, payload):
    return getattr(client, method)(url, json.dumps(payload), content_type="application/json")


def _payload(**overrides):
    return {
        "code": "H1",
        "unit": "C1",
        "survey_year": YEAR,
        "area_type": "rural",
        "income_per_capita": 2_000_000,
        "member_count": 3,
        "deprivations": ["water"],
        **overrides,
    }


def test_the_api_refuses_to_update_an_approved_household_with_409(tree, people, household):
    approve(people, tree["C1"])
    response = _api(
        _client(people["officer"]),
        "put",
        f"/api/v1/households/{household.pk}/",
        _payload(version=version_of(household)),
    )
    assert response.status_code == 409
    assert APPROVED in response.json()["errors"][0]["message"]
    assert _unchanged(household)


def test_the_api_refuses_to_create_a_household_in_a_submitted_commune_with_409(tree, people, household):
    submit(people, tree["C1"])
    response = _api(
        _client(people["officer"]),
        "post",
        "/api/v1/households/",
        _payload(code="H2", members=[MEMBER], dwelling=DWELLING),
    )
    assert response.status_code == 409
    assert SUBMITTED in response.json()["errors"][0]["message"]
    assert not Household.objects.filter(code="H2").exists()


def test_a_lock_on_the_district_reaches_its_communes_through_the_api(tree, people, household):
    approval_transition(user=people["district"], unit=tree["D1"], year=YEAR, kind="households", action="submit")
    approval_transition(
        user=person("manager", "manager", tree["P"], "Hà", "Lê Thu"),
        unit=tree["D1"],
        year=YEAR,
        kind="households",
        action="approve",
        now=APPROVED_AT,
    )
    response = _api(_client(people["officer"]), "put", f"/api/v1/households/{household.pk}/", _payload())
    assert response.status_code == 409 and "Lê Thu Hà phê duyệt" in response.json()["errors"][0]["message"]
    assert _unchanged(household)


def test_an_open_year_is_not_locked_by_another_years_approval(tree, people, household):
    approve(people, tree["C1"])
    response = _api(
        _client(people["officer"]), "post", "/api/v1/households/", _payload(code="H3", survey_year=YEAR + 1)
    )
    assert response.status_code == 201


def _approve_reported(people, unit):
    approval_transition(
        user=people["officer"], unit=unit, year=YEAR, kind="reported", action="submit", now=SUBMITTED_AT
    )
    approval_transition(
        user=people["district"], unit=unit, year=YEAR, kind="reported", action="approve", now=APPROVED_AT
    )


def test_the_grid_refuses_a_save_into_an_approved_period(tree, people):
    jobs = Indicator.objects.get(code="jobs_found")
    ReportedValue.objects.create(indicator=jobs, unit=tree["C1"], year=YEAR, month=3, value=1500)
    _approve_reported(people, tree["C1"])
    response = _client(people["officer"]).post(f"/reported/?unit=C1&year={YEAR}", {f"v_{jobs.id}_3": "9"})
    assert response.status_code == 200 and APPROVED in response.content.decode()
    assert ReportedValue.objects.get().value == 1500


def test_an_open_entry_form_has_no_notice_and_can_be_saved(tree, people, household):
    html = _client(people["officer"]).get(f"/households/{household.pk}/answers/").content.decode()
    assert 'id="lock-notice"' not in html and 'id="save"' in html
    assert '<fieldset class="entry-fields">' in html


@pytest.mark.parametrize("form", ["edit", "answers"])
def test_a_locked_households_entry_form_says_so_before_any_save(tree, people, household, form):
    approve(people, tree["C1"])
    html = _client(people["officer"]).get(f"/households/{household.pk}/{form}/").content.decode()
    notice = html[html.index('id="lock-notice"') :]
    assert APPROVED in notice[: notice.index("</p>")]
    assert '<fieldset class="entry-fields" disabled>' in html
    assert 'id="save"' not in html and "household_form.js" not in html


def test_the_household_page_shows_the_lock_and_offers_no_edit(tree, people, household):
    submit(people, tree["C1"])
    html = _client(people["officer"]).get(f"/households/{household.pk}/").content.decode()
    assert 'id="lock-notice"' in html and SUBMITTED in html
    assert f"/households/{household.pk}/answers/" not in html


def test_a_locked_grid_says_so_and_shows_the_figures_without_inputs(tree, people):
    jobs = Indicator.objects.get(code="jobs_found")
    ReportedValue.objects.create(indicator=jobs, unit=tree["C1"], year=YEAR, month=3, value=1500)
    client = _client(people["officer"])
    assert f'name="v_{jobs.id}_3"' in client.get(f"/reported/?unit=C1&year={YEAR}").content.decode()
    _approve_reported(people, tree["C1"])
    html = client.get(f"/reported/?unit=C1&year={YEAR}").content.decode()
    assert 'id="lock-notice"' in html and APPROVED in html
    assert f'name="v_{jobs.id}_3"' not in html and 'id="save"' not in html
    assert ">1.500<" in html
    assert 'id="lock-notice"' not in client.get(f"/reported/?unit=C1&year={YEAR + 1}").content.decode()
