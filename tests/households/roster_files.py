"""Roster files built in memory for the import tests."""

import io

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
