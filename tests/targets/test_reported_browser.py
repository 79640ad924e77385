"""An officer types into the reported-values grid in a real browser, saves, and reads the change history."""

import pytest
from django.apps import apps
from django.contrib.auth.models import User

from areas.services import profile_save
from targets.models import Indicator, ReportedValue
from targets.reference_data import load_catalogue, load_standards
from tests.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer(tree):
    load_standards(apps)  # a transactional test starts from empty tables
    load_catalogue(apps)
    user = User.objects.create_user("lan", password="demo", first_name="Lan", last_name="Trần Thị")
    profile_save(user, "officer", tree["C1"])
    return user


@pytest.mark.parametrize("width", [1280, 390])
def test_an_officer_corrects_a_value_and_reads_who_changed_what(officer, live_server, new_page, width):
    jobs = Indicator.objects.get(code="jobs_found")
    page = new_page(width=width)
    login(page, live_server, "lan")
    page.goto(f"{live_server.url}/reported/?unit=C1&year=2022")
    page.fill(f"input[name=v_{jobs.id}_3]", "1.500")
    page.click("#save")
    page.wait_for_selector(".message.success")
    page.fill(f"input[name=v_{jobs.id}_3]", "1.520")
    page.click("#save")
    page.wait_for_selector(".message.success")
    history = page.locator("#reported-history li").first.inner_text()
    assert "Trần Thị Lan" in history and "Tháng 3: sửa" in history and "1.500 → 1.520" in history
    page.locator("#reported-history").scroll_into_view_if_needed()
    screenshot(page, f"reported-history-{width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_an_officer_switches_to_quarters_and_enters_a_quarter(officer, live_server, new_page, width):
    jobs = Indicator.objects.get(code="jobs_found")
    ReportedValue.objects.create(indicator=jobs, unit=officer.profile.unit, year=2022, month=1, value=1000)
    ReportedValue.objects.create(indicator=jobs, unit=officer.profile.unit, year=2022, month=2, value=500)
    page = new_page(width=width)
    login(page, live_server, "lan")
    page.goto(f"{live_server.url}/reported/?unit=C1&year=2022")
    page.select_option("select[name=period]", "quarter")
    page.click("#grid-picker button[type=submit]")
    page.wait_for_selector("#quarter-note")
    assert "1.500" in page.inner_text("tr[data-indicator=jobs_found] td[data-column=q1]")
    page.fill(f"input[name=v_{jobs.id}_q2]", "2.000")
    page.click("#save")
    page.wait_for_selector(".message.success")
    assert page.locator("select[name=period]").input_value() == "quarter"
    assert "3.500" in page.inner_text("tr[data-indicator=jobs_found] td.total")
    assert ReportedValue.objects.get(month=6).value == 2000
    screenshot(page, f"reported-quarters-{width}")
