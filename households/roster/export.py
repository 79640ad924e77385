"""Excel out: the import templates (with drop-down lists) and households in each roster layout, which import
back unchanged (targets/export.py writes the figures). Every text cell goes through povertyplan.cells.safe, so no
exported file can carry a formula."""

import contextlib
import io
import itertools
from decimal import Decimal

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from rustpy_xlsxwriter import FastExcel

from povertyplan.cells import safe
from povertyplan.display import number

from ..choices import deprivation_labels
from ..models import Classification, Member
from .columns import HOUSEHOLD_COLUMNS, INDICATOR_COLUMNS, MEMBER_COLUMNS, MEMBER_SHEET_COLUMNS
from .writer import MEMBER_FIELDS

LAYOUTS = ("two_sheets", "member_rows", "answers")
_YES = "x"


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
    "waste_disposal": "Được thu gom",
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
ANSWER_KEYS = (
    "code",
    "survey_year",
    "unit",
    "head_name",
    "ethnicity",
    "area_type",
    "income_per_capita",
    "member_count",
)
_MEMBER_CELLS = [c for c in MEMBER_COLUMNS if c.key not in ("code", "birth_date")]
_CHUNK = 2000


def _yes(flag):
    return _YES if flag else ""


def household_cells(h) -> dict:
    """A stored household under the roster's household columns (key → cell), as the import reads it back."""
    dwelling = bool(h.house_class)
    return {
        "code": h.code,
        "survey_year": h.survey_year,
        "unit": h.unit.code,
        "head_name": h.head_name,
        "ethnicity": _ETHNIC_LABEL.get(h.ethnicity, h.ethnicity),
        "area_type": _LABEL_OF["area_type"][h.area_type],
        "income_per_capita": h.income_per_capita,
        "member_count": h.member_count,
        "house_class": _LABEL_OF["house_class"].get(h.house_class, ""),
        "nondurable_structures": h.nondurable_structures,
        "floor_area_m2": number_cell(h.floor_area_m2),
        "water_source": _LABEL_OF["water_source"].get(h.water_source, ""),
        "latrine": _LABEL_OF["latrine"].get(h.latrine, ""),
        "tv": _yes(h.has_tv),
        "radio": _yes(h.has_radio),
        "computer": _yes(h.has_computer),
        "smartphone": _yes(h.has_smartphone),
        "loudspeaker_audible": _yes(h.loudspeaker_audible) if dwelling else "",
        "waste_disposal": _LABEL_OF["waste_disposal"].get(h.waste_disposal, ""),
    }


def ticked_cells(ticked) -> list:
    """One cell per indicator column: x where deprived, 0 where not; all empty when `ticked` is None (the members
    decide)."""
    if ticked is None:
        return [""] * len(INDICATOR_COLUMNS)
    return [_YES if c.key.removeprefix("ind:") in ticked else "0" for c in INDICATOR_COLUMNS]


def answers_of(h) -> list:
    """The deprivations the answers layout ticks: as the roster reported them, else as the members give them."""
    return h.reported_deprivations if h.reported_deprivations is not None else h.deprivations


DERIVED_HEADERS = (gettext_lazy("Classification"), gettext_lazy("Deprived indicators"), gettext_lazy("Standard"))


def derived_headers() -> list[str]:
    return [str(header) for header in DERIVED_HEADERS]


def derived_cells(h) -> list:
    """Shown for the reader; no roster column matches these headers, so the import leaves them aside."""
    label = Classification(h.classification).label if h.classification in Classification.values else h.classification
    return [safe(str(label)), safe(", ".join(deprivation_labels(h.deprivations))), safe(str(h.standard or ""))]


def _member_converter(column):
    if column.kind == "bool":
        return lambda value: "x" if value else "0"
    if column.labels:
        return _LABEL_OF[column.key].__getitem__
    return safe


# Each member cell from the stored member's value: where it is among MEMBER_FIELDS, and how it is written.
_MEMBER_WRITERS = [(MEMBER_FIELDS.index(c.key), _member_converter(c)) for c in _MEMBER_CELLS]


def _member_row(values) -> list:
    """A stored member (its MEMBER_FIELDS values) under the member columns after the household code."""
    return [write(values[at]) for at, write in _MEMBER_WRITERS]


def member_cells(member: dict) -> list:
    """A stored member (MEMBER_FIELDS → value) under the member columns after the household code."""
    return _member_row([member[f] for f in MEMBER_FIELDS])


def _with_members(households):
    """(household, its members as MEMBER_FIELDS → value, in the order entered), in the export's order, a chunk of
    households and one query of their members at a time."""
    rows = _in_order(households).iterator(chunk_size=_CHUNK)
    while chunk := list(itertools.islice(rows, _CHUNK)):
        members = {}
        found = (
            Member.objects.filter(household_id__in=[h.pk for h in chunk])
            .order_by("household_id", "id")
            .values_list("household_id", *MEMBER_FIELDS)
        )
        for values in found:
            members.setdefault(values[0], []).append(dict(zip(MEMBER_FIELDS, values[1:], strict=True)))
        for h in chunk:
            yield h, members.get(h.pk, [])


# What household_cells, ticked_cells and derived_cells read; nothing else is fetched (the stored sums stay behind).
_READ = (
    *("code", "survey_year", "unit__code", "head_name", "ethnicity", "area_type", "income_per_capita"),
    *("member_count", "house_class", "nondurable_structures", "floor_area_m2", "water_source", "latrine"),
    *("has_tv", "has_radio", "has_computer", "has_smartphone", "loudspeaker_audible", "waste_disposal"),
    *("reported_deprivations", "deprivations", "classification", "standard__code", "standard__name"),
)


def _in_order(households):
    return (
        households.select_related(None).select_related("unit", "standard").only(*_READ).order_by("survey_year", "code")
    )


