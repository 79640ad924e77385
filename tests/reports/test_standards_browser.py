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


@pytest.fixture
def split_province(db):
    """The fixture's households in the 2024 review, then the reform of 1 July 2025: C1 split 60 % / 40 % into the new
    communes N1 and N2, C2 merged whole into N1; the province re-scored under Decree 351."""
    from areas.changes import import_unit_changes
    from areas.models import Unit
    from households.models import PovertyStandard
    from reports.rescoring import rescore_now
    from tests.areas.test_unit_changes import table
    from tests.reports.conftest import small_province
    from tests.reports.test_standards_comparison import HOUSEHOLDS, save, with_role

    units = small_province()
    for code, (commune, income, deprivations) in HOUSEHOLDS.items():
        save(code, units[commune], 2024, income, deprivations)
    rows = [
        ("C1", "Xã C1", "N1", "Xã N1", "01/07/2025", 60),
        ("C1", "Xã C1", "N2", "Xã N2", "01/07/2025", 40),
        ("C2", "Phường C2", "N1", "Xã N1", "01/07/2025", 100),
    ]
    assert import_unit_changes(table(rows), "t.xlsx").ok
    rescore_now(PovertyStandard.objects.get(code="ND351-2025"), 2024, Unit.objects.get(code="P"))
    with_role("boss", "manager")


def test_today_s_boundaries_and_as_filed_in_a_browser(split_province, live_server, new_page):
    """P's 2024 review in its 2025 communes: N1 = 60 % of C1 + C2 (7,6 households), N2 = 40 % of C1 (2,4), both
    estimated and unlinked; one click to the districts as filed."""
    page = new_page(width=1280)
    login(page, live_server, "boss", password="pw")
    page.goto(f"{live_server.url}/reports/standards/?unit=P&year=2024")
    page.wait_for_selector("#sankey[data-drawn='1']")
    by_unit = page.locator("#by-unit")
    assert "Số liệu theo địa giới 2025." in by_unit.inner_text()
    rows = by_unit.locator("tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("td.name").inner_text() == "Xã N1 (ước tính)"
    assert rows.nth(0).locator("td").nth(1).inner_text() == "7,6"
    assert rows.nth(1).locator("td").nth(1).inner_text() == "2,4"
    assert rows.nth(1).locator("td.num.estimated a").count() == 0  # a share links to no household list
    assert page.locator("#by-group tr.total").inner_text().startswith("Tổng số hộ (ước tính)")
    screenshot(page, "standards-comparison-current")
    page.click("text=Xem theo địa giới khi rà soát")
    page.wait_for_selector("#sankey[data-drawn='1']")
    assert "boundaries=recorded" in page.url
    text = page.locator("#by-unit").inner_text()
    assert "Số liệu theo địa giới khi rà soát." in text and "Huyện D1" in text and "ước tính" not in page.content()
    assert page.locator("#by-unit tbody tr").first.locator("a").count() > 1  # whole households: linked
    screenshot(page, "standards-comparison-recorded")
