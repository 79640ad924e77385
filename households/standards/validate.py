"""Turn the JSON form of a household (household-json.md) into a record, or say exactly what is wrong."""

from datetime import date

from .records import (
    ASSETS,
    EDUCATION_LEVELS,
    EMPLOYMENT,
    HOUSE_CLASSES,
    LATRINES,
    WATER_SOURCES,
    Dwelling,
    HouseholdRecord,
    Member,
    Standard,
)

MAX_AGE = 120
_MEMBER_FLAGS = (
    "in_school", "on_track", "health_insurance", "able_to_work", "disabled", "social_allowance",
    "malnourished", "sick_untreated", "uses_phone", "uses_internet", "job_training_certificate",
)
_MEMBER_CHOICES = {"sex": ("M", "F"), "education": EDUCATION_LEVELS, "employment": EMPLOYMENT}
_DWELLING_CHOICES = {"house_class": HOUSE_CLASSES, "water_source": WATER_SOURCES, "latrine": LATRINES}


class RecordError(ValueError):
    def __init__(self, code, errors: list[dict]):
        self.code, self.errors = code, errors
        where = f"hộ {code}" if code else "hộ (không có mã)"
        super().__init__(f"{where}: " + "; ".join(f"{e['field']}: {e['message']}" for e in errors))


class _Errors(list):
    def add(self, field, message):
        self.append({"field": field, "message": message})


def _int(data, key, errors, field, minimum=None, maximum=None, required=True):
    value = data.get(key)
    if value is None:
        if required:
            errors.add(field, "bắt buộc phải có")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        errors.add(field, f"phải là số nguyên, nhận được {value!r}")
        return None
    value = int(value)
    if minimum is not None and value < minimum:
        errors.add(field, f"không được nhỏ hơn {minimum}, nhận được {value}")
    elif maximum is not None and value > maximum:
        errors.add(field, f"không được lớn hơn {maximum}, nhận được {value}")
    return value


def _choice(data, key, choices, errors, field, default=None):
    value = data.get(key, default)
    if value not in choices:
        errors.add(field, f"giá trị {value!r} không hợp lệ; chọn một trong: {', '.join(choices)}")
    return value


def _member(data, i, errors) -> Member | None:
    field = f"members[{i}]"
    if not isinstance(data, dict):
        errors.add(field, "phải là một đối tượng")
        return None
    before = len(errors)
    age = _int(data, "age", errors, f"{field}.age", 0, MAX_AGE)
    values = {k: _choice(data, k, c, errors, f"{field}.{k}", Member.__dataclass_fields__[k].default)
              for k, c in _MEMBER_CHOICES.items()}
    for flag in _MEMBER_FLAGS:
        value = data.get(flag, Member.__dataclass_fields__[flag].default)
        if not isinstance(value, bool):
            errors.add(f"{field}.{flag}", f"phải là true hoặc false, nhận được {value!r}")
        values[flag] = value
    return Member(age=age, **values) if len(errors) == before else None


def _dwelling(data, errors) -> Dwelling | None:
    if not isinstance(data, dict):
        errors.add("dwelling", "phải là một đối tượng")
        return None
    before = len(errors)
    values = {k: _choice(data, k, c, errors, f"dwelling.{k}") for k, c in _DWELLING_CHOICES.items()}
    values["nondurable_structures"] = _int(data, "nondurable_structures", errors,
                                           "dwelling.nondurable_structures", 0, 3, required=False) or 0
    area = data.get("floor_area_m2")
    if isinstance(area, bool) or not isinstance(area, (int, float)) or area < 0:
        errors.add("dwelling.floor_area_m2", f"phải là số không âm (m²), nhận được {area!r}")
    assets = data.get("assets", [])
    if not isinstance(assets, list) or any(a not in ASSETS for a in assets):
        errors.add("dwelling.assets", f"chỉ gồm: {', '.join(ASSETS)}; nhận được {assets!r}")
    loudspeaker = data.get("loudspeaker_audible", False)
    if not isinstance(loudspeaker, bool):
        errors.add("dwelling.loudspeaker_audible", "phải là true hoặc false")
    if len(errors) > before:
        return None
    return Dwelling(floor_area_m2=float(area), assets=frozenset(assets), loudspeaker_audible=loudspeaker, **values)


