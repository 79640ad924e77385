"""The review report marks the figures that rest on household records not approved yet."""

from approvals.services import approval_transition
from tests.conftest import make_user

PAGE = "/reports/review/"


def _approve(unit, year, submitter, approver):
    approval_transition(user=submitter, unit=unit, year=year, kind="households", action="submit")
    approval_transition(user=approver, unit=unit, year=year, kind="households", action="approve")


def test_the_report_says_which_areas_are_not_approved_and_marks_their_rows(province, users, client):
    client.force_login(users["manager"])
    html = client.get(PAGE, {"unit": "P", "year": 2021}).content.decode()
    assert "3 trên 3 địa bàn chưa được phê duyệt" in html and 'class="unapproved-mark"' in html

    d1_officer = make_user("d1", "district_officer", province["D1"])
    _approve(province["C1"], 2021, users["officer_c1"], d1_officer)
    _approve(province["C3"], 2021, make_user("c3", "officer", province["C3"]), d1_officer)
    html = client.get(PAGE, {"unit": "P", "year": 2021}).content.decode()
    assert "1 trên 3 địa bàn chưa được phê duyệt" in html and "Phường C2" in html
    rows = {
        line.split("</a>")[0].rsplit(">", 1)[-1]: "unapproved-mark" in line
        for line in html.splitlines()
        if 'class="name"><a href' in line
    }
    assert rows.get("Huyện D1") is False and rows.get("Thành phố D2") is True

    d1_page = client.get(PAGE, {"unit": "D1", "year": 2021}).content.decode()
    assert "Mọi số liệu ở đây đều dựa trên dữ liệu đã được phê duyệt." in d1_page
    assert 'class="unapproved-mark"' not in d1_page
