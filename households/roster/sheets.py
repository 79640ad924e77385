"""A roster's sheets: the header row found and its columns matched to fields, the data rows read a batch at a time
and converted column by column, every cell problem located by sheet, row and column."""

import itertools
import operator
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .cells import _INVALID, converter
from .columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, normalise

HEADER_SEARCH_ROWS = 20
_CODE_HEADERS = {normalise("Mã hộ"), normalise("Household code"), "code"}


@dataclass(frozen=True, slots=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    message: str

    def line(self) -> str:
        where = f"{self.sheet}!{self.row}" if self.row else self.sheet
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class _Sheet:
    """A sheet with its header row found and its columns matched to fields."""

    def __init__(self, name, rows_iter, index_maps, problems):
        self.name = name
        self.rows_iter = rows_iter
        self.problems = problems
        self.header_row = None
        self.columns = {}  # key → (position, header text, Column)
        self.headers = []
        for number, row in enumerate(rows_iter, start=1):
            cells = [normalise(c) if isinstance(c, str) else "" for c in row]
            if _CODE_HEADERS & set(cells):
                self.header_row = number
                self.headers = [str(c).strip() if c is not None else "" for c in row]
                self._match(cells, index_maps)
                break
            if number >= HEADER_SEARCH_ROWS:
                break

    def _match(self, cells, index_maps):
        for position, cell in enumerate(cells):
            if not cell:
                continue
            for index in index_maps:
                column = index.get(cell)
                if column is not None:
                    if column.key in self.columns:
                        self.problems.append(
                            Problem(
                                self.name,
                                self.header_row,
                                self.headers[position],
                                _("this column appears twice; the second one is ignored"),
                            )
                        )
                    else:
                        self.columns[column.key] = (position, self.headers[position], column)
                    break

    def header_texts(self) -> dict:
        return {key: header for key, (_p, header, _c) in self.columns.items()}

    def data_rows(self, size):
        """Batches of (row numbers, rows) below the header, leaving out rows that hold no value."""
        number = self.header_row + 1
        while rows := list(itertools.islice(self.rows_iter, size)):
            numbers = range(number, number + len(rows))
            number += len(rows)
            kept = [i for i, row in enumerate(rows) if any(row) or _has_value(row)]  # any(): 0 and False count
            if len(kept) < len(rows):
                numbers, rows = [numbers[i] for i in kept], [rows[i] for i in kept]
            if rows:
                yield numbers, rows


def _has_value(row) -> bool:
    return any(cell != "" and cell is not None for cell in row)


class _RowReader:
    """Converts the matched columns of a sheet's rows, recording located problems.

    Column by column, a few thousand rows at a time: a roster repeats the same labels and marks hundreds of
    thousands of times, so each distinct cell of a column is converted once per batch."""

    BATCH = 10_000

    def __init__(self, sheet: _Sheet, keys):
        self.sheet = sheet
        self.plan = [
            (key, position, header, converter(column))
            for key, (position, header, column) in sheet.columns.items()
            if key in keys
        ]
        self.keys = [key for key, _p, _h, _c in self.plan]

    def batches(self, problems):
        """The sheet's data rows, a batch at a time: (row numbers, the rows' values in the order of self.keys). A
        cell with an error is _INVALID, an empty one None."""
        for numbers, rows in self.sheet.data_rows(self.BATCH):
            raw_columns = self._raw_columns(rows)
            columns = [
                self._column(numbers, raw, header, convert, problems)
                for raw, (_k, _p, header, convert) in zip(raw_columns, self.plan, strict=True)
            ]
            yield numbers, list(zip(*columns, strict=True)) if columns else [()] * len(numbers)

    def rows(self, problems):
        """(number, {key: value}) of each row; a cell with an error is _INVALID, an empty one is left out."""
        keys = self.keys
        for numbers, batch in self.batches(problems):
            for number, values in zip(numbers, batch, strict=True):
                yield number, {key: value for key, value in zip(keys, values) if value is not None}

    def _raw_columns(self, rows):
        positions = [position for _k, position, _h, _c in self.plan]
        if not positions:
            return []
        width = max(positions) + 1
        if any(len(row) < width for row in rows):  # a short CSV line
            rows = [(*row, *[""] * (width - len(row))) if len(row) < width else row for row in rows]
        picked = map(operator.itemgetter(*positions), rows)
        return list(zip(*picked)) if len(positions) > 1 else [list(picked)]

    def _column(self, numbers, raw, header, convert, problems):
        distinct = set(raw)
        if any(type(value) is bool for value in distinct):  # True == 1 == 1.0 in a set: convert each cell
            return [self._one(convert, value, number, header, problems) for value, number in zip(raw, numbers)]
        converted = {value: convert(value) for value in distinct}
        wrong = {value for value, (_v, error) in converted.items() if error is not None}
        for value, number in zip(raw, numbers) if wrong else ():
            if value in wrong:
                problems.append(Problem(self.sheet.name, number, header, converted[value][1]))
        values = {value: _INVALID if value in wrong else result for value, (result, _e) in converted.items()}
        return [values[value] for value in raw]

    def _one(self, convert, value, number, header, problems):
        result, error = convert(value)
        if error is None:
            return result
        problems.append(Problem(self.sheet.name, number, header, error))
        return _INVALID


def continued(name: str, names) -> list[str]:
    """The sheets that continue sheet `name`, in order: "Thành viên (2)", "Thành viên (3)", …"""
    following = {normalise(f"{name} ({n})"): n for n in range(2, len(names) + 2)}
    return sorted((n for n in names if normalise(n) in following), key=lambda n: following[normalise(n)])


def column_name(key: str) -> str:
    """A column the file does not have, by its header in the active language (the file's own header otherwise)."""
    column = next((c for c in (*HOUSEHOLD_COLUMNS, *MEMBER_COLUMNS) if c.key == key), None)
    if column is None:
        return key
    return column.en if (get_language() or "vi").startswith("en") else column.vi
