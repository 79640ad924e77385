"""Every kind of chart the app draws reads at 1280 and at 390 px: no two text labels of a figure overlap (tick labels,
legend entries, annotations, titles, Sankey node labels, texts on bars) and none is cut at the figure's edge."""

import pytest

from targets.models import Target
from tests.conftest import login, screenshot

from .test_dashboards_browser import charts_drawn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The labels of a drawn figure whose boxes overlap another's or leave the figure, by their texts.
LABEL_PROBLEMS = """(chart) => {
  const kinds = ["g.xtick text", "g.ytick text", "g.legend text.legendtext", "g.annotation text", "text.gtitle",
                 "text.xtitle", "text.ytitle", "g.sankey .node-label", "text.bartext"];
  const frame = chart.getBoundingClientRect();
  const boxes = [];
  for (const kind of kinds) for (const text of chart.querySelectorAll(kind)) {
    const style = getComputedStyle(text), box = text.getBoundingClientRect();
    if (!text.textContent.trim() || style.display === "none" || style.visibility === "hidden") continue;
    if (box.width && box.height) boxes.push({label: `${text.textContent.trim()} (${kind})`, box: box});
  }
  const problems = [], slack = 1;
  for (const {label, box} of boxes)
    if (box.left < frame.left - slack || box.right > frame.right + slack ||
        box.top < frame.top - slack || box.bottom > frame.bottom + slack) problems.push(`cut: ${label}`);
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
    const across = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
    const down = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
    if (across > slack && down > slack) problems.push(`overlap: ${a.label} / ${b.label}`);
  }));
  return {labels: boxes.length, problems: problems};
}"""


def label_problems(page) -> tuple[set, dict]:
    """The chart kinds drawn on the page (their download keys) and each chart's label problems."""
    assert page.locator(".chart").count(), page.inner_text("main")[:600]
    charts_drawn(page)
    kinds, problems = set(), {}
    cards = page.locator(".chart-card")
    for i in range(cards.count()):
        card = cards.nth(i)
        kinds.add(card.locator("p.downloads a").first.get_attribute("href").split("/")[-1].split(".")[0])
        found = card.locator(".chart").evaluate(LABEL_PROBLEMS)
        assert found["labels"] >= 3, card.locator("h2").inner_text()  # the measure saw the figure's texts
        if found["problems"]:
            problems[card.locator("h2").inner_text()] = found["problems"]
    return kinds, problems


@pytest.mark.parametrize("width", [1280, 390])
def test_no_chart_label_overlaps_another_or_is_cut(demo, live_server, new_page, width):
    page = new_page(width=width)
    page.set_default_timeout(120_000)
    login(page, live_server, "manager")
    targets = {
        (t.plan.province.code, t.order): t.pk for t in Target.objects.select_related("plan__province").filter(order=1)
    }
    minority = Target.objects.get(plan__province__code="14", scope="ethnic_minority")
    reported = Target.objects.filter(plan__province__code="14", indicator__kind="reported").order_by("order").first()
    pages = [
        "/dashboards/areas/14/?year=2022",  # two standards: the "new standard" note over the trend; a Sankey
        "/dashboards/areas/94/?year=2020",
        f"/dashboards/targets/{targets['14', 1]}/",  # a level goal marked on the breakdown
        f"/dashboards/targets/{minority.pk}/",
        f"/dashboards/targets/{reported.pk}/",
        "/dashboards/compare/?units=94&units=14",
    ]
    drawn, problems = set(), {}
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        kinds, found = label_problems(page)
        drawn |= kinds
        problems.update({f"{path} {title}": labels for title, labels in found.items()})
        screenshot(page, f"chart-labels-{path.strip('/').replace('/', '-').split('?')[0]}-{width}")
    assert drawn == {
        "rates",
        "breakdown",
        "ethnic",
        "censored",
        "dimensions",
        "transitions",
        "trend",
        "reported",
        "compare",
    }
    assert not problems, problems
    page.context.close()


def test_a_chart_title_names_the_population_it_plots(demo, live_server, new_page):
    page = new_page(width=390)
    page.set_default_timeout(120_000)
    login(page, live_server, "manager")
    minority = Target.objects.get(plan__province__code="14", scope="ethnic_minority")
    page.goto(f"{live_server.url}/dashboards/targets/{minority.pk}/")
    titles = page.locator(".chart-card h2").all_inner_texts()
    assert titles and all("hộ dân tộc thiểu số" in title for title in titles), titles
    page.context.close()
