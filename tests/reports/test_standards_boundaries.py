"""What another standard changes, in today's boundaries or as filed (issue 24, point 3), on the demo re-scored under
Decree 351: Sóc Trăng's 2020 review read as Thành phố Cần Thơ's (which succeeded it on 2025-07-01), Sơn La's 2022
review in its redrawn communes. Each row of today's units sums the kept counts of the old units mapped into it, a
share of a split commune's households marked estimated and linked nowhere; Sóc Trăng's comparison still opens as
filed; page, workbook and API carry the same figures and marks."""

import io
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from openpyxl import load_workbook

from areas.models import Unit, UnitSuccession
from households.models import Household, HouseholdClassification, PovertyStandard
from reports import comparison as c
from reports import comparison_present
from reports.present import json_number
from reports.rescoring import rescore_now
from reports.selectors import comparison_report, standards_to_compare, survey_years

from ..conftest import make_user
from .test_outputs import basic

PAGE, XLSX, API = "/reports/standards/", "/reports/standards.xlsx", "/api/v1/reports/standards/"
ND351 = "ND351-2025"


@pytest.fixture
def manager(demo_data, db):
    return make_user("boss", "manager")


@pytest.fixture
def rescored(manager):
    """Sóc Trăng 2020 and Sơn La 2022 re-scored under Decree 351, as the page's button does (the demo classifies a
    review year only under the next period's standard)."""
    nd351 = PovertyStandard.objects.get(code=ND351)
    rescore_now(nd351, 2020, Unit.objects.by_code("94"))
    rescore_now(nd351, 2022, Unit.objects.by_code("14"))
    assert HouseholdClassification.objects.filter(standard=nd351, household__survey_year=2020).count() == (
        Household.objects.filter(survey_year=2020).count()
    )
    return nd351


def _compare(code, year, boundaries=None):
    own, _others = standards_to_compare(year)
    other = PovertyStandard.objects.get(code=ND351)
    return comparison_report(Unit.objects.by_code(code), year, own, other, boundaries)[0]


def _row(report, code):
    return next(r for r in report.rows if not r.direct and r.place.code == code)


def _old(code):
    return Unit.objects.by_code(code, 2020)


def _counts(households) -> c.Counts:
    """Counted by hand from the households and their stored classifications under Decree 351."""
    other = dict(
        HouseholdClassification.objects.filter(standard__code=ND351, household__in=households).values_list(
            "household_id", "classification"
        )
    )
    incomplete = set(
        HouseholdClassification.objects.filter(
            standard__code=ND351, household__in=households, incomplete=True
        ).values_list("household_id", flat=True)
    )
    counts = c.Counts()
    for pk, classification, own_incomplete in households.values_list("pk", "classification", "incomplete"):
        theirs = "incomplete" if pk in incomplete else other.get(pk, c.MISSING)
        counts.add(c.Group("", c.INCOMPLETE if own_incomplete else classification, theirs, 1))
    return counts


def _thuan_hoa_2020() -> tuple[c.Counts, c.Counts]:
    """By hand from the succession table (docs/unit-succession.md): xã Thuận Hòa (92505) has old Thuận Hòa (94204)
    whole, Ấp 3 of Phú Tâm (94203) whole (the whole part), and 40 % of Phú Tâm's other households (its Ấp 2 and any
    recorded at the commune itself; Ấp 1 went whole to xã Phú Tâm)."""
    phu_tam = _old("94203")
    year = Household.objects.filter(survey_year=2020)
    whole = year.filter(unit__path__startswith=_old("94204").path) | year.filter(
        unit__path__startswith=Unit.objects.get(parent=phu_tam, name="Ấp 3").path
    )
    shared = year.filter(unit__path__startswith=Unit.objects.get(parent=phu_tam, name="Ấp 2").path) | year.filter(
        unit=phu_tam
    )
    return _counts(whole), _counts(shared)


