"""Every button and button-like link of the main pages can be read: its text against what is behind it reaches
WCAG's contrast ratio of 4,5 : 1 (issue 25, point 8: the review report's download button was red on red)."""

import pytest

from households.models import Household
from targets.models import Plan, Target
from tests.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# [text of the control, contrast ratio] of each visible, enabled button of the page.
CONTRASTS = """() => {
  const rgba = (text) => (text.match(/[\\d.]+/g) || ["0", "0", "0", "0"]).map(Number).concat([1]).slice(0, 4);
  const over = (top, below) => top.slice(0, 3).map((c, i) => c * top[3] + below[i] * (1 - top[3])).concat([1]);
  function background(el) {  // what is painted behind the text: the first backgrounds up the tree, blended
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour[3] > 0) layers.push(colour);
      if (colour[3] >= 1) break;
    }
    return layers.reverse().reduce((below, top) => over(top, below), [255, 255, 255, 1]);
  }
  const luminance = (c) => c.slice(0, 3).map((v) => v / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const controls = document.querySelectorAll(
    "button, a.button, [role=button], input[type=submit], input[type=button]");
  return [...controls].filter((el) => el.offsetParent !== null && !el.disabled && el.innerText.trim())
    .map((el) => {
      const back = background(el), text = over(rgba(getComputedStyle(el).color), back);
      const [light, dark] = [luminance(text), luminance(back)].sort((a, b) => b - a);
      return [el.innerText.trim(), (light + 0.05) / (dark + 0.05)];
    });
}"""


def contrasts(page) -> list:
    return page.evaluate(CONTRASTS)


@pytest.mark.parametrize("width", [1280, 390])
def test_every_button_of_the_main_pages_reaches_contrast_4_5(demo, live_server, new_page, width):
    plan = Plan.objects.order_by("pk").first()
    target = Target.objects.filter(plan=plan).order_by("order").first()
    household = Household.objects.order_by("pk").first()
    pages = {
        "manager": [
            "/",
            f"/dashboards/plans/{plan.pk}/",
            f"/dashboards/targets/{target.pk}/",
            f"/dashboards/areas/{plan.province.code}/",
            "/dashboards/compare/",
            "/reports/review/",
            "/approvals/",
            "/accounts/",
        ],
        "officer": ["/", "/households/", "/households/new/", "/reported/", "/approvals/"],
        "admin": [f"/households/{household.pk}/"],
    }
    seen, weak = 0, []
    for user, paths in pages.items():
        page = new_page(width=width)
        page.set_default_timeout(60_000)
        login(page, live_server, user)
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state()
            found = contrasts(page)
            seen += len(found)
            weak += [(path, text, round(ratio, 2)) for text, ratio in found if ratio < 4.5]
        page.goto(f"{live_server.url}/reports/review/")
        screenshot(page, f"contrast-review-{user}-{width}")
        page.context.close()
    assert seen >= 20  # the measure found the pages' buttons
    assert not weak, weak


def test_the_review_reports_download_button_shows_its_words(demo, live_server, new_page):
    page = new_page()
    login(page, live_server, "manager")
    page.goto(f"{live_server.url}/reports/review/")
    button = page.locator("a.button", has_text="Tải tệp .xlsx")
    colour, back = button.evaluate("el => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]")
    assert colour != back and colour == "rgb(255, 255, 255)"
    page.context.close()
