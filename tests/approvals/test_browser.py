"""An officer submits their commune and a manager approves it, in a real browser, on a desktop and a phone."""

import pytest
from django.contrib.auth.models import User

from approvals.models import Approval, State
from tests.conftest import login, make_user, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cycle(tree):
    for username, role, unit, names in (
        ("officer", "officer", tree["C1"], ("Lan", "Trần Thị")),
        ("manager", "manager", tree["P"], ("Hà", "Lê Thu")),
    ):
        user = make_user(username, role, unit, first_name=names[0], last_name=names[1])
        user.set_password("demo")
        user.save()
    Approval.objects.create(unit=tree["C2"], kind="households", year=2022)  # so 2022 is in the year list
    return tree


@pytest.mark.parametrize("width", [1280, 390])
def test_officer_submits_and_manager_approves(cycle, live_server, new_page, width):
    officer = new_page(width=width)
    login(officer, live_server, "officer")
    officer.click("text=Phê duyệt")
    officer.wait_for_selector("#approval-C1")
    assert officer.locator("#approval-P").count() == 0  # an officer sees their own commune only
    screenshot(officer, f"approval-officer-before-{width}")
    officer.click("#approval-C1 button[value=submit]")
    assert "bị khóa" in officer.inner_text("#confirm-step")  # submitting locks the data: asked once more
    screenshot(officer, f"approval-officer-confirm-{width}")
    officer.click("#confirm")
    officer.wait_for_selector(".message.success")
    assert "đã gửi duyệt hồ sơ hộ năm 2022" in officer.inner_text(".message.success")
    assert officer.locator("#approval-C1 button").count() == 0  # nothing more for the officer to do
    screenshot(officer, f"approval-officer-submitted-{width}")

    manager = new_page(width=width)
    login(manager, live_server, "manager")
    manager.goto(f"{live_server.url}/approvals/?unit=P&year=2022&kind=households")
    row = manager.locator("#approval-C1")
    assert "Trần Thị Lan" in row.inner_text() and "đã gửi duyệt" in row.inner_text()
    screenshot(manager, f"approval-manager-board-{width}")
    row.locator("button[value=approve]").click()
    manager.click("#confirm")
    manager.wait_for_selector(".message.success")
    assert "đã phê duyệt và khóa" in manager.inner_text(".message.success")
    assert "đã phê duyệt" in manager.locator("#approval-C1").inner_text()
    screenshot(manager, f"approval-manager-approved-{width}")

    officer.reload()
    assert "Lê Thu Hà" in officer.locator("#approval-C1").inner_text()
    approval = Approval.objects.get(unit__code="C1")
    assert (approval.state, approval.submitted_by.username, approval.decided_by) == (
        State.APPROVED,
        "officer",
        User.objects.get(username="manager"),
    )
    assert list(approval.events.values_list("action", flat=True)) == ["submit", "approve"]
