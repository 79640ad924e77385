"""One rule on every route that shows a figure: a commune or district officer sees the figures of their own unit
(attainment computed on read from its stored figures), never the province's; a unit above their area is 404.
The approval note and the households link describe the figure shown; officers are offered only what they can
use; only a manager or an administrator holding the province starts a recompute (one service, one progress
address)."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from approvals.services import approval_transition
from areas.models import Unit
from povertyplan import display
from targets.engine import Goal, Observation, assess, indicator_value
from targets.figures import attainments_for
from targets.models import Attainment, ComputedValue, Plan, RecomputeRun

from ..conftest import HISTORY_OFFICER, make_user

# a commune officer of the 2020 plan's Sóc Trăng (tests/conftest.history_officer) and the demo's district officer, both
# of units that ceased in the 2025 reform and read their history
OFFICERS = {HISTORY_OFFICER: "94204", "district": "942"}


@pytest.fixture
def demo(demo_data, db, history_officer):
    return None


def client_for(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def poor_rate(code: str, year: int):
    return ComputedValue.objects.get(unit__code=code, year=year, scope="province", indicator__code="poor_rate")


def pair_text(code: str, year: int) -> str:
    """How the explanation writes the unit's poor rate: "Tính từ 17 trên 200"."""
    cv = poor_rate(code, year)
    return f"Tính từ {display.number(cv.numerator)} trên {display.number(cv.denominator)}"


def card_actual(html: str, target) -> str:
    card = re.search(rf'data-target="{target.pk}">.*?</article>', html, re.S).group(0)
    return re.sub(r"\s+", " ", re.search(r'<dd class="actual">(.*?)</dd>', card, re.S).group(1))


@pytest.mark.parametrize("username", OFFICERS)
def test_every_route_with_a_figure_shows_an_officer_their_own_units_figures_never_the_provinces(demo, username):
    code = OFFICERS[username]
    client = client_for(username)
    plan = Plan.objects.get(province__code="94")
    target = plan.targets.get(indicator__code="poor_rate", scope="province")
    year = plan.year_end
    mine, province = pair_text(code, year), pair_text("94", year)
    routes = {  # every page that shows a figure, as the officer opens it; what of their unit it must show
        "home": ("/", mine),
        "scorecard": (f"/dashboards/plans/{plan.pk}/", None),
        "target page": (f"/dashboards/targets/{target.pk}/", mine),
        "area page": (f"/dashboards/areas/{code}/", Unit.objects.get(code=code).name),
        "year-end report": (f"/reports/review/?unit={code}", Unit.objects.get(code=code).name),
    }
    for name, (url, expected) in routes.items():
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, name
        assert province not in html, f"{name} shows the province's figure"
        assert expected is None or expected in html, f"{name} does not show the unit's figure"
    # the scorecard's card: the unit's rate, not the province's
    cv = poor_rate(code, year)
    scorecard = client.get(f"/dashboards/plans/{plan.pk}/").content.decode()
    rate = indicator_value(cv.numerator, cv.denominator, "percent")
    assert display.percent(round(rate, 2)) in card_actual(scorecard, target)
    province_cv = poor_rate("94", year)
    province_rate = indicator_value(province_cv.numerator, province_cv.denominator, "percent")
    assert display.percent(round(province_rate, 2)) not in card_actual(scorecard, target)

    # the API: attainment of the officer's unit, computed with the same engine
    rows = client.get(f"/api/v1/plans/{plan.pk}/attainment/").json()
    assert {r["unit_code"] for r in rows} == {code} and len(rows) == plan.targets.count()
    row = next(r for r in rows if r["target_id"] == target.pk)
    assert Decimal(row["actual"]) == round(indicator_value(cv.numerator, cv.denominator, "percent"), 4)
    assert row["explanation"]["denominator"] == str(cv.denominator)
    values = client.get("/api/v1/indicators/values/?limit=1000").json()["items"]
    paths = dict(Unit.objects.values_list("code", "path"))
    assert values and all(paths[v["unit_code"]].startswith(paths[code]) for v in values)

    # the downloads: the trend of the officer's unit
    trend = client.get(f"/dashboards/data/trend.csv?target={target.pk}").content.decode("utf-8-sig")
    years = {r[0]: r for r in csv.reader(io.StringIO(trend))}
    assert str(year) in years and years[str(year)][4] == str(int(cv.denominator))
    book = load_workbook(io.BytesIO(client.get(f"/dashboards/data/rates.xlsx?unit={code}").content))
    assert book.active["A1"].value.endswith(Unit.objects.get(code=code).name)  # the title names the unit
    assert int(province_cv.denominator) not in [c.value for row in book.active.iter_rows() for c in row]

    # compare: the officer's own unit and the level below it, nothing above
    compare = client.get("/dashboards/compare/").content.decode()
    assert f'value="{code}"' in compare and 'value="94"' not in compare
    if username == HISTORY_OFFICER:
        assert 'value="942"' not in compare


