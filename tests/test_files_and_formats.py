"""Files say what the screen says, and one way to write a number and a name (issue 25, points 7 and 9)."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook

from households.models import Household
from households.roster.export import derived_cells
from reports import selectors as report_selectors
from reports import xlsx as report_xlsx
from targets.models import Attainment, Plan, Target

RAW_CODES = re.compile(r"QD59-2015|ND07-2021|health_insurance|housing_quality|adult_education")
LONG_FLOAT = re.compile(r"\d\.\d{5,}")


@pytest.fixture
def demo(demo_data, db):
    return None


def client_for(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def visible_text(page: str) -> str:
    """What a reader sees of a page: no addresses (their filters name indicators by code), scripts or tags."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", " ", page, flags=re.S))


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_chart_csv_holds_numbers_rounded_as_the_screen_with_their_unit_in_the_header(demo):
    client = client_for("manager")
    rows = _csv(client.get("/dashboards/data/rates.csv?unit=14"))
    assert rows[0][2:4] == ["Tỷ lệ hộ nghèo (%)", "Tỷ lệ hộ cận nghèo (%)"]
    values = [row[2] for row in rows[1:] if row[2]]
    assert values and all(re.fullmatch(r"\d+(\.\d{1,2})?", v) for v in values), values
    assert not LONG_FLOAT.search(client.get("/dashboards/data/compare.csv?units=94,14").content.decode())
    page = client.get("/dashboards/areas/14/").content.decode()
    shown = re.search(r"<td>(\d+,\d+%)</td>", page).group(1)  # the table view: the same value, Vietnamese-written
    assert shown.replace(",", ".").rstrip("%") in {v.rstrip("0").rstrip(".") for v in values} | set(values)


def test_chart_files_name_standards_officially_and_leave_the_page_hints_out(demo):
    client = client_for("manager")
    rates = client.get("/dashboards/data/rates.csv?unit=14").content.decode("utf-8-sig")
    assert "Quyết định 59/2015/QĐ-TTg" in rates and "Nghị định 07/2021/NĐ-CP" in rates
    assert not RAW_CODES.search(rates)
    book = load_workbook(io.BytesIO(client.get("/dashboards/data/breakdown.xlsx?unit=14&year=2022").content))
    texts = [str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None]
    assert not any("Bấm vào một thanh" in text for text in texts)
    page = client.get("/dashboards/areas/14/").content.decode()
    assert "Bấm vào một thanh để xem cấp dưới." in page  # the hint stays where a bar can be clicked


def test_the_trend_xlsx_names_the_unit_of_its_values(demo):
    client = client_for("manager")
    rate = Target.objects.get(plan__province__code="14", order=1)
    count = Target.objects.filter(plan__province__code="94", indicator__code="workers_trained").first()
    for target, unit in ((rate, "(%)"), (count, "(người)")):
        book = load_workbook(io.BytesIO(client.get(f"/dashboards/data/trend.xlsx?target={target.pk}").content))
        header = [c.value for c in book.active[2]]
        assert header[2] == f"{target.indicator.display_name} {unit}", header
        assert header[5] == f"Mục tiêu {unit}"


def test_the_review_xlsx_stars_the_rows_built_from_unapproved_data_as_the_page_does(demo):
    client = client_for("manager")
    page = client.get("/reports/review/?unit=14&year=2022").content.decode()
    starred = set(re.findall(r'<td class="name">(?:<a [^>]*>)?([^<]+)(?:</a>)? <span class="unapproved-mark"', page))
    assert starred
    data = client.get("/reports/review.xlsx?unit=14&year=2022")
    sheet = load_workbook(io.BytesIO(data.content)).worksheets[0]
    labels = [str(c.value) for c in sheet["B"] if c.value]
    assert {label[:-2] for label in labels if label.endswith(" *")} == starred
    notes = [str(c.value) for c in sheet["A"] if c.value and str(c.value).startswith("* ")]
    assert notes == ["* Dựa trên hồ sơ hộ chưa được phê duyệt."]
    assert "Nghị định 07/2021/NĐ-CP" in str(sheet["A4"].value) and not RAW_CODES.search(str(sheet["A4"].value))


def test_the_review_xlsx_has_no_star_when_every_unit_is_approved(demo):
    from areas.models import Unit

    unit = Unit.objects.get(code="14")
    report = report_selectors.review_report(unit, 2022)
    sheet = load_workbook(io.BytesIO(report_xlsx.workbook_bytes(report))).worksheets[0]
    assert not any(str(c.value).endswith(" *") for c in sheet["B"] if c.value)


def test_pages_write_rates_one_way_and_name_standards_and_indicators_in_vietnamese(demo):
    client = client_for("manager")
    plan = Plan.objects.get(province__code="14")
    target = Target.objects.get(plan=plan, order=1)
    scorecard = client.get(f"/dashboards/plans/{plan.pk}/").content.decode()
    detail = client.get(f"/dashboards/targets/{target.pk}/").content.decode()
    actual = Attainment.objects.filter(target=target).order_by("-year").first().actual
    from povertyplan import display

    written = display.percent(actual)
    assert written in scorecard and written in detail
    assert not re.search(r"\d,\d0%", scorecard + detail)  # never "19,80%" beside "19,8%"
    review = client.get("/reports/review/?unit=14&year=2022").content.decode()
    for page in (scorecard, detail, review, client.get("/dashboards/areas/14/").content.decode()):
        assert not RAW_CODES.search(visible_text(page))


def test_a_progress_that_cannot_be_measured_says_why(demo):
    client = client_for("manager")
    attainment = Attainment.objects.filter(progress=None).exclude(actual=None).select_related("target__plan").first()
    assert attainment is not None
    page = client.get(f"/dashboards/plans/{attainment.target.plan_id}/").content.decode()
    card = page[page.index(f'data-target="{attainment.target_id}"') :]
    card = card[: card.index("</article>")]
    progress = re.search(r"<dt>Tiến độ</dt>\s*<dd>(.*?)</dd>", card, re.S).group(1)
    assert "không đo được" in progress and not progress.strip().endswith("—")


def test_the_household_list_groups_thousands(demo, monkeypatch):
    from django.core.paginator import Paginator

    monkeypatch.setattr(Paginator, "count", 2001)  # the demo's small scale has fewer households
    page = client_for("manager").get("/households/").content.decode()
    assert "2.001 hộ" in page and "2001 hộ" not in page


def test_roster_export_names_the_deprivations_and_the_standard(demo):
    household = Household.objects.exclude(deprivations=[]).select_related("standard").first()
    cells = derived_cells(household)
    assert not RAW_CODES.search(" ".join(map(str, cells)))
    assert cells[2] in ("Quyết định 59/2015/QĐ-TTg", "Nghị định 07/2021/NĐ-CP")
