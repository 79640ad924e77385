"""An officer opening the entry form or the grid of approved data sees the lock before typing anything."""

import pytest
from django.apps import apps
from django.contrib.auth.models import User

from approvals.services import approval_transition
from areas.services import profile_save
from households.models import Household, Member
from households.services import household_save
from targets.models import Indicator, ReportedValue
from targets.reference_data import load_catalogue, load_standards
from tests.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = 2022


@pytest.fixture
def approved(tree):
    load_standards(apps)  # a transactional test starts from empty tables
    load_catalogue(apps)
    people = {}
    for username, role, unit, first, last in (
        ("officer", "officer", tree["C1"], "Lan", "Trần Thị"),
        ("district", "district_officer", tree["D1"], "Minh", "Nguyễn Văn"),
    ):
        people[username] = User.objects.create_user(username, password="demo", first_name=first, last_name=last)
        profile_save(people[username], role, unit)
    household = household_save(
        Household(
            unit=tree["C1"],
            survey_year=YEAR,
            code="H1",
            head_name="Lò Văn Pọm",
            income_per_capita=1_200_000,
            house_class="ban_kien_co",
            nondurable_structures=0,
            floor_area_m2=30,
            water_source="unprotected_dug_well",
            latrine="open_pit",
        ),
        [Member(full_name="Lò Văn Pọm", age=40, sex="M", education="primary", employment="self_employed")],
    )
    ReportedValue.objects.create(
        indicator=Indicator.objects.get(code="jobs_found"), unit=tree["C1"], year=YEAR, month=3, value=1500
    )
    for kind in ("households", "reported"):
        approval_transition(user=people["officer"], unit=tree["C1"], year=YEAR, kind=kind, action="submit")
        approval_transition(user=people["district"], unit=tree["C1"], year=YEAR, kind=kind, action="approve")
    return household


@pytest.mark.parametrize("width", [1280, 390])
def test_a_locked_entry_form_and_grid_show_the_lock_with_nothing_to_type_into(approved, live_server, new_page, width):
    page = new_page(width=width)
    login(page, live_server, "officer")
    page.goto(f"{live_server.url}/households/{approved.pk}/edit/")
    notice = page.inner_text("#lock-notice")
    assert "Nguyễn Văn Minh phê duyệt lúc" in notice and "Chỉ xem" in notice
    assert page.locator("input[name=income_per_capita]").is_disabled()
    assert page.locator("#add-member").is_disabled() and page.locator("#save").count() == 0
    screenshot(page, f"lock-household-form-{width}")

    page.goto(f"{live_server.url}/reported/?unit=C1&year={YEAR}")
    assert "Nguyễn Văn Minh phê duyệt lúc" in page.inner_text("#lock-notice")
    assert page.locator("#reported-grid input:not([type=hidden])").count() == 0
    assert page.locator("#save").count() == 0
    assert "1.500" in page.inner_text("tr[data-indicator=jobs_found]")
    screenshot(page, f"lock-reported-grid-{width}")
