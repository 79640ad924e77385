"""Excel out: the import templates (with drop-down lists) and households in each roster layout, which import
back unchanged (targets/export.py writes the figures). Every text cell goes through povertyplan.cells.safe, so no
exported file can carry a formula."""

import contextlib
import functools
import io
import itertools
import json
from decimal import Decimal
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Case, CharField, F, TextField, Value, When
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from rustpy_xlsxwriter import FastExcel

from povertyplan.cells import safe
from povertyplan.display import number

from ..choices import column_labels
from ..models import Classification, Member, PovertyStandard
from ..names import indicators
from .columns import HOUSEHOLD_COLUMNS, INDICATOR_COLUMNS, MEMBER_COLUMNS, MEMBER_SHEET_COLUMNS
from .guide import GUIDE_SHEET, guide_sheet

LAYOUTS = ("two_sheets", "member_rows", "answers")
_YES = "x"


def _labels(column) -> list[str]:
    return [label for label, _code in column_labels(column.key)]


@functools.cache
def label_of(key: str) -> dict[str, str]:
    """Code → the label a cell of a coded column holds: the form's label, in Vietnamese like the headers."""
    return {code: label for label, code in column_labels(key)}


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
    "ethnicity": "khmer",
    "area_type": "rural",
    "income_per_capita": "1.200.000",
    "member_count": 2,
    "house_class": "ban_kien_co",
    "nondurable_structures": 1,
    "floor_area_m2": 30,
    "water_source": "drilled_well",
    "latrine": "septic",
    "tv": "x",
    "radio": "",
    "computer": "",
    "smartphone": "x",
    "loudspeaker_audible": "x",
    "waste_disposal": "collected",
}
_EXAMPLE_MEMBERS = [
    {
        "code": "HN-0001",
        "full_name": "Thạch Sóc",
        "age": 42,
        "sex": "M",
        "education": "primary",
        "health_insurance": "x",
        "employment": "self_employed",
        "uses_phone": "x",
    },
    {
        "code": "HN-0001",
        "full_name": "Thạch Thị Pha",
        "age": 12,
        "sex": "F",
        "education": "primary",
        "in_school": "x",
        "health_insurance": "x",
        "employment": "student",
    },
]
_EXAMPLE_ANSWERS = {"ind:water": "x", "ind:latrine": "x", "ind:telecom": "x"}


def _example(columns, values) -> list:
    """An example row: coded values (kept as codes above) written as their labels."""
    return [label_of(c.key)[values[c.key]] if c.labels and c.key in values else values.get(c.key, "") for c in columns]


def template(layout: str) -> bytes:
    book = Workbook()
    book.remove(book.active)
    member_columns = [c for c in MEMBER_COLUMNS if c.key not in ("code", "birth_date")]
    if layout == "two_sheets":
        households = book.create_sheet("Hộ")
        households.append([c.vi for c in HOUSEHOLD_COLUMNS])
        households.append(_example(HOUSEHOLD_COLUMNS, _EXAMPLE_HOUSEHOLD))
        _validations(households, HOUSEHOLD_COLUMNS)
        members = book.create_sheet("Thành viên")
        columns = [MEMBER_COLUMNS[0], *member_columns]
        members.append([c.vi for c in columns])
        for example in _EXAMPLE_MEMBERS:
            members.append(_example(columns, example))
        _validations(members, columns)
    elif layout == "member_rows":
        sheet = book.create_sheet("Danh sách")
        columns = [*HOUSEHOLD_COLUMNS, *member_columns]
        sheet.append([c.vi for c in columns])
        for example in _EXAMPLE_MEMBERS:
            sheet.append(_example(columns, {**_EXAMPLE_HOUSEHOLD, **example}))
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
        sheet.append(_example(columns, {**_EXAMPLE_HOUSEHOLD, **_EXAMPLE_ANSWERS}))
        _validations(sheet, columns)
    else:
        raise ValueError(layout)
    guide_sheet(
        book, [(sheet, columns)] if layout != "two_sheets" else [(households, HOUSEHOLD_COLUMNS), (members, columns)]
    )
    for sheet in book.worksheets:
        if sheet.sheet_state != "hidden" and sheet.title != GUIDE_SHEET:
            sheet.freeze_panes = "A2"
            for position in range(1, sheet.max_column + 1):
                sheet.column_dimensions[get_column_letter(position)].width = 16
    return save_book(book)


