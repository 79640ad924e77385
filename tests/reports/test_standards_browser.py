"""The comparison of two standards in a real browser: the Sankey draws, at desktop and phone widths."""

import pytest

from tests.conftest import login, screenshot
from tests.reports.test_standards_comparison import province, users  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_sankey_draws_and_the_page_fits_the_screen(province, users, live_server, new_page, width):  # noqa: F811
    page = new_page(width=width)
    login(page, live_server, "boss", password="pw")
    page.goto(f"{live_server.url}/reports/standards/?unit=P")
    page.wait_for_selector("#sankey[data-drawn='1']")
    # one band per pair of groups with households in it (7 pairs in the fixture), nodes named in Vietnamese
    assert page.locator("#sankey .sankey-link").count() == 7
    labels = page.locator("#sankey .node-label").evaluate_all("nodes => nodes.map(n => n.textContent)")
    assert "Chưa đủ thông tin (1)" in labels and "Mức sống trung bình (4)" in labels
    assert page.evaluate("document.querySelector('main').scrollWidth") <= width
    screenshot(page, f"standards-comparison-{width}")
