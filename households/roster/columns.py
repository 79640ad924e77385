"""The columns and labels of commune rosters (docs/domain/roster-columns.md), matched the way people type
them: any case, with or without diacritics, extra spaces, Vietnamese or English header. Pure: no Django."""

import re
import unicodedata
from dataclasses import dataclass

from ..standards.names import DEPRIVATION_NAMES

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text) -> str:
    """'  MÃ  HỘ ' → 'ma ho'; 'Diện tích ở (m2)' → 'dien tich o m2'."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    return _NOT_WORD.sub(" ", text).strip()


@dataclass(frozen=True)
class Column:
    key: str  # field in the household JSON form (or a roster-only key)
    vi: str
    en: str
    kind: str  # text, int, number, bool, choice, year, date
    # (label, code) pairs for kind == "choice" or "ethnicity": older spellings the import accepts besides the labels
    # of households.choices.column_labels, which the form, the templates and the export show.
    labels: tuple = ()
    default: object = None  # value of an empty cell for booleans
    aliases: tuple = ()


WATER = (
    ("Nước máy", "piped"),
    ("Giếng khoan", "drilled_well"),
    ("Giếng đào được bảo vệ", "protected_dug_well"),
    ("Giếng đào không được bảo vệ", "unprotected_dug_well"),
    ("Nước khe/mó được bảo vệ", "protected_spring"),
    ("Nước khe/mó không được bảo vệ", "unprotected_spring"),
    ("Nước mưa", "rainwater"),
    ("Nước đóng chai, bình", "bottled"),
    ("Sông, suối, ao, hồ", "river_pond"),
    ("Khác", "other"),
)
LATRINE = (
    ("Tự hoại", "septic"),
    ("Bán tự hoại", "semi_septic"),
    ("Dội nước", "pour_flush"),
    ("Hai ngăn", "double_vault"),
    ("Chìm có ống thông hơi", "ventilated_pit"),
    ("Hố đào", "open_pit"),
    ("Cầu", "hanging"),
    ("Không có", "none"),
)
EDUCATION = (
    ("Chưa đi học", "none"),
    ("Tiểu học", "primary"),
    ("THCS", "lower_secondary"),
    ("THPT", "upper_secondary"),
    ("Sơ cấp", "vocational_elementary"),
    ("Trung cấp", "vocational_intermediate"),
    ("Cao đẳng", "vocational_college"),
    ("Đại học trở lên", "university"),
)
EMPLOYMENT = (
    ("Làm công có hợp đồng", "wage_contract"),
    ("Làm công không hợp đồng", "wage_no_contract"),
    ("Tự làm", "self_employed"),
    ("Thất nghiệp", "unemployed"),
    ("Không hoạt động kinh tế", "inactive"),
    ("Học sinh, sinh viên", "student"),
    ("Nghỉ hưu", "retired"),
    ("Trẻ em", "child"),
)
HOUSE = (
    ("Kiên cố", "kien_co"),
    ("Bán kiên cố", "ban_kien_co"),
    ("Thiếu kiên cố", "thieu_kien_co"),
    ("Đơn sơ", "don_so"),
)
AREA = (("Nông thôn", "rural"), ("Thành thị", "urban"))
WASTE = (
    ("Được thu gom", "collected"),
    ("Tự xử lý hợp vệ sinh", "treated_on_site"),
    ("Không thu gom, không xử lý", "untreated"),
)
SEX = (("Nam", "M"), ("Nữ", "F"))
ETHNICITY = (
    ("Kinh", "kinh"),
    ("Khmer", "khmer"),
    ("Hoa", "hoa"),
    ("Thái", "thai"),
    ("Mông", "mong"),
    ("H'Mông", "mong"),
    ("Mường", "muong"),
    ("Dao", "dao"),
    ("Kháng", "khang"),
    ("Xinh Mun", "xinh_mun"),
    ("La Ha", "la_ha"),
    ("Khác", "other"),
)

HOUSEHOLD_COLUMNS = (
    Column("code", "Mã hộ", "Household code", "text"),
    Column("survey_year", "Năm rà soát", "Survey year", "year"),
    Column("unit", "Mã đơn vị", "Unit code", "text"),
    Column("head_name", "Họ tên chủ hộ", "Head of household", "text"),
    Column("ethnicity", "Dân tộc", "Ethnic group", "ethnicity", ETHNICITY),
    Column("area_type", "Khu vực", "Area", "choice", AREA),
    Column("income_per_capita", "Thu nhập bình quân", "Income per capita", "int"),
    Column("member_count", "Số nhân khẩu", "Members", "int"),
    Column("house_class", "Loại nhà", "House class", "choice", HOUSE),
    Column("nondurable_structures", "Số kết cấu không bền chắc", "Non-durable structures", "int"),
    Column("floor_area_m2", "Diện tích ở (m2)", "Floor area (m2)", "number", aliases=("Diện tích ở",)),
    Column("water_source", "Nguồn nước", "Water source", "choice", WATER),
    Column("latrine", "Nhà tiêu", "Latrine", "choice", LATRINE),
    Column("tv", "Tivi", "TV", "bool"),
    Column("radio", "Radio", "Radio", "bool"),
    Column("computer", "Máy tính", "Computer", "bool"),
    Column("smartphone", "Điện thoại thông minh", "Smartphone", "bool"),
    Column("loudspeaker_audible", "Nghe được loa truyền thanh", "Hears the loudspeaker", "bool"),
    # Asked from the end-2026 review on (Decree 351/2025); a blank cell: not surveyed.
    Column("waste_disposal", "Rác thải sinh hoạt", "Household waste", "choice", WASTE),
)
DWELLING_KEYS = (
    "house_class",
    "nondurable_structures",
    "floor_area_m2",
    "water_source",
    "latrine",
    "tv",
    "radio",
    "computer",
    "smartphone",
    "loudspeaker_audible",
    "waste_disposal",
)
ASSET_KEYS = ("tv", "radio", "computer", "smartphone")

MEMBER_COLUMNS = (
    Column("code", "Mã hộ", "Household code", "text"),
    Column("full_name", "Họ tên", "Full name", "text"),
    Column("age", "Tuổi", "Age", "int"),
    Column("birth_date", "Ngày sinh", "Date of birth", "date"),
    Column("sex", "Giới tính", "Sex", "choice", SEX),
    Column("education", "Trình độ học vấn", "Education", "choice", EDUCATION),
    Column("in_school", "Đang đi học", "In school", "bool", default=False),
    Column("on_track", "Học đúng cấp", "At the right level", "bool", default=True),
    Column("health_insurance", "Có thẻ BHYT", "Health insurance", "bool", default=False),
    Column("employment", "Việc làm", "Employment", "choice", EMPLOYMENT),
    Column("able_to_work", "Có khả năng lao động", "Able to work", "bool", default=True),
    Column("disabled", "Khuyết tật", "Disabled", "bool", default=False),
    Column("social_allowance", "Trợ cấp xã hội hằng tháng", "Monthly social allowance", "bool", default=False),
    Column("malnourished", "Suy dinh dưỡng", "Malnourished", "bool", default=False),
    Column("sick_untreated", "Ốm đau không chữa trị", "Sick untreated", "bool", default=False),
    Column("uses_phone", "Dùng điện thoại", "Uses phone", "bool", default=False),
    Column("uses_internet", "Dùng internet", "Uses internet", "bool", default=False),
    Column(
        "job_training_certificate",
        "Chứng chỉ đào tạo tại doanh nghiệp",
        "On-the-job training certificate",
        "bool",
        default=False,
    ),
)
SURVEY_YEAR = HOUSEHOLD_COLUMNS[1]
# The members sheet of the two-sheet layout may name each member's survey year too: a file of several years holds the
# same household code once a year, and the year says which of them a member belongs to.
MEMBER_SHEET_COLUMNS = (MEMBER_COLUMNS[0], SURVEY_YEAR, *MEMBER_COLUMNS[1:])
MEMBER_ONLY = (
    "full_name",
    "age",
    "birth_date",
    "sex",
    "education",
    "in_school",
    "on_track",
    "health_insurance",
    "able_to_work",
    "disabled",
)

# The indicators by their names in the catalogue (households/standards/names.py). "Việc làm" names the employment
# deprivation in the answers layout only: beside members, it is a member's employment, and the deprivation is
# "Thiếu hụt việc làm". Older files headed an indicator by its code in English or by a shorter Vietnamese name.
SHORTER_HEADERS = {"dependents": "Người phụ thuộc", "health_access": "Tiếp cận dịch vụ y tế"}
INDICATOR_COLUMNS = tuple(
    Column(
        f"ind:{code}",
        *DEPRIVATION_NAMES[code],
        "bool",
        aliases=(
            ("Thiếu hụt việc làm", "Employment deprivation")
            if code == "employment"
            else tuple(x for x in (SHORTER_HEADERS.get(code), code.replace("_", " ").capitalize()) if x)
        ),
    )
    for code in (
        "employment",
        "dependents",
        "nutrition",
        "health_insurance",
        "health_access",
        "adult_education",
        "child_school",
        "housing_quality",
        "housing_area",
        "water",
        "latrine",
        "telecom",
        "information_assets",
        "information_means",
        "waste",
    )
)

HOUSEHOLD_SHEETS = ("Hộ", "Households", "Ho gia dinh", "Hộ gia đình")
MEMBER_SHEETS = ("Thành viên", "Members", "Nhân khẩu")

TRUE_MARKS = ("✓", "✔", "☑")  # normalise() would drop these
TRUE = {"x", "co", "1", "true", "yes", "v"}
FALSE = {normalise(v) for v in ("", "0", "không", "false", "no", "khong")}


def header_index(columns) -> dict[str, Column]:
    """Normalised header (Vietnamese, English, alias, or the field name itself) → column."""
    index = {}
    for column in columns:
        for name in (column.vi, column.en, column.key, *column.aliases):
            index.setdefault(normalise(name), column)
    return index


def label_index(labels) -> dict[str, str]:
    """Normalised label or code → code; the first pair that gives a label wins."""
    index = {}
    for label, code in labels:
        index.setdefault(normalise(label), code)
        index.setdefault(normalise(code), code)
        index.setdefault(code, code)
    return index


def is_sheet(name: str, names) -> bool:
    return normalise(name) in {normalise(n) for n in names}
