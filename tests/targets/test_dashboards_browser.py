"""Dashboards in a real browser (headless Chromium), at desktop width and on a 390 px phone."""

import csv
import io

import pytest

from areas.models import Unit
from targets.models import Plan, Target
from tests.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def charts_drawn(page):
    """Every chart of the page has its SVG."""
    page.wait_for_function("() => [...document.querySelectorAll('.chart')].every(c => c.dataset.drawn === '1')")
    charts = page.locator(".chart")
    assert charts.count() >= 1
    for i in range(charts.count()):
        assert charts.nth(i).locator("svg.main-svg").count() >= 1
    return charts.count()


@pytest.mark.parametrize("width", [1280, 390])
def test_dashboards_draw_drill_down_and_download(demo, live_server, new_page, width):
    page = new_page(width=width)
    page.set_default_timeout(120_000)  # the machine is shared; plotly.js is 1,3 MB uncompressed here
    login(page, live_server, "manager")

    for plan in Plan.objects.order_by("province__code"):
        page.goto(f"{live_server.url}/dashboards/plans/{plan.pk}/")
        cards = page.locator("article.target-card")
        assert cards.count() == plan.targets.count() == {"94": 17, "14": 13}[plan.province.code]
        for i in range(cards.count()):
            assert cards.nth(i).locator(".status").inner_text().strip()  # a word, not a colour alone
        screenshot(page, f"dash-scorecard-{plan.province.code}-{width}")

    target = Target.objects.get(plan__province__code="14", order=1)
    page.goto(f"{live_server.url}/dashboards/targets/{target.pk}/")
    charts_drawn(page)
    screenshot(page, f"dash-target-{width}")
    bars = page.locator(".chart.drillable g.trace.bars g.point path")
    bars.last.scroll_into_view_if_needed()
    with page.expect_navigation():
        if width < 600:
            bars.last.tap(force=True)  # a finger on a phone
        else:
            bars.last.click(force=True)
    drilled = Unit.objects.get(code=page.url.split("unit=")[1])
    assert drilled.parent.code == "14"  # one level down from the province
    assert page.locator("main p.meta strong").inner_text()  # the district we drilled into, in the trail
    charts_drawn(page)
    screenshot(page, f"dash-target-district-{width}")

    page.goto(f"{live_server.url}/dashboards/areas/14/")
    count = charts_drawn(page)
    assert count >= 8
    assert page.locator(".chart svg.main-svg g.sankey").count() == 1
    screenshot(page, f"dash-area-{width}")
    if width > 600:  # the chart's own buttons speak the page's language, and none sends the data to Plotly's cloud
        titles = set(page.eval_on_selector_all(".modebar-btn", "els => els.map(e => e.dataset.title)"))
        assert "Tải biểu đồ dạng PNG" in titles and not titles & {"Download plot as a PNG", "Share chart..."}

    view = page.locator("details.table-view").first
    view.locator("summary").click()
    assert view.locator("tbody tr").first.is_visible()
    with page.expect_download() as download:
        page.locator("p.downloads a", has_text=".csv").first.click()
    with open(download.value.path(), encoding="utf-8-sig") as data:
        rows = list(csv.reader(io.StringIO(data.read())))
    assert rows[0][0] == "Năm" and len(rows) >= 3

    page.goto(f"{live_server.url}/dashboards/compare/?units=94&units=14")
    charts_drawn(page)
    screenshot(page, f"dash-compare-{width}")
    page.context.close()  # no request of this page still open when the live server stops