def test_can_tho_2020_in_todays_boundaries_sums_the_old_units_kept_counts(rescored):
    report = _compare("92", 2020)
    assert report.boundaries == "current" and report.redrawn and report.sources == ("94/",)
    today = set(Unit.objects.filter(parent__code="92", valid_to=None).values_list("code", flat=True))
    assert {r.place.code for r in report.rows} <= today | {"92"}
    thuan_hoa = _row(report, "92505")
    assert thuan_hoa.estimated and _row(report, "92504").estimated  # Phú Tâm's split
    whole, shared = _thuan_hoa_2020()
    assert shared.total, "the demo must have households in Phú Tâm's shared Ấp 2"
    share = Decimal("0.4")
    assert thuan_hoa.counts.total == whole.total + share * shared.total
    for group in (*c.GROUPS, c.MISSING):
        expected = whole.other[group] + share * shared.other[group]
        assert thuan_hoa.counts.other[group] == expected, group
        if group in c.GROUPS:
            assert thuan_hoa.counts.own[group] == whole.own[group] + share * shared.own[group], group
    # a group the share reached is estimated, one it did not is not
    assert thuan_hoa.counts.estimated_other == {g for g, n in shared.other.items() if n}
    # a ward made of whole old communes: the sum of their counts, not estimated
    merged = UnitSuccession.objects.filter(new__code="92501").select_related("old")
    assert merged.count() > 1 and all(m.share == 100 and m.village_id is None for m in merged)
    ward = _row(report, "92501")
    old = Household.objects.none()
    for m in merged:
        old |= Household.objects.filter(survey_year=2020, unit__path__startswith=m.old.path)
    assert not ward.estimated and (ward.counts.own, ward.counts.other) == (_counts(old).own, _counts(old).other)


def test_can_tho_2020_totals_are_soc_trangs_recorded_totals(rescored):
    current, recorded = _compare("92", 2020), _compare("94", 2020)
    assert recorded.boundaries == "recorded" and not recorded.estimated and current.estimated
    assert (
        current.counts.total
        == recorded.counts.total
        == Household.objects.filter(survey_year=2020).filter(unit__path__startswith="94/").count()
    )
    assert (current.counts.own, current.counts.other) == (recorded.counts.own, recorded.counts.other)
    assert current.movement == recorded.movement
    assert not current.missing  # re-scored: every household has its class under Decree 351
    # the rows of today's communes add up to the province's totals, rates after summing
    assert sum(r.counts.total for r in current.rows) == current.counts.total
    thuan_hoa = _row(current, "92505").counts
    assert c.rate(thuan_hoa.other[c.POOR], thuan_hoa.total) == (
        (thuan_hoa.other[c.POOR] * 100 / thuan_hoa.total).quantize(Decimal("0.01"))
    )


def test_soc_trangs_comparison_opens_as_filed_in_either_boundaries(rescored):
    report = _compare("94", 2020)
    asked_current = _compare("94", 2020, "current")  # a unit that ceased has no other view
    assert report.boundaries == asked_current.boundaries == "recorded" and not report.redrawn
    districts = set(Unit.objects.filter(parent__code="94").in_year(2020).values_list("code", flat=True))
    assert {r.place.code for r in report.rows} == districts
    assert [r.counts for r in asked_current.rows] == [r.counts for r in report.rows]


def test_son_la_2022_in_todays_communes_and_as_recorded(rescored):
    current, recorded = _compare("14", 2022), _compare("14", 2022, "recorded")
    assert (current.boundaries, recorded.boundaries) == ("current", "recorded") and current.redrawn
    communes = set(Unit.objects.filter(parent__code="14", valid_to=None).values_list("code", flat=True))
    districts = set(Unit.objects.filter(parent__code="14").in_year(2022).values_list("code", flat=True))
    assert {r.place.code for r in current.rows} <= communes | {"14"}
    assert {r.place.code for r in recorded.rows} == districts and not recorded.estimated
    assert {"Xã Yên Châu", "Xã Chiềng Hặc"} <= {r.place.name for r in current.rows if r.estimated}  # Sặp Vạt 70/30
    assert (current.counts.own, current.counts.other) == (recorded.counts.own, recorded.counts.other)
    assert current.movement == recorded.movement


def test_the_current_view_offers_the_old_units_years(manager):
    can_tho = Unit.objects.by_code("92")
    assert {2019, 2020, 2026} <= set(survey_years(can_tho, "current"))
    assert not {2019, 2020} & set(survey_years(can_tho, "recorded"))


