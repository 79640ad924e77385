"""Files as communes keep them (issue 25, point 14): .xls (Excel 97–2003) and .ods (LibreOffice Calc) rosters
import in every layout exactly as the same .xlsx does, under the same checks; a file whose name lies about what it
is gets a message naming both.

The .xls files in files/ were made once with xlwt 1.3.0 from LAYOUT_SHEETS of roster_files.py (a test below checks
that they still hold those cells); the .ods files are written here."""

from pathlib import Path

import pytest
import python_calamine
from django.utils import translation

from households.models import Household
from households.roster.reader import UnreadableFile
from households.roster.service import roster_import

from .roster_files import LAYOUT_SHEETS, ods, two_sheets_sheets, xlsx

FILES = Path(__file__).parent / "files"


def xls(layout: str) -> bytes:
    return (FILES / f"roster-{layout}.xls").read_bytes()


def stored():
    return sorted(
        (h.code, h.classification, tuple(h.deprivations), h.reported_deprivations, h.member_count)
        + tuple(sorted((m.full_name, m.age, m.sex, m.education, m.employment) for m in h.members.all()))
        for h in Household.objects.all()
    )


def imported(data, name):
    result = roster_import(data, name)
    assert result.written, [p.line() for p in result.problems]
    households = stored()
    Household.objects.all().delete()
    return result.layout, households


def unreadable(data, name):
    with pytest.raises(UnreadableFile) as error:
        roster_import(data, name)
    assert not Household.objects.exists()
    return str(error.value)


@pytest.mark.parametrize("layout", list(LAYOUT_SHEETS))
def test_an_xls_and_an_ods_import_as_the_same_xlsx_in_every_layout(tree, layout):
    sheets = LAYOUT_SHEETS[layout]()
    expected = imported(xlsx(sheets), "ds.xlsx")
    assert expected[0] == layout and expected[1]
    assert imported(ods(sheets), "ds.ods") == expected
    assert imported(xls(layout), "ds.xls") == expected


@pytest.mark.parametrize("layout", list(LAYOUT_SHEETS))
def test_the_xls_fixtures_hold_the_cells_of_the_test_sheets(layout):
    book = python_calamine.CalamineWorkbook.from_path(str(FILES / f"roster-{layout}.xls"))
    for name, rows in LAYOUT_SHEETS[layout]().items():
        cells = book.get_sheet_by_name(name).to_python()
        assert [[c for c in row if c != ""] for row in cells] == [[c for c in row if c != ""] for row in rows]


@pytest.mark.parametrize("kind", ["ods", "xlsx"])
def test_a_bad_cell_is_located_the_same_in_an_ods(tree, kind):
    sheets = two_sheets_sheets()
    sheets["Hộ"][2][7] = "Lâu đài"  # Loại nhà of H2
    write = ods if kind == "ods" else xlsx
    with translation.override("vi"):
        result = roster_import(write(sheets), f"ds.{kind}")
    assert [p.line() for p in result.problems][:1] == [
        "Hộ!3, Loại nhà: “Lâu đài” không có trong danh mục: Nhà kiên cố, Nhà bán kiên cố, Nhà thiếu kiên cố, "
        "Nhà đơn sơ."
    ]
    assert not Household.objects.exists()


def test_a_formula_in_an_ods_is_a_located_error(tree):
    sheets = two_sheets_sheets()
    sheets["Hộ"][1][6] = "=1+1"  # Số nhân khẩu of H1, column G
    result = roster_import(ods(sheets), "ds.ods")
    assert "Hộ!2, G" in [p.line().split(":")[0] for p in result.problems]
    assert not Household.objects.exists()


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (
            xlsx(two_sheets_sheets()),
            "ds.ods",
            "là sổ tính Excel (.xlsx) nhưng tên tệp có đuôi .ods: hãy đổi đuôi thành .xlsx",
        ),
        (ods(two_sheets_sheets()), "ds.xlsx", "là bảng tính OpenDocument (.ods) nhưng tên tệp có đuôi .xlsx"),
        (ods(two_sheets_sheets()), "ds.xls", "là bảng tính OpenDocument (.ods) nhưng tên tệp có đuôi .xls"),
        (b"Ma ho;Thu nhap\nH1;100\n", "ds.ods", "không phải là bảng tính (.xlsx, .xls hoặc .ods)"),
        (b"\x00garbage" * 100, "ds.xls", "không phải là bảng tính (.xlsx, .xls hoặc .ods)"),
    ],
    ids=["xlsx-named-ods", "ods-named-xlsx", "ods-named-xls", "text-named-ods", "garbage-named-xls"],
)
def test_a_mislabelled_file_gets_a_vietnamese_message_naming_what_it_is(tree, data, name, says):
    with translation.override("vi"):
        assert says in unreadable(data, name)


def test_an_xls_named_xlsx_is_named_as_an_xls(tree):
    with translation.override("vi"):
        assert "là sổ tính Excel 97–2003 (.xls)" in unreadable(xls("two_sheets"), "ds.xlsx")


def test_a_damaged_xls_or_ods_is_damaged(tree):
    with translation.override("en"):
        assert "damaged" in unreadable(xls("two_sheets")[:3000], "ds.xls")
        assert "damaged" in unreadable(ods(two_sheets_sheets())[:400], "ds.ods")


def test_the_size_limit_holds_for_an_xls_and_an_ods(tree, settings):
    settings.ROSTER_MAX_UPLOAD_BYTES = 1000
    with translation.override("en"):
        assert "larger than" in unreadable(xls("two_sheets"), "ds.xls")
        assert "larger than" in unreadable(ods(two_sheets_sheets()) + b"\x00" * 1000, "ds.ods")
