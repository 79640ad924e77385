"""What another standard changes (reports/standards/): a hand-counted province of the 2026 review under Decree 07
(its year's standard) and Decree 351 (rural line 2.200.000, urban 2.800.000, no medium band; waste not asked by a
roster of Decree 07's indicators, so it is "not surveyed" under Decree 351).

P → D1 → C1 (rural: a–f), P → D2 → C2 (urban: g–j). Decree 07: rural 1.500.000 (middle ≤ 2.250.000), urban 2.000.000
(middle ≤ 3.000.000).

    code income     deprivations            Decree 07     Decree 351
    a    1.000.000  water latrine telecom   poor          poor
    b    1.200.000  water                   near-poor     near-poor (1 + waste unknown < 3)
    c    1.400.000  water latrine           near-poor     incomplete (2 + waste unknown ≥ 3)
    d    2.000.000  water latrine telecom   middle        poor
    e    2.100.000  —                       middle        near-poor
    f    3.000.000  —                       not poor      not poor
    g    1.800.000  water latrine telecom   poor          poor
    h    2.500.000  water                   middle        near-poor
    i    2.900.000  —                       middle        not poor (no medium band)
    j    3.500.000  —                       not poor      not poor
"""

import io
from urllib.parse import parse_qs, urlparse

import pytest
from openpyxl import load_workbook

from households.models import Household, HouseholdClassification, PovertyStandard
from households.services import household_save
from reports import comparison as c
from reports.models import Rescoring
from tests.reports.conftest import small_province
from tests.reports.test_outputs import basic

PAGE, XLSX, API, RESCORE = (
    "/reports/standards/",
    "/reports/standards.xlsx",
    "/api/v1/reports/standards/",
    ("/reports/standards/rescore/"),
)
WATER3 = ["water", "latrine", "telecom"]
HOUSEHOLDS = {  # code: (commune, income, deprivations)
    "a": ("C1", 1_000_000, WATER3),
    "b": ("C1", 1_200_000, ["water"]),
    "c": ("C1", 1_400_000, ["water", "latrine"]),
    "d": ("C1", 2_000_000, WATER3),
    "e": ("C1", 2_100_000, []),
    "f": ("C1", 3_000_000, []),
    "g": ("C2", 1_800_000, WATER3),
    "h": ("C2", 2_500_000, ["water"]),
    "i": ("C2", 2_900_000, []),
    "j": ("C2", 3_500_000, []),
}


def save(code, unit, year, income, deprivations):
    household = Household(
        unit=unit,
        survey_year=year,
        code=code,
        area_type=unit.area_type,
        income_per_capita=income,
        member_count=2,
        reported_deprivations=list(deprivations),
    )
    household_save(household)
    return household


@pytest.fixture
def province(db):
    units = small_province()
    for code, (commune, income, deprivations) in HOUSEHOLDS.items():
        save(code, units[commune], 2026, income, deprivations)
    save("z", units["C1"], 2025, 1_000_000, WATER3)  # an earlier review: not in the comparison
    return units


def with_role(username, role, unit=None):
    """A user with the role's group and permissions, as the admin gives them (areas.services.profile_save)."""
    from django.contrib.auth.models import User

    from areas.services import profile_save

    user = User.objects.create_user(username, password="pw")
    profile_save(user, role, unit)
    return user


@pytest.fixture
def users(province):
    return {
        "manager": with_role("boss", "manager"),
        "viewer": with_role("eye", "viewer"),
        "officer_c1": with_role("c1", "officer", province["C1"]),
        "officer_d2": with_role("d2", "officer", province["D2"]),
    }


def test_the_fixture_is_classified_as_the_docstring_counts(province):
    own = dict(Household.objects.filter(survey_year=2026).values_list("code", "classification"))
    nd351 = PovertyStandard.objects.get(code="ND351-2025")
    other = {
        r.household.code: "incomplete" if r.incomplete else r.classification
        for r in HouseholdClassification.objects.filter(standard=nd351).select_related("household")
    }
    assert own == {
        "a": "poor", "b": "near_poor", "c": "near_poor", "d": "middle", "e": "middle",
        "f": "not_poor", "g": "poor", "h": "middle", "i": "middle", "j": "not_poor",
    }  # fmt: skip
    assert other == {
        "a": "poor", "b": "near_poor", "c": "incomplete", "d": "poor", "e": "near_poor",
        "f": "not_poor", "g": "poor", "h": "near_poor", "i": "not_poor", "j": "not_poor",
    }  # fmt: skip


