"""An administrator exports a household list too long for the request, in a real browser (Debian's Chromium), at
1280 and 390 px: the list's link asks to confirm, the job page follows the job and offers the file."""

import openpyxl
import pytest
from django.apps import apps
from django.urls import reverse

from households.roster.service import roster_import
from targets.reference_data import load_catalogue, load_standards
from tests.conftest import login, make_user, screenshot

from .roster_files import two_sheets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_long_list_is_exported_in_the_background_and_downloaded(
    new_page, live_server, tree, settings, tmp_path, width
):
    settings.MEDIA_ROOT, settings.ROSTER_EXPORT_DIRECT_MAX = tmp_path, 1
    load_standards(apps)
    load_catalogue(apps)
    assert roster_import(two_sheets(), "x.xlsx").written
    make_user("quantri", "admin", is_staff=True, is_superuser=True)
    page = new_page(width)
    login(page, live_server, "quantri", "pw")
    page.goto(live_server.url + reverse("admin:households_household_changelist"))
    page.click("text=Xuất .xlsx (hai trang tính)")
    assert "2 hộ" in page.inner_text("#content") and "trong nền" in page.inner_text("#content")
    screenshot(page, f"export-confirm-{width}")
    with page.expect_navigation():
        page.click("input[type=submit][value='Xuất trong nền']")
    page.wait_for_selector("text=Tải tệp về (2 hộ)")
    assert page.inner_text("#export-status") == "sẵn sàng tải về · 100%"
    screenshot(page, f"export-job-{width}")
    with page.expect_download() as download:
        page.click("text=Tải tệp về (2 hộ)")
    assert download.value.suggested_filename.startswith("danh-sach-ho-")
    with open(download.value.path(), "rb") as handle:
        book = openpyxl.load_workbook(handle)
    assert book.sheetnames == ["Hộ", "Thành viên"] and book["Hộ"].max_row == 3
