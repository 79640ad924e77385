"""Turn the JSON form of a household (household-json.md) into a record, or say exactly what is wrong.

The bounds of a record live here, once: the classify API, the forms, the admin, the model's validators
and constraints, and the roster import all read BOUNDS, so a value refused in one path is refused in all."""

import math
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
MAX_MEMBERS = 100
MAX_INCOME_PER_CAPITA = 1_000_000_000  # VND per person per month: far above any real income, far below overflow
MAX_FLOOR_AREA_M2 = 10_000
MAX_NONDURABLE_STRUCTURES = 3  # walls, columns, roof
MIN_SURVEY_YEAR, MAX_SURVEY_YEAR = 1900, 2100
MAX_CODE_LENGTH = 40
MAX_HOUSEHOLDS_PER_REQUEST = 10_000
# field: (minimum, maximum), both included
BOUNDS = {
    "age": (0, MAX_AGE),
    "member_count": (1, MAX_MEMBERS),
    "income_per_capita": (0, MAX_INCOME_PER_CAPITA),
    "floor_area_m2": (0, MAX_FLOOR_AREA_M2),
    "nondurable_structures": (0, MAX_NONDURABLE_STRUCTURES),
    "survey_year": (MIN_SURVEY_YEAR, MAX_SURVEY_YEAR),
}

_MEMBER_FLAGS = (
    "in_school", "on_track", "health_insurance", "able_to_work", "disabled", "social_allowance",
    "malnourished", "sick_untreated", "uses_phone", "uses_internet", "job_training_certificate",
)
_MEMBER_CHOICES = {"sex": ("M", "F"), "education": EDUCATION_LEVELS, "employment": EMPLOYMENT}
_DWELLING_CHOICES = {"house_class": HOUSE_CLASSES, "water_source": WATER_SOURCES, "latrine": LATRINES}


def vn_number(value) -> str:
    """1000000 → 1.000.000, 2.5 → 2,5: how a message shows a number."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    whole, _, fraction = f"{value:,}".partition(".")
    return whole.replace(",", ".") + ("," + fraction if fraction else "")


def _shown(value) -> str:
    """The value as a message quotes it, cut short: a message never echoes a whole request."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def bound_error(name: str, value) -> str | None:
    """The message for a number outside BOUNDS[name], or None: for paths that have already read the number."""
    low, high = BOUNDS[name]
    if value < low:
        return f"không được nhỏ hơn {vn_number(low)}, nhận được {vn_number(value)}"
    if value > high:
        return f"không được lớn hơn {vn_number(high)}, nhận được {vn_number(value)}"
    return None


class RecordError(ValueError):
    def __init__(self, code, errors: list[dict]):
        self.code, self.errors = code, errors
        where = f"hộ {code}" if code else "hộ (không có mã)"
        super().__init__(f"{where}: " + "; ".join(f"{e['field']}: {e['message']}" for e in errors))


class _Errors(list):
    def add(self, field, message):
        self.append({"field": field, "message": message})


def _number(data, key, errors, field, bound=None, required=True, integer=True):
    """The number at data[key] within BOUNDS[bound], or None after adding the error. JSON gives ints and
    floats; NaN, Infinity and 1e400 (read as infinity) are refused, as are strings and booleans."""
    value = data.get(key)
    if value is None:
        if required:
            errors.add(field, "bắt buộc phải có")
        return None
    kind = "số nguyên" if integer else "số"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        errors.add(field, f"phải là {kind}, nhận được {_shown(value)}")
        return None
    if isinstance(value, float) and not math.isfinite(value):
        errors.add(field, f"phải là {kind} hữu hạn, nhận được {_shown(value)}")
        return None
    if integer:
        if value != int(value):
            errors.add(field, f"phải là số nguyên, nhận được {vn_number(value)}")
            return None
        value = int(value)
    message = bound_error(bound or key, value)
    if message:
        errors.add(field, message)
        return None
    return value


def _choice(data, key, choices, errors, field, default=None):
    value = data.get(key, default)
    if not isinstance(value, str) or value not in choices:
        errors.add(field, f"giá trị {_shown(value)} không hợp lệ; chọn một trong: {', '.join(choices)}")
    return value