def test_page_xlsx_and_api_carry_the_same_figures_and_marks(rescored, client):
    report = _compare("92", 2020)
    thuan_hoa = _row(report, "92505")
    client.force_login(make_user("reader", "manager"))
    params = {"unit": "92", "year": 2020, "standard": ND351}

    response = client.get(PAGE, params)
    html = response.content.decode()
    assert response.context["report"].boundaries == "current"
    assert html.count("Số liệu theo địa giới 2025.") >= 4  # the switch line and each of the three tables
    assert "Xem theo địa giới khi rà soát" in html and "boundaries=recorded" in html
    assert "(ước tính)" in html and "Ước tính (Xã Phú Tâm, Xã Thuận Hòa)" in html
    assert comparison_present.count(thuan_hoa.counts.total) in html  # "63,2": the tenth kept
    rows = comparison_present.unit_rows(report)
    estimated = next(r for r in rows if r["place"].code == "92505")
    for cell in estimated["own"] + estimated["other"]:
        assert cell["href"] is None or not cell["estimated"]
    assert any(cell["estimated"] and cell["text"] != "0" for cell in estimated["other"])  # a share: no list
    ward = next(r for r in rows if r["place"].code == "92501")
    assert any(cell["href"] for cell in ward["other"])  # a whole old commune still reaches its households
    recorded = client.get(PAGE, {**params, "boundaries": "recorded"}).content.decode()
    assert "Số liệu theo địa giới khi rà soát." in recorded and "Xem theo địa giới 2025" in recorded
    assert "(ước tính)" not in recorded
    assert "Không có hộ nào của địa bàn này trong kỳ rà soát năm 2020 theo địa giới này." in recorded
    soc_trang = client.get(PAGE, {**params, "unit": "94"}).content.decode()
    assert "Đơn vị này không còn tồn tại" in soc_trang and "Xem theo địa giới 2025" not in soc_trang
    commune = client.get(PAGE, {**params, "unit": "92505"})  # xã Thuận Hòa itself: its total keeps its tenth
    assert commune.context["report"].counts.total == thuan_hoa.counts.total
    total_row = commune.content.decode().split('<tr class="total">', 1)[1].split("</tr>", 1)[0]
    assert f">{comparison_present.count(thuan_hoa.counts.total)}</td>" in total_row and "(ước tính)" in total_row

    data = client.get(API, params, **basic("reader")).json()
    assert (data["boundaries"], data["estimated"]) == ("current", True)
    unit = next(u for u in data["units"] if u["unit_code"] == "92505")
    assert unit["estimated"] is True and unit["households"] == json_number(thuan_hoa.counts.total, "count")
    for group in c.GROUPS:
        if c.shown(report.other, group):
            assert unit["other"][group]["households"] == json_number(thuan_hoa.counts.other[group], "count")
            assert unit["other"][group]["estimated"] == (group in thuan_hoa.counts.estimated_other)
    assert next(u for u in data["units"] if u["unit_code"] == "92501")["estimated"] is False
    filed = client.get(API, {**params, "unit": "94"}, **basic("reader")).json()  # Sóc Trăng, as filed
    for side in ("own", "other"):
        households = {g: v and v["households"] for g, v in data["totals"][side].items()}
        assert households == {g: v and v["households"] for g, v in filed["totals"][side].items()}, side
    as_filed = client.get(API, {**params, "boundaries": "recorded"}, **basic("reader")).json()
    assert (as_filed["boundaries"], as_filed["estimated"], as_filed["totals"]["households"]) == ("recorded", False, 0)
    assert client.get(API, {**params, "boundaries": "x"}, **basic("reader")).status_code == 422

    book = load_workbook(io.BytesIO(client.get(XLSX, params).content))
    ws = book["Theo đơn vị"]
    assert "theo địa giới 2025" in ws["A1"].value
    line = next(r for r in ws.iter_rows(min_row=3, values_only=True) if str(r[0]).startswith("Xã Thuận Hòa"))
    assert line[0] == "Xã Thuận Hòa (ước tính)"
    assert line[1] == json_number(thuan_hoa.counts.total, "count")
    assert list(line[5:8]) == [json_number(thuan_hoa.counts.other[g], "count") for g in comparison_present.UNIT_COLUMNS]
    texts = [str(v) for r in ws.iter_rows(values_only=True) for v in r if v is not None]
    assert any(t.startswith("Ước tính (") for t in texts)
    cell = next(r for r in ws.iter_rows(min_row=3) if str(r[0].value).startswith("Xã Thuận Hòa"))[1]
    assert cell.number_format == "#,##0.0"
    filed_book = load_workbook(io.BytesIO(client.get(XLSX, {**params, "unit": "94"}).content))
    filed_texts = [str(v) for r in filed_book["Theo đơn vị"].iter_rows(values_only=True) for v in r if v is not None]
    assert "theo địa giới khi rà soát" in filed_texts[0] and not any("ước tính" in t.lower() for t in filed_texts)


