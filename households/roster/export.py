"""Excel out: the import templates (with drop-down lists) and households in the two-sheet layout that imports
back unchanged (targets/export.py writes the figures). Every text cell goes through safe(), so no exported file
can carry a formula."""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .columns import HOUSEHOLD_COLUMNS, INDICATOR_COLUMNS, MEMBER_COLUMNS
from .writer import MEMBER_FIELDS

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LAYOUTS = ("two_sheets", "member_rows", "answers")
_YES = "x"


def safe(value):
    """A text that Excel would read as a formula is prefixed with an apostrophe-like quote character."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _labels(column) -> list[str]:
    seen = []
    for label, _code in column.labels:
        if label not in seen:
            seen.append(label)
    return seen


def _validations(sheet, columns, first_row=2, last_row=5000):
    """A drop-down list for every coded column, and yes/no for the ticked ones."""
    lists = book_lists(sheet.parent)
    for position, column in enumerate(columns, start=1):
        letter = get_column_letter(position)
        if column.kind in ("choice", "ethnicity"):
            source = lists[column.key]
        elif column.kind == "bool":
            source = '"x,0"'
        else:
            continue
        rule = DataValidation(
            type="list", formula1=source, allow_blank=True, showErrorMessage=column.kind != "ethnicity"
        )
        rule.error = _("Choose a value from the list.")
        rule.add(f"{letter}{first_row}:{letter}{last_row}")
        sheet.add_data_validation(rule)


def book_lists(book):
    """The label lists on a hidden sheet (a data-validation list written inline is limited to 255 characters)."""
    if hasattr(book, "_roster_lists"):
        return book._roster_lists
    sheet = book.create_sheet("Danh mục")
    sheet.sheet_state = "hidden"
    refs = {}
    seen = {}
    coded = [c for c in (*HOUSEHOLD_COLUMNS, *MEMBER_COLUMNS) if c.kind in ("choice", "ethnicity")]
    for position, column in enumerate(coded, start=1):
        if column.key in seen:
            continue
        labels = _labels(column)
        letter = get_column_letter(position)
        sheet.cell(row=1, column=position, value=column.vi)
        for row, label in enumerate(labels, start=2):
            sheet.cell(row=row, column=position, value=label)
        refs[column.key] = f"'Danh mục'!${letter}$2:${letter}${len(labels) + 1}"
        seen[column.key] = True
    book._roster_lists = refs
    return refs


_EXAMPLE_HOUSEHOLD = {
    "code": "HN-0001",
    "survey_year": 2024,
    "unit": "94204",
    "head_name": "Thạch Sóc",
    "ethnicity": "Khmer",
    "area_type": "Nông thôn",
    "income_per_capita": "1.200.000",
    "member_count": 2,
    "house_class": "Bán kiên cố",
    "nondurable_structures": 1,
    "floor_area_m2": 30,
    "water_source": "Giếng khoan",
    "latrine": "Tự hoại",
    "tv": "x",
    "radio": "",
    "computer": "",
    "smartphone": "x",
    "loudspeaker_audible": "x",
}
_EXAMPLE_MEMBERS = [
    {
        "code": "HN-0001",
        "full_name": "Thạch Sóc",
        "age": 42,
        "sex": "Nam",
        "education": "Tiểu học",
        "health_insurance": "x",
        "employment": "Tự làm",
        "uses_phone": "x",
    },
    {
        "code": "HN-0001",
        "full_name": "Thạch Thị Pha",
        "age": 12,
        "sex": "Nữ",
        "education": "Tiểu học",
        "in_school": "x",
        "health_insurance": "x",
        "employment": "Học sinh, sinh viên",
    },
]
_EXAMPLE_ANSWERS = {"ind:water": "x", "ind:latrine": "x", "ind:telecom": "x"}


def template(layout: str) -> bytes:
    book = Workbook()
    book.remove(book.active)
    member_columns = [c for c in MEMBER_COLUMNS if c.key not in ("code", "birth_date")]
    if layout == "two_sheets":
        households = book.create_sheet("Hộ")
        households.append([c.vi for c in HOUSEHOLD_COLUMNS])
        households.append([_EXAMPLE_HOUSEHOLD.get(c.key, "") for c in HOUSEHOLD_COLUMNS])
        _validations(households, HOUSEHOLD_COLUMNS)
        members = book.create_sheet("Thành viên")
        columns = [MEMBER_COLUMNS[0], *member_columns]
        members.append([c.vi for c in columns])
        for example in _EXAMPLE_MEMBERS:
            members.append([example.get(c.key, "") for c in columns])
        _validations(members, columns)
    elif layout == "member_rows":
        sheet = book.create_sheet("Danh sách")
        columns = [*HOUSEHOLD_COLUMNS, *member_columns]
        sheet.append([c.vi for c in columns])
        for example in _EXAMPLE_MEMBERS:
            sheet.append([{**_EXAMPLE_HOUSEHOLD, **example}.get(c.key, "") for c in columns])
        _validations(sheet, columns)
    elif layout == "answers":
        sheet = book.create_sheet("Danh sách")
        columns = [
            c
            for c in HOUSEHOLD_COLUMNS
            if c.key
            in (
                "code",
                "survey_year",
                "unit",
                "head_name",
                "ethnicity",
                "area_type",
                "income_per_capita",
                "member_count",
            )
        ]
        columns += list(INDICATOR_COLUMNS)
        sheet.append([c.vi for c in columns])
        sheet.append([{**_EXAMPLE_HOUSEHOLD, **_EXAMPLE_ANSWERS}.get(c.key, "") for c in columns])
        _validations(sheet, columns)
    else:
        raise ValueError(layout)
    for sheet in book.worksheets:
        if sheet.sheet_state != "hidden":
            sheet.freeze_panes = "A2"
            for position in range(1, sheet.max_column + 1):
                sheet.column_dimensions[get_column_letter(position)].width = 16
    return save_book(book)


def save_book(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_LABEL_OF = {
    c.key: {code: label for label, code in reversed(c.labels)}
    for c in (*HOUSEHOLD_COLUMNS, *MEMBER_COLUMNS)
    if c.labels
}
_ETHNIC_LABEL = {
    code: label for label, code in reversed(next(c for c in HOUSEHOLD_COLUMNS if c.key == "ethnicity").labels)
}


def _yes(flag):
    return _YES if flag else ""


def households_xlsx(households) -> bytes:
    """Households (a queryset) in the two-sheet layout with their derived classification, members below.
    The derived columns are ignored on import, so the file imports back with nothing changed."""
    from ..models import Classification, Member

    names = dict(Classification.choices)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Hộ")
    sheet.append(
        [c.vi for c in HOUSEHOLD_COLUMNS]
        + [c.vi for c in INDICATOR_COLUMNS]
        + [_("Classification"), _("Deprived indicators"), _("Standard")]
    )
    ids = []
    rows = households.select_related("unit", "standard").order_by("survey_year", "code").iterator(chunk_size=2000)
    for h in rows:
        ids.append(h.pk)
        sheet.append(
            [
                safe(v)
                for v in (
                    h.code,
                    h.survey_year,
                    h.unit.code,
                    h.head_name,
                    _ETHNIC_LABEL.get(h.ethnicity, h.ethnicity),
                    _LABEL_OF["area_type"][h.area_type],
                    h.income_per_capita,
                    h.member_count,
                    _LABEL_OF["house_class"].get(h.house_class, ""),
                    h.nondurable_structures,
                    number_cell(h.floor_area_m2),
                    _LABEL_OF["water_source"].get(h.water_source, ""),
                    _LABEL_OF["latrine"].get(h.latrine, ""),
                    _yes(h.has_tv),
                    _yes(h.has_radio),
                    _yes(h.has_computer),
                    _yes(h.has_smartphone),
                    _yes(h.loudspeaker_audible) if h.house_class else "",
                    *_answers(h.reported_deprivations),
                    str(names.get(h.classification, h.classification)),
                    ", ".join(h.deprivations),
                    h.standard.code if h.standard else "",
                )
            ]
        )
    members = book.create_sheet("Thành viên")
    member_columns = [c for c in MEMBER_COLUMNS if c.key != "birth_date"]
    members.append([c.vi for c in member_columns])
    codes = (
        dict(households.model.objects.filter(pk__in=ids).values_list("id", "code"))
        if len(ids) < 50_000
        else dict(households.values_list("id", "code"))
    )
    for start in range(0, len(ids), 5000):
        chunk = Member.objects.filter(household_id__in=ids[start : start + 5000]).order_by("household_id", "id")
        for values in chunk.values_list("household_id", *MEMBER_FIELDS).iterator(chunk_size=5000):
            record = dict(zip(MEMBER_FIELDS, values[1:], strict=True))
            row = []
            for column in member_columns:
                if column.key == "code":
                    row.append(codes[values[0]])
                elif column.kind == "bool":
                    row.append("x" if record[column.key] else "0")
                elif column.labels:
                    row.append(_LABEL_OF[column.key][record[column.key]])
                else:
                    row.append(record[column.key])
            members.append([safe(v) for v in row])
    return save_book(book)


def _answers(reported):
    if reported is None:
        return [""] * len(INDICATOR_COLUMNS)
    return [_YES if c.key.removeprefix("ind:") in reported else "0" for c in INDICATOR_COLUMNS]


def number_cell(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value
