"""Roster files built in memory for the import tests."""

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

import openpyxl

HOUSEHOLD_HEADER = [
    "Mã hộ",
    "Năm rà soát",
    "Mã đơn vị",
    "Họ tên chủ hộ",
    "Dân tộc",
    "Thu nhập bình quân",
    "Số nhân khẩu",
    "Loại nhà",
    "Số kết cấu không bền chắc",
    "Diện tích ở (m2)",
    "Nguồn nước",
    "Nhà tiêu",
    "Tivi",
    "Radio",
    "Máy tính",
    "Điện thoại thông minh",
    "Nghe được loa truyền thanh",
]
MEMBER_HEADER = [
    "Mã hộ",
    "Họ tên",
    "Tuổi",
    "Giới tính",
    "Trình độ học vấn",
    "Đang đi học",
    "Học đúng cấp",
    "Có thẻ BHYT",
    "Việc làm",
    "Có khả năng lao động",
    "Khuyết tật",
    "Trợ cấp xã hội hằng tháng",
    "Suy dinh dưỡng",
    "Ốm đau không chữa trị",
    "Dùng điện thoại",
    "Dùng internet",
    "Chứng chỉ đào tạo tại doanh nghiệp",
]


def household_row(
    code,
    unit="C1",
    income="1.200.000",
    members=2,
    year=2022,
    house="Bán kiên cố",
    area=30,
    water="Giếng khoan",
    latrine="Tự hoại",
    tv="x",
    phone="",
    ethnicity="Thái",
    head="Lò Văn A",
):
    return [code, year, unit, head, ethnicity, income, members, house, 1, area, water, latrine, tv, "", "", phone, "x"]


def member_row(
    code, name="Lò Văn A", age=40, sex="Nam", education="Tiểu học", insured="x", employment="Tự làm", school=""
):
    return [code, name, age, sex, education, school, "", insured, employment, "", "", "", "", "", "x", "", ""]


def xlsx(sheets: dict) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def two_sheets(households=None, members=None) -> bytes:
    households = households if households is not None else [household_row("H1"), household_row("H2", members=1)]
    members = (
        members
        if members is not None
        else [
            member_row("H1"),
            member_row("H1", "Lò Thị B", 12, "Nữ", "Tiểu học", "x", "Học sinh, sinh viên", "x"),
            member_row("H2", "Cầm Văn C", 35, employment="Làm công có hợp đồng"),
        ]
    )
    return xlsx({"Hộ": [HOUSEHOLD_HEADER, *households], "Thành viên": [MEMBER_HEADER, *members]})


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
)


def _ods_cell(value) -> str:
    if isinstance(value, str) and value.startswith("="):  # a formula, with the value a spreadsheet would cache
        return (
            f'<table:table-cell table:formula={quoteattr("of:" + value)} office:value-type="float" office:value="2"/>'
        )
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = "" if value is None else str(value)
        return f'<table:table-cell office:value-type="string"><text:p>{escape(text)}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="float" office:value="{value}"/>'


def ods(sheets: dict) -> bytes:
    """The same sheets as an OpenDocument spreadsheet, as LibreOffice Calc lays one out (mimetype first, stored)."""
    tables = "".join(
        f"<table:table table:name={quoteattr(name)}>"
        + "".join(f"<table:table-row>{''.join(_ods_cell(v) for v in row)}</table:table-row>" for row in rows)
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest {_ODS_NS} manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def member_rows_sheets() -> dict:
    """The layout of a row per member: H1 with two members, H2 with one."""
    header = HOUSEHOLD_HEADER + MEMBER_HEADER[1:]
    rows = [
        household_row("H1") + member_row("H1")[1:],
        household_row("H1") + member_row("H1", "Lò Thị B", 12, "Nữ", "Tiểu học", "x", "Học sinh, sinh viên", "x")[1:],
        household_row("H2", members=1) + member_row("H2", "Cầm Văn C", 35, employment="Làm công có hợp đồng")[1:],
    ]
    return {"Danh sách": [header, *rows]}


def answers_sheets() -> dict:
    """The answers layout: a row per household, its deprivations ticked."""
    header = ["Mã hộ", "Năm rà soát", "Mã đơn vị", "Họ tên chủ hộ", "Dân tộc", "Thu nhập bình quân", "Số nhân khẩu"]
    header += ["Thiếu hụt việc làm", "Nguồn nước sinh hoạt", "Nhà tiêu hợp vệ sinh"]
    rows = [
        ["H1", 2022, "C1", "Lò Văn A", "Thái", 1_200_000, 2, "x", "x", ""],
        ["H2", 2022, "C1", "B", "Kinh", 900_000, 1],
    ]
    return {"Danh sách": [header, rows[0], rows[1] + ["", "", "x"]]}


def two_sheets_sheets() -> dict:
    households = [household_row("H1"), household_row("H2", members=1)]
    members = [
        member_row("H1"),
        member_row("H1", "Lò Thị B", 12, "Nữ", "Tiểu học", "x", "Học sinh, sinh viên", "x"),
        member_row("H2", "Cầm Văn C", 35, employment="Làm công có hợp đồng"),
    ]
    return {"Hộ": [HOUSEHOLD_HEADER, *households], "Thành viên": [MEMBER_HEADER, *members]}


LAYOUT_SHEETS = {"two_sheets": two_sheets_sheets, "member_rows": member_rows_sheets, "answers": answers_sheets}
