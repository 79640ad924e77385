"""Turn the JSON form of a household (docs/domain/household-json.md) into a record, or say exactly what is wrong.

The bounds of a record live here, once: the classify API, the forms, the admin, the model's validators
and constraints, and the roster import all read BOUNDS, so a value refused in one path is refused in all."""

import math
import re
from dataclasses import dataclass
from datetime import date

from .names import DEPRIVATION_NAMES
from .records import (
    ASSETS,
    EDUCATION_LEVELS,
    EMPLOYMENT,
    HOUSE_CLASSES,
    LATRINES,
    WASTE_DISPOSAL,
    WATER_SOURCES,
    Dwelling,
    HouseholdRecord,
    Member,
    Standard,
    counted_members,
    standard_of_year,
)
from .wording import _, indicator, number

MAX_AGE = 120
MAX_MEMBERS = 100
MAX_INCOME_PER_CAPITA = 1_000_000_000  # VND per person per month: far above any real income, far below overflow
MAX_FLOOR_AREA_M2 = 10_000
MAX_NONDURABLE_STRUCTURES = 3  # walls, columns, roof
MIN_SURVEY_YEAR, MAX_SURVEY_YEAR = 1900, 2100
MAX_CODE_LENGTH = 40
MAX_HOUSEHOLDS_PER_REQUEST = 10_000
MAX_NAME_LENGTH = 200
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
    "in_school",
    "on_track",
    "health_insurance",
    "able_to_work",
    "disabled",
    "social_allowance",
    "malnourished",
    "sick_untreated",
    "uses_phone",
    "uses_internet",
    "job_training_certificate",
)
_MEMBER_CHOICES = {"sex": ("M", "F"), "education": EDUCATION_LEVELS, "employment": EMPLOYMENT}
_DWELLING_CHOICES = {"house_class": HOUSE_CLASSES, "water_source": WATER_SOURCES, "latrine": LATRINES}