def _report(unit, year=2026):
    from reports import selectors

    own, others = selectors.standards_to_compare(year)
    assert own.code == "ND07-2021" and others[0].code == "ND351-2025"  # the next period's first
    return selectors.comparison_report(unit, year, own, others[0])[0]


def test_counts_by_group_under_each_standard_match_the_hand_count(province):
    report = _report(province["P"])
    assert report.counts.total == 10
    assert report.counts.own == {"poor": 2, "near_poor": 2, "middle": 4, "not_poor": 2, "incomplete": 0}
    assert report.counts.other == {
        "poor": 3, "near_poor": 3, "middle": 0, "not_poor": 3, "incomplete": 1, "missing": 0,
    }  # fmt: skip
    assert report.own.middle_band and not report.other.middle_band
    assert c.rate(report.counts.other["poor"], report.counts.total) == 30


def test_movement_table_counts_every_pair(province):
    report = _report(province["P"])
    assert report.moves() == [
        ("poor", "poor", 2),
        ("near_poor", "near_poor", 1),
        ("near_poor", "incomplete", 1),
        ("middle", "poor", 1),
        ("middle", "near_poor", 2),
        ("middle", "not_poor", 1),
        ("not_poor", "not_poor", 2),
    ]


def test_rows_one_level_down_count_their_own_households(province):
    report = _report(province["P"])
    rows = {row.place.code: row.counts for row in report.rows}
    assert list(rows) == ["D1", "D2"]
    assert rows["D1"].total == 6 and rows["D2"].total == 4
    assert (rows["D1"].own["poor"], rows["D1"].other["poor"], rows["D1"].other["incomplete"]) == (1, 2, 1)
    assert (rows["D2"].own["near_poor"], rows["D2"].other["near_poor"]) == (0, 1)
    district = _report(province["D2"])
    assert [row.place.code for row in district.rows] == ["C2"] and district.counts.total == 4


def test_page_shows_both_standards_in_vietnamese_with_vietnamese_numbers(province, users, client):
    client.force_login(users["manager"])
    html = client.get(PAGE, {"unit": "P"}).content.decode()
    assert "Nghị định 07/2021/NĐ-CP" in html and "Nghị định 351/2025/NĐ-CP" in html
    assert "30,00%" in html and "20,00%" in html  # poor: 3 and 2 of 10
    assert "chưa đặt" in html  # Decree 351's medium band
    assert "Chưa đủ thông tin" in html
    assert "+16,67" in html  # D1's poor rate: 1 of 6 → 2 of 6
    assert 'id="standards-sankey"' in html


def test_every_cell_links_to_the_households_behind_it(province, users, client):
    client.force_login(users["manager"])
    response = client.get(PAGE, {"unit": "P"})
    movement = response.context["movement"]()  # a callable: drawn only when the template's cached tables are not
    middle = next(r for r in movement["rows"] if r["label"] == "Mức sống trung bình")
    href = middle["cells"][0]["href"]  # middle under Decree 07 → poor under Decree 351
    query = parse_qs(urlparse(href).query)
    assert query == {
        "unit": ["P"],
        "year": ["2026"],
        "classification": ["middle"],
        "compare_standard": ["ND351-2025"],
        "compare_class": ["poor"],
    }
    listed = client.get(href)
    assert [h.code for h in listed.context["page"]] == ["d"]
    near_incomplete = parse_qs(urlparse(movement["rows"][1]["cells"][4]["href"]).query)
    assert near_incomplete["incomplete"] == ["no"] and near_incomplete["compare_class"] == ["incomplete"]
    assert [h.code for h in client.get(movement["rows"][1]["cells"][4]["href"]).context["page"]] == ["c"]


