import pytest
from django.contrib.auth.models import User

from households.models import Household
from targets.models import Target


def test_home_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_home_shows_both_plans_after_login(demo, client):
    client.login(username="manager", password="demo")
    html = client.get("/").content.decode()
    assert "Tỉnh Sóc Trăng — 2020" in html
    assert "Tỉnh Sơn La — 2022" in html
    assert "287/KH-UBND" in html
    assert "≤ 18,66%" in html
    assert "2–3 điểm %/năm" in html
    assert "≥ 13.000" in html


def test_admin_refuses_a_target_whose_min_exceeds_its_max(demo, client):
    client.login(username="admin", password="demo")
    target = Target.objects.get(plan__province__code="94", order=1)
    data = {
        f: getattr(target, f)
        for f in ("scope", "shape", "direction", "operator", "value_unit", "source_sentence", "order")
    }
    data.update(
        plan=target.plan_id,
        indicator=target.indicator_id,
        value="5",
        value_max="4",
        note="",
        baseline_value="",
        baseline_year="",
        share_indicator="",
        share_operator="",
        share_value="",
    )
    response = client.post(f"/admin/targets/target/{target.pk}/change/", data)
    assert response.status_code == 200
    assert "Giá trị tối đa (4) nhỏ hơn giá trị tối thiểu (5)." in response.content.decode()
    target.refresh_from_db()
    assert (target.value, target.value_max) == (2, 3)


def test_admin_refuses_a_percentage_over_100(demo, client):
    client.login(username="admin", password="demo")
    target = Target.objects.get(plan__province__code="14", order=1)
    data = {f: getattr(target, f) for f in ("scope", "shape", "operator", "value_unit", "source_sentence", "order")}
    data.update(
        plan=target.plan_id,
        indicator=target.indicator_id,
        value="118,66",
        value_max="",
        direction="",
        note="",
        baseline_value="",
        baseline_year="",
        share_indicator="",
        share_operator="",
        share_value="",
    )
    response = client.post(f"/admin/targets/target/{target.pk}/change/", data)
    assert "Tỷ lệ phần trăm phải nằm trong khoảng 0–100" in response.content.decode()
    target.refresh_from_db()
    assert str(target.value) == "18.66"


@pytest.mark.parametrize("model", ["household", "unit", "reportedvalue"])
def test_officer_admin_lists_only_their_area(demo, client, model):
    client.login(username="officer", password="demo")
    response = client.get(
        f"/admin/{'areas' if model == 'unit' else 'households' if model == 'household' else 'targets'}/{model}/"
    )
    assert response.status_code == 200


def test_officer_cannot_open_a_household_outside_their_area(demo, client):
    officer = User.objects.get(username="officer")
    outside = Household.objects.exclude(unit__path__startswith=officer.profile.unit.path).first()
    inside = Household.objects.filter(unit__path__startswith=officer.profile.unit.path).first()
    client.login(username="officer", password="demo")
    assert client.get(f"/admin/households/household/{inside.pk}/change/").status_code == 200
    assert client.get(f"/admin/households/household/{outside.pk}/change/").status_code == 302  # "does not exist"
    html = client.get("/admin/households/household/").content.decode()
    assert inside.code in html and outside.code not in html


@pytest.mark.django_db(transaction=True)
def test_admin_starts_a_full_recompute_in_the_background_and_shows_its_progress(demo, client):
    import time

    from targets.models import RecomputeRun

    client.login(username="admin", password="demo")
    response = client.post("/admin/targets/recomputerun/start/")  # no worker: a thread, the page answers at once
    run = RecomputeRun.objects.latest("created_at")
    assert response.status_code == 302 and response["Location"].endswith(f"/{run.pk}/change/")
    assert 'id="run-progress"' in client.get(response["Location"]).content.decode()
    deadline = time.monotonic() + 120
    while (progress := client.get(f"/dashboards/runs/{run.pk}/").json())["status"] in (
        "queued",
        "running",
    ) and time.monotonic() < deadline:
        time.sleep(0.5)
    run.refresh_from_db()
    assert (progress["status"], progress["progress"]) == ("succeeded", 100) and progress["rows"] > 0, run.error


def test_officer_cannot_start_a_recompute(demo, client):
    client.login(username="officer", password="demo")
    assert client.post("/admin/targets/recomputerun/start/").status_code == 403


@pytest.mark.parametrize("debug", [True, False])
def test_not_found_and_not_yours_is_the_products_vietnamese_page_in_every_mode(tree, client, settings, debug):
    from tests.conftest import make_user

    settings.DEBUG = debug
    other = Household.objects.create(
        code="X1", unit=tree["C2"], survey_year=2022, income_per_capita=1, member_count=1, reported_deprivations=[]
    )
    client.force_login(make_user("o", "officer", tree["C1"]))
    for url in ("/no/such/page/", f"/households/{other.pk}/", "/dashboards/areas/D2/"):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 404
        assert "Không tìm thấy trang" in html and "URLconf" not in html and 'name="viewport"' in html
