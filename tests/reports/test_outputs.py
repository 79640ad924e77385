"""The review report's page, workbook, command and API, and who may see them."""

import base64
import io
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

PAGE, XLSX, API = "/reports/review/", "/reports/review.xlsx", "/api/v1/reports/review/"


def basic(username, password="pw"):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def test_page_shows_the_five_tables_in_vietnamese_with_vietnamese_numbers(province, users, client):
    client.force_login(users["manager"])
    html = client.get(PAGE, {"unit": "P", "year": 2021}).content.decode()
    for title in (
        "Tổng hợp kết quả rà soát hộ nghèo",
        "Tổng hợp kết quả rà soát hộ cận nghèo",
        "Tỷ lệ nghèo đa chiều",
        "Hộ dân tộc thiểu số nghèo, cận nghèo",
        "Mức độ thiếu hụt dịch vụ xã hội cơ bản",
    ):
        assert title in html
    assert "Khu vực thành thị" in html and "Khu vực nông thôn" in html and "Tổng cộng" in html
    assert "Số hộ thoát nghèo" in html and "Số hộ tái nghèo" in html and "Số hộ nghèo phát sinh" in html
    assert "46,15" in html  # 6 poor of 13 households
    assert "41,67" in html  # 5 of 12 at the start of the year


def test_numbers_are_grouped_the_vietnamese_way():
    from reports.present import format_value

    assert format_value(13000, "count") == "13.000"
    assert format_value(-1, "signed") == "−1" and format_value(2, "signed") == "+2"
    assert format_value(18.6567, "rate") == "18,66"
    assert format_value(None, "rate") == "—"


def test_every_count_links_to_the_households_behind_it(province, users, client):
    client.force_login(users["manager"])
    response = client.get(PAGE, {"unit": "P", "year": 2021})
    links = [parse_qs(urlparse(a).query) for a in _hrefs(response.content.decode()) if "/households/" in a]
    simplified = [{k: v[0] for k, v in q.items()} for q in links]
    assert {"unit": "D2", "year": "2021", "area_type": "urban", "transition": "newly_poor"} in simplified
    assert {"unit": "D1", "year": "2020", "area_type": "rural", "classification": "poor"} in simplified  # start
    assert {"unit": "P", "year": "2021", "classification": "poor", "ethnic_minority": "1"} in simplified
    assert {"unit": "P", "year": "2021", "classification": "poor", "deprivation": "water"} in simplified
    assert {"unit": "D1", "year": "2021", "area_type": "rural", "transition": "re_poor"} in simplified


def _hrefs(html):
    import re

    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', html)]


def test_workbook_has_a_sheet_per_table_laid_out_like_the_form(province, users, client):
    client.force_login(users["manager"])
    response = client.get(XLSX, {"unit": "P", "year": 2021})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-ra-soat-p-2021.xlsx"'
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Biểu 1", "Biểu 2", "Biểu 3", "Biểu 4", "Biểu 5"]
    ws = wb["Biểu 1"]
    cells = {c.coordinate: c for row in ws.iter_rows() for c in row if c.value is not None}
    texts = [str(c.value) for c in cells.values()]
    assert "TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO NĂM 2021" in texts
    assert any("Tỉnh P" in t and "mã P" in t for t in texts)
    assert {"Số hộ nghèo đầu năm", "Diễn biến hộ nghèo trong năm", "Số hộ thoát nghèo", "Trong đó hộ DTTS"} <= set(
        texts
    )
    merged = {str(r) for r in ws.merged_cells.ranges}
    start = next(c for c in cells.values() if c.value == "Số hộ nghèo đầu năm")
    assert any(r.startswith(start.coordinate + ":") for r in merged)  # the group header spans its columns
    total = next(c.row for c in cells.values() if c.value in ("Tổng cộng", "Tổng cộng *"))  # * not approved yet
    households = ws.cell(total, 3)
    assert households.value == 13 and households.number_format == "#,##0"
    rate = next(
        ws.cell(total, col)
        for col in range(3, ws.max_column + 1)
        if ws.cell(total, col).value == pytest.approx(46.1538, abs=1e-4)
    )
    assert rate.number_format == "0.00" and isinstance(rate.value, float)
    assert "NGƯỜI LẬP BIỂU" in texts and "THỦ TRƯỞNG ĐƠN VỊ" in texts
    t5 = [str(c.value) for row in wb["Biểu 5"].iter_rows() for c in row if c.value is not None]
    assert "Nguồn nước sinh hoạt" in t5 and "Nước sinh hoạt và vệ sinh" in t5