def _shown(value) -> str:
    """The value as a message quotes it, cut short: a message never echoes a whole request."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def bound_error(name: str, value) -> str | None:
    """The message for a number outside BOUNDS[name], or None: for paths that have already read the number."""
    low, high = BOUNDS[name]
    if value < low:
        return _("must not be less than %(minimum)s, got %(value)s") % {"minimum": number(low), "value": number(value)}
    if value > high:
        return _("must not be more than %(maximum)s, got %(value)s") % {"maximum": number(high), "value": number(value)}
    return None


class RecordError(ValueError):
    def __init__(self, code, errors: list[dict]):
        self.code, self.errors = code, errors
        where = _("household %(code)s") % {"code": code} if code else _("household (no code)")
        super().__init__(f"{where}: " + "; ".join(f"{e['field']}: {e['message']}" for e in errors))


class _Errors(list):
    def add(self, field, message):
        self.append({"field": field, "message": message})


_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def _json_number(text: str) -> int | float | None:
    """A number sent as a JSON string, read as JSON reads a number: "16.5" is sixteen and a half, and "16,5" or
    "1.500.000" (the Vietnamese way) are not numbers here. None when the text is not one."""
    if len(text) > 40 or not _JSON_NUMBER.fullmatch(text):
        return None
    return int(text) if text.lstrip("-").isdigit() else float(text)


def _number(data, key, errors, field, bound=None, required=True, integer=True):
    """The number at data[key] within BOUNDS[bound], or None after adding the error. JSON gives ints and
    floats, or a number as a JSON string; NaN, Infinity and 1e400 (read as infinity) are refused, as are
    booleans."""
    value = data.get(key)
    if value is None:
        if required:
            errors.add(field, _("is required"))
        return None
    if isinstance(value, str):
        value = _json_number(value)
        if value is None:
            message = (
                _("must be a whole number written as in JSON (digits only, no thousands separators), got %(value)s")
                if integer
                else _("must be a number written as in JSON (a decimal point, no thousands separators), got %(value)s")
            )
            errors.add(field, message % {"value": _shown(data.get(key))})
            return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        message = _("must be a whole number, got %(value)s") if integer else _("must be a number, got %(value)s")
        errors.add(field, message % {"value": _shown(value)})
        return None
    if isinstance(value, float) and not math.isfinite(value):
        message = (
            _("must be a finite whole number, got %(value)s")
            if integer
            else _("must be a finite number, got %(value)s")
        )
        errors.add(field, message % {"value": _shown(value)})
        return None
    if integer:
        if value != int(value):
            errors.add(field, _("must be a whole number, got %(value)s") % {"value": number(value)})
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
        errors.add(
            field,
            _("the value %(value)s is not valid; choose one of: %(choices)s")
            % {"value": _shown(value), "choices": ", ".join(choices)},
        )
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
        errors.add(field, _("must be an object"))
        return None
    before = len(errors)
    age = _number(data, "age", errors, f"{field}.age")
    values = {
        k: _choice(data, k, c, errors, f"{field}.{k}", Member.__dataclass_fields__[k].default)
        for k, c in _MEMBER_CHOICES.items()
    }
    for flag in _MEMBER_FLAGS:
        value = data.get(flag, Member.__dataclass_fields__[flag].default)
        if not isinstance(value, bool):
            errors.add(f"{field}.{flag}", _("must be true or false, got %(value)s") % {"value": _shown(value)})
        values[flag] = value
    return Member(age=age, **values) if len(errors) == before else None


def _dwelling(data, errors) -> Dwelling | None:
    if not isinstance(data, dict):
        errors.add("dwelling", _("must be an object"))
        return None
    before = len(errors)
    values = {k: _choice(data, k, c, errors, f"dwelling.{k}") for k, c in _DWELLING_CHOICES.items()}
    values["nondurable_structures"] = (
        _number(data, "nondurable_structures", errors, "dwelling.nondurable_structures", required=False) or 0
    )
    area = _number(data, "floor_area_m2", errors, "dwelling.floor_area_m2", integer=False)
    assets = data.get("assets", [])
    if not isinstance(assets, list) or any(not isinstance(a, str) or a not in ASSETS for a in assets):
        errors.add(
            "dwelling.assets",
            _("may hold only: %(assets)s; got %(value)s") % {"assets": ", ".join(ASSETS), "value": _shown(assets)},
        )
    loudspeaker = data.get("loudspeaker_audible", False)
    if not isinstance(loudspeaker, bool):
        errors.add("dwelling.loudspeaker_audible", _("must be true or false"))
    waste = data.get("waste_disposal")  # absent or null: not surveyed
    if waste is not None:
        _choice(data, "waste_disposal", WASTE_DISPOSAL, errors, "dwelling.waste_disposal")
    if len(errors) > before:
        return None
    return Dwelling(
        floor_area_m2=float(area),
        assets=frozenset(assets),
        loudspeaker_audible=loudspeaker,
        waste_disposal=waste,
        **values,
    )


def _reference_year(data, errors) -> int | None:
    if "reference_date" in data:
        raw = data["reference_date"]
        try:
            year = date.fromisoformat(raw).year if isinstance(raw, str) else None
        except ValueError:
            year = None
        if year is None:
            errors.add("reference_date", _("not a valid date (YYYY-MM-DD): %(value)s") % {"value": _shown(raw)})
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
            errors.add(
                "standard",
                _("there is no poverty standard %(code)s; there are: %(codes)s")
                % {"code": _shown(code), "codes": ", ".join(standards)},
            )
            return None
        return standards[code]
    if year is None:
        return None
    if (standard := standard_of_year(standards.values(), year)) is not None:
        return standard
    field = "reference_date" if "reference_date" in data else "survey_year"
    errors.add(field, _("no poverty standard applies to the year %(year)s") % {"year": year})
    return None


def households_of(payload) -> list:
    """The households of a request: one object, or a list of at most MAX_HOUSEHOLDS_PER_REQUEST.
    Raises RecordError (field "") for anything else, before any household is read."""
    if isinstance(payload, dict):
        return [payload]
    if not isinstance(payload, list):
        raise RecordError(
            None, [{"field": "", "message": _("must be one household (a JSON object) or a list of households")}]
        )
    if len(payload) > MAX_HOUSEHOLDS_PER_REQUEST:
        message = _("at most %(limit)s households per request, got %(count)s") % {
            "limit": number(MAX_HOUSEHOLDS_PER_REQUEST),
            "count": number(len(payload)),
        }
        raise RecordError(None, [{"field": "", "message": message}])
    return payload


def parse_household(data, standards: dict[str, Standard]) -> tuple[HouseholdRecord, Standard]:
    """Validate one household in its JSON form. Raises RecordError naming every bad field."""
    if not isinstance(data, dict):
        raise RecordError(None, [{"field": "", "message": _("each household must be a JSON object")}])
    errors = _Errors()
    code = data.get("code")
    if not isinstance(code, str) or not code.strip():
        errors.add("code", _("the household code is required"))
        code = None
    elif len(code) > MAX_CODE_LENGTH:
        errors.add(
            "code", _("at most %(limit)s characters, got %(count)s") % {"limit": MAX_CODE_LENGTH, "count": len(code)}
        )
        code = code[:MAX_CODE_LENGTH]
    area_type = _choice(data, "area_type", ("rural", "urban"), errors, "area_type")
    income = _number(data, "income_per_capita", errors, "income_per_capita")
    year = _reference_year(data, errors)
    standard = _standard(data, year, standards, errors)

    members = None
    raw_members = data.get("members")
    if "members" in data:
        if not isinstance(raw_members, list) or not raw_members:
            errors.add("members", _("must be a list of at least one member"))
        elif len(raw_members) > MAX_MEMBERS:
            errors.add(
                "members",
                _("must not have more than %(limit)s members, got %(count)s")
                % {"limit": MAX_MEMBERS, "count": number(len(raw_members))},
            )
        else:
            parsed = [_member(m, i, errors) for i, m in enumerate(raw_members)]
            members = tuple(parsed) if all(parsed) else None
    member_count = _number(data, "member_count", errors, "member_count", required="members" not in data)
    if member_count is not None and isinstance(raw_members, list) and member_count != len(raw_members):
        errors.add(
            "member_count",
            _("says %(count)s members but the list has %(listed)s")
            % {"count": member_count, "listed": len(raw_members)},
        )
    dwelling = _dwelling(data["dwelling"], errors) if "dwelling" in data else None
    if ("members" in data) != ("dwelling" in data):
        errors.add("dwelling" if "members" in data else "members", _("detailed data needs both members and dwelling"))

    answers = None
    if "deprivations" in data:
        raw = data["deprivations"]
        if not isinstance(raw, list):
            errors.add("deprivations", _("must be a list of indicator names"))
        elif any(not isinstance(name, str) for name in raw):
            errors.add(
                "deprivations", _("must be a list of indicator names (text), got %(value)s") % {"value": _shown(raw)}
            )
        elif standard is not None:
            unknown = [name for name in raw if name not in standard.indicator_rules]
            if unknown:
                names = ", ".join(f"{indicator(n)} ({n})" if n in DEPRIVATION_NAMES else n for n in unknown)
                errors.add(
                    "deprivations",
                    _("indicators not in the standard %(standard)s: %(names)s")
                    % {"standard": standard.code, "names": names if len(names) <= 120 else names[:117] + "…"},
                )
            else:
                answers = frozenset(raw)
    elif "members" not in data:
        errors.add("deprivations", _("needs a list of deprivation indicators, or member and dwelling data"))

    if errors:
        raise RecordError(code, errors)
    record = HouseholdRecord(
        code=code,
        area_type=area_type,
        income_per_capita=income,
        reference_year=year if year is not None else standard.first_year,
        member_count=counted_members(member_count, members),
        members=members,
        dwelling=dwelling,
        answers=answers,
    )
    return record, standard


# What the households API answers beside a household's inputs, all derived by the server: a body read back from
# the API carries them and may be sent again as it is, but they are recomputed, never taken from it.
DERIVED_KEYS = frozenset(
    {"id", "standard", "classification", "deprivations", "deprivation_count", "rule", "classifications"}
)
_SINGLE_VALUES = ("code", "unit", "head_name", "ethnicity", "area_type", "survey_year", "income_per_capita")


@dataclass(frozen=True)
class StoredHousehold:
    """A household in the JSON form of the households API: the engine's record, and what is stored beside it."""

    record: HouseholdRecord
    standard: Standard
    unit: str
    head_name: str
    ethnicity: str
    member_names: tuple[str, ...]
    member_ids: tuple[int | None, ...]
    version: str | None


