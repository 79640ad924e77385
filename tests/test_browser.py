"""Pages in a real browser: headless Chromium from Debian, driven by Playwright."""

import pytest

from targets.models import Plan
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


def test_officer_sees_only_the_plan_of_their_province(demo, live_server, page, history_officer):
    login(page, live_server, history_officer)  # of Sóc Trăng's Xã Thuận Hòa, before the 2025 reform
    page.wait_for_selector("section.plan")
    assert page.locator("section.plan h2").all_inner_texts() == ["Tỉnh Sóc Trăng — 2020"]


def test_pages_carry_a_content_security_policy_and_break_none_of_it(demo, live_server, new_page):
    """No page needs an inline script or a foreign host: the policy forbids both, and the browser reports no
    violation on a chart page, the entry form and the admin's import page."""
    page = new_page(csp=True)
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    login(page, live_server, "admin")
    response = page.goto(f"{live_server.url}/dashboards/areas/94/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    scorecard = f"/dashboards/plans/{Plan.objects.get(province__code='94').pk}/"  # ids depend on earlier tests
    for path in (scorecard, "/households/new/", "/admin/households/household/import/", "/api/v1/docs"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert violations == []