def test_command_writes_the_same_workbook_without_any_access_rule(province, tmp_path):
    out = tmp_path / "report.xlsx"
    call_command("review_report", "D1", "2021", "--out", str(out), stdout=io.StringIO())
    wb = load_workbook(out)
    assert len(wb.sheetnames) == 5
    texts = [str(c.value) for row in wb["Biểu 1"].iter_rows() for c in row if c.value is not None]
    assert {"Xã C1 *", "Thị trấn C3 *"} <= set(texts)  # marked, as on the page: nothing is approved yet


def test_api_returns_the_same_tables_as_json(province, users, client):
    data = client.get(API, {"unit": "P", "year": 2021}, **basic("boss")).json()
    assert [t["code"] for t in data["tables"]] == ["T1", "T2", "T3", "T4", "T5"]
    assert data["comparable"] is True and data["standard"] == "QD59-2015"
    t1 = data["tables"][0]
    total = next(r for r in t1["rows"] if r["kind"] == "total")
    assert total["values"]["end"] == 6 and total["values"]["escaped"] == 2
    assert total["values"]["end_rate"] == pytest.approx(46.1538, abs=1e-4)
    assert [c["key"] for c in t1["columns"]][:3] == ["n", "start", "start_rate"]
    later = client.get(API, {"unit": "P", "year": 2022}, **basic("boss")).json()
    assert later["comparable"] is False and later["notice"]
    assert next(r for r in later["tables"][0]["rows"] if r["kind"] == "total")["values"]["escaped"] is None


def test_api_is_in_the_openapi_schema(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader"))  # the docs and schema need a login
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/reports/review/" in schema["paths"]


@pytest.mark.parametrize("url", [PAGE, XLSX])
def test_an_officer_of_another_area_is_refused_the_page_and_the_workbook(province, users, client, url):
    client.force_login(users["officer_c1"])
    assert client.get(url, {"unit": "D2", "year": 2021}).status_code == 404
    assert client.get(url, {"unit": "P", "year": 2021}).status_code == 404  # above their commune
    assert client.get(url, {"unit": "C1", "year": 2021}).status_code == 200


def test_an_officer_of_another_area_is_refused_the_api(province, users, client):
    assert client.get(API, {"unit": "C1", "year": 2021}, **basic("d2")).status_code == 404
    assert client.get(API, {"unit": "C2", "year": 2021}, **basic("d2")).status_code == 200
    assert client.get(API, {"unit": "C2", "year": 2021}).status_code == 401


def test_the_page_needs_a_login(province, client):
    response = client.get(PAGE, {"unit": "P", "year": 2021})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_officer_sees_their_own_unit_and_latest_year_by_default(province, users, client):
    client.force_login(users["officer_d2"])
    html = client.get(PAGE).content.decode()
    assert "Thành phố D2" in html and "Phường C2" in html and "Xã C1" not in html
    assert "Kỳ rà soát năm 2022 áp dụng chuẩn nghèo Nghị định 07/2021/NĐ-CP" in html and "ND07-2021" not in html


def test_a_bad_year_is_not_found(province, users, client):
    client.force_login(users["manager"])
    assert client.get(PAGE, {"unit": "P", "year": "abc"}).status_code == 404
    assert client.get(XLSX, {"unit": "P", "year": 1990}).status_code == 404


def _households_behind(params):
    """The households the list page shows for a link of the URL contract (COMMON.md)."""
    from django.db.models import F

    from areas.models import Unit
    from households.models import Household
    from households.selectors import filter_by_movement
    from households.standards.facts import DEPRIVATION_BITS

    households = Household.objects.filter(
        unit__path__startswith=Unit.objects.get(code=params["unit"]).path, survey_year=int(params["year"])
    )
    if "classification" in params:
        households = households.filter(classification=params["classification"])
    if "area_type" in params:
        households = households.filter(area_type=params["area_type"])
    if params.get("ethnic_minority") == "1":
        households = households.exclude(ethnicity="kinh")
    if "deprivation" in params:
        households = households.alias(bit=F("deprivation_mask").bitand(DEPRIVATION_BITS[params["deprivation"]])).filter(
            bit__gt=0
        )
    if "transition" in params:
        households = filter_by_movement(households, params["transition"])
    return households.count()


def test_each_linked_count_is_the_number_of_households_its_list_shows(province):
    from reports.present import report_view
    from reports.selectors import review_report

    report = review_report(province["P"], 2021)
    checked = 0
    for view in report_view(report):
        for row in view["rows"]:
            for column, cell in zip(view["table"].columns, row["cells"]):
                if cell["href"]:
                    params = {k: v[0] for k, v in parse_qs(urlparse(cell["href"]).query).items()}
                    assert _households_behind(params) == row["row"].values[column.key], (view["table"].code, params)
                    checked += 1
    assert checked > 100