def _not_single_values(data: dict, errors: _Errors) -> None:
    """Lists or objects where one value belongs: a text field would store their Python text."""
    located = [(key, data.get(key)) for key in (*_SINGLE_VALUES, "member_count")]
    if isinstance(data.get("dwelling"), dict):
        located += [(f"dwelling.{key}", value) for key, value in data["dwelling"].items() if key != "assets"]
    if isinstance(data.get("members"), list):
        located += [
            (f"members[{i}].{key}", value)
            for i, member in enumerate(data["members"])
            if isinstance(member, dict)
            for key, value in member.items()
        ]
    for field, value in located:
        if isinstance(value, list | dict):
            errors.add(field, _("must be a single value (text or a number), not a list or an object"))


def _text(data, key, errors, field, required=False) -> str:
    value = data.get(key)
    if value is None:
        if required:
            errors.add(field, _("is required"))
        return ""
    if not isinstance(value, str):
        errors.add(field, _("must be text"))
        return ""
    if len(value) > MAX_NAME_LENGTH:
        errors.add(
            field, _("at most %(limit)s characters, got %(count)s") % {"limit": MAX_NAME_LENGTH, "count": len(value)}
        )
    return value


def parse_stored_household(data, standards: dict[str, Standard], ethnicities) -> StoredHousehold:
    """Validate one household in the JSON form of the households API: the form of parse_household with `unit`,
    `survey_year` (required), `head_name`, `ethnicity`, members' `full_name` and `id`, and `version`. The answers
    are `reported_deprivations`, or `deprivations` in a household without members (the form classify reads).
    DERIVED_KEYS, and `member_count` beside a member list, are left out: a household read from the API reads back
    as the same record, and one whose members changed needs no count changed with them.
    Raises RecordError naming every bad field."""
    if not isinstance(data, dict):
        raise RecordError(None, [{"field": "", "message": _("each household must be a JSON object")}])
    errors = _Errors()
    _not_single_values(data, errors)
    if errors:
        raise RecordError(data.get("code") if isinstance(data.get("code"), str) else None, errors)
    form = {key: value for key, value in data.items() if key not in DERIVED_KEYS | {"reference_date", "version"}}
    if form.get("members") in (None, []) and form.get("dwelling") is None:
        form.pop("members", None)  # a household read without member detail gives [] and null
        form.pop("dwelling", None)
    if "members" in form:
        form.pop("member_count", None)  # the service counts the members
    answers_key = "reported_deprivations" if data.get("reported_deprivations") is not None else "deprivations"
    form.pop("reported_deprivations", None)
    if answers_key in data and (answers_key == "reported_deprivations" or "members" not in form):
        form["deprivations"] = data[answers_key]
    try:
        record, standard = parse_household(form, standards)  # without reference_date, survey_year is required
    except RecordError as error:
        record = standard = None
        errors += [{**e, "field": answers_key} if e["field"] == "deprivations" else e for e in error.errors]
    unit = _text(data, "unit", errors, "unit", required=True)
    head_name = _text(data, "head_name", errors, "head_name")
    ethnicity = data.get("ethnicity")
    if ethnicity is None:
        ethnicity = "kinh"
    elif ethnicity not in ethnicities:
        _choice(data, "ethnicity", tuple(ethnicities), errors, "ethnicity")
    names, ids = [], []
    for i, member in enumerate(form.get("members") or []):
        if isinstance(member, dict):
            names.append(_text(member, "full_name", errors, f"members[{i}].full_name"))
            member_id = member.get("id")
            if member_id is not None and (isinstance(member_id, bool) or not isinstance(member_id, int)):
                errors.add(
                    f"members[{i}].id", _("must be a whole number, got %(value)s") % {"value": _shown(member_id)}
                )
            ids.append(member_id)
    version = data.get("version")
    if version is not None and not isinstance(version, str):
        errors.add("version", _("must be text"))
    if errors:
        raise RecordError(data.get("code") if isinstance(data.get("code"), str) else None, errors)
    return StoredHousehold(record, standard, unit, head_name, ethnicity, tuple(names), tuple(ids), version)
