"""Pages in a real browser: headless Chromium from Debian, driven by Playwright."""

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


@pytest.fixture
def page(live_server):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN", extra_http_headers={"Accept-Language": "vi"})
        yield page
        browser.close()


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("#login-form button[type=submit]")


def test_manager_logs_in_and_sees_both_plans(demo, live_server, page):
    login(page, live_server, "manager")
    page.wait_for_selector("section.plan")
    headings = page.locator("section.plan h2").all_inner_texts()
    assert headings == ["Tỉnh Sơn La — 2022", "Tỉnh Sóc Trăng — 2020"]
    assert page.locator("section.plan").nth(0).locator("tbody tr").count() == 13
    assert page.locator("section.plan").nth(1).locator("tbody tr").count() == 17
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "home.png", full_page=True)


def test_officer_sees_only_the_plan_of_their_province(demo, live_server, page):
    login(page, live_server, "officer")
    page.wait_for_selector("section.plan")
    assert page.locator("section.plan h2").all_inner_texts() == ["Tỉnh Sóc Trăng — 2020"]