def test_the_household_list_lists_those_not_re_scored(province, users, client):
    HouseholdClassification.objects.filter(household__code="j").delete()
    client.force_login(users["manager"])
    page = client.get("/households/", {"year": 2026, "compare_standard": "ND351-2025", "compare_class": "missing"})
    assert [h.code for h in page.context["page"]] == ["j"]


def test_missing_rows_are_counted_apart_and_a_manager_re_scores_the_province(
    province, users, client, django_capture_on_commit_callbacks
):
    HouseholdClassification.objects.filter(household__code__in=["i", "j"]).delete()
    client.force_login(users["manager"])
    response = client.get(PAGE, {"unit": "D2"})
    assert response.context["state"] == "partial"
    assert response.context["report"].counts.other["missing"] == 2
    assert "Chấm lại" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # no broker: the task runs in-process
        response = client.post(RESCORE, {"unit": "D2", "year": 2026, "standard": "ND351-2025"})
    assert response.status_code == 302
    job = Rescoring.objects.get()
    assert (job.status, job.household_count, job.province.code) == ("done", 10, "P")  # the whole province
    response = client.get(response.url)
    assert response.context["state"] == "fresh"
    assert response.context["report"].counts.other == {
        "poor": 1, "near_poor": 1, "middle": 0, "not_poor": 2, "incomplete": 0, "missing": 0,
    }  # fmt: skip


def test_stored_rows_go_stale_when_a_standard_is_edited(province, users, client):
    from reports import rescoring

    standard = PovertyStandard.objects.get(code="ND351-2025")
    rescoring.rescore_now(standard, 2026, province["P"])
    client.force_login(users["manager"])
    assert client.get(PAGE, {"unit": "P"}).context["state"] == "fresh"
    standard.deprivation_line_rural = 2_300_000
    standard.save()
    assert client.get(PAGE, {"unit": "P"}).context["state"] == "stale"


def test_rows_stored_on_save_without_a_re_scoring_are_unverified(province, users, client):
    client.force_login(users["manager"])
    response = client.get(PAGE, {"unit": "P"})
    assert response.context["state"] == "unverified"


def test_a_viewer_reads_the_page_but_may_not_re_score(province, users, client):
    client.force_login(users["viewer"])
    assert client.get(PAGE, {"unit": "P"}).status_code == 200
    assert "Chấm lại" not in client.get(PAGE, {"unit": "P"}).content.decode()
    assert client.post(RESCORE, {"unit": "P", "year": 2026, "standard": "ND351-2025"}).status_code == 403
    assert not Rescoring.objects.exists()


@pytest.mark.parametrize("url", [PAGE, XLSX])
def test_an_officer_outside_the_unit_gets_404(province, users, client, url):
    client.force_login(users["officer_c1"])
    assert client.get(url, {"unit": "D2"}).status_code == 404
    assert client.get(url, {"unit": "P"}).status_code == 404  # above their commune
    assert client.get(url, {"unit": "C1"}).status_code == 200


def test_an_officer_outside_cannot_post_a_re_scoring_nor_read_the_api(province, users, client):
    client.force_login(users["officer_d2"])
    assert client.post(RESCORE, {"unit": "C1", "year": 2026, "standard": "ND351-2025"}).status_code in (403, 404)
    assert client.get(API, {"unit": "C1"}, **basic("d2")).status_code == 404
    assert client.get(API, {"unit": "C2"}, **basic("d2")).status_code == 200
    client.logout()
    assert client.get(API, {"unit": "C2"}).status_code == 401


def test_an_unknown_standard_is_a_404(province, users, client):
    client.force_login(users["manager"])
    assert client.get(PAGE, {"unit": "P", "standard": "XX"}).status_code == 404
    assert client.get(PAGE, {"unit": "P", "standard": "ND07-2021"}).status_code == 404  # the year's own