@pytest.mark.parametrize("username", OFFICERS)
def test_units_above_the_officers_area_answer_404_on_every_route(demo, username):
    client = client_for(username)
    plan = Plan.objects.get(province__code="94")
    target = plan.targets.get(indicator__code="poor_rate", scope="province")
    above = ["94"] + (["942"] if username == HISTORY_OFFICER else [])
    for code in above:
        for url in (
            f"/dashboards/areas/{code}/",
            f"/dashboards/targets/{target.pk}/?unit={code}",
            f"/reports/review/?unit={code}",
            f"/reports/review.xlsx?unit={code}",
            f"/api/v1/plans/{plan.pk}/attainment/?unit={code}",
            f"/api/v1/indicators/values/?unit={code}",
            f"/dashboards/data/rates.csv?unit={code}",
            f"/dashboards/data/trend.xlsx?target={target.pk}&unit={code}",
            f"/dashboards/data/breakdown.csv?unit={code}",
            f"/dashboards/data/compare.csv?units={code},{OFFICERS[username]}",
        ):
            assert client.get(url).status_code == 404, url


def test_attainment_computed_on_read_for_the_province_is_the_stored_one(demo):
    """The officer's figure comes from the same engine as the stored province figure: read for the province, it
    gives exactly what the run stored (same date: the demo's plans are over)."""
    for plan in Plan.objects.all():
        stored = {a.target_id: a for a in Attainment.objects.filter(target__plan=plan)}
        for a in attainments_for(plan, date(2030, 1, 1), None):
            assert (a.status, a.actual, a.progress) == (
                stored[a.target_id].status,
                stored[a.target_id].actual,
                stored[a.target_id].progress,
            )


def test_a_provinces_count_goal_is_no_goal_of_a_district_which_sees_its_contribution(demo):
    client = client_for("district")
    plan = Plan.objects.get(province__code="94")
    target = plan.targets.get(indicator__code="workers_trained")
    row = next(r for r in client.get(f"/api/v1/plans/{plan.pk}/attainment/").json() if r["target_id"] == target.pk)
    assert row["status"] == "no_goal" and row["progress"] is None and Decimal(row["actual"]) > 0
    html = client.get(f"/dashboards/targets/{target.pk}/").content.decode()
    share = display.percent(Decimal(row["actual"]) / target.value * 100)
    assert "chỉ tiêu không giao cho cấp này" in html
    assert f"Huyện Châu Thành đóng góp {display.number(Decimal(row['actual']))} ({share} chỉ tiêu của tỉnh)" in html
    assert "Số liệu của <strong>Huyện Châu Thành</strong>" in html
    scorecard = client.get(f"/dashboards/plans/{plan.pk}/").content.decode()
    assert "Huyện Châu Thành (Tỉnh Sóc Trăng)" in scorecard


