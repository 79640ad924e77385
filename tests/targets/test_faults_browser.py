"""A saved edit while the broker is unreachable: the page answers as saved and says the figures follow later."""

import pytest
from django.contrib.auth.models import User

from areas.services import profile_save
from targets.models import Indicator, PendingChange
from tests.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_grid_saved_with_the_broker_down_says_its_figures_refresh_later(
    tree, live_server, new_page, unreachable_broker, width
):
    user = User.objects.create_user("lan", password="demo", first_name="Lan")
    profile_save(user, "officer", tree["C1"])
    jobs = Indicator.objects.get(code="jobs_found")
    page = new_page(width=width)
    login(page, live_server, "lan")
    page.goto(f"{live_server.url}/reported/?unit=C1&year=2022")
    page.fill(f"input[name=v_{jobs.id}_3]", "15")
    page.click("#save")
    page.wait_for_load_state()
    screenshot(page, f"grid-saved-broker-down-{width}")
    assert page.locator(".message.success").is_visible()
    assert "tự động cập nhật khi hàng đợi hoạt động trở lại" in page.locator(".message.warning").inner_text()
    assert PendingChange.objects.filter(unit=tree["C1"], year=2022).exists()
