"""Point 8 of the roster issue: every kind of bad file gets a clear message and writes nothing."""

import io
import re
import time
import zipfile

import openpyxl
import pytest
from django.utils import translation

from households.models import Household
from households.roster import service
from households.roster.reader import UnreadableFile
from households.roster.service import roster_import

from .roster_files import HOUSEHOLD_HEADER, MEMBER_HEADER, household_row, member_row, two_sheets, xlsx


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def unreadable(data, name="roster.xlsx"):
    with pytest.raises(UnreadableFile) as error:
        roster_import(data, name)
    assert not Household.objects.exists()
    return str(error.value)


def lines(result):
    return [p.line() for p in result.problems]


def test_a_text_file_named_xlsx_is_not_an_excel_workbook(tree):
    assert "not a spreadsheet (.xlsx, .xls or .ods)" in unreadable(b"Ma ho;Thu nhap\nH1;100\n")


def test_a_truncated_workbook_is_damaged(tree):
    data = two_sheets()
    assert "damaged or incomplete" in unreadable(data[: len(data) // 2])


def test_a_workbook_with_a_corrupted_sheet_is_damaged(tree):
    source = zipfile.ZipFile(io.BytesIO(two_sheets()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]  # XML cut in the middle
            target.writestr(info.filename, content)
    assert "damaged or incomplete" in unreadable(out.getvalue())


def test_a_password_protected_workbook_says_so(tree):
    # Excel stores an encrypted workbook as an OLE2 compound file holding an "EncryptedPackage" stream
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = "EncryptionInfo".encode("utf-16-le").ljust(128, b"\x00") + "EncryptedPackage".encode("utf-16-le").ljust(
        128, b"\x00"
    )
    assert "protected by a password" in unreadable(header + directory + b"\x00" * 4096)


def test_an_ole2_file_without_a_workbook_is_damaged_and_named_xlsx_is_said_to_be_an_xls(tree):
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096
    assert "damaged or incomplete" in unreadable(ole2, "roster.xls")
    assert "is an Excel 97–2003 workbook (.xls) although its name ends in .xlsx" in unreadable(ole2)


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"])  # households, members
def test_a_zip_bomb_is_refused_without_inflating_it(tree, part, monkeypatch):
    monkeypatch.setattr(service, "PARALLEL_FROM_BYTES", 0)  # the member sheet checked and read in a forked child
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(two_sheets()))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != part:
                target.writestr(info.filename, source.read(info.filename))
        with target.open(part, "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
            block = b" " * (16 * 1024 * 1024)
            for _ in range(16):  # 256 MiB of spaces
                sheet.write(block)
            sheet.write(b"</t></is></c></row></sheetData></worksheet>")
    data = out.getvalue()
    assert len(data) < 3 * 1024 * 1024
    started = time.perf_counter()
    assert "inflates to far more data" in unreadable(data)
    assert time.perf_counter() - started < 5


def test_an_upload_over_the_size_limit_is_refused(tree, settings):
    settings.ROSTER_MAX_UPLOAD_BYTES = 1000
    assert "larger than" in unreadable(two_sheets())


def test_wrong_sheet_names_are_named_in_the_message(tree):
    data = xlsx({"Sheet1": [HOUSEHOLD_HEADER, household_row("H1")], "Sheet2": [MEMBER_HEADER, member_row("H1")]})
    result = roster_import(data, "x.xlsx")
    assert len(result.problems) == 1
    assert "two sheets named “Hộ” and “Thành viên”" in lines(result)[0]
    assert "Sheets in this file: Sheet1, Sheet2" in lines(result)[0]


def test_missing_required_columns_are_named_once(tree):
    header = [h for h in HOUSEHOLD_HEADER if h not in ("Mã đơn vị", "Thu nhập bình quân")]
    rows = [[v for h, v in zip(HOUSEHOLD_HEADER, household_row(c), strict=True) if h in header] for c in ("H1", "H2")]
    result = roster_import(two_sheets(), "x.xlsx")
    assert result.ok
    result = roster_import(xlsx({"Hộ": [header, *rows], "Thành viên": [MEMBER_HEADER, member_row("H1")]}), "x.xlsx")
    assert lines(result) == [
        "Hộ!1, Income per capita: this required column is missing",  # in the user's language
        "Hộ!1, Unit code: this required column is missing",
    ]
    with translation.override("vi"):
        result = roster_import(xlsx({"Hộ": [header, *rows], "Thành viên": [MEMBER_HEADER, member_row("H1")]}), "x.xlsx")
    assert [(p.column, p.message) for p in result.problems] == [
        ("Mã đơn vị", "thiếu cột bắt buộc này"),
        ("Thu nhập bình quân", "thiếu cột bắt buộc này"),
    ]


def test_a_sheet_without_the_household_code_header_is_an_error(tree):
    result = roster_import(xlsx({"Hộ": [["Tên", "Tuổi"], ["A", 3]]}), "x.xlsx")
    assert lines(result) == ["Hộ: no header row with the column “Mã hộ” (Household code) in the first 20 rows"]


def test_merged_title_and_header_cells_are_read(tree):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Hộ"
    sheet.append(["DANH SÁCH HỘ GIA ĐÌNH NĂM 2022"])
    sheet.merge_cells("A1:Q1")
    sheet.append(HOUSEHOLD_HEADER + ["Ghi chú", ""])
    sheet.merge_cells("R2:S2")  # a header spread over two columns
    for row in (household_row("H1"), household_row("H2", members=1)):
        sheet.append(row + ["ghi chú", "…"])
    members = book.create_sheet("Thành viên")
    for row in (MEMBER_HEADER, member_row("H1"), member_row("H1", age=12), member_row("H2")):
        members.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    result = roster_import(buffer.getvalue(), "merged.xlsx")
    assert result.ok and result.written, lines(result)
    assert Household.objects.count() == 2


def test_formulas_in_cells_are_located_errors(tree):
    rows = [household_row("H1"), household_row("H2", members=1)]
    rows[1][5] = "=1000000*1.2"
    data = two_sheets(households=rows)
    result = roster_import(data, "formula.xlsx")
    assert lines(result)[0] == "Hộ!3, F: the cell holds a formula; paste values only (Paste Special → Values)"
    assert not Household.objects.exists()


def test_formulas_in_the_member_sheet_read_in_a_forked_child_are_located_errors(tree, monkeypatch):
    monkeypatch.setattr(service, "PARALLEL_FROM_BYTES", 0)
    members = [member_row("H1"), member_row("H1", age="=30+5"), member_row("H2")]
    result = roster_import(two_sheets(members=members), "formula.xlsx")
    assert "Thành viên!3, C: the cell holds a formula; paste values only (Paste Special → Values)" in lines(result)
    assert not Household.objects.exists()


def test_a_million_formatted_empty_rows_are_ignored_quickly(tree):
    source = zipfile.ZipFile(io.BytesIO(two_sheets()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":  # the members sheet: formatted down to row 1.048.576
                text = content.decode()
                empty = "".join(f'<row r="{i}" s="1" customFormat="1"/>' for i in range(5, 1_048_577))
                text = re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:Q1048576"', text)
                content = text.replace("</sheetData>", empty + "</sheetData>").encode()
            target.writestr(info.filename, content)
    data = out.getvalue()
    started = time.perf_counter()
    result = roster_import(data, "formatted.xlsx")
    assert time.perf_counter() - started < 10
    assert result.ok and (result.households, result.members) == (2, 3), lines(result)
