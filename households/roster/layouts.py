"""The roster's layouts (two sheets, a row per member, a row of answers per household) → households in their JSON
form (docs/domain/household-json.md), each with where it came from. The cells are converted in cells.py, the
sheets' headers matched and their rows read in sheets.py, a household's cells fingerprinted in fingerprints.py.

Every cell problem is collected with its sheet, row and column; nothing stops at the first error.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from areas.models import review_date

from .cells import _INVALID
from .columns import (
    ASSET_KEYS,
    DWELLING_KEYS,
    HOUSEHOLD_COLUMNS,
    HOUSEHOLD_SHEETS,
    INDICATOR_COLUMNS,
    MEMBER_COLUMNS,
    MEMBER_ONLY,
    MEMBER_SHEET_COLUMNS,
    MEMBER_SHEETS,
    header_index,
    is_sheet,
    normalise,
)
from .fingerprints import cells_fingerprint
from .forked import Later
from .sheets import HEADER_SEARCH_ROWS, Problem, _RowReader, _Sheet, column_name, continued

_REQUIRED_HOUSEHOLD = (("unit",), ("income_per_capita",))  # each: the column, or one of its alternatives
_REQUIRED_MEMBER = (("age", "birth_date"),)
_HOUSEHOLD_INDEX = header_index(HOUSEHOLD_COLUMNS)
_MEMBER_INDEX = header_index(MEMBER_COLUMNS)
_MEMBER_SHEET_INDEX = header_index(MEMBER_SHEET_COLUMNS)
_INDICATOR_INDEX = header_index(INDICATOR_COLUMNS)
_MEMBER_ONLY_HEADERS = {h for h, c in _MEMBER_INDEX.items() if c.key in MEMBER_ONLY}


@dataclass
class Entry:
    """One household of the file: its JSON form plus where each part of it is."""

    data: dict
    sheet: str
    row: int
    headers: dict  # key → header text as typed in the file
    member_rows: list = field(default_factory=list)  # (sheet, row) of each member, in order
    member_headers: dict = field(default_factory=dict)
    unit_code: str | None = None
    indicator_columns: bool = False
    invalid: set = field(default_factory=set)
    _values: dict = field(default_factory=dict)
    member_cells: list = field(default_factory=list)  # (member sheet, row, cells), until completed

    @property
    def unit_key(self) -> tuple[str | None, int]:
        """(unit code, review year): a code names a unit in a year (codes are reused across the 2025 reform)."""
        return self.unit_code, self.data["survey_year"]

    @property
    def key(self) -> tuple[int, str]:
        """(survey_year, code): what a household is stored under."""
        return self.data["survey_year"], self.data["code"]

    def fingerprint(self, unit) -> str:
        """What the household's cells say, with the unit they name (fingerprints.cells_fingerprint). Taken before
        RosterParser.complete, the same way on every import of the same cells."""
        return cells_fingerprint(unit, self.data["survey_year"], self._values or self.data, self.member_cells)

    def where(self, field_path: str) -> tuple[str, int, str]:
        """The sheet, row and column of a field of the JSON form ("members[2].age", "dwelling.latrine")."""
        if field_path.startswith("members[") and "]" in field_path:
            index, _sep, rest = field_path[8:].partition("]")
            if index.isdigit() and int(index) < len(self.member_rows):
                sheet, row = self.member_rows[int(index)]
                key = rest.lstrip(".")
                return sheet, row, self.member_headers.get(key, key)
        key = field_path.split(".")[-1]
        if key == "assets":
            key = "tv"
        if key == "deprivations":
            return self.sheet, self.row, ""
        return self.sheet, self.row, self.headers.get(key, column_name(key))


HOUSEHOLD_KEYS = {c.key for c in HOUSEHOLD_COLUMNS}
MEMBER_KEYS = {c.key for c in MEMBER_COLUMNS} - {"code"}
INDICATOR_KEYS = {c.key for c in INDICATOR_COLUMNS}
REQUIRED_DWELLING = ("house_class", "floor_area_m2", "water_source", "latrine")


def reference_date(survey_year: int) -> date:
    """Ages are completed years on the review's reference date: 1 October of the survey year (units too serve the
    review they are in force on that day)."""
    return review_date(survey_year)


def _age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


class RosterParser:
    """parse(workbook, default_year, indicators_for_year) → entries and problems."""

    def __init__(self, default_year=None, indicators_for_year=None, fork=False, meanwhile=None):
        self.default_year = default_year
        self.fork = fork  # read the member sheet in a forked child (large files)
        # meanwhile(entries): run once the households are known, while the forked child still reads the members
        self.meanwhile = meanwhile
        self.indicators_for_year = indicators_for_year or (lambda year: None)
        self.problems: list[Problem] = []
        self.entries: list[Entry] = []
        self.layout = None
        self._lazy = False  # the two-sheet layout: entries are completed where they are checked

    def _open(self, workbook, name, index_maps):
        return _Sheet(name, iter(workbook.rows(name)), index_maps, self.problems)

    def _require_code(self, sheet: _Sheet, required=()) -> bool:
        """The sheet has a header row, and every required column (or one of its alternatives) is in it."""
        if sheet.header_row is None:
            self.problems.append(
                Problem(
                    sheet.name,
                    None,
                    "",
                    _("no header row with the column “Mã hộ” (Household code) in the first %(n)s rows")
                    % {"n": HEADER_SEARCH_ROWS},
                )
            )
            return False
        missing = [column_name(keys[0]) for keys in required if not set(keys) & set(sheet.columns)]
        for header in missing:
            self.problems.append(Problem(sheet.name, sheet.header_row, header, _("this required column is missing")))
        return not missing

    def parse(self, workbook):
        self._parse(workbook)
        self._run_meanwhile()
        return self

    def _run_meanwhile(self):
        if self.meanwhile is not None:
            self.meanwhile(self.entries)
            self.meanwhile = None

    def _parse(self, workbook):
        for sheet, cells in workbook.formulas.items():
            for cell in cells[:50]:
                self.problems.append(
                    Problem(
                        sheet,
                        int("".join(c for c in cell if c.isdigit())),
                        "".join(c for c in cell if c.isalpha()),
                        _("the cell holds a formula; paste values only (Paste Special → Values)"),
                    )
                )
            if len(cells) > 50:
                self.problems.append(
                    Problem(sheet, None, "", _("%(n)s more cells hold formulas") % {"n": len(cells) - 50})
                )
        names = workbook.sheet_names
        household_sheet = next((n for n in names if is_sheet(n, HOUSEHOLD_SHEETS)), None)
        member_sheets = [n for n in names if is_sheet(n, MEMBER_SHEETS)]
        if household_sheet and member_sheets:
            self.layout = "two_sheets"
            self._two_sheets(workbook, household_sheet, member_sheets + continued(member_sheets[0], names))
            return self
        name = household_sheet or names[0] if names else None
        if name is None:
            self.problems.append(Problem("", None, "", _("the workbook has no sheet")))
            return self
        sheet = self._open(workbook, name, [_HOUSEHOLD_INDEX, _MEMBER_INDEX, _INDICATOR_INDEX])
        if not self._require_code(sheet, _REQUIRED_HOUSEHOLD):
            return self
        keys = set(sheet.columns)
        has_members = bool({c.key for c in MEMBER_COLUMNS if c.key in MEMBER_ONLY} & keys)
        if has_members:
            # "Việc làm" was matched as the member's employment (the member index comes first)
            self.layout = "member_rows"
            if self._require_code(sheet, _REQUIRED_MEMBER):
                self._member_rows(sheet)
        elif keys & INDICATOR_KEYS or _employment_as_indicator(sheet):
            self.layout = "answers"
            self._answers(sheet)
        else:
            self.problems.append(
                Problem(
                    name,
                    None,
                    "",
                    _(
                        "no member columns and no deprivation columns found. A roster has two sheets named “Hộ” and "
                        "“Thành viên” (Households and Members), or one sheet with a row per member, or one sheet with "
                        "a ticked column per deprivation. Sheets in this file: %(names)s"
                    )
                    % {"names": ", ".join(names)},
                )
            )
        return self

    # --- layouts ---------------------------------------------------------------------------------------

    def _household_values(self, values, number, sheet_name):
        year = values.get("survey_year", self.default_year)
        if year is None:
            column = column_name("survey_year")
            self.problems.append(
                Problem(
                    sheet_name,
                    number,
                    column,
                    _("no survey year: give the column “%(column)s” or the year of the import") % {"column": column},
                )
            )
        return year

    def _new_entry(self, values, number, sheet: _Sheet, seen):
        code = values.get("code")
        if code is None or code is _INVALID:
            self.problems.append(
                Problem(
                    sheet.name,
                    number,
                    sheet.header_texts().get("code", column_name("code")),
                    _("the household code is required"),
                )
            )
            return None
        year = self._household_values(values, number, sheet.name)
        if year is None or year is _INVALID:
            return None
        first = seen.get((code, year))
        if first is not None:
            self.problems.append(
                Problem(
                    sheet.name,
                    number,
                    sheet.header_texts()["code"],
                    _("household code %(code)s appears twice for %(year)s (first on row %(row)s)")
                    % {"code": code, "year": year, "row": first},
                )
            )
            return None
        seen[(code, year)] = number
        data = {"code": code, "survey_year": year}
        entry = Entry(
            data=data,
            sheet=sheet.name,
            row=number,
            headers=sheet.header_texts(),
            unit_code=values.get("unit") if values.get("unit") is not _INVALID else None,
        )
        invalid = {k for k, v in values.items() if v is _INVALID}
        for key in ("head_name", "ethnicity", "area_type", "income_per_capita", "member_count"):
            if key in values and key not in invalid:
                data[key] = values[key]
        entry.invalid = invalid
        entry._values = values
        return entry

    def _dwelling(self, entry: Entry, values):
        dwelling = {
            k: values[k] for k in DWELLING_KEYS if k in values and values[k] is not _INVALID and k not in ASSET_KEYS
        }
        dwelling["assets"] = [k for k in ASSET_KEYS if values.get(k) is True]
        if "floor_area_m2" in dwelling:
            dwelling["floor_area_m2"] = round(dwelling["floor_area_m2"], 1)  # as stored: one decimal
        for key in REQUIRED_DWELLING:
            if key not in dwelling and key not in entry.invalid:
                self.problems.append(
                    Problem(
                        entry.sheet,
                        entry.row,
                        entry.headers.get(key, column_name(key)),
                        _("required for a household whose members are listed"),
                    )
                )
                dwelling[key] = None
        return dwelling

    def _member(self, values, number, sheet: _Sheet, year, own=False):
        """own: `values` holds only this member's cells and may become the member."""
        member = values if own else {k: v for k, v in values.items() if k in MEMBER_KEYS}
        age, birth = member.get("age"), member.pop("birth_date", None)
        if _INVALID in member.values():
            member = {k: v for k, v in member.items() if v is not _INVALID}
        if age is None:
            if birth is not None and birth is not _INVALID:
                member["age"] = _age_on(birth, reference_date(year))
            elif birth is None:
                self.problems.append(
                    Problem(
                        sheet.name,
                        number,
                        sheet.header_texts().get("age", column_name("age")),
                        _("the age (or the date of birth) is required"),
                    )
                )
        elif age is _INVALID:
            member["age"] = None
        member["full_name"] = member.get("full_name") or ""
        return member

    def _two_sheets(self, workbook, household_name, member_names):
        # The members, most of the file, are read meanwhile. Each household gets its member rows' cells here;
        # they become the JSON form in complete(), where the household is checked (split over the processes).
        # Members past a sheet's last row go on "Thành viên (2)", … (an export of a province does so).
        with Later(lambda: [_member_sheet(workbook, name) for name in member_names], self.fork) as member_sheets:
            households = self._open(workbook, household_name, [_HOUSEHOLD_INDEX, _INDICATOR_INDEX])
            by_code, household_problems = self._household_rows(households) if households.header_row else ({}, [])
            self._run_meanwhile()
            parts = member_sheets.result()
        required = self._require_code(households, _REQUIRED_HOUSEHOLD)
        for members, *_rest in parts:
            self.problems += members.problems
            required &= self._require_code(members, _REQUIRED_MEMBER)
        if not required:
            self.entries = []
            return
        self.problems += household_problems
        self._member_sheets = [(members, member_keys) for members, member_keys, _rows, _problems in parts]
        ambiguous = set()
        for part, (members, member_keys, member_rows, member_problems) in enumerate(parts):
            self.problems += member_problems
            self._assign_members(part, members, member_keys, member_rows, by_code, household_name, ambiguous)
            member_rows.clear()
        if ambiguous:  # their members are unknown: checking them would only add errors about their missing members
            self.entries = [e for e in self.entries if e.data["code"] not in ambiguous]
        self._lazy = True

    def _assign_members(self, part, members, member_keys, member_rows, by_code, household_name, ambiguous):
        """Each member row of one member sheet to its household, or a located problem."""
        member_name = members.name
        member_headers = members.header_texts()
        code_at = member_keys.index("code") if "code" in member_keys else None
        year_at = member_keys.index("survey_year") if "survey_year" in member_keys else None
        for number, cells in member_rows:
            code = cells[code_at] if code_at is not None else None
            owners = by_code.get(code) if code is not _INVALID else None
            year = cells[year_at] if year_at is not None else None
            if code is None or code is _INVALID:
                self.problems.append(
                    Problem(
                        member_name,
                        number,
                        member_headers.get("code", column_name("code")),
                        _("the household code is required"),
                    )
                )
            elif not owners:
                self.problems.append(
                    Problem(
                        member_name,
                        number,
                        member_headers["code"],
                        _("household %(code)s is not on the sheet “%(sheet)s”")
                        % {"code": code, "sheet": household_name},
                    )
                )
            elif year is _INVALID:
                continue  # the reader has said what is wrong with the year
            elif year is not None:
                owner = next((o for o in owners if o.data["survey_year"] == year), None)
                if owner is not None:
                    owner.member_cells.append((part, number, cells))
                else:
                    self.problems.append(
                        Problem(
                            member_name,
                            number,
                            member_headers["survey_year"],
                            _("household %(code)s of %(year)s is not on the sheet “%(sheet)s”")
                            % {"code": code, "year": year, "sheet": household_name},
                        )
                    )
            elif len(owners) == 1:
                owners[0].member_cells.append((part, number, cells))
            elif code not in ambiguous:  # said once, at the household's first member
                ambiguous.add(code)
                column = member_headers.get("survey_year", column_name("survey_year"))
                self.problems.append(
                    Problem(
                        member_name,
                        number,
                        member_headers.get("survey_year", member_headers["code"]),
                        _(
                            "household %(code)s is on the sheet “%(sheet)s” for several years (%(years)s): give the "
                            "survey year of each of its members in a column “%(column)s”"
                        )
                        % {
                            "code": code,
                            "sheet": household_name,
                            "years": ", ".join(str(o.data["survey_year"]) for o in owners),
                            "column": column,
                        },
                    )
                )

    def complete(self, entry: Entry) -> list[Problem]:
        """The household's JSON form made whole (two-sheet layout: its members, dwelling and deprivations from
        the cells kept for it); the problems found doing so. Other layouts are whole already."""
        if not self._lazy:
            return []
        kept, self.problems = self.problems, []
        year = entry.data["survey_year"]
        if entry.member_cells:
            members = entry.data["members"] = []
            for part, number, cells in entry.member_cells:
                sheet, keys = self._member_sheets[part]
                entry.member_headers = sheet.header_texts()
                values = {key: value for key, value in zip(keys, cells) if value is not None}
                values.pop("code", None)
                values.pop("survey_year", None)
                members.append(self._member(values, number, sheet, year, own=True))
                entry.member_rows.append((sheet.name, number))
            entry.member_cells = []
        self._finish(entry, entry._values)
        entry._values = {}
        found, self.problems = self.problems, kept
        return found

    def _household_rows(self, households: _Sheet):
        """The household sheet's entries by code, and the problems found on it, kept apart from self.problems."""
        kept, self.problems = self.problems, []
        reader = _RowReader(households, HOUSEHOLD_KEYS | INDICATOR_KEYS)
        seen, by_code = {}, {}
        has_indicators = bool(set(households.columns) & INDICATOR_KEYS)
        for number, values in reader.rows(self.problems):
            entry = self._new_entry(values, number, households, seen)
            if entry is None:
                continue
            entry.indicator_columns = has_indicators
            self.entries.append(entry)
            by_code.setdefault(entry.data["code"], []).append(entry)
        found, self.problems = self.problems, kept
        return by_code, found

    def _member_rows(self, sheet: _Sheet):
        reader = _RowReader(sheet, HOUSEHOLD_KEYS | MEMBER_KEYS | INDICATOR_KEYS)
        headers = sheet.header_texts()
        has_indicators = bool(set(sheet.columns) & INDICATOR_KEYS)
        groups = {}
        memberless = {}  # id(entry) → (entry, [(number, values)]) of its rows that list no member
        for number, values in reader.rows(self.problems):
            code = values.get("code")
            if code is None or code is _INVALID:
                self.problems.append(
                    Problem(
                        sheet.name,
                        number,
                        headers.get("code", column_name("code")),
                        _("the household code is required"),
                    )
                )
                continue
            year = values.get("survey_year")
            by_year = groups.setdefault(code, {})
            if year is None or year is _INVALID:
                group = next(iter(by_year.values())) if len(by_year) == 1 else by_year.get(self.default_year)
            else:
                group = by_year.get(year)
            if group is None:
                entry = self._new_entry(values, number, sheet, {})
                if entry is None:
                    continue
                entry.member_headers = headers
                entry.indicator_columns = has_indicators
                by_year[entry.data["survey_year"]] = entry
                self.entries.append(entry)
            else:
                entry = group
                first = entry._values
                for key in HOUSEHOLD_KEYS | INDICATOR_KEYS:
                    value = values.get(key)
                    if (
                        value is not None
                        and value is not _INVALID
                        and first.get(key) not in (None, _INVALID)
                        and value != first[key]
                    ):
                        self.problems.append(
                            Problem(
                                sheet.name,
                                number,
                                headers[key],
                                _("contradicts row %(row)s of the same household (“%(first)s” there, “%(value)s” here)")
                                % {"row": entry.row, "first": _shown(first[key]), "value": _shown(value)},
                            )
                        )
                    elif value is not None and first.get(key) is None:
                        first[key] = value
            if _lists_no_member(values):
                memberless.setdefault(id(entry), (entry, []))[1].append((number, values))
                continue
            entry.data.setdefault("members", []).append(self._member(values, number, sheet, entry.data["survey_year"]))
            entry.member_rows.append((sheet.name, number))
        # A household's only row may list no member: a household recorded from roster answers alone. Beside rows
        # that list members, such a row is a member left blank (the age is missing).
        for entry, rows in memberless.values():
            if entry.data.get("members"):
                for number, values in rows:
                    self._member(values, number, sheet, entry.data["survey_year"])
        for entry in self.entries:
            for key in ("head_name", "ethnicity", "area_type", "income_per_capita", "member_count"):
                value = entry._values.get(key)
                if value is not None and value is not _INVALID:
                    entry.data[key] = value
            if entry._values.get("unit") not in (None, _INVALID):
                entry.unit_code = entry._values["unit"]
            self._finish(entry, entry._values)
            entry._values = {}

    def _answers(self, sheet: _Sheet):
        employment = _employment_as_indicator(sheet)
        if employment:
            sheet.columns.pop("employment", None)
            sheet.columns["ind:employment"] = employment
        reader = _RowReader(sheet, HOUSEHOLD_KEYS | INDICATOR_KEYS)
        seen = {}
        for number, values in reader.rows(self.problems):
            entry = self._new_entry(values, number, sheet, seen)
            if entry is None:
                continue
            entry.indicator_columns = True
            self.entries.append(entry)
            self._finish(entry, values)

    def _finish(self, entry: Entry, values):
        """Dwelling (when members are listed) and the ticked deprivations (when the sheet has them)."""
        if entry.data.get("members"):
            entry.data["dwelling"] = self._dwelling(entry, values)  # the count: parse_household (counted_members)
        listed = bool(entry.data.get("members"))
        if entry.indicator_columns and (not listed or any(key in values for key in INDICATOR_KEYS)):
            year = entry.data["survey_year"]
            standard, allowed = self.indicators_for_year(year) or (None, None)
            ticked = []
            for key in sorted(INDICATOR_KEYS):
                if values.get(key) is True:
                    name = key.removeprefix("ind:")
                    if allowed is not None and name not in allowed:
                        self.problems.append(
                            Problem(
                                entry.sheet,
                                entry.row,
                                entry.headers.get(key, key),
                                _("the indicator “%(name)s” is not in %(standard)s, the poverty standard of %(year)s")
                                % {"name": entry.headers.get(key, key), "standard": standard, "year": year},
                            )
                        )
                        continue
                    ticked.append(name)
            entry.data["deprivations"] = ticked


