"""The whole cycle through the pages: submit → return → submit → approve → every front door refuses → reopen."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from approvals.models import Approval
from households.models import Household
from households.roster.service import roster_import
from households.services import household_save
from tests.conftest import make_user
from tests.households.roster_files import household_row, two_sheets

YEAR = 2022


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _act(client, action, comment=""):
    return client.post(
        "/approvals/act/",
        {"unit": "C1", "year": YEAR, "kind": "households", "action": action, "comment": comment, "confirmed": "1"},
        follow=True,
    ).content.decode()


@pytest.fixture
def people(tree):
    officer = make_user("officer_c1", "officer", tree["C1"], is_staff=True, first_name="Lan", last_name="Trần Thị")
    district = make_user("officer_d1", "district_officer", tree["D1"], first_name="Minh", last_name="Nguyễn Văn")
    manager = make_user("manager_p", "manager", tree["P"], first_name="Hà", last_name="Lê Thu")
    officer.user_permissions.set(Permission.objects.filter(content_type__app_label="households"))
    return officer, district, manager


def test_submit_return_submit_approve_locked_everywhere_then_reopen(tree, people):
    officer, district, manager = people
    household = household_save(
        Household(
            unit=tree["C1"],
            survey_year=YEAR,
            code="H1",
            income_per_capita=1_000_000,
            member_count=3,
            reported_deprivations=[],
        )
    )
    as_officer, as_district, as_manager = _client(officer), _client(district), _client(manager)

    assert "đã gửi duyệt" in _act(as_officer, "submit")
    assert "đã trả lại" in _act(as_district, "return", "Hộ H1 thiếu thành viên")
    assert "Hộ H1 thiếu thành viên" in as_officer.get(f"/approvals/?year={YEAR}").content.decode()
    assert "đã gửi duyệt" in _act(as_officer, "submit")
    assert "đã phê duyệt và khóa" in _act(as_district, "approve")

    # locked: the import refuses the commune's rows and writes nothing
    result = roster_import(
        two_sheets(households=[household_row("H1"), household_row("H2", members=1)]), "x.xlsx", user=officer
    )
    assert not result.written and {p.message for p in result.problems} == {next(p.message for p in result.problems)}
    assert "Nguyễn Văn Minh phê duyệt" in result.problems[0].message
    # locked: the admin shows the record read-only and refuses a post
    page = as_officer.get(f"/admin/households/household/{household.pk}/change/").content.decode()
    assert "Nguyễn Văn Minh phê duyệt" in page
    assert (
        as_officer.post(
            f"/admin/households/household/{household.pk}/change/", {"income_per_capita": 9_000_000}
        ).status_code
        == 403
    )
    household.refresh_from_db()
    assert household.income_per_capita == 1_000_000 and Household.objects.count() == 1

    assert "Bạn không có quyền mở lại" in _act(as_officer, "reopen", "tự mở")
    assert "đã mở lại" in _act(as_manager, "reopen", "Điều chỉnh thu nhập hộ H1")
    assert roster_import(two_sheets(), "x.xlsx", user=officer).written

    history = list(Approval.objects.get().events.values_list("action", "user__username", "comment"))
    assert history == [
        ("submit", "officer_c1", ""),
        ("return", "officer_d1", "Hộ H1 thiếu thành viên"),
        ("submit", "officer_c1", ""),
        ("approve", "officer_d1", ""),
        ("reopen", "manager_p", "Điều chỉnh thu nhập hộ H1"),
    ]
    detail = as_manager.get(f"/approvals/C1/{YEAR}/households/").content.decode()
    assert detail.count("<tr><td>") == 5 and "Lê Thu Hà" in detail
