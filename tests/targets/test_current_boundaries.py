"""Every series in today's boundaries (issue 24, points 3 and 6): the stored counts of old units mapped into today's
units by the succession table, rates after summing; estimated where a share was used; the recorded view unchanged;
refreshed by the same run when a 2020 household is edited."""

import base64
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from areas.changes import import_unit_changes
from areas.models import Unit
from households.models import Household
from households.services import household_save
from targets.boundaries import CURRENT, RECORDED, refresh_province, values_model
from targets.models import ComputedValue, CurrentBoundaryValue
from targets.services import recompute

from ..conftest import make_user

TODAY = date(2026, 11, 23)
HEADER = ["Mã ĐVHC cũ", "Tên ĐVHC cũ", "Mã ĐVHC mới", "Tên ĐVHC mới", "Ngày hiệu lực", "Tỷ lệ hộ", "Thôn / ấp"]
DAY = "01/07/2025"
# Sóc Trăng (94) merges into Cần Thơ (92), which continues. 94101, 94102 and Cần Thơ's 92102 merge into phường
# 31001; 94103 is split 60/40 between 31001 and 31002 (estimated); ấp 9420101 of 94201 moves whole to 31002, the rest
# of 94201 to 31003; 92101 is not rearranged.
REFORM = [
    ("94", "Tỉnh Sóc Trăng", "92", "Thành phố Cần Thơ", DAY, None, None),
    ("92", "Thành phố Cần Thơ", "92", "Thành phố Cần Thơ", DAY, None, None),
    ("94101", "Phường 1", "31001", "Phường Sóc Trăng", DAY, None, None),
    ("94102", "Phường 2", "31001", "Phường Sóc Trăng", DAY, None, None),
    ("92102", "Xã Cần Thơ 2", "31001", "Phường Sóc Trăng", DAY, None, None),
    ("94103", "Xã Ba", "31001", "Phường Sóc Trăng", DAY, "60", None),
    ("94103", "Xã Ba", "31002", "Xã Kế Sách", DAY, "40", None),
    ("94201", "Xã Bốn", "31003", "Xã Long Phú", DAY, "100", None),
    ("94201", "Xã Bốn", "31002", "Xã Kế Sách", DAY, "0", "Ấp Một"),
]
# The same table as plain numbers, for the pure computation the stored figures are checked against:
# {old unit code: {today's commune code: weight}}; units not named count in themselves.
WEIGHTS = {
    "94101": {"31001": 1},
    "94102": {"31001": 1},
    "92102": {"31001": 1},
    "94103": {"31001": Decimal("0.6"), "31002": Decimal("0.4")},
    "9420101": {"31002": 1},
    "94201": {"31003": 1},
    "9420102": {"31003": 1},
}
ESTIMATED = {"31001", "31002", "92"}  # reached by 94103's shares