def test_a_part_of_a_count_goal_has_no_status_of_its_own():
    result = assess(Goal("count", "gte", Decimal(13000)), Observation(Decimal(1300), Decimal(1), part_of_total=True))
    assert result.status == "no_goal" and result.progress is None and "(10%)" in result.rule
    assert assess(Goal("count", "gte", Decimal(13000)), Observation(None, Decimal(1), part_of_total=True)).status == (
        "no_data"
    )


def test_a_drill_down_shows_the_drilled_units_figure_note_and_households(demo):
    client = client_for("manager")
    plan = Plan.objects.get(province__code="94")
    target = plan.targets.get(indicator__code="poor_rate", scope="province")
    year = plan.year_end
    html = client.get(f"/dashboards/targets/{target.pk}/?unit=942").content.decode()
    assert "— Huyện Châu Thành" in html  # the heading says whose figure it is
    assert pair_text("942", year) in html and pair_text("94", year) not in html  # the explanation
    assert f"/households/?unit=942&amp;year={year}" in html
    assert "Mọi số liệu ở đây đều dựa trên dữ liệu đã được phê duyệt" not in html  # 942 is not approved
    assert "chưa được phê duyệt" in html


def test_the_approval_note_speaks_only_of_the_unit_whose_figure_is_shown(demo):
    plan = Plan.objects.get(province__code="94")
    target = plan.targets.get(indicator__code="poor_rate", scope="province")
    year = plan.year_end
    commune = User.objects.get(username=HISTORY_OFFICER).profile.unit
    # the commune and its district ceased in 2025: their former officers write nothing, the province's people decide
    admin, manager = User.objects.get(username="admin"), User.objects.get(username="manager")
    approval_transition(user=admin, unit=commune, year=year, kind="households", action="submit")
    approval_transition(user=manager, unit=commune, year=year, kind="households", action="approve")
    note = "Mọi số liệu ở đây đều dựa trên dữ liệu đã được phê duyệt"
    html = client_for(HISTORY_OFFICER).get(f"/dashboards/targets/{target.pk}/").content.decode()
    assert note in html and f"số liệu của {commune.name}, {year}" in html
    assert note not in client_for("manager").get(f"/dashboards/targets/{target.pk}/").content.decode()
    # no figure, no note: the commune reports nothing of the workers trained
    reported = plan.targets.get(indicator__code="workers_trained")
    html = client_for(HISTORY_OFFICER).get(f"/dashboards/targets/{reported.pk}/").content.decode()
    assert "approval-coverage" not in html


def test_the_scope_filter_lists_only_the_scopes_of_the_plans_targets(demo):
    client = client_for("manager")
    son_la = client.get(f"/dashboards/plans/{Plan.objects.get(province__code='14').pk}/").content.decode()
    soc_trang = client.get(f"/dashboards/plans/{Plan.objects.get(province__code='94').pk}/").content.decode()
    assert 'value="khmer"' not in son_la and 'value="difficult_communes"' not in son_la
    assert 'value="poor_districts"' in son_la
    assert 'value="khmer"' in soc_trang and 'value="difficult_communes"' in soc_trang
    assert 'value="no_goal"' not in soc_trang  # a province's scorecard never shows it
    district = client_for("district").get(f"/dashboards/plans/{Plan.objects.get(province__code='94').pk}/")
    assert 'value="no_goal"' in district.content.decode()  # the district's own scorecard (Sóc Trăng's plan)


def test_compare_offers_each_user_their_own_levels(demo):
    def offered(username):
        html = client_for(username).get("/dashboards/compare/").content.decode()
        return {u.code for u in Unit.objects.all() if f'value="{u.code}"' in html}

    district = Unit.objects.get(code="942")
    assert offered("district") == {"942", *Unit.objects.filter(parent=district).values_list("code", flat=True)}
    commune = Unit.objects.get(code="94204")
    assert offered(HISTORY_OFFICER) == {"94204", *Unit.objects.filter(parent=commune).values_list("code", flat=True)}
    assert offered("manager") == set(
        Unit.objects.filter(level__in=["province", "district"]).values_list("code", flat=True)
    )
    villages = sorted(Unit.objects.filter(parent=commune).values_list("code", flat=True))[:2]
    response = client_for(HISTORY_OFFICER).get(f"/dashboards/compare/?units={villages[0]}&units={villages[1]}")
    assert response.status_code == 200 and 'class="card chart-card"' in response.content.decode()


