"""What new users met in the admin (issue 15): derived rows read-only, no English, no leaks, docs offline."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.utils import translation

from targets import explain
from targets.models import Attainment, ComputedValue, Indicator, Plan, RecomputeRun, Target


@pytest.fixture
def demo(demo_data, db, settings):
    """The demo loaded once for this module (tests/conftest.py demo_data); each test rolls back its own writes."""
    settings.DEBUG = True


def test_the_attainment_admin_has_no_editable_status_and_explains_in_sentences(demo, client):
    attainment = Attainment.objects.exclude(actual=None).select_related("target").first()
    client.login(username="admin", password="demo")
    url = f"/admin/targets/attainment/{attainment.pk}/change/"
    html = client.get(url).content.decode()
    assert 'name="status"' not in html and 'name="actual"' not in html
    assert f"Năm {attainment.year} đạt" in html and '"numerator"' not in html
    assert client.post(url, {"status": "achieved"}).status_code == 403
    attainment.refresh_from_db()
    assert client.get("/admin/targets/attainment/add/").status_code == 403


@pytest.mark.parametrize("model", ["computedvalue", "recomputerun"])
def test_derived_rows_cannot_be_added_edited_or_deleted_by_hand(demo, client, model):
    obj = (ComputedValue if model == "computedvalue" else RecomputeRun).objects.first()
    client.login(username="admin", password="demo")
    assert client.get(f"/admin/targets/{model}/add/").status_code == 403
    assert client.post(f"/admin/targets/{model}/{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    assert 'name="numerator"' not in client.get(f"/admin/targets/{model}/{obj.pk}/change/").content.decode()


def test_celery_beat_is_not_in_the_admin(demo, client):
    client.login(username="admin", password="demo")
    html = client.get("/admin/").content.decode()
    assert "Periodic tasks" not in html and "Crontabs" not in html and "django_celery_beat" not in html
    assert client.get("/admin/django_celery_beat/periodictask/").status_code == 404


def test_admin_lists_speak_vietnamese(demo, client):
    client.login(username="admin", password="demo")
    html = client.get("/admin/households/household/").content.decode()
    assert "Show counts" not in html and "Hiện số lượng" in html
    export = client.get("/admin/households/household/export/").content.decode()
    assert "Head Name" not in export and "Chủ hộ" in export.replace("chủ hộ", "Chủ hộ")


def test_readable_titles_and_indicator_names(demo):
    with translation.override("vi"):
        plan = Plan.objects.get(province__code="14")
        assert str(plan) == "Kế hoạch 287/KH-UBND — Tỉnh Sơn La 2022"
        value = ComputedValue.objects.select_related("indicator", "unit").first()
        assert str(value.indicator) in str(value) and str(value.year) in str(value)
        assert not re.search(r"\b\d+ \d+ \d{4}", str(value))
    assert not Indicator.objects.filter(name_vi__regex=r"[a-z]+_[a-z]+").exists()


def test_a_rise_is_said_as_a_rise_and_a_year_over_says_not_achieved(demo):
    target = Target.objects.filter(shape="change", direction="decrease").first()
    with translation.override("vi"):
        assert explain.movement(target, Decimal("-0.5")) == "tăng 0,50 điểm %/năm"
        assert explain.movement(target, Decimal("0.5")) == "giảm 0,50 điểm %/năm"
        over = Attainment(target=target, year=2022, status="missed", explanation={"elapsed": "1.000"})
        running = Attainment(target=target, year=2022, status="off_track", explanation={"elapsed": "0.500"})
        assert explain.status_label(over) == "không đạt" and explain.status_label(running) == "chậm tiến độ"


def test_an_officer_sees_the_targets_of_their_province_plan_and_no_other_plan(demo, client, history_officer):
    officer = User.objects.get(username=history_officer)
    own = Plan.objects.get(province__code=officer.profile.unit.path.split("/")[0])
    other = Plan.objects.exclude(pk=own.pk).get()
    client.login(username=history_officer, password="demo")
    html = client.get("/admin/targets/target/").content.decode()
    assert str(other) not in html and str(own) in html  # the plan filter too
    assert f"{own.targets.count()} chỉ tiêu" in html
    assert client.get(f"/admin/targets/target/?plan={other.pk}").content.decode().count("field-goal") == 0


def test_recompute_progress_answers_only_those_who_may_see_the_runs(demo, client):
    run = RecomputeRun.objects.create(scope="test")
    client.login(username="officer", password="demo")
    listing = client.get("/admin/targets/recomputerun/")
    progress = client.get(f"/dashboards/runs/{run.pk}/")  # the one progress address, of the pages and the admin
    assert listing.status_code == progress.status_code == 403
    assert "Không có quyền truy cập" in listing.content.decode()
    client.login(username="manager", password="demo")
    assert client.get(f"/dashboards/runs/{run.pk}/").json()["status"] == "queued"


def test_api_docs_need_a_login_and_reference_no_other_site(demo, client):
    assert client.get("/api/v1/docs").status_code == 302
    client.login(username="manager", password="demo")
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), html
    bundle = client.get("/static/ninja/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    bundle.close()


def test_pages_link_a_favicon(db, client):
    html = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in html
    assert client.get("/favicon.ico")["Location"] == "/static/favicon.svg"
    assert finders.find("favicon.svg")
