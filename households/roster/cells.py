"""A roster's cells → values: one converter per column kind, each giving (value, error message or None). The
converted values are cached per column and raw value by the row reader (sheets._RowReader)."""

from datetime import date, datetime

from django.utils.translation import gettext as _

from povertyplan.cells import FORMULA_START
from povertyplan.numbers import NumberFormatError, parse_number

from ..choices import column_labels
from .columns import FALSE, TRUE, TRUE_MARKS, label_index, normalise


def _text(raw):
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw)), None
    text = " ".join(str(raw).split())
    if text[:1] == "'" and text[1:2] in FORMULA_START:  # an export's escape of a text that looks like a formula
        text = text[1:]
    return (text or None), None


def _number(raw, integer):
    if isinstance(raw, bool):
        return None, _("“%(text)s” is not a number.") % {"text": raw}
    if isinstance(raw, int | float):
        if integer and not float(raw).is_integer():
            return None, _("“%(text)s” must be a whole number.") % {"text": raw}
        return (int(raw) if integer else float(raw)), None
    if isinstance(raw, date | datetime):
        return None, _("“%(text)s” is not a number.") % {"text": raw}
    try:
        value = parse_number(raw, integer=integer)
    except NumberFormatError as error:
        return None, str(error)
    return (int(value) if integer else float(value)), None


def _bool(raw, default):
    if raw == "" or raw is None:
        return default, None
    if isinstance(raw, bool):
        return raw, None
    if isinstance(raw, int | float):
        if raw in (0, 1):
            return bool(raw), None
    elif str(raw).strip() in TRUE_MARKS:
        return True, None
    else:
        key = normalise(raw)
        if key in TRUE:
            return True, None
        if key in FALSE:
            return False, None
    return None, _("“%(text)s” is not yes or no: write x, có or 1 for yes; leave empty, 0 or không for no.") % {
        "text": raw
    }


def _choice(raw, labels, column):
    code = labels.get(normalise(raw))
    if code is None:
        return None, _("“%(text)s” is not in the list: %(labels)s.") % {
            "text": raw,
            "labels": ", ".join(label for label, _code in column_labels(column.key)),
        }
    return code, None


def accepted_labels(column) -> dict[str, str]:
    """Normalised label → code: the form's labels in Vietnamese, then the older spellings of the roster's
    templates, then the English labels (and the codes themselves)."""
    return label_index((*column_labels(column.key), *column.labels, *column_labels(column.key, "en")))


def _ethnicity(raw, labels):
    return labels.get(normalise(raw), "other"), None


def _date(raw):
    if isinstance(raw, datetime):
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    text = str(raw).strip()
    parts = text.replace("-", "/").replace(".", "/").split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        day, month, year = (int(p) for p in parts)
        try:
            return date(year, month, day), None
        except ValueError:
            pass
    return None, _("“%(text)s” is not a date: write dd/mm/yyyy.") % {"text": raw}


def converter(column):
    labels = accepted_labels(column) if column.kind in ("choice", "ethnicity") else None
    kind = column.kind
    if kind == "text":
        convert = _text
    elif kind in ("int", "year"):

        def convert(raw):
            value, error = _number(raw, True)
            if error is None and kind == "year" and not 1900 <= value <= 2100:
                return None, _("“%(text)s” is not a year.") % {"text": raw}
            return value, error
    elif kind == "number":

        def convert(raw):
            return _number(raw, False)
    elif kind == "bool":

        def convert(raw):
            return _bool(raw, column.default)
    elif kind == "choice":

        def convert(raw):
            return _choice(raw, labels, column)
    elif kind == "ethnicity":

        def convert(raw):
            return _ethnicity(raw, labels)
    elif kind == "date":
        convert = _date
    else:  # pragma: no cover
        raise ValueError(kind)
    empty = (column.default, None)

    def convert_cell(raw):
        if raw == "" or raw is None:
            return empty
        return convert(raw)

    return convert_cell


class _Invalid:
    def __reduce__(self):  # one object even across the forked reader's pickles: compared with `is`
        return "_INVALID"


_INVALID = _Invalid()  # a cell that had an error: its field is left out of the JSON form