def _table(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _unit(code, parent=None, level="commune", name=None):
    return Unit.objects.create(code=code, name=name or f"Đơn vị {code}", level=level, parent=parent)


def _household(code, unit_code, year, income, deprivations=("water", "latrine", "telecom")):
    unit = Unit.objects.by_code(unit_code, year)
    household = Household.objects.filter(code=code, survey_year=year).first() or Household(code=code)
    household.unit, household.survey_year, household.ethnicity = unit, year, "khmer" if int(code[1:]) % 3 else "kinh"
    household.area_type, household.member_count = unit.area_type_in(year), 2
    household.income_per_capita, household.reported_deprivations = income, sorted(deprivations)
    return household_save(household)


@pytest.fixture
def reform(db):
    can_tho = _unit("92", level="province", name="Thành phố Cần Thơ")
    district = _unit("921", can_tho, "district")
    _unit("92101", district)
    _unit("92102", district)
    soc_trang = _unit("94", level="province", name="Tỉnh Sóc Trăng")
    first, second = _unit("941", soc_trang, "district"), _unit("942", soc_trang, "district")
    for code in ("94101", "94102", "94103"):
        _unit(code, first)
    commune = _unit("94201", second)
    _unit("9420101", commune, "village", name="Ấp Một")
    _unit("9420102", commune, "village", name="Ấp Hai")
    result = import_unit_changes(_table(REFORM), "reform.xlsx")
    assert result.ok, [str(p) for p in result.problems]
    incomes = [400_000, 900_000, 1_600_000, 3_000_000, 700_000]
    n = 0
    for year in (2019, 2020):
        for code in ("92101", "92102", "94101", "94102", "94103", "94201", "9420101", "9420102"):
            for _i in range(3 + len(code) % 4):
                n += 1
                _household(f"H{n:04d}", code, year, incomes[(n + year) % len(incomes)])
    for code in ("31001", "31002", "31003", "92101"):
        for _i in range(3):
            n += 1
            _household(f"H{n:04d}", code, 2026, incomes[n % len(incomes)])
    recompute(today=TODAY)
    return {u.code: u for u in Unit.objects.filter(valid_to__isnull=True)}


def expected_counts(year) -> dict:
    """Households and poor households per unit in force today, straight from the households and the table."""
    today = {u.pk: u for u in Unit.objects.filter(valid_to__isnull=True)}
    by_code = {u.code: u for u in today.values()}
    counts = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for household in Household.objects.filter(survey_year=year).select_related("unit"):
        for code, weight in WEIGHTS.get(household.unit.code, {household.unit.code: 1}).items():
            unit = by_code[code]
            for ancestor in [u for u in today.values() if unit.path.startswith(u.path)]:
                counts[ancestor.code][0] += weight
                counts[ancestor.code][1] += weight * (household.classification == "poor")
    return {code: (n.quantize(Decimal("0.01")), poor.quantize(Decimal("0.01"))) for code, (n, poor) in counts.items()}


def stored(model, year) -> dict:
    return {
        code: (den, num)
        for code, num, den in model.objects.filter(
            year=year, scope="province", indicator__code="poor_rate", unit__valid_to__isnull=True
        ).values_list("unit__code", "numerator", "denominator")
    }


@pytest.mark.parametrize("year", [2019, 2020, 2026])
def test_figures_in_todays_boundaries_are_the_old_units_counts_mapped_in_and_rates_after_summing(reform, year):
    expected = expected_counts(year)
    assert stored(CurrentBoundaryValue, year) == expected
    # the rate of phường 31001 is its poor households over its households, not an average of its parts' rates
    value = CurrentBoundaryValue.objects.get(
        unit__code="31001", year=year, scope="province", indicator__code="poor_rate"
    )
    assert value.numerator / value.denominator == expected["31001"][1] / expected["31001"][0]


def test_a_share_makes_a_figure_estimated_a_village_moved_whole_does_not(reform):
    estimated = set(
        CurrentBoundaryValue.objects.filter(year=2020, scope="province", estimated=True).values_list(
            "unit__code", flat=True
        )
    )
    assert estimated == ESTIMATED
    assert not CurrentBoundaryValue.objects.filter(year=2026, estimated=True).exists()  # nothing was shared out


def test_the_recorded_view_is_unchanged(reform):
    recorded = {
        code: (den, num)
        for code, num, den in ComputedValue.objects.filter(
            year=2020, scope="province", indicator__code="poor_rate"
        ).values_list("unit__code", "numerator", "denominator")
    }
    for code in ("94", "941", "94103", "92", "92102"):
        households = Household.objects.filter(survey_year=2020, unit__path__startswith=Unit.objects.get(code=code).path)
        poor = households.filter(classification="poor").count()
        assert recorded[code] == (households.count(), poor)
    # Cần Thơ 2020 as recorded is its own communes only; in today's boundaries it holds Sóc Trăng too
    assert stored(CurrentBoundaryValue, 2020)["92"][0] == recorded["92"][0] + recorded["94"][0]
    assert values_model(reform["92"], RECORDED) is ComputedValue
    assert values_model(reform["92"], CURRENT) is CurrentBoundaryValue
    assert values_model(Unit.objects.get(code="94"), CURRENT) is ComputedValue  # ceased: read as recorded


def test_a_full_rebuild_gives_the_figures_a_refresh_left(reform):
    before = sorted(CurrentBoundaryValue.objects.values_list("indicator_id", "unit_id", "year", "scope", "numerator"))
    recompute(today=TODAY)
    after = sorted(CurrentBoundaryValue.objects.values_list("indicator_id", "unit_id", "year", "scope", "numerator"))
    assert after == before


def test_editing_a_2020_household_refreshes_both_views(reform, django_capture_on_commit_callbacks):
    household = Household.objects.filter(survey_year=2020, unit__code="94103").exclude(classification="poor").first()
    before = stored(CurrentBoundaryValue, 2020)
    with django_capture_on_commit_callbacks(execute=True):
        _household(household.code, "94103", 2020, 300_000, ("water", "latrine", "telecom", "housing_quality"))
    household.refresh_from_db()
    assert household.classification == "poor"
    after = stored(CurrentBoundaryValue, 2020)
    assert after == expected_counts(2020)
    assert after["31001"][1] == before["31001"][1] + Decimal("0.6")  # 60 % of the household went to 31001
    assert after["31002"][1] == before["31002"][1] + Decimal("0.4")
    recorded = ComputedValue.objects.get(unit__code="94103", year=2020, scope="province", indicator__code="poor_rate")
    assert (
        recorded.numerator
        == Household.objects.filter(unit__code="94103", survey_year=2020, classification="poor").count()
    )


def test_refreshing_a_province_twice_changes_nothing(reform):
    from targets.sums import _Context

    province = reform["92"]
    before = sorted(CurrentBoundaryValue.objects.values_list("indicator_id", "unit_id", "year", "scope", "numerator"))
    refresh_province(province, [2019, 2020, 2026], _Context(province), None)
    after = sorted(CurrentBoundaryValue.objects.values_list("indicator_id", "unit_id", "year", "scope", "numerator"))
    assert after == before


def _api(client, user, query):
    token = base64.b64encode(f"{user.username}:pw".encode()).decode()
    response = client.get(f"/api/v1/indicators/values/?limit=1000&{query}", HTTP_AUTHORIZATION=f"Basic {token}")
    return response.status_code, response.json().get("items") if response.status_code == 200 else None


def test_the_api_gives_todays_boundaries_by_default_and_the_recorded_ones_on_request(reform, client):
    admin = make_user("quantri", "admin", is_superuser=True)
    query = "indicator=poor_rate&scope=province&year=2020"
    _status, items = _api(client, admin, f"{query}&unit=31001")
    assert [(i["boundaries"], i["estimated"]) for i in items] == [("current", True)]
    assert (Decimal(items[0]["denominator"]), Decimal(items[0]["numerator"])) == expected_counts(2020)["31001"]
    _status, items = _api(client, admin, f"{query}&unit=92&boundaries=recorded")
    assert [i["boundaries"] for i in items] == ["recorded"]
    assert (
        Decimal(items[0]["denominator"])
        == Household.objects.filter(survey_year=2020, unit__path__startswith="92/").count()
    )
    _status, items = _api(client, admin, f"{query}&unit=94")  # ceased: as recorded, whatever is asked
    assert [(i["unit_code"], i["boundaries"]) for i in items] == [("94", "recorded")]
    _status, listing = _api(client, admin, query)
    by_unit = {(i["unit_code"], i["boundaries"]) for i in listing}
    assert {("92", "current"), ("31001", "current"), ("94", "recorded"), ("94103", "recorded")} <= by_unit
    assert ("92101", "current") in by_unit and ("92", "recorded") not in by_unit
    _status, recorded = _api(client, admin, f"{query}&boundaries=recorded")
    assert {i["boundaries"] for i in recorded} == {"recorded"}
    assert (
        len(recorded) == ComputedValue.objects.filter(year=2020, scope="province", indicator__code="poor_rate").count()
    )
    assert _api(client, admin, f"{query}&boundaries=somewhere")[0] == 422


def test_an_officer_of_a_new_commune_sees_only_their_subtree(reform, client):
    officer = make_user("canbo", "officer", unit=reform["31002"])
    _status, items = _api(client, officer, "indicator=poor_rate&scope=province")
    assert items and {i["unit_code"] for i in items} == {"31002"}
    assert {i["year"] for i in items} == {2019, 2020, 2026}  # the history of the old units mapped in
    for code in ("31001", "92", "94103"):
        assert _api(client, officer, f"unit={code}")[0] == 404


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response.status_code, response.content.decode()


def test_the_area_page_of_a_merged_unit_shows_its_history_in_todays_boundaries(reform, client):
    admin = make_user("quantri", "admin", is_superuser=True)
    status, html = _page(client, admin, "/dashboards/areas/31001/?year=2020")
    assert status == 200
    assert html.count("Theo địa giới 2025") >= 4  # every chart says so
    assert "Ước tính (2019, 2020)" in html  # the rates chart: both years rest on 94103's shares
    assert "Xem theo địa giới khi rà soát" in html
    assert "chưa được phê duyệt" not in html  # 31001 did not exist in 2020: no approval of its own to speak of
    poor = expected_counts(2020)["31001"][1]
    assert f"<td>{int(poor)}</td>" in html or f"<td>{poor}</td>".replace(".", ",") in html
    # the recorded view of a unit made in 2025 has no 2020 figures
    status, html = _page(client, admin, "/dashboards/areas/31001/?boundaries=recorded")
    assert "Theo địa giới khi rà soát" in html and "Xem theo địa giới 2025" in html
    assert ">2020<" not in html
    # a unit that ceased shows as recorded, whatever is asked
    status, html = _page(client, admin, "/dashboards/areas/94/?boundaries=current")
    assert status == 200 and "Theo địa giới 2025" not in html
    assert "không còn tồn tại" in html and "Theo địa giới khi rà soát" in html


def test_the_drill_down_reaches_the_households_of_the_old_units_mapped_in(reform, client):
    from households.selectors import household_list

    admin = make_user("quantri", "admin", is_superuser=True)
    listed = household_list(admin, unit="31002", year=2020, boundaries="current")
    assert {h.unit.code for h in listed} == {"94103", "9420101"}  # 94103's share, Ấp Một whole
    assert not household_list(admin, unit="31002", year=2020).exists()  # as recorded: none there in 2020
    status, html = _page(client, admin, "/dashboards/areas/31002/?year=2020")
    assert "boundaries=current" in html  # the page's households link asks for them
    status, html = _page(client, admin, "/households/?unit=31002&year=2020&boundaries=current")
    assert status == 200 and all(h.code in html for h in listed)
    # an officer of 31002 reaches the households behind their figures, not those behind 31003's
    officer = make_user("canbo", "officer", unit=reform["31002"])
    assert set(household_list(officer, unit="31002", year=2020, boundaries="current")) == set(listed)
    assert not household_list(officer, unit="31003", year=2020, boundaries="current").exists()
    assert not household_list(officer, year=2020).exists()  # nothing of theirs was recorded in 2020


def test_the_comparison_says_which_boundaries_each_unit_is_drawn_in(reform):
    from targets.dashboards import compare_chart

    admin = make_user("quantri", "admin", is_superuser=True)
    chart = compare_chart(admin, ["31001", "94"])
    assert chart.boundaries == "theo địa giới 2025: Phường Sóc Trăng; theo địa giới khi rà soát: Tỉnh Sóc Trăng"
    assert "Ước tính" not in chart.note  # each at its latest year: 2026 for 31001, counted where it was recorded
    assert compare_chart(admin, ["31001", "31003"]).boundaries == "theo địa giới 2025"


def test_an_officer_of_a_new_commune_reads_its_history_and_nothing_around_it(reform, client):
    officer = make_user("canbo", "officer", unit=reform["31002"])
    status, html = _page(client, officer, "/dashboards/areas/31002/?year=2020")
    assert status == 200 and "Theo địa giới 2025" in html and "Ước tính (2019, 2020)" in html
    for code in ("31001", "92", "94103", "94"):
        assert _page(client, officer, f"/dashboards/areas/{code}/")[0] == 404
    html = _page(client, officer, "/households/?unit=31001&year=2020&boundaries=current")[1]
    assert not any(h.code in html for h in Household.objects.filter(unit__code="94101"))  # 31001's alone


def test_an_edit_rewrites_only_the_units_it_counts_in_and_leaves_what_a_full_refresh_gives(
    reform, django_capture_on_commit_callbacks
):
    from targets.sums import _Context

    def rows():
        return sorted(
            CurrentBoundaryValue.objects.filter(year=2020).values_list(
                "indicator_id", "unit__code", "scope", "numerator", "denominator", "estimated"
            )
        )

    runs_before = dict(CurrentBoundaryValue.objects.filter(year=2020).values_list("unit__code", "run_id").distinct())
    household = Household.objects.filter(survey_year=2020, unit__code="94103").exclude(classification="poor").first()
    with django_capture_on_commit_callbacks(execute=True):
        _household(household.code, "94103", 2020, 300_000, ("water", "latrine", "telecom", "housing_quality"))
    runs_after = dict(CurrentBoundaryValue.objects.filter(year=2020).values_list("unit__code", "run_id").distinct())
    rewritten = {code for code, run in runs_after.items() if run != runs_before[code]}
    assert rewritten == {"92", "31001", "31002"}  # 94103 went 60/40 to 31001 and 31002, communes of 92
    incremental = rows()
    refresh_province(reform["92"], [2020], _Context(reform["92"]), None)
    assert rows() == incremental