# Excel's last row is 1.048.576: members past it go on "Thành viên (2)", … which the import reads as one sheet.
SHEET_ROWS = 1_048_575


class TooManyRows(ValueError):
    """A one-sheet layout with more rows than a sheet of Excel holds."""


def households_xlsx(households, layout: str = "two_sheets", target=None, progress=None) -> bytes | None:
    """Households (a queryset) in one of the roster layouts, all their survey years at once, with their derived
    classification beside them. Every layout imports back with nothing changed (docs/roster-import.md).

    Streamed: read a chunk at a time from one snapshot of the database and written as read (rust_xlsxwriter in
    constant memory), to `target` (a path or a binary file), else returned as bytes. `progress(percent)` is called
    as the rows are written."""
    if layout not in LAYOUTS:
        raise ValueError(layout)
    buffer = io.BytesIO() if target is None else None
    book = FastExcel(buffer or target)
    with _snapshot():
        if layout == "two_sheets":
            _two_sheets(book, households, progress)
        elif layout == "member_rows":
            _member_rows(book, households, progress)
        else:
            _answers_sheet(book, households, progress)
        book.save()
    return buffer.getvalue() if buffer is not None else None


@contextlib.contextmanager
def _snapshot():
    """On PostgreSQL the households and their members are read as of one moment, though in several queries (a caller
    already in a transaction has chosen for itself). Nothing else is done in it: a job's progress is written beside
    it (households/roster/export_jobs.py)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


class _Progress:
    def __init__(self, total, report):
        self.total, self.done, self.report, self.shown = max(total, 1), 0, report, -1

    def advance(self, rows=1):
        self.done += rows
        percent = min(99, self.done * 100 // self.total)
        if self.report and percent != self.shown:
            self.shown = percent
            self.report(percent)


def _records(headers, rows):
    """Rows as the writer takes them, keyed by header; a header alone when there is no row."""
    empty = True
    for row in rows:
        empty = False
        yield dict(zip(headers, row, strict=True))
    if empty:
        yield dict.fromkeys(headers)


def _two_sheets(book, households, report):
    members = Member.objects.filter(household__in=households)
    total = members.count()
    progress = _Progress(households.count() + total, report)
    headers = [c.vi for c in HOUSEHOLD_COLUMNS] + [c.vi for c in INDICATOR_COLUMNS] + derived_headers()

    def household_rows():
        for h in _in_order(households).iterator(chunk_size=_CHUNK):
            cells = household_cells(h)
            progress.advance()
            yield (
                [safe(cells[c.key]) for c in HOUSEHOLD_COLUMNS]
                + ticked_cells(h.reported_deprivations)
                + derived_cells(h)
            )

    book.sheet("Hộ", _records(headers, household_rows()))
    member_headers = [c.vi for c in MEMBER_SHEET_COLUMNS if c.key != "birth_date"]
    rows = (
        members.order_by("household__survey_year", "household__code", "household_id", "id")
        .values_list("household__code", "household__survey_year", *MEMBER_FIELDS)
        .iterator(chunk_size=_CHUNK * 5)
    )
    cells = ((safe(m[0]), m[1], *_member_row(m[2:])) for m in rows)
    for part in range(max(1, -(-total // SHEET_ROWS))):
        name = "Thành viên" if part == 0 else f"Thành viên ({part + 1})"
        book.sheet(name, _records(member_headers, _counted(itertools.islice(cells, SHEET_ROWS), progress)))


def _counted(rows, progress):
    for row in rows:
        progress.advance()
        yield row


def _member_rows(book, households, report):
    """One row per member, the household's columns on each; a household recorded from roster answers alone has one
    row with its ticked deprivations and no member."""
    rows = Member.objects.filter(household__in=households).count() + households.filter(members=None).count()
    _fits(rows)
    progress = _Progress(households.count(), report)
    indicator_headers = [c.aliases[0] if c.key == "ind:employment" else c.vi for c in INDICATOR_COLUMNS]
    headers = [c.vi for c in HOUSEHOLD_COLUMNS] + [c.vi for c in _MEMBER_CELLS] + indicator_headers + derived_headers()
    no_member = [""] * len(_MEMBER_CELLS)

    def sheet_rows():
        for h, people in _with_members(households):
            cells = household_cells(h)
            household = [safe(cells[c.key]) for c in HOUSEHOLD_COLUMNS]
            after = ticked_cells(h.reported_deprivations) + derived_cells(h)
            progress.advance()
            for member in people or [None]:
                yield household + (_member_row([member[f] for f in MEMBER_FIELDS]) if member else no_member) + after

    book.sheet("Danh sách", _records(headers, sheet_rows()))


def _answers_sheet(book, households, report):
    total = households.count()
    _fits(total)
    progress = _Progress(total, report)
    columns = [c for c in HOUSEHOLD_COLUMNS if c.key in ANSWER_KEYS]
    headers = [c.vi for c in columns] + [c.vi for c in INDICATOR_COLUMNS] + derived_headers()

    def sheet_rows():
        for h in _in_order(households).iterator(chunk_size=_CHUNK):
            cells = household_cells(h)
            progress.advance()
            yield [safe(cells[c.key]) for c in columns] + ticked_cells(answers_of(h)) + derived_cells(h)

    book.sheet("Danh sách", _records(headers, sheet_rows()))


def _fits(rows: int):
    if rows > SHEET_ROWS:
        raise TooManyRows(
            _(
                "%(rows)s rows are more than a sheet of Excel holds (%(limit)s): export the two-sheet layout, or fewer "
                "households (filter by unit or survey year)."
            )
            % {"rows": number(rows), "limit": number(SHEET_ROWS)}
        )


def number_cell(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value
