"""Dashboards say when their figures rest on household records not approved yet."""

from django.test import Client

from approvals.services import approval_transition
from households.models import Household
from households.services import household_save
from tests.conftest import make_user

YEAR = 2022


def test_the_area_dashboard_marks_figures_of_unapproved_communes(tree, django_capture_on_commit_callbacks):
    for unit in (tree["C1"], tree["C2"]):
        with django_capture_on_commit_callbacks(execute=True):  # the figures are computed
            household_save(
                Household(
                    unit=unit,
                    survey_year=YEAR,
                    code=f"H{unit.code}",
                    income_per_capita=1_000_000,
                    member_count=2,
                    reported_deprivations=[],
                )
            )
    manager = make_user("manager_p", "manager", tree["P"])
    client = Client()
    client.force_login(manager)
    html = client.get(f"/dashboards/areas/P/?year={YEAR}").content.decode()
    assert "2 trên 2 địa bàn chưa được phê duyệt" in html and "Commune 1" in html
    assert f"/approvals/?unit=P&amp;year={YEAR}&amp;state=pending" in html

    for unit, district in ((tree["C1"], tree["D1"]), (tree["C2"], tree["D2"])):
        approval_transition(
            user=make_user(f"o{unit.code}", "officer", unit), unit=unit, year=YEAR, kind="households", action="submit"
        )
        approval_transition(
            user=make_user(f"o{district.code}", "district_officer", district),
            unit=unit,
            year=YEAR,
            kind="households",
            action="approve",
        )
    html = client.get(f"/dashboards/areas/P/?year={YEAR}").content.decode()
    assert "Mọi số liệu ở đây đều dựa trên dữ liệu đã được phê duyệt." in html
    assert "chưa được phê duyệt:" not in html