@pytest.mark.parametrize("username", ["viewer", HISTORY_OFFICER, "district"])
def test_a_user_who_may_not_recompute_is_refused_in_vietnamese_and_no_run_is_made(demo, username):
    client = client_for(username)
    before = RecomputeRun.objects.count()
    response = client.post("/dashboards/refresh/94/")
    assert response.status_code == 403
    assert "lãnh đạo tỉnh hoặc quản trị viên" in response.json()["detail"]
    assert RecomputeRun.objects.count() == before
    page = client.get(_soc_trang_scorecard())
    html = page.content.decode()
    assert page.status_code == 200 and 'id="refresh"' not in html and "Tính lại số liệu" not in html


def test_a_staff_officer_cannot_start_a_recompute_from_the_admin_either(demo):
    client = client_for("officer")  # is_staff in the demo
    assert User.objects.get(username="officer").is_staff
    response = client.post("/admin/targets/recomputerun/start/")
    assert response.status_code == 403 and "lãnh đạo tỉnh hoặc quản trị viên" in response.content.decode()
    assert not RecomputeRun.objects.filter(status__in=["queued", "running"]).exists()
    from django.contrib.auth.models import Permission

    watcher = make_user("watcher", "viewer", Unit.objects.get(code="94"), is_staff=True)
    watcher.user_permissions.add(Permission.objects.get(codename="view_recomputerun"))
    client.force_login(watcher)  # may read the runs, not start one
    runs = client.get("/admin/targets/recomputerun/")
    assert runs.status_code == 200 and 'id="start-recompute"' not in runs.content.decode()
    assert 'id="start-recompute"' in client_for("admin").get("/admin/targets/recomputerun/").content.decode()


def _soc_trang_scorecard() -> str:
    """By the plan's province, not its id: ids depend on what other tests of the process created before."""
    return f"/dashboards/plans/{Plan.objects.get(province__code='94').pk}/"


def test_a_manager_starts_a_recompute_from_the_page_and_the_admin_through_one_service(
    demo, django_capture_on_commit_callbacks
):
    manager = client_for("manager")
    assert 'id="refresh"' in manager.get(_soc_trang_scorecard()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post("/dashboards/refresh/94/")
    assert response.status_code == 202
    run = RecomputeRun.objects.get(pk=response.json()["run"])
    assert run.scope.startswith("Tỉnh Sóc Trăng") and run.status == "succeeded"
    progress = manager.get(response.json()["url"]).json()
    assert progress["status"] == "succeeded" and progress["progress"] == 100 and progress["rows"] == run.rows > 0

    admin = client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/admin/targets/recomputerun/start/")
    run = RecomputeRun.objects.latest("created_at")
    assert response.status_code == 302 and run.status == "succeeded" and run.progress == 100
    page = admin.get(f"/admin/targets/recomputerun/{run.pk}/change/").content.decode()
    assert f"/dashboards/runs/{run.pk}/" in page  # the admin polls the same progress address


def test_the_roles_that_may_recompute(demo):
    may = {u.username: u.has_perm("targets.change_recomputerun") for u in User.objects.all()}
    assert may == {
        "admin": True,
        "manager": True,
        "district": False,
        "officer": False,
        HISTORY_OFFICER: False,
        "viewer": False,
    }
    other = make_user("son_la_manager", "manager", Unit.objects.get(code="14"))
    client = Client()
    client.force_login(other)
    assert client.post("/dashboards/refresh/94/").status_code == 404  # not their province: not even seen
    with translation.override("vi"):
        assert str(Attainment.Status.NO_GOAL.label) == "chỉ tiêu không giao cho cấp này"
