"""The "Hướng dẫn" sheet of each roster template: for every column, what it means, its unit, whether it is required,
the values it takes (the labels of households.choices.column_labels, as the drop-down lists) and what a blank cell
means — what the import does (households/roster/layouts.py). In Vietnamese, like the templates' headers."""

from openpyxl.styles import Alignment, Font

from ..choices import column_labels

GUIDE_SHEET = "Hướng dẫn"
HEADERS = ("Trang tính", "Cột", "Ý nghĩa", "Đơn vị", "Bắt buộc", "Giá trị cho phép", "Ô trống nghĩa là")
_NO = "Không"
_YES = "x (có); để trống hoặc 0 (không)"

# key: (meaning, unit, required, what a blank cell means)
COLUMNS = {
    "code": ("Mã của hộ, không trùng trong cùng một năm rà soát", "", "Có", "Lỗi"),
    "survey_year": (
        "Năm rà soát; năm quyết định chuẩn nghèo áp dụng",
        "năm",
        "Có, trừ khi chọn năm rà soát lúc nhập tệp",
        "Năm chọn lúc nhập tệp",
    ),
    "unit": ("Mã chính thức của xã (hoặc thôn, ấp, bản) nơi hộ sinh sống", "", "Có", "Lỗi"),
    "head_name": ("Họ và tên chủ hộ", "", _NO, "Không ghi tên"),
    "ethnicity": ("Dân tộc của chủ hộ; tên không có trong danh sách được ghi là “Khác”", "", _NO, "Kinh"),
    "area_type": ("Khu vực của hộ, quyết định chuẩn thu nhập áp dụng", "", _NO, "Theo khu vực của đơn vị"),
    "income_per_capita": (
        "Thu nhập bình quân đầu người của hộ",
        "đồng/người/tháng",
        "Có",
        "Lỗi",
    ),
    "member_count": (
        "Số nhân khẩu của hộ",
        "người",
        "Có, khi không liệt kê thành viên",
        "Số thành viên được liệt kê",
    ),
    "house_class": ("Loại nhà ở", "", "Có, khi liệt kê thành viên", "Lỗi khi liệt kê thành viên"),
    "nondurable_structures": (
        "Số kết cấu chính (tường, cột, mái) làm bằng vật liệu không bền chắc",
        "kết cấu (0–3)",
        _NO,
        "0",
    ),
    "floor_area_m2": ("Diện tích nhà ở của cả hộ", "m²", "Có, khi liệt kê thành viên", "Lỗi khi liệt kê thành viên"),
    "water_source": ("Nguồn nước sinh hoạt chính", "", "Có, khi liệt kê thành viên", "Lỗi khi liệt kê thành viên"),
    "latrine": ("Loại nhà tiêu hộ sử dụng", "", "Có, khi liệt kê thành viên", "Lỗi khi liệt kê thành viên"),
    "waste_disposal": (
        "Cách hộ xử lý rác thải sinh hoạt (chỉ số của Nghị định 351/2025 từ năm rà soát 2026)",
        "",
        _NO,
        "Chưa khảo sát",
    ),
    "tv": ("Hộ có tivi", "", _NO, "Không có"),
    "radio": ("Hộ có radio", "", _NO, "Không có"),
    "computer": ("Hộ có máy tính", "", _NO, "Không có"),
    "smartphone": ("Hộ có điện thoại thông minh", "", _NO, "Không có"),
    "loudspeaker_audible": ("Hộ nghe được loa truyền thanh của xã, thôn", "", _NO, "Không nghe được"),
    "full_name": ("Họ và tên thành viên", "", _NO, "Không ghi tên"),
    "age": ("Tuổi tròn của thành viên", "năm", "Có (hoặc Ngày sinh)", "Tính từ Ngày sinh; lỗi nếu không có"),
    "birth_date": ("Ngày sinh, thay cho Tuổi", "ngày/tháng/năm", _NO, "Dùng cột Tuổi"),
    "sex": ("Giới tính", "", _NO, "Không ghi"),
    "education": ("Trình độ học vấn cao nhất đã đạt", "", _NO, "Không ghi"),
    "in_school": ("Thành viên đang đi học", "", _NO, "Không đi học"),
    "on_track": ("Thành viên đang đi học đúng cấp học theo tuổi", "", _NO, "Đúng cấp"),
    "health_insurance": ("Thành viên có thẻ bảo hiểm y tế còn hạn", "", _NO, "Không có thẻ"),
    "employment": ("Việc làm của thành viên", "", _NO, "Không ghi"),
    "able_to_work": ("Thành viên có khả năng lao động", "", _NO, "Có khả năng lao động"),
    "disabled": ("Thành viên khuyết tật", "", _NO, "Không khuyết tật"),
    "social_allowance": ("Thành viên hưởng trợ cấp xã hội hằng tháng", "", _NO, "Không hưởng"),
    "malnourished": ("Trẻ em suy dinh dưỡng", "", _NO, "Không"),
    "sick_untreated": ("Ốm đau mà không khám chữa bệnh", "", _NO, "Không"),
    "uses_phone": ("Thành viên dùng điện thoại", "", _NO, "Không dùng"),
    "uses_internet": ("Thành viên dùng internet", "", _NO, "Không dùng"),
    "job_training_certificate": ("Có chứng chỉ đào tạo tại doanh nghiệp", "", _NO, "Không có"),
}
_INDICATOR = (
    "Hộ thiếu hụt chỉ số này theo chuẩn nghèo của năm rà soát (chỉ số ngoài chuẩn của năm là lỗi)",
    "",
    _NO,
    "Không thiếu hụt",
)
_VALUES = {
    "text": "Chữ hoặc số",
    "int": "Số nguyên, ví dụ 1.200.000",
    "number": "Số, ví dụ 30 hoặc 30,5",
    "year": "Năm, ví dụ 2024",
    "date": "Ngày/tháng/năm, ví dụ 02/10/1982",
    "bool": _YES,
}


def allowed_values(column) -> str:
    if column.kind in ("choice", "ethnicity"):
        return "; ".join(label for label, _code in column_labels(column.key))
    return _VALUES[column.kind]


def guide_rows(sheets) -> list[list[str]]:
    """sheets: [(sheet title, its columns)] → a row per column."""
    rows = []
    for title, columns in sheets:
        for column in columns:
            meaning, unit, required, blank = COLUMNS.get(column.key, _INDICATOR)
            rows.append([title, column.vi, meaning, unit, required, allowed_values(column), blank])
    return rows


def guide_sheet(book, sheets) -> None:
    """sheets: [(worksheet, its columns)]; the guide goes last, after the sheets it describes."""
    guide = book.create_sheet(GUIDE_SHEET)
    guide.append(list(HEADERS))
    for row in guide_rows([(sheet.title, columns) for sheet, columns in sheets]):
        guide.append(row)
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFG", (12, 26, 48, 16, 22, 60, 30), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide.freeze_panes = "A2"
