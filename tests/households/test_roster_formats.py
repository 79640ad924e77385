"""Files as communes keep them (issue 25, point 14): .xls (Excel 97–2003) and .ods (LibreOffice Calc) rosters
import in every layout exactly as the same .xlsx does, under the same checks; a file whose name lies about what it
is gets a message naming both.

The .xls files in files/ were made once with xlwt 1.3.0 from LAYOUT_SHEETS of roster_files.py (a test below checks
that they still hold those cells); the .ods files are written here. The *.libreoffice.* files were saved by LibreOffice
Calc 7.4 itself (`soffice --headless --convert-to`: the .xlsx of LAYOUT_SHEETS opened and saved as .ods, then that
.ods saved as .xlsx and as .xls), as a commune office would save them."""

import io
import time
import zipfile
from pathlib import Path

import pytest
import python_calamine
from django.utils import translation

from households.models import Household
from households.roster.reader import UnreadableFile, _ods_formulas
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


def _saved_by(data: bytes, kind: str) -> str:
    """The application a zipped spreadsheet says wrote it: docProps/app.xml of an .xlsx, meta.xml of an .ods."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("docProps/app.xml" if kind == "xlsx" else "meta.xml").decode()


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
@pytest.mark.parametrize("layout", list(LAYOUT_SHEETS))
def test_a_roster_saved_by_libreoffice_calc_imports_as_excels_does(tree, layout, kind):
    data = (FILES / f"roster-{layout}.libreoffice.{kind}").read_bytes()
    if kind != "xls":  # (an .xls names no application)
        assert "LibreOffice/7" in _saved_by(data, kind)  # written by Calc, not by the test's own writer
    expected = imported(xlsx(LAYOUT_SHEETS[layout]()), "ds.xlsx")
    assert imported(data, f"ds.{kind}") == expected


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


@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_a_formula_is_a_located_error_as_in_an_xlsx(tree, kind):
    # roster-formula.xls: the two-sheet roster with =0+1 as the member count of H2 (Hộ!G3)
    sheets = two_sheets_sheets()
    sheets["Hộ"][2][6] = "=0+1"
    data = ods(sheets) if kind == "ods" else (FILES / "roster-formula.xls").read_bytes()
    with translation.override("en"):
        result = roster_import(data, f"ds.{kind}")
    assert "Hộ!3, G: the cell holds a formula; paste values only (Paste Special → Values)" in [
        p.line() for p in result.problems
    ]
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


def test_an_ods_zip_bomb_is_refused_without_inflating_it(tree):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        target.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        with target.open("content.xml", "w", force_zip64=True) as content:
            content.write(b"<office:document-content><office:body><office:spreadsheet><table:table><text:p>")
            block = b" " * (16 * 1024 * 1024)
            for _ in range(16):  # 256 MiB of spaces
                content.write(block)
            content.write(b"</text:p></table:table></office:spreadsheet></office:body></office:document-content>")
    data = out.getvalue()
    assert len(data) < 3 * 1024 * 1024
    started = time.perf_counter()
    with translation.override("en"):
        assert "inflates to far more data" in unreadable(data, "bomb.ods")
    assert time.perf_counter() - started < 5


def test_formulas_are_found_past_repeated_rows_and_cells_of_an_ods():
    ns = 'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    content = (
        f'<table:table {ns} table:name="Hộ"><table:table-row table:number-rows-repeated="3"><table:table-cell/>'
        "</table:table-row><table:table-row>"
        '<table:table-cell table:number-columns-repeated="27"/><table:covered-table-cell/>'
        '<table:table-cell table:formula="of:=1"/></table:table-row></table:table>'
    )
    assert _ods_formulas(io.BytesIO(content.encode())) == {"Hộ": ["AC4"]}
