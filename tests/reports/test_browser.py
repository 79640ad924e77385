"""The review report in a real browser, at desktop and phone widths."""

import pytest

from tests.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_reads_the_five_tables_of_a_province_and_follows_a_count(demo, live_server, new_page):
    page = new_page(width=1280)
    login(page, live_server, "manager")
    page.goto(f"{live_server.url}/reports/review/?unit=94&year=2020")
    page.wait_for_selector("section.report-table")
    assert page.locator("section.report-table").count() == 5
    assert (
        page.locator("#T1 tbody tr.total td.name").inner_text().removesuffix(" *") == "Tổng cộng"
    )  # * = not yet approved
    assert page.locator("#T1 thead").inner_text().count("Số hộ thoát nghèo") == 1
    link = page.locator("#T1 tbody tr.total td.num a").first
    assert "/households/?unit=94&year=2020" in link.get_attribute("href")
    screenshot(page, "review-report-1280")
    with page.expect_download() as download:
        page.locator("a.button", has_text=".xlsx").click()
    assert download.value.suggested_filename == "bao-cao-ra-soat-94-2020.xlsx"


def test_officer_reads_their_commune_on_a_phone_without_the_page_scrolling_sideways(demo, live_server, new_page):
    page = new_page(width=390)
    login(page, live_server, "officer")
    page.goto(f"{live_server.url}/reports/review/")
    page.wait_for_selector("section.report-table")
    screenshot(page, "review-report-390")
    # the wide tables scroll inside their own box; the report itself fits the phone's width
    assert page.evaluate("document.querySelector('main').scrollWidth") <= 390
    assert page.locator("#T1 .scroll").evaluate("e => e.scrollWidth > e.clientWidth")
