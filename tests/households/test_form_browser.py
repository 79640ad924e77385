"""The household forms in a real browser: the answers form's indicators follow the survey year, the live panel
folds on a phone, a new member's boxes follow the age."""

import pytest
from django.contrib.auth.models import Permission

from tests.conftest import login, make_user, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer(tree):
    user = make_user("officer", "officer", tree["C1"])
    user.set_password("demo")
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="households"))
    return user


def offered(page) -> list[str]:
    return page.eval_on_selector_all("input[name=deprivations]", "boxes => boxes.map(b => b.value)")


def ticked(page) -> list[str]:
    return page.eval_on_selector_all("input[name=deprivations]:checked", "boxes => boxes.map(b => b.value)")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_answers_forms_indicators_follow_the_survey_year_before_saving(officer, live_server, new_page, width):
    page = new_page(width=width)
    login(page, live_server, "officer")
    page.goto(f"{live_server.url}/households/new/answers/?year=2022")
    assert "employment" in offered(page) and "health_access" not in offered(page)
    page.check("input[name=deprivations][value=water]")
    page.check("input[name=deprivations][value=employment]")
    page.fill("input[name=survey_year]", "2019")
    assert "employment" not in offered(page) and "health_access" in offered(page) and len(offered(page)) == 10
    assert ticked(page) == ["water"]  # a tick of an indicator in both standards stays
    assert "59/2015" in page.inner_text("[data-standard-name]")
    assert "Tiếp cận các dịch vụ y tế" in page.inner_text(".deprivation-choices")
    screenshot(page, f"answers-year-2019-{width}")
    page.fill("input[name=survey_year]", "2022")
    assert sorted(ticked(page)) == ["employment", "water"]  # back to 2022: the tick given there is back too


@pytest.mark.parametrize("width", [390])
def test_on_a_phone_the_live_panel_folds_to_one_line_and_opens_again(officer, live_server, new_page, width):
    page = new_page(width=width, height=844)
    login(page, live_server, "officer")
    page.goto(f"{live_server.url}/households/new/")
    panel = page.locator("#live-classification")
    page.wait_for_selector("[data-live-toggle]:visible")
    page.wait_for_load_state("networkidle")  # the panel's first live answer changes its height
    opened = panel.bounding_box()["height"]
    page.click("[data-live-toggle]")
    folded = panel.bounding_box()
    assert folded["height"] < 110 < opened and folded["width"] <= width
    assert page.get_attribute("[data-live-toggle]", "aria-expanded") == "false"
    screenshot(page, f"entry-live-folded-{width}")
    page.click("[data-live-toggle]")
    assert page.get_attribute("[data-live-toggle]", "aria-expanded") == "true"
    assert panel.bounding_box()["height"] > 110  # open again (its text may have been refreshed meanwhile)


def test_at_1280_the_live_panel_has_nothing_to_fold(officer, live_server, new_page):
    page = new_page(width=1280)
    login(page, live_server, "officer")
    page.goto(f"{live_server.url}/households/new/")
    assert not page.is_visible("[data-live-toggle]")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_new_members_boxes_follow_the_age_typed(officer, live_server, new_page, width):
    page = new_page(width=width)
    login(page, live_server, "officer")
    page.goto(f"{live_server.url}/households/new/")
    page.click("#add-member")
    page.fill("[name=members-1-age]", "76")
    assert not page.is_checked("[name=members-1-on_track]") and not page.is_checked("[name=members-1-in_school]")
    assert page.input_value("[name=members-1-employment]") == "retired"
    page.click("#add-member")
    page.fill("[name=members-2-age]", "9")
    assert page.is_checked("[name=members-2-on_track]") and page.is_checked("[name=members-2-in_school]")
    assert page.input_value("[name=members-2-employment]") == "child"
    # a box the officer set stays as they set it
    page.uncheck("[name=members-2-in_school]")
    page.fill("[name=members-2-age]", "10")
    assert not page.is_checked("[name=members-2-in_school]")
    screenshot(page, f"entry-member-ages-{width}")
