"""The approval page, its actions, and the admin's refusal of locked records."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from approvals.models import Approval, DataKind, State
from approvals.services import approval_transition
from households.models import Household
from households.services import household_save
from targets.models import Indicator, ReportedValue
from tests.conftest import make_user

YEAR = 2022


@pytest.fixture
def people(tree):
    staff = {"is_staff": True}
    users = {
        "officer_c1": make_user("officer_c1", "officer", tree["C1"], first_name="Lan", last_name="Trần Thị", **staff),
        "officer_d1": make_user(
            "officer_d1", "district_officer", tree["D1"], first_name="Minh", last_name="Nguyễn Văn", **staff
        ),
        "officer_d2": make_user("officer_d2", "district_officer", tree["D2"], **staff),
        "manager": make_user("manager_p", "manager", tree["P"], **staff),
    }
    perms = Permission.objects.filter(content_type__app_label__in=["households", "targets"])
    for user in users.values():
        user.user_permissions.set(perms)
    return users


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _act(client, unit, action, comment="", kind="households"):
    return client.post(
        "/approvals/act/",
        {"unit": unit.code, "year": YEAR, "kind": kind, "action": action, "comment": comment, "confirmed": "1"},
        follow=True,
    )


@pytest.fixture
def household(tree):
    return household_save(
        Household(
            unit=tree["C1"],
            survey_year=YEAR,
            code="H1",
            income_per_capita=1_000_000,
            member_count=3,
            reported_deprivations=[],
        )
    )


def test_the_board_lists_every_unit_of_the_province_with_its_state(tree, people, household):
    approval_transition(user=people["officer_c1"], unit=tree["C1"], year=YEAR, kind="households", action="submit")
    html = _client(people["manager"]).get(f"/approvals/?unit=P&year={YEAR}").content.decode()
    for name in ("Province", "District 1", "District 2", "Commune 1", "Commune 2"):
        assert name in html
    assert 'id="approval-C1"' in html and "đã gửi duyệt" in html and "Trần Thị Lan" in html
    assert "chưa gửi duyệt: 4" in html  # P, D1, D2, C2 have not submitted


def test_the_board_filters_the_units_that_have_not_submitted(tree, people, household):
    approval_transition(user=people["officer_c1"], unit=tree["C1"], year=YEAR, kind="households", action="submit")
    html = _client(people["manager"]).get(f"/approvals/?unit=P&year={YEAR}&state=pending").content.decode()
    assert 'id="approval-C2"' in html and 'id="approval-C1"' not in html


def test_an_officer_sees_only_their_commune_on_the_board(tree, people, household):
    html = _client(people["officer_c1"]).get(f"/approvals/?year={YEAR}").content.decode()
    assert 'id="approval-C1"' in html and 'id="approval-C2"' not in html and 'id="approval-P"' not in html
    assert 'value="submit"' in html
    outside = _client(people["officer_c1"]).get(f"/approvals/?unit=P&year={YEAR}").content.decode()
    assert 'id="approval-P"' not in outside


def test_submit_return_submit_approve_reopen_through_the_page(tree, people, household):
    officer, district = _client(people["officer_c1"]), _client(people["officer_d1"])
    assert "đã gửi duyệt hồ sơ hộ năm 2022" in _act(officer, tree["C1"], "submit").content.decode()
    refused = _act(officer, tree["C1"], "approve").content.decode()
    assert "Bạn không có quyền phê duyệt" in refused
    assert "bắt buộc" in _act(district, tree["C1"], "return").content.decode()
    assert "đã trả lại" in _act(district, tree["C1"], "return", "Thiếu hộ").content.decode()
    _act(officer, tree["C1"], "submit")
    assert "đã phê duyệt và khóa" in _act(district, tree["C1"], "approve").content.decode()
    assert "đã mở lại" in _act(district, tree["C1"], "reopen", "Sửa thu nhập").content.decode()
    detail = officer.get(f"/approvals/C1/{YEAR}/households/").content.decode()
    assert detail.count("<tr><td>") == 5 and "Thiếu hộ" in detail and "Sửa thu nhập" in detail


def test_a_district_officer_cannot_approve_another_districts_commune_through_the_page(tree, people):
    approval_transition(
        user=make_user("officer_c2", "officer", tree["C2"]),
        unit=tree["C2"],
        year=YEAR,
        kind="households",
        action="submit",
    )
    response = _act(_client(people["officer_d1"]), tree["C2"], "approve")
    assert response.status_code == 404  # commune 2 is outside district 1
    assert Approval.objects.get().state == State.SUBMITTED


def test_the_admin_refuses_to_change_or_delete_an_approved_household(tree, people, household):
    approval_transition(user=people["officer_c1"], unit=tree["C1"], year=YEAR, kind="households", action="submit")
    approval_transition(user=people["officer_d1"], unit=tree["C1"], year=YEAR, kind="households", action="approve")
    admin = _client(people["officer_c1"])
    page = admin.get(f"/admin/households/household/{household.pk}/change/").content.decode()
    assert "Nguyễn Văn Minh phê duyệt" in page
    response = admin.post(
        f"/admin/households/household/{household.pk}/change/",
        {
            "unit": tree["C1"].pk,
            "survey_year": YEAR,
            "code": "H1",
            "income_per_capita": 5_000_000,
            "member_count": 3,
            "ethnicity": "kinh",
            "area_type": "rural",
        },
    )
    assert response.status_code == 403
    single = admin.post(f"/admin/households/household/{household.pk}/delete/", {"post": "yes"})
    assert "Nguyễn Văn Minh phê duyệt" in single.content.decode()
    bulk = admin.post(
        "/admin/households/household/", {"action": "delete_selected", "_selected_action": [household.pk], "post": "yes"}
    )
    assert "Nguyễn Văn Minh phê duyệt" in bulk.content.decode()
    household.refresh_from_db()
    assert household.income_per_capita == 1_000_000


def test_the_admin_refuses_a_new_household_in_a_locked_unit(tree, people):
    approval_transition(user=people["officer_c1"], unit=tree["C1"], year=YEAR, kind="households", action="submit")
    response = _client(people["officer_c1"]).post(
        "/admin/households/household/add/",
        {
            "unit": tree["C1"].pk,
            "survey_year": YEAR,
            "code": "H7",
            "income_per_capita": 900_000,
            "member_count": 2,
            "ethnicity": "kinh",
            "area_type": "rural",
            "reported_deprivations": ["water"],  # valid: the service refuses it for the lock
            "members-TOTAL_FORMS": 0,
            "members-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200 and "Trần Thị Lan gửi duyệt" in response.content.decode()
    assert not Household.objects.exists()


def test_the_admin_refuses_a_reported_value_in_an_approved_period(tree, people):
    indicator = Indicator.objects.filter(kind="reported").first()
    value = ReportedValue.objects.create(indicator=indicator, unit=tree["C1"], year=YEAR, value=10)
    for user, action in ((people["officer_c1"], "submit"), (people["officer_d1"], "approve")):
        approval_transition(user=user, unit=tree["C1"], year=YEAR, kind=DataKind.REPORTED, action=action)
    admin = _client(people["officer_c1"])
    response = admin.post(
        f"/admin/targets/reportedvalue/{value.pk}/change/",
        {"indicator": indicator.pk, "unit": tree["C1"].pk, "year": YEAR, "value": 99},
    )
    assert response.status_code == 403
    value.refresh_from_db()
    assert value.value == 10
    add = admin.post(
        "/admin/targets/reportedvalue/add/",
        {"indicator": indicator.pk, "unit": tree["C1"].pk, "year": YEAR, "month": 3, "value": 5},
    )
    assert "phê duyệt" in add.content.decode() and ReportedValue.objects.count() == 1


def test_an_approval_page_needs_login(db, client):
    assert client.get("/approvals/").status_code == 302
