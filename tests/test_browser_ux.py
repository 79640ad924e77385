"""The pages fit their screens (issue 15, point 9), in Vietnamese; screenshots in var/screenshots/ux-*.png."""

import pytest

from households.models import Household
from targets.models import Attainment

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_home_page_fits_the_screen(demo, live_server, new_page, width):
    page = new_page(width=width)
    login(page, live_server, "manager")
    page.goto(f"{live_server.url}/")
    screenshot(page, f"ux-home-{width}")
    assert _width(page) <= width
    assert page.locator("details.why").first.is_visible()


@pytest.mark.parametrize("width", [1280, 390])
def test_admin_pages_fit_and_speak_vietnamese(demo, live_server, new_page, width):
    household = Household.objects.filter(members__isnull=False).order_by("-member_count").first()
    attainment = Attainment.objects.exclude(actual=None).first()
    page = new_page(width=width)
    login(page, live_server, "admin")
    pages = {
        "household": f"/admin/households/household/{household.pk}/change/",
        "households": "/admin/households/household/",
        "targets": "/admin/targets/target/",
        "attainment": f"/admin/targets/attainment/{attainment.pk}/change/",
        "computed": "/admin/targets/computedvalue/",
        "index": "/admin/",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        screenshot(page, f"ux-admin-{name}-{width}")
        text = page.inner_text("body")
        for english in ("Show counts", "Periodic tasks", "Please correct"):
            assert english not in text, (name, english)
        if width == 1280:
            assert _width(page) <= width, name
