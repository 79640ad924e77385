"""Officers in a real browser (Debian's Chromium), at 1280 px and on a 390 px phone."""

import re

import pytest
from django.contrib.auth.models import User

from households.models import Household
from targets.models import ComputedValue, Indicator
from tests.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEMBERS = [
    ("Lê Văn Ba", "44", "M", "primary", "self_employed"),
    ("Thạch Thị Sa", "41", "F", "primary", "wage_no_contract"),
    ("Lê Văn Tư", "15", "M", "primary", "student"),
    ("Lê Thị Năm", "9", "F", "primary", "child"),
]


def fill_member(page, index, name, age, sex, education, employment):
    prefix = f"#household-form [name=members-{index}-"
    page.fill(prefix + "full_name]", name)
    page.fill(prefix + "age]", age)
    page.select_option(prefix + "sex]", sex)
    page.select_option(prefix + "education]", education)
    page.select_option(prefix + "employment]", employment)


@pytest.mark.parametrize("width", [1280, 390])
def test_an_officer_adds_a_household_with_four_members_sees_it_classified_live_and_edits_it(
    demo, live_server, new_page, width
):
    page = new_page(width=width)
    login(page, live_server, "officer")
    page.goto(f"{live_server.url}/households/new/")
    page.select_option("[name=unit]", index=1)
    page.fill("[name=survey_year]", "2026")  # the officer's commune (Cần Thơ) is in force from the 2025 reform
    page.fill("[name=code]", f"BT-{width}")
    page.fill("[name=head_name]", "Lê Văn Ba")
    page.select_option("[name=area_type]", "rural")
    page.fill("[name=income_per_capita]", "650.000")
    page.select_option("[name=house_class]", "thieu_kien_co")
    page.fill("[name=floor_area_m2]", "24")
    page.select_option("[name=water_source]", "unprotected_dug_well")
    page.select_option("[name=latrine]", "open_pit")
    for index, member in enumerate(MEMBERS):
        if index:
            page.click("#add-member")
        fill_member(page, index, *member)
    # a fifth member added then removed: what was typed in the others stays
    page.click("#add-member")
    page.fill("[name=members-4-full_name]", "nhập nhầm")
    page.locator("[data-member]").nth(4).locator("[data-remove-member]").click()
    assert page.input_value("[name=members-0-full_name]") == "Lê Văn Ba"
    assert page.inner_text("#member-count") == "4"
    page.wait_for_function("document.getElementById('live-classification').dataset.classification === 'poor'")
    live = page.inner_text("#live-classification")
    assert "hộ nghèo" in live.lower() and "650.000" in live
    screenshot(page, f"household-form-{width}")
    page.click("#save")
    page.wait_for_selector("#classification")
    household = Household.objects.get(code=f"BT-{width}")
    assert household.members.count() == 4 and household.classification == "poor"
    assert page.inner_text("#classification").lower() == "hộ nghèo"
    screenshot(page, f"household-detail-{width}")

    page.click("text=Sửa")
    page.fill("[name=income_per_capita]", "3.500.000")
    page.wait_for_function("document.getElementById('live-classification').dataset.classification === 'not_poor'")
    # The live server shares one connection across threads on in-memory SQLite: no classify request may
    # still be running when the form is posted.
    page.wait_for_load_state("networkidle")
    page.click("#save")
    page.wait_for_selector("#change-history")
    household.refresh_from_db()
    assert household.income_per_capita == 3_500_000 and household.classification == "not_poor"
    assert "650.000 → 3.500.000" in page.inner_text("#change-history")  # formatted, as the page writes numbers

    page.goto(f"{live_server.url}/households/?year=2026&classification=not_poor&q=BT-{width}")
    assert page.locator("table.households tbody tr").count() == 1
    screenshot(page, f"household-list-{width}")


def test_two_sessions_edit_the_same_household_and_the_second_is_refused(demo, live_server, new_page):
    officer = User.objects.get(username="officer")
    household = Household.objects.filter(unit__path__startswith=officer.profile.unit.path, house_class__gt="").first()
    # an administrator (the district level, which ceased in 2025, writes nothing)
    User.objects.filter(username="admin").update(first_name="Trần", last_name="Tỉnh")
    first, second = new_page(width=1280), new_page(width=390)
    login(first, live_server, "officer")
    login(second, live_server, "admin")
    for page in (first, second):
        page.goto(f"{live_server.url}/households/{household.pk}/edit/")
    second.fill("[name=head_name]", "Sửa bởi quản trị viên")
    second.click("#save")
    second.wait_for_selector("#classification")
    first.fill("[name=head_name]", "Sửa bởi cán bộ xã")
    first.click("#save")
    first.wait_for_selector("#form-errors")
    message = first.inner_text("#form-errors")
    assert "Trần Tỉnh" in message and "đã lưu" in message
    assert first.input_value("[name=head_name]") == "Sửa bởi cán bộ xã"  # their typing is kept
    household.refresh_from_db()
    assert household.head_name == "Sửa bởi quản trị viên"
    screenshot(first, "household-conflict-1280")


def test_an_officer_of_commune_a_gets_404_for_commune_b_by_url_form_and_api(demo, live_server, page):
    officer = User.objects.get(username="officer")
    theirs = Household.objects.exclude(unit__path__startswith=officer.profile.unit.path).first()
    login(page, live_server, "officer")
    assert page.goto(f"{live_server.url}/households/{theirs.pk}/").status == 404
    assert page.goto(f"{live_server.url}/households/{theirs.pk}/edit/").status == 404
    page.goto(f"{live_server.url}/households/")
    token = page.input_value("[name=csrfmiddlewaretoken]") if page.locator("[name=csrfmiddlewaretoken]").count() else ""
    posted = page.request.post(
        f"{live_server.url}/households/{theirs.pk}/edit/",
        form={"csrfmiddlewaretoken": token, "head_name": "x"},
        headers={"Referer": f"{live_server.url}/households/"},
    )
    assert posted.status == 404
    assert page.request.get(f"{live_server.url}/api/v1/households/{theirs.pk}/").status == 404
    assert page.request.put(
        f"{live_server.url}/api/v1/households/{theirs.pk}/",
        data={"code": "x"},
        headers={"X-CSRFToken": token, "Referer": live_server.url},
    ).status in (403, 404)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_reported_value_entered_in_a_commune_appears_in_the_province_total(demo, live_server, new_page, width):
    """Two tiers since the 2025 reform: the officer's commune of Cần Thơ reports, the province totals."""
    jobs = Indicator.objects.get(code="jobs_found")
    page = new_page(width=width)
    login(page, live_server, "officer")
    commune = User.objects.get(username="officer").profile.unit
    province = commune.parent
    before = ComputedValue.objects.filter(indicator=jobs, unit=province, year=2026, scope="province").first()
    before = int(before.numerator) if before else 0
    page.goto(f"{live_server.url}/reported/?unit={commune.code}&year=2026")
    page.fill(f"[name=v_{jobs.id}_5]", "1.234")
    screenshot(page, f"reported-grid-{width}")
    page.click("#save")
    page.wait_for_selector(".message")
    login(page, live_server, "manager")
    page.goto(f"{live_server.url}/reported/?unit={province.code}&year=2026")
    after = page.inner_text("tr[data-indicator=jobs_found] td.subtree")
    assert int(re.sub(r"\D", "", after)) == before + 1234
    screenshot(page, f"reported-grid-province-{width}")