_MEMBER_DEFAULTS = {k: f.default for k, f in Member.__dataclass_fields__.items() if k != "age"}
_MEMBER_ALLOWED = {k: frozenset(c) for k, c in _MEMBER_CHOICES.items()}


def _valid_member(data: dict) -> Member | None:
    """The member when every field is right (nearly always, and a roster has hundreds of thousands), else
    None: `_member` then names each wrong field."""
    age = data.get("age")
    low, high = BOUNDS["age"]
    if type(age) is not int or not low <= age <= high:
        return None
    values = {}
    for key, default in _MEMBER_DEFAULTS.items():
        value = data.get(key, default)
        allowed = _MEMBER_ALLOWED.get(key)
        if (type(value) is not str or value not in allowed) if allowed is not None else type(value) is not bool:
            return None
        values[key] = value
    return Member(age=age, **values)


def _member(data, i, errors) -> Member | None:
    if type(data) is dict and (member := _valid_member(data)) is not None:
        return member
    field = f"members[{i}]"
    if not isinstance(data, dict):
        errors.add(field, "phải là một đối tượng")
        return None
    before = len(errors)
    age = _number(data, "age", errors, f"{field}.age")
    values = {k: _choice(data, k, c, errors, f"{field}.{k}", Member.__dataclass_fields__[k].default)
              for k, c in _MEMBER_CHOICES.items()}
    for flag in _MEMBER_FLAGS:
        value = data.get(flag, Member.__dataclass_fields__[flag].default)
        if not isinstance(value, bool):
            errors.add(f"{field}.{flag}", f"phải là true hoặc false, nhận được {_shown(value)}")
        values[flag] = value
    return Member(age=age, **values) if len(errors) == before else None


def _dwelling(data, errors) -> Dwelling | None:
    if not isinstance(data, dict):
        errors.add("dwelling", "phải là một đối tượng")
        return None
    before = len(errors)
    values = {k: _choice(data, k, c, errors, f"dwelling.{k}") for k, c in _DWELLING_CHOICES.items()}
    values["nondurable_structures"] = _number(data, "nondurable_structures", errors,
                                              "dwelling.nondurable_structures", required=False) or 0
    area = _number(data, "floor_area_m2", errors, "dwelling.floor_area_m2", integer=False)
    assets = data.get("assets", [])
    if not isinstance(assets, list) or any(not isinstance(a, str) or a not in ASSETS for a in assets):
        errors.add("dwelling.assets", f"chỉ gồm: {', '.join(ASSETS)}; nhận được {_shown(assets)}")
    loudspeaker = data.get("loudspeaker_audible", False)
    if not isinstance(loudspeaker, bool):
        errors.add("dwelling.loudspeaker_audible", "phải là true hoặc false")
    if len(errors) > before:
        return None
    return Dwelling(floor_area_m2=float(area), assets=frozenset(assets), loudspeaker_audible=loudspeaker, **values)


def _reference_year(data, errors) -> int | None:
    if "reference_date" in data:
        raw = data["reference_date"]
        try:
            year = date.fromisoformat(raw).year if isinstance(raw, str) else None
        except ValueError:
            year = None
        if year is None:
            errors.add("reference_date", f"ngày không hợp lệ (YYYY-MM-DD): {_shown(raw)}")
            return None
        message = bound_error("survey_year", year)
        if message:
            errors.add("reference_date", message)
            return None
        return year
    return _number(data, "survey_year", errors, "survey_year")


def _standard(data, year, standards: dict[str, Standard], errors) -> Standard | None:
    code = data.get("standard")
    if code is not None:
        if not isinstance(code, str) or code not in standards:
            errors.add("standard", f"chuẩn nghèo {_shown(code)} không tồn tại; có: {', '.join(standards)}")
            return None
        return standards[code]
    if year is None:
        return None
    for standard in standards.values():
        if standard.covers(year):
            return standard
    field = "reference_date" if "reference_date" in data else "survey_year"
    errors.add(field, f"không có chuẩn nghèo nào áp dụng cho năm {year}")
    return None


