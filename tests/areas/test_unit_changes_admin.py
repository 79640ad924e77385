"""The succession table uploaded in the areas admin: imported whole or not at all, errors located, in Vietnamese."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from areas.models import Unit, UnitSuccession
from tests.conftest import login, make_user, screenshot

from .test_unit_changes import HEADER, REFORM_ROWS, table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URL = "admin:areas_unit_import_changes"


@pytest.fixture
def villages(tree):
    Unit.objects.create(code="C1-01", name="Ấp Hòa Phú", level="village", parent=tree["C1"])
    return tree


def post(client, data, name="bang.xlsx"):
    return client.post(reverse(URL), {"file": SimpleUploadedFile(name, data, content_type=XLSX)})


def test_an_administrator_uploads_a_table_and_again_changes_nothing(villages, client):
    client.force_login(make_user("boss", "admin", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:areas_unit_changelist")).content.decode()
    assert reverse(URL) in page and "Nhập bảng chuyển đổi ĐVHC" in page
    assert "hai cột cuối không bắt buộc" in client.get(reverse(URL)).content.decode()
    response = post(client, table(REFORM_ROWS))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Đã đọc 3 dòng: 2 đơn vị mới, 5 đơn vị chấm dứt" in text
    assert UnitSuccession.objects.count() == 4
    assert "không thay đổi gì" in post(client, table(REFORM_ROWS)).content.decode()


def test_a_table_with_errors_shows_them_located_and_writes_nothing(villages, client):
    client.force_login(make_user("boss", "admin", is_staff=True, is_superuser=True))
    units = Unit.objects.count()
    response = post(client, table([("C9", "Xã 9", "N3", "Xã Ba", "01/07/2025")], HEADER[:5]))
    text = response.content.decode()
    assert 'id="changes-problems"' in text and "Không có đơn vị nào mã C9 còn hiệu lực trước ngày 01/07/2025." in text
    assert "<td>Bảng chuyển đổi</td><td>3</td><td>Mã ĐVHC cũ</td>" in text
    assert Unit.objects.count() == units and not UnitSuccession.objects.exists()
    text = post(client, b"not a workbook", "bang.xlsx").content.decode()
    assert 'class="errornote"' in text and "Excel" in text


def test_only_who_may_import_units_may_upload(villages, client):
    client.force_login(make_user("xa", "officer", unit=villages["C1"], is_staff=True))
    assert client.get(reverse(URL)).status_code == 403
    assert post(client, table(REFORM_ROWS)).status_code == 403
    assert not UnitSuccession.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_the_upload_page_in_a_browser(villages, live_server, new_page, width):
    make_user("quantri", "admin", is_staff=True, is_superuser=True)
    page = new_page(width=width)
    login(page, live_server, "quantri", "pw")
    page.goto(live_server.url + reverse(URL))
    screenshot(page, f"unit-changes-empty-{width}")
    bad = [*REFORM_ROWS, ("C9", "Xã 9", "N3", "Xã Ba", "01/07/2025", "", "")]
    page.set_input_files("input[name=file]", files=[{"name": "bang.xlsx", "mimeType": XLSX, "buffer": table(bad)}])
    with page.expect_navigation():
        page.click("input[type=submit][value='Nhập bảng']")
    assert "Không có đơn vị nào mã C9" in page.inner_text("#changes-problems")
    screenshot(page, f"unit-changes-errors-{width}")
    page.set_input_files(
        "input[name=file]", files=[{"name": "bang.xlsx", "mimeType": XLSX, "buffer": table(REFORM_ROWS)}]
    )
    with page.expect_navigation():
        page.click("input[type=submit][value='Nhập bảng']")
    assert "2 đơn vị mới" in page.inner_text("#changes-summary")
    screenshot(page, f"unit-changes-done-{width}")
    page.click("text=Các chuyển đổi đã ghi nhận")
    page.wait_for_load_state()
    assert "Ấp Hòa Phú" in page.inner_text("#result_list")
    screenshot(page, f"unit-successions-{width}")
    page.goto(live_server.url + reverse("admin:areas_unit_changelist") + "?valid_to__isempty=0")
    assert "01/07/2025" in page.inner_text("#result_list") or "2025" in page.inner_text("#result_list")
    screenshot(page, f"unit-list-ceased-{width}")