def test_each_linked_count_in_todays_boundaries_is_what_the_household_list_shows(rescored):
    from households.selectors import household_list

    reader = make_user("lister", "manager")
    report = _compare("92", 2020)
    cells = [cell for row in comparison_present.summary(report) for cell in (row["own"], row["other"]) if cell]
    cells += [cell for row in comparison_present.movement_table(report)["rows"] for cell in row["cells"]]
    cells += [cell for row in comparison_present.unit_rows(report) for cell in row["own"] + row["other"]]
    checked = 0
    for cell in cells:
        if not cell.get("href"):
            continue
        assert not cell["estimated"]
        params = {k: v[0] for k, v in parse_qs(urlparse(cell["href"]).query).items()}
        assert params.pop("boundaries") == "current"
        params["year"] = int(params["year"])
        shown = household_list(reader, boundaries="current", **params).count()
        assert comparison_present.count(shown) == cell["text"], params
        checked += 1
    assert checked > 50


def test_an_outsider_reads_neither_view(rescored, client):
    officer = make_user("thuanhoa", "officer", Unit.objects.by_code("92505"))
    make_user("sonla", "officer", Unit.objects.by_code("14"))
    former = make_user("soctrang", "viewer", Unit.objects.by_code("94"))
    for outsider in ("thuanhoa", "sonla", "soctrang"):
        for boundaries in ("current", "recorded"):
            params = {"unit": "92", "year": 2020, "standard": ND351, "boundaries": boundaries}
            assert client.get(API, params, **basic(outsider)).status_code == 404, (outsider, boundaries)
    for user in (officer, former):
        client.force_login(user)
        assert client.get(PAGE, {"unit": "92", "year": 2020}).status_code == 404
        assert client.get(XLSX, {"unit": "92", "year": 2020}).status_code == 404
    # their own commune in today's boundaries: the old households mapped into it, and nothing else
    data = client.get(API, {"unit": "92505", "year": 2020, "standard": ND351}, **basic("thuanhoa")).json()
    whole, shared = _thuan_hoa_2020()
    assert data["estimated"] and data["totals"]["households"] == json_number(
        whole.total + Decimal("0.4") * shared.total, "count"
    )


def test_the_page_kept_per_figures_version_keeps_each_boundaries_apart(rescored, client):
    """The comparison and its drawn tables are cached per figures version: the boundaries are part of the key."""
    client.force_login(make_user("reader", "manager"))
    params = {"unit": "14", "year": 2022, "standard": ND351}
    for _twice in range(2):
        current = client.get(PAGE, params).content.decode()
        recorded = client.get(PAGE, {**params, "boundaries": "recorded"}).content.decode()
        assert "Xã Yên Châu" in current and "(ước tính)" in current and "Huyện Yên Châu" not in current
        assert "Huyện Yên Châu" in recorded and "(ước tính)" not in recorded and "Xã Yên Châu" not in recorded
        xlsx = load_workbook(io.BytesIO(client.get(XLSX, {**params, "boundaries": "recorded"}).content))
        assert "theo địa giới khi rà soát" in xlsx["Theo đơn vị"]["A1"].value


def test_re_scoring_from_todays_boundaries_re_scores_the_province_whose_households_are_counted(
    manager, client, django_capture_on_commit_callbacks
):
    """Cần Thơ's 2020 figures are Sóc Trăng's households: the page's button re-scores Sóc Trăng, then reads fresh."""
    from reports.models import Rescoring
    from tests.reports.test_standards_comparison import with_role

    client.force_login(with_role("planner", "manager"))
    params = {"unit": "92", "year": 2020, "standard": ND351}
    page = client.get(PAGE, params)
    assert page.context["state"] == "none" and page.context["province"].code == "94"
    assert "Chấm lại Tỉnh Sóc Trăng theo" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # no broker: the task runs in-process
        response = client.post("/reports/standards/rescore/", params)
    assert response.status_code == 302 and "boundaries" not in response.url  # today's: the default
    job = Rescoring.objects.get()
    assert (job.status, job.province.code, job.survey_year) == ("done", "94", 2020)
    after = client.get(response.url)
    assert after.context["state"] == "fresh" and after.context["report"].boundaries == "current"
    assert not after.context["report"].missing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/reports/standards/rescore/", {**params, "unit": "14", "year": 2022, "boundaries": "recorded"}
        )
    assert "boundaries=recorded" in response.url


def test_the_review_report_opens_the_comparison_in_its_boundaries(manager, client):
    client.force_login(manager)
    recorded = client.get("/reports/review/", {"unit": "14", "year": 2022, "boundaries": "recorded"}).content.decode()
    assert "/reports/standards/?unit=14&amp;year=2022&amp;boundaries=recorded" in recorded
    current = client.get("/reports/review/", {"unit": "14", "year": 2022}).content.decode()
    assert '/reports/standards/?unit=14&amp;year=2022"' in current  # today's: the comparison's default too
