"""Every chart download (.csv, .xlsx) behind every dashboard page of the demo answers 200 with a file.

The pages are reached as a user reaches them: the scorecards linked from the home page, the target pages and
the area page linked from a scorecard, the survey years of an area page, and the units a click on a chart's bar
opens (its drill links). Area pages are taken at every level and with every kind of chart, not one by one: every
province and district, the first commune of each district, and a village without survey figures; earlier survey
years for the user's own area only."""

import html
import io
import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook

from areas.models import Unit

DOWNLOAD = re.compile(r'href="(/dashboards/data/[^"]+\.(csv|xlsx)\?[^"]*)"')
LINK = re.compile(r'href="(/dashboards/(?:plans|targets)/\d+/)"')
FIGURE = re.compile(r'<script id="(chart-\d+-figure)" type="application/json">(.*?)</script>', re.S)
DRILLABLE = re.compile(r'data-figure="(chart-\d+-figure)" data-drill="([^"]+)"')
YEAR = re.compile(r'<option value="(\d{4})"')


@pytest.fixture
def demo(demo_data, db):
    return None


def client_for(username):
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    return client


def _drills(page: str) -> list[str]:
    """The pages a click on a bar opens: the chart's drill address with the bar's unit code."""
    figures = {name: json.loads(text) for name, text in FIGURE.findall(page)}
    urls = []
    for name, drill in DRILLABLE.findall(page):
        for trace in figures[name]["data"]:
            urls += [html.unescape(drill).replace("CODE", code) for code in trace.get("customdata") or []]
    return urls


def _area_pages(urls: list[str]) -> list[str]:
    """Every province and district; of the communes, the first of each district (the levels and chart kinds all
    appear; every commune would triple the run)."""
    codes = {re.match(r"/dashboards/areas/(\w+)/", url).group(1): url for url in urls}
    levels = dict(Unit.objects.filter(code__in=codes).values_list("code", "level"))
    parents = dict(Unit.objects.filter(code__in=codes).values_list("code", "parent__code"))
    first_commune = {}
    for code in sorted(codes):
        if levels[code] == "commune":
            first_commune.setdefault(parents[code], code)
    return [url for code, url in codes.items() if levels[code] != "commune" or first_commune[parents[code]] == code]


def crawl(client, extra=()) -> dict[str, list[str]]:
    """The dashboard pages the user reaches from the home page, each with the download links it shows."""
    home = client.get("/")
    assert home.status_code == 200
    queue = sorted(set(LINK.findall(home.content.decode()))) + ["/dashboards/compare/", *extra]
    seen: dict[str, list[str]] = {}
    areas_done = set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        seen[url] = [html.unescape(link) for link, _ in DOWNLOAD.findall(page)]
        found = []
        if url.startswith("/dashboards/plans/"):
            found += LINK.findall(page) + re.findall(r'href="(/dashboards/areas/\w+/)"', page)
        elif url.startswith("/dashboards/targets/") and "?" not in url:
            found += _drills(page)[:1]  # the target at its first unit one level down
        elif url.startswith("/dashboards/areas/"):
            base = url.split("?")[0]
            if base not in areas_done:
                areas_done.add(base)
                if "?" not in url:  # the user's own area, linked from the scorecard: each of its survey years
                    found += [f"{base}?year={year}" for year in YEAR.findall(page)]
                drilled = [u for u in _drills(page) if u.split("?")[0] not in areas_done]
                found += _area_pages(drilled)
        elif url == "/dashboards/compare/":
            choices = re.findall(r'name="units" value="(\w+)"', page)
            if len(choices) >= 2:
                found.append("/dashboards/compare/?" + "&".join(f"units={c}" for c in choices[:2]))
        queue += [html.unescape(u) for u in found]
    return seen


def _assert_every_download_answers(client, pages):
    downloads = {link for links in pages.values() for link in links}
    failures = []
    for link in sorted(downloads):
        response = client.get(link)
        if response.status_code != 200 or not response.content:
            failures.append((link, response.status_code))
        elif link.split("?")[0].endswith(".xlsx"):
            sheet = load_workbook(io.BytesIO(response.content)).active
            assert sheet.max_row >= 2, link  # the title and the column headings at least
    assert not failures, failures
    return downloads


def _kinds(links) -> set[str]:
    return {re.match(r"/dashboards/data/(\w+)\.", link).group(1) for link in links}


def test_every_chart_download_answers_with_a_file_for_a_manager(demo):
    client = client_for("manager")
    pages = crawl(client)
    levels = set(
        Unit.objects.filter(
            code__in=[re.match(r"/dashboards/areas/(\w+)/", u).group(1) for u in pages if "/areas/" in u]
        ).values_list("level", flat=True)
    )
    assert {"province", "district", "commune"} <= levels
    assert sum("/targets/" in url and "?" not in url for url in pages) == 30  # both plans: 17 + 13 targets
    assert any(url.startswith("/dashboards/compare/?") for url in pages)
    downloads = _assert_every_download_answers(client, pages)
    assert _kinds(downloads) >= {
        "rates",
        "breakdown",
        "ethnic",
        "censored",
        "dimensions",
        "transitions",
        "reported",
        "trend",
        "compare",
    }


def test_every_chart_download_answers_with_a_file_for_an_officer(demo, history_officer):
    client = client_for(history_officer)  # of Sóc Trăng's 94204, whose plan has figures
    pages = crawl(client, extra=[f"/dashboards/areas/{v.code}/" for v in Unit.objects.filter(parent__code="94204")])
    assert "/dashboards/areas/94204/" in pages and any("/targets/" in url for url in pages)
    downloads = _assert_every_download_answers(client, pages)
    assert {"transitions", "trend", "breakdown"} <= _kinds(downloads)


def test_an_area_without_survey_figures_has_its_page_and_downloads(demo):
    commune = User.objects.get(username="officer").profile.unit  # today's commune in Cần Thơ
    village = Unit.objects.create(
        code=f"{commune.code}99", name="Ấp Mới", level="village", parent=commune, area_type="rural"
    )
    client = client_for("officer")
    response = client.get(f"/dashboards/areas/{village.code}/")
    assert response.status_code == 200
    links = [html.unescape(link) for link, _ in DOWNLOAD.findall(response.content.decode())]
    assert links and not any("None" in link for link in links)
    _assert_every_download_answers(client, {"village": links})
