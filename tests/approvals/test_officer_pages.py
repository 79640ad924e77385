"""What came back from the level above, where the officer works; year pickers open on the officer's own latest
year; steps that lock data are confirmed first; one name per approval state."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from approvals.models import Approval, State
from approvals.services import approval_transition
from households.models import Household
from households.services import household_save
from tests.conftest import make_user

COMMENT = "Tháng 2 ghi 2,5 người được đào tạo: đề nghị kiểm tra lại"


@pytest.fixture
def people(tree):
    officer = make_user("officer_c1", "officer", tree["C1"], first_name="Lan", last_name="Trần Thị", is_staff=True)
    manager = make_user("manager_p", "manager", tree["P"], first_name="Hà", last_name="Lê Thu")
    perms = Permission.objects.filter(content_type__app_label__in=["households", "targets"])
    officer.user_permissions.set(perms)
    # the officer's commune has households of 2020; another commune of the province has data of 2022
    household_save(
        Household(
            unit=tree["C1"],
            survey_year=2020,
            code="H1",
            income_per_capita=1_000_000,
            member_count=3,
            reported_deprivations=[],
        )
    )
    Approval.objects.create(unit=tree["C2"], kind="households", year=2022)
    return officer, manager


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _returned(tree, officer, manager, kind):
    approval_transition(user=officer, unit=tree["C1"], year=2020, kind=kind, action="submit")
    approval_transition(user=manager, unit=tree["C1"], year=2020, kind=kind, action="return", comment=COMMENT)


def test_the_reported_page_opens_on_the_officers_year_and_shows_what_was_returned(tree, people):
    officer, manager = people
    _returned(tree, officer, manager, "reported")
    html = _client(officer).get("/reported/").content.decode()
    assert "Commune 1 2020" in html  # the year of the officer's data, not this year
    state = html[html.index('id="approval-state"') :]
    assert "bị trả lại" in state and COMMENT in state and "Lê Thu Hà" in state
    assert 'value="submit"' in state  # submitted again from where the data is corrected


def test_the_officers_home_page_shows_the_returned_period_with_its_comment_and_a_link_to_correct_it(tree, people):
    officer, manager = people
    _returned(tree, officer, manager, "households")
    html = _client(officer).get("/").content.decode()
    box = html[html.index('id="my-approvals"') :]
    assert "bị trả lại" in box and COMMENT in box
    assert "/households/?unit=C1&amp;year=2020" in box


def test_the_approval_list_opens_on_the_officers_latest_year_not_another_areas(tree, people):
    officer, _manager = people
    html = _client(officer).get("/approvals/").content.decode()
    assert "Commune 1 · 2020" in html
    assert '<option value="2022"' not in html  # a year of another commune only


def test_submitting_asks_for_confirmation_on_a_page_and_locks_nothing_until_confirmed(tree, people):
    officer, _manager = people
    data = {"unit": "C1", "year": 2020, "kind": "households", "action": "submit", "next": "/approvals/"}
    page = _client(officer).post("/approvals/act/", data)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="confirm-step"' in html and "bị khóa" in html
    assert 'name="confirmed" value="1"' in html and "<script>" not in html
    assert not Approval.objects.filter(unit=tree["C1"]).exists()
    _client(officer).post("/approvals/act/", {**data, "confirmed": "1"})
    assert Approval.objects.get(unit=tree["C1"]).state == State.SUBMITTED


def test_approving_asks_for_confirmation_too(tree, people):
    officer, manager = people
    approval_transition(user=officer, unit=tree["C1"], year=2020, kind="households", action="submit")
    data = {"unit": "C1", "year": 2020, "kind": "households", "action": "approve"}
    html = _client(manager).post("/approvals/act/", data).content.decode()
    assert 'id="confirm-step"' in html and Approval.objects.get(unit=tree["C1"]).state == State.SUBMITTED
    _client(manager).post("/approvals/act/", {**data, "confirmed": "1"})
    assert Approval.objects.get(unit=tree["C1"]).state == State.APPROVED


def test_a_state_has_one_name_in_the_list_and_in_the_history(tree, people):
    officer, manager = people
    _returned(tree, officer, manager, "households")
    approval_transition(user=officer, unit=tree["C1"], year=2020, kind="households", action="submit")
    approval_transition(user=manager, unit=tree["C1"], year=2020, kind="households", action="approve")
    approval_transition(user=manager, unit=tree["C1"], year=2020, kind="households", action="reopen", comment="Sửa")
    client = _client(officer)
    board = client.get("/approvals/?year=2020").content.decode()
    history = client.get("/approvals/C1/2020/households/").content.decode()
    assert "chưa gửi duyệt" in board and "→ chưa gửi duyệt" in history
    assert "đang mở" not in board + history
    assert "cấp xã" in board  # "Commune 1 cấp xã", not "Commune 1 xã"


def test_the_household_list_of_a_returned_year_shows_the_comment_where_the_records_are_corrected(tree, people):
    officer, manager = people
    _returned(tree, officer, manager, "households")
    html = _client(officer).get("/households/?unit=C1&year=2020").content.decode()
    state = html[html.index('id="approval-state"') :]
    assert "bị trả lại" in state and COMMENT in state
    assert 'id="approval-state"' not in _client(officer).get("/households/").content.decode()  # no single year