def test_workbook_has_the_groups_the_movement_and_the_units(province, users, client):
    client.force_login(users["manager"])
    response = client.get(XLSX, {"unit": "P"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="so-sanh-chuan-p-2026-nd351-2025.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Theo nhóm", "Dịch chuyển", "Theo đơn vị"]
    groups = {row[0]: row[1:] for row in book["Theo nhóm"].iter_rows(min_row=3, values_only=True)}
    assert groups["Nghèo"] == (2, 20.0, 3, 30.0)
    assert groups["Mức sống trung bình"] == (4, 40.0, "chưa đặt", "chưa đặt")
    assert groups["Chưa đủ thông tin"] == (0, 0.0, 1, 10.0)
    movement = {row[0]: row[1:] for row in book["Dịch chuyển"].iter_rows(min_row=3, values_only=True)}
    assert movement["Mức sống trung bình"] == (1, 2, 0, 1, 0, 0)
    units = [row for row in book["Theo đơn vị"].iter_rows(min_row=3, values_only=True)]
    assert units == [("Huyện D1", 6, 1, 2, 0, 2, 2, 1, 0), ("Thành phố D2", 4, 1, 0, 0, 1, 1, 0, 0)]


def test_api_answers_the_same_counts(province, users, client):
    data = client.get(API, {"unit": "P"}, **basic("boss")).json()
    assert (data["year"], data["standard"], data["compare_standard"]) == (2026, "ND07-2021", "ND351-2025")
    assert data["middle_band"] == {"standard": True, "compare_standard": False}
    assert data["totals"]["households"] == 10
    assert data["totals"]["other"]["poor"] == {"households": 3, "rate": 30.0, "estimated": False}
    assert data["totals"]["other"]["middle"] is None
    assert data["totals"]["own"]["middle"] == {"households": 4, "rate": 40.0, "estimated": False}
    assert {"from": "middle", "to": "poor", "households": 1, "estimated": False} in data["movement"]
    assert (data["boundaries"], data["estimated"]) == ("current", False)  # nothing redrew P: today's are its own
    assert [u["unit_code"] for u in data["units"]] == ["D1", "D2"]
    assert data["state"] == "unverified" and data["rescored_at"] is None


def test_api_is_in_the_openapi_schema(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader"))
    assert "/api/v1/reports/standards/" in client.get("/api/v1/openapi.json").json()["paths"]


def test_the_area_dashboard_links_to_the_page(province, users, client):
    client.force_login(users["manager"])
    html = client.get("/dashboards/areas/P/").content.decode()
    assert 'href="/reports/standards/?unit=P"' in html


def test_the_page_kept_for_a_figures_version_shows_a_household_edit_on_the_next_read(
    province, users, client, django_capture_on_commit_callbacks
):
    def poor_row(response):  # the summary's row of poor households, as the cached tables draw it
        html = response.content.decode()
        row = html[html.index('data-group="poor"') :]
        return row[: row.index("</tr>")]

    client.force_login(users["manager"])
    before = client.get(PAGE, {"unit": "P"})
    assert before.context["report"].counts.own["poor"] == 2
    assert poor_row(client.get(PAGE, {"unit": "P"})) == poor_row(before)  # read again: the same tables
    household = Household.objects.get(code="f", survey_year=2026)
    household.income_per_capita, household.reported_deprivations = 1_000_000, WATER3
    with django_capture_on_commit_callbacks(execute=True):
        household_save(household)  # announces its unit: the kept counts rebuilt, the figures version raised
    after = client.get(PAGE, {"unit": "P"})
    assert (after.context["report"].counts.own["poor"], after.context["report"].counts.other["poor"]) == (3, 4)
    assert (">2</a>" in poor_row(before), ">4</a>" in poor_row(before)) == (True, False)
    assert (">2</a>" in poor_row(after), ">4</a>" in poor_row(after)) == (False, True)


def test_deleting_a_household_deletes_its_classifications_under_other_standards(province):
    """Their table has no foreign-key constraint in the database (re-scoring writes a province at a time): the
    ORM's cascade is what deletes them."""
    household = Household.objects.get(code="a", survey_year=2026)
    assert HouseholdClassification.objects.filter(household_id=household.pk).exists()
    household.delete()
    assert not HouseholdClassification.objects.filter(household_id=household.pk).exists()
    Household.objects.filter(code="b", survey_year=2026).delete()  # a queryset too
    assert not HouseholdClassification.objects.filter(household__isnull=True).exists()
    assert HouseholdClassification.objects.count() == 8
