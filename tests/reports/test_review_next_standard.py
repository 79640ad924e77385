"""The year-end report of a period's last year read under the next period's standard (issue 23, point 3): the 2021
review under Decree 07/2021 — the households it lists as the 2022 plan's baseline — beside its own Decision 59 figures.
Its page, workbook and API; the counts and links are checked on the demo (test_review_next_standard_demo)."""

from collections import Counter

import pytest
from openpyxl import load_workbook

from households.models import HouseholdClassification
from reports.selectors import review_report

PAGE, XLSX, API = "/reports/review/", "/reports/review.xlsx", "/api/v1/reports/review/"
NEXT = "ND07-2021"


def _total(report, code):
    table = next(t for t in report.tables if t.code == code)
    return next(r.values for r in table.rows if r.kind == "total")


def _stored_under_next(province):
    return HouseholdClassification.objects.filter(
        standard__code=NEXT, household__survey_year=2021, household__unit__path__startswith=province["P"].path
    )


def test_the_2021_report_under_decree_07_counts_the_households_as_classified_under_it(province):
    report = review_report(province["P"], 2021, NEXT)
    stored = _stored_under_next(province)
    assert stored.count() == 13  # every 2021 household is classified under the next standard too
    classes = Counter(
        "incomplete" if c.incomplete and c.classification == "near_poor" else c.classification for c in stored
    )
    own = review_report(province["P"], 2021)
    assert report.standard == NEXT and own.standard == "QD59-2015"
    assert (_total(report, "T1")["end"], _total(report, "T2")["end"]) == (classes["poor"], classes["near_poor"])
    assert (_total(own, "T1")["end"], _total(own, "T2")["end"]) == (6, 4)  # the year's own figures are untouched
    assert _total(report, "T1")["n"] == 13 and not report.comparable
    assert _total(report, "T1")["escaped"] is None  # no movement across the change of standard
    deprived_poor_water = sum(1 for c in stored if c.classification == "poor" and "water" in c.deprivations)
    assert _total(report, "T5")["poor_water"] == deprived_poor_water
    t5 = next(t for t in report.tables if t.code == "T5")
    assert sum(1 for c in t5.columns if c.key.startswith("near_") and c.key.endswith("_rate")) == 12  # Decree 07's


def test_the_notice_names_both_standards_and_the_baseline_year(province):
    notice = str(review_report(province["P"], 2021, NEXT).notice)
    assert "Nghị định 07/2021/NĐ-CP" in notice and "Quyết định 59/2015/QĐ-TTg" in notice and "2022" in notice


def test_a_standard_that_is_not_the_years_reads_nothing(province):
    assert review_report(province["P"], 2020, NEXT) is None  # 2020 is not a boundary year
    assert review_report(province["P"], 2021, "ND351-2025") is None


def test_the_page_offers_both_standards_only_in_a_boundary_year(province, users, client):
    client.force_login(users["manager"])
    html = client.get(PAGE, {"unit": "P", "year": 2021, "standard": NEXT}).content.decode()
    assert 'name="standard"' in html and f'<option value="{NEXT}" selected>' in html
    assert "năm gốc 2022" in html and "chuẩn của năm 2021" in html
    assert "đây là danh sách hộ làm năm gốc 2022" in html
    assert f"standard={NEXT}" in html  # the download and the unit links keep the standard
    assert 'name="standard"' not in client.get(PAGE, {"unit": "P", "year": 2020}).content.decode()
    # a code left in the address after the year changed reads the year's own standard
    html = client.get(PAGE, {"unit": "P", "year": 2020, "standard": NEXT}).content.decode()
    assert "Quyết định 59/2015/QĐ-TTg" in html and "năm gốc" not in html


def test_the_workbook_and_the_api_read_the_same_standard(province, users, client):
    client.force_login(users["manager"])
    response = client.get(XLSX, {"unit": "P", "year": 2021, "standard": NEXT})
    assert response["Content-Disposition"].endswith('-nd07-2021.xlsx"')
    sheet = load_workbook(__import__("io").BytesIO(response.content)).worksheets[0]
    assert any("Nghị định 07/2021/NĐ-CP" in str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    data = client.get(API, {"unit": "P", "year": 2021, "standard": NEXT}).json()
    expected = review_report(province["P"], 2021, NEXT)
    assert data["standard"] == NEXT and data["previous_standard"] == "QD59-2015" and not data["comparable"]
    t1 = next(t for t in data["tables"] if t["code"] == "T1")
    total = next(r for r in t1["rows"] if r["kind"] == "total")
    assert total["values"]["end"] == _total(expected, "T1")["end"]
    assert client.get(API, {"unit": "P", "year": 2020, "standard": NEXT}).status_code == 404


@pytest.mark.parametrize("url", [PAGE, XLSX, API])
def test_an_officer_of_another_area_reads_nothing_under_either_standard(province, users, client, url):
    client.force_login(users["officer_c1"])
    assert client.get(url, {"unit": "D2", "year": 2021, "standard": NEXT}).status_code == 404
