"""Dashboard pages: the scorecard, target pages, area pages, comparison, downloads, freshness, access."""

import csv
import io
import json
import re

import plotly.graph_objects as go
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from households.models import Household
from households.services import household_save
from povertyplan import display
from targets import charts
from targets.models import Plan, RecomputeRun, Target

from ..conftest import make_user


def client_for(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def demo(demo_data, db):
    return None


@pytest.fixture
def manager(demo):
    return client_for("manager")


@pytest.fixture
def officer(demo, history_officer):
    return client_for(history_officer)  # Xã Thuận Hòa of Sóc Trăng's Châu Thành (94204), before the 2025 reform


def test_scorecard_shows_every_target_of_both_seed_plans_with_status_in_words(manager):
    for plan in Plan.objects.all():
        html = manager.get(f"/dashboards/plans/{plan.pk}/").content.decode()
        cards = re.findall(r'<article class="card target-card" data-target="(\d+)"', html)
        assert sorted(map(int, cards)) == sorted(plan.targets.values_list("pk", flat=True))
        statuses = re.findall(r'<span class="status (\w+)"><span aria-hidden="true">.</span> ([^<]+)</span>', html)
        assert len(statuses) == len(cards) and all(word.strip() for _, word in statuses)
        assert "<progress" in html and "Figures computed at" in html or "Số liệu tính lúc" in html


def test_scorecard_filters_by_scope_and_status(manager):
    plan = Plan.objects.get(province__code="94")
    html = manager.get(f"/dashboards/plans/{plan.pk}/?scope=khmer").content.decode()
    assert html.count('class="card target-card"') == plan.targets.filter(scope="khmer").count() == 1
    status = plan.targets.first().attainments.first().status
    html = manager.get(f"/dashboards/plans/{plan.pk}/?status={status}").content.decode()
    expected = plan.targets.filter(attainments__status=status).count()
    assert html.count('class="card target-card"') == expected >= 1


def test_change_target_shows_change_per_year_with_baseline_and_current_level(manager):
    target = Target.objects.get(plan__province__code="94", order=1)  # poor rate down 2–3 points a year
    attainment = target.attainments.get()
    html = manager.get(f"/dashboards/plans/{target.plan_id}/").content.decode()
    card = html.split(f'data-target="{target.pk}"', 1)[1].split("</article>", 1)[0]
    measured = f"{float(attainment.explanation['measured']):.2f}".replace(".", ",")
    assert measured in card  # the change in points a year, not the level alone
    assert "2019" in card and display.percent(attainment.actual) in card


def test_target_page_draws_trend_with_goal_breakdown_explanation_and_households(manager):
    target = Target.objects.get(plan__province__code="94", order=1)
    response = manager.get(f"/dashboards/targets/{target.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="chart-0-figure"' in html and 'id="chart-1-figure"' in html  # trend, breakdown
    assert "Mục tiêu" in html  # the goal is drawn on the trend
    assert "/households/?unit=94&amp;year=2020&amp;classification=poor" in html
    assert "Tính từ " in html and "Năm gốc 2019" in html  # the explanation as sentences
    assert 'data-drill="?unit=CODE"' in html
    assert "<script>" not in html  # no inline scripts: figures travel as JSON


@pytest.mark.parametrize("scope", ["province", "khmer", "ethnic_minority", "poor_districts"])
def test_the_households_link_of_a_target_opens_the_households_of_its_scope(manager, scope):
    from html import unescape

    from targets.models import ComputedValue

    target = Target.objects.filter(indicator__code="poor_rate", scope=scope).first()
    html = manager.get(f"/dashboards/targets/{target.pk}/").content.decode()
    link = unescape(re.search(r'<a class="households" href="([^"]+)"', html).group(1))
    listed = manager.get(link).content.decode()
    total = int(re.search(r'id="household-counts">\s*<strong>([\d.]+) hộ', listed).group(1).replace(".", ""))
    unit, year = re.search(r"unit=(\w+)&year=(\d+)", link).groups()
    figure = ComputedValue.objects.get(indicator__code="poor_rate", unit__code=unit, year=year, scope=scope)
    assert total == figure.numerator > 0


def test_drill_down_lists_the_units_one_level_down(manager):
    target = Target.objects.get(plan__province__code="94", order=1)
    html = manager.get(f"/dashboards/targets/{target.pk}/?unit=942").content.decode()
    assert "Huyện Châu Thành" in html or "942" in html
    figure = _figures(html)["chart-1-figure"]
    assert figure["data"][0]["customdata"] and all(c.startswith("942") for c in figure["data"][0]["customdata"])


def test_area_page_has_every_chart_and_each_is_a_valid_plotly_figure(manager):
    html = manager.get("/dashboards/areas/14/").content.decode()
    figures = _figures(html)
    titles = re.findall(r"<h2>([^<]+)</h2>", html)
    assert any("theo năm" in t for t in titles) and any("dân tộc" in t for t in titles)
    assert any("kiểm duyệt" in t for t in titles) and any("M0" in t for t in titles)
    assert any("Dịch chuyển" in t for t in titles) and any("cộng dồn" in t for t in titles)
    assert any(f["data"] and f["data"][0]["type"] == "sankey" for f in figures.values())
    for figure in figures.values():
        go.Figure(figure)  # raises on anything Plotly would not draw


def test_every_chart_kind_is_in_the_plotly_bundle_served(manager):
    """static/vendor/plotly.min.js holds only the trace types scripts/build-plotly names (issue 25.10): a chart of any
    other type would not draw. Every page with charts, the province's and a district's."""
    banner = (settings.BASE_DIR / "static" / "vendor" / "plotly.min.js").read_text(encoding="utf-8")[:300]
    bundled = set(re.search(r"partial bundle: ([a-z ]+);", banner).group(1).split())
    target = Target.objects.get(plan__province__code="14", order=1)
    pages = ["/dashboards/areas/14/", "/dashboards/areas/94/", f"/dashboards/targets/{target.pk}/"]
    pages += [f"/dashboards/targets/{target.pk}/?unit=142", "/dashboards/compare/?units=94&units=14"]
    drawn = {
        trace["type"] for page in pages for figure in _figures_on(manager, page) for trace in json.loads(figure)["data"]
    }
    assert {"scatter", "bar"} <= drawn <= bundled  # (and "sankey" where the area page draws transitions)


def test_rates_by_year_never_chain_a_line_across_standards(manager):
    figure = _figures(manager.get("/dashboards/areas/14/").content.decode())["chart-0-figure"]
    lines = [t for t in figure["data"] if t["type"] == "scatter"]
    assert lines and all(max(t["x"]) <= 2021 or min(t["x"]) >= 2022 for t in lines)  # Decision 59 | Decree 07
    assert any("Đổi chuẩn nghèo" in a["text"] for a in figure["layout"]["annotations"])


def test_a_target_trend_starts_at_its_baseline_under_the_plans_standard_not_the_old_one(manager):
    from targets.models import Target

    target = Target.objects.get(plan__province__code="14", scope="ethnic_minority", indicator__code="poor_rate")
    html = manager.get(f"/dashboards/targets/{target.pk}/").content.decode()
    figure = _figures(html)["chart-0-figure"]
    points = [(x, y) for t in figure["data"] if t["type"] == "scatter" for x, y in zip(t["x"], t["y"], strict=True)]
    in_2021 = {round(y, 2) for x, y in points if x == 2021}
    assert in_2021 == {float(target.baseline_value)}  # re-measured under Decree 07; Decision 59's rate is not drawn
    assert "Năm gốc được tính theo NĐ 07/2021, chuẩn nghèo của kế hoạch" in html
    attainment = manager.get(f"/api/v1/plans/{target.plan_id}/attainment/").json()
    mine = next(a for a in attainment if a["target_id"] == target.pk)
    assert mine["baseline_standard"] == "ND07-2021" and mine["baseline_year"] == 2021


def test_compare_page_puts_two_provinces_side_by_side(manager):
    html = manager.get("/dashboards/compare/?units=94&units=14").content.decode()
    figure = _figures(html)["chart-0-figure"]
    assert [t["name"].split(" (")[0] for t in figure["data"]] == ["Tỉnh Sóc Trăng", "Tỉnh Sơn La"]


def test_downloads_give_the_chart_rows_as_csv_and_xlsx(manager):
    from openpyxl import load_workbook

    response = manager.get("/dashboards/data/breakdown.csv?unit=94&indicator=poor_rate&year=2020")
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert (
        rows[0][:3] == ["Mã đơn vị", "Đơn vị", "Tỷ lệ hộ nghèo (%)"] and len(rows) == 1 + 11
    )  # Sóc Trăng's 11 districts
    response = manager.get("/dashboards/data/breakdown.xlsx?unit=94&indicator=poor_rate&year=2020")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row >= 13 and sheet.cell(2, 2).value == "Đơn vị"


@pytest.mark.parametrize(
    "url",
    [
        "/dashboards/areas/94/",
        "/dashboards/areas/14/",
        "/dashboards/areas/94101/",
        "/dashboards/data/breakdown.csv?unit=94&indicator=poor_rate",
        "/dashboards/data/rates.xlsx?unit=14",
        "/dashboards/compare/?units=94&units=14",
    ],
)
def test_an_officer_cannot_see_figures_outside_their_area(officer, url):
    assert officer.get(url).status_code == 404


def test_an_officer_sees_their_provinces_plan_and_their_communes_figures(officer):
    plan = Plan.objects.get(province__code="94")
    assert officer.get(f"/dashboards/plans/{plan.pk}/").status_code == 200
    assert officer.get(f"/dashboards/plans/{Plan.objects.get(province__code='14').pk}/").status_code == 404
    target = plan.targets.get(order=1)
    html = officer.get(f"/dashboards/targets/{target.pk}/").content.decode()
    assert "unit=94204" in html and "?unit=94&" not in html  # their commune's households, not the province's
    assert officer.get(f"/dashboards/targets/{target.pk}/?unit=94").status_code == 404
    assert officer.get("/dashboards/areas/94204/").status_code == 200


def test_figures_are_marked_stale_after_a_household_changes(manager, django_capture_on_commit_callbacks):
    plan = Plan.objects.get(province__code="94")
    assert "stale-mark" not in manager.get(f"/dashboards/plans/{plan.pk}/").content.decode()
    from households.models import Member

    household = Household.objects.filter(unit__path__startswith="94/").first()
    household.save()  # a change the recompute has not seen (its history row is dated now)
    assert "stale-mark" in manager.get(f"/dashboards/plans/{plan.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        household_save(household, list(Member.objects.filter(household=household)))  # queues a recompute
    assert "stale-mark" not in manager.get(f"/dashboards/plans/{plan.pk}/").content.decode()


def test_refresh_starts_a_recompute_and_reports_when_it_is_done(manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post("/dashboards/refresh/94/")
    assert response.status_code == 202
    run = RecomputeRun.objects.get(pk=response.json()["run"])
    status = manager.get(response.json()["url"]).json()
    assert status["status"] == run.status == "succeeded" and status["progress"] == 100


def test_refresh_is_refused_outside_the_users_area(demo):
    from areas.models import Unit

    stranger = make_user(
        "stranger", "officer", unit=Unit.objects.filter(path__startswith="14/", level="commune").first()
    )
    client = Client()
    client.force_login(stranger)
    assert client.post("/dashboards/refresh/94/").status_code == 404


def test_chart_cells_are_written_as_the_pages_write_numbers():
    assert charts.format_cell(18.6612, charts.PERCENT) == "18,66%"
    assert charts.format_cell(19.8, charts.PERCENT) == "19,8%"  # as povertyplan.display writes it everywhere
    assert charts.format_cell(13000, charts.INTEGER) == "13.000"
    assert (
        charts.export_cell(8.333333333333334, charts.PERCENT) == 8.33
        and charts.export_cell(13000.0, "integer") == 13000
    )


def _figures(html):
    import json

    return {
        m.group(1): json.loads(m.group(2))
        for m in re.finditer(r'<script id="(chart-\d+-figure)" type="application/json">(.*?)</script>', html, re.S)
    }


def _figures_on(client, url) -> list[str]:
    return re.findall(
        r'<script id="chart-\d+-figure" type="application/json">(.*?)</script>', client.get(url).content.decode(), re.S
    )


def test_pages_draw_new_figures_as_soon_as_a_recompute_or_an_edit_commits(manager):
    from django.core.cache import cache

    from targets.services import recompute

    plan = Plan.objects.get(province__code="94")
    area, scorecard = "/dashboards/areas/94/", f"/dashboards/plans/{plan.pk}/"
    before = _figures_on(manager, area)
    assert before == _figures_on(manager, area)  # the second view is the cached one, identical
    target = plan.targets.get(order=1)
    target.source_sentence = "Câu chỉ tiêu vừa sửa"
    target.save()
    assert "Câu chỉ tiêu vừa sửa" in manager.get(scorecard).content.decode()
    Household.objects.filter(unit__path__startswith="94/").update(income_per_capita=1, classification="poor")
    assert _figures_on(manager, area) == before  # nothing recomputed yet: the figures are what they were
    recompute(province_ids=[plan.province_id])
    after = _figures_on(manager, area)
    assert after != before
    cache.clear()
    assert _figures_on(manager, area) == after  # what the cache served is what a fresh build draws


def test_a_reported_target_is_marked_by_the_approval_of_reported_values(manager):
    from approvals.services import approval_transition
    from areas.models import Unit

    # the demo reports by district: the district's figure, drilled down to (a commune has none, and no note)
    target = Target.objects.filter(plan__province__code="94", indicator__kind="reported").first()
    district_unit = Unit.objects.get(code="942")
    url = f"/dashboards/targets/{target.pk}/?unit={district_unit.code}"
    year = target.attainments.order_by("-year").first().year
    assert "chưa được phê duyệt" in manager.get(url).content.decode()
    # the district ceased in the 2025 reform: its former officer writes nothing, the province's people act for it
    district, boss = User.objects.get(username="admin"), User.objects.get(username="manager")
    for kind in ("households", "reported"):
        approval_transition(user=district, unit=district_unit, year=year, kind=kind, action="submit")
        approval_transition(user=boss, unit=district_unit, year=year, kind=kind, action="approve")
        html = manager.get(url).content.decode()
        if kind == "households":  # the households' approval says nothing of reported figures
            assert "chưa được phê duyệt" in html
    assert "Mọi số liệu ở đây đều dựa trên dữ liệu đã được phê duyệt." in html


def _page_urls():
    plan = Plan.objects.get(province__code="94")
    return {
        "plan": f"/dashboards/plans/{plan.pk}/",
        "target": f"/dashboards/targets/{plan.targets.get(order=1).pk}/",
        "area": "/dashboards/areas/94/",
    }


@pytest.mark.parametrize("page", ["plan", "target", "area"])
@pytest.mark.parametrize("who", ["manager", "officer"])
def test_a_dashboard_page_with_its_figures_cached_reads_five_queries(
    demo, history_officer, django_assert_max_num_queries, page, who
):
    """Session, user with profile, the figures version, the unit (area page), freshness: the plan or target is kept
    under the version with the page's figures, approval coverage and breadcrumb; no request transaction (the
    dashboards only read)."""
    client = client_for(history_officer if who == "officer" else who)
    url = _page_urls()[page] if who == "manager" or page != "area" else "/dashboards/areas/94204/"
    assert client.get(url).status_code == 200
    with django_assert_max_num_queries(5 if page == "area" else 4):
        response = client.get(url)
    assert response.status_code == 200 and b'id="freshness"' in response.content


def _freshness_by_orm(province, when, user=None) -> dict:
    """targets.selectors.freshness in the ORM's words (its query before it was written in SQL once): the reference
    the SQL is held to."""
    from django.db.models import Exists, Subquery

    from areas.models import Unit
    from targets.models import ReportedValue
    from targets.selectors import _active_runs, _holds, _recompute_permission

    checks = {"run_id": Subquery(_active_runs().values("pk")[:1])}
    if user is not None and user.is_authenticated and _holds(user, province):
        checks["may_refresh"] = Exists(_recompute_permission(user))
    if when is not None:
        prefix = province.path
        checks["households_changed"] = Exists(
            Household.history.filter(history_date__gt=when, unit__path__startswith=prefix)
        )
        checks["reported_changed"] = Exists(
            ReportedValue.objects.filter(updated_at__gt=when, unit__path__startswith=prefix)
        )
    row = Unit.objects.filter(pk=province.pk).values(**checks).get()
    return {
        "computed_at": when,
        "stale": bool(row.get("households_changed") or row.get("reported_changed")),
        "run": {"pk": row["run_id"]} if row["run_id"] else None,
        "province": province,
        "can_refresh": bool(row.get("may_refresh")),
    }


@pytest.mark.parametrize("on_worker", [False, True])
def test_freshness_in_sql_answers_as_its_orm_definition(demo, monkeypatch, on_worker):
    """The one statement every page reads (written in SQL for its CPU) agrees with the rules it folds in —
    active runs (less those whose worker is gone, on a worker), who may recompute, changes after the figures'
    time — for every role, with and without a run, before and after a household or reported value changes."""
    from datetime import timedelta

    from django.utils import timezone

    from areas.models import Unit
    from targets import selectors
    from targets.models import ReportedValue

    monkeypatch.setattr("povertyplan.background.in_worker", lambda: on_worker)
    monkeypatch.setattr("targets.selectors.in_worker", lambda: on_worker)
    provinces = list(Unit.objects.filter(parent__isnull=True))
    superuser = User.objects.create_superuser("root_freshness", password="pw")
    inactive = make_user("gone_freshness", "manager", is_active=False)
    users = [*User.objects.filter(username__in=["admin", "manager", "district", "officer", "viewer"]), superuser]
    users += [inactive, None]

    def agree():
        for province in provinces:
            when = selectors.computed_at(province)
            for at in (when, None, timezone.now() - timedelta(days=3650)):
                for user in users:
                    assert selectors.freshness(province, at, user) == _freshness_by_orm(province, at, user), (
                        province.code,
                        at,
                        getattr(user, "username", None),
                    )

    agree()
    old = timezone.now() - timedelta(minutes=5)
    RecomputeRun.objects.create(status=RecomputeRun.Status.RUNNING, heartbeat_at=old)  # its worker gone
    agree()
    RecomputeRun.objects.create(status=RecomputeRun.Status.RUNNING, heartbeat_at=timezone.now())
    RecomputeRun.objects.create(status=RecomputeRun.Status.QUEUED)
    agree()
    Household.objects.filter(unit__path__startswith="94/").first().save()
    reported = ReportedValue.objects.filter(unit__path__startswith="14/").first()
    reported.save()
    agree()
    assert selectors.freshness(provinces[0], selectors.computed_at(provinces[0]), users[0])["stale"]


def _page(client, url) -> str:
    """A page's HTML less its CSRF token (masked afresh on every request)."""
    html = client.get(url).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_cached_sections_follow_every_edit_of_what_they_show(manager):
    """All of a page but its freshness line is kept as HTML under the figures version: a target's sentence, an
    indicator's name, a standard's name and a recompute's figures show on the next view."""
    from django.core.cache import cache

    from households.models import PovertyStandard
    from targets.services import recompute

    plan = Plan.objects.select_related("standard").get(province__code="94")
    target = plan.targets.select_related("indicator").get(order=1)
    urls = [f"/dashboards/plans/{plan.pk}/", f"/dashboards/targets/{target.pk}/", "/dashboards/areas/94/"]
    before = {url: _page(manager, url) for url in urls}
    assert before == {url: _page(manager, url) for url in urls}  # served from the cache, identical
    target.source_sentence = "Câu chỉ tiêu vừa sửa"
    target.save()
    assert all("Câu chỉ tiêu vừa sửa" in _page(manager, url) for url in urls[:2])
    target.indicator.name_vi = "Tên chỉ tiêu vừa sửa"
    target.indicator.save()
    assert all("Tên chỉ tiêu vừa sửa" in _page(manager, url) for url in urls[:2])
    # a built-in standard is named by the catalogue (households.names), not its stored name: an edit of the
    # standard (its lines, its rules) raises the figures version all the same
    from targets.models import FiguresVersion

    standard = PovertyStandard.objects.get(pk=plan.standard_id)
    version = FiguresVersion.current()
    standard.legal_basis += " (đã sửa)"
    standard.save()
    assert FiguresVersion.current() > version
    charts_before = _figures_on(manager, urls[1])
    Household.objects.filter(unit__path__startswith="94/").update(income_per_capita=1, classification="poor")
    recompute(province_ids=[plan.province_id])
    after = {url: _page(manager, url) for url in urls}
    assert _figures_on(manager, urls[1]) != charts_before
    cache.clear()
    assert after == {url: _page(manager, url) for url in urls}  # what the cache served is what a fresh build draws


def test_users_of_two_areas_never_see_each_others_cached_pages(demo, history_officer):
    """The cached sections are kept by area: two officers of two communes, a district officer and the manager,
    each viewing the same addresses after the others, get their own unit's page — the page a fresh build draws for
    them — never another's."""
    from django.core.cache import cache

    from areas.models import Unit

    plan = Plan.objects.get(province__code="94")
    target = plan.targets.get(order=1)
    mine = Unit.objects.by_code("94204", 2020)  # the history officer's commune (ceased in the 2025 reform)
    other = Unit.objects.filter(path__startswith="94/", level="commune").exclude(pk=mine.pk).first()
    make_user("officer_other_commune", "officer", unit=other)
    users = {history_officer: mine, "officer_other_commune": other, "district": mine.parent, "manager": plan.province}
    urls = [f"/dashboards/plans/{plan.pk}/", f"/dashboards/targets/{target.pk}/"]
    served = {}
    for _round in range(2):  # the second round is served from what the first cached
        for username in users:
            client = client_for(username)
            served[username] = {url: _page(client, url) for url in urls}
    for username, unit in users.items():
        for url, html in served[username].items():
            heading = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
            assert unit.name in heading, (username, url)
            others = [u for name, u in users.items() if name != username and u.name not in unit.name]
            assert not any(f"{u.name} " in heading or f"{u.name}<" in heading for u in others), (username, url)
    cache.clear()
    for username in users:
        client = client_for(username)
        assert served[username] == {url: _page(client, url) for url in urls}, username
