"""One status everywhere: the engine decides it, and the pages, the API, the .xlsx export and the scorecard's
filter show that one value (the demo's plans, 2020 and 2022, are both over: their statuses are final)."""

import io
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from targets.engine import attainment as engine
from targets.models import Attainment, Plan


@pytest.fixture
def demo(demo_data, db):
    return None


def client_for(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


BADGE = re.compile(r'<span class="status (\w+)"><span aria-hidden="true">[^<]*</span> ([^<]+)</span>')


def test_the_engine_and_the_model_know_the_same_statuses():
    engine_statuses = {
        engine.ACHIEVED,
        engine.ON_TRACK,
        engine.AT_RISK,
        engine.OFF_TRACK,
        engine.MISSED,
        engine.NO_DATA,
        engine.NO_GOAL,
    }
    assert engine_statuses == set(Attainment.Status.values)


def test_not_achieved_is_said_in_both_languages():
    with translation.override("vi"):
        assert str(Attainment.Status.MISSED.label) == "không đạt"
        assert str(Attainment.Status.OFF_TRACK.label) == "chậm tiến độ"
    with translation.override("en"):
        assert str(Attainment.Status.MISSED.label) == "not achieved"


def _export(plan) -> dict[int, str]:
    """The status column of the plan's attainment export, by target, as the admin's action gives it."""
    admin = client_for("admin")
    response = admin.post(
        "/admin/targets/plan/", {"action": "export_attainment", "_selected_action": [plan.pk], "index": 0}
    )
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)[2:]
    return {row[0]: row[7] for row in rows}


@pytest.mark.parametrize("province", ["94", "14"])
def test_every_target_has_the_same_status_on_its_page_in_the_api_the_export_and_the_scorecard(demo, province):
    plan = Plan.objects.get(province__code=province)
    manager = client_for("manager")
    api = {row["target_id"]: row["status"] for row in manager.get(f"/api/v1/plans/{plan.pk}/attainment/").json()}
    exported = _export(plan)
    scorecard = manager.get(f"/dashboards/plans/{plan.pk}/").content.decode()
    for target in plan.targets.all():
        stored = target.attainments.get()
        label = stored.get_status_display()
        page = BADGE.findall(manager.get(f"/dashboards/targets/{target.pk}/").content.decode())
        card = BADGE.findall(scorecard.split(f'data-target="{target.pk}"', 1)[1].split("</article>", 1)[0])
        assert page[0] == card[0] == (stored.status, label), target
        assert api[target.pk] == stored.status and exported[target.pk] == label, target
    assert set(api.values()) <= {"achieved", "missed", "no_data"}  # the plan's year is over


def test_a_missed_target_reads_not_achieved_everywhere_and_is_found_by_the_missed_filter(demo):
    missed = Attainment.objects.filter(status="missed").select_related("target__plan").first()
    target, plan = missed.target, missed.target.plan
    manager = client_for("manager")
    assert ("missed", "không đạt") in BADGE.findall(manager.get(f"/dashboards/targets/{target.pk}/").content.decode())
    api = manager.get(f"/api/v1/plans/{plan.pk}/attainment/").json()
    assert next(row["status"] for row in api if row["target_id"] == target.pk) == "missed"
    assert _export(plan)[target.pk] == "không đạt"

    html = manager.get(f"/dashboards/plans/{plan.pk}/?status=missed").content.decode()
    assert '<option value="missed" selected>không đạt</option>' in html
    cards = set(map(int, re.findall(r'data-target="(\d+)"', html)))
    assert target.pk in cards and cards == set(
        plan.targets.filter(attainments__status="missed").values_list("pk", flat=True)
    )
    html = manager.get(f"/dashboards/plans/{plan.pk}/?status=off_track").content.decode()
    assert not re.findall(r'data-target="(\d+)"', html)  # nothing is "off track" once the year is over

    home = manager.get("/").content.decode()
    assert '<span class="status missed">không đạt</span>' in home
