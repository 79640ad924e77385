"""An administrator imports a roster in the admin, in a real browser (Debian's Chromium), at 1280 and 390 px."""

import io

import openpyxl
import pytest
from django.apps import apps
from django.urls import reverse

from households.models import Household, Member
from targets.reference_data import load_catalogue, load_standards
from tests.conftest import login, make_user, screenshot

from .roster_files import household_row, member_row, two_sheets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def administrator(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_standards(apps)  # a transactional test may start without the migrations' data
    load_catalogue(apps)  # the recompute after the import needs the indicators
    return make_user("quantri", "admin", is_staff=True, is_superuser=True)


def upload(page, live_server, name, data):
    page.goto(live_server.url + reverse("admin:households_household_roster_import"))
    page.set_input_files("input[name=file]", files=[{"name": name, "mimeType": XLSX, "buffer": data}])
    with page.expect_navigation():
        page.click("input[type=submit][value='Kiểm tra tệp']")


def finished_bar(page):
    """The bar at its end and the status beside it, once the page has followed the job to its end."""
    page.wait_for_function("document.getElementById('job-progress').value === 100")
    return page.inner_text("#job-status")


@pytest.mark.parametrize("width", [1280, 390])
def test_an_administrator_checks_and_imports_a_roster_then_sees_a_bad_one_refused_with_located_errors(
    administrator, live_server, new_page, width
):
    page = new_page(width=width)
    login(page, live_server, "quantri", "pw")
    good = two_sheets(
        [household_row("H1"), household_row("H2", members=1), household_row("H3", unit="C2", members=1)],
        [
            member_row("H1"),
            member_row("H1", "Lò Thị B", 12, "Nữ", "Tiểu học", "x", "Học sinh, sinh viên", "x"),
            member_row("H2", "Cầm Văn C", 35, employment="Làm công có hợp đồng"),
            member_row("H3", "Quàng Thị D", 50),
        ],
    )
    upload(page, live_server, "xa-tot.xlsx", good)
    assert "chờ xác nhận" in finished_bar(page)
    summary = page.inner_text("#job-summary")
    assert "Đã đọc 3 hộ, 4 thành viên" in summary and "Mới: 3 · thay đổi: 0 · không đổi: 0." in summary
    assert not Household.objects.exists()
    screenshot(page, f"roster-checked-{width}")

    with page.expect_navigation():
        page.click("input[type=submit][value='Xác nhận nhập']")
    page.wait_for_selector("#job-progress[data-status=done]")
    assert finished_bar(page).startswith("đã nhập")
    assert "Đã nhập." in page.inner_text("#job-summary")
    assert sorted(Household.objects.values_list("code", "unit__code")) == [("H1", "C1"), ("H2", "C1"), ("H3", "C2")]
    assert Member.objects.count() == 4
    screenshot(page, f"roster-imported-{width}")

    upload(page, live_server, "xa-tot.xlsx", good)  # the same file again: nothing to confirm
    assert finished_bar(page).startswith("đã nhập")
    summary = page.inner_text("#job-summary")
    assert "Mới: 0 · thay đổi: 0 · không đổi: 3." in summary and "Không có gì để ghi" in summary
    assert page.locator("input[type=submit][value='Xác nhận nhập']").count() == 0
    screenshot(page, f"roster-unchanged-{width}")

    bad = two_sheets(
        [household_row("H4", unit="ZZ", members=1), household_row("H5", income="abc", members=1)],
        [member_row("H4", age=140), member_row("H5"), member_row("H9")],
    )
    upload(page, live_server, "xa-loi.xlsx", bad)
    assert "tệp có lỗi" in finished_bar(page)
    errors = [
        [cell.strip() for cell in row.split("\t")] for row in page.locator("#job-problems tbody tr").all_inner_texts()
    ]
    assert errors == [
        ["Hộ", "2", "Mã đơn vị", "không có mã đơn vị ZZ"],
        ["Hộ", "3", "Thu nhập bình quân", "“abc” không phải là số."],
        ["Thành viên", "2", "Tuổi", "không được lớn hơn 120, nhận được 140"],
        ["Thành viên", "4", "Mã hộ", "hộ H9 không có trong trang tính “Hộ”"],
    ]
    assert page.locator("input[type=submit][value='Xác nhận nhập']").count() == 0
    screenshot(page, f"roster-errors-{width}")
    with page.expect_download() as download:
        page.click("text=Tải danh sách lỗi (.xlsx)")
    rows = list(openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active.values)
    assert rows[0] == ("Trang tính", "Dòng", "Cột", "Lỗi")
    assert [list(map(str, row)) for row in rows[1:]] == errors
    assert Household.objects.count() == 3 and Member.objects.count() == 4
    assert not Household.objects.filter(code__in=["H4", "H5"]).exists()
