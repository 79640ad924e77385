"""Pages in a real browser: headless Chromium from Debian, driven by Playwright."""

import pytest

from tests.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_logs_in_and_sees_both_plans(demo, live_server, page):
    login(page, live_server, "manager")
    page.wait_for_selector("section.plan")
    headings = page.locator("section.plan h2").all_inner_texts()
    assert headings == ["Tỉnh Sơn La — 2022", "Tỉnh Sóc Trăng — 2020"]
    assert page.locator("section.plan").nth(0).locator("tbody tr").count() == 13
    assert page.locator("section.plan").nth(1).locator("tbody tr").count() == 17
    screenshot(page, "home")


def test_officer_sees_only_the_plan_of_their_province(demo, live_server, page):
    login(page, live_server, "officer")
    page.wait_for_selector("section.plan")
    assert page.locator("section.plan h2").all_inner_texts() == ["Tỉnh Sóc Trăng — 2020"]