def save_book(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


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


class Stored(NamedTuple):
    """What household_cells, ticked_cells and derived_cells read of a stored household; nothing else is fetched (the
    stored sums stay behind). The export reads it as plain rows (no model instance per household)."""

    code: str
    survey_year: int
    unit_code: str
    head_name: str
    ethnicity: str
    area_type: str
    income_per_capita: int
    member_count: int
    house_class: str
    nondurable_structures: int
    floor_area_m2: object
    water_source: str
    latrine: str
    has_tv: bool
    has_radio: bool
    has_computer: bool
    has_smartphone: bool
    loudspeaker_audible: bool
    waste_disposal: str | None
    classification: str
    standard_code: str | None
    reported_deprivations: list | None
    deprivations: list


_PATHS = {"unit_code": "unit__code", "standard_code": "standard__code"}
_JSON_FIELDS = ("reported_deprivations", "deprivations")


def stored(h) -> Stored:
    """A Household instance as the export reads it."""
    values = {f: getattr(h, f) for f in Stored._fields if f not in _PATHS}
    return Stored(**values, unit_code=h.unit.code, standard_code=h.standard.code if h.standard else None)


def _stored_rows(households):
    """(id, Stored) in the export's order, streamed from a server-side cursor; each distinct JSON text is decoded
    once (a province has a few hundred combinations of deprivations)."""
    paths = [_PATHS.get(f, f) for f in Stored._fields if f not in _JSON_FIELDS]
    texts = {f"{f}_text": Cast(f, TextField()) for f in _JSON_FIELDS}
    rows = _in_order(households).annotate(**texts).values_list("pk", *paths, *texts).iterator(chunk_size=_CHUNK)
    decoded = {None: None}
    for pk, *values, reported, deprived in rows:
        for text in (reported, deprived):
            if text not in decoded:
                decoded[text] = json.loads(text)
        yield pk, Stored(*values, decoded[reported], decoded[deprived])


def household_cells(h: Stored) -> dict:
    """A stored household under the roster's household columns (key → cell), as the import reads it back."""
    dwelling = bool(h.house_class)
    return {
        "code": h.code,
        "survey_year": h.survey_year,
        "unit": h.unit_code,
        "head_name": h.head_name,
        "ethnicity": label_of("ethnicity").get(h.ethnicity, h.ethnicity),
        "area_type": label_of("area_type")[h.area_type],
        "income_per_capita": h.income_per_capita,
        "member_count": h.member_count,
        "house_class": label_of("house_class").get(h.house_class, ""),
        "nondurable_structures": h.nondurable_structures,
        "floor_area_m2": number_cell(h.floor_area_m2),
        "water_source": label_of("water_source").get(h.water_source, ""),
        "latrine": label_of("latrine").get(h.latrine, ""),
        "tv": _yes(h.has_tv),
        "radio": _yes(h.has_radio),
        "computer": _yes(h.has_computer),
        "smartphone": _yes(h.has_smartphone),
        "loudspeaker_audible": _yes(h.loudspeaker_audible) if dwelling else "",
        "waste_disposal": label_of("waste_disposal").get(h.waste_disposal, ""),
    }


def household_row(h: Stored, columns=HOUSEHOLD_COLUMNS) -> list:
    cells = household_cells(h)
    return [safe(cells[c.key]) for c in columns]


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


def standard_name(code: str | None) -> str:
    """A standard by its legal name in the active language ("Nghị định 07/2021/NĐ-CP"), from its stored name."""
    if not code:
        return ""
    from django.utils.translation import get_language

    key = (code, get_language())
    if key not in _STANDARD_NAMES:
        standard = PovertyStandard.objects.filter(code=code).first()
        _STANDARD_NAMES[key] = standard.legal_name if standard else code
    return _STANDARD_NAMES[key]


_STANDARD_NAMES = {}  # (code, language) → name, for the rows of one export; names change only in the admin


def derived_cells(h: Stored) -> list:
    """Shown for the reader; no roster column matches these headers, so the import leaves them aside."""
    label = Classification(h.classification).label if h.classification in Classification.values else h.classification
    code = h.standard_code if isinstance(h, Stored) else (h.standard.code if h.standard_id else None)
    return [safe(str(label)), safe(", ".join(indicators(h.deprivations))), safe(standard_name(code))]


class _Tails:
    """The cells after a household's own (ticks and derived), made once per distinct combination: a province has a
    few hundred."""

    def __init__(self, ticked_of):
        self.ticked_of, self.made = ticked_of, {}

    def __call__(self, h: Stored) -> list:
        ticked = self.ticked_of(h)
        key = (None if ticked is None else tuple(ticked), h.classification, tuple(h.deprivations), h.standard_code)
        if key not in self.made:
            self.made[key] = ticked_cells(ticked) + derived_cells(h)
        return self.made[key]


def _member_cell(column):
    """A member column's cell as the database computes it (labels and ticks): the export's process only passes it on,
    while PostgreSQL works on the other core."""
    if column.kind == "bool":
        return Case(When(**{column.key: True}, then=Value(_YES)), default=Value("0"), output_field=CharField())
    if column.kind == "choice":
        whens = [When(**{column.key: code}, then=Value(label)) for code, label in label_of(column.key).items()]
        return Case(*whens, default=F(column.key), output_field=CharField())
    return F(column.key)


# The member columns after the household code, computed in the query; the texts typed by people (names) still go
# through safe (_member_row).
_MEMBER_SELECT = {f"cell_{c.key}": _member_cell(c) for c in _MEMBER_CELLS}
_MEMBER_TEXT = [i for i, c in enumerate(_MEMBER_CELLS) if c.kind == "text"]


def _member_row(cells) -> list:
    cells = list(cells)
    for at in _MEMBER_TEXT:
        cells[at] = safe(cells[at])
    return cells


def _member_values(members, *before):
    """(the `before` fields, then the member's cells), as the database gives them."""
    return members.annotate(**_MEMBER_SELECT).values_list(*before, *_MEMBER_SELECT)


def _with_members(households):
    """(household, its member rows' cells, in the order entered), in the export's order, a chunk of households and
    one query of their members at a time."""
    rows = _stored_rows(households)
    while chunk := list(itertools.islice(rows, _CHUNK)):
        members = {}
        found = Member.objects.filter(household_id__in=[pk for pk, _h in chunk]).order_by("household_id", "id")
        for household_id, *cells in _member_values(found, "household_id"):
            members.setdefault(household_id, []).append(_member_row(cells))
        for pk, h in chunk:
            yield h, members.get(pk, [])


def _in_order(households):
    return households.select_related(None).order_by("survey_year", "code")


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

    def counted(self, rows):
        """The rows, passed on; the progress advanced every so many of them (a percent at most)."""
        every = max(1, min(1000, self.total // 100))
        for n, row in enumerate(rows, start=1):
            if n % every == 0:
                self.advance(every)
            yield row


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
    tails = _Tails(lambda h: h.reported_deprivations)
    rows = (household_row(h) + tails(h) for _pk, h in _stored_rows(households))
    book.sheet("Hộ", _records(headers, progress.counted(rows)))
    member_headers = [c.vi for c in MEMBER_SHEET_COLUMNS if c.key != "birth_date"]
    ordered = members.order_by("household__survey_year", "household__code", "household_id", "id")
    found = _member_values(ordered, "household__code", "household__survey_year").iterator(chunk_size=_CHUNK * 5)
    cells = progress.counted((safe(code), year, *_member_row(rest)) for code, year, *rest in found)
    for part in range(max(1, -(-total // SHEET_ROWS))):
        name = "Thành viên" if part == 0 else f"Thành viên ({part + 1})"
        book.sheet(name, _records(member_headers, itertools.islice(cells, SHEET_ROWS)))


def _member_rows(book, households, report):
    """One row per member, the household's columns on each; a household recorded from roster answers alone has one
    row with its ticked deprivations and no member."""
    rows = Member.objects.filter(household__in=households).count() + households.filter(members=None).count()
    _fits(rows)
    progress = _Progress(households.count(), report)
    indicator_headers = [c.aliases[0] if c.key == "ind:employment" else c.vi for c in INDICATOR_COLUMNS]
    headers = [c.vi for c in HOUSEHOLD_COLUMNS] + [c.vi for c in _MEMBER_CELLS] + indicator_headers + derived_headers()
    no_member = [""] * len(_MEMBER_CELLS)
    tails = _Tails(lambda h: h.reported_deprivations)

    def sheet_rows():
        for h, people in progress.counted(_with_members(households)):
            household, after = household_row(h), tails(h)
            for member in people or [no_member]:
                yield household + member + after

    book.sheet("Danh sách", _records(headers, sheet_rows()))


def _answers_sheet(book, households, report):
    total = households.count()
    _fits(total)
    progress = _Progress(total, report)
    columns = [c for c in HOUSEHOLD_COLUMNS if c.key in ANSWER_KEYS]
    headers = [c.vi for c in columns] + [c.vi for c in INDICATOR_COLUMNS] + derived_headers()
    tails = _Tails(answers_of)
    rows = (household_row(h, columns) + tails(h) for _pk, h in _stored_rows(households))
    book.sheet("Danh sách", _records(headers, progress.counted(rows)))


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
