"""Whatever the product writes out comes back in unchanged: each export layout of the whole demo, every survey year at
once, re-imported through the service behind the admin's import page and `import_roster` (issue 21, point 3)."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from approvals.services import approval_transition
from areas.models import Unit
from households.models import Household, Member
from households.roster import export
from households.roster.service import roster_import

from .roster_files import xlsx

LOCKED_UNIT, LOCKED_YEAR = "94204", 2020  # Xã Thuận Hòa of Sóc Trăng in its second survey year


@pytest.fixture
def demo(demo_data, db):
    """The demo, loaded once for the module, and two households of it recorded from roster answers (no members)."""
    village = Unit.objects.filter(code__startswith=LOCKED_UNIT, level="village").order_by("code").first()
    answers = [
        [
            "Mã hộ",
            "Năm rà soát",
            "Mã đơn vị",
            "Thu nhập bình quân",
            "Số nhân khẩu",
            "Bảo hiểm y tế",
            "Nguồn nước sinh hoạt",
        ],
        ["DS-1", 2019, village.code, "900.000", 4, "x", "x"],
        ["DS-2", LOCKED_YEAR, village.code, "1.600.000", 2, "0", ""],
    ]
    assert roster_import(xlsx({"Danh sách": answers}), "ds.xlsx").written
    return village


def admin_client():
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    return client


def stored():
    """What an import could touch: every household's and member's history, and the members' ids."""
    return Household.history.count(), Member.history.count(), sorted(Member.objects.values_list("id", flat=True))


def counts(result):
    assert result.ok, [p.line() for p in result.problems[:10]]
    return result.new, result.changed, result.unchanged


@pytest.mark.parametrize("layout", export.LAYOUTS)
def test_each_admin_export_of_the_whole_demo_imports_back_unchanged(demo, layout):
    url = reverse("admin:households_household_export_layout", args=[layout])
    data = admin_client().get(url).content
    before = stored()
    result = roster_import(data, f"{layout}.xlsx")
    households = Household.objects.count()
    assert households > 800 and len(set(Household.objects.values_list("survey_year", flat=True))) == 5
    assert result.households == households
    assert counts(result) == (0, 0, households) and not result.written
    assert f"Mới: 0 · thay đổi: 0 · không đổi: {households:,}.".replace(",", ".") in result.summary_lines()
    assert stored() == before


def test_the_members_sheet_names_each_members_survey_year(demo):
    book = openpyxl.load_workbook(io.BytesIO(export.households_xlsx(Household.objects.all())))
    header, *rows = book["Thành viên"].iter_rows(values_only=True)
    assert header[:2] == ("Mã hộ", "Năm rà soát")
    assert {row[1] for row in rows} == {2019, 2020, 2021, 2022, 2026}


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_export_page_of_django_import_export_writes_rows_that_import_back_unchanged(demo, file_format):
    client = admin_client()
    page = client.get(reverse("admin:households_household_export"))
    form = page.context["form"]
    formats = [choice for choice, label in form.fields["format"].choices if label.lower() == file_format]
    selected = {name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)}
    response = client.post(reverse("admin:households_household_export"), {"format": formats[0], **selected})
    assert response.status_code == 200
    before = stored()
    result = roster_import(response.content, f"export.{file_format}")
    assert result.layout == "answers"
    assert counts(result) == (0, 0, Household.objects.count())
    assert stored() == before


@pytest.fixture
def approved(demo):
    """Xã Thuận Hòa of Sóc Trăng, its households of LOCKED_YEAR submitted and approved. The commune and its district
    ceased in the 2025 reform (their former officers write nothing): the province's people act for them."""
    unit = Unit.objects.by_code(LOCKED_UNIT, LOCKED_YEAR)
    approval_transition(
        user=User.objects.get(username="admin"), unit=unit, year=LOCKED_YEAR, kind="households", action="submit"
    )
    approval_transition(
        user=User.objects.get(username="manager"), unit=unit, year=LOCKED_YEAR, kind="households", action="approve"
    )
    return unit


@pytest.mark.parametrize("layout", export.LAYOUTS)
def test_unchanged_rows_of_an_approved_period_are_unchanged_and_a_changed_one_is_a_located_error(approved, layout):
    data = export.households_xlsx(Household.objects.all(), layout)
    before = stored()
    assert counts(roster_import(data, "all.xlsx")) == (0, 0, Household.objects.count())

    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    year, unit, income = (header.index(name) for name in ("Năm rà soát", "Mã đơn vị", "Thu nhập bình quân"))
    row = next(
        row
        for row in sheet.iter_rows(min_row=2)
        if row[year].value == LOCKED_YEAR and str(row[unit].value).startswith(LOCKED_UNIT)
    )
    code = row[header.index("Mã hộ")].value
    for cell in sheet.iter_rows(min_row=2):  # every row of that household (a row per member repeats it)
        if cell[year].value == LOCKED_YEAR and cell[header.index("Mã hộ")].value == code:
            cell[income].value = int(cell[income].value) + 100_000
    changed = io.BytesIO()
    book.save(changed)
    result = roster_import(changed.getvalue(), "sua.xlsx")
    assert not result.written and result.problem_count == 1
    problem = result.problems[0]
    assert (problem.sheet, problem.row, problem.column) == (sheet.title, row[0].row, "Mã đơn vị")
    assert "phê duyệt" in problem.message and approved.name in problem.message
    assert stored() == before


def test_export_roster_then_import_roster_changes_nothing(demo, tmp_path, capsys):
    path = tmp_path / "xa.xlsx"
    call_command("export_roster", str(path), "--unit", "942", "--year", "2020", "--layout", "member_rows")
    households = Household.objects.filter(unit__path__startswith=Unit.objects.get(code="942").path, survey_year=2020)
    assert f"{households.count()} hộ" in capsys.readouterr().out
    book = openpyxl.load_workbook(path)
    codes = {row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert codes == set(households.values_list("code", flat=True))
    before = stored()
    call_command("import_roster", str(path))
    output = capsys.readouterr().out
    assert f"Mới: 0 · thay đổi: 0 · không đổi: {households.count()}." in output
    assert stored() == before


def test_export_roster_refuses_an_unknown_unit_and_layout_in_vietnamese(demo, tmp_path):
    with pytest.raises(CommandError, match="Không có đơn vị hành chính nào mang mã 999"):
        call_command("export_roster", str(tmp_path / "x.xlsx"), "--unit", "999")
    with pytest.raises(CommandError, match="Không có dạng tệp “hai_trang”: hãy chọn two_sheets, member_rows, answers"):
        call_command("export_roster", str(tmp_path / "x.xlsx"), "--layout", "hai_trang")
    assert not (tmp_path / "x.xlsx").exists()