def _reference_year(data, errors) -> int | None:
    if "reference_date" in data:
        try:
            return date.fromisoformat(str(data["reference_date"])).year
        except ValueError:
            errors.add("reference_date", f"ngày không hợp lệ (YYYY-MM-DD): {data['reference_date']!r}")
            return None
    return _int(data, "survey_year", errors, "survey_year", 1900, 2100)


def _standard(data, year, standards: dict[str, Standard], errors) -> Standard | None:
    code = data.get("standard")
    if code is not None:
        if code not in standards:
            errors.add("standard", f"chuẩn nghèo {code!r} không tồn tại; có: {', '.join(standards)}")
            return None
        return standards[code]
    survey_year = data.get("survey_year", year)
    if survey_year is None:
        return None
    for standard in standards.values():
        if standard.covers(survey_year):
            return standard
    errors.add("survey_year", f"không có chuẩn nghèo nào áp dụng cho năm {survey_year}")
    return None


def parse_household(data, standards: dict[str, Standard]) -> tuple[HouseholdRecord, Standard]:
    """Validate one household in its JSON form. Raises RecordError naming every bad field."""
    if not isinstance(data, dict):
        raise RecordError(None, [{"field": "", "message": "mỗi hộ phải là một đối tượng JSON"}])
    errors = _Errors()
    code = data.get("code")
    if not isinstance(code, str) or not code.strip():
        errors.add("code", "bắt buộc phải có mã hộ")
    area_type = _choice(data, "area_type", ("rural", "urban"), errors, "area_type")
    income = _int(data, "income_per_capita", errors, "income_per_capita", 0)
    year = _reference_year(data, errors)
    standard = _standard(data, year, standards, errors)

    members = None
    if "members" in data:
        raw = data["members"]
        if not isinstance(raw, list) or not raw:
            errors.add("members", "phải là danh sách có ít nhất một thành viên")
        else:
            parsed = [_member(m, i, errors) for i, m in enumerate(raw)]
            members = tuple(parsed) if all(parsed) else None
    member_count = _int(data, "member_count", errors, "member_count", 1, 100, required="members" not in data)
    if member_count is not None and "members" in data and isinstance(data["members"], list):
        if member_count != len(data["members"]):
            errors.add("member_count", f"ghi {member_count} thành viên nhưng danh sách có {len(data['members'])}")
    dwelling = _dwelling(data["dwelling"], errors) if "dwelling" in data else None
    if ("members" in data) != ("dwelling" in data):
        errors.add("dwelling" if "members" in data else "members",
                   "dữ liệu chi tiết cần cả members và dwelling")

    answers = None
    if "deprivations" in data:
        raw = data["deprivations"]
        if not isinstance(raw, list):
            errors.add("deprivations", "phải là danh sách tên chỉ số")
        elif standard is not None:
            unknown = [name for name in raw if name not in standard.indicator_rules]
            if unknown:
                errors.add("deprivations", f"chỉ số không có trong chuẩn {standard.code}: {', '.join(map(str, unknown))}")
            else:
                answers = frozenset(raw)
    elif "members" not in data:
        errors.add("deprivations", "cần danh sách chỉ số thiếu hụt hoặc dữ liệu thành viên và nhà ở")

    if errors:
        raise RecordError(code if isinstance(code, str) else None, errors)
    record = HouseholdRecord(
        code=code, area_type=area_type, income_per_capita=income,
        reference_year=year if year is not None else standard.first_year,
        member_count=member_count if member_count is not None else len(members),
        members=members, dwelling=dwelling, answers=answers,
    )
    return record, standard
