"""Import and export where people look for them (issue 25, point 11), in a real browser at 1280 and 390 px: from
/households/ an administrator reaches the import, imports a LibreOffice .ods roster, and the import's page leads back
to the households it wrote."""

import pytest
from django.apps import apps
from django.urls import reverse

from households.models import Household
from targets.reference_data import load_catalogue, load_standards
from tests.conftest import login, make_user, screenshot

from .roster_files import ods, two_sheets_sheets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ODS = "application/vnd.oasis.opendocument.spreadsheet"


@pytest.fixture
def administrator(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_standards(apps)
    load_catalogue(apps)
    return make_user("quantri", "admin", is_staff=True, is_superuser=True)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1280, 390])
def test_from_the_household_list_to_an_import_and_back_to_the_households_it_wrote(
    administrator, live_server, new_page, width
):
    page = new_page(width=width)
    login(page, live_server, "quantri", "pw")
    page.goto(live_server.url + reverse("households:list") + "?year=2022&deprivation=water")
    tools = page.locator("#roster-tools")
    assert tools.is_visible() and fits(page)
    assert "Tệp xuất không áp dụng các bộ lọc: Thiếu hụt chỉ số." in tools.inner_text()
    export = tools.get_by_role("link", name="Xuất .xlsx (hai trang tính)")
    assert export.get_attribute("href").endswith("?survey_year__exact=2022")
    screenshot(page, f"households-roster-tools-{width}")

    with page.expect_navigation():
        tools.get_by_role("link", name="Nhập danh sách hộ").click()
    assert "Tệp danh sách hộ (.xlsx, .xls, .ods hoặc .csv)" in page.inner_text(".roster-import form")
    screenshot(page, f"roster-import-page-{width}")
    page.set_input_files(
        "input[name=file]", files=[{"name": "xa.ods", "mimeType": ODS, "buffer": ods(two_sheets_sheets())}]
    )
    with page.expect_navigation():
        page.click("input[type=submit][value='Kiểm tra tệp']")
    page.wait_for_selector("#job-progress[data-status=checked]")
    with page.expect_navigation():
        page.click("input[type=submit][value='Xác nhận nhập']")
    page.wait_for_selector("#job-progress[data-status=done]")
    written = page.get_by_role("link", name="Xem các hộ lượt nhập này đã ghi")
    screenshot(page, f"roster-import-done-{width}")

    with page.expect_navigation():
        written.click()
    assert "lượt nhập danh sách #" in page.inner_text("#roster-import-filter")
    assert "Lượt nhập danh sách hộ" in page.inner_text("#roster-tools")  # the one filter the export cannot take
    rows = page.locator("table.households tbody tr")
    assert sorted(rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())) == ["H1", "H2"]
    assert Household.objects.count() == 2 and fits(page)
    screenshot(page, f"households-written-by-import-{width}")