_MEMBER_DEFAULTS = {c.key: c.default for c in MEMBER_COLUMNS if c.key != "code"}


def _lists_no_member(values) -> bool:
    """No member cell of the row holds anything but what an empty cell reads as."""
    return all(values.get(key, default) == default for key, default in _MEMBER_DEFAULTS.items())


def _member_sheet(workbook, name):
    """The member sheet with its header matched, the keys of its matched columns, each data row as (number, values
    in the order of the keys), and the problems of its cells."""
    sheet = _Sheet(name, iter(workbook.rows(name)), [_MEMBER_SHEET_INDEX], [])
    keys, rows, problems = [], [], []
    if sheet.header_row is not None:
        reader = _RowReader(sheet, MEMBER_KEYS | {"code", "survey_year"})
        keys = reader.keys
        for numbers, batch in reader.batches(problems):
            rows.extend(zip(numbers, batch, strict=True))
    sheet.rows_iter = None  # a generator: it cannot travel back from the forked child
    return sheet, keys, rows, problems


def _employment_as_indicator(sheet: _Sheet):
    """In the answers layout "Việc làm" is the employment deprivation, a ticked column."""
    for position, header in enumerate(sheet.headers):
        if normalise(header) in (normalise("Việc làm"), "employment"):
            from .columns import INDICATOR_COLUMNS as indicators

            return (position, header, next(c for c in indicators if c.key == "ind:employment"))
    return None


def _shown(value):
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return value