def households_of(payload) -> list:
    """The households of a request: one object, or a list of at most MAX_HOUSEHOLDS_PER_REQUEST.
    Raises RecordError (field "") for anything else, before any household is read."""
    if isinstance(payload, dict):
        return [payload]
    if not isinstance(payload, list):
        raise RecordError(None, [{"field": "", "message": "phải là một hộ (đối tượng JSON) hoặc một danh sách hộ"}])
    if len(payload) > MAX_HOUSEHOLDS_PER_REQUEST:
        raise RecordError(None, [{"field": "", "message": f"tối đa {vn_number(MAX_HOUSEHOLDS_PER_REQUEST)} hộ mỗi "
                                                           f"lần, nhận được {vn_number(len(payload))}"}])
    return payload


def parse_household(data, standards: dict[str, Standard]) -> tuple[HouseholdRecord, Standard]:
    """Validate one household in its JSON form. Raises RecordError naming every bad field."""
    if not isinstance(data, dict):
        raise RecordError(None, [{"field": "", "message": "mỗi hộ phải là một đối tượng JSON"}])
    errors = _Errors()
    code = data.get("code")
    if not isinstance(code, str) or not code.strip():
        errors.add("code", "bắt buộc phải có mã hộ")
        code = None
    elif len(code) > MAX_CODE_LENGTH:
        errors.add("code", f"tối đa {MAX_CODE_LENGTH} ký tự, nhận được {len(code)}")
        code = code[:MAX_CODE_LENGTH]
    area_type = _choice(data, "area_type", ("rural", "urban"), errors, "area_type")
    income = _number(data, "income_per_capita", errors, "income_per_capita")
    year = _reference_year(data, errors)
    standard = _standard(data, year, standards, errors)

    members = None
    raw_members = data.get("members")
    if "members" in data:
        if not isinstance(raw_members, list) or not raw_members:
            errors.add("members", "phải là danh sách có ít nhất một thành viên")
        elif len(raw_members) > MAX_MEMBERS:
            errors.add("members", f"không được quá {MAX_MEMBERS} thành viên, nhận được {vn_number(len(raw_members))}")
        else:
            parsed = [_member(m, i, errors) for i, m in enumerate(raw_members)]
            members = tuple(parsed) if all(parsed) else None
    member_count = _number(data, "member_count", errors, "member_count", required="members" not in data)
    if member_count is not None and isinstance(raw_members, list) and member_count != len(raw_members):
        errors.add("member_count", f"ghi {member_count} thành viên nhưng danh sách có {len(raw_members)}")
    dwelling = _dwelling(data["dwelling"], errors) if "dwelling" in data else None
    if ("members" in data) != ("dwelling" in data):
        errors.add("dwelling" if "members" in data else "members",
                   "dữ liệu chi tiết cần cả members và dwelling")

    answers = None
    if "deprivations" in data:
        raw = data["deprivations"]
        if not isinstance(raw, list):
            errors.add("deprivations", "phải là danh sách tên chỉ số")
        elif any(not isinstance(name, str) for name in raw):
            errors.add("deprivations", f"phải là danh sách tên chỉ số (chuỗi), nhận được {_shown(raw)}")
        elif standard is not None:
            unknown = [name for name in raw if name not in standard.indicator_rules]
            if unknown:
                names = ", ".join(unknown)
                errors.add("deprivations", f"chỉ số không có trong chuẩn {standard.code}: "
                                           f"{names if len(names) <= 60 else names[:57] + '…'}")
            else:
                answers = frozenset(raw)
    elif "members" not in data:
        errors.add("deprivations", "cần danh sách chỉ số thiếu hụt hoặc dữ liệu thành viên và nhà ở")

    if errors:
        raise RecordError(code, errors)
    record = HouseholdRecord(
        code=code, area_type=area_type, income_per_capita=income,
        reference_year=year if year is not None else standard.first_year,
        member_count=member_count if member_count is not None else len(members),
        members=members, dwelling=dwelling, answers=answers,
    )
    return record, standard
